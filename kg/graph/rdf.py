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
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from rdflib import OWL, RDF, RDFS, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.gazetteer import Gazetteer
from kg.graph.claims import event_claim_triples, report_claim_triples
from kg.graph.ntriples import literal_nt
from kg.iris import DERIVED_GRAPH, article_iri, entity_iri, event_iri, evidence_iri, graph_iri
from kg.records import Article, ArticleResult, Entity, Relation
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
    """Everything one article contributes, as its named graph: its statements and its event nodes."""
    graph = article_statements(result)
    graph.triples |= event_statements(result, events, labels).triples
    return graph


def article_statements(result: ArticleResult) -> NamedTriples:
    """What one article says on its own: the article, its entities, its direct relations and evidence.

    Nothing here depends on other articles, so a worker renders it as soon as the article is
    extracted (`kg.build.prepare`). The article's event nodes are left out: which merged event a
    relation belongs to is known only once all articles are clustered (`event_statements`).
    """
    a = result.article
    g = NamedTriples(graph_iri(a.doc_id))
    art = article_iri(a.doc_id)
    for triple in _article_facts(a, art):
        g.add(triple)
    for entity in result.entities:
        entity_triples(g, entity)
        g.add((art, PK.mentions, entity_iri(entity.key)))
    for key, nation in result.operated_by:
        g.add((entity_iri(key), PK.operatedBy, entity_iri(nation)))
    for r in result.relations:
        g.add((entity_iri(r.actor), term(r.predicate), entity_iri(r.target)))
        _evidence_triples(g, r, art)
    return g


def event_statements(
    result: ArticleResult, events: dict[tuple[str, int], EventRef], labels: dict[str, str]
) -> NamedTriples:
    """The event nodes an article's relations belong to, once `cluster_events` has merged them."""
    a = result.article
    g = NamedTriples(graph_iri(a.doc_id))
    art = article_iri(a.doc_id)
    for i, r in enumerate(result.relations):
        _event_triples(g, r, events[(a.doc_id, i)].iri, art, labels)
    return g


def _article_facts(a: Article, art: URIRef) -> Iterator[tuple[Any, Any, Any]]:
    yield art, RDF.type, PK.Article
    yield art, RDF.type, PROV.Entity
    yield art, PK.docId, Literal(a.doc_id)
    yield art, DCTERMS.identifier, Literal(a.doc_id)
    if a.title:
        yield art, DCTERMS.title, Literal(a.title)
    if a.date:
        yield art, DCTERMS.date, Literal(a.date, datatype=XSD.date)
    if a.source or a.path:
        yield art, DCTERMS.source, Literal(a.source or a.path)
    if a.url and _is_iri(a.url):
        yield art, PROV.hadPrimarySource, URIRef(a.url)
    elif a.url:
        yield art, DCTERMS.source, Literal(a.url)
    if a.content_hash:
        yield art, PK.contentHash, Literal(a.content_hash)


def _is_iri(text: str) -> bool:
    """Whether a URL can be written as an IRI (N-Triples forbids spaces, controls and <>"{}|^`\\)."""
    return text.startswith(("http://", "https://")) and _NOT_IN_IRI.search(text) is None


_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _event_triples(g: NamedTriples, r: Relation, ev: URIRef, art: URIRef, labels: dict[str, str]) -> None:
    actor, target = entity_iri(r.actor), entity_iri(r.target)
    predicate = term(r.predicate)
    g.add((ev, RDF.type, term(r.event_class)))
    g.add((ev, PK.directProperty, predicate))
    label = f"{labels.get(r.actor, r.actor)} {r.predicate} {labels.get(r.target, r.target)}"
    g.add((ev, RDFS.label, Literal(label)))
    g.add((ev, PK.actor, actor))
    g.add((ev, PK.target, target))
    if r.predicate == "deployedTo":
        g.add((ev, PK.destination, target))
    if r.location:
        g.add((ev, PK.location, entity_iri(r.location)))
    g.add((ev, PROV.wasDerivedFrom, art))
    g.add((ev, PK.evidence, _evidence_node(r)))


def _evidence_node(r: Relation) -> URIRef:
    e = r.evidence
    return evidence_iri(e.doc_id, e.start, e.end, f"{r.predicate}|{r.actor}|{r.target}")


def _evidence_triples(g: NamedTriples, r: Relation, art: URIRef) -> None:
    e = r.evidence
    node = _evidence_node(r)
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
    for entity in present.values():
        for triple in _facts_between(entity, present):
            g.add(triple)
    for triple in _merged_event_facts(results, events):
        g.add(triple)
    for triple in event_claim_triples(results, events):
        g.add(triple)
    if hierarchy is not None:
        for triple in hierarchy:
            g.add(triple)
    return g


def _facts_between(entity: Entity, present: dict[str, Entity]) -> Iterator[tuple[Any, Any, Any]]:
    """Gazetteer facts from `entity` to other entities the graph holds."""
    node = entity_iri(entity.key)
    for nation in entity.operators:
        if nation in present:
            yield node, PK.operatedBy, entity_iri(nation)
    for alliance in entity.member_of:
        if alliance in present:
            yield node, PK.memberOf, entity_iri(alliance)
    if entity.located_in and entity.located_in in present:
        yield node, PK.locatedIn, entity_iri(entity.located_in)
    if entity.family and entity.family in present:
        yield node, PK.variantOf, entity_iri(entity.family)


def _merged_event_facts(
    results: list[ArticleResult], events: dict[tuple[str, int], EventRef]
) -> Iterator[tuple[Any, Any, Any]]:
    """Each merged event's confidence, source count, date and largest counts."""
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
        yield iri, PK.confidence, Literal(Decimal(str(round(1.0 - doubt, 3))))
        yield iri, PK.sourceCount, Literal(len(per_doc))
        if dates[iri]:
            yield iri, PK.date, Literal(dates[iri], datatype=XSD.date)
    for (iri, prop), count in counts.items():
        yield iri, prop, Literal(count)


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


def ntriples(triples: Iterable[tuple[Any, Any, Any]]) -> bytes:
    """The triples as N-Triples, one line each, sorted: what graph.trig blocks and the store load take.

    Literals are escaped onto one line (`kg.graph.ntriples`: rdflib's `n3()` writes a multi-line
    string between triple quotes). IRIs are written as they are: `kg.iris` mints them from slugs,
    and article URLs that are not valid IRIs become literals (`_is_iri`).
    """
    return "".join(sorted({f"{_nt(s)} {_nt(p)} {_nt(o)} .\n" for s, p, o in triples})).encode(
        "utf-8", "replace"
    )


def _nt(node: Any) -> str:
    if isinstance(node, Literal):
        return literal_nt(node)  # escaped onto one line (kg.graph.ntriples)
    if isinstance(node, BNode):
        return f"_:{node}"
    return f"<{node}>"


def union_graph(ds: Dataset) -> Graph:
    """Every statement of every named graph, as one graph (what graph.ttl holds)."""
    g = Graph()
    bind_prefixes(g)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g
