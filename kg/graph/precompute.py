"""Answers prepared at build time for the library queries that would otherwise recompute them.

Takes a store of a build's union (its default graph); gives N-Triples for the named graph
`id:graph/precomputed` (docs/rdf-model.md, "Precomputed answers"). Each file in
`kg/graph/precompute/` is a query over the union with a header:

    # answers: response-chains          the library query these rows answer
    # class: pk:ResponseChain           (SELECT) the class of one row's node
    # column: responder pk:responder    (SELECT) a variable and the property it becomes

A SELECT's row k becomes `id:precomputed/{answers}/{k}` with `pk:rank k` (the SELECT's
order) and one triple per bound column; a CONSTRUCT's triples are taken as they are. The
graph says `pk:precomputes "{answers}"` of itself; the library query reads the rows when
that statement is there, and computes its answer from the union when it is not (a graph
built before this existed): the same answer either way (tests/test_precompute.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kg.errors import KgError
from kg.graph.results import PREFIXES, Term
from kg.graph.store import GraphStore
from kg.iris import PRECOMPUTED_GRAPH
from kg.vocab import ID

PK = PREFIXES["pk"]
_HEADER = re.compile(r"^#\s*(answers|class|column)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class Precompute:
    """One file of `kg/graph/precompute/`: the rows of one library query's answer."""

    answers: str
    node_class: str
    columns: tuple[tuple[str, str], ...]  # (SELECT variable, property IRI)
    sparql: str
    path: str


def _expand(name: str, source: str) -> str:
    if name.startswith("pk:"):
        return PK + name[3:]
    raise KgError(f"{source}: {name!r} is not a pk: term; write properties and classes as pk:Name")


def parse_precompute(text: str, source: str) -> Precompute:
    """A precompute file's header and query; KgError naming the file when the header is incomplete."""
    answers, node_class, columns = "", "", []
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if match and match[1] == "answers":
            answers = match[2]
        elif match and match[1] == "class":
            node_class = _expand(match[2], source)
        elif match:
            variable, _, prop = match[2].partition(" ")
            columns.append((variable, _expand(prop.strip(), source)))
    if not answers or bool(node_class) != bool(columns):
        raise KgError(f"{source}: needs `# answers:`, and `# class:` with `# column:` lines for a SELECT")
    return Precompute(answers, node_class, tuple(columns), text, source)


def list_precomputes() -> list[Precompute]:
    """The precompute files, sorted by name."""
    folder = Path(str(resources.files("kg.graph") / "precompute"))
    return [parse_precompute(p.read_text(encoding="utf-8"), str(p)) for p in sorted(folder.glob("*.rq"))]


def precomputed_ntriples(union: GraphStore) -> bytes:
    """Every precompute's rows over `union`, as N-Triples for the named graph id:graph/precomputed."""
    lines = []
    precomputes = list_precomputes()
    for answers in dict.fromkeys(pre.answers for pre in precomputes):
        lines.append(f'<{PRECOMPUTED_GRAPH}> <{PK}precomputes> "{answers}" .\n')
    for pre in precomputes:
        lines += _rows(union, pre)
    return "".join(lines).encode("utf-8")


def _rows(union: GraphStore, pre: Precompute) -> list[str]:
    result = union.query(pre.sparql)
    if result.kind == "graph":  # sorted: the same text whatever order the store holds them in
        return sorted({f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in result.triples})
    index = {name: i for i, name in enumerate(result.variables)}
    missing = [variable for variable, _ in pre.columns if variable not in index]
    if missing:
        raise KgError(f"{pre.path}: the SELECT has no variable {', '.join('?' + m for m in missing)}")
    lines = []
    for rank, row in enumerate(dict.fromkeys(result.rows), start=1):  # each row once, in order
        node = f"<{ID}precomputed/{pre.answers}/{rank}>"
        lines.append(f"{node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{pre.node_class}> .\n")
        lines.append(f'{node} <{PK}rank> "{rank}"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
        for variable, prop in pre.columns:
            value: Term | None = row[index[variable]]
            if value is not None and value.type in ("uri", "literal"):
                lines.append(f"{node} <{prop}> {value.n3()} .\n")
    return lines
