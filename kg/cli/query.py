"""`kg query`: run SPARQL (text, a .rq file, or a library query by name) over OUTDIR's graph."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.common import graph_option, handle_errors, limit_options
from kg.errors import QueryError

FORMAT_CHOICES = ["table", "csv", "tsv", "json", "ttl"]


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param {pair!r}: expected KEY=VALUE, e.g. --param sea='Barents Sea'")
        params[key.strip()] = value
    return params


def _list_text() -> str:
    from kg.graph.query import list_queries

    lines = []
    for q in list_queries():
        lines.append(q.name)
        lines.append(f"    {q.answers}")
        for p in q.params:
            default = "unbound" if p.default is None else '"' + p.default + '"'
            lines.append(f"    --param {p.name} ({p.type}, default {default}): {p.description}".rstrip(": "))
    return "\n".join(lines) + "\n"


@click.command("query")
@click.argument("query", required=False)
@graph_option("OUTDIR written by `kg build` (its store/, else graph.trig, else graph.ttl).", required=False)
@click.option("-n", "--name", help="Run a query of the library by name (see --list).")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="Bind a query parameter.")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMAT_CHOICES),
    help="Output format [default: table on a terminal, else csv; ttl for CONSTRUCT/DESCRIBE].",
)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE.")
@click.option("--list", "list_", is_flag=True, help="List the library's queries and their parameters.")
@click.option(
    "--infer",
    is_flag=True,
    help="Query with RDFS inferences added (subclasses, sub-properties): `?x a pk:Aircraft` finds Bombers.",
)
@limit_options(
    60.0,
    timeout_help="Stop the query after this many seconds.",
    memory_help="Stop the query when it holds more memory than this (MiB).",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Run SERVICE clauses (federated queries: this machine then fetches the URLs they name).",
)
@handle_errors
def query_command(
    query: str | None,
    outdir: Path | None,
    name: str | None,
    params: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    list_: bool,
    infer: bool,
    timeout_s: float,
    max_memory_mb: int,
    allow_service: bool,
) -> None:
    """Run QUERY (SPARQL text or a .rq file) or a library query (--name) over a built graph.

    The default graph is the union of all named graphs. Parameters are bound as RDF
    terms, never pasted into the query: `kg query -g out --name events-in-sea --param sea="Barents Sea"`.
    The query runs in a worker process that is stopped at --timeout-s or --max-memory-mb.
    """
    from kg.graph.query import get_query, parse_query_text, read_query_file, run_bounded
    from kg.graph.results import to_text
    from kg.graph.worker import Limits

    if list_:
        click.echo(_list_text(), nl=False)
        return
    if name and query:
        raise QueryError("give either QUERY (text or .rq file) or --name NAME, not both")
    if not name and not query:
        raise QueryError("give a SPARQL query (text or a .rq file) or --name NAME; see `kg query --list`")
    if outdir is None:
        raise QueryError("which graph? pass -g OUTDIR (the folder `kg build` wrote)")
    bound = _parse_params(params)
    if name:
        parsed = get_query(name)
    elif query is not None and (query.endswith(".rq") or Path(query).is_file()) and "{" not in query:
        parsed = read_query_file(Path(query))
    else:
        parsed = parse_query_text(str(query))
    limits = Limits(timeout_s=timeout_s, max_memory_mb=max_memory_mb)
    result = run_bounded(outdir, parsed, bound, limits=limits, infer=infer, allow_service=allow_service)
    if fmt is None:
        if result.kind == "graph":
            fmt = "ttl"
        else:
            fmt = "table" if output is None and sys.stdout.isatty() else "csv"
    text = to_text(result, fmt)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"cannot write {output}: {exc.strerror or exc}") from exc
        return
    click.echo(text, nl=False)


COMMANDS = [query_command]
