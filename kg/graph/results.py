"""SPARQL results as plain values, and their text formats (table, CSV, TSV, W3C JSON, Turtle).

Terms are kept in the shape of the W3C SPARQL 1.1 Query Results JSON format (`type`, `value`,
`datatype`, `xml:lang`), so no backend or rdflib type leaks out of `kg.graph.store` into a result.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

from kg.errors import QueryError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: Prefixes used when a result is written as Turtle or shown compactly in a table.
PREFIXES: dict[str, str] = {
    "pk": "https://w3id.org/posture-kg/ontology#",
    "id": "https://w3id.org/posture-kg/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": "http://www.wikidata.org/entity/",
}

FORMATS = ("table", "csv", "tsv", "json", "ttl")

TermKind = TypingLiteral["uri", "literal", "bnode", "triple"]


@dataclass(frozen=True, slots=True)
class Term:
    """One RDF term as in SPARQL JSON results: `uri`, `literal` or `bnode` (`triple` for RDF-star)."""

    type: TermKind
    value: str
    datatype: str | None = None
    lang: str | None = None

    def to_json(self) -> dict[str, str]:
        """The W3C SPARQL 1.1 JSON results object for this term (plain strings carry no datatype)."""
        out = {"type": self.type, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.type == "literal" and self.datatype and self.datatype != XSD_STRING:
            out["datatype"] = self.datatype
        return out

    def n3(self) -> str:
        """N-Triples syntax (full IRIs, escaped literals)."""
        if self.type == "uri":
            return f"<{self.value}>"
        if self.type == "bnode":
            return f"_:{self.value}"
        if self.type == "triple":
            return f"<< {self.value} >>"
        text = _escape_literal(self.value)
        if self.lang:
            return f'"{text}"@{self.lang}'
        if self.datatype and self.datatype != XSD_STRING:
            return f'"{text}"^^<{self.datatype}>'
        return f'"{text}"'

    def compact(self) -> str:
        """Short human form for tables: prefixed IRIs, bare literal values."""
        if self.type == "uri":
            return compact_iri(self.value)
        if self.type == "bnode":
            return f"_:{self.value}"
        if self.type == "triple":
            return f"<< {self.value} >>"
        return self.value if not self.lang else f"{self.value}@{self.lang}"


def compact_iri(iri: str) -> str:
    """`pk:actor` for a known namespace, else the IRI in angle brackets."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def _escape_literal(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )


Row = tuple["Term | None", ...]
Triple = tuple[Term, Term, Term]


@dataclass
class QueryResult:
    """What a query returns: `kind` is `select` (vars + rows), `ask` (boolean) or `graph` (triples)."""

    kind: TypingLiteral["select", "ask", "graph"]
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)

    def __len__(self) -> int:
        if self.kind == "select":
            return len(self.rows)
        if self.kind == "graph":
            return len(self.triples)
        return 1

    def column(self, name: str) -> list[Term | None]:
        """The values of one SELECT variable, row by row."""
        index = self.variables.index(name)
        return [row[index] for row in self.rows]


def to_text(result: QueryResult, fmt: str) -> str:
    """Render a result in one of `FORMATS`; graph results only as `ttl` (or `table`/`csv` of triples)."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown output format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2) + "\n"
        return ("true" if result.boolean else "false") + "\n"
    if result.kind == "graph":
        if fmt in ("ttl", "table"):
            return to_turtle(result.triples)
        if fmt == "json":
            raise QueryError("a CONSTRUCT/DESCRIBE result has no SPARQL JSON form; use --format ttl")
        # csv/tsv of a graph result: one row per triple
        select = QueryResult("select", ["subject", "predicate", "object"], [tuple(t) for t in result.triples])
        return to_text(select, fmt)
    if fmt == "ttl":
        raise QueryError("a SELECT result has no Turtle form; use --format table, csv, tsv or json")
    if fmt == "json":
        return to_sparql_json(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    return to_table(result)


def to_sparql_json(result: QueryResult) -> str:
    """W3C SPARQL 1.1 Query Results JSON: `{"head": {"vars": [...]}, "results": {"bindings": [...]}}`."""
    bindings = [
        {var: term.to_json() for var, term in zip(result.variables, row, strict=True) if term is not None}
        for row in result.rows
    ]
    doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_csv(result: QueryResult) -> str:
    """W3C SPARQL 1.1 CSV results: plain values (IRIs and literals without markup), header of names."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(
            ["" if t is None else (f"_:{t.value}" if t.type == "bnode" else t.value) for t in row]
        )
    return buf.getvalue()


def to_tsv(result: QueryResult) -> str:
    """W3C SPARQL 1.1 TSV results: `?var` header, terms in N-Triples/Turtle syntax."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else t.n3() for t in row))
    return "\n".join(lines) + "\n"


def to_table(result: QueryResult, max_width: int = 60) -> str:
    """An aligned text table with compact terms; long cells are cut with an ellipsis."""
    header = list(result.variables)
    body = [[_cell(t, max_width) for t in row] for row in result.rows]
    widths = [len(h) for h in header]
    for cells in body:
        widths = [max(w, len(c)) for w, c in zip(widths, cells, strict=True)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines.extend("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() for cells in body)
    count = len(result.rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def _cell(term: Term | None, max_width: int) -> str:
    if term is None:
        return ""
    text = term.compact().replace("\n", " ")
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def to_turtle(triples: Sequence[Triple]) -> str:
    """Turtle with the project prefixes, subjects and statements sorted (deterministic)."""
    used = {p: ns for p, ns in PREFIXES.items()}
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in used.items()]
    lines.append("")
    by_subject: dict[Term, list[tuple[Term, Term]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s, []).append((p, o))
    for subject in sorted(by_subject, key=lambda t: (t.type, t.value)):
        pairs = sorted(set(by_subject[subject]), key=lambda po: (po[0].value, po[1].type, po[1].value))
        lines.append(_turtle_term(subject))
        for i, (p, o) in enumerate(pairs):
            end = " ." if i == len(pairs) - 1 else " ;"
            pred = "a" if p.value == PREFIXES["rdf"] + "type" else _turtle_term(p)
            lines.append(f"    {pred} {_turtle_term(o)}{end}")
        lines.append("")
    return "\n".join(lines)


def _turtle_term(term: Term) -> str:
    if term.type == "uri":
        short = compact_iri(term.value)
        local = short.split(":", 1)[1] if not short.startswith("<") else ""
        if not short.startswith("<") and local and _is_safe_local(local):
            return short
        return f"<{term.value}>"
    if term.type == "literal" and term.datatype and not term.lang:
        dt = _turtle_term(Term("uri", term.datatype))
        if term.datatype == XSD_STRING:
            return term.n3()
        return f'"{_escape_literal(term.value)}"^^{dt}'
    return term.n3()


def _is_safe_local(local: str) -> bool:
    """A conservative PN_LOCAL check: letters, digits, `_`, `-`, not ending in `.`, no `/`."""
    return all(ch.isalnum() or ch in "_-" for ch in local) and local[0] != "-"
