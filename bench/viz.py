"""Benchmark graph.html: a synthetic 5,000-node / 15,000-edge graph against a 500-node baseline.

Generates RDF shaped like graph.ttl (entities with subclasses, facts, events with evidence and
articles), projects it with kg.graph.project.to_networkx, renders it with kg.view.render.write_html, opens
the page from file:// in Debian's headless Chromium with every other request aborted, and
measures the time until the network has drawn once (the page sets window.__kgReady from
vis' first `afterDrawing`, in ms since navigation start) and how fast a click on a node gets
its neighbourhood highlighted. Results are appended to bench/RESULTS.md.

    .venv/bin/python bench/viz.py                   # 5,000/15,000 vs 500/1,500, 3 runs each
    .venv/bin/python bench/viz.py --no-append --keep /tmp/pages
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD
from results import RESULTS, append_run

from kg.graph.project import to_networkx
from kg.view.render import write_html
from kg.vocab import ID, PK

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HEADING = "## HTML rendering (bench/viz.py)"

_AIRCRAFT = ["Fighter", "Bomber", "MaritimePatrolAircraft", "ReconnaissanceAircraft", "Helicopter"]
_WEAPONS = ["AirDefenceSystem", "MissileSystem"]
_EVENT = {"intercepted": PK.Interception, "escorted": PK.Escort, "deployedTo": PK.Deployment}
_EVENT["respondedTo"] = PK.Response


def _zipf(rng: np.random.Generator, items: list[URIRef], size: int) -> list[URIRef]:
    """Skewed picks: a few hubs, a long tail, as in news (Russia and the Tu-95 everywhere)."""
    weights = 1.0 / np.arange(1, len(items) + 1) ** 0.9
    picks = rng.choice(len(items), size=size, p=weights / weights.sum())
    return [items[i] for i in picks]


def synthetic_graph(n_nodes: int, n_edges: int, seed: int = 1) -> Graph:
    """RDF with about `n_nodes` entities whose projection has about `n_edges` edges."""
    rng = np.random.default_rng(seed)
    g = Graph(store="SimpleMemory")  # as `kg build` hands the union graph to the pages
    add = g.add
    for sub in _AIRCRAFT:
        add((PK[sub], RDFS.subClassOf, PK.Aircraft))
    for sub in _WEAPONS:
        add((PK[sub], RDFS.subClassOf, PK.WeaponSystem))
    n_nation = min(250, max(5, n_nodes // 20))
    n_alliance = max(2, n_nodes // 400)
    rest = n_nodes - n_nation - n_alliance
    counts = {
        "aircraft": int(rest * 0.45),
        "weapon": int(rest * 0.17),
        "base": int(rest * 0.17),
        "sea": int(rest * 0.06),
    }
    counts["location"] = rest - sum(counts.values())

    def entity(path: str, cls: URIRef, label: str) -> URIRef:
        iri = ID[path]
        add((iri, RDF.type, cls))
        add((iri, RDFS.label, Literal(label)))
        add((iri, SKOS.prefLabel, Literal(label)))
        if rng.random() < 0.5:
            add((iri, SKOS.altLabel, Literal(f"{label} alias")))
        return iri

    nations = [entity(f"nation/N{i}", PK.Nation, f"Nation {i}") for i in range(n_nation)]
    alliances = [entity(f"alliance/a{i}", PK.Alliance, f"Alliance {i}") for i in range(n_alliance)]
    aircraft = [
        entity(f"aircraft/ac-{i}", PK[_AIRCRAFT[i % len(_AIRCRAFT)]], f"AC-{i}")
        for i in range(counts["aircraft"])
    ]
    weapons = [entity(f"weapon/w{i}", PK[_WEAPONS[i % 2]], f"Weapon {i}") for i in range(counts["weapon"])]
    bases = [entity(f"base/b{i}", PK.Base, f"Base {i}") for i in range(counts["base"])]
    seas = [entity(f"sea/s{i}", PK.Sea, f"Sea {i}") for i in range(counts["sea"])]
    places = [entity(f"location/l{i}", PK.Location, f"Place {i}") for i in range(counts["location"])]

    edges = 0
    for items in (aircraft, weapons, bases):
        for item, nation in zip(items, _zipf(rng, nations, len(items)), strict=True):
            add((item, PK.operatedBy, nation))
            edges += 1
    for nation in nations:
        if rng.random() < 0.6:
            add((nation, PK.memberOf, alliances[int(rng.integers(len(alliances)))]))
            edges += 1

    n_articles = max(10, n_edges // 3)
    articles = []
    for i in range(n_articles):
        art = ID[f"article/{i:012x}"]
        date = dt.date(2023, 1, 1) + dt.timedelta(days=int(rng.integers(0, 1000)))
        add((art, RDF.type, PK.Article))
        add((art, DCTERMS.title, Literal(f"Report {i} on posturing <b>&</b> patrols")))
        add((art, DCTERMS.date, Literal(date.isoformat(), datatype=XSD.date)))
        add((art, DCTERMS.source, Literal(f"https://news.example/{i}")))
        articles.append((art, date))

    destinations = nations + bases + places + seas
    seen: set[tuple[URIRef, str, URIRef]] = set()
    event = 0
    while edges < n_edges:
        roll = rng.random()
        if roll < 0.35:
            pred, s, o = "intercepted", *_zipf(rng, aircraft, 2)
        elif roll < 0.55:
            pred, s, o = "escorted", *_zipf(rng, aircraft, 2)
        elif roll < 0.85:
            pred = "deployedTo"
            s = _zipf(rng, aircraft + weapons, 1)[0]
            # half the deployments go somewhere rarely named, so few places stay unlinked
            o = (
                _zipf(rng, destinations, 1)[0]
                if rng.random() < 0.5
                else destinations[int(rng.integers(len(destinations)))]
            )
        else:
            pred, s, o = "respondedTo", *_zipf(rng, nations, 2)
        if s == o or (s, pred, o) in seen:
            continue
        seen.add((s, pred, o))
        add((s, PK[pred], o))
        edges += 1
        for _ in range(int(rng.geometric(0.7))):  # 1 event, sometimes more
            ev = ID[f"event/{pred.lower()}/{event:012x}"]
            art, date = articles[int(rng.integers(n_articles))]
            add((ev, RDF.type, _EVENT[pred]))
            add((ev, PK.directProperty, PK[pred]))
            add((ev, PK.actor, s))
            add((ev, PK.destination if pred == "deployedTo" else PK.target, o))
            add((ev, PK.date, Literal(date.isoformat(), datatype=XSD.date)))
            add((ev, PK.confidence, Literal(f"0.{int(rng.integers(50, 99))}", datatype=XSD.decimal)))
            if rng.random() < 0.4:
                add((ev, PK.location, seas[int(rng.integers(len(seas)))] if seas else o))
            evid = ID[f"evidence/{event:012x}/0-140"]
            who, whom = s.rsplit("/", 1)[-1], o.rsplit("/", 1)[-1]
            sentence = f"Officials said {who} {pred} {whom} near the border on Tuesday."
            add((evid, PK.sentence, Literal(sentence)))
            add((evid, PK.trigger, Literal(pred)))
            add((evid, PROV.wasQuotedFrom, art))
            add((ev, PK.evidence, evid))
            add((ev, PROV.wasDerivedFrom, art))
            add((art, PK.mentions, s))
            add((art, PK.mentions, o))
            event += 1
    return g


def _timed(func: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = func()
    return value, time.perf_counter() - start


def _poll(page: Any, expression: str, timeout: float = 60.0) -> Any:
    """page.evaluate in a loop: the page's CSP forbids the eval that wait_for_function uses."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.005)


def measure_page(browser: Any, path: Path) -> dict[str, float]:
    """One cold load: ms to first draw, wall time to ready, click→highlight ms, one full redraw ms."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    blocked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit")
    first_draw = float(_poll(page, "window.__kgReady"))
    wall = time.perf_counter() - start
    hub = page.evaluate("kg.data.nodes.slice().sort((a, b) => b.degree - a.degree)[0].id")
    box = page.locator("#network").bounding_box()
    page.evaluate("(id) => kg.network.moveTo({position: kg.network.getPosition(id), scale: 1})", hub)
    point = page.evaluate(f"kg.network.canvasToDOM(kg.network.getPosition({hub!r}))")
    hub = page.evaluate(f"kg.network.getNodeAt({point})")  # the node drawn on top there
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])  # hover first: measure the click only
    time.sleep(0.5)
    # in-page clock: pointerdown on the canvas → the first frame drawn with the highlight
    page.evaluate(
        """() => {
          window.__bench = {};
          document.querySelector("#network canvas").addEventListener("pointerdown",
            () => { window.__bench.down = performance.now(); }, {once: true});
          kg.network.on("afterDrawing", () => {
            if (kg.highlighted && window.__bench.down && !window.__bench.drawn)
              window.__bench.drawn = performance.now();
          });
        }"""
    )
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    _poll(page, f"kg.highlighted === {hub!r} && window.__bench.drawn")
    click = float(page.evaluate("window.__bench.drawn - window.__bench.down")) / 1000
    redraw = float(
        page.evaluate(
            "(function(){kg.network.fit(); var t = performance.now(); kg.network.renderer._redraw();"
            " return performance.now() - t;})()"
        )
    )
    context.close()
    if blocked or errors:
        raise RuntimeError(f"page not clean: blocked={blocked} errors={errors}")
    return {"first_draw_ms": first_draw, "wall_s": wall, "click_ms": click * 1000, "redraw_ms": redraw}


def run_case(browser: Any, n_nodes: int, n_edges: int, runs: int, outdir: Path) -> dict[str, Any]:
    rdf, t_gen = _timed(lambda: synthetic_graph(n_nodes, n_edges))
    nxg, t_project = _timed(lambda: to_networkx(rdf))
    path = outdir / f"graph-{n_nodes}.html"
    _, t_render = _timed(lambda: write_html(nxg, path, title=f"bench {n_nodes}"))
    samples = [measure_page(browser, path) for _ in range(runs)]
    median = {key: statistics.median(s[key] for s in samples) for key in samples[0]}
    return {
        "nodes": nxg.number_of_nodes(),
        "edges": nxg.number_of_edges(),
        "triples": len(rdf),
        "generate_s": t_gen,
        "project_s": t_project,
        "render_s": t_render,
        "size_mb": path.stat().st_size / 1e6,
        "physics": nxg.number_of_nodes() <= 500,
        **median,
    }


def _machine() -> str:
    try:
        with open("/proc/meminfo") as fh:
            kb = int(next(line for line in fh if line.startswith("MemTotal")).split()[1])
        ram = f"{kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        ram = "RAM unknown"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())  # other work on the machine skews timings
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs (nproc), {ram}, Python {platform.python_version()}, "
        f"load average {load} at start"
    )


def _report(big: dict[str, Any], base: dict[str, Any], runs: int, chromium: str, machine: str) -> str:
    def row(r: dict[str, Any]) -> str:
        return (
            f"| {r['nodes']:,} / {r['edges']:,} | {'on' if r['physics'] else 'off (precomputed)'} "
            f"| {r['project_s']:.2f} | {r['render_s']:.2f} | {r['size_mb']:.1f} | {r['first_draw_ms']:.0f} "
            f"| {r['wall_s']:.2f} | {r['click_ms']:.0f} | {r['redraw_ms']:.0f} |"
        )

    def ratio(key: str) -> str:
        return f"{big[key] / base[key]:.1f}x" if base[key] else "n/a"

    lines = [
        f"### {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}: {machine}, {chromium}",
        "",
        f"Median of {runs} cold loads from file:// (every other request aborted; none attempted).",
        "",
        "| nodes / edges | physics | project s | render s | file MB | first draw ms | wall to ready s "
        "| click→highlight drawn ms | full redraw (JS) ms |",
        "|---|---|---|---|---|---|---|---|---|",
        row(base),
        row(big),
        "",
        f"Ratios {big['nodes']:,} vs {base['nodes']:,} nodes: first draw {ratio('first_draw_ms')}, "
        f"click {ratio('click_ms')}, file size {ratio('size_mb')}, render {ratio('render_s')}. "
        f"Interactive within 3 s at {big['nodes']:,} nodes: "
        f"{'yes' if big['wall_s'] + big['click_ms'] / 1000 < 3 else 'NO'} "
        f"({big['wall_s'] + big['click_ms'] / 1000:.2f} s: navigation to first draw, plus one click "
        "to its highlighted frame). Click and first-draw times are the page's own clock "
        "(performance.now); rasterising happens after, in software here (--disable-gpu).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=15000)
    parser.add_argument("--baseline-nodes", type=int, default=500)
    parser.add_argument("--baseline-edges", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="write the pages here and keep them")
    parser.add_argument("--no-append", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    machine = _machine()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        outdir = args.keep or Path(tmp)
        outdir.mkdir(parents=True, exist_ok=True)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        chromium = f"Chromium {browser.version}"
        base = run_case(browser, args.baseline_nodes, args.baseline_edges, args.runs, outdir)
        big = run_case(browser, args.nodes, args.edges, args.runs, outdir)
        browser.close()
    text = _report(big, base, args.runs, chromium, machine)
    print(text)
    if not args.no_append:
        append_run(HEADING, text, intro="Written by `bench/viz.py`; newest run last.")
        print(f"appended to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
