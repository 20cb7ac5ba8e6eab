"""graph.html and timeline.html in a real headless Chromium (Debian's), with the network cut off."""

from __future__ import annotations

import importlib.util
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from test_project import XSS_IMG, XSS_SCRIPT, sample_graph

from kg.graph.project import to_networkx
from kg.view.render import write_html
from kg.view.timeline import write_timeline
from kg.vocab import ID

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

#: CI sets KG_REQUIRE_BROWSER=1: there a missing browser is a failure, not a skip.
_REQUIRED = os.environ.get("KG_REQUIRE_BROWSER") == "1"
if _REQUIRED and (shutil.which(CHROMIUM) is None or importlib.util.find_spec("playwright") is None):
    raise RuntimeError(f"KG_REQUIRE_BROWSER=1 but {CHROMIUM} or playwright is missing")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None,
        reason=f"{CHROMIUM} not found: apt-get install chromium",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None,
        reason="playwright not installed: pip install -e '.[browser]' (never `playwright install`)",
    ),
]

MIG = str(ID["aircraft/mig-31"])
B1 = str(ID["aircraft/b-1b"])
RU = str(ID["nation/RU"])
LT = str(ID["nation/LT"])


@dataclass
class Opened:
    page: Any
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def check_clean(self) -> None:
        assert self.blocked == [], f"the page tried to reach the network: {self.blocked}"
        assert all(u.startswith(("file://", "data:")) for u in self.requests), self.requests
        assert self.errors == [], self.errors


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Opened]]:
    contexts: list[Any] = []

    def _open(path: Path, *, bypass_csp: bool = False) -> Opened:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page)

        def route(r: Any) -> None:
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                opened.blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.on("request", lambda req: opened.requests.append(req.url))
        page.on("console", lambda msg: opened.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
        page.goto(path.as_uri())
        return opened

    yield _open
    for context in contexts:
        context.close()


def _graph_page(tmp_path: Path, **kwargs: Any) -> Path:
    g = to_networkx(sample_graph(xss=True))
    return write_html(g, tmp_path / "graph.html", title="posture-kg test", **kwargs)


def _wait_until(page: Any, expression: str, timeout: float = 20.0) -> None:
    """Poll with page.evaluate: wait_for_function compiles its predicate with eval, which our CSP forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"!!({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(25)


def _wait_ready(page: Any) -> None:
    _wait_until(page, "window.kg && window.kg.ready === true")


def _visible_nodes(page: Any) -> set[str]:
    """Ids of the nodes the network holds (filters remove nodes through a DataView)."""
    return set(page.evaluate("kg.network.body.nodeIndices.slice()"))


def _visible_edges(page: Any) -> list[str]:
    return sorted(page.evaluate("kg.edgesView.get().map(e => e.predicate)"))


def _pixel(page: Any, node: str) -> tuple[int, int, int]:
    """RGB of the canvas at a node's centre."""
    script = """(id) => {
      var c = document.querySelector("#network canvas"), r = window.devicePixelRatio;
      var p = kg.network.canvasToDOM(kg.network.getPosition(id));
      var px = c.getContext("2d").getImageData(Math.round(p.x * r), Math.round(p.y * r), 1, 1).data;
      return [px[0], px[1], px[2]];
    }"""
    r, g, b = page.evaluate(script, node)
    return r, g, b


def _hover(page: Any, point: Callable[[], tuple[float, float]], tries: int = 5) -> None:
    """Move the mouse onto a node until its tooltip shows: the first move can land while the
    view still settles (a camera animation, a resize), so the point is read again each time."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(tries - 1):
        page.mouse.move(5, 5)
        page.mouse.move(*point())
        try:
            page.wait_for_selector("#tip:not([hidden])", timeout=3000)
            return
        except PlaywrightTimeout:
            continue
    page.mouse.move(*point())
    page.wait_for_selector("#tip:not([hidden])")


def _dom_point(page: Any, js_canvas_point: str) -> tuple[float, float]:
    """Page coordinates of a canvas point given as a JS expression."""
    box = page.locator("#network").bounding_box()
    point = page.evaluate(f"kg.network.canvasToDOM({js_canvas_point})")
    return box["x"] + point["x"], box["y"] + point["y"]


@pytest.mark.parametrize("threshold", [500, 0], ids=["physics", "precomputed"])
def test_browser_graph_loads_offline(
    open_page: Callable[[Path], Opened], tmp_path: Path, threshold: int
) -> None:
    opened = open_page(_graph_page(tmp_path, physics_threshold=threshold))
    page = opened.page
    _wait_ready(page)
    assert page.evaluate("[kg.nodes.length, kg.edges.length]") == [8, 7]
    assert page.evaluate("kg.network.body.nodeIndices.length") == 8
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#counts").inner_text() == "8 of 8 entities, 7 of 7 relations shown"
    page.click("#fit")
    page.screenshot(path=str(tmp_path / f"graph-{threshold}.png"))
    opened.check_clean()


def test_browser_type_filter_hides_nodes(open_page: Callable[[Path], Opened], tmp_path: Path) -> None:
    opened = open_page(_graph_page(tmp_path))
    page = opened.page
    _wait_ready(page)
    page.uncheck("input[data-kind=Aircraft]")
    assert _visible_nodes(page) == {n for n in to_networkx(sample_graph()) if n not in (MIG, B1)}
    assert _visible_edges(page) == ["deployedTo", "memberOf", "respondedTo"]
    page.uncheck("input[data-predicate=respondedTo]")
    assert _visible_edges(page) == ["deployedTo", "memberOf"]
    page.click("#reset")
    assert len(_visible_nodes(page)) == 8 and len(_visible_edges(page)) == 7
    opened.check_clean()


def test_browser_date_filter(open_page: Callable[[Path], Opened], tmp_path: Path) -> None:
    opened = open_page(_graph_page(tmp_path))
    page = opened.page
    _wait_ready(page)
    page.fill("#date-from", "2024-03-30")
    assert _visible_edges(page) == ["deployedTo", "intercepted", "operatedBy", "operatedBy", "respondedTo"]
    page.uncheck("#undated")
    assert _visible_edges(page) == ["intercepted"]  # facts need both ends shown
    assert _visible_nodes(page) == {MIG, B1}
    opened.check_clean()


def test_browser_search_focuses_node(open_page: Callable[[Path], Opened], tmp_path: Path) -> None:
    opened = open_page(_graph_page(tmp_path, physics_threshold=0))
    page = opened.page
    _wait_ready(page)
    page.fill("#search", "lancer")  # an alias of the B-1B
    page.press("#search", "Enter")
    assert page.evaluate("kg.focused") == B1
    assert page.evaluate("kg.network.getSelectedNodes()") == [B1]
    page.wait_for_timeout(600)  # the focus animation
    view = page.evaluate("kg.network.getViewPosition()")
    node = page.evaluate(f"kg.network.getPosition({B1!r})")
    assert abs(view["x"] - node["x"]) < 1 and abs(view["y"] - node["y"]) < 1
    assert "B-1B" in page.locator("#details").inner_text()
    page.fill("#search", "no such thing")
    page.press("#search", "Enter")
    assert "No entity matches" in page.locator("#message").inner_text()
    opened.check_clean()


def test_browser_click_highlights_neighbourhood(open_page: Callable[[Path], Opened], tmp_path: Path) -> None:
    opened = open_page(_graph_page(tmp_path, physics_threshold=0))
    page = opened.page
    _wait_ready(page)
    before, before_ru = _pixel(page, LT), _pixel(page, RU)
    page.mouse.click(*_dom_point(page, f"kg.network.getPosition({MIG!r})"))
    _wait_until(page, "kg.highlighted !== null")
    assert page.evaluate("kg.highlighted") == MIG
    assert set(page.evaluate("Array.from(kg.neighbourhood.nodes)")) == {MIG, B1, RU}
    assert sorted(
        page.evaluate("Array.from(kg.neighbourhood.edges).map(id => kg.edges.get(id).predicate)")
    ) == [
        "escorted",
        "intercepted",
        "operatedBy",
    ]
    page.wait_for_timeout(100)  # the redraw runs on the next animation frame
    after = _pixel(page, LT)  # outside the neighbourhood: paler under the veil
    assert sum(after) > sum(before) + 150, (before, after)
    assert _pixel(page, RU) == before_ru  # inside: drawn again on top, unchanged
    page.screenshot(path=str(tmp_path / "highlight.png"))
    page.mouse.click(
        5 + page.locator("#network").bounding_box()["x"], 5 + page.locator("#network").bounding_box()["y"]
    )
    assert page.evaluate("kg.highlighted") is None
    opened.check_clean()


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["csp", "escaping-only"])
def test_browser_xss_is_inert_and_shown_as_text(
    open_page: Callable[..., Opened], tmp_path: Path, bypass_csp: bool
) -> None:
    opened = open_page(_graph_page(tmp_path, physics_threshold=0), bypass_csp=bypass_csp)
    page = opened.page
    _wait_ready(page)
    # a node tooltip: the alias carries the <img onerror> payload
    _hover(page, lambda: _dom_point(page, f"kg.network.getPosition({MIG!r})"))
    assert XSS_IMG in page.locator("#tip").inner_text()
    # an edge tooltip: evidence sentence and article title carry both payloads
    page.mouse.move(5, 5)
    edge = page.evaluate("kg.edges.get({filter: e => e.predicate === 'intercepted'})[0].id")
    midpoint = f"kg.network.body.edges[{edge!r}].edgeType.getPoint(0.5)"  # on the drawn curve
    page.mouse.move(*_dom_point(page, midpoint))
    _wait_until(page, "document.getElementById('tip').textContent.indexOf('intercepted') >= 0")
    tip = page.locator("#tip").inner_text()
    assert XSS_SCRIPT in tip and XSS_IMG in tip
    page.mouse.click(*_dom_point(page, midpoint))
    details = page.locator("#details").inner_text()
    assert XSS_SCRIPT in details and "Tass" in details
    page.screenshot(path=str(tmp_path / "xss.png"))
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('script').length") == 3  # data, vis-network, app
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    opened.check_clean()


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["csp", "escaping-only"])
def test_browser_timeline_offline_and_filters(
    open_page: Callable[..., Opened], tmp_path: Path, bypass_csp: bool
) -> None:
    opened = open_page(write_timeline(sample_graph(xss=True), tmp_path), bypass_csp=bypass_csp)
    page = opened.page
    _wait_until(page, "window.kgTimeline && window.kgTimeline.ready")
    rows = page.locator("#rows tr")
    assert rows.count() == 5
    assert page.locator("#n-shown").inner_text() == "5"
    page.uncheck("#types input[data-type=Interception]")
    assert page.locator("#rows tr:not([hidden])").count() == 3
    assert page.locator("#n-shown").inner_text() == "3"
    page.check("#types input[data-type=Interception]")
    page.fill("#q", "lithuania")
    assert page.locator("#rows tr:not([hidden])").count() == 1
    assert "Deployment" in page.locator("#rows tr:not([hidden])").inner_text()
    page.fill("#q", "")
    first = page.locator("#rows tr").first.inner_text()
    assert XSS_SCRIPT in first and XSS_IMG in first
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    page.screenshot(path=str(tmp_path / "timeline.png"), full_page=True)
    opened.check_clean()


# ---------------------------------------------------------------- time window (both renderers)


def _bright_edges(page: Any) -> list[str]:
    """Predicates of the relations drawn in full colour: shown and not faded by the time window."""
    return sorted(
        page.evaluate(
            "kg.model.edges.filter(e => !kg.state.hiddenE.has(e.id) && !kg.state.fadedE.has(e.id))"
            ".map(e => e.predicate)"
        )
    )


def _legend_counts(page: Any) -> dict[str, str]:
    return dict(
        page.evaluate(
            "Array.from(document.querySelectorAll('#predicates .count'))"
            ".map(c => [c.getAttribute('data-predicate'), c.textContent])"
        )
    )


@pytest.mark.parametrize("renderer", ["vis", "sigma"])
def test_browser_time_window_fades_edges_and_counts_follow(
    open_page: Callable[[Path], Opened], tmp_path: Path, renderer: str
) -> None:
    opened = open_page(_graph_page(tmp_path, renderer=renderer, physics_threshold=0))
    page = opened.page
    _wait_ready(page)
    everything = _bright_edges(page)
    assert len(everything) == 7
    assert _legend_counts(page)["intercepted"] == "1"
    # the sample's events fall on 2024-03-26 (two) and 2024-04-01; the slider spans those 7 days
    assert page.evaluate("[+document.getElementById('window-to').max]") == [6]
    page.focus("#window-to")
    for _ in range(6):  # the keyboard moves the end handle back to the first day, as a user would
        page.keyboard.press("ArrowLeft")
    _wait_until(
        page, "document.getElementById('window-label').textContent === '2024-03-26 \u2013 2024-03-26'"
    )
    # in the window: the interception and the escort of 03-26; facts only between entities in it
    assert _bright_edges(page) == ["escorted", "intercepted"]
    counts = _legend_counts(page)
    assert (
        counts["respondedTo"] == "0 / 1" and counts["intercepted"] == "1" and counts["deployedTo"] == "0 / 1"
    )
    assert page.locator(".count[data-kind=Nation]").inner_text() == "0 / 3"
    assert page.locator(".count[data-kind=Aircraft]").inner_text() == "2"
    assert "2 entities, 2 relations in the window" in page.locator("#counts").inner_text()
    page.focus("#window-from")
    for _ in range(6):  # the start handle over the end one: the window is 04-01 alone
        page.keyboard.press("ArrowRight")
    _wait_until(
        page, "document.getElementById('window-label').textContent.indexOf('2024-03-26 \u2013') === 0"
    )
    page.click("#window-all")
    assert _bright_edges(page) == everything
    page.screenshot(path=str(tmp_path / f"window-{renderer}.png"))
    opened.check_clean()


def test_browser_time_window_fades_the_drawing(open_page: Callable[[Path], Opened], tmp_path: Path) -> None:
    opened = open_page(_graph_page(tmp_path, physics_threshold=0))
    page = opened.page
    _wait_ready(page)
    lt, mig = _pixel(page, LT), _pixel(page, MIG)
    page.evaluate("kg.setWindow('2024-03-26', '2024-03-27')")  # Lithuania's deployment is undated
    page.wait_for_timeout(150)
    after = _pixel(page, LT)
    assert sum(after) > sum(lt) + 300, ("a faded entity is drawn pale", lt, after)
    assert _pixel(page, MIG) == mig, "an entity in the window keeps its colour"
    page.click("#window-all")
    page.wait_for_timeout(150)
    assert _pixel(page, LT) == lt
    opened.check_clean()


# ---------------------------------------------------------------- the big-graph renderer (sigma.js)


def _sigma_point(page: Any, node: str) -> tuple[float, float]:
    for _ in range(100):  # a search moves the camera to its node (polled here: the page's CSP forbids eval)
        if not page.evaluate("kg.sigma.getCamera().isAnimated()"):
            break
        time.sleep(0.05)
    box = page.locator("#network").bounding_box()
    p = page.evaluate("(id) => kg.sigma.framedGraphToViewport(kg.sigma.getNodeDisplayData(id))", node)
    return box["x"] + p["x"], box["y"] + p["y"]


def test_browser_sigma_page_draws_offline_in_webgl(
    open_page: Callable[[Path], Opened], tmp_path: Path
) -> None:
    opened = open_page(_graph_page(tmp_path, renderer="sigma"))
    page = opened.page
    _wait_ready(page)
    assert page.evaluate("kg.renderer") == "sigma"
    assert page.evaluate("[kg.graph.order, kg.graph.size]") == [8, 7]
    assert page.locator("#counts").inner_text() == "8 of 8 entities, 7 of 7 relations shown"
    drawn = page.evaluate(
        """() => { var c = document.querySelector("#network canvas.sigma-nodes"); if (!c) return -1;
          var gl = c.getContext("webgl2") || c.getContext("webgl"); return gl ? 1 : 0; }"""
    )
    assert drawn == 1, "sigma draws its nodes on a WebGL canvas"
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('script').length") == 3  # data, sigma bundle, app
    page.screenshot(path=str(tmp_path / "sigma.png"))
    opened.check_clean()


def test_browser_sigma_filters_search_and_highlight(
    open_page: Callable[[Path], Opened], tmp_path: Path
) -> None:
    opened = open_page(_graph_page(tmp_path, renderer="sigma"))
    page = opened.page
    _wait_ready(page)
    page.uncheck("input[data-kind=Aircraft]")
    hidden = page.evaluate("kg.graph.nodes().filter(id => kg.sigma.getNodeDisplayData(id).hidden)")
    assert set(hidden) == {MIG, B1}
    page.click("#reset")
    assert page.evaluate("kg.graph.nodes().filter(id => kg.sigma.getNodeDisplayData(id).hidden)") == []
    page.fill("#search", "lancer")
    page.press("#search", "Enter")
    assert page.evaluate("kg.focused") == B1 and "B-1B" in page.locator("#details").inner_text()
    page.wait_for_timeout(600)  # the camera animation
    page.mouse.click(
        5 + page.locator("#network").bounding_box()["x"], 5 + page.locator("#network").bounding_box()["y"]
    )
    assert page.evaluate("kg.highlighted") is None
    page.click("#fit")
    page.wait_for_timeout(400)  # two clicks within sigma's double-click time would zoom instead
    page.mouse.click(*_sigma_point(page, MIG))
    _wait_until(page, "kg.highlighted !== null")
    assert page.evaluate("kg.highlighted") == MIG
    assert set(page.evaluate("Array.from(kg.neighbourhood.nodes)")) == {MIG, B1, RU}
    veil = page.evaluate(
        """() => { var c = document.querySelector("#network canvas.kg-overlay");
          var px = c.getContext("2d").getImageData(5, 5, 1, 1).data; return px[3]; }"""
    )
    assert veil > 150, "the overlay veils what is outside the neighbourhood"
    opened.check_clean()


@pytest.mark.parametrize("limit", [8000, 0], ids=["overlay", "webgl"])
def test_browser_sigma_time_window_draws_either_way(
    open_page: Callable[[Path], Opened], tmp_path: Path, limit: int
) -> None:
    """A narrow window is drawn on the 2D overlay; a wide one restyles sigma's WebGL items."""
    opened = open_page(_graph_page(tmp_path, renderer="sigma"))
    page = opened.page
    _wait_ready(page)
    colour = page.evaluate(f"kg.sigma.getNodeDisplayData({LT!r}).color")
    page.evaluate(f"kg.data.overlayWindow = {limit}")
    page.evaluate("kg.setWindow('2024-03-26', '2024-03-27')")
    veil = page.evaluate(
        """() => document.querySelector("#network canvas.kg-overlay").getContext("2d")
          .getImageData(5, 5, 1, 1).data[3]"""
    )
    faded = page.evaluate(f"kg.sigma.getNodeDisplayData({LT!r}).color")
    if limit:
        assert veil > 150 and faded == colour, "overlay: veil over all, WebGL items untouched"
    else:
        assert veil == 0 and faded != colour, "WebGL: no veil, the entity outside the window restyled"
    assert page.evaluate(f"kg.sigma.getNodeDisplayData({MIG!r}).color") != "#e4e4e8"
    page.click("#window-all")
    assert page.evaluate(f"kg.sigma.getNodeDisplayData({LT!r}).color") == colour
    opened.check_clean()


@pytest.mark.parametrize("renderer", ["vis", "sigma"])
def test_browser_relation_list_opens_evidence_as_text(
    open_page: Callable[[Path], Opened], tmp_path: Path, renderer: str
) -> None:
    """Big graphs draw edges too thin to click: an entity's details list its relations."""
    opened = open_page(_graph_page(tmp_path, renderer=renderer, physics_threshold=0))
    page = opened.page
    _wait_ready(page)
    page.fill("#search", "MiG-31")
    page.press("#search", "Enter")
    buttons = page.locator("#details ul.relations button")
    assert buttons.count() == 3
    page.locator("#details ul.relations button", has_text="intercepted").click()
    details = page.locator("#details").inner_text()
    assert XSS_SCRIPT in details and XSS_IMG in details and "Tass" in details
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    _hover(
        page,
        lambda: (
            _sigma_point(page, MIG)
            if renderer == "sigma"
            else _dom_point(page, f"kg.network.getPosition({MIG!r})")
        ),
    )
    assert XSS_IMG in page.locator("#tip").inner_text()
    opened.check_clean()
