"""RDF terms between the three forms the project handles: rdflib, Oxigraph (pyoxigraph) and the
plain `Term`s of query results. Takes terms or quads of one form, gives the other; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.errors import StoreError
from kg.graph.results import QueryResult, Term
from kg.iris import PRECOMPUTED_GRAPH

_PRECOMPUTED = ox.NamedNode(str(PRECOMPUTED_GRAPH))


def to_result(raw: Any) -> QueryResult:
    """An Oxigraph query result as a `QueryResult`; a term that comes back many times (an entity
    in every row) is converted once."""
    if isinstance(raw, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(raw))
    seen: dict[Any, Term | None] = {}

    def term(node: Any) -> Term | None:
        converted = seen.get(node, _MISSING)
        if converted is _MISSING:
            converted = seen[node] = _term(node)
        return converted  # type: ignore[return-value]

    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        rows = [tuple(term(sol[i]) for i in range(len(variables))) for sol in raw]
        return QueryResult("select", variables=variables, rows=rows)
    triples = [(term(t.subject), term(t.predicate), term(t.object)) for t in raw]
    return QueryResult("graph", triples=triples)  # type: ignore[arg-type]


_MISSING = object()


def _term(node: Any) -> Term | None:
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return Term("uri", node.value)
    if isinstance(node, ox.BlankNode):
        return Term("bnode", node.value)
    if isinstance(node, ox.Literal):
        return Term("literal", node.value, node.datatype.value, node.language)
    return Term("triple", str(node))


def to_ox(term: Any, bnodes: dict[Any, ox.BlankNode]) -> Any:
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        node = bnodes.get(term)
        if node is None:
            try:  # keep the label, so that reports name the node as the graph does
                node = ox.BlankNode(str(term))
            except ValueError:
                node = ox.BlankNode()
            bnodes[term] = node
        return node
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"cannot store the RDF term {term!r}: expected an IRI, blank node or literal")


def to_rdflib_term(node: Any) -> Any:
    if isinstance(node, ox.NamedNode):
        return rdflib.URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return rdflib.BNode(node.value)
    if isinstance(node, ox.Literal):
        if node.language:
            return rdflib.Literal(node.value, lang=node.language)
        dt = node.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return rdflib.Literal(node.value)
        return rdflib.Literal(node.value, datatype=rdflib.URIRef(dt))
    if isinstance(node, ox.DefaultGraph):
        return DATASET_DEFAULT_GRAPH_ID
    raise StoreError(f"unsupported RDF term in the store: {node!r}")


def quads_of(graph: rdflib.Graph) -> Iterable[tuple[Any, Any, Any, Any]]:
    if isinstance(graph, rdflib.Dataset):
        return graph.quads((None, None, None, None))
    return ((s, p, o, DATASET_DEFAULT_GRAPH_ID) for s, p, o in graph)


def ox_quads(quads: Iterable[tuple[Any, Any, Any, Any]]) -> Iterator[ox.Quad]:
    """Every quad, and each named graph's triple once more in the default graph (but for the
    precomputed answers)."""
    bnodes: dict[Any, ox.BlankNode] = {}
    terms: dict[Any, Any] = {}  # IRIs and literals repeat across graphs: convert each once

    def convert(term: Any) -> Any:
        node = terms.get(term)
        if node is None:
            if isinstance(term, rdflib.BNode):
                return to_ox(term, bnodes)
            if len(terms) > _TERM_CACHE_MAX:  # most terms (events, evidence) belong to one article
                terms.clear()
            node = terms[term] = to_ox(term, bnodes)
        return node

    default = ox.DefaultGraph()
    for s, p, o, g in quads:
        gid = g.identifier if isinstance(g, rdflib.Graph) else g
        graph = default if gid is None or gid == DATASET_DEFAULT_GRAPH_ID else convert(gid)
        subject, predicate, obj = convert(s), convert(p), convert(o)
        yield ox.Quad(subject, predicate, obj, graph)
        if graph is not default and graph != _PRECOMPUTED:
            yield ox.Quad(subject, predicate, obj, default)


_TERM_CACHE_MAX = 200_000
