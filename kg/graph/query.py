"""SPARQL kept as data: the query library in `kg/graph/queries/*.rq`, run by name with bound parameters.

Each `.rq` file starts with comment lines::

    # name: events-in-sea
    # answers: Which events took place in a given sea?
    # params: sea (string, "Barents Sea") rdfs:label or skos:altLabel of the sea

A parameter is a variable of the query. Its value is turned into an RDF term (string literal,
xsd:date, xsd:integer, xsd:decimal, xsd:boolean or IRI, as declared) and handed to Oxigraph's
`substitutions` (SPARQL-dev SEP-0007): it is never pasted into the query text. Two rules of
SEP-0007 as Oxigraph 0.5 implements it shape the library:

* a SELECT query must project every parameter variable (so it also shows up as a column);
* inside `BOUND(?p)` a substituted variable counts as unbound: optional parameters are written
  `COALESCE(?date >= ?from, true)` (an unbound `?from` makes the comparison an error → true).

`SERVICE` clauses are refused unless `allow_service` (`kg.graph.guard`). `run_bounded` runs a
query over OUTDIR in a worker process that is killed at its time limit or memory cap
(`kg.graph.worker`), as `kg query` does.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

import rdflib
from rdflib.namespace import XSD

from kg.errors import InputError, QueryError
from kg.graph.guard import refuse_service
from kg.graph.results import PREFIXES, QueryResult
from kg.graph.store import GraphStore, RdfTerm, load_store
from kg.graph.worker import Limits, run_query_in_worker

PARAM_TYPES = ("string", "iri", "date", "integer", "decimal", "boolean")
UNBOUND = "unbound"

_HEADER = re.compile(r"^#\s*(name|answers|params)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(
    r"""^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*
        \(\s*(?P<type>[a-z]+)\s*,\s*(?P<default>"(?:[^"\\]|\\.)*"|[^)\s]+)\s*\)\s*
        (?P<description>.*)$""",
    re.VERBOSE,
)
_SYNTAX = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)
_IRI_OK = re.compile(r'^[^\s<>"{}|^`\\]+$')


@dataclass(frozen=True)
class Param:
    """One declared parameter: variable name, type, default (None when left unbound), description."""

    name: str
    type: str
    default: str | None
    description: str = ""


@dataclass(frozen=True)
class LibraryQuery:
    """A query of the library (or any `.rq` file with a header)."""

    name: str
    answers: str
    params: tuple[Param, ...]
    sparql: str
    path: str


def parse_query_text(text: str, source: str = "<query>") -> LibraryQuery:
    """Read the `# name/answers/params` header of a query text (all optional for ad-hoc queries)."""
    name, answers, params = Path(source).stem if source != "<query>" else "", "", []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER.match(stripped)
        if not match:
            continue
        key, value = match.groups()
        if key == "name":
            name = value
        elif key == "answers":
            answers = value
        elif value and value != "(none)":
            params.append(_parse_param(value, source))
    return LibraryQuery(name, answers, tuple(params), text, source)


def _parse_param(spec: str, source: str) -> Param:
    match = _PARAM.match(spec)
    if not match:
        raise QueryError(
            f"{source}: cannot read the parameter line {spec!r}; expected "
            '`# params: name (type, default) description`, e.g. `# params: sea (string, "Barents Sea") ...`'
        )
    ptype = match["type"]
    if ptype not in PARAM_TYPES:
        raise QueryError(
            f"{source}: parameter {match['name']!r} has unknown type {ptype!r}; "
            f"expected one of {', '.join(PARAM_TYPES)}"
        )
    raw = match["default"]
    default: str | None
    if raw == UNBOUND:
        default = None
    elif raw.startswith('"'):
        default = re.sub(r"\\(.)", r"\1", raw[1:-1])
    else:
        default = raw
    return Param(match["name"], ptype, default, match["description"].strip())


def _library_dir() -> Path:
    return Path(str(resources.files("kg.graph") / "queries"))


def list_queries() -> list[LibraryQuery]:
    """The library's queries, sorted by name."""
    out = []
    for path in sorted(_library_dir().glob("*.rq")):
        out.append(parse_query_text(path.read_text(encoding="utf-8"), str(path)))
    return sorted(out, key=lambda q: q.name)


def get_query(name: str) -> LibraryQuery:
    """One library query by name; QueryError naming close matches when unknown."""
    queries = {q.name: q for q in list_queries()}
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise QueryError(f"no library query named {name!r}; {hint}see `kg query --list`")


def read_query_file(path: Path) -> LibraryQuery:
    """A `.rq` file with its (optional) header."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the query file {path}: {exc.strerror or exc}") from exc
    return parse_query_text(text, str(path))


# ---------------------------------------------------------------- parameters


def to_term(value: str, ptype: str, name: str = "param") -> RdfTerm:
    """Turn a parameter's text into an RDF term of its declared type (QueryError when it does not fit)."""
    try:
        if ptype == "string":
            return rdflib.Literal(value)
        if ptype == "date":
            return rdflib.Literal(dt.date.fromisoformat(value).isoformat(), datatype=XSD.date)
        if ptype == "integer":
            return rdflib.Literal(str(int(value)), datatype=XSD.integer)
        if ptype == "decimal":
            return rdflib.Literal(str(Decimal(value)), datatype=XSD.decimal)
        if ptype == "boolean":
            if value.lower() not in ("true", "false"):
                raise ValueError(value)
            return rdflib.Literal(value.lower(), datatype=XSD.boolean)
        if ptype == "iri":
            return rdflib.URIRef(_expand_iri(value))
    except (ValueError, InvalidOperation) as exc:
        raise QueryError(f"parameter {name}={value!r} is not a valid {ptype}") from exc
    raise QueryError(
        f"parameter {name!r} has unknown type {ptype!r}; expected one of {', '.join(PARAM_TYPES)}"
    )


def _expand_iri(value: str) -> str:
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    elif ":" in text and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text):
        prefix, local = text.split(":", 1)
        if prefix in PREFIXES:
            text = PREFIXES[prefix] + local
    if not _IRI_OK.match(text) or not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", text):
        raise ValueError(f"not an absolute IRI: {value!r}")
    return text


def bind_params(query: LibraryQuery, params: Mapping[str, str]) -> dict[str, RdfTerm]:
    """Declared parameters (user values over defaults) as RDF terms; undeclared names are an error.

    A query without a `# params:` header (an ad-hoc query) takes any parameter naming one of its
    variables: `<...>` and known prefixed names (`id:nation/RU`) become IRIs, anything else a string.
    """
    bindings: dict[str, RdfTerm] = {}
    if query.params:
        declared = {p.name: p for p in query.params}
        unknown = sorted(set(params) - set(declared))
        if unknown:
            raise QueryError(
                f"query {query.name or query.path} has no parameter {', '.join(map(repr, unknown))}; "
                f"its parameters are {', '.join(declared)}"
            )
        for param in query.params:
            value = params.get(param.name, param.default)
            if value is not None:
                bindings[param.name] = to_term(value, param.type, param.name)
        return bindings
    for name, value in params.items():
        if not re.search(rf"[?$]{re.escape(name)}\b", query.sparql):
            if query.name:
                raise QueryError(f"query {query.name} takes no parameters (got {name!r})")
            raise QueryError(f"parameter {name!r} is not a variable of the query (no ?{name} in it)")
        is_iri = value.startswith("<") and value.endswith(">")
        is_prefixed = re.match(r"^([a-z]+):\S+$", value) and value.split(":", 1)[0] in PREFIXES
        bindings[name] = to_term(value, "iri" if is_iri or is_prefixed else "string", name)
    return bindings


# ---------------------------------------------------------------- running


def run_query(
    outdir_or_store: Path | str | GraphStore,
    sparql: str,
    params: Mapping[str, str] | None = None,
    *,
    source: str = "<query>",
    allow_service: bool = False,
) -> QueryResult:
    """Run SPARQL text over OUTDIR's store (or an open `GraphStore`), parameters bound as RDF terms."""
    query = parse_query_text(sparql, source)
    return _run(outdir_or_store, query, params or {}, allow_service)


def run_named(
    outdir_or_store: Path | str | GraphStore,
    name: str,
    params: Mapping[str, str] | None = None,
    *,
    allow_service: bool = False,
) -> QueryResult:
    """Run a library query by name."""
    return _run(outdir_or_store, get_query(name), params or {}, allow_service)


def run_library_query(
    outdir_or_store: Path | str | GraphStore,
    query: LibraryQuery,
    params: Mapping[str, str] | None = None,
    *,
    allow_service: bool = False,
) -> QueryResult:
    """Run an already parsed query (library or `.rq` file)."""
    return _run(outdir_or_store, query, params or {}, allow_service)


def run_bounded(
    outdir: Path,
    query: LibraryQuery,
    params: Mapping[str, str] | None = None,
    *,
    limits: Limits | None = None,
    infer: bool = False,
    allow_service: bool = False,
) -> QueryResult:
    """Run a query over OUTDIR in a worker process stopped at `limits` (QueryLimitError then).

    With `infer`, the worker adds the RDFS inferences itself (within the same limits).
    """
    refuse_service(query.sparql, allow=allow_service)
    bind_params(query, params or {})  # bad parameters fail here, before a worker starts
    result: QueryResult = run_query_in_worker(
        Path(outdir),
        query.sparql,
        dict(params or {}),
        source=query.path,
        infer=infer,
        limits=limits or Limits(),
        allow_service=allow_service,
    )
    return result


def _run(
    target: Path | str | GraphStore, query: LibraryQuery, params: Mapping[str, str], allow_service: bool
) -> QueryResult:
    refuse_service(query.sparql, allow=allow_service)
    bindings = bind_params(query, params)
    if isinstance(target, GraphStore):
        return _execute(target, query, bindings)
    with load_store(Path(target)) as store:
        return _execute(store, query, bindings)


def _execute(store: GraphStore, query: LibraryQuery, bindings: dict[str, RdfTerm]) -> QueryResult:
    where = f"query {query.name}" if query.name else "the query"
    if query.path != "<query>":
        where += f" ({query.path})"
    try:
        return store.query(query.sparql, bindings)
    except QueryError as exc:
        text = str(exc)
        match = _SYNTAX.search(text)
        if match:
            line, col, detail = int(match[1]), int(match[2]), " ".join(match[3].split())
            if len(detail) > 300:
                detail = detail[:300] + " …"
            lines = query.sparql.splitlines()
            shown = ""
            if 1 <= line <= len(lines):
                shown = f"\n    {lines[line - 1]}\n    {' ' * (col - 1)}^"
            raise QueryError(
                f"SPARQL syntax error in {where} at line {line}, column {col}: {detail}{shown}"
            ) from exc
        projection = re.search(r"does not contains? variable \?(\w+) in its SELECT projection", text)
        if projection:
            raise QueryError(
                f"parameter {projection[1]!r} of {where} must appear in the SELECT clause "
                f"(add ?{projection[1]} to it): Oxigraph binds parameters by SEP-0007 substitution"
            ) from exc
        raise QueryError(f"{where}: {text}") from exc
