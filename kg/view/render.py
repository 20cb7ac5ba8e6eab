"""networkx graph → graph.html, one self-contained, offline page (the only module that imports pyvis).

Takes the MultiDiGraph of `kg.graph.project.to_networkx`; writes the page and gives its path.
The page is kg/view/assets/graph.html with the shared asset set (common.css/js), graph.css and
graph.js, and one of two renderers chosen by size:

- up to `sigma_threshold` nodes, vis-network (its JavaScript ships inside the pyvis package and
  is inlined from there, never copied into the repository), with physics polishing the layout up
  to `physics_threshold` nodes;
- above it, sigma.js + graphology in WebGL (vendored bundle in kg/view/assets/vendor/, built by
  web/build-vendor.mjs), on positions computed here.

Article text is untrusted: it goes into the page only as JSON with `<`, `>` and `&` escaped,
and the page builds tooltips and panels with `textContent`, never `innerHTML`; vis' own
`title` tooltips (rendered as HTML) are not used.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KgError
from kg.view.layout import layout
from kg.view.page import asset_text, render_page
from kg.view.pagedata import sigma_data, vis_data
from kg.view.select import FocusError, resolve_focus, select

__all__ = ["RENDERERS", "SIGMA_THRESHOLD", "FocusError", "layout", "resolve_focus", "select", "write_html"]

#: Above this many nodes the page draws with sigma.js (WebGL). Measured with bench/viz.py (see
#: bench/RESULTS.md): from about 1,000 nodes / 5,000 edges on, vis-network takes over 100 ms to
#: highlight a click and over 33 ms per redraw (2,000: 180 ms and 80 ms), where sigma.js stays
#: at 30-40 ms per click.
SIGMA_THRESHOLD = 1000
RENDERERS = ("auto", "vis", "sigma")
_VIS_JS = ("lib", "vis-9.1.2", "vis-network.min.js")
SIGMA_BUNDLE = "vendor/sigma-graphology.min.js"


def vis_network_js() -> str:
    """vis-network from the installed pyvis package, read at render time (never copied to the repo)."""
    resource = resources.files("pyvis").joinpath(*_VIS_JS)
    try:
        text = resource.read_text(encoding="utf-8")
    except OSError as exc:  # pragma: no cover - a broken pyvis install
        raise KgError(
            f"cannot read vis-network from the pyvis package ({resource}): reinstall it with "
            "`pip install --force-reinstall pyvis==0.3.2`"
        ) from exc
    return re.sub(r"//# sourceMappingURL=\S+", "", text)


def choose_renderer(n_nodes: int, renderer: str, sigma_threshold: int) -> str:
    """'vis' or 'sigma' for a graph of n_nodes; `renderer` 'auto' decides by the threshold."""
    if renderer not in RENDERERS:
        raise KgError(f"unknown renderer {renderer!r}: use one of {', '.join(RENDERERS)}")
    if renderer != "auto":
        return renderer
    return "sigma" if n_nodes > sigma_threshold else "vis"


def graph_page(data: dict[str, Any], *, title: str) -> str:
    """The page for page data from kg.view.pagedata (vis or sigma, as data['renderer'] says)."""
    if data["renderer"] == "sigma":
        vendor, generator = asset_text(SIGMA_BUNDLE), "posture-kg (sigma.js + graphology, inlined)"
    else:
        vendor, generator = vis_network_js(), "posture-kg (pyvis + vis-network 9.1.2, inlined)"
    return render_page(
        "graph.html",
        title=title,
        css=["common.css", "graph.css"],
        js=["common.js", f"graph-{data['renderer']}.js", "graph.js"],
        vendor_js=[vendor],
        data=data,
        generator=generator,
    )


def write_html(
    g: nx.MultiDiGraph,
    path: Path,
    *,
    title: str,
    max_nodes: int | None = None,
    focus: str | None = None,
    depth: int = 2,
    physics_threshold: int = 500,
    renderer: str = "auto",
    sigma_threshold: int = SIGMA_THRESHOLD,
) -> Path:
    """Write `g` (from `kg.graph.project.to_networkx`) as one offline HTML page; returns the path.

    Above `physics_threshold` nodes the layout is computed here and physics is off, so the page
    is interactive at once; above `sigma_threshold` (or with renderer='sigma') sigma.js draws it.
    `focus`/`depth` and `max_nodes` choose what to draw. `g` is not changed.
    """
    shown = select(g, max_nodes=max_nodes, focus=focus, depth=depth)
    chosen = choose_renderer(shown.number_of_nodes(), renderer, sigma_threshold)
    data = sigma_data(shown) if chosen == "sigma" else vis_data(shown, physics_threshold)
    data["title"] = title
    data["total"] = {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    page = graph_page(data, title=title)
    from kg.fileio import write_atomic  # a crash mid-write leaves the previous page intact

    return write_atomic(Path(path), page)
