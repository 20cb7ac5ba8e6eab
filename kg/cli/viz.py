"""`kg viz`: re-render graph.html and timeline.html from a built OUTDIR."""

from __future__ import annotations

from pathlib import Path

import click
from rdflib import Graph

from kg.cli.common import handle_errors, warn
from kg.errors import StoreError

GRAPH_FILE = "graph.ttl"


def read_graph(outdir: Path) -> Graph:
    """The union graph of OUTDIR (graph.ttl); the one place to swap for the Oxigraph store."""
    outdir = Path(outdir)
    path = outdir / GRAPH_FILE
    if not outdir.is_dir():
        raise StoreError(
            f"{outdir} is not a directory: expected an OUTDIR written by `kg build`; "
            f"run `kg build ARTICLES -o {outdir}` first"
        )
    if not path.is_file():
        raise StoreError(
            f"{path} not found: expected the graph written by `kg build`; "
            f"run `kg build ARTICLES -o {outdir}` first, or pass the right OUTDIR with -g"
        )
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
        raise StoreError(
            f"{path} is not valid Turtle ({exc}); rebuild it with `kg build ARTICLES -o {outdir}`"
        ) from exc
    return graph


@click.command("viz")
@click.option(
    "-g",
    "--graph",
    "outdir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="OUTDIR written by `kg build` (reads OUTDIR/graph.ttl).",
)
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
@click.option("--title", default=None, help="Page title [default: posture-kg: OUTDIR name].")
@click.option("--timeline/--no-timeline", default=True, show_default=True, help="Also write timeline.html.")
@handle_errors
def viz(
    outdir: Path,
    output: Path | None,
    max_nodes: int | None,
    focus: str | None,
    depth: int,
    title: str | None,
    timeline: bool,
) -> None:
    """Re-render graph.html (and timeline.html) from OUTDIR/graph.ttl; the pages work offline."""
    from kg.project import to_networkx
    from kg.render import write_html
    from kg.timeline import write_timeline

    if depth != 2 and focus is None:
        warn("--depth has no effect without --focus")
    graph = read_graph(outdir)
    g = to_networkx(graph)
    name = title or f"posture-kg: {Path(outdir).resolve().name}"
    target = output or Path(outdir) / "graph.html"
    written = write_html(g, target, title=name, max_nodes=max_nodes, focus=focus, depth=depth)
    click.echo(f"wrote {written} ({g.number_of_nodes()} entities, {g.number_of_edges()} relations in graph)")
    if timeline:
        page = write_timeline(graph, target.parent / "timeline.html", title=f"{name} timeline")
        click.echo(f"wrote {page}")


COMMANDS = [viz]
