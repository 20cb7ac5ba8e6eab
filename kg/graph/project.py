"""RDF graph → networkx MultiDiGraph (and event rows), with plain str/int/float attributes only.

rdflib types end here: GraphML, GEXF, Gephi and the HTML renderer all want primitives, and a
stray `Literal` or `URIRef` in an attribute makes their writers fail or stringify oddly.
The input graph is only read, never changed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.records import ENTITY_KINDS, EVENT_CLASS
from kg.vocab import PK, WD

#: The direct relations between entities, in the order they are listed everywhere.
DIRECT_PREDICATES = ("intercepted", "escorted", "deployedTo", "respondedTo")
#: Entity facts that also become edges (kind "fact").
FACT_PREDICATES = ("operatedBy", "memberOf")

_EVENT_PREDICATE = {cls: pred for pred, cls in EVENT_CLASS.items()}
# hot-path terms, looked up once (a namespace attribute costs a call each time)
_ACTOR, _TARGET, _DESTINATION, _LOCATION, _DATE = PK.actor, PK.target, PK.destination, PK.location, PK.date
_CONFIDENCE, _EVIDENCE, _SENTENCE, _TRIGGER = PK.confidence, PK.evidence, PK.sentence, PK.trigger
_HEDGED, _START, _DIRECT, _QUOTED = PK.hedged, PK.startChar, PK.directProperty, PROV.wasQuotedFrom
#: (article date, title, article IRI, start offset, sentence): one source of an event
_Quote = tuple[str, str, str, int, str]
#: (undated, date, event IRI, confidence, places, sources, claim status): what an edge needs of one event
_EdgeEvent = tuple[bool, str, str, float, tuple[str, ...], list[_Quote], str]
#: Claim statuses of events that only one side states (the graph page draws their edges dashed).
ONE_SIDED = frozenset({"claimed", "denied"})
#: (source, target, key, attributes) of one projected edge
_Edge = tuple[str, str, str, dict[str, object]]


def local_name(iri: Node | str) -> str:
    """The part of an IRI after the last '#' or '/' (the class or property name)."""
    text = str(iri)
    cut = max(text.rfind("#"), text.rfind("/"))
    return text[cut + 1 :] if cut >= 0 else text


@dataclass(frozen=True)
class Source:
    """One article an event was read from, with the evidence sentence (plain text, unescaped)."""

    article: str  # article IRI
    title: str  # title, else identifier
    url: str  # dcterms:source (URL or path), "" if absent
    date: str  # ISO date of the article, "" if absent
    sentence: str
    trigger: str
    hedged: bool
    start: int


@dataclass(frozen=True)
class EventRow:
    """One event node flattened to primitives (used by the projection and the timeline)."""

    iri: str
    cls: str  # event class local name, e.g. "Interception"
    predicate: str  # direct property local name, e.g. "intercepted"
    actor: str  # entity IRI
    target: str  # entity IRI ("" if absent); for deployments the destination when no target
    actor_label: str
    target_label: str
    places: tuple[str, ...]  # labels of location / destination
    date: str  # ISO date or ""
    confidence: float
    label: str
    sources: tuple[Source, ...]


def _text(value: Node) -> str:
    """A literal or IRI as a plain string; dates become ISO strings."""
    if isinstance(value, Literal):
        py = value.toPython()
        if isinstance(py, dt.datetime | dt.date):
            return py.isoformat()
        return str(value)
    return str(value)


def _float(value: Node | None, default: float = 0.0) -> float:
    """A numeric literal as float (its lexical form: the same number as toPython, much cheaper)."""
    if isinstance(value, Literal):
        try:
            return float(str(value))
        except ValueError:
            return default
    return default


def _int(value: Node | None, default: int = 0) -> int:
    if isinstance(value, Literal):
        try:
            return int(str(value))
        except ValueError:
            return default
    return default


def _pick_literal(values: Iterable[Node]) -> str | None:
    """Prefer untagged or English literals, then the smallest, so the choice is deterministic."""
    lits = [v for v in values if isinstance(v, Literal)]
    if len(lits) < 2:
        return str(lits[0]) if lits else None
    lits.sort(key=lambda lit: (lit.language not in (None, "en"), lit.language or "", str(lit)))
    return str(lits[0])


class _Reader:
    """Lookups over one graph: each predicate read is scanned once, on first use, into a table
    subject → objects; class resolution, labels and articles cached. At 2M triples, per-subject
    `graph.value` calls cost several times more."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._by: dict[Node, dict[Node, list[Node]]] = {}
        self._first: dict[Node, dict[Node, Node]] = {}
        self._texts: dict[Node, str] = {}
        self._core_of: dict[Node, tuple[str, int] | None] = {}
        self._labels: dict[Node, str] = {}
        self._articles: dict[Node, tuple[str, str, str]] = {}
        self._super: dict[Node, list[Node]] = defaultdict(list)
        # the graph's own hierarchy (graph.ttl embeds it); the ontology's only for graphs without one
        sources: list[Graph] = [graph]
        if (None, RDFS.subClassOf, None) not in graph:
            from kg.graph.ontology import class_hierarchy

            sources.append(class_hierarchy())
        for source in sources:
            for sub, sup in source.subject_objects(RDFS.subClassOf):
                if sub != sup and sup not in self._super[sub]:
                    self._super[sub].append(sup)

    def table(self, predicate: Node) -> dict[Node, list[Node]]:
        """subject → objects of `predicate`, in the graph's order (one scan, then cached)."""
        found = self._by.get(predicate)
        if found is None:
            found = self._by[predicate] = {}
            for s, o in self.graph.subject_objects(predicate):
                if s in found:
                    found[s].append(o)
                else:
                    found[s] = [o]
        return found

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        """The objects of (subject, predicate), in the graph's order."""
        return self.table(predicate).get(subject, [])

    def value(self, subject: Node, predicate: Node) -> Node | None:
        """One object of (subject, predicate), as `Graph.value` gives it; None when there is none."""
        found = self.table(predicate).get(subject)
        return found[0] if found else None

    def text(self, value: Node) -> str:
        """`_text(value)`, cached: a few thousand distinct dates stand for 100,000s of events."""
        found = self._texts.get(value)
        if found is None:
            found = self._texts[value] = _text(value)
        return found

    def first(self, predicate: Node) -> dict[Node, Node]:
        """subject → its first object of `predicate` (what `value` gives), as one dict."""
        if predicate not in self._first:
            self._first[predicate] = {s: objects[0] for s, objects in self.table(predicate).items()}
        return self._first[predicate]

    def subjects(self, predicate: Node) -> Iterable[Node]:
        """Every subject with this predicate."""
        return self.table(predicate).keys()

    def core_class(self, cls: Node) -> tuple[str, int] | None:
        """(core class local name, distance) for an entity class, None for anything else."""
        if cls in self._core_of:
            return self._core_of[cls]
        found: tuple[str, int] | None = None
        seen = {cls}
        queue: deque[tuple[Node, int]] = deque([(cls, 0)])
        while queue:
            current, dist = queue.popleft()
            name = local_name(current)
            if name in ENTITY_KINDS:
                found = (name, dist)
                break
            parents = sorted(self._super.get(current, ()), key=str)
            for parent in parents:
                if parent not in seen:
                    seen.add(parent)
                    queue.append((parent, dist + 1))
        self._core_of[cls] = found
        return found

    def entity_class(self, subject: Node) -> tuple[str, str] | None:
        """(kind, most specific class local name) if `subject` is an entity."""
        best: tuple[int, str, str] | None = None
        for cls in self.objects(subject, RDF.type):
            core = self.core_class(cls)
            if core is None:
                continue
            kind, dist = core
            cand = (-dist, local_name(cls), kind)
            if best is None or cand < best:
                best = cand
        if best is None:
            return None
        return best[2], best[1]

    def label(self, subject: Node) -> str:
        if subject not in self._labels:
            text = _pick_literal(self.objects(subject, RDFS.label))
            if text is None:
                text = _pick_literal(self.objects(subject, SKOS.prefLabel))
            self._labels[subject] = text if text is not None else local_name(subject)
        return self._labels[subject]

    def article(self, subject: Node) -> tuple[str, str, str]:
        """(title or id, source, ISO date) of an article."""
        if subject not in self._articles:
            title = (
                _pick_literal(self.objects(subject, DCTERMS.title))
                or _pick_literal(self.objects(subject, DCTERMS.identifier))
                or _pick_literal(self.objects(subject, PK.docId))
                or local_name(subject)
            )
            source = _pick_literal(self.objects(subject, DCTERMS.source)) or ""
            date = self.value(subject, DCTERMS.date)
            self._articles[subject] = (title, source, _text(date) if date is not None else "")
        return self._articles[subject]


def _entities(reader: _Reader) -> dict[Node, tuple[str, str]]:
    out: dict[Node, tuple[str, str]] = {}
    for subject in reader.subjects(RDF.type):
        if isinstance(subject, URIRef):
            resolved = reader.entity_class(subject)
            if resolved is not None:
                out[subject] = resolved
    return out


def _event_subjects(reader: _Reader) -> set[Node]:
    return set(reader.subjects(PK.actor)) | set(reader.subjects(PK.directProperty))


def _source(reader: _Reader, evidence: Node) -> Source:
    """One evidence node as a Source (with its article's title, URL and date)."""
    article = reader.first(_QUOTED).get(evidence)
    title, url, date = reader.article(article) if article is not None else ("", "", "")
    hedged = reader.first(_HEDGED).get(evidence)
    return Source(
        article=str(article) if article is not None else "",
        title=title,
        url=url,
        date=date,
        sentence=_pick_literal(reader.objects(evidence, _SENTENCE)) or "",
        trigger=_pick_literal(reader.objects(evidence, _TRIGGER)) or "",
        hedged=bool(hedged.toPython()) if isinstance(hedged, Literal) else False,
        start=_int(reader.first(_START).get(evidence), -1),
    )


def _sources(reader: _Reader, event: Node) -> tuple[Source, ...]:
    rows: dict[tuple[str, str, int], Source] = {}
    quoted: set[str] = set()
    for ev in reader.objects(event, _EVIDENCE):
        src = _source(reader, ev)
        if src.article:
            quoted.add(src.article)
        rows[(src.article, src.sentence, src.start)] = src
    for article in reader.objects(event, PROV.wasDerivedFrom):
        if str(article) in quoted:
            continue
        title, url, date = reader.article(article)
        rows[(str(article), "", -1)] = Source(str(article), title, url, date, "", "", False, -1)
    return tuple(sorted(rows.values(), key=lambda s: (s.date, s.title, s.article, s.start, s.sentence)))


def _event_class(reader: _Reader, event: Node) -> tuple[str, str]:
    """(event class local name, direct predicate local name) of an event."""
    prop = reader.first(_DIRECT).get(event)
    cls = ""
    types = reader.objects(event, RDF.type)
    for t in sorted(types, key=str) if len(types) > 1 else types:
        if local_name(t) in _EVENT_PREDICATE:
            cls = local_name(t)
            break
    predicate = local_name(prop) if prop is not None else _EVENT_PREDICATE.get(cls, "")
    return cls or EVENT_CLASS.get(predicate, "Event"), predicate


def _event_row(reader: _Reader, event: Node) -> EventRow:
    cls, predicate = _event_class(reader, event)
    first, label = reader.first, reader.label
    actor = first(_ACTOR).get(event)
    target = first(_TARGET).get(event)
    destination = first(_DESTINATION).get(event)
    if target is None and predicate == "deployedTo":
        target = destination
    location = first(_LOCATION).get(event)
    places = [p for p in (location, destination) if p is not None and p != target]
    date = first(_DATE).get(event)
    return EventRow(
        iri=str(event),
        cls=cls,
        predicate=predicate,
        actor=str(actor) if actor is not None else "",
        target=str(target) if target is not None else "",
        actor_label=label(actor) if actor is not None else "",
        target_label=label(target) if target is not None else "",
        places=tuple(label(p) for p in places),
        date=reader.text(date) if date is not None else "",
        confidence=max((_float(c) for c in reader.objects(event, _CONFIDENCE)), default=0.0),
        label=label(event),
        sources=_sources(reader, event),
    )


def _event_rows(reader: _Reader) -> Iterator[EventRow]:
    for event in _event_subjects(reader):
        yield _event_row(reader, event)


def to_events(graph: Graph) -> list[EventRow]:
    """All events in the graph as rows of primitives, in date order (undated last), then by IRI."""
    reader = _Reader(graph)
    rows = list(_event_rows(reader))
    rows.sort(key=lambda r: (r.date == "", r.date, r.cls, r.actor_label, r.target_label, r.iri))
    return rows


def _join(values: Iterable[str], sep: str = "; ") -> str:
    return sep.join(dict.fromkeys(v for v in values if v))


def _node_attrs(reader: _Reader, subject: Node, kind: str, cls: str, mentions: int) -> dict[str, object]:
    wikidata = sorted(str(o) for o in reader.objects(subject, OWL.sameAs) if str(o).startswith(str(WD)))
    return {
        "label": reader.label(subject),
        "kind": kind,
        "cls": cls,
        "iri": str(subject),
        "aliases": _join(sorted(str(a) for a in reader.objects(subject, SKOS.altLabel))),
        "wikidata": wikidata[0] if wikidata else "",
        "operators": _join(sorted(reader.label(o) for o in reader.objects(subject, PK.operatedBy))),
        "iso2": _pick_literal(reader.objects(subject, PK.isoAlpha2)) or "",
        "mentions": mentions,
    }


def _evidence_of(reader: _Reader, event: Node) -> list[_Quote]:
    """An event's sources as (article date, title, article, start, sentence), in `_sources`' order."""
    quoted_from, start_of = reader.first(_QUOTED), reader.first(_START)
    rows: dict[tuple[str, str, int], _Quote] = {}
    quoted: set[str] = set()
    for evidence in reader.objects(event, _EVIDENCE):
        article = quoted_from.get(evidence)
        title, _url, date = reader.article(article) if article is not None else ("", "", "")
        name = str(article) if article is not None else ""
        if name:
            quoted.add(name)
        sentence = _pick_literal(reader.objects(evidence, _SENTENCE)) or ""
        start = _int(start_of.get(evidence), -1)
        rows[(name, sentence, start)] = (date, title, name, start, sentence)
    for article in reader.objects(event, PROV.wasDerivedFrom):
        if str(article) not in quoted:
            title, _url, date = reader.article(article)
            rows[(str(article), "", -1)] = (date, title, str(article), -1, "")
    return sorted(rows.values())


def _edge_events(reader: _Reader, names: set[str]) -> Iterator[tuple[tuple[str, str, str], _EdgeEvent]]:
    """Each event between two entities, keyed by the (subject, predicate, object) it stands for;
    the fields of EventRow that edges need, without building one (100,000s of events)."""
    first = reader.first
    actor_of, target_of, dest_of = first(_ACTOR), first(_TARGET), first(_DESTINATION)
    location_of, date_of, claim_of = first(_LOCATION), first(_DATE), first(PK.claimStatus)
    for event in _event_subjects(reader):
        predicate = _event_class(reader, event)[1]
        actor, target, destination = actor_of.get(event), target_of.get(event), dest_of.get(event)
        if target is None and predicate == "deployedTo":
            target = destination
        if predicate not in DIRECT_PREDICATES or str(actor) not in names or str(target) not in names:
            continue
        places: list[str] = []
        for place in (location_of.get(event), destination):
            if place is not None and place is not target and place != target:
                places.append(reader.label(place))
        date = date_of.get(event)
        day = reader.text(date) if date is not None else ""
        confidence = max(map(_float, reader.objects(event, _CONFIDENCE)), default=0.0)
        claim = str(claim_of.get(event, ""))
        yield (
            (str(actor), predicate, str(target)),
            (day == "", day, str(event), confidence, tuple(places), _evidence_of(reader, event), claim),
        )


def _relation_attrs(pred: str, rows: list[_EdgeEvent]) -> dict[str, object]:
    """The events behind one (subject, predicate, object), aggregated onto its edge."""
    if len(rows) == 1:  # most edges: one event, nothing to sort or merge
        _undated, day, _iri, confidence, places, quotes, _claim = rows[0]
        dates, place_set = ([day] if day else []), sorted(set(places))
    else:
        rows.sort(key=lambda r: r[:3])  # dated first, by date, then by event IRI
        quotes = [quote for r in rows for quote in r[5]]
        dates = sorted({r[1] for r in rows if r[1]})
        confidence = max(r[3] for r in rows) if rows else 0.0
        place_set = sorted({p for r in rows for p in r[4]})
    return {
        "predicate": pred,
        "kind": "relation",
        "events": len(rows),
        "dates": _join(dates),
        "confidence": confidence,
        "evidence": _join((q[4] for q in quotes), "\n"),
        "articles": _join(q[1] for q in quotes),
        "places": _join(place_set),
        "claim": edge_claim([r[6] for r in rows]),
    }


def edge_claim(statuses: list[str]) -> str:
    """One edge's claim status over its events: "claimed" or "denied" when every event is one-sided
    (denied if any is), else "confirmed" or "reported"; "" when no event was read for attribution."""
    read = [s for s in statuses if s]
    if not read:
        return ""
    if all(s in ONE_SIDED for s in read):
        return "denied" if "denied" in read else "claimed"
    return "confirmed" if "confirmed" in read else "reported"


def _relation_edges(reader: _Reader, entities: dict[Node, tuple[str, str]]) -> list[_Edge]:
    """Direct relations between entities, stated or standing for events, with their events."""
    triples: dict[tuple[str, str, str], list[_EdgeEvent]] = {}
    for pred in DIRECT_PREDICATES:
        for s, o in reader.graph.subject_objects(PK[pred]):
            if s in entities and o in entities:
                triples.setdefault((str(s), pred, str(o)), [])
    for key, event in _edge_events(reader, {str(e) for e in entities}):
        triples.setdefault(key, []).append(event)
    return [(subj, obj, pred, _relation_attrs(pred, rows)) for (subj, pred, obj), rows in triples.items()]


def _fact_edges(reader: _Reader, entities: dict[Node, tuple[str, str]]) -> list[_Edge]:
    """Entity facts (operatedBy, memberOf) as edges of kind "fact"."""
    edges: list[_Edge] = []
    for pred in FACT_PREDICATES:
        for s, o in reader.graph.subject_objects(PK[pred]):
            if s in entities and o in entities:
                attrs: dict[str, object] = {
                    "predicate": pred,
                    "kind": "fact",
                    "events": 0,
                    "dates": "",
                    "confidence": 0.0,
                    "evidence": "",
                    "articles": "",
                    "places": "",
                    "claim": "",
                }
                edges.append((str(s), str(o), pred, attrs))
    return edges


def to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """Project the RDF graph onto entities and their relations; see docs/rdf-model.md for the input.

    Nodes are keyed by IRI string; edges are keyed by predicate local name, one per
    (subject, predicate, object), with the events behind a direct relation aggregated onto it.
    """
    reader = _Reader(graph)
    entities = _entities(reader)
    mentions: dict[Node, set[Node]] = defaultdict(set)
    for article, mentioned in reader.table(PK.mentions).items():
        for entity in mentioned:
            mentions[entity].add(article)

    out = nx.MultiDiGraph()
    for subject in sorted(entities, key=str):
        kind, cls = entities[subject]
        out.add_node(str(subject), **_node_attrs(reader, subject, kind, cls, len(mentions.get(subject, ()))))
    edges = _relation_edges(reader, entities) + _fact_edges(reader, entities)
    for source, dest, key, data in sorted(edges, key=lambda e: (e[0], e[2], e[1])):
        if not out.has_edge(source, dest, key):
            out.add_edge(source, dest, key=key, **data)
    return out
