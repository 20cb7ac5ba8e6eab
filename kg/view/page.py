"""Page assets → one self-contained offline HTML page: the shared page API of kg/view.

Takes a Jinja2 template from kg/view/assets/ (which extends `base.html`), asset names of the
stylesheets and scripts to inline, vendored script texts, and the page data; gives the page as
one string. Every page (graph, timeline, and any later one) is assembled by `render_page`:

    render_page("report.html", title="...", css=["common.css", "report.css"],
                js=["common.js", "report.js"], vendor_js=[asset_text("vendor/x.min.js")],
                data={...}, any_other_template_variable=...)

- Our scripts (`js`) are joined, in order, into one inline script; vendored ones come before it,
  one inline script each; the data goes into `<script id="kg-data" type="application/json">`
  (read in the page with `KG.readData()` from common.js).
- A Content-Security-Policy with the hashes of exactly these scripts forbids any other script
  and every network fetch, so the page works, and can only work, offline.
- Templates are autoescaped: text from articles is escaped wherever a template prints it, and
  the JSON data has `<`, `>` and `&` escaped, so `</script>` cannot close its block.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from kg.errors import KgError

_PACKAGE = "kg.view"
_FOLDER = "assets"


def asset_text(name: str) -> str:
    """The text of kg/view/assets/<name> (a '/'-separated path below assets/)."""
    resource = resources.files(_PACKAGE).joinpath(_FOLDER, *name.split("/"))
    try:
        return resource.read_text(encoding="utf-8")
    except OSError as exc:
        raise KgError(
            f"page asset {name!r} is missing from the installed package ({resource}): "
            "reinstall posture-kg (`pip install -e .`)"
        ) from exc


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


def inline_script(text: str) -> str:
    """Script text that cannot end its <script> element early (`</script`, `<!--` neutralised)."""
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def content_security_policy(*scripts: str) -> str:
    """A CSP allowing only these inline scripts (by hash): no remote loads, no injected handlers."""
    hashes = (
        " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
            for s in scripts
        )
        or "'none'"
    )
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
        "font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader(_PACKAGE, _FOLDER),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_page(
    template: str,
    *,
    title: str,
    css: Sequence[str],
    js: Sequence[str],
    vendor_js: Sequence[str] = (),
    data: object = None,
    generator: str = "posture-kg",
    **context: Any,
) -> str:
    """One offline page from `template` (extending base.html) with these assets inlined."""
    app = "\n".join(asset_text(name) for name in js)
    scripts = [inline_script(text) for text in (*vendor_js, app) if text]
    style = "\n".join(asset_text(name) for name in css)
    if "</style" in style.lower():
        raise KgError(f"a stylesheet in {list(css)} contains '</style': it would end the page's style block")
    try:
        page = _environment().get_template(template)
    except jinja2.TemplateNotFound as exc:
        raise KgError(f"page template {template!r} is not in kg/view/assets/") from exc
    return page.render(
        title=title,
        generator=generator,
        # a CSP holds no `"`, `<` or `&`; its quotes stay readable in the double-quoted attribute
        csp=Markup(html.escape(content_security_policy(*scripts), quote=False)),
        style=Markup(style),
        scripts=[Markup(s) for s in scripts],
        data=None if data is None else Markup(script_json(data)),
        **context,
    )
