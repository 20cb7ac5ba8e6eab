"""RDFS-style inference over a built graph: class and property hierarchies made explicit.

With it, `?x a pk:Aircraft` finds Bombers and Fighters, `?x a prov:Entity` finds articles,
and a query on a super-property (`prov:wasDerivedFrom`) finds its sub-properties' triples.

We materialise only the entailments analysts query by — rdfs:subClassOf (rdfs9),
rdfs:subPropertyOf (rdfs7), rdfs:domain/range (rdfs2/3) for the ontology's own terms,
owl:inverseOf and owl:SymmetricProperty — rather than a full OWL-RL closure, which adds
thousands of axiomatic triples (rdfs:Resource typing, reflexive sameAs) nobody queries.
The result is deterministic and computed in one pass over the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import OWL, RDF, RDFS, Dataset, Graph, URIRef
from rdflib.term import Node

from kg.vocab import ONTOLOGY_IRI


def _closure(pairs: Iterable[tuple[Node, Node]]) -> dict[Node, set[Node]]:
    """Transitive closure of a child -> parent relation (cycles tolerated)."""
    parents: dict[Node, set[Node]] = defaultdict(set)
    for child, parent in pairs:
        if child != parent:
            parents[child].add(parent)
    closed: dict[Node, set[Node]] = {}
    for start in list(parents):
        seen: set[Node] = set()
        todo = list(parents[start])
        while todo:
            node = todo.pop()
            if node in seen or node == start:
                continue
            seen.add(node)
            todo.extend(parents.get(node, ()))
        closed[start] = seen
    return closed


def inferred_triples(data: Graph, ontology: Graph) -> Graph:
    """The triples RDFS (plus inverse/symmetric properties) adds to `data` under `ontology`."""
    schema = Graph()
    for triple in ontology:
        schema.add(triple)
    for triple in data.triples((None, RDFS.subClassOf, None)):
        schema.add(triple)
    for triple in data.triples((None, RDFS.subPropertyOf, None)):
        schema.add(triple)
    supers = _closure((s, o) for s, o in schema.subject_objects(RDFS.subClassOf))
    super_props = _closure((s, o) for s, o in schema.subject_objects(RDFS.subPropertyOf))
    own = ONTOLOGY_IRI + "#"
    domains = {
        p: set(schema.objects(p, RDFS.domain))
        for p in schema.subjects(RDFS.domain, None)
        if str(p).startswith(own)
    }
    ranges = {
        p: set(schema.objects(p, RDFS.range))
        for p in schema.subjects(RDFS.range, None)
        if str(p).startswith(own)
    }
    inverses = {s: o for s, o in schema.subject_objects(OWL.inverseOf)}
    inverses.update({o: s for s, o in list(inverses.items())})
    symmetric = set(schema.subjects(RDF.type, OWL.SymmetricProperty))

    out = Graph()
    for s, p, o in data:
        for sup in super_props.get(p, ()):
            if isinstance(sup, URIRef):
                out.add((s, sup, o))
        if p in inverses and isinstance(o, URIRef):
            out.add((o, inverses[p], s))
        if p in symmetric and isinstance(o, URIRef):
            out.add((o, p, s))
        for cls in domains.get(p, ()):
            if isinstance(cls, URIRef):  # a union (blank node) entails no single class
                out.add((s, RDF.type, cls))
        if isinstance(o, URIRef):
            for cls in ranges.get(p, ()):
                if isinstance(cls, URIRef):
                    out.add((o, RDF.type, cls))
    typed = Graph()
    for s, _, cls in [*data.triples((None, RDF.type, None)), *out.triples((None, RDF.type, None))]:
        typed.add((s, RDF.type, cls))
    for s, _, cls in typed:
        for sup in supers.get(cls, ()):
            if isinstance(sup, URIRef):
                out.add((s, RDF.type, sup))
    for triple in list(out):
        if triple in data:
            out.remove(triple)
    return out


INFERRED_GRAPH = URIRef("https://w3id.org/posture-kg/id/graph/inferred")


def with_inferences(dataset: Dataset) -> Dataset:
    """`dataset` plus a named graph `id:graph/inferred` holding what RDFS adds to its union."""
    from kg.graph.ontology import read_ontology

    union = Graph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if g != INFERRED_GRAPH:
            union.add((s, p, o))
    target = dataset.graph(INFERRED_GRAPH)
    target.remove((None, None, None))
    for triple in inferred_triples(union, read_ontology()):
        target.add(triple)
    return dataset
