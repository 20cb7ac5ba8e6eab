"""`kg export`: write OUTDIR's graph in another format."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import graph_option, handle_errors

FORMATS = ["ttl", "nt", "nq", "trig", "jsonld", "graphml", "gexf", "csv"]


@click.command("export")
@graph_option("OUTDIR written by `kg build`.")
@click.option("-f", "--format", "fmt", required=True, type=click.Choice(FORMATS), help="Output format.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="File to write.")
@handle_errors
def export_command(outdir: Path, fmt: str, output: Path) -> None:
    """Export the graph: RDF (ttl, nt union; nq, trig, jsonld with named graphs), GraphML/GEXF
    (networkx projection) or CSV (one row per quad)."""
    from kg.graph.export import write_export

    path = write_export(outdir, fmt, output)
    click.echo(f"wrote {path}", err=True)


COMMANDS = [export_command]
