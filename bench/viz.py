"""Benchmark graph.html at 1k, 5k and 20k nodes (5 edges per node), with each renderer.

Generates RDF shaped like graph.ttl (entities with subclasses, facts, events with evidence and
articles) in rdflib's SimpleMemory store (as `kg build` hands it to the pages), projects it with
kg.graph.project.to_networkx and writes the page with kg.view.render.write_html (Python seconds
for each, and the page size), then opens it from file:// in Debian's headless Chromium with every
other request aborted and measures, on the page's own clock (performance.now):

- first draw: ms from navigation start to the page's ready mark (vis: its first `afterDrawing`;
  sigma: the frame after its first render);
- redraw: the camera panned on every animation frame for 2 s, full redraws with every edge;
  mean ms per frame and frames per second;
- drag: draws per second during a real mouse drag of the view (the renderer's own draw events;
  sigma leaves edges out while the view moves, vis does so above its physics threshold);
- click: pointerdown on a node to the first animation frame after its neighbourhood is highlighted;
- window: the time window set to 30 days mid-range, to its second animation frame (recount and
  restyle included).

The first size is the baseline: the report prints each row's ratio against it. Results are
appended to bench/RESULTS.md with the machine, the WebGL renderer and the load average.

    .venv/bin/python bench/viz.py                         # 1k, 5k (vis and sigma), 20k (sigma)
    .venv/bin/python bench/viz.py --sizes 1000 --runs 1 --no-append --keep /tmp/pages
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


class _Synthetic:
    """Builds the synthetic graph step by step (the random draws in a fixed order, so one seed
    gives one graph)."""

    def __init__(self, n_nodes: int, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.g = Graph(store="SimpleMemory")  # as `kg build` hands the union graph to the pages
        self.add = self.g.add
        for sub in _AIRCRAFT:
            self.add((PK[sub], RDFS.subClassOf, PK.Aircraft))
        for sub in _WEAPONS:
            self.add((PK[sub], RDFS.subClassOf, PK.WeaponSystem))
        self._entities(n_nodes)
        self.edges = 0
        self.events = 0

    def entity(self, path: str, cls: URIRef, label: str) -> URIRef:
        iri = ID[path]
        self.add((iri, RDF.type, cls))
        self.add((iri, RDFS.label, Literal(label)))
        self.add((iri, SKOS.prefLabel, Literal(label)))
        if self.rng.random() < 0.5:
            self.add((iri, SKOS.altLabel, Literal(f"{label} alias")))
        return iri

    def _entities(self, n_nodes: int) -> None:
        n_nation = min(250, max(5, n_nodes // 20))
        n_alliance = max(2, n_nodes // 400)
        rest = n_nodes - n_nation - n_alliance
        counts = {"aircraft": int(rest * 0.45), "weapon": int(rest * 0.17), "base": int(rest * 0.17)}
        counts["sea"] = int(rest * 0.06)
        counts["location"] = rest - sum(counts.values())
        entity = self.entity
        self.nations = [entity(f"nation/N{i}", PK.Nation, f"Nation {i}") for i in range(n_nation)]
        self.alliances = [entity(f"alliance/a{i}", PK.Alliance, f"Alliance {i}") for i in range(n_alliance)]
        self.aircraft = [
            entity(f"aircraft/ac-{i}", PK[_AIRCRAFT[i % len(_AIRCRAFT)]], f"AC-{i}")
            for i in range(counts["aircraft"])
        ]
        self.weapons = [
            entity(f"weapon/w{i}", PK[_WEAPONS[i % 2]], f"Weapon {i}") for i in range(counts["weapon"])
        ]
        self.bases = [entity(f"base/b{i}", PK.Base, f"Base {i}") for i in range(counts["base"])]
        self.seas = [entity(f"sea/s{i}", PK.Sea, f"Sea {i}") for i in range(counts["sea"])]
        self.places = [entity(f"location/l{i}", PK.Location, f"Place {i}") for i in range(counts["location"])]
        self.armed = self.aircraft + self.weapons
        self.destinations = self.nations + self.bases + self.places + self.seas

    def facts(self) -> None:
        for items in (self.aircraft, self.weapons, self.bases):
            for item, nation in zip(items, _zipf(self.rng, self.nations, len(items)), strict=True):
                self.add((item, PK.operatedBy, nation))
                self.edges += 1
        for nation in self.nations:
            if self.rng.random() < 0.6:
                self.add((nation, PK.memberOf, self.alliances[int(self.rng.integers(len(self.alliances)))]))
                self.edges += 1

    def articles(self, n_articles: int) -> None:
        self.article_dates = []
        for i in range(n_articles):
            art = ID[f"article/{i:012x}"]
            date = dt.date(2023, 1, 1) + dt.timedelta(days=int(self.rng.integers(0, 1000)))
            self.add((art, RDF.type, PK.Article))
            self.add((art, DCTERMS.title, Literal(f"Report {i} on posturing <b>&</b> patrols")))
            self.add((art, DCTERMS.date, Literal(date.isoformat(), datatype=XSD.date)))
            self.add((art, DCTERMS.source, Literal(f"https://news.example/{i}")))
            self.article_dates.append((art, date))

    def relation(self) -> tuple[str, URIRef, URIRef]:
        """One random direct relation, skewed towards a few hubs."""
        rng, roll = self.rng, self.rng.random()
        if roll < 0.35:
            return "intercepted", *_zipf(rng, self.aircraft, 2)
        if roll < 0.55:
            return "escorted", *_zipf(rng, self.aircraft, 2)
        if roll < 0.85:
            s = _zipf(rng, self.armed, 1)[0]
            # half the deployments go somewhere rarely named, so few places stay unlinked
            dest = self.destinations
            o = _zipf(rng, dest, 1)[0] if rng.random() < 0.5 else dest[int(rng.integers(len(dest)))]
            return "deployedTo", s, o
        return "respondedTo", *_zipf(rng, self.nations, 2)

    def event(self, pred: str, s: URIRef, o: URIRef) -> None:
        """One event behind (s, pred, o), with its evidence sentence and article."""
        add, rng = self.add, self.rng
        ev = ID[f"event/{pred.lower()}/{self.events:012x}"]
        art, date = self.article_dates[int(rng.integers(len(self.article_dates)))]
        add((ev, RDF.type, _EVENT[pred]))
        add((ev, PK.directProperty, PK[pred]))
        add((ev, PK.actor, s))
        add((ev, PK.destination if pred == "deployedTo" else PK.target, o))
        add((ev, PK.date, Literal(date.isoformat(), datatype=XSD.date)))
        add((ev, PK.confidence, Literal(f"0.{int(rng.integers(50, 99))}", datatype=XSD.decimal)))
        if rng.random() < 0.4:
            add((ev, PK.location, self.seas[int(rng.integers(len(self.seas)))] if self.seas else o))
        evid = ID[f"evidence/{self.events:012x}/0-140"]
        who, whom = s.rsplit("/", 1)[-1], o.rsplit("/", 1)[-1]
        add((evid, PK.sentence, Literal(f"Officials said {who} {pred} {whom} near the border on Tuesday.")))
        add((evid, PK.trigger, Literal(pred)))
        add((evid, PROV.wasQuotedFrom, art))
        add((ev, PK.evidence, evid))
        add((ev, PROV.wasDerivedFrom, art))
        add((art, PK.mentions, s))
        add((art, PK.mentions, o))
        self.events += 1


def synthetic_graph(n_nodes: int, n_edges: int, seed: int = 1) -> Graph:
    """RDF with about `n_nodes` entities whose projection has about `n_edges` edges."""
    build = _Synthetic(n_nodes, seed)
    build.facts()
    build.articles(max(10, n_edges // 3))
    seen: set[tuple[URIRef, str, URIRef]] = set()
    while build.edges < n_edges:
        pred, s, o = build.relation()
        if s == o or (s, pred, o) in seen:
            continue
        seen.add((s, pred, o))
        build.add((s, PK[pred], o))
        build.edges += 1
        for _ in range(int(build.rng.geometric(0.7))):  # 1 event, sometimes more
            build.event(pred, s, o)
    return build.g


def _timed(func: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = func()
    return value, time.perf_counter() - start


def _poll(page: Any, expression: str, timeout: float = 120.0) -> Any:
    """page.evaluate in a loop: the page's CSP forbids the eval that wait_for_function uses."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.005)


#: Pans the view on every animation frame for `ms` and resolves with [frames, elapsed ms].
_PAN = """(ms) => new Promise((resolve) => {
  const sigma = window.kg.sigma, network = window.kg.network;
  const start = sigma ? sigma.getCamera().getState() : network.getViewPosition();
  let frames = 0, t0 = 0;
  function step(t) {
    if (!t0) t0 = t;
    frames++;
    const dx = Math.sin(frames / 10);
    if (sigma) sigma.getCamera().setState({x: start.x + dx * 0.05 * start.ratio, y: start.y});
    else network.moveTo({position: {x: start.x + dx * 200, y: start.y}, animation: false});
    if (t - t0 < ms) requestAnimationFrame(step); else resolve([frames - 1, t - t0]);
  }
  requestAnimationFrame(step);
})"""

#: Counts the renderer's own draws until stopped (for the mouse drag, which playwright drives).
_COUNT = """() => { window.__frames = {n: 0, t0: performance.now(), on: true};
  const count = () => { if (window.__frames.on) window.__frames.n++; };
  if (kg.sigma) kg.sigma.on("afterRender", count); else kg.network.on("afterDrawing", count); }"""

#: pointerdown on the drawing, then the first frame after kg.highlighted is set.
_CLICK_PROBE = """() => { window.__bench = {};
  document.getElementById("network").addEventListener("pointerdown", () => {
    window.__bench.down = performance.now();
    (function wait() { requestAnimationFrame(() => {
      if (kg.highlighted !== null)
        requestAnimationFrame(() => { window.__bench.drawn = performance.now(); });
      else wait(); }); })();
  }, {capture: true, once: true}); }"""

#: A 30-day time window in the middle of the date range, to its next drawn frame (ms).
_WINDOW = """() => new Promise((resolve) => {
  const r = kg.data.dateRange, a = KG.dayNumber(r[0]), b = KG.dayNumber(r[1]), mid = Math.round((a + b) / 2);
  const t0 = performance.now();
  kg.setWindow(KG.isoDay(mid - 15), KG.isoDay(mid + 14));
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
})"""

#: The viewport point of the best-linked node (DOM px relative to #network), and its id.
_HUB = """() => {
  const hub = kg.model.nodes.slice().sort((a, b) => b.degree - a.degree)[0].id;
  if (kg.sigma) {
    const d = kg.sigma.getNodeDisplayData(hub); return [hub, kg.sigma.framedGraphToViewport(d)];
  }
  kg.network.moveTo({position: kg.network.getPosition(hub), scale: 1});
  return [hub, kg.network.canvasToDOM(kg.network.getPosition(hub))];
}"""

_WEBGL = """() => { const gl = document.createElement("canvas").getContext("webgl");
  if (!gl) return "no WebGL"; const info = gl.getExtension("WEBGL_debug_renderer_info");
  return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER); }"""


def _open(browser: Any, path: Path) -> tuple[Any, Any, list[str], list[str]]:
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
    return context, page, blocked, errors


def _drag_fps(page: Any) -> float:
    box = page.locator("#network").bounding_box()
    x, y = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.8
    page.mouse.move(x, y)
    page.evaluate(_COUNT)
    page.mouse.down()
    for i in range(60):
        page.mouse.move(x + 4 * i, y - 2 * i)
    page.mouse.up()
    frames, elapsed = page.evaluate(
        "() => { window.__frames.on = false;"
        " return [window.__frames.n, performance.now() - window.__frames.t0]; }"
    )
    return float(frames) / (float(elapsed) / 1000)


def _click_ms(page: Any) -> float:
    box = page.locator("#network").bounding_box()
    page.evaluate("kg.clearHighlight()")
    hub, point = page.evaluate(_HUB)
    time.sleep(0.5)
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])  # hover first: measure the click only
    time.sleep(0.5)
    page.evaluate(_CLICK_PROBE)
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    _poll(page, "window.__bench.drawn")
    if page.evaluate("kg.highlighted") is None:
        raise RuntimeError(f"the click on {hub} highlighted nothing")
    return float(page.evaluate("window.__bench.drawn - window.__bench.down"))


def measure_page(browser: Any, path: Path) -> dict[str, float]:
    """One cold load: first draw, redraw ms and fps while panning, fps while dragging, click ms."""
    context, page, blocked, errors = _open(browser, path)
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit")
    first_draw = float(_poll(page, "window.__kgReady"))
    wall = time.perf_counter() - start
    time.sleep(1.0)  # let the first frames settle (vis: fit; sigma: labels)
    frames, elapsed = page.evaluate(_PAN, 2000)
    drag = _drag_fps(page)
    time.sleep(0.5)
    window = float(page.evaluate(_WINDOW))
    page.evaluate("document.getElementById('window-all').click()")
    time.sleep(0.5)
    click = _click_ms(page)
    context.close()
    if blocked or errors:
        raise RuntimeError(f"page not clean: blocked={blocked} errors={errors}")
    return {
        "first_draw_ms": first_draw,
        "wall_s": wall,
        "redraw_ms": float(elapsed) / max(1, int(frames)),
        "fps": int(frames) / (float(elapsed) / 1000),
        "drag_fps": drag,
        "click_ms": click,
        "window_ms": window,
    }


def run_case(
    browser: Any, n_nodes: int, renderers: list[str], runs: int, outdir: Path
) -> list[dict[str, Any]]:
    """One synthetic graph of n_nodes (5 edges each), written and measured with each renderer."""
    load = os.getloadavg()[0]
    rdf = synthetic_graph(n_nodes, 5 * n_nodes)
    start, cpu = time.perf_counter(), time.process_time()
    nxg = to_networkx(rdf)
    t_project, c_project = time.perf_counter() - start, time.process_time() - cpu
    del rdf  # 2M triples at 20k nodes: not kept while the browser runs
    out = []
    for renderer in renderers:
        path = outdir / f"graph-{n_nodes}-{renderer}.html"
        cpu = time.process_time()
        _, t_render = _timed(
            lambda r=renderer, p=path: write_html(nxg, p, title=f"bench {n_nodes}", renderer=r)
        )
        c_render = time.process_time() - cpu
        samples = [measure_page(browser, path) for _ in range(runs)]
        median = {key: statistics.median(s[key] for s in samples) for key in samples[0]}
        out.append(
            {
                "nodes": nxg.number_of_nodes(),
                "edges": nxg.number_of_edges(),
                "renderer": renderer,
                "project_s": t_project,
                "render_s": t_render,
                "python_cpu_s": c_project + c_render,
                "size_mb": path.stat().st_size / 1e6,
                "load": load,
                **median,
            }
        )
        print(out[-1], flush=True)
    return out


def _machine() -> str:
    try:
        with open("/proc/meminfo") as fh:
            kb = int(next(line for line in fh if line.startswith("MemTotal")).split()[1])
        ram = f"{kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        ram = "RAM unknown"
    return f"{platform.machine()}, {os.cpu_count()} CPUs (nproc), {ram}, Python {platform.python_version()}"


_TARGETS = "first draw <= 3,000 ms, redraw <= 33 ms, click <= 100 ms, Python <= 10 s, page <= 20 MB"


def _row(r: dict[str, Any], base: dict[str, Any]) -> str:
    python = r["project_s"] + r["render_s"]
    ratio = r["first_draw_ms"] / base["first_draw_ms"] if base["first_draw_ms"] else 0.0
    return (
        f"| {r['nodes']:,} / {r['edges']:,} | {r['renderer']} | {r['load']:.1f} | {r['project_s']:.2f} "
        f"| {r['render_s']:.2f} | {python:.2f} ({r['python_cpu_s']:.2f}) | {r['size_mb']:.1f} "
        f"| {r['first_draw_ms']:.0f} ({ratio:.1f}x) "
        f"| {r['redraw_ms']:.0f} ({r['fps']:.1f} fps) | {r['drag_fps']:.1f} | {r['click_ms']:.0f} "
        f"| {r['window_ms']:.0f} |"
    )


def _verdict(r: dict[str, Any]) -> str:
    checks = {
        "first draw": r["first_draw_ms"] <= 3000,
        "redraw": r["redraw_ms"] <= 33,
        "click": r["click_ms"] <= 100,
        "Python": r["project_s"] + r["render_s"] <= 10,
        "page size": r["size_mb"] <= 20,
    }
    met = [k for k, ok in checks.items() if ok]
    missed = [k for k, ok in checks.items() if not ok]
    return (
        f"{r['nodes']:,} nodes / {r['edges']:,} edges with {r['renderer']}: met {', '.join(met) or 'none'}; "
        f"missed {', '.join(missed) or 'none'}."
    )


def _report(rows: list[dict[str, Any]], runs: int, chromium: str, webgl: str, machine: str) -> str:
    base = rows[0]
    biggest = [r for r in rows if r["nodes"] == rows[-1]["nodes"]]
    lines = [
        f"### {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}: {machine}, {chromium}, WebGL: {webgl}",
        "",
        f"Median of {runs} cold loads from file:// (every other request aborted; none attempted); the "
        "load column is the 1-minute load average when the size's run started (the machine is shared). "
        "Times in the page are its own clock (performance.now); rasterising is software (--disable-gpu, "
        "SwiftShader for WebGL). First draw ratio against the first row.",
        "",
        "| nodes / edges | renderer | load | project s | write s | Python s (CPU s) | page MB "
        "| first draw ms "
        "| redraw ms (fps), panning | draws/s, dragging | click→highlight ms | 30-day window ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        *(_row(r, base) for r in rows),
        "",
        f"Targets (issue 18, at 20,000 / 100,000): {_TARGETS}. " + " ".join(_verdict(r) for r in biggest),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--vis-max", type=int, default=5000, help="largest size also drawn with vis-network")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="write the pages here and keep them")
    parser.add_argument("--no-append", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    machine = _machine()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        outdir = args.keep or Path(tmp)
        outdir.mkdir(parents=True, exist_ok=True)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        chromium = f"Chromium {browser.version}"
        probe = browser.new_page()
        webgl = str(probe.evaluate(_WEBGL))
        probe.close()
        for n in args.sizes:
            renderers = ["vis", "sigma"] if n <= args.vis_max else ["sigma"]
            rows += run_case(browser, n, renderers, args.runs, outdir)
        browser.close()
    text = _report(rows, args.runs, chromium, webgl, machine)
    print(text)
    if not args.no_append:
        append_run(HEADING, text, intro="Written by `bench/viz.py`; newest run last.")
        print(f"appended to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
