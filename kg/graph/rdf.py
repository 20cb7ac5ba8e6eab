"""Extraction results -> an rdflib Dataset: one named graph per article plus a derived graph.

No file I/O. The article graphs hold what each article says (entities it mentions, the
relations and event reports it supports, its evidence); the derived graph holds what
follows from all of them together (merged events' date, confidence and source count,
gazetteer facts between entities present, the ontology's class hierarchy). Removing an
article's graph and re-deriving removes whatever it alone supported.

Events of the same class with the same actor and target whose dates lie within
`window_days` of each other (and whose locations do not conflict) are one event.
Its confidence is 1 - Π(1 - cᵢ) over the distinct articles reporting it, cᵢ being the
best confidence of article i: independent reports make an event more certain.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.gazetteer import Gazetteer
from kg.graph.claims import event_claim_triples, report_claim_triples
from kg.graph.ntriples import term_nt
from kg.iris import DERIVED_GRAPH, article_iri, entity_iri, event_iri, evidence_iri, graph_iri
from kg.records import ArticleResult, Entity, Relation
from kg.vocab import PK, WD, term

PREFIXES = {
    "pk": PK._NS,
    "id": URIRef("https://w3id.org/posture-kg/id/"),
    "prov": PROV,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "owl": OWL,
    "wd": WD,
    "xsd": XSD,
}


def bind_prefixes(graph: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)


@dataclass(frozen=True)
class EventRef:
    """Which merged event one extracted relation belongs to."""

    iri: URIRef
    date: dt.date | None


def cluster_events(results: Iterable[ArticleResult], window_days: int = 1) -> dict[tuple[str, int], EventRef]:
    """(doc_id, relation index) -> merged event. Deterministic whatever the input order."""
    groups: dict[tuple[str, str, str], list[tuple[dt.date | None, str, int, Relation]]] = defaultdict(list)
    for result in results:
        for i, r in enumerate(result.relations):
            groups[(r.event_class, r.actor, r.target)].append((r.date, result.article.doc_id, i, r))
    out: dict[tuple[str, int], EventRef] = {}
    for (cls, actor, target), items in groups.items():
        dated = sorted((x for x in items if x[0] is not None), key=lambda x: (x[0], x[1], x[2]))
        clusters: list[list[tuple[dt.date | None, str, int, Relation]]] = []
        for item in dated:
            for cluster in clusters:
                last = cluster[-1]
                if (
                    last[0] is not None
                    and item[0] is not None
                    and (item[0] - last[0]).days <= window_days
                    and _locations_agree(cluster, item[3])
                ):
                    cluster.append(item)
                    break
            else:
                clusters.append([item])
        for cluster in clusters:
            first = cluster[0][0]
            # clusters kept apart by conflicting places need IRIs of their own
            place = next((x[3].location for x in cluster if x[3].location), None)
            split = sum(1 for c in clusters if c[0][0] == first) > 1
            iri = event_iri(cls, actor, target, first, place or "" if split else "")
            for _date, doc_id, i, _ in cluster:
                out[(doc_id, i)] = EventRef(iri, first)
        for _, doc_id, i, _ in (x for x in items if x[0] is None):
            out[(doc_id, i)] = EventRef(event_iri(cls, actor, target, None, doc_id), None)
    return out


def _locations_agree(cluster: list, relation: Relation) -> bool:
    places = {x[3].location for x in cluster if x[3].location}
    return not relation.location or not places or relation.location in places


def entity_triples(graph: Graph | NamedTriples, entity: Entity) -> None:
    for triple in entity_facts(entity):
        graph.add(triple)


@lru_cache(maxsize=8192)
def entity_facts(entity: Entity) -> tuple[tuple[Any, Any, Any], ...]:
    """An entity's type, labels and identifiers; cached, as most articles repeat the same entities."""
    node = entity_iri(entity.key)
    facts = [
        (node, RDF.type, term(entity.ontology_class)),
        (node, RDFS.label, Literal(entity.label)),
        (node, SKOS.prefLabel, Literal(entity.label)),
    ]
    facts += [(node, SKOS.altLabel, Literal(alias)) for alias in entity.aliases if alias != entity.label]
    if entity.wikidata:
        facts.append((node, OWL.sameAs, WD[entity.wikidata]))
    if entity.iso2:
        facts.append((node, PK.isoAlpha2, Literal(entity.iso2)))
    if entity.iso3:
        facts.append((node, PK.isoAlpha3, Literal(entity.iso3)))
    return tuple(facts)


def article_graph(
    result: ArticleResult,
    events: dict[tuple[str, int], EventRef],
    labels: dict[str, str],
) -> NamedTriples:
    """Everything one article contributes, as its named graph."""
    a = result.article
    g = NamedTriples(graph_iri(a.doc_id))
    art = article_iri(a.doc_id)
    g.add((art, RDF.type, PK.Article))
    g.add((art, RDF.type, PROV.Entity))
    g.add((art, PK.docId, Literal(a.doc_id)))
    g.add((art, DCTERMS.identifier, Literal(a.doc_id)))
    if a.title:
        g.add((art, DCTERMS.title, Literal(a.title)))
    if a.date:
        g.add((art, DCTERMS.date, Literal(a.date, datatype=XSD.date)))
    if a.source or a.path:
        g.add((art, DCTERMS.source, Literal(a.source or a.path)))
    if a.url:
        g.add(
            (art, PROV.hadPrimarySource, URIRef(a.url))
            if _is_iri(a.url)
            else (art, DCTERMS.source, Literal(a.url))
        )
    if a.content_hash:
        g.add((art, PK.contentHash, Literal(a.content_hash)))
    for entity in result.entities:
        entity_triples(g, entity)
        g.add((art, PK.mentions, entity_iri(entity.key)))
    for key, nation in result.operated_by:
        g.add((entity_iri(key), PK.operatedBy, entity_iri(nation)))
    for i, r in enumerate(result.relations):
        _relation_triples(g, r, events[(a.doc_id, i)], art, labels)
    return g


def _is_iri(text: str) -> bool:
    return (
        text.startswith(("http://", "https://")) and " " not in text and "<" not in text and '"' not in text
    )


def _relation_triples(
    g: NamedTriples, r: Relation, ref: EventRef, art: URIRef, labels: dict[str, str]
) -> None:
    actor, target = entity_iri(r.actor), entity_iri(r.target)
    predicate = term(r.predicate)
    g.add((actor, predicate, target))
    ev = ref.iri
    g.add((ev, RDF.type, term(r.event_class)))
    g.add((ev, PK.directProperty, predicate))
    g.add(
        (
            ev,
            RDFS.label,
            Literal(f"{labels.get(r.actor, r.actor)} {r.predicate} {labels.get(r.target, r.target)}"),
        )
    )
    g.add((ev, PK.actor, actor))
    g.add((ev, PK.target, target))
    if r.predicate == "deployedTo":
        g.add((ev, PK.destination, target))
    if r.location:
        g.add((ev, PK.location, entity_iri(r.location)))
    g.add((ev, PROV.wasDerivedFrom, art))
    e = r.evidence
    node = evidence_iri(e.doc_id, e.start, e.end, f"{r.predicate}|{r.actor}|{r.target}")
    g.add((ev, PK.evidence, node))
    g.add((node, RDF.type, PK.Evidence))
    g.add((node, PK.sentence, Literal(e.text)))
    g.add((node, PK.startChar, Literal(e.start)))
    g.add((node, PK.endChar, Literal(e.end)))
    g.add((node, PK.trigger, Literal(r.trigger)))
    g.add((node, PK.hedged, Literal(r.hedged)))
    g.add((node, PK.confidence, Literal(Decimal(str(r.confidence)))))
    if r.date:
        g.add((node, PK.date, Literal(r.date, datatype=XSD.date)))
    if r.actor_count:  # what this report says; the event's own count is in the derived graph
        g.add((node, PK.actorCount, Literal(r.actor_count)))
    if r.target_count:
        g.add((node, PK.targetCount, Literal(r.target_count)))
    g.add((node, PROV.wasQuotedFrom, art))
    for triple in report_claim_triples(r, node):
        g.add(triple)


def derived_graph(
    results: list[ArticleResult],
    events: dict[tuple[str, int], EventRef],
    gaz: Gazetteer,
    hierarchy: Graph | None = None,
) -> NamedTriples:
    """What follows from all articles together."""
    g = NamedTriples(DERIVED_GRAPH)
    present: dict[str, Entity] = {}
    for result in results:
        for entity in result.entities:
            present.setdefault(entity.key, entity)
    for key, entity in present.items():
        node = entity_iri(key)
        for nation in entity.operators:
            if nation in present:
                g.add((node, PK.operatedBy, entity_iri(nation)))
        for alliance in entity.member_of:
            if alliance in present:
                g.add((node, PK.memberOf, entity_iri(alliance)))
        if entity.located_in and entity.located_in in present:
            g.add((node, PK.locatedIn, entity_iri(entity.located_in)))
        if entity.family and entity.family in present:
            g.add((node, PK.variantOf, entity_iri(entity.family)))
    best: dict[URIRef, dict[str, float]] = defaultdict(dict)
    dates: dict[URIRef, dt.date | None] = {}
    counts: dict[tuple[URIRef, URIRef], int] = {}  # largest count any report of the event states
    for result in results:
        for i, r in enumerate(result.relations):
            ref = events[(result.article.doc_id, i)]
            per_doc = best[ref.iri]
            per_doc[r.doc_id] = max(per_doc.get(r.doc_id, 0.0), r.confidence)
            dates[ref.iri] = ref.date
            for prop, count in ((PK.actorCount, r.actor_count), (PK.targetCount, r.target_count)):
                if count:
                    counts[ref.iri, prop] = max(counts.get((ref.iri, prop), 0), count)
    for iri, per_doc in best.items():
        doubt = 1.0
        for c in per_doc.values():
            doubt *= 1.0 - c
        g.add((iri, PK.confidence, Literal(Decimal(str(round(1.0 - doubt, 3))))))
        g.add((iri, PK.sourceCount, Literal(len(per_doc))))
        if dates[iri]:
            g.add((iri, PK.date, Literal(dates[iri], datatype=XSD.date)))
    for (iri, prop), count in counts.items():
        g.add((iri, prop, Literal(count)))
    for triple in event_claim_triples(results, events):
        g.add(triple)
    if hierarchy is not None:
        for triple in hierarchy:
            g.add(triple)
    return g


class NamedTriples:
    """One named graph as a plain set of triples: what assembly streams into the store and graph.trig.

    An rdflib `Graph` indexes every triple three ways and fires an event per `add`; that was
    half the time of assembling 10,000 articles, and none of it is needed to write the graph out.
    """

    __slots__ = ("identifier", "triples")

    def __init__(self, identifier: URIRef) -> None:
        self.identifier = identifier
        self.triples: set[tuple[Any, Any, Any]] = set()

    def add(self, triple: tuple[Any, Any, Any]) -> None:
        self.triples.add(triple)

    def __iter__(self) -> Iterator[tuple[Any, Any, Any]]:
        return iter(self.triples)

    def __len__(self) -> int:
        return len(self.triples)

    def __contains__(self, triple: object) -> bool:
        return triple in self.triples


#: What assembly streams: article and derived graphs as `NamedTriples`, inferences as a Graph.
NamedGraph = NamedTriples | Graph


def article_graphs(
    results: list[ArticleResult], gaz: Gazetteer, *, window_days: int = 1, hierarchy: Graph | None = None
) -> Iterator[NamedTriples]:
    """Each article's named graph, then the derived graph, one at a time.

    Large builds stream these into the store and graph.trig instead of holding one Dataset:
    an rdflib Dataset costs about 800 bytes a quad, gigabytes at 10,000 articles.
    """
    results = sorted(results, key=lambda r: r.article.doc_id)
    events = cluster_events(results, window_days)
    labels = {e.key: e.label for r in results for e in r.entities}
    for result in results:
        yield article_graph(result, events, labels)
    yield derived_graph(results, events, gaz, hierarchy)


def to_dataset(
    results: list[ArticleResult], gaz: Gazetteer, *, window_days: int = 1, hierarchy: Graph | None = None
) -> Dataset:
    """All articles' named graphs and the derived graph, in one Dataset (small graphs, tests)."""
    ds = Dataset()
    bind_prefixes(ds)
    for graph in article_graphs(results, gaz, window_days=window_days, hierarchy=hierarchy):
        target = ds.graph(graph.identifier)
        for triple in graph:
            target.add(triple)
    return ds


class TrigWriter:
    """graph.trig written one named graph at a time, as N-Triples lines inside graph blocks.

    Prefixed names would need rdflib's Turtle serializer, whose shared namespace trie made
    assembly of 10,000 articles take many minutes; full IRIs are plain TriG and stream.
    """

    def __init__(self) -> None:
        # named, so that readers (the store load, the in-memory union) each open their own handle
        self.body = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".trig")  # noqa: SIM115
        self.triples = 0  # lines written

    def add(self, graph: NamedGraph) -> None:
        lines = sorted(f"{s.n3()} {p.n3()} {term_nt(o)} ." for s, p, o in graph)  # one line each
        self.triples += len(lines)
        self.body.write(f"{graph.identifier.n3()} {{\n" + "\n".join(lines) + "\n}\n\n")

    def chunks(self, max_lines: int = 50_000) -> Iterator[str]:
        """What was written so far as TriG texts of about `max_lines` lines each (for the store).

        A graph larger than that (the derived graph of a big build) is split by closing its
        block and opening it again in the next text: Oxigraph's bulk loader holds a whole
        text at once, and one large block cost 0.5 GiB at 10,000 articles.
        """
        self.body.flush()
        with open(self.body.name, encoding="utf-8") as body:
            yield from self._chunks(body, max_lines)

    @staticmethod
    def _chunks(body: Iterable[str], max_lines: int) -> Iterator[str]:
        lines: list[str] = []
        header = ""
        for line in body:
            if line == "\n":
                continue
            lines.append(line)
            if line.endswith("{\n"):
                header = line
            elif line == "}\n":
                header = ""
            if len(lines) >= max_lines:
                if header:
                    lines.append("}\n")
                yield "".join(lines)
                lines = [header] if header else []
        if lines:
            yield "".join(lines)

    def text(self) -> Iterator[str]:
        yield "# posture-kg: one named graph per article (id:graph/article/...), plus id:graph/derived\n\n"
        self.body.flush()
        with open(self.body.name, encoding="utf-8") as body:
            while chunk := body.read(1 << 20):
                yield chunk

    def close(self) -> None:
        self.body.close()


def union_graph(ds: Dataset) -> Graph:
    """Every statement of every named graph, as one graph (what graph.ttl holds)."""
    g = Graph()
    bind_prefixes(g)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g
