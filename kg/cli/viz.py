"""`kg viz`: re-render graph.html and timeline.html from a built OUTDIR."""

from __future__ import annotations

from pathlib import Path

import click
from rdflib import Graph

from kg.cli.common import graph_option, handle_errors, warn

GRAPH_FILE = "graph.ttl"


def read_graph(outdir: Path) -> Graph:
    """The union graph of OUTDIR: its Oxigraph store when present, else graph.trig, else graph.ttl."""
    from kg.graph.store import read_union_graph

    return read_union_graph(Path(outdir))


@click.command("viz")
@graph_option("OUTDIR written by `kg build` (reads OUTDIR/graph.ttl).")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="HTML file to write [default: OUTDIR/graph.html]; timeline.html goes beside it.",
)
@click.option(
    "--max-nodes", type=click.IntRange(min=1), default=None, help="Keep the N best-linked entities."
)
@click.option(
    "--focus", default=None, metavar="NAME", help="Draw only this entity's neighbourhood (label or IRI)."
)
@click.option(
    "--depth", type=click.IntRange(min=0), default=2, show_default=True, help="Hops around --focus."
)
@click.option(
    "--renderer",
    type=click.Choice(["auto", "vis", "sigma"]),
    default="auto",
    show_default=True,
    help="vis-network (shapes, physics) or sigma.js (WebGL, for big graphs); auto picks sigma above "
    "1,000 entities.",
)
@click.option("--title", default=None, help="Page title [default: posture-kg: OUTDIR name].")
@click.option("--timeline/--no-timeline", default=True, show_default=True, help="Also write timeline.html.")
@handle_errors
def viz(
    outdir: Path,
    output: Path | None,
    max_nodes: int | None,
    focus: str | None,
    depth: int,
    renderer: str,
    title: str | None,
    timeline: bool,
) -> None:
    """Re-render graph.html (and timeline.html) from OUTDIR/graph.ttl; the pages work offline."""
    from kg.graph.project import to_networkx
    from kg.view.render import write_html
    from kg.view.timeline import write_timeline

    if depth != 2 and focus is None:
        warn("--depth has no effect without --focus")
    graph = read_graph(outdir)
    g = to_networkx(graph)
    name = title or f"posture-kg: {Path(outdir).resolve().name}"
    target = output or Path(outdir) / "graph.html"
    written = write_html(
        g, target, title=name, max_nodes=max_nodes, focus=focus, depth=depth, renderer=renderer
    )
    click.echo(f"wrote {written} ({g.number_of_nodes()} entities, {g.number_of_edges()} relations in graph)")
    if timeline:
        page = write_timeline(graph, target.parent / "timeline.html", title=f"{name} timeline")
        click.echo(f"wrote {page}")


COMMANDS = [viz]
