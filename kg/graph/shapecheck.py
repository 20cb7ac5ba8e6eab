"""The build's SHACL check: each shape constraint of `ontology/shapes.ttl` run as a SPARQL query.

pyshacl walks the graph node by node in Python: 4.5 s for the 116,000 triples of a
300-article build, a third of the build after extraction, and far too slow for a
10,000-article graph (the build used to skip the check there). Every constraint the shapes
use is a pattern SPARQL can state about all focus nodes at once, so the build compiles the
shapes to queries and lets the store's query engine do the work.

Supported: targets (class with subclasses, subjects-of, objects-of, node), IRI and inverse
paths, and the core constraints minCount, maxCount, datatype, nodeKind, pattern,
min/maxInclusive, min/maxExclusive, min/maxLength, lessThan, class, in, and node (a nested
shape). A shape using anything else raises `UnsupportedShape`; the caller then runs pyshacl,
which stays the reference (`kg validate`). tests/test_shapecheck.py checks that both engines
report the same results, on built graphs and on graphs broken on purpose for each constraint.
One difference is by design: the store keeps numeric literals in canonical form ("1.0" as a
decimal reads back as "1"), so length and pattern constraints see that form, as pyshacl does
on a graph read back from the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from kg.errors import KgError
from kg.graph.results import Term
from kg.graph.store import GraphStore, memory_store
from kg.graph.validate import ValidationReport, Violation, _short, _subclasses

__all__ = ["UnsupportedShape", "check_graph", "check_store"]

Rows = Callable[[str], list[tuple[Node | None, ...]]]


class UnsupportedShape(KgError):
    """A shape uses SHACL features this checker does not compile (pyshacl still checks it)."""


# What a shape may say besides its constraints (targets and paths are read separately).
_DESCRIPTIVE = {
    RDF.type, RDFS.label, RDFS.comment, SH.message, SH.name, SH.description, SH.severity,
    SH.order, SH.group, SH.deactivated, SH.property, SH.path,
    SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode,
}  # fmt: skip
_PER_VALUE = {
    SH.datatype, SH.nodeKind, SH.pattern, SH.flags, SH.minInclusive, SH.maxInclusive,
    SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH["class"], SH["in"],
}  # fmt: skip
_COUNTS = {SH.minCount, SH.maxCount}
_PAIRS = {SH.lessThan}
_SUPPORTED = _DESCRIPTIVE | _PER_VALUE | _COUNTS | _PAIRS | {SH.node}
# Datatypes whose lexical form SPARQL can cast: a literal that fails the cast is ill-typed.
_CASTABLE = {XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.boolean, XSD.dateTime, XSD.date}
_ILL = "<urn:x-posture-kg:ill-typed>"
_RDF_TYPE = f"<{RDF.type}>"
_SUBCLASS = f"<{RDFS.subClassOf}>"


@dataclass
class _Shape:
    node: Node
    path: str = ""  # SPARQL path from the focus node to its values; "" for a node shape
    path_node: Node | None = None  # the sh:path as written, for the report
    severity: str = "Violation"
    messages: list[str] = field(default_factory=list)
    constraints: list[tuple[URIRef, Node]] = field(default_factory=list)
    properties: list[_Shape] = field(default_factory=list)


@dataclass(frozen=True)
class _Result:
    focus: Node
    shape: _Shape
    constraint: str
    value: Node | None = None


def check_store(
    store: GraphStore,
    shapes: Graph | None = None,
    hierarchy: Graph | None = None,
    *,
    names: Graph | None = None,
) -> ValidationReport:
    """Check the default graph of `store` (for the build's stores: the union of all graphs).

    `names` gives the prefixes values are shown with (default: rdflib's standard ones).
    """

    def rows(query: str) -> list[tuple[Node | None, ...]]:
        return [tuple(_rdflib(term) for term in row) for row in store.query(query).rows]

    return _check(rows, shapes, hierarchy, names or Graph())


def check_graph(
    graph: Graph, shapes: Graph | None = None, hierarchy: Graph | None = None
) -> ValidationReport:
    """Check an rdflib graph (copied into an in-memory store), showing values with its prefixes."""
    return check_store(memory_store(graph), shapes, hierarchy, names=graph)


def _check(rows: Rows, shapes: Graph | None, hierarchy: Graph | None, names: Graph) -> ValidationReport:
    from kg.graph.ontology import class_hierarchy, read_shapes

    shapes = read_shapes() if shapes is None else shapes
    hierarchy = class_hierarchy() if hierarchy is None else hierarchy
    in_data = Graph()  # the data's own rdfs:subClassOf statements, beside the ontology's
    for sub, sup in rows(f"SELECT ?s ?o WHERE {{ ?s {_SUBCLASS} ?o }}"):
        if sub is not None and sup is not None:
            in_data.add((sub, RDFS.subClassOf, sup))
    checker = _Checker(rows, shapes, (hierarchy, in_data))
    results: list[_Result] = []
    focus: list[str] = []
    for node in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        shape = checker.read_shape(node)
        if shape is None:
            continue
        pattern = checker.targets(node)
        if pattern is None:
            continue  # a shape without targets is checked only through sh:node
        focus.append(f"{{ {pattern('this')} }}")
        results += checker.run(shape, pattern)
    count = rows(f"SELECT (COUNT(DISTINCT ?this) AS ?n) WHERE {{ {' UNION '.join(focus)} }}") if focus else []
    return _report(rows, shapes, names, results, int(str(count[0][0])) if count else 0)


class _Checker:
    def __init__(self, rows: Rows, shapes: Graph, class_graphs: tuple[Graph, ...]) -> None:
        self.rows = rows
        self.shapes = shapes
        self.class_graphs = class_graphs
        self._reading: set[Node] = set()
        self._nested = 0

    # ------------------------------------------------------------ reading shapes

    def read_shape(self, node: Node, path: Node | None = None) -> _Shape | None:
        g = self.shapes
        if g.value(node, SH.deactivated) == Literal(True):
            return None
        if node in self._reading:
            raise UnsupportedShape(f"shape {node} refers to itself through sh:node")
        self._reading.add(node)
        try:
            severity = g.value(node, SH.severity)
            shape = _Shape(
                node,
                path=_sparql_path(g, path) if path is not None else "",
                path_node=path,
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                messages=sorted(str(m) for m in g.objects(node, SH.message)),
            )
            for p, o in sorted(g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
                if p not in _SUPPORTED and str(p).startswith(str(SH)):
                    raise UnsupportedShape(f"shape {node} uses {p}, which the SPARQL check does not compile")
                if p == SH.property:
                    prop = self.read_shape(o, g.value(o, SH.path))
                    if prop is not None:
                        shape.properties.append(prop)
                elif p in _PER_VALUE | _COUNTS | _PAIRS | {SH.node} and p != SH.flags:
                    shape.constraints.append((URIRef(str(p)), o))
            return shape
        finally:
            self._reading.discard(node)

    def targets(self, node: Node) -> Callable[[str], str] | None:
        """A function of a variable name -> a subquery binding that variable to the focus nodes."""
        g = self.shapes
        parts: list[str] = []  # patterns over the placeholder variable ?__v
        classes = list(g.objects(node, SH.targetClass))
        if isinstance(node, URIRef) and (node, RDF.type, RDFS.Class) in g:
            classes.append(node)  # implicit class target
        if classes:
            values = " ".join(_n3(c) for c in sorted(self._subclasses(classes), key=str))
            parts.append(f"?__v {_RDF_TYPE} ?__v_c . VALUES ?__v_c {{ {values} }}")
        parts += [f"?__v {_n3(p)} ?__v_o ." for p in g.objects(node, SH.targetSubjectsOf)]
        parts += [f"?__v_s {_n3(p)} ?__v ." for p in g.objects(node, SH.targetObjectsOf)]
        nodes = list(g.objects(node, SH.targetNode))
        if nodes:
            parts.append(f"VALUES ?__v {{ {' '.join(_n3(n) for n in nodes)} }}")
        if not parts:
            return None
        template = "{ SELECT DISTINCT ?__v WHERE { " + " UNION ".join(f"{{ {p} }}" for p in parts) + " } }"
        return lambda v: template.replace("?__v", f"?{v}")

    def _subclasses(self, classes: Iterable[Node]) -> set[Node]:
        return {sub for cls in classes for sub in _subclasses(self.class_graphs, cls)}

    # ------------------------------------------------------------ running constraints

    def run(self, shape: _Shape, focus: Callable[[str], str]) -> list[_Result]:
        out: list[_Result] = []
        for kind, param in shape.constraints:
            out += self._constraint(shape, focus, kind, param)
        for prop in shape.properties:
            out += self.run(prop, focus)
        return out

    def _constraint(
        self, shape: _Shape, focus: Callable[[str], str], kind: URIRef, param: Node
    ) -> list[_Result]:
        name = _constraint_name(kind)
        values = f"?this {shape.path} ?value ." if shape.path else "BIND (?this AS ?value)"
        where = f"{focus('this')} {values}"
        if kind in _COUNTS:
            if not shape.path:
                raise UnsupportedShape(f"{name} on node shape {shape.node}")
            n = int(param)  # type: ignore[call-overload]
            if kind == SH.minCount:
                query = (
                    f"SELECT ?this WHERE {{ {focus('this')} OPTIONAL {{ {values} }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {n})"
                )
            else:
                query = (
                    f"SELECT ?this WHERE {{ {where} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {n})"
                )
            return [_Result(r[0], shape, name) for r in self.rows(query) if r[0] is not None]
        if kind == SH.lessThan:
            query = (
                f"SELECT DISTINCT ?this ?value WHERE {{ {where} ?this {_n3(param)} ?other . "
                f"FILTER (!COALESCE(?value < ?other, false)) }}"
            )
        elif kind == SH.node:
            return self._node(shape, focus, param)
        else:
            condition = self._condition(shape, kind, param)
            query = f"SELECT DISTINCT ?this ?value WHERE {{ {where} FILTER ({condition}) }}"
        return [
            _Result(r[0], shape, name, r[1])
            for r in self.rows(query)
            if r[0] is not None and r[1] is not None
        ]

    def _condition(self, shape: _Shape, kind: URIRef, param: Node) -> str:
        """A SPARQL condition true when ?value breaks the constraint."""
        if kind == SH.datatype:
            bad = f"!isLiteral(?value) || datatype(?value) != {_n3(param)}"
            if param in _CASTABLE:
                bad += f" || !isLiteral(COALESCE({_n3(param)}(STR(?value)), {_ILL}))"
            return bad
        if kind == SH.nodeKind:
            return {
                SH.IRI: "!isIRI(?value)",
                SH.Literal: "!isLiteral(?value)",
                SH.BlankNode: "!isBlank(?value)",
                SH.BlankNodeOrIRI: "isLiteral(?value)",
                SH.BlankNodeOrLiteral: "isIRI(?value)",
                SH.IRIOrLiteral: "isBlank(?value)",
            }[param]  # type: ignore[index]
        if kind == SH.pattern:
            flags = self.shapes.value(shape.node, SH.flags)
            args = f"STR(?value), {_string(str(param))}" + (f", {_string(str(flags))}" if flags else "")
            return f"isBlank(?value) || !REGEX({args})"
        comparisons = {
            SH.minInclusive: ">=",
            SH.maxInclusive: "<=",
            SH.minExclusive: ">",
            SH.maxExclusive: "<",
        }
        if kind in comparisons:
            return f"!COALESCE(?value {comparisons[kind]} {_n3(param)}, false)"
        if kind == SH.minLength:
            return f"isBlank(?value) || STRLEN(STR(?value)) < {int(param)}"  # type: ignore[call-overload]
        if kind == SH.maxLength:
            return f"isBlank(?value) || STRLEN(STR(?value)) > {int(param)}"  # type: ignore[call-overload]
        if kind == SH["class"]:
            classes = " ".join(_n3(c) for c in sorted(self._subclasses([param]), key=str))
            return f"NOT EXISTS {{ ?value {_RDF_TYPE} ?class . VALUES ?class {{ {classes} }} }}"
        if kind == SH["in"]:
            members = [f"sameTerm(?value, {_n3(m)})" for m in Collection(self.shapes, param)]
            return f"!({' || '.join(members) or 'false'})"  # SHACL compares terms, not values
        raise UnsupportedShape(f"constraint {kind}")  # pragma: no cover (guarded by _SUPPORTED)

    def _node(self, shape: _Shape, focus: Callable[[str], str], nested: Node) -> list[_Result]:
        """sh:node: a value that breaks any constraint of the nested shape fails here once."""
        inner = self.read_shape(nested)
        if inner is None:
            return []
        self._nested += 1
        outer = f"outer{self._nested}"  # one name per level: nested shapes may nest again

        def value_focus(v: str) -> str:
            values = f"?{outer} {shape.path} ?{v} ." if shape.path else f"BIND (?{outer} AS ?{v})"
            return f"{{ SELECT DISTINCT ?{v} WHERE {{ {focus(outer)} {values} }} }}"

        failing = {r.focus for r in self.run(inner, value_focus)}
        if not failing:
            return []
        pairs = f"?this {shape.path} ?value ." if shape.path else "BIND (?this AS ?value)"
        rows = self.rows(f"SELECT DISTINCT ?this ?value WHERE {{ {focus('this')} {pairs} }}")
        return [_Result(r[0], shape, "node", r[1]) for r in rows if r[1] in failing and r[0] is not None]


def _report(
    rows: Rows, shapes: Graph, names: Graph, results: list[_Result], focus_count: int
) -> ValidationReport:
    labels: dict[Node, str] = {}
    nodes = {r.focus for r in results if not isinstance(r.focus, Literal)}
    if nodes:
        listed = " ".join(_n3(n) for n in nodes if not isinstance(n, BNode))
        if listed:
            query = f"SELECT ?n ?label WHERE {{ VALUES ?n {{ {listed} }} ?n <{RDFS.label}> ?label }}"
            for node, label in rows(query):
                if isinstance(label, Literal) and node is not None:
                    labels[node] = min(labels.get(node, str(label)), str(label))  # as kg.graph.validate
    violations = {
        Violation(
            focus=f"_:{r.focus}" if isinstance(r.focus, BNode) else str(r.focus),
            focus_label=labels.get(r.focus, ""),
            path=_short(shapes, r.shape.path_node) if r.shape.path_node is not None else "",
            message="; ".join(r.shape.messages) or f"{r.constraint} constraint not met",
            severity=r.shape.severity,
            constraint=r.constraint,
            value=_short(names, r.value) if r.value is not None and r.value != r.focus else "",
        )
        for r in results
    }
    ordered = sorted(violations, key=lambda v: (v.focus, v.path, v.constraint, v.message, v.value))
    conforms = not any(v.severity == "Violation" for v in ordered)
    return ValidationReport(conforms=conforms, focus_nodes=focus_count, violations=tuple(ordered))


def _sparql_path(shapes: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return _n3(path)
    inverse = shapes.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return f"^{_n3(inverse)}"
    raise UnsupportedShape(f"sh:path {path}: only IRIs and sh:inversePath are compiled")


def _constraint_name(kind: URIRef) -> str:
    return str(kind).rsplit("#", 1)[-1]


def _n3(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise UnsupportedShape(f"cannot use {node!r} in a query")


def _string(text: str) -> str:
    return Literal(text).n3()


def _rdflib(term: Term | None) -> Node | None:
    if term is None:
        return None
    if term.type == "uri":
        return URIRef(term.value)
    if term.type == "bnode":
        return BNode(term.value)
    if term.type == "literal":
        if term.lang:
            return Literal(term.value, lang=term.lang)
        return Literal(term.value, datatype=URIRef(term.datatype) if term.datatype else None)
    raise KgError(f"unexpected term in a query result: {term!r}")
