"""The ontology documented for people: Markdown, a self-contained HTML page, or its Turtle source.

Takes the ontology graph (`kg.graph.ontology`, default ontology/posture.ttl); gives the text of
one of FORMATS. The HTML page is kg/view/assets/ontology.html with the shared common.css and
ontology.css, no scripts, and a Content-Security-Policy that allows none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg.errors import KgError
from kg.graph.ontology import (
    TermDoc,
    class_docs,
    property_docs,
    read_ontology,
    read_ontology_text,
    title_and_description,
    to_markdown,
)
from kg.view.page import render_page
from kg.vocab import PK

FORMATS = ("md", "html", "ttl")


@dataclass(frozen=True)
class Ref:
    """One name in a domain, range or parent list: a pk: term links to its row, others are code."""

    text: str
    anchor: str


def refs(names: str | tuple[str, ...]) -> list[list[Ref]]:
    """'pk:A or pk:B, xsd:date' → [[A, B], [xsd:date]]: alternatives within comma-separated parts."""
    joined = ", ".join(names) if isinstance(names, tuple) else names
    if not joined:
        return []
    return [
        [Ref(alt, alt[3:] if alt.startswith("pk:") else "") for alt in part.split(" or ")]
        for part in joined.split(", ")
    ]


def _row(doc: TermDoc) -> dict[str, object]:
    return {
        "local": doc.local,
        "name": doc.name,
        "label": doc.label,
        "comment": doc.comment,
        "kind": doc.kind,
        "example": doc.example,
        "parents": refs(doc.parents),
        "domain": refs(doc.domain),
        "range": refs(doc.range),
        "direct_property": refs(doc.direct_property),
    }


def ontology_html(ontology: Graph | None = None) -> str:
    """A self-contained HTML reference page (no scripts, no network) of every class and property."""
    graph = read_ontology() if ontology is None else ontology
    title, description = title_and_description(graph)
    return render_page(
        "ontology.html",
        title=title,
        css=["common.css", "ontology.css"],
        js=[],
        description=description,
        namespace=str(PK._NS),
        classes=[_row(c) for c in class_docs(graph)],
        properties=[_row(p) for p in property_docs(graph)],
    )


def render(fmt: str) -> str:
    """The ontology in one of FORMATS: Markdown or HTML documentation, or the Turtle source."""
    if fmt == "md":
        return to_markdown()
    if fmt == "html":
        return ontology_html()
    if fmt == "ttl":
        return read_ontology_text()
    raise KgError(f"unknown ontology format {fmt!r}: expected one of {', '.join(FORMATS)}")


def write_documentation(fmt: str, path: Path) -> Path:
    """Write `render(fmt)` to `path` (parent folders created) and return the path."""
    text = render(fmt)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise KgError(f"cannot write {path}: {exc.strerror}; choose a writable path with -o") from exc
    return path
