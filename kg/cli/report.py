"""`kg report`: the analyst report of a built OUTDIR, one offline page plus CSV files beside it."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import graph_option, handle_errors


@click.command("report")
@graph_option("OUTDIR written by `kg build` (its store is read).")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="HTML file to write [default: OUTDIR/report.html]; the CSV files go beside it.",
)
@click.option("--title", default=None, help="Page title [default: posture-kg report: OUTDIR name].")
@handle_errors
def report_command(outdir: Path, output: Path | None, title: str | None) -> None:
    """Weekly counts, rising activity, co-flying aircraft, response chains and a map, offline."""
    from kg.view.report import write_report

    target = output or Path(outdir) / "report.html"
    click.echo(f"reading {outdir} ...")
    summary = write_report(Path(outdir), target, title=title)
    span = f" over {summary.weeks} weeks" if summary.weeks else ""
    click.echo(
        f"read {summary.events} events ({summary.dated} dated{span}): {summary.flags} rise flags, "
        f"{summary.chains} response chains, {summary.places} places on the map"
    )
    if summary.events == 0:
        click.echo("the graph holds no events: the page says so")
    for path in summary.files:
        click.echo(f"wrote {path}")


COMMANDS = [report_command]
