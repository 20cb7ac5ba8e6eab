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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

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


@dataclass(frozen=True)
class _Schema:
    """What the entailments read from the ontology (and any hierarchy the data states)."""

    supers: dict[Node, set[Node]]  # class -> every super-class
    super_props: dict[Node, set[Node]]  # property -> every super-property
    domains: dict[Node, set[Node]]  # the ontology's own properties only
    ranges: dict[Node, set[Node]]
    inverses: dict[Node, Node]  # both ways
    symmetric: set[Node]


def _schema(data: Graph, ontology: Graph) -> _Schema:
    schema = Graph()
    for triple in ontology:
        schema.add(triple)
    for prop in (RDFS.subClassOf, RDFS.subPropertyOf):
        for triple in data.triples((None, prop, None)):
            schema.add(triple)
    own = ONTOLOGY_IRI + "#"

    def own_values(prop: URIRef) -> dict[Node, set[Node]]:
        return {
            p: set(schema.objects(p, prop)) for p in schema.subjects(prop, None) if str(p).startswith(own)
        }

    inverses: dict[Node, Node] = dict(schema.subject_objects(OWL.inverseOf))
    inverses.update({o: s for s, o in list(inverses.items())})
    return _Schema(
        supers=_closure(schema.subject_objects(RDFS.subClassOf)),
        super_props=_closure(schema.subject_objects(RDFS.subPropertyOf)),
        domains=own_values(RDFS.domain),
        ranges=own_values(RDFS.range),
        inverses=inverses,
        symmetric=set(schema.subjects(RDF.type, OWL.SymmetricProperty)),
    )


def _entailed_by(s: Node, p: Node, o: Node, schema: _Schema) -> Iterator[tuple[Node, Node, Node]]:
    """What one data triple entails: super-properties, inverse and symmetric statements, and the
    classes of its subject and object (domains and ranges). A blank node class (a union)
    entails no single class."""
    for sup in schema.super_props.get(p, ()):
        if isinstance(sup, URIRef):
            yield s, sup, o
    if isinstance(o, URIRef):
        if p in schema.inverses:
            yield o, schema.inverses[p], s
        if p in schema.symmetric:
            yield o, p, s
        for cls in schema.ranges.get(p, ()):
            if isinstance(cls, URIRef):
                yield o, RDF.type, cls
    for cls in schema.domains.get(p, ()):
        if isinstance(cls, URIRef):
            yield s, RDF.type, cls


def inferred_triples(data: Graph, ontology: Graph) -> Graph:
    """The triples RDFS (plus inverse/symmetric properties) adds to `data` under `ontology`."""
    schema = _schema(data, ontology)
    out = Graph()
    for s, p, o in data:
        for triple in _entailed_by(s, p, o, schema):
            out.add(triple)
    typed = {
        (s, cls)
        for s, _, cls in (*data.triples((None, RDF.type, None)), *out.triples((None, RDF.type, None)))
    }
    for s, cls in typed:
        for sup in schema.supers.get(cls, ()):
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
