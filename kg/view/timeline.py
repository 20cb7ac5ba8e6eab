"""Events in date order as one offline HTML page (timeline.html), filterable by text and type.

Rows are rendered here with every piece of article text passed through `html.escape`; the page's
only script filters rows by toggling `hidden`, and a Content-Security-Policy with that script's
hash forbids any other script and every network fetch.
"""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from rdflib import Graph

from kg.graph.project import EventRow, Source, to_events
from kg.view.render import PREDICATE_COLOUR, content_security_policy, fill_template

_TYPE_ORDER = ("Interception", "Escort", "Deployment", "Response")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _evidence_html(source: Source) -> str:
    """The sentence with its trigger word marked; every part escaped."""
    sentence = source.sentence
    at = sentence.casefold().find(source.trigger.casefold()) if source.trigger else -1
    if at < 0:
        body = _e(sentence)
    else:
        end = at + len(source.trigger)
        body = f"{_e(sentence[:at])}<mark>{_e(sentence[at:end])}</mark>{_e(sentence[end:])}"
    hedged = ' <span class="badge">hedged</span>' if source.hedged else ""
    return f'<blockquote class="evidence">{body}{hedged}</blockquote>' if sentence else ""


def _source_html(source: Source) -> str:
    title = _e(source.title or source.article)
    url = source.url
    if url.lower().startswith(("http://", "https://")):
        head = f'<a href="{_e(url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
    else:
        head = f'<span class="src">{title}</span>' + (f' <span class="path">{_e(url)}</span>' if url else "")
    date = f' <span class="date">{_e(source.date)}</span>' if source.date else ""
    return f"<li>{head}{date}{_evidence_html(source)}</li>"


def _row_html(row: EventRow) -> str:
    colour = PREDICATE_COLOUR.get(row.predicate, "#777777")
    sources = "".join(_source_html(s) for s in row.sources)
    return (
        f'<tr data-type="{_e(row.cls)}" data-date="{_e(row.date)}">'
        f'<td class="nowrap">{_e(row.date) or "<span class=undated>undated</span>"}</td>'
        f'<td class="nowrap"><span class="dot" style="background:{colour}"></span>{_e(row.cls)}</td>'
        f'<td class="ent">{_e(row.actor_label)}</td><td class="ent">{_e(row.target_label)}</td>'
        f"<td>{_e('; '.join(row.places))}</td>"
        f'<td class="num">{row.confidence:.2f}</td>'
        f'<td><ul class="sources">{sources}</ul></td></tr>'
    )


def write_timeline(graph: Graph, path: Path, *, title: str = "posture-kg timeline") -> Path:
    """Write the events of `graph` as a timeline page at `path` (a directory gets timeline.html)."""
    path = Path(path)
    if path.is_dir():
        path = path / "timeline.html"
    rows = to_events(graph)
    counts = Counter(r.cls for r in rows)
    types = sorted(counts, key=lambda c: (_TYPE_ORDER.index(c) if c in _TYPE_ORDER else 99, c))
    filters = "".join(
        f'<label><input type="checkbox" data-type="{_e(t)}" checked> {_e(t)} '
        f'<span class="count">{counts[t]}</span></label>'
        for t in types
    )
    body = "".join(_row_html(r) for r in rows) or (
        '<tr class="empty"><td colspan="7">No events in this graph.</td></tr>'
    )
    page = fill_template(
        _TEMPLATE,
        {
            "CSP": html.escape(content_security_policy(_SCRIPT), quote=False),
            "TITLE": _e(title),
            "STYLE": _STYLE,
            "FILTERS": filters,
            "ROWS": body,
            "TOTAL": str(len(rows)),
            "SCRIPT": _SCRIPT,
        },
    )
    from kg.fileio import write_atomic  # a crash mid-write leaves the previous page intact

    return write_atomic(path, page)


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="@@CSP@@">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@@TITLE@@</title>
<style>@@STYLE@@</style>
</head>
<body>
<header>
  <h1>@@TITLE@@</h1>
  <input id="q" type="search" placeholder="Filter: actor, place, source, evidence\u2026"
    aria-label="Filter events by text">
  <span id="types">@@FILTERS@@</span>
  <span id="shown" role="status"><span id="n-shown">@@TOTAL@@</span> of @@TOTAL@@ events</span>
</header>
<table>
<thead><tr><th>Date</th><th>Type</th><th>Actor</th><th>Target</th><th>Place</th><th>Conf.</th>
<th>Sources and evidence</th></tr></thead>
<tbody id="rows">@@ROWS@@</tbody>
</table>
<script>@@SCRIPT@@</script>
</body>
</html>
"""

_STYLE = """
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: #222; background: #fff; }
header { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; align-items: center; gap: 12px;
  padding: 8px 14px; background: #f7f7f9; border-bottom: 1px solid #ddd; }
h1 { font-size: 16px; margin: 0 8px 0 0; font-weight: 600; }
#q { width: 340px; padding: 4px 8px; border: 1px solid #bbb; border-radius: 4px; font: inherit; }
#types label { margin-right: 10px; white-space: nowrap; }
.count { color: #777; font-size: 12px; }
#shown { margin-left: auto; color: #555; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid #eee; }
th { position: sticky; top: 49px; background: #fff; font-size: 12px; text-transform: uppercase; color: #666;
  border-bottom: 1px solid #ccc; }
td.nowrap, td.ent { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 6px; }
.undated { color: #999; font-style: italic; }
ul.sources { list-style: none; margin: 0; padding: 0; }
ul.sources li + li { margin-top: 6px; }
.date, .path { color: #777; font-size: 12px; }
blockquote.evidence { margin: 2px 0 0; padding: 1px 8px; border-left: 3px solid #ccc; font-style: italic;
  overflow-wrap: anywhere; }
mark { background: #fff2a8; }
.badge { font-style: normal; font-size: 11px; color: #8a5a00; background: #fff3d6; border-radius: 3px;
  padding: 0 4px; }
a { color: #1a5fb4; }
"""

_SCRIPT = """
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#rows tr[data-type]"));
  var text = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#types input[type=checkbox]"));
  function apply() {
    var q = document.getElementById("q").value.trim().toLowerCase();
    var on = {};
    boxes.forEach(function (b) { on[b.getAttribute("data-type")] = b.checked; });
    var shown = 0;
    rows.forEach(function (r, i) {
      var ok = on[r.getAttribute("data-type")] !== false && (!q || text[i].indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    document.getElementById("n-shown").textContent = String(shown);
  }
  document.getElementById("q").addEventListener("input", apply);
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  window.kgTimeline = {apply: apply, ready: true};
})();
"""
