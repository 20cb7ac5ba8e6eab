"""`kg ontology`: the ontology as Markdown or HTML documentation, or as its Turtle source."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import handle_errors
from kg.view import ontology_doc


@click.command("ontology")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(ontology_doc.FORMATS),
    default="md",
    show_default=True,
    help="md or html documentation of every class and property, or the ttl source.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE instead of standard output.",
)
@handle_errors
def ontology_command(fmt: str, output: Path | None) -> None:
    """Print or write the posture ontology (classes, properties, labels, comments)."""
    if output is None:
        click.echo(ontology_doc.render(fmt), nl=False)
    else:
        path = ontology_doc.write_documentation(fmt, output)
        click.echo(f"wrote {path}", err=True)


COMMANDS = [ontology_command]
