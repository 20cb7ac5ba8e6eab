"""Projected graph → the JSON data of graph.html (what the page's scripts draw; no page code here).

Takes the networkx MultiDiGraph of `kg.graph.project.to_networkx` (or a selection of it) and the
renderer; gives one dict, injected into the page as JSON:

- "objects" format (vis-network, small graphs): `nodes` and `edges` are vis items carrying our
  fields (kind, cls, aliases, evidence, ...), plus vis `options`;
- "columns" format (sigma.js, big graphs): one array per field, with predicates, classes, dates,
  article titles and places stored once in tables and referenced by index, so 20,000 nodes and
  100,000 edges fit a page a fraction of the size.

Both carry `kinds` and `predicates` (legend rows with counts) and `dateRange`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from typing import Any

import networkx as nx

from kg.graph.project import ONE_SIDED
from kg.view.layout import edge_px, layout
from kg.view.style import class_styles, kind_rank, kind_style, predicate_colour, predicate_rank

Styles = dict[str, dict[str, str]]
#: vis dash pattern of relations claimed by one side only (facts keep vis' default dashes).
CLAIM_DASHES = [10, 6]
NodeRow = dict[str, Any]
EdgeRow = dict[str, Any]


def _split(value: object, sep: str = "; ") -> list[str]:
    """A joined projection attribute ("a; b") back into its parts (500,000 calls at 100,000 edges)."""
    if not value:
        return []
    parts = (value if type(value) is str else str(value)).split(sep)
    return parts if all(parts) else [part for part in parts if part]


def node_rows(g: nx.MultiDiGraph, styles: Styles, positions: dict[str, tuple[float, float]]) -> list[NodeRow]:
    """One row per node, sorted by id: our fields, size by degree, position."""
    degree = dict(g.degree())
    top = max(degree.values(), default=0) or 1
    rows = []
    for node in sorted(g.nodes):
        data = g.nodes[node]
        kind = str(data.get("kind", "")) or "Other"
        cls = str(data.get("cls", "")) or kind
        x, y = positions[node]
        rows.append(
            {
                "id": node,
                "label": str(data.get("label", "")) or node,
                "shape": styles[cls]["shape"],
                "group": cls,
                "size": round(9 + 26 * math.sqrt(degree[node] / top), 1),
                "x": x,
                "y": y,
                "kind": kind,
                "cls": cls,
                "iri": str(data.get("iri", node)),
                "aliases": _split(data.get("aliases")),
                "operators": _split(data.get("operators")),
                "wikidata": str(data.get("wikidata", "")),
                "iso2": str(data.get("iso2", "")),
                "mentions": int(data.get("mentions", 0) or 0),
                "degree": degree[node],
            }
        )
    return rows


def edge_rows(g: nx.MultiDiGraph) -> list[EdgeRow]:
    """One row per edge, sorted by (source, predicate, target), with ids e0, e1, ..."""
    edges = sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], str(e[2]), e[1]))
    rows = []
    for i, (u, v, key, data) in enumerate(edges):
        predicate = str(data.get("predicate", key))
        kind = str(data.get("kind", "relation"))
        events = int(data.get("events", 0) or 0)
        claim = str(data.get("claim", ""))
        rows.append(
            {
                "from": u,
                "to": v,
                "id": f"e{i}",
                "color": predicate_colour(predicate),
                "width": round(1 + math.log2(1 + events), 2) if kind == "relation" else 1,
                "dashes": True if kind == "fact" else CLAIM_DASHES if claim in ONE_SIDED else False,
                "predicate": predicate,
                "kind": kind,
                "events": events,
                "dates": _split(data.get("dates")),
                "confidence": round(float(data.get("confidence", 0.0) or 0.0), 3),
                "evidence": _split(data.get("evidence"), "\n"),
                "articles": _split(data.get("articles")),
                "places": _split(data.get("places")),
                "claim": claim,
            }
        )
    return rows


def _vis_edges(edges: list[EdgeRow], big: bool) -> list[EdgeRow]:
    """vis extras: the 2nd, 3rd... edge between two nodes bends so none hides another; small
    graphs label every edge (15,000 edge labels cost seconds per frame)."""
    parallel: Counter[tuple[str, str]] = Counter()
    out = []
    for row in edges:
        u, v = row["from"], row["to"]
        pair = (min(u, v), max(u, v))
        nth = parallel[pair]
        parallel[pair] += 1
        extra: dict[str, Any] = {}
        if nth:
            bend = "curvedCW" if (nth % 2) == (u < v) else "curvedCCW"
            extra["smooth"] = {"enabled": True, "type": bend, "roundness": 0.25 * ((nth + 1) // 2)}
        if not big:
            extra["label"] = row["predicate"]
        out.append({**row, **extra})
    return out


def legend(nodes: list[NodeRow], edges: list[EdgeRow], styles: Styles) -> dict[str, Any]:
    """Legend rows (kinds with their classes, predicates) with counts, and the date range."""
    kinds: dict[str, dict[str, Any]] = {}
    class_count = Counter(str(n["cls"]) for n in nodes)
    for cls, st in sorted(styles.items(), key=lambda item: (kind_rank(item[1]["kind"]), item[0])):
        entry = kinds.setdefault(
            st["kind"],
            {
                "kind": st["kind"],
                "shape": st["shape"],
                "colour": kind_style(st["kind"])[1],
                "count": 0,
                "classes": [],
            },
        )
        entry["count"] += class_count[cls]
        entry["classes"].append({"cls": cls, "colour": st["colour"], "count": class_count[cls]})
    pred_count = Counter(str(e["predicate"]) for e in edges)
    predicates = [
        {"predicate": p, "colour": predicate_colour(p), "count": c}
        for p, c in sorted(pred_count.items(), key=lambda pc: predicate_rank(pc[0]))
    ]
    first = min((d for e in edges for d in e["dates"]), default="")
    last = max((d for e in edges for d in e["dates"]), default="")
    return {"kinds": list(kinds.values()), "predicates": predicates, "dateRange": [first, last]}


def vis_options(n: int, big: bool, styles: Styles) -> dict[str, Any]:
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
    physics: dict[str, Any] = {"enabled": False}
    if not big:
        physics = {
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
        "physics": physics,
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
            "keyboard": False,
        },
    }


def vis_data(g: nx.MultiDiGraph, physics_threshold: int) -> dict[str, Any]:
    """Page data for vis-network: objects format; physics polishes the layout up to the threshold."""
    big = g.number_of_nodes() > physics_threshold
    styles = class_styles(g)
    nodes = node_rows(g, styles, layout(g, iterations=40 if big else 60))
    edges = edge_rows(g)
    return {
        "renderer": "vis",
        "format": "objects",
        "nodes": nodes,
        "edges": _vis_edges(edges, big),
        "options": vis_options(g.number_of_nodes(), big, styles),
        "physics": not big,
        **legend(nodes, edges, styles),
    }


def _table(values: list[list[str]]) -> tuple[list[str], list[list[int]]]:
    """Strings stored once: (table, each row's values as indices into it)."""
    index: dict[str, int] = {}
    rows = [[index.setdefault(v, len(index)) for v in row] for row in values]
    return list(index), rows


def _column(rows: list[dict[str, Any]], key: str, convert: Callable[[Any], Any] = lambda v: v) -> list[Any]:
    return [convert(row[key]) for row in rows]


def sigma_data(g: nx.MultiDiGraph) -> dict[str, Any]:
    """Page data for sigma.js: columns format, sizes scaled for WebGL points."""
    styles = class_styles(g)
    nodes = node_rows(g, styles, layout(g, iterations=30))
    edges = edge_rows(g)
    classes = sorted(styles)
    cls_index = {cls: i for i, cls in enumerate(classes)}
    node_index = {n["id"]: i for i, n in enumerate(nodes)}
    legend_data = legend(nodes, edges, styles)
    preds = [p["predicate"] for p in legend_data["predicates"]]
    pred_index = {p: i for i, p in enumerate(preds)}
    dates, date_rows = _table(_column(edges, "dates"))
    articles, article_rows = _table(_column(edges, "articles"))
    places, place_rows = _table(_column(edges, "places"))
    columns_n = {
        key: _column(nodes, key) for key in ("id", "label", "aliases", "operators", "wikidata", "iso2")
    }
    columns_n |= {key: _column(nodes, key) for key in ("mentions", "degree", "x", "y")}
    columns_n["cls"] = [cls_index[n["cls"]] for n in nodes]
    columns_n["size"] = [round(2 + (n["size"] - 9) * 6 / 26, 1) for n in nodes]  # 2-8 px points
    columns_e = {
        "from": [node_index[e["from"]] for e in edges],
        "to": [node_index[e["to"]] for e in edges],
        "predicate": [pred_index[e["predicate"]] for e in edges],
        "width": [min(3.0, e["width"] / 2) for e in edges],
        "events": _column(edges, "events"),
        "confidence": _column(edges, "confidence"),
        "evidence": _column(edges, "evidence"),
        "dates": date_rows,
        "articles": article_rows,
        "places": place_rows,
        "claim": _column(edges, "claim"),
    }
    return {
        "renderer": "sigma",
        "format": "columns",
        "nodes": columns_n,
        "edges": columns_e,
        "classes": [{"cls": c, **styles[c]} for c in classes],
        "dates": dates,
        "articles": articles,
        "places": places,
        **legend_data,
        "predicates": [{**p, "colour": predicate_colour(p["predicate"])} for p in legend_data["predicates"]],
    }
