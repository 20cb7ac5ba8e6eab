"""The page API (kg.view.page): assets as files, inlined; CSP by hash; data as escaped JSON."""

from __future__ import annotations

import ast
import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.view.page import asset_text, content_security_policy, inline_script, render_page, script_json

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "kg" / "view" / "assets"

#: What page code looks like inside a Python string: markup, styles, script.
PAGE_CODE = re.compile(
    r"<!DOCTYPE|<html|<script|<style|<table|addEventListener|getElementById|document\.|"
    r"\{\s*box-sizing|font:\s*\d+px",
    re.I,
)


def _scripts(page: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", page, re.S)


def test_page_render_inlines_assets_with_their_hashes() -> None:
    page = render_page("timeline.html", title="T", css=["common.css"], js=["common.js"], types=[], rows=[])
    assert asset_text("common.css").strip()[:40] in page
    scripts = _scripts(page)
    assert len(scripts) == 1 and "window.KG" in scripts[0]
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src 'none'" in csp.group(1) and "connect-src 'none'" in csp.group(1)
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp.group(1)


def test_page_data_is_json_that_cannot_close_its_script() -> None:
    value = {"text": "</script><script>alert(1)</script> & <!-- \u2028"}
    page = render_page("timeline.html", title="T", css=[], js=["common.js"], data=value, types=[], rows=[])
    block = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.S)
    assert block and json.loads(block.group(1)) == value
    assert "</script><script>alert" not in page
    assert script_json("<&>") == '"\\u003c\\u0026\\u003e"'


def test_page_vendor_scripts_cannot_end_their_element() -> None:
    text = 'var s = "</script><!--";'
    assert "</script" not in inline_script(text) and "<!--" not in inline_script(text)
    page = render_page("timeline.html", title="T", css=[], js=[], vendor_js=[text], types=[], rows=[])
    assert page.count("</script>") == 1


def test_page_title_is_escaped() -> None:
    page = render_page("timeline.html", title="<b>x</b>", css=[], js=[], types=[], rows=[])
    assert "<title>&lt;b&gt;x&lt;/b&gt;</title>" in page


def test_page_missing_asset_and_template_name_the_file() -> None:
    with pytest.raises(KgError, match=r"'nothing\.js'.*reinstall"):
        render_page("timeline.html", title="T", css=[], js=["nothing.js"], types=[], rows=[])
    with pytest.raises(KgError, match=r"'nothing\.html' is not in kg/view/assets"):
        render_page("nothing.html", title="T", css=[], js=[])


def test_page_csp_lists_every_script() -> None:
    csp = content_security_policy("a", "b")
    assert csp.count("'sha256-") == 2 and "'unsafe-inline'" not in csp.split("style-src")[0]
    assert "script-src 'none';" in content_security_policy(), "a page without scripts runs none"


def _strings(path: Path) -> list[str]:
    """The string constants of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_page_no_python_string_in_kg_holds_page_code() -> None:
    """Page code lives in kg/view/assets; no Python string in kg/ holds any."""
    modules = sorted((ROOT / "kg").rglob("*.py"))
    assert len(modules) > 40
    for path in modules:
        for text in _strings(path):
            assert not PAGE_CODE.search(text), f"{path.name} holds page code: {text[:80]!r}"


def test_page_assets_are_package_data() -> None:
    """pyproject ships every asset, the vendored bundle included, with its licence beside it."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"view/assets/**/*"' in pyproject
    for name in (
        "base.html",
        "graph.html",
        "timeline.html",
        "common.js",
        "graph.js",
        "graph-vis.js",
        "graph-sigma.js",
        "timeline.js",
        "common.css",
        "graph.css",
        "timeline.css",
        "palette.json",
    ):
        assert (ASSETS / name).is_file(), name
    bundle = asset_text("vendor/sigma-graphology.min.js")
    licence = asset_text("vendor/sigma-graphology.LICENSE.txt")
    assert "window.KGSigma" in bundle or "KGSigma" in bundle
    assert "Permission is hereby granted" in licence


def test_page_vendored_bundle_matches_the_lockfile() -> None:
    """The bundle banner names the versions web/package-lock.json pins (rebuilt by web/build-vendor.mjs)."""
    lock = json.loads((ROOT / "web" / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    banner = asset_text("vendor/sigma-graphology.min.js").split("\n", 1)[0]
    for name in ("sigma", "graphology"):
        assert f"{name}@{lock[f'node_modules/{name}']['version']}" in banner, banner
    for name, version in re.findall(r"([@\w./-]+)@(\d[\w.-]*)", banner):
        assert lock[f"node_modules/{name}"]["version"] == version


def test_page_scripts_use_no_html_sinks() -> None:
    """Article text reaches the DOM through textContent only (eslint enforces this in CI too)."""
    for path in ASSETS.glob("*.js"):
        text = re.sub(r"//[^\n]*", "", path.read_text(encoding="utf-8"))  # comments may name them
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(", text), (
            path.name
        )
