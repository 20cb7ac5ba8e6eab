"""Events in date order as one offline HTML page (timeline.html), filterable by text and type.

Takes an rdflib graph (its events via `kg.graph.project.to_events`); writes the page from
kg/view/assets/timeline.html with the shared asset set (common.css/js) plus timeline.css/js.
The template is autoescaped, so every piece of article text is escaped; the page's only script
filters rows by toggling `hidden`, and a Content-Security-Policy with that script's hash forbids
any other script and every network fetch.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg.graph.project import EventRow, Source, to_events
from kg.view.page import render_page
from kg.view.style import predicate_colour

_TYPE_ORDER = ("Interception", "Escort", "Deployment", "Response")


@dataclass(frozen=True)
class SourceView:
    """One source of an event as the template prints it: the sentence split around its trigger."""

    title: str
    url: str
    link: bool  # url is http(s): printed as a link
    date: str
    sentence: str
    before: str
    marked: str
    after: str
    hedged: bool


@dataclass(frozen=True)
class RowView:
    """One event row of the timeline."""

    cls: str
    date: str
    colour: str
    actor: str
    target: str
    places: str
    confidence: float
    sources: tuple[SourceView, ...]


def source_view(source: Source) -> SourceView:
    """The sentence with its trigger word found (case-insensitive) for marking."""
    sentence = source.sentence
    at = sentence.casefold().find(source.trigger.casefold()) if source.trigger else -1
    end = at + len(source.trigger)
    before, marked, after = (
        (sentence, "", "") if at < 0 else (sentence[:at], sentence[at:end], sentence[end:])
    )
    return SourceView(
        title=source.title or source.article,
        url=source.url,
        link=source.url.lower().startswith(("http://", "https://")),
        date=source.date,
        sentence=sentence,
        before=before,
        marked=marked,
        after=after,
        hedged=source.hedged,
    )


def row_view(row: EventRow) -> RowView:
    return RowView(
        cls=row.cls,
        date=row.date,
        colour=predicate_colour(row.predicate),
        actor=row.actor_label,
        target=row.target_label,
        places="; ".join(row.places),
        confidence=row.confidence,
        sources=tuple(source_view(s) for s in row.sources),
    )


def write_timeline(graph: Graph, path: Path, *, title: str = "posture-kg timeline") -> Path:
    """Write the events of `graph` as a timeline page at `path` (a directory gets timeline.html)."""
    path = Path(path)
    if path.is_dir():
        path = path / "timeline.html"
    rows = to_events(graph)
    counts = Counter(r.cls for r in rows)
    types = sorted(counts, key=lambda c: (_TYPE_ORDER.index(c) if c in _TYPE_ORDER else 99, c))
    page = render_page(
        "timeline.html",
        title=title,
        css=["common.css", "timeline.css"],
        js=["common.js", "timeline.js"],
        types=[{"cls": t, "count": counts[t]} for t in types],
        rows=[row_view(r) for r in rows],
    )
    from kg.fileio import write_atomic  # a crash mid-write leaves the previous page intact

    return write_atomic(path, page)
