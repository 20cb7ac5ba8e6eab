"""Event rows -> what the analyst report shows: weekly series, rise flags, co-flying pairs,
response chains, map places and edges. Pure functions, no I/O.

Takes `EventFacts` (one per event, from the library query event-table, see kg/view/report.py)
and the gazetteer's coordinates; gives plain dicts and lists for the page and the CSV files.

The rise rule (ACLED-style): a week is flagged for a region (the sea or place of the events)
or a nation pair when its count is more than `RISE` (25 %) above the average of the four weeks
before it, and the week has at least `MIN_EVENTS` events; weeks with fewer than four weeks
before them in the graph's range are not judged.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import combinations, pairwise

#: More than this fraction above the previous weeks' average is a rise.
RISE = 0.25
#: Weeks before a week that its average is taken over.
BASELINE_WEEKS = 4
#: A week with fewer events is never flagged ("no flag on too few events").
MIN_EVENTS = 3
#: A response is answered by the latest event of its target party at most this many days before.
MAX_LAG_DAYS = 60
#: Series drawn per chart (the rest are summed as "other"; the CSV files hold all).
TOP_SERIES = 6


@dataclass(frozen=True)
class EventFacts:
    """One event with what the report needs (keys such as `nation:RU`, `sea:baltic-sea`)."""

    iri: str
    predicate: str
    date: dt.date | None
    actor: str
    actor_label: str
    actor_kind: str
    actor_party: str | None
    target: str
    target_label: str
    target_kind: str
    target_party: str | None
    place: str | None = None
    place_label: str = ""
    destination: str | None = None
    destination_label: str = ""
    claim: str = ""
    sentences: tuple[str, ...] = field(default=())  # evidence sentence keys (article/start-end)


@dataclass(frozen=True)
class Flag:
    """A week whose count rose more than RISE above the previous BASELINE_WEEKS' average."""

    week: str
    kind: str  # "region" | "pair"
    name: str
    count: int
    baseline: float
    rise: float | None  # fraction above the baseline; None when the baseline is 0


def week_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


def week_range(events: Iterable[EventFacts]) -> list[dt.date]:
    """Every week (Monday) from the first dated event's to the last's."""
    days = [e.date for e in events if e.date]
    if not days:
        return []
    first, last = week_of(min(days)), week_of(max(days))
    return [first + dt.timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def weekly(
    events: Iterable[EventFacts], weeks: list[dt.date], names: Callable[[EventFacts], Iterable[str]]
) -> dict[str, list[int]]:
    """name -> count per week, for the names each dated event gives (largest total first)."""
    index = {w: i for i, w in enumerate(weeks)}
    series: dict[str, list[int]] = defaultdict(lambda: [0] * len(weeks))
    for e in events:
        if e.date:
            for name in dict.fromkeys(names(e)):
                series[name][index[week_of(e.date)]] += 1
    return dict(sorted(series.items(), key=lambda kv: (-sum(kv[1]), kv[0])))


def rise_flags(series: dict[str, list[int]], weeks: list[dt.date], kind: str) -> list[Flag]:
    """The weeks of each series that rise more than RISE above their previous four weeks' average."""
    flags = []
    for name, counts in series.items():
        for i in range(BASELINE_WEEKS, len(counts)):
            count = counts[i]
            baseline = sum(counts[i - BASELINE_WEEKS : i]) / BASELINE_WEEKS
            if count >= MIN_EVENTS and count > baseline * (1 + RISE):
                rise = (count - baseline) / baseline if baseline else None
                flags.append(Flag(weeks[i].isoformat(), kind, name, count, round(baseline, 2), rise))
    return sorted(flags, key=lambda f: (f.week, f.kind, f.name))


def top_series(series: dict[str, list[int]], n: int = TOP_SERIES) -> list[dict[str, object]]:
    """The n largest series, the rest summed as "other", for a chart."""
    items = list(series.items())
    rows: list[dict[str, object]] = [{"name": k, "counts": v} for k, v in items[:n]]
    if len(items) > n:
        rest = [sum(col) for col in zip(*(v for _, v in items[n:]), strict=True)]
        rows.append({"name": f"other ({len(items) - n})", "counts": rest})
    return rows


def coflying_pairs(events: Iterable[EventFacts]) -> list[tuple[str, str, int]]:
    """Aircraft types named on the same side of the same reported encounter (one sentence), with
    the number of encounters; most frequent first."""
    sides: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in events:
        for sentence in e.sentences:
            if e.actor_kind == "Aircraft":
                sides[(sentence, "actor")].add(e.actor_label)
            if e.target_kind == "Aircraft":
                sides[(sentence, "target")].add(e.target_label)
    pairs: Counter[tuple[str, str]] = Counter()
    for types in sides.values():
        for pair in combinations(sorted(types), 2):
            pairs[pair] += 1
    return sorted(((a, b, n) for (a, b), n in pairs.items()), key=lambda p: (-p[2], p[0], p[1]))


@dataclass(frozen=True)
class Step:
    """One event of a response chain and its lag in days after the step before (None for the first)."""

    event: EventFacts
    lag: int | None


def response_chains(events: list[EventFacts]) -> list[list[Step]]:
    """respondedTo chains: each response follows the latest earlier event of the party it answers
    (within MAX_LAG_DAYS, a response of that party first; "earlier" in date, then IRI order, so no
    chain loops); chains longest first, then by total lag."""
    dated = sorted((e for e in events if e.date), key=lambda e: (e.date, e.iri))
    stimulus: dict[str, EventFacts] = {}
    for i, r in enumerate(dated):
        found = (
            _stimulus(r, dated[:i]) if r.predicate == "respondedTo" else None
        )  # earlier ones only: no cycle
        if found is not None:
            stimulus[r.iri] = found
    answered = set(s.iri for s in stimulus.values())
    chains = []
    for end in (e for e in dated if e.iri in stimulus and e.iri not in answered):
        chain = [end]
        while chain[-1].iri in stimulus and len(chain) < 50:
            chain.append(stimulus[chain[-1].iri])
        chain.reverse()
        steps = [Step(chain[0], None)]
        steps += [Step(b, (b.date - a.date).days) for a, b in pairwise(chain) if a.date and b.date]
        chains.append(steps)
    return sorted(chains, key=lambda c: (-len(c), -sum(s.lag or 0 for s in c), c[0].event.iri))


def _stimulus(response: EventFacts, dated: list[EventFacts]) -> EventFacts | None:
    if response.date is None or not response.target_party:
        return None
    earliest = response.date - dt.timedelta(days=MAX_LAG_DAYS)
    fits = [
        e
        for e in dated
        if e.iri != response.iri
        and e.date is not None
        and earliest <= e.date <= response.date
        and e.actor_party == response.target_party
    ]
    if not fits:
        return None
    return max(fits, key=lambda e: (e.predicate == "respondedTo", e.date, e.iri))


def map_layer(
    events: list[EventFacts], coordinates: dict[str, tuple[float, float]], labels: dict[str, str]
) -> dict[str, list[dict[str, object]]]:
    """Places (bases, seas, destinations) with their event counts, and edges for deployments
    (from the deploying party to where it went) and intercepts (from the intercepting party to
    where it happened, else to the intercepted party), each at the gazetteer's coordinates."""
    counts: Counter[str] = Counter()
    edges: Counter[tuple[str, str, str]] = Counter()
    for e in events:
        for key in {e.place, e.destination} - {None}:
            if key in coordinates:
                counts[str(key)] += 1
        end = e.destination if e.predicate == "deployedTo" else e.place or e.target_party
        kind_drawn = e.predicate in {"deployedTo", "intercepted"}
        if kind_drawn and e.actor_party in coordinates and end in coordinates and end != e.actor_party:
            edges[(e.predicate, str(e.actor_party), str(end))] += 1
    places = [
        {"key": k, "label": labels.get(k, k), "kind": k.split(":")[0], "lat": coordinates[k][0],
         "lon": coordinates[k][1], "events": n}
        for k, n in sorted(counts.items())
    ]  # fmt: skip
    lines = [
        {"kind": p, "from": a, "to": b, "fromLabel": labels.get(a, a), "toLabel": labels.get(b, b),
         "src": list(coordinates[a]), "dst": list(coordinates[b]), "events": n}
        for (p, a, b), n in sorted(edges.items())
    ]  # fmt: skip
    return {"places": places, "edges": lines}
