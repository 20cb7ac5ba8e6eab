"""The HTML reader: a page's main text, title and date, via trafilatura, else the standard library.

Takes the decoded text of an .html/.htm file and gives one `Document`: trafilatura's main text
(menus, scripts, comments and cookie banners left out) with the page's title, date and URL.
When trafilatura finds no main text, or cannot be imported, the page's visible text is taken
with `html.parser`; a failed import is reported once per run with the real import error and
the command that fixes it, never as "not installed" when the package is there but broken.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import logging
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from kg.records import Notice
from kg.text.base import FileReader, Item, ReadOptions, probe_verdict
from kg.text.clean import normalise_newlines
from kg.text.document import Document, Meta, slugify, str_or_none

#: The Python package trafilatura needs on lxml 5.2 and later, where lxml.html.clean moved out.
_PACKAGE_OF = {"lxml_html_clean": "lxml_html_clean", "lxml": "lxml", "trafilatura": "trafilatura"}
_INSTALL = "pip install -c constraints.txt -e . in a checkout"


class HtmlReader(FileReader):
    """`.html`/`.htm` pages."""

    format = "html"
    suffixes = (".html", ".htm")
    library = "trafilatura"
    sample = (
        b"<html><head><title>Sample</title></head><body><nav>Home | World | Sport</nav><article>"
        b"<h1>Sample</h1><p>Norwegian F-35 jets intercepted two bombers over the Barents Sea on "
        b"Tuesday, the defence ministry said in a statement to reporters.</p><p>The bombers turned "
        b"back and no airspace violation occurred, according to officials who spoke later.</p>"
        b"</article><footer>Copyright</footer><script>var tracking = 1;</script></body></html>"
    )

    def __init__(self, options: ReadOptions) -> None:
        super().__init__(options)
        self._told = False

    def parse(self, path: Path, source: str, text: str) -> Iterator[Item]:
        module, problem = import_trafilatura()
        if problem and not self._told:
            self._told = True
            yield Notice(source, problem + " (said once for all HTML inputs)")
        found = main_text(module, text) if module is not None else None
        body, meta = found or fallback_text(text)
        yield Document(source, source, body, meta, slugify(path.stem))

    @classmethod
    def probe(cls) -> tuple[bool, str]:
        module, problem = import_trafilatura()
        if module is None:
            return False, problem or "trafilatura cannot be imported"
        found = main_text(module, cls.sample.decode("utf-8"))
        if found is None or "tracking" in found[0]:
            return False, "trafilatura did not find the main text of a sample page"
        verdict, seen = probe_verdict([Document("sample.html", "sample.html", found[0])], cls.sample_phrase)
        version = getattr(module, "__version__", "?")
        return verdict, f"trafilatura {version} {seen}" if verdict else seen


@functools.cache
def import_trafilatura() -> tuple[Any, str | None]:
    """(the trafilatura module, None), or (None, the real import error and the fix)."""
    try:
        return importlib.import_module("trafilatura"), None
    except ImportError as exc:
        return None, _import_problem(exc)


def _import_problem(exc: ImportError) -> str:
    missing = None
    cause: BaseException | None = exc
    while cause is not None:  # the innermost missing module names the package to install
        if isinstance(cause, ModuleNotFoundError) and cause.name:
            missing = cause.name.split(".")[0]
        cause = cause.__cause__ or cause.__context__
    what = " ".join(str(exc).split())
    package = _PACKAGE_OF.get(missing or "", missing)
    if "lxml_html_clean" in what or "lxml.html.clean" in what:
        package = "lxml_html_clean"
    fix = f"pip install {package}" if package else "pip install --force-reinstall trafilatura"
    return (
        f"HTML read as plain page text (menus and footers included): trafilatura cannot be imported "
        f"({type(exc).__name__}: {what}); fix: {fix} (or {_INSTALL})"
    )


def main_text(trafilatura: Any, html: str) -> tuple[str, Meta] | None:
    """trafilatura's main text and metadata of a page, or None when it finds none (or fails)."""
    if not html.strip():
        return None
    try:
        with _quiet("trafilatura", "htmldate", "courlan", "justext"):
            doc: Any = trafilatura.bare_extraction(
                html, with_metadata=True, include_comments=False, favor_precision=False
            )
    except Exception:  # a third-party parser must not end the batch
        return None
    if doc is None:
        return None
    data = doc if isinstance(doc, dict) else doc.as_dict()
    text = data.get("text") or ""
    if not text.strip():
        return None
    meta = Meta(
        title=str_or_none(data.get("title")),
        date=str_or_none(data.get("date")),
        url=str_or_none(data.get("url")),
    )
    return normalise_newlines(text), meta


@contextlib.contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """Silence a library's log records for one call: a page it cannot parse is not the user's error.

    Logger levels are process-wide, so they are restored on exit; the pipeline is single-threaded.
    """
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class _TextParser(HTMLParser):
    """Plain-text fallback for HTML: visible text, <title>, and date meta tags."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe"})
    _BLOCK = frozenset(
        {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "pre"}
    )
    _DATE_META = frozenset(
        {"article:published_time", "date", "dc.date", "dcterms.date", "pubdate", "publish-date", "og:pubdate"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.title_chunks: list[str] = []
        self.date: str | None = None
        self._skip_depth = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":  # pages often never close <head>
            self._skip_depth = 0
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            values = {key: value or "" for key, value in attrs}
            name = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if name in self._DATE_META and self.date is None and values.get("content"):
                self.date = values["content"]
        if tag in self._SKIP:
            self._skip_depth += 1
        if tag in self._BLOCK:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self._SKIP and self._skip_depth:
            self._skip_depth -= 1
        if tag in self._BLOCK:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_chunks.append(data)
        elif not self._skip_depth:
            self.chunks.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.chunks).split("\n"))
        return "\n\n".join(line for line in lines if line)


def fallback_text(html: str) -> tuple[str, Meta]:
    """The visible text of a page, its <title> and a date meta tag, with the standard library."""
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # HTMLParser can trip on badly broken markup
        pass
    title = " ".join("".join(parser.title_chunks).split()) or None
    return parser.text(), Meta(title=title, date=parser.date)
