"""Colours and shapes of the pages: kg/view/assets/palette.json → per-class and per-predicate styles.

Takes the class of each node of a projected graph; gives {cls: {kind, shape, colour}} with the
core kind's colour for the kind itself and shades of it for subclasses, and a colour per predicate.
"""

from __future__ import annotations

import colorsys
import json
from functools import cache
from typing import Any

import networkx as nx

from kg.view.page import asset_text


@cache
def palette() -> dict[str, Any]:
    """The parsed palette.json (read once, on first use)."""
    data: dict[str, Any] = json.loads(asset_text("palette.json"))
    return data


def kind_style(kind: str) -> tuple[str, str]:
    """(vis shape, base colour) of a core entity class; grey dots for anything else."""
    shape, colour = palette()["kinds"].get(kind, palette()["other"])
    return str(shape), str(colour)


def kind_order() -> list[str]:
    """The core entity classes in legend order."""
    return list(palette()["kinds"])


def predicate_colour(predicate: str) -> str:
    """The edge colour of a predicate (a neutral grey for predicates the palette does not name)."""
    return str(palette()["predicates"].get(predicate, palette()["otherPredicate"]))


def predicate_rank(predicate: str) -> tuple[int, str]:
    """Sort key: the palette's order first, then by name."""
    order = list(palette()["predicates"])
    return (order.index(predicate) if predicate in order else len(order), predicate)


def kind_rank(kind: str) -> tuple[int, str]:
    """Sort key: the palette's order of core kinds first, then by name."""
    order = kind_order()
    return (order.index(kind) if kind in order else len(order), kind)


def shade(hex_colour: str, index: int) -> str:
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


def class_styles(g: nx.MultiDiGraph) -> dict[str, dict[str, str]]:
    """cls → {kind, shape, colour}: the kind's colour for the kind itself, shades for subclasses."""
    by_kind: dict[str, set[str]] = {}
    for _, data in g.nodes(data=True):
        kind = str(data.get("kind", "")) or "Other"
        by_kind.setdefault(kind, set()).add(str(data.get("cls", "")) or kind)
    styles: dict[str, dict[str, str]] = {}
    for kind, classes in sorted(by_kind.items()):
        shape, colour = kind_style(kind)
        ordered = sorted(classes, key=lambda c: (c != kind, c))
        offset = 0 if kind in classes else 1
        for i, cls in enumerate(ordered):
            styles[cls] = {"kind": kind, "shape": shape, "colour": shade(colour, i + offset)}
    return styles
