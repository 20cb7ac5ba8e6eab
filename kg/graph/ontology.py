"""The ontology as data: reading `ontology/*.ttl`, its terms documented (Markdown here; the HTML
page and the format choice in kg/view/ontology_doc.py).

`ontology/posture.ttl` is the single source of the class hierarchy and of the labels and
comments analysts read; this module is the only one that knows where the folder is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS
from rdflib.term import Node

from kg.errors import KgError
from kg.vocab import ONTOLOGY_IRI, PK

ONTOLOGY_FILE = "posture.ttl"
SHAPES_FILE = "shapes.ttl"

_PROPERTY_KINDS = (
    (OWL.ObjectProperty, "object property"),
    (OWL.DatatypeProperty, "datatype property"),
    (OWL.AnnotationProperty, "annotation property"),
)


def ontology_dir() -> Path:
    """The top-level `ontology/` folder next to the `kg` package (a source checkout or editable install)."""
    folder = Path(__file__).resolve().parents[2] / "ontology"
    if not (folder / ONTOLOGY_FILE).is_file():
        raise KgError(
            f"ontology folder not found: expected {folder / ONTOLOGY_FILE}; "
            "posture-kg reads its ontology from the project checkout, so install it with "
            "`pip install -e PROJECT_DIR` rather than from a wheel"
        )
    return folder


def _read_turtle(path: Path) -> Graph:
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
        raise KgError(f"cannot parse {path} as Turtle: {exc}; fix the file or restore it from git") from exc
    return graph


def read_ontology() -> Graph:
    """The OWL ontology (`posture.ttl`): classes, properties, labels and comments."""
    return _read_turtle(ontology_dir() / ONTOLOGY_FILE)


def read_shapes() -> Graph:
    """The SHACL shapes (`shapes.ttl`) that `kg validate` checks graphs against."""
    path = ontology_dir() / SHAPES_FILE
    if not path.is_file():
        raise KgError(f"SHACL shapes not found: expected {path}; restore ontology/{SHAPES_FILE} from git")
    return _read_turtle(path)


def read_ontology_text() -> str:
    """The ontology file verbatim, comments included (for `kg ontology --format ttl`)."""
    return (ontology_dir() / ONTOLOGY_FILE).read_text(encoding="utf-8")


def class_hierarchy(ontology: Graph | None = None) -> Graph:
    """Only the `a owl:Class` and named `rdfs:subClassOf` triples, small enough to embed in every graph.

    Embedding them lets consumers (the scorer, SHACL, SPARQL with property paths) resolve
    subclasses such as pk:Bomber to pk:Aircraft without the ontology folder.
    """
    source = read_ontology() if ontology is None else ontology
    hierarchy = Graph()
    hierarchy.bind("pk", PK._NS)
    for cls in source.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef):
            hierarchy.add((cls, RDF.type, OWL.Class))
    for sub, sup in source.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            hierarchy.add((sub, RDFS.subClassOf, sup))
    return hierarchy


# ---------------------------------------------------------------- documentation model


@dataclass(frozen=True)
class TermDoc:
    """One class or property as the documentation shows it (names already shortened to CURIEs)."""

    iri: str
    name: str  # CURIE, e.g. pk:Bomber
    local: str  # local name, used as the anchor
    label: str
    comment: str
    kind: str  # "class", "object property", ...
    parents: tuple[str, ...] = ()  # super-classes or super-properties
    domain: str = ""
    range: str = ""
    example: str = ""
    direct_property: str = ""


def _text(graph: Graph, subject: Node, predicate: URIRef) -> str:
    values = sorted(str(v) for v in graph.objects(subject, predicate) if isinstance(v, Literal))
    return " ".join(" ".join(v.split()) for v in values)


def _curie(graph: Graph, node: Node) -> str:
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.curie(str(node), generate=False)
        except (KeyError, ValueError):
            return str(node)
    if isinstance(node, BNode):
        members = graph.value(node, OWL.unionOf)
        if members is not None:
            return " or ".join(_curie(graph, m) for m in Collection(graph, members))
        values = graph.value(node, OWL.oneOf)  # an enumerated datatype: "reported", "claimed", ...
        if values is not None:
            return " or ".join(f'"{v}"' for v in Collection(graph, values))
    return str(node)


def _joined(graph: Graph, nodes: Iterable[Node]) -> str:
    return ", ".join(sorted(_curie(graph, n) for n in nodes))


def _own_terms(graph: Graph, rdf_type: URIRef) -> Iterator[URIRef]:
    namespace = str(PK._NS)
    for term in set(graph.subjects(RDF.type, rdf_type)):
        if isinstance(term, URIRef) and str(term).startswith(namespace):
            yield term


def _term_doc(graph: Graph, term: URIRef, kind: str, parent_property: URIRef) -> TermDoc:
    return TermDoc(
        iri=str(term),
        name=_curie(graph, term),
        local=str(term)[len(str(PK._NS)) :],
        label=_text(graph, term, RDFS.label),
        comment=_text(graph, term, RDFS.comment),
        kind=kind,
        parents=tuple(sorted(_curie(graph, p) for p in graph.objects(term, parent_property))),
        domain=_joined(graph, graph.objects(term, RDFS.domain)),
        range=_joined(graph, graph.objects(term, RDFS.range)),
        example=_text(graph, term, SKOS.example),
        direct_property=_joined(graph, graph.objects(term, PK.directProperty)),
    )


def class_docs(ontology: Graph | None = None) -> list[TermDoc]:
    """The ontology's own classes, sorted by local name."""
    graph = read_ontology() if ontology is None else ontology
    docs = [_term_doc(graph, c, "class", RDFS.subClassOf) for c in _own_terms(graph, OWL.Class)]
    return sorted(docs, key=lambda d: d.local)


def property_docs(ontology: Graph | None = None) -> list[TermDoc]:
    """The ontology's own properties, sorted by local name."""
    graph = read_ontology() if ontology is None else ontology
    docs = []
    for rdf_type, kind in _PROPERTY_KINDS:
        for prop in _own_terms(graph, rdf_type):
            functional = (prop, RDF.type, OWL.FunctionalProperty) in graph
            docs.append(
                _term_doc(graph, prop, f"{kind}, functional" if functional else kind, RDFS.subPropertyOf)
            )
    return sorted(docs, key=lambda d: d.local)


def title_and_description(graph: Graph) -> tuple[str, str]:
    """The ontology's dcterms:title and dcterms:description."""
    ontology = URIRef(ONTOLOGY_IRI)
    title = _text(graph, ontology, URIRef("http://purl.org/dc/terms/title")) or "posture-kg ontology"
    description = _text(graph, ontology, URIRef("http://purl.org/dc/terms/description"))
    return title, description


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _md_anchor(local: str) -> str:
    """Heading slug; classes and properties share some names (Location, location), so add the kind."""
    return f"{local.lower()}-{'class' if local[:1].isupper() else 'property'}"


def _md_ref(name: str) -> str:
    """Link pk: names to their section; leave other vocabularies as code."""
    if not name:
        return ""
    parts = []
    for part in name.split(", "):
        alternatives = []
        for alt in part.split(" or "):
            if alt.startswith("pk:"):
                alternatives.append(f"[{alt}](#{_md_anchor(alt[3:])})")
            else:
                alternatives.append(f"`{alt}`")
        parts.append(" or ".join(alternatives))
    return ", ".join(parts)


def to_markdown(ontology: Graph | None = None) -> str:
    """Markdown reference of every class and property (generated into docs/ontology.md)."""
    graph = read_ontology() if ontology is None else ontology
    title, description = title_and_description(graph)
    classes, properties = class_docs(graph), property_docs(graph)
    lines = [
        f"# {title}",
        "",
        "<!-- Generated by `kg ontology --format md -o docs/ontology.md` from ontology/posture.ttl;"
        " edit the Turtle file, not this page. -->",
        "",
        description,
        "",
        f"Namespace: `{PK._NS}` (prefix `pk:`). {len(classes)} classes, {len(properties)} properties.",
        "",
        "## Classes",
        "",
        "| class | label | subclass of |",
        "|---|---|---|",
    ]
    lines += [
        f"| [{c.name}](#{_md_anchor(c.local)}) | {c.label} | {_md_ref(', '.join(c.parents))} |"
        for c in classes
    ]
    lines += ["", "## Properties", "", "| property | kind | domain | range |", "|---|---|---|---|"]
    lines += [
        f"| [{p.name}](#{_md_anchor(p.local)}) | {p.kind} | {_md_ref(p.domain)} | {_md_ref(p.range)} |"
        for p in properties
    ]
    lines += ["", "## Class details", ""]
    for c in classes:
        lines += [f"### {c.local} (class)", "", f"`{c.name}` — **{c.label}**", "", _md_cell(c.comment), ""]
        if c.parents:
            lines.append(f"- subclass of: {_md_ref(', '.join(c.parents))}")
        if c.direct_property:
            lines.append(f"- direct property: {_md_ref(c.direct_property)}")
        if c.example:
            lines.append(f"- examples: {c.example}")
        if lines[-1] != "":
            lines.append("")
    lines += ["## Property details", ""]
    for p in properties:
        lines += [
            f"### {p.local} (property)",
            "",
            f"`{p.name}` — **{p.label}** ({p.kind})",
            "",
            _md_cell(p.comment),
            "",
        ]
        for key, value in (
            ("sub-property of", ", ".join(p.parents)),
            ("domain", p.domain),
            ("range", p.range),
        ):
            if value:
                lines.append(f"- {key}: {_md_ref(value)}")
        if lines[-1] != "":
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
