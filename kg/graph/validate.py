"""Check a built graph against the SHACL shapes in `ontology/shapes.ttl`.

pyshacl's own report is a graph; this module turns it into a short, sorted list of
violations that name the node (by label when it has one), the property and the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import InputError, KgError
from kg.graph.ontology import class_hierarchy, read_shapes

GRAPH_FILE = "graph.ttl"


@dataclass(frozen=True)
class Violation:
    """One SHACL result, reduced to what a person needs to find and fix it."""

    focus: str  # IRI, or `_:id` for a blank node
    focus_label: str  # rdfs:label of the focus node, "" when it has none
    path: str  # CURIE of the property, "" for node-level results
    message: str
    severity: str  # Violation, Warning or Info
    constraint: str  # e.g. minCount, datatype, lessThan
    value: str = ""  # the offending value, when SHACL reports one

    def __str__(self) -> str:
        node = f"{self.focus} ({self.focus_label})" if self.focus_label else self.focus
        where = f" {self.path}" if self.path else ""
        value = f" [value: {self.value}]" if self.value else ""
        return f"{self.severity}: {node}{where}: {self.message} ({self.constraint}){value}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of `validate_graph`: conformance, how many nodes were checked, and what failed."""

    conforms: bool
    focus_nodes: int
    violations: tuple[Violation, ...]

    def lines(self) -> list[str]:
        """Readable lines for the CLI: a one-line OK, or one line per violation."""
        if self.conforms and not self.violations:
            return [f"OK: {self.focus_nodes} focus nodes conform"]
        return [str(v) for v in self.violations]


def read_graph_for_validation(outdir: Path) -> Graph:
    """The graph `kg validate -g OUTDIR` checks; the one place that decides what to read from OUTDIR."""
    fix = f"run `kg build ARTICLES -o {outdir}` first"
    if not outdir.is_dir():
        raise InputError(f"output folder not found: {outdir}; {fix}")
    from kg.graph.store import has_store, read_union_graph

    if has_store(outdir):
        return read_union_graph(outdir)
    path = outdir / GRAPH_FILE
    if not path.is_file():
        raise InputError(f"no {GRAPH_FILE} in {outdir}: expected {path}; {fix}")
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
        raise InputError(
            f"cannot parse {path} as Turtle: {exc}; rebuild it with `kg build ... -o {outdir}`"
        ) from exc
    return graph


def _short(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.curie(str(node), generate=False)
        except (KeyError, ValueError):
            return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _focus_name(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _subclasses(graphs: tuple[Graph, ...], cls: Node) -> set[Node]:
    found = {cls}
    todo = [cls]
    while todo:
        parent = todo.pop()
        for graph in graphs:
            for sub in graph.subjects(RDFS.subClassOf, parent):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
    return found


def focus_nodes(data: Graph, shapes: Graph, hierarchy: Graph | None = None) -> set[Node]:
    """Every node some shape targets (class, subjects-of, objects-of and node targets).

    pyshacl does not report this number; counting it lets `kg validate` say how much was checked.
    """
    graphs = (data,) if hierarchy is None else (data, hierarchy)
    nodes: set[Node] = set()
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        for cls in shapes.objects(shape, SH.targetClass):
            for sub in _subclasses(graphs, cls):
                nodes.update(data.subjects(RDF.type, sub))
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            nodes.update(s for s, _ in data.subject_objects(prop))
        for prop in shapes.objects(shape, SH.targetObjectsOf):
            nodes.update(o for _, o in data.subject_objects(prop))
        nodes.update(shapes.objects(shape, SH.targetNode))
    return nodes


def _constraint_name(component: Node | None) -> str:
    """sh:MinCountConstraintComponent -> minCount, the name used in the shapes file."""
    if component is None:
        return ""
    name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    return name[:1].lower() + name[1:]


def _violations(results: Graph, data: Graph, shapes: Graph) -> list[Violation]:
    out = []
    # only top-level results: nested ones (sh:detail of an sh:node failure) repeat the same problem
    top = {
        r
        for report in results.subjects(RDF.type, SH.ValidationReport)
        for r in results.objects(report, SH.result)
    }
    for result in top:
        focus = results.value(result, SH.focusNode)
        labels = [str(x) for x in data.objects(focus, RDFS.label) if isinstance(x, Literal)] if focus else []
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        component = results.value(result, SH.sourceConstraintComponent)
        severity = results.value(result, SH.resultSeverity)
        value = results.value(result, SH.value)
        out.append(
            Violation(
                focus=_focus_name(focus) if focus is not None else "",
                focus_label=min(labels, default=""),  # the first, should a node have several
                path=_short(shapes, results.value(result, SH.resultPath)),
                message="; ".join(messages) or "does not conform",
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                constraint=_constraint_name(component),
                value=_short(data, value) if value is not None and value != focus else "",
            )
        )
    return sorted(out, key=lambda v: (v.focus, v.path, v.constraint, v.message, v.value))


def _canonical_copy(graph: Graph) -> Graph:
    """A copy whose typed literals are rebuilt from their lexical form.

    pyshacl checks sh:datatype on the Python value, so `Literal(0.9, datatype=XSD.decimal)`
    (a float inside) fails in memory yet passes once written to Turtle and read back. RDF
    identifies a literal by lexical form and datatype; rebuilding gives both paths one answer.
    """
    copy = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype is not None:
            o = Literal(str(o), datatype=o.datatype)
        copy.add((s, p, o))
    return copy


def validate_graph(graph: Graph, shapes: Graph | None = None, *, private: bool = False) -> ValidationReport:
    """Validate `graph` against the project shapes (or `shapes`), with the ontology's class hierarchy.

    The hierarchy is mixed in (as pyshacl's ont_graph, on a copy) so that sh:targetClass
    pk:Aircraft reaches nodes typed only pk:Bomber even when the graph does not embed it.
    The input graph is not modified, unless `private`: then the caller hands over a graph read
    from a store or file (literals already in canonical form) and it is validated in place,
    which saves copying it (a third of the check on a build's graph).
    """
    from pyshacl import validate  # heavy import, only needed here

    shapes_graph = read_shapes() if shapes is None else shapes
    hierarchy = class_hierarchy()
    try:
        conforms, results, _text = validate(
            graph if private else _canonical_copy(graph),
            shacl_graph=shapes_graph,
            ont_graph=hierarchy,
            inference="none",
            allow_warnings=True,
            abort_on_first=False,
            inplace=True,  # on our private copy
        )
    except Exception as exc:  # pyshacl reports broken shapes with its own exception types
        raise KgError(f"SHACL validation could not run: {exc}; check ontology/shapes.ttl") from exc
    if not isinstance(results, Graph):
        raise KgError("SHACL validation returned no results graph; check the pyshacl installation")
    return ValidationReport(
        conforms=bool(conforms),
        focus_nodes=len(focus_nodes(graph, shapes_graph, hierarchy)),
        violations=tuple(_violations(results, graph, shapes_graph)),
    )
