"""networkx graph → one self-contained, offline HTML page (the only module that imports pyvis).

pyvis assembles the vis-network nodes, edges and options; the page itself comes from our own
template, because pyvis' template loads Bootstrap and vis from CDNs and, by default, copies a
`lib/` folder into the current directory. vis-network's JavaScript (shipped inside pyvis) is
inlined, so the file opens with no network at all; a Content-Security-Policy with the hashes of
our two scripts forbids every other script and every network fetch.

Article text is untrusted: it goes into the page only as JSON with `<`, `>` and `&` escaped,
and the page builds tooltips and panels with `textContent`, never `innerHTML`; vis' own
`title` tooltips (rendered as HTML) are not used.
"""

from __future__ import annotations

import base64
import colorsys
import difflib
import hashlib
import html
import json
import math
import re
from collections import Counter, deque
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from kg.errors import KgError

#: Shape and base colour per core entity class; subclasses get shades of the base colour.
KIND_STYLE: dict[str, tuple[str, str]] = {
    "Nation": ("dot", "#4e79a7"),
    "Alliance": ("hexagon", "#59a14f"),
    "Aircraft": ("triangle", "#e15759"),
    "WeaponSystem": ("diamond", "#f28e2b"),
    "Base": ("square", "#76b7b2"),
    "Sea": ("triangleDown", "#2f6db5"),
    "Location": ("star", "#9c755f"),
}
_OTHER_STYLE = ("dot", "#8c8c8c")
#: Colour per edge predicate; facts are dashed and grey.
PREDICATE_COLOUR: dict[str, str] = {
    "intercepted": "#d62728",
    "escorted": "#ff7f0e",
    "deployedTo": "#2ca02c",
    "respondedTo": "#9467bd",
    "operatedBy": "#a0a0a0",
    "memberOf": "#b8b8b8",
}
_VIS_JS = ("lib", "vis-9.1.2", "vis-network.min.js")


class FocusError(KgError):
    """The entity asked for with `--focus` is not in the graph."""


def script_json(value: object) -> str:
    """JSON safe inside a <script> element: no `<`, `>` or `&` survive, so `</script>` cannot."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def content_security_policy(*scripts: str) -> str:
    """A CSP allowing only these inline scripts (by hash): no remote loads, no injected handlers."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
        for s in scripts
    )
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
        "font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )


def fill_template(template: str, values: dict[str, str]) -> str:
    """Substitute `@@NAME@@` slots in one pass, so text inside a value is never re-substituted."""
    return re.sub(r"@@([A-Z_]+)@@", lambda m: values[m.group(1)], template)


def _vis_network_js() -> str:
    """vis-network from the installed pyvis package, read at render time (never copied to the repo)."""
    resource = resources.files("pyvis").joinpath(*_VIS_JS)
    try:
        text = resource.read_text(encoding="utf-8")
    except OSError as exc:  # pragma: no cover - a broken pyvis install
        raise KgError(
            f"cannot read vis-network from the pyvis package ({resource}): reinstall it with "
            "`pip install --force-reinstall pyvis==0.3.2`"
        ) from exc
    text = re.sub(r"//# sourceMappingURL=\S+", "", text)
    return text.replace("</script", "<\\/script")


def _shade(hex_colour: str, index: int) -> str:
    """The index-th variant of a colour (lighter, darker, alternating) for subclasses."""
    if index == 0:
        return hex_colour
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    step = (index + 1) // 2 * 0.11 * (1 if index % 2 else -1)
    hue = (h + 0.03 * index) % 1.0
    lightness = min(0.82, max(0.22, lightness + step))
    r, g, b = colorsys.hls_to_rgb(hue, lightness, s)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _kind_rank(kind: str) -> tuple[int, str]:
    order = list(KIND_STYLE)
    return (order.index(kind) if kind in order else len(order), kind)


def _class_styles(g: nx.MultiDiGraph) -> dict[str, dict[str, str]]:
    """cls → {kind, shape, colour}: the kind's colour for the kind itself, shades for subclasses."""
    by_kind: dict[str, set[str]] = {}
    for _, data in g.nodes(data=True):
        kind = str(data.get("kind", "")) or "Other"
        by_kind.setdefault(kind, set()).add(str(data.get("cls", "")) or kind)
    styles: dict[str, dict[str, str]] = {}
    for kind, classes in sorted(by_kind.items()):
        shape, colour = KIND_STYLE.get(kind, _OTHER_STYLE)
        ordered = sorted(classes, key=lambda c: (c != kind, c))
        offset = 0 if kind in classes else 1
        for i, cls in enumerate(ordered):
            styles[cls] = {"kind": kind, "shape": shape, "colour": _shade(colour, i + offset)}
    return styles


# ---------------------------------------------------------------- selection


def _candidates(g: nx.MultiDiGraph) -> dict[str, set[str]]:
    """Lower-cased label, alias and IRI → node ids, for --focus."""
    names: dict[str, set[str]] = {}
    for node, data in g.nodes(data=True):
        keys = [str(node), str(data.get("label", ""))]
        keys += [a.strip() for a in str(data.get("aliases", "")).split(";")]
        for key in keys:
            if key:
                names.setdefault(key.casefold(), set()).add(node)
    return names


def resolve_focus(g: nx.MultiDiGraph, focus: str) -> list[str]:
    """Node ids named by a label, alias or IRI (case-insensitive); FocusError with close matches."""
    if focus in g:
        return [focus]
    want = focus.strip().casefold()
    labels = {
        str(d.get("label", "")).casefold(): n for n, d in sorted(g.nodes(data=True), key=lambda x: x[0])
    }
    if want in labels:
        return [labels[want]]
    names = _candidates(g)
    if want in names:
        return sorted(names[want])
    shown = {str(d.get("label", n)) for n, d in g.nodes(data=True)}
    close = difflib.get_close_matches(focus, sorted(shown), n=5, cutoff=0.5)
    close += sorted(s for s in shown if want and want in s.casefold() and s not in close)[: 5 - len(close)]
    hint = f"close matches: {', '.join(repr(c) for c in close)}" if close else "no close matches"
    raise FocusError(
        f"focus entity {focus!r} is not in the graph ({g.number_of_nodes()} entities); {hint}. "
        "Pass an entity label, alias or IRI as it appears in the graph, e.g. --focus 'Russia'."
    )


def _neighbourhood(g: nx.MultiDiGraph, seeds: Iterable[str], depth: int) -> set[str]:
    """Nodes within `depth` hops of the seeds, ignoring edge direction."""
    seen = set(seeds)
    queue = deque((s, 0) for s in sorted(seen))
    while queue:
        node, dist = queue.popleft()
        if dist >= depth:
            continue
        for nb in sorted(set(g.successors(node)) | set(g.predecessors(node))):
            if nb not in seen:
                seen.add(nb)
                queue.append((nb, dist + 1))
    return seen


def select(
    g: nx.MultiDiGraph, *, max_nodes: int | None = None, focus: str | None = None, depth: int = 2
) -> nx.MultiDiGraph:
    """The part of `g` to draw: `focus`'s neighbourhood, then the top `max_nodes` by degree (a view)."""
    keep: set[str] = set(g.nodes)
    pinned: set[str] = set()
    if focus is not None:
        if depth < 0:
            raise KgError(f"--depth must be 0 or more, got {depth}")
        pinned = set(resolve_focus(g, focus))
        keep = _neighbourhood(g, pinned, depth)
    if max_nodes is not None:
        if max_nodes < 1:
            raise KgError(f"--max-nodes must be 1 or more, got {max_nodes}")
        if len(keep) > max_nodes:
            sub = g.subgraph(keep)
            ranked = sorted(keep, key=lambda n: (n not in pinned, -sub.degree(n), n))
            keep = set(ranked[:max_nodes])
    return g.subgraph(keep) if len(keep) < g.number_of_nodes() else g


# ---------------------------------------------------------------- layout


def edge_px(n: int) -> float:
    """Typical drawn edge length: long enough for labels in small graphs, short enough that
    thousands of nodes still fit a screen when zoomed out."""
    return max(60.0, 220.0 - 16.0 * math.log2(max(n, 2)))


def _force_layout(n: int, src: np.ndarray, dst: np.ndarray, seed: int, iterations: int) -> np.ndarray:
    """ForceAtlas2-style forces in numpy: degree-weighted repulsion (sampled above 600 nodes),
    linear attraction, degree-weighted gravity. Hubs get room instead of collapsing the core,
    which plain Fruchterman-Reingold does on news graphs (a few nations and bombers everywhere)."""
    rng = np.random.default_rng(seed)
    mass = 1.0 + np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)
    spread = math.sqrt(n) * 4.0
    pos = rng.uniform(-spread, spread, size=(n, 2))
    sample = min(n, 600 if n <= 2000 else 400)
    repulsion, gravity = 2.0, 1.0
    for it in range(iterations):
        others = np.arange(n) if sample == n else rng.choice(n, size=sample, replace=False)
        xs, ys = pos[:, 0], pos[:, 1]
        sx, sy, sm = xs[others], ys[others], mass[others]
        dx = np.subtract.outer(xs, sx)
        dy = np.subtract.outer(ys, sy)
        dx *= dx
        dy *= dy
        dx += dy
        np.maximum(dx, 1e-2, out=dx)
        inv = np.reciprocal(dx, out=dx)
        inv *= sm  # m_j / d² for every (node, sampled node) pair
        weight = inv.sum(axis=1)
        # sum_j m_j (p_i - p_j) / d² = p_i · sum_j m_j/d² - sum_j m_j p_j / d²  (two matrix-vector products)
        disp = np.empty_like(pos)
        disp[:, 0] = xs * weight - inv @ sx
        disp[:, 1] = ys * weight - inv @ sy
        disp *= (repulsion * n / sample) * mass[:, None]
        if len(src):
            d = pos[src] - pos[dst]
            for axis in (0, 1):  # linear attraction; bincount: np.add.at is ten times slower
                disp[:, axis] += np.bincount(dst, d[:, axis], n) - np.bincount(src, d[:, axis], n)
        norm = np.maximum(np.sqrt((pos**2).sum(axis=1)), 1e-9)
        disp -= pos * (gravity * mass / norm)[:, None]
        # cap each step: a share of the drawing's radius, cooling linearly
        radius = float(np.percentile(norm, 90)) or 1.0
        cap = radius * 0.08 * (1.0 - it / iterations) + 1e-3
        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-9)
        pos += disp * (np.minimum(length, cap) / length)[:, None]
    return pos


def layout(g: nx.MultiDiGraph, *, seed: int = 7, iterations: int = 60) -> dict[str, tuple[float, float]]:
    """Deterministic force-directed positions in px; isolated entities go on a grid below.

    networkx's spring_layout needs scipy from 500 nodes up and is quadratic; this stays
    O(n·400 + m) per iteration, so 5,000 nodes / 15,000 edges lay out in about two seconds.
    """
    nodes = sorted(g.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({(min(index[u], index[v]), max(index[u], index[v])) for u, v in g.edges() if u != v})
    linked = sorted({i for pair in pairs for i in pair})
    linked_set = set(linked)
    isolated = [i for i in range(len(nodes)) if i not in linked_set]
    step = edge_px(len(nodes))
    out: dict[str, tuple[float, float]] = {}
    bottom, left, width = 0.0, 0.0, step * 10
    if linked:
        local = {old: new for new, old in enumerate(linked)}
        src = np.array([local[p[0]] for p in pairs], dtype=np.int64)
        dst = np.array([local[p[1]] for p in pairs], dtype=np.int64)
        pos = _force_layout(len(linked), src, dst, seed, iterations)
        pos -= pos.mean(axis=0)
        typical = float(np.median(np.sqrt(((pos[src] - pos[dst]) ** 2).sum(axis=1)))) or 1.0
        # a typical edge edge_px(n) long, unless that packs nodes tighter than 30 px apart
        # (dense, small-world graphs have long edges whatever the layout)
        probe = pos[np.random.default_rng(seed).permutation(len(pos))[:500]]
        gaps = np.sqrt(((probe[:, None, :] - pos[None, :, :]) ** 2).sum(axis=2))
        gaps.sort(axis=1)
        spacing = float(np.median(gaps[:, 1])) if len(pos) > 1 else typical
        pos *= max(step / typical, 30.0 / (spacing or 1.0))
        for i, (x, y) in zip(linked, pos, strict=True):
            out[nodes[i]] = (round(float(x), 1), round(float(y), 1))
        bottom = float(pos[:, 1].max()) + 2 * step
        left, right = float(pos[:, 0].min()), float(pos[:, 0].max())
        width = max(right - left, step * 4)
    per_row = max(int(width // step) + 1, math.ceil(math.sqrt(len(isolated))))
    for k, i in enumerate(isolated):
        row, col = divmod(k, per_row)
        out[nodes[i]] = (round(left + col * step, 1), round(bottom + row * step, 1))
    return out


# ---------------------------------------------------------------- page data


def _split(value: object, sep: str = "; ") -> list[str]:
    return [part for part in str(value or "").split(sep) if part]


def _options(n: int, big: bool, styles: dict[str, dict[str, str]]) -> dict[str, Any]:
    """vis options; big graphs: no physics, straight edges, arrows and edge labels drawn only when
    highlighted (arrow heads and labels of 15,000 edges cost most of a frame in software rendering)."""
    groups = {
        cls: {
            "shape": st["shape"],
            "color": {
                "background": st["colour"],
                "border": st["colour"],
                "highlight": {"background": st["colour"], "border": "#111111"},
                "hover": {"background": st["colour"], "border": "#111111"},
            },
        }
        for cls, st in styles.items()
    }
    return {
        "groups": groups,
        "nodes": {
            "borderWidth": 1,
            "borderWidthSelected": 3,
            "font": {"size": 14, "color": "#222222", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"label": {"drawThreshold": 3}},
        },
        "edges": {
            "arrows": {"to": {"enabled": not big, "scaleFactor": 0.5}},
            "font": {"size": 10, "color": "#555555", "strokeWidth": 3, "align": "middle"},
            # "dynamic" smoothing adds a physics body per edge: 20 s to stabilise 500 nodes
            "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "selectionWidth": 2,
            "width": 1,
        },
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "physics": (
            {"enabled": False}
            if big
            else {
                "enabled": True,
                "solver": "barnesHut",
                "barnesHut": {
                    "gravitationalConstant": -4000,
                    "springLength": round(edge_px(n)),
                    "avoidOverlap": 0.1,
                },
                # the layout computed here is the starting point, so a short polish suffices
                "stabilization": {
                    "enabled": True,
                    "iterations": max(50, min(200, 30000 // max(n, 1))),
                    "fit": True,
                },
            }
        ),
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
            "keyboard": False,
        },
    }


def _network_data(g: nx.MultiDiGraph, physics_threshold: int) -> dict[str, Any]:
    """Assemble nodes, edges and options with pyvis' Network, the renderer of record."""
    from pyvis.network import Network  # the only pyvis import in posture-kg

    big = g.number_of_nodes() > physics_threshold
    styles = _class_styles(g)
    degree = dict(g.degree())
    top = max(degree.values(), default=0) or 1
    positions = layout(g, iterations=40 if big else 60)

    net = Network(directed=True, cdn_resources="remote", height="100%", width="100%")
    for node in sorted(g.nodes):
        data = g.nodes[node]
        kind = str(data.get("kind", "")) or "Other"
        cls = str(data.get("cls", "")) or kind
        x, y = positions[node]
        net.add_node(
            node,
            label=str(data.get("label", "")) or node,
            shape=styles[cls]["shape"],
            group=cls,
            size=round(9 + 26 * math.sqrt(degree[node] / top), 1),
            x=x,
            y=y,
            kind=kind,
            cls=cls,
            iri=str(data.get("iri", node)),
            aliases=_split(data.get("aliases")),
            operators=_split(data.get("operators")),
            wikidata=str(data.get("wikidata", "")),
            iso2=str(data.get("iso2", "")),
            mentions=int(data.get("mentions", 0) or 0),
            degree=degree[node],
        )
    edges = sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], str(e[2]), e[1]))
    parallel: Counter[tuple[str, str]] = Counter()
    for i, (u, v, key, data) in enumerate(edges):
        predicate = str(data.get("predicate", key))
        kind = str(data.get("kind", "relation"))
        events = int(data.get("events", 0) or 0)
        pair = (min(u, v), max(u, v))
        nth = parallel[pair]
        parallel[pair] += 1
        extra: dict[str, Any] = {}
        if nth:  # bend the 2nd, 3rd... edge between the same two nodes so none hides another
            bend = "curvedCW" if (nth % 2) == (u < v) else "curvedCCW"
            extra["smooth"] = {"enabled": True, "type": bend, "roundness": 0.25 * ((nth + 1) // 2)}
        if not big:
            extra["label"] = predicate
        net.add_edge(
            u,
            v,
            id=f"e{i}",
            # 15,000 edge labels cost seconds per frame: big graphs label the highlighted edges only
            **extra,
            color=PREDICATE_COLOUR.get(predicate, "#777777"),
            width=round(1 + math.log2(1 + events), 2) if kind == "relation" else 1,
            dashes=kind == "fact",
            predicate=predicate,
            kind=kind,
            events=events,
            dates=_split(data.get("dates")),
            confidence=round(float(data.get("confidence", 0.0) or 0.0), 3),
            evidence=_split(data.get("evidence"), "\n"),
            articles=_split(data.get("articles")),
            places=_split(data.get("places")),
        )
    net.options = _options(g.number_of_nodes(), big, styles)
    nodes, edge_items, _heading, _h, _w, options_json = net.get_network_data()
    for item in edge_items:
        item.pop("arrows", None)  # pyvis sets arrows per edge; the global option decides

    kinds: dict[str, dict[str, Any]] = {}
    class_count = Counter(str(n.get("cls")) for n in nodes)
    for cls, st in sorted(styles.items(), key=lambda item: (_kind_rank(item[1]["kind"]), item[0])):
        entry = kinds.setdefault(
            st["kind"],
            {
                "kind": st["kind"],
                "shape": st["shape"],
                "colour": KIND_STYLE.get(st["kind"], _OTHER_STYLE)[1],
                "count": 0,
                "classes": [],
            },
        )
        entry["count"] += class_count[cls]
        entry["classes"].append({"cls": cls, "colour": st["colour"], "count": class_count[cls]})
    pred_count = Counter(str(e["predicate"]) for e in edge_items)
    order = list(PREDICATE_COLOUR)
    predicates = [
        {"predicate": p, "colour": PREDICATE_COLOUR.get(p, "#777777"), "count": c}
        for p, c in sorted(
            pred_count.items(), key=lambda pc: (order.index(pc[0]) if pc[0] in order else 99, pc[0])
        )
    ]
    dates = sorted(d for e in edge_items for d in e["dates"])
    return {
        "nodes": nodes,
        "edges": edge_items,
        "options": json.loads(options_json),
        "physics": not big,
        "kinds": list(kinds.values()),
        "predicates": predicates,
        "dateRange": [dates[0], dates[-1]] if dates else ["", ""],
    }


def write_html(
    g: nx.MultiDiGraph,
    path: Path,
    *,
    title: str,
    max_nodes: int | None = None,
    focus: str | None = None,
    depth: int = 2,
    physics_threshold: int = 500,
) -> Path:
    """Write `g` (from `kg.graph.project.to_networkx`) as one offline HTML page; returns the path.

    Above `physics_threshold` nodes the layout is computed here and physics is off, so the page
    is interactive at once; `focus`/`depth` and `max_nodes` choose what to draw. `g` is not changed.
    """
    shown = select(g, max_nodes=max_nodes, focus=focus, depth=depth)
    data = _network_data(shown, physics_threshold)
    data["title"] = title
    data["total"] = {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    vis_js = _vis_network_js()
    page = fill_template(
        _TEMPLATE,
        {
            "CSP": html.escape(content_security_policy(vis_js, _APP_JS), quote=False),
            "TITLE": html.escape(title),
            "STYLE": _STYLE,
            "VIS_JS": vis_js,
            "DATA": script_json(data),
            "APP_JS": _APP_JS,
        },
    )
    path = Path(path)
    from kg.fileio import write_atomic  # a crash mid-write leaves the previous page intact

    return write_atomic(path, page)


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="@@CSP@@">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="posture-kg (pyvis + vis-network 9.1.2, inlined)">
<title>@@TITLE@@</title>
<style>@@STYLE@@</style>
</head>
<body>
<header>
  <h1>@@TITLE@@</h1>
  <form id="search-form" autocomplete="off">
    <input id="search" type="search" list="kg-labels" placeholder="Find an entity\u2026" aria-label="Find an entity">
    <datalist id="kg-labels"></datalist>
    <button type="submit" id="search-go">Find</button>
  </form>
  <button type="button" id="fit">Fit</button>
  <span id="message" role="status"></span>
  <span id="counts"></span>
</header>
<main>
  <aside>
    <section><h2>Entity types</h2><div id="kinds"></div></section>
    <section><h2>Relations</h2><div id="predicates"></div></section>
    <section><h2>Dates</h2>
      <label class="row">From <input type="date" id="date-from"></label>
      <label class="row">To <input type="date" id="date-to"></label>
      <label class="row"><input type="checkbox" id="undated" checked> undated relations</label>
      <button type="button" id="reset">Reset filters</button>
    </section>
    <section><h2>Details</h2><div id="details"><p class="hint">Click an entity or a relation.</p></div></section>
  </aside>
  <div id="network"></div>
</main>
<div id="tip" role="tooltip" hidden></div>
<script id="kg-data" type="application/json">@@DATA@@</script>
<script>@@VIS_JS@@</script>
<script>@@APP_JS@@</script>
</body>
</html>
"""  # noqa: E501

_STYLE = """
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto,
  "DejaVu Sans", sans-serif; color: #222; background: #fff; }
body { display: flex; flex-direction: column; }
header { display: flex; align-items: center; gap: 10px; padding: 8px 14px; border-bottom: 1px solid #ddd;
  background: #f7f7f9; flex-wrap: wrap; }
header h1 { font-size: 16px; margin: 0 10px 0 0; font-weight: 600; }
header form { display: flex; gap: 4px; }
#search { width: 260px; padding: 4px 8px; border: 1px solid #bbb; border-radius: 4px; font: inherit; }
button { font: inherit; padding: 3px 10px; border: 1px solid #aaa; border-radius: 4px; background: #fff;
  cursor: pointer; }
button:hover { background: #eef; }
#message { color: #a33; }
#counts { margin-left: auto; color: #555; font-size: 13px; }
main { flex: 1; display: flex; min-height: 0; }
aside { width: 300px; flex: none; overflow-y: auto; border-right: 1px solid #ddd; padding: 6px 12px;
  background: #fcfcfd; }
aside h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: #666; margin: 12px 0 4px; }
.row { display: flex; align-items: center; gap: 6px; margin: 3px 0; }
.row input[type=date] { margin-left: auto; font: inherit; }
.count { color: #777; font-size: 12px; margin-left: auto; }
.glyph { display: inline-block; width: 16px; text-align: center; font-size: 14px; line-height: 1; }
.classes { margin: 0 0 4px 24px; font-size: 12px; color: #444; }
.classes span.cls { margin-right: 8px; white-space: nowrap; }
.swatch { display: inline-block; width: 18px; height: 0; border-top: 3px solid; vertical-align: middle; }
.swatch.dashed { border-top-style: dashed; }
#network { flex: 1; min-width: 0; position: relative; }
#tip { position: fixed; z-index: 10; max-width: 420px; background: #fffffe; border: 1px solid #999;
  border-radius: 4px; box-shadow: 0 2px 8px rgba(0,0,0,.2); padding: 8px 10px; font-size: 13px;
  pointer-events: none; white-space: normal; overflow-wrap: anywhere; }
.tip-title { font-weight: 600; margin-bottom: 4px; }
dl.kv { display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; margin: 0; }
dl.kv dt { color: #666; }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
blockquote.evidence { margin: 4px 0; padding: 2px 8px; border-left: 3px solid #ccc; color: #333;
  font-style: italic; overflow-wrap: anywhere; }
.hint { color: #777; }
.more { color: #777; font-size: 12px; }
#details a { color: #1a5fb4; }
"""  # noqa: E501

_APP_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  var GLYPH = {dot: "\u25cf", hexagon: "\u2b22", triangle: "\u25b2", diamond: "\u25c6", square: "\u25a0",
    triangleDown: "\u25bc", star: "\u2605"};
  var FADE = "rgba(255,255,255,0.78)";

  var nodeById = {}, edgeById = {}, incident = {};
  data.nodes.forEach(function (n) { nodeById[n.id] = n; incident[n.id] = []; });
  data.edges.forEach(function (e) {
    edgeById[e.id] = e; incident[e.from].push(e.id); if (e.to !== e.from) incident[e.to].push(e.id);
  });

  // filters work through DataViews: vis adds and removes only what changed, which is several
  // times cheaper than updating a `hidden` flag on thousands of items
  var hiddenN = new Set(), hiddenE = new Set();
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var nodesView = new vis.DataView(nodes, {filter: function (n) { return !hiddenN.has(n.id); }});
  var edgesView = new vis.DataView(edges, {filter: function (e) { return !hiddenE.has(e.id); }});
  var network = new vis.Network($("network"), {nodes: nodesView, edges: edgesView}, data.options);
  if (!data.physics) network.fit({animation: false});
  var kg = window.kg = {network: network, nodes: nodes, edges: edges, ready: false, focused: null,
    highlighted: null, neighbourhood: null, nodesView: nodesView, edgesView: edgesView, data: data};
  network.once("afterDrawing", function () {
    kg.ready = true; window.__kgReady = performance.now(); document.body.setAttribute("data-ready", "1");
  });
  if (data.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      network.storePositions();  // so nodes shown again by a filter come back where they were
    });
  }
  network.on("dragEnd", function (p) {  // keep dragged nodes where they were dropped across filters
    if (!p.nodes.length) return;
    var at = network.getPositions(p.nodes);
    nodes.update(p.nodes.map(function (id) { return {id: id, x: at[id].x, y: at[id].y}; }));
  });

  // ---------------------------------------------------------------- tooltips and details
  function kv(dl, key, value) {
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el("dt", null, key));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = Array.isArray(value) ? value.join("; ") : String(value);
    dl.appendChild(dd);
  }
  function link(url) {
    if (!/^https?:\/\//i.test(url)) return url;
    var a = el("a", null, url); a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer"; return a;
  }
  function nodeContent(n, full) {
    var box = el("div");
    box.appendChild(el("div", "tip-title", n.label));
    var dl = el("dl", "kv");
    kv(dl, "Type", n.cls === n.kind ? n.kind : n.cls + " (" + n.kind + ")");
    kv(dl, "Aliases", n.aliases);
    kv(dl, n.operators.length > 1 ? "Operators" : "Operator", n.operators);
    kv(dl, "ISO", n.iso2);
    kv(dl, "Wikidata", n.wikidata ? (full ? link(n.wikidata) : n.wikidata) : "");
    kv(dl, "Mentions", n.mentions + (n.mentions === 1 ? " article" : " articles"));
    kv(dl, "Links", n.degree);
    if (full) kv(dl, "IRI", n.iri);
    box.appendChild(dl);
    return box;
  }
  function edgeContent(e, full) {
    var box = el("div");
    var from = nodeById[e.from], to = nodeById[e.to];
    box.appendChild(el("div", "tip-title", from.label + " " + e.predicate + " " + to.label));
    var dl = el("dl", "kv");
    if (e.kind === "fact") kv(dl, "Kind", "fact (reference data)");
    else {
      kv(dl, "Events", e.events);
      kv(dl, "Dates", e.dates);
      kv(dl, "Places", e.places);
      kv(dl, "Confidence", e.confidence ? e.confidence.toFixed(2) : "");
      kv(dl, "Sources", e.articles);
    }
    box.appendChild(dl);
    var limit = full ? e.evidence.length : 3;
    e.evidence.slice(0, limit).forEach(function (s) { box.appendChild(el("blockquote", "evidence", s)); });
    if (e.evidence.length > limit) box.appendChild(el("div", "more", "+" + (e.evidence.length - limit) + " more (click the relation)"));
    return box;
  }
  var tip = $("tip");
  function showTip(content, pointer) {
    tip.replaceChildren(content);
    tip.hidden = false;
    var rect = $("network").getBoundingClientRect();
    var x = rect.left + pointer.x + 14, y = rect.top + pointer.y + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth - 4) x = Math.max(4, rect.left + pointer.x - w - 14);
    if (y + h > window.innerHeight - 4) y = Math.max(4, window.innerHeight - h - 4);
    tip.style.left = x + "px"; tip.style.top = y + "px";
  }
  function hideTip() { tip.hidden = true; }
  network.on("hoverNode", function (p) { showTip(nodeContent(nodeById[p.node], false), p.pointer.DOM); });
  network.on("hoverEdge", function (p) { showTip(edgeContent(edgeById[p.edge], false), p.pointer.DOM); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);
  function showDetails(content) { $("details").replaceChildren(content); }
  function clearDetails() { $("details").replaceChildren(el("p", "hint", "Click an entity or a relation.")); }

  // ---------------------------------------------------------------- highlight
  // The neighbourhood is drawn again on top of a translucent veil after vis' own drawing, so a
  // click costs O(degree) whatever the graph size (restyling every item took seconds at 5,000
  // nodes). Uses vis-network 9.1.2 internals (body.nodes/edges, draw, drawArrows), pinned by pyvis.
  function arrowHead(ctx, from, to, colour) {
    var dx = to.x - from.x, dy = to.y - from.y, len = Math.sqrt(dx * dx + dy * dy);
    if (len < 1) return;
    var ux = dx / len, uy = dy / len, r = (to.options.size || 10) + 2, s = 9;
    var tipX = to.x - ux * r, tipY = to.y - uy * r;
    ctx.beginPath();
    ctx.moveTo(tipX, tipY);
    ctx.lineTo(tipX - ux * s - uy * s * 0.5, tipY - uy * s + ux * s * 0.5);
    ctx.lineTo(tipX - ux * s + uy * s * 0.5, tipY - uy * s - ux * s * 0.5);
    ctx.closePath();
    ctx.fillStyle = colour; ctx.fill();
    ctx.fillStyle = "#444444";
  }
  network.on("afterDrawing", function (ctx) {
    var hl = kg.neighbourhood;
    if (!hl) return;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = FADE;
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
    var body = network.body, external = [];
    hl.edges.forEach(function (id) { var e = body.edges[id]; if (e && e.connected) e.draw(ctx); });
    hl.edges.forEach(function (id) { var e = body.edges[id]; if (e && e.connected) e.drawArrows(ctx); });
    if (!data.physics && hl.edges.size <= 150) {  // big graphs carry no edge labels: label these
      ctx.font = "10px system-ui, sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.lineWidth = 3; ctx.strokeStyle = "#ffffff"; ctx.fillStyle = "#444444";
      hl.edges.forEach(function (id) {
        var e = body.edges[id]; if (!e || !e.connected) return;
        var x = (e.from.x + e.to.x) / 2, y = (e.from.y + e.to.y) / 2;
        ctx.strokeText(edgeById[id].predicate, x, y); ctx.fillText(edgeById[id].predicate, x, y);
      });
    }
    if (!data.physics) {  // and no arrows either: draw the highlighted ones
      hl.edges.forEach(function (id) {
        var e = body.edges[id]; if (e && e.connected) arrowHead(ctx, e.from, e.to, edgeById[id].color);
      });
    }
    hl.nodes.forEach(function (id) {
      var n = body.nodes[id]; if (!n) return;
      var r = n.draw(ctx); if (r && r.drawExternalLabel) external.push(r.drawExternalLabel);
    });
    external.forEach(function (f) { f(); });
  });
  function highlight(id) {
    var keepN = new Set([id]), keepE = new Set();
    incident[id].forEach(function (eid) {
      if (hiddenE.has(eid)) return;
      keepE.add(eid); keepN.add(edgeById[eid].from); keepN.add(edgeById[eid].to);
    });
    kg.highlighted = id;
    kg.neighbourhood = {nodes: keepN, edges: keepE};
    requestRedraw();
  }
  function clearHighlight() { kg.highlighted = null; kg.neighbourhood = null; requestRedraw(); }
  // one draw on the next frame, shared with vis' own (a click already asks for one); redraw()
  // would draw at once and then again
  function requestRedraw() { network.body.emitter.emit("_requestRedraw"); }
  kg.highlight = highlight;
  kg.clearHighlight = clearHighlight;

  network.on("click", function (p) {
    hideTip();
    if (p.nodes.length) { highlight(p.nodes[0]); showDetails(nodeContent(nodeById[p.nodes[0]], true)); }
    else if (p.edges.length) { clearHighlight(); showDetails(edgeContent(edgeById[p.edges[0]], true)); }
    else { clearHighlight(); clearDetails(); }
  });

  // ---------------------------------------------------------------- filters
  var kindOn = {}, predOn = {};
  function checkboxRow(parent, checked, glyph, colour, text, count, onChange, dashed) {
    var label = el("label", "row");
    var box = el("input"); box.type = "checkbox"; box.checked = checked;
    box.addEventListener("change", function () { onChange(box.checked); });
    label.appendChild(box);
    var g = glyph ? el("span", "glyph", glyph) : el("span", "swatch" + (dashed ? " dashed" : ""));
    if (glyph) g.style.color = colour; else g.style.borderTopColor = colour;
    label.appendChild(g);
    label.appendChild(el("span", null, text));
    label.appendChild(el("span", "count", count));
    parent.appendChild(label);
    return box;
  }
  data.kinds.forEach(function (k) {
    kindOn[k.kind] = true;
    var box = checkboxRow($("kinds"), true, GLYPH[k.shape] || "\u25cf", k.colour, k.kind, k.count,
      function (on) { kindOn[k.kind] = on; applyFilters(); });
    box.setAttribute("data-kind", k.kind);
    if (k.classes.length > 1 || k.classes[0].cls !== k.kind) {
      var sub = el("div", "classes");
      k.classes.forEach(function (c) {
        var s = el("span", "cls"); var g = el("span", "glyph", GLYPH[k.shape] || "\u25cf"); g.style.color = c.colour;
        s.appendChild(g); s.appendChild(document.createTextNode(c.cls + " " + c.count)); sub.appendChild(s);
      });
      $("kinds").appendChild(sub);
    }
  });
  data.predicates.forEach(function (p) {
    predOn[p.predicate] = true;
    var fact = p.predicate === "operatedBy" || p.predicate === "memberOf";
    var box = checkboxRow($("predicates"), true, null, p.colour, p.predicate, p.count,
      function (on) { predOn[p.predicate] = on; applyFilters(); }, fact);
    box.setAttribute("data-predicate", p.predicate);
  });
  ["date-from", "date-to"].forEach(function (id) {
    if (data.dateRange[0]) { $(id).min = data.dateRange[0]; $(id).max = data.dateRange[1]; }
    $(id).addEventListener("change", applyFilters);
    $(id).addEventListener("input", applyFilters);
  });
  $("undated").addEventListener("change", applyFilters);
  $("reset").addEventListener("click", function () {
    document.querySelectorAll("aside input[type=checkbox]").forEach(function (b) { b.checked = true; });
    Object.keys(kindOn).forEach(function (k) { kindOn[k] = true; });
    Object.keys(predOn).forEach(function (k) { predOn[k] = true; });
    $("date-from").value = ""; $("date-to").value = "";
    applyFilters();
  });

  function applyFilters() {
    var from = $("date-from").value, to = $("date-to").value, undated = $("undated").checked;
    var ranged = !!(from || to);
    var showN = {}, touched = new Set(), showE = {};
    data.nodes.forEach(function (n) { showN[n.id] = !!kindOn[n.kind]; });
    data.edges.forEach(function (e) {
      var ok = predOn[e.predicate] && showN[e.from] && showN[e.to];
      if (ok && e.kind === "relation") {
        if (e.dates.length) {
          ok = !ranged || e.dates.some(function (d) { return (!from || d >= from) && (!to || d <= to); });
        } else ok = undated;
      }
      showE[e.id] = ok;
      if (ok && e.kind === "relation") { touched.add(e.from); touched.add(e.to); }
    });
    if (ranged) data.nodes.forEach(function (n) { if (showN[n.id] && !touched.has(n.id)) showN[n.id] = false; });
    var shownN = 0, shownE = 0;
    hiddenN.clear(); hiddenE.clear();
    data.nodes.forEach(function (n) { if (showN[n.id]) shownN++; else hiddenN.add(n.id); });
    data.edges.forEach(function (e) {
      if (showE[e.id] && showN[e.from] && showN[e.to]) shownE++; else hiddenE.add(e.id);
    });
    edgesView.refresh();
    nodesView.refresh();
    if (kg.highlighted !== null) {
      if (hiddenN.has(kg.highlighted)) clearHighlight(); else highlight(kg.highlighted);
    }
    updateCounts(shownN, shownE);
  }
  function updateCounts(shownN, shownE) {
    var t = data.total, text = shownN + " of " + data.nodes.length + " entities, " + shownE + " of " + data.edges.length + " relations shown";
    if (t.nodes !== data.nodes.length) text += " (graph: " + t.nodes + " entities, " + t.edges + " relations)";
    $("counts").textContent = text;
  }
  kg.applyFilters = applyFilters;
  if (!data.nodes.length) {
    var empty = el("p", "hint", "No entities in this graph: was anything extracted? See skipped.txt in OUTDIR.");
    empty.style.cssText = "position:absolute;top:40%;width:100%;text-align:center;z-index:1";
    $("network").appendChild(empty);
  }
  updateCounts(data.nodes.length, data.edges.length);

  // ---------------------------------------------------------------- search and fit
  var datalist = $("kg-labels"), seenLabels = new Set(), frag = document.createDocumentFragment();
  data.nodes.forEach(function (n) {
    if (seenLabels.has(n.label)) return; seenLabels.add(n.label);
    var o = document.createElement("option"); o.value = n.label; frag.appendChild(o);
  });
  datalist.appendChild(frag);
  function find(query) {
    var q = query.trim().toLowerCase();
    if (!q) return null;
    var tests = [
      function (n) { return n.label.toLowerCase() === q || n.iri.toLowerCase() === q; },
      function (n) { return n.aliases.some(function (a) { return a.toLowerCase() === q; }); },
      function (n) { return n.label.toLowerCase().indexOf(q) === 0; },
      function (n) { return n.label.toLowerCase().indexOf(q) >= 0 || n.aliases.some(function (a) { return a.toLowerCase().indexOf(q) >= 0; }); }
    ];
    for (var i = 0; i < tests.length; i++) {
      var hits = data.nodes.filter(tests[i]);
      if (hits.length) {
        var visible = hits.filter(function (n) { return !hiddenN.has(n.id); });
        return (visible.length ? visible : hits).sort(function (a, b) { return b.degree - a.degree; })[0];
      }
    }
    return null;
  }
  function focusNode(query) {
    var n = find(query);
    $("message").textContent = "";
    if (!n) { $("message").textContent = "No entity matches \u201c" + query + "\u201d"; return null; }
    if (hiddenN.has(n.id)) { $("message").textContent = n.label + " is hidden by the filters"; return null; }
    network.selectNodes([n.id]);
    highlight(n.id);
    showDetails(nodeContent(n, true));
    network.focus(n.id, {scale: Math.max(network.getScale(), 1.2), animation: {duration: 350, easingFunction: "easeInOutQuad"}});
    kg.focused = n.id;
    return n.id;
  }
  kg.focusNode = focusNode;
  $("search-form").addEventListener("submit", function (ev) { ev.preventDefault(); focusNode($("search").value); });
  $("fit").addEventListener("click", function () {
    network.fit({nodes: nodesView.getIds(), animation: false});
  });
})();
"""  # noqa: E501
