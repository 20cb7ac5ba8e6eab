"""The screenshots in docs/ (graph.png, slider.png, graph-big.png, timeline.png), from real pages
in Debian's headless Chromium with every non-file request aborted.

    .venv/bin/kg build examples/articles -o /tmp/ex
    .venv/bin/python bench/viz.py --sizes 20000 --runs 1 --no-append --keep /tmp/pages
    .venv/bin/python bench/screenshots.py /tmp/ex /tmp/pages/graph-20000-sigma.html
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from viz import CHROMIUM, CHROMIUM_ARGS, _poll

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _open(browser: Any, path: Path) -> Any:
    page = browser.new_page(viewport={"width": 1400, "height": 860})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    page.__errors = errors
    return page


def _ready(page: Any) -> None:
    _poll(page, "window.kg && window.kg.ready")
    time.sleep(1.5)  # physics polish (vis) or labels (sigma)


def _click_node(page: Any, label: str) -> None:
    """A real click on the entity's drawn position (both renderers)."""
    box = page.locator("#network").bounding_box()
    point = page.evaluate(
        """(label) => { var n = kg.model.nodes.find(x => x.label === label);
          if (kg.sigma) return kg.sigma.framedGraphToViewport(kg.sigma.getNodeDisplayData(n.id));
          return kg.network.canvasToDOM(kg.network.getPosition(n.id)); }""",
        label,
    )
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    time.sleep(0.3)
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    time.sleep(0.5)


def shoot(outdir: Path, big: Path | None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = _open(browser, outdir / "graph.html")
        _ready(page)
        _click_node(page, "Russia")
        page.mouse.move(5, 5)
        page.screenshot(path=str(DOCS / "graph.png"))
        page.evaluate("kg.clearHighlight()")
        page.evaluate("kg.setWindow('2025-06-01', '2025-07-15')")  # a real drag is in test_browser.py
        time.sleep(0.5)
        page.screenshot(path=str(DOCS / "slider.png"))
        written += [DOCS / "graph.png", DOCS / "slider.png"]
        page = _open(browser, outdir / "timeline.html")
        time.sleep(0.5)
        page.screenshot(path=str(DOCS / "timeline.png"))
        written.append(DOCS / "timeline.png")
        if big is not None:
            page = _open(browser, big)
            _ready(page)
            # an entity with a few dozen relations (the hubs have thousands), then the whole graph
            name = page.evaluate("kg.model.nodes.find(n => n.degree >= 30 && n.degree <= 40).label")
            page.fill("#search", name)
            page.press("#search", "Enter")
            time.sleep(1.0)  # the camera's move to it
            page.screenshot(path=str(DOCS / "graph-big-focus.png"))
            written.append(DOCS / "graph-big-focus.png")
            page.click("#fit")
            time.sleep(1.0)
            page.screenshot(path=str(DOCS / "graph-big.png"))
            written.append(DOCS / "graph-big.png")
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("outdir", type=Path, help="a built OUTDIR with graph.html and timeline.html")
    parser.add_argument("big", type=Path, nargs="?", default=None, help="a big graph.html (sigma.js)")
    args = parser.parse_args(argv)
    for path in shoot(args.outdir, args.big):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
