"""`kg validate`: check a built graph against the SHACL shapes of the ontology."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import graph_option, handle_errors
from kg.errors import InputError
from kg.graph.validate import ValidationReport, read_graph_for_validation, validate_graph


@click.command("validate")
@graph_option("The OUTDIR a `kg build ... -o OUTDIR` wrote (its store, else its graph.ttl, is checked).")
@click.option(
    "--engine",
    type=click.Choice(["pyshacl", "sparql"]),
    default="pyshacl",
    show_default=True,
    help="pyshacl (the reference SHACL engine), or sparql: the shapes compiled to SPARQL queries "
    "on the store, as `kg build` checks; same report, seconds instead of minutes on large graphs.",
)
@handle_errors
def validate_command(outdir: Path, engine: str) -> None:
    """Check OUTDIR's graph against ontology/shapes.ttl; exit 0 when it conforms, 1 otherwise."""
    if engine == "sparql":
        report = _sparql_report(outdir)
    else:
        report = validate_graph(read_graph_for_validation(outdir), private=True)  # read for this alone
    for line in report.lines():
        click.echo(line)
    if not report.conforms:
        click.echo(f"{len(report.violations)} violation(s) in {outdir}", err=True)
        raise SystemExit(1)


def _sparql_report(outdir: Path) -> ValidationReport:
    from kg.graph.shapecheck import UnsupportedShape, check_graph, check_store
    from kg.graph.store import has_store, open_store

    try:
        if has_store(outdir):
            with open_store(outdir) as store:
                return check_store(store)
        return check_graph(read_graph_for_validation(outdir))
    except UnsupportedShape as exc:
        raise InputError(f"{exc}; use --engine pyshacl") from exc


COMMANDS = [validate_command]
