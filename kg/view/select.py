"""Which part of a projected graph to draw: an entity's neighbourhood (`--focus`), the best-linked N.

Takes the networkx MultiDiGraph of `kg.graph.project.to_networkx`; gives a subgraph view of it
(never a changed copy), or FocusError naming close matches when the focus entity is unknown.
"""

from __future__ import annotations

import difflib
from collections import deque
from collections.abc import Iterable

import networkx as nx

from kg.errors import KgError


class FocusError(KgError):
    """The entity asked for with `--focus` is not in the graph."""


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
