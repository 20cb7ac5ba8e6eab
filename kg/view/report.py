"""A built OUTDIR -> the analyst report: one self-contained offline page and CSV files beside it.

Takes the store of OUTDIR (read with the library query event-table) and the gazetteer's
coordinates; writes `report.html` (charts and map drawn by the vendored d3 bundle on the
world-atlas outline, both inlined) and `{stem}-*.csv` beside it, and gives a `ReportSummary`
of what it read and wrote. The figures come from kg.view.reportdata.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.fileio import write_atomic
from kg.gazetteer import default_gazetteer
from kg.graph.query import run_named
from kg.graph.results import Term
from kg.view import reportdata as rd
from kg.view.page import asset_text, render_page

_ID = "https://w3id.org/posture-kg/id/"
_KEY_PREFIX = {"nation": "nation", "alliance": "alliance", "aircraft": "aircraft", "weapon": "weapon",
               "base": "base", "sea": "sea", "location": "location"}  # fmt: skip
#: Fewer dated events than this and the page says the graph is too small for trends.
FEW_EVENTS = 10


@dataclass
class ReportSummary:
    """What `write_report` read and wrote."""

    events: int = 0
    dated: int = 0
    weeks: int = 0
    flags: int = 0
    chains: int = 0
    places: int = 0
    files: list[Path] = field(default_factory=list)


def key_of(iri: str | None) -> str | None:
    """id:nation/RU -> nation:RU (the gazetteer key), None for anything else."""
    if not iri or not iri.startswith(_ID):
        return None
    kind, _, name = iri[len(_ID) :].partition("/")
    return (
        f"{_KEY_PREFIX[kind]}:{name.lower() if kind != 'nation' else name}" if kind in _KEY_PREFIX else None
    )


def read_events(outdir: Path) -> list[rd.EventFacts]:
    """Every event of OUTDIR's store as `EventFacts` (one row per evidence sentence, grouped)."""
    result = run_named(outdir, "event-table")
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in result.rows:
        values = {v: t.value for v, t in zip(result.variables, row, strict=True) if isinstance(t, Term)}
        rows[values["event"]].append(values)
    return [_facts(iri, group) for iri, group in rows.items()]


def _party(parties: str, sentence: str) -> str | None:
    """The one party behind a side: the only one, or the one the sentence names ("Taiwanese F-16V")."""
    keys = [k for k in (key_of(p) for p in parties.split()) if k]
    if len(keys) <= 1:
        return keys[0] if keys else None
    gaz = default_gazetteer()
    named = [k for k in keys if (e := gaz.entity(k)) and any(a in sentence for a in (e.label, *e.aliases))]
    return named[0] if len(named) == 1 else None


def _facts(iri: str, group: list[dict[str, str]]) -> rd.EventFacts:
    first = group[0]
    text = " ".join(g.get("sentence", "") for g in group)
    day = first.get("date")
    return rd.EventFacts(
        iri=iri,
        predicate=first.get("predicate", ""),
        date=dt.date.fromisoformat(day[:10]) if day else None,
        actor=key_of(first.get("actor")) or first.get("actor", ""),
        actor_label=first.get("actorLabel", ""),
        actor_kind=first.get("actorKind", ""),
        actor_party=_party(first.get("actorParties", ""), text),
        target=key_of(first.get("target")) or first.get("target", ""),
        target_label=first.get("targetLabel", ""),
        target_kind=first.get("targetKind", ""),
        target_party=_party(first.get("targetParties", ""), text),
        place=key_of(first.get("place")),
        place_label=first.get("placeLabel", ""),
        destination=key_of(first.get("destination")),
        destination_label=first.get("destinationLabel", ""),
        claim=first.get("claim", ""),
        sentences=tuple(sorted({g["evidence"].rsplit("/", 1)[0] for g in group if g.get("evidence")})),
    )


def _labels(events: list[rd.EventFacts]) -> dict[str, str]:
    gaz = default_gazetteer()
    labels = {k: e.label for k, e in gaz.entities.items() if k.startswith(("nation:", "alliance:"))}
    for e in events:
        labels.update({e.actor: e.actor_label, e.target: e.target_label})
        if e.place:
            labels[e.place] = e.place_label
        if e.destination:
            labels[e.destination] = e.destination_label
    return labels


def report_data(events: list[rd.EventFacts], title: str) -> dict[str, Any]:
    """The page data and the CSV tables of the report."""
    labels = _labels(events)
    weeks = rd.week_range(events)
    party = lambda k: labels.get(k, k) if k else "?"  # noqa: E731
    dims = {
        "predicate": rd.weekly(events, weeks, lambda e: [e.predicate]),
        "pair": rd.weekly(
            events,
            weeks,
            lambda e: [f"{party(e.actor_party)} → {party(_other(e))}"] if e.actor_party and _other(e) else [],
        ),
        "sea": rd.weekly(
            events, weeks, lambda e: [e.place_label] if e.place and e.place.startswith("sea:") else []
        ),
        "aircraft": rd.weekly(
            events,
            weeks,
            lambda e: [
                x
                for k, x in ((e.actor_kind, e.actor_label), (e.target_kind, e.target_label))
                if k == "Aircraft"
            ],
        ),
    }
    regions = rd.weekly(events, weeks, lambda e: [r for r in (e.place_label or e.destination_label,) if r])
    flags = rd.rise_flags(regions, weeks, "region") + rd.rise_flags(dims["pair"], weeks, "pair")
    chains = rd.response_chains(events)
    gaz = default_gazetteer()
    dated = sum(1 for e in events if e.date)
    return {
        "title": title,
        "summary": {"events": len(events), "dated": dated, "weeks": len(weeks), "few": dated < FEW_EVENTS,
                    "first": weeks[0].isoformat() if weeks else "",
                    "last": weeks[-1].isoformat() if weeks else ""},
        "rule": {"rise": rd.RISE, "baselineWeeks": rd.BASELINE_WEEKS, "minEvents": rd.MIN_EVENTS},
        "weeks": [w.isoformat() for w in weeks],
        "series": {k: rd.top_series(v) for k, v in dims.items()},
        "allSeries": dims,
        "flags": [f.__dict__ for f in sorted(flags, key=lambda f: (f.week, f.kind, f.name))],
        "coflying": [{"a": a, "b": b, "events": n} for a, b, n in rd.coflying_pairs(events)],
        "chains": [_chain(c) for c in chains],
        "map": rd.map_layer(events, gaz.coordinates, labels),
    }  # fmt: skip


def _other(e: rd.EventFacts) -> str | None:
    """The party on the receiving side: the target's, or for a deployment the destination's nation."""
    if e.predicate == "deployedTo" and e.destination and e.destination.startswith("nation:"):
        return e.destination
    return e.target_party


def _chain(steps: list[rd.Step]) -> dict[str, Any]:
    return {
        "length": len(steps),
        "days": sum(s.lag or 0 for s in steps),
        "steps": [{"date": s.event.date.isoformat() if s.event.date else "", "lag": s.lag,
                   "label": f"{s.event.actor_label} {s.event.predicate} {s.event.target_label}",
                   "event": s.event.iri} for s in steps],
    }  # fmt: skip


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def csv_tables(data: dict[str, Any]) -> dict[str, str]:
    """CSV file suffix -> text: every series in full, flags, co-flying pairs, chains, map."""
    tables = {}
    for dim, series in data["allSeries"].items():
        rows = [[w, name, counts[i]] for name, counts in series.items() for i, w in enumerate(data["weeks"])]
        tables[f"weekly-by-{dim}"] = _csv(["week", dim, "events"], rows)
    tables["flags"] = _csv(
        ["week", "kind", "name", "events", "previous_4_week_average", "rise"],
        [[f["week"], f["kind"], f["name"], f["count"], f["baseline"],
          "" if f["rise"] is None else round(f["rise"], 3)] for f in data["flags"]],
    )  # fmt: skip
    tables["co-flying"] = _csv(
        ["aircraft_a", "aircraft_b", "encounters"], [[c["a"], c["b"], c["events"]] for c in data["coflying"]]
    )
    tables["response-chains"] = _csv(
        ["chain", "step", "date", "lag_days", "event", "label"],
        [[i + 1, j + 1, s["date"], "" if s["lag"] is None else s["lag"], s["event"], s["label"]]
         for i, c in enumerate(data["chains"]) for j, s in enumerate(c["steps"])],
    )  # fmt: skip
    tables["map-places"] = _csv(
        ["place", "kind", "lat", "lon", "events"],
        [[p["label"], p["kind"], p["lat"], p["lon"], p["events"]] for p in data["map"]["places"]],
    )
    return tables


def write_report(outdir: Path, output: Path, *, title: str | None = None) -> ReportSummary:
    """Read OUTDIR's store, write the page at `output` and its CSV files beside it."""
    events = read_events(outdir)
    data = report_data(events, title or f"posture-kg report: {Path(outdir).resolve().name}")
    page_data = {k: v for k, v in data.items() if k != "allSeries"}
    page_data["world"] = json.loads(asset_text("vendor/world-110m.json"))
    page = render_page(
        "report.html",
        title=data["title"],
        css=["common.css", "report.css"],
        js=["common.js", "report-charts.js", "report.js"],
        vendor_js=[asset_text("vendor/report-charts.min.js")],
        data=page_data,
        generator="posture-kg (d3 + world-atlas, inlined)",
        summary=data["summary"],
    )
    summary = ReportSummary(
        events=len(events), dated=data["summary"]["dated"], weeks=len(data["weeks"]),
        flags=len(data["flags"]), chains=len(data["chains"]), places=len(data["map"]["places"]),
    )  # fmt: skip
    summary.files.append(write_atomic(output, page))
    for suffix, text in csv_tables(data).items():
        summary.files.append(write_atomic(output.with_name(f"{output.stem}-{suffix}.csv"), text))
    return summary
