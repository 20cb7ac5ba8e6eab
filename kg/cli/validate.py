"""`kg validate`: check a built graph against the SHACL shapes of the ontology."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import graph_option, handle_errors
from kg.validate import read_graph_for_validation, validate_graph


@click.command("validate")
@graph_option("The OUTDIR a `kg build ... -o OUTDIR` wrote (its graph.ttl is checked).")
@handle_errors
def validate_command(outdir: Path) -> None:
    """Check OUTDIR's graph against ontology/shapes.ttl; exit 0 when it conforms, 1 otherwise."""
    report = validate_graph(read_graph_for_validation(outdir))
    for line in report.lines():
        click.echo(line)
    if not report.conforms:
        click.echo(f"{len(report.violations)} violation(s) in {outdir}", err=True)
        raise SystemExit(1)


COMMANDS = [validate_command]
