"""Turn input paths into `Article` records: files, folders, JSON/JSONL, HTML and stdin.

One way in, no NLP. The iterator streams records in a deterministic order (inputs in the
order given, folder contents sorted by relative path, JSONL in line order) and never raises
for one bad document: unreadable inputs become `Skipped`, things the user should know about
(guessed encodings, unreadable dates, split articles) become `Notice` records yielded just
before the article they concern. `Article.text` keeps the characters of the input exactly
(only a BOM is stripped and newlines are normalised to ``\\n``) because character offsets into
it are evidence provenance.
"""

from __future__ import annotations

import codecs
import contextlib
import fnmatch
import hashlib
import io
import json
import logging
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO

from kg.dates import parse_date
from kg.errors import InputError
from kg.records import Article, Notice, Skipped

__all__ = [
    "HEADER_KEYS",
    "SUPPORTED_SUFFIXES",
    "JsonFields",
    "Record",
    "iter_articles",
    "parse_date",
    "parse_header",
    "slugify",
    "split_text",
]

Record = Article | Skipped | Notice

#: File name endings read from folders (explicit file arguments of other types are read as text).
SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
#: Header keys that make a leading `key: value` block count as a header.
HEADER_KEYS = frozenset({"title", "date", "source", "url", "id", "author"})
#: A file larger than this many times `max_chars` (in bytes) is not loaded into memory.
MAX_FILE_FACTOR = 50
#: ... but never less than this: long reports are split into parts, only huge files are refused.
MIN_FILE_LIMIT = 64 * 1024 * 1024
#: How much of a file the binary sniffing looks at.
SNIFF_BYTES = 8192

_NO_FILES = "folder holds no .txt/.md/.html/.json/.jsonl files"


@dataclass(frozen=True)
class JsonFields:
    """Names of the JSON/JSONL fields that hold each article attribute."""

    text: str = "text"
    title: str = "title"
    date: str = "date"
    url: str = "url"
    id: str = "id"
    source: str = "source"


def iter_articles(
    inputs: Sequence[str | Path],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    fields: JsonFields = JsonFields(),
    max_chars: int = 100_000,
    stdin: TextIO | BinaryIO | None = None,
) -> Iterator[Record]:
    """Yield `Article`, `Notice` and `Skipped` records for every input, streaming.

    `include`/`exclude` are fnmatch globs on paths relative to a folder argument; `-` reads
    one text article from `stdin` (default: the process's standard input). Articles longer
    than `max_chars` are split on paragraph boundaries into `-p1`, `-p2`... parts.
    Raises `InputError` at once (not lazily) only for an unusable `max_chars`.
    """
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise InputError(f"max_chars must be a positive whole number of characters, got {max_chars!r}")
    reader = _Reader(
        include=tuple(include), exclude=tuple(exclude), fields=fields, max_chars=max_chars, stdin=stdin
    )
    return reader.run(inputs)


# --------------------------------------------------------------------------------------------
# small pure helpers (public so tests and other stages can reuse them)


def slugify(value: str) -> str:
    """A readable id: ASCII-folded, lowercase, runs of other characters become `-`."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9_-]+", "-", folded.lower()).strip("-_")
    slug = re.sub(r"-{2,}", "-", slug)[:80].strip("-_")
    if not slug:
        slug = "doc-" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return slug


_HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)[ \t]*:[ \t]*(.*)")
_DATE_MARKER = re.compile(r"[ \t\n]*date[ \t]+(\d{4}-\d{2}-\d{2})(?=[ \t\n]|\Z)[ \t]*\n?")


def parse_header(text: str) -> tuple[dict[str, str], str]:
    """Split optional `key: value` header lines from the body; return (header, body).

    The block before the first blank line is a header only when every line is `key: value`
    and at least one key is known, so body text such as "Note: ..." followed by more lines
    stays body. Keys are lowercased; unknown keys are kept but the caller ignores them.
    The body starts after the blank line(s) that end the header.
    """
    end = text.find("\n\n")
    if end <= 0:
        return {}, text
    header: dict[str, str] = {}
    for line in text[:end].split("\n"):
        match = _HEADER_LINE.fullmatch(line)
        if not match:
            return {}, text
        header.setdefault(match[1].lower(), match[2].strip())
    if not HEADER_KEYS & header.keys():
        return {}, text
    body_start = end
    while body_start < len(text) and text[body_start] == "\n":
        body_start += 1
    return header, text[body_start:]


def split_text(text: str, max_chars: int) -> list[str]:
    """Cut text into parts of at most `max_chars`, preferring paragraph, then line, then word ends.

    The parts concatenate back to `text` exactly, so offsets stay meaningful per part.
    """
    parts: list[str] = []
    start = 0
    while len(text) - start > max_chars:
        window = text[start : start + max_chars]
        cut = 0
        for sep in ("\n\n", "\n"):
            pos = window.rfind(sep)
            if pos > 0:
                cut = pos + len(sep)
                break
        if not cut:
            match = re.search(r"\s(?=\S*\Z)", window)
            cut = match.end() if match and match.end() > 0 else max_chars
        parts.append(text[start : start + cut])
        start += cut
    parts.append(text[start:])
    return parts


# --------------------------------------------------------------------------------------------
# bytes → text


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x7fELF", "ELF executable"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
    (b"RIFF", "RIFF media file"),
    (b"OggS", "Ogg media file"),
    (b"\x00\x00\x01\x00", "icon image"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = frozenset(range(32)) - {9, 10, 11, 12, 13, 27} | {127}


def _bom(head: bytes) -> tuple[str, int] | None:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    return None


def _binary_reason(head: bytes) -> str | None:
    """Why these leading bytes are not text, or None when they look like text."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return f"binary file (looks like {kind})"
    if _bom(head):
        return None  # UTF-16/32 text holds NUL bytes by design
    sample = head[:SNIFF_BYTES]
    if b"\x00" in sample:
        return "binary file (contains NUL bytes)"
    if sample and sum(byte in _CONTROL for byte in sample) / len(sample) > 0.1:
        return "binary file (mostly control characters)"
    return None


def _decode(data: bytes) -> tuple[str, str | None]:
    """Decode bytes as BOM-marked Unicode or UTF-8, else cp1252/latin-1 with a notice.

    Raises UnicodeDecodeError only for a BOM whose body does not decode.
    """
    bom = _bom(data)
    if bom:
        encoding, size = bom
        try:
            return data[size:].decode(encoding), None
        except UnicodeDecodeError:
            if encoding != "utf-32-le":
                raise
        # FF FE 00 00 is also UTF-16 LE text that starts with U+0000
        return data[2:].decode("utf-16-le"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        where = f"byte {exc.start}"
    try:
        text, used = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, used = data.decode("latin-1"), "latin-1"
    return text, f"not valid UTF-8 (first bad {where}); decoded as {used}, check accented characters"


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class _Meta:
    """Attributes read from a header, JSON fields or HTML metadata."""

    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    id: str | None = None


def _str_or_none(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (str, int, float)):
        text = str(value).strip()
        return text or None
    return None


# --------------------------------------------------------------------------------------------
# HTML


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


def _html_fallback(html: str) -> tuple[str, str | None, str | None]:
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # HTMLParser can trip on badly broken markup
        pass
    title = " ".join("".join(parser.title_chunks).split()) or None
    return parser.text(), title, parser.date


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


def _html_extract(html: str) -> tuple[str, _Meta, str | None]:
    """(text, metadata, notice) via trafilatura, else the stdlib parser."""
    notice = None
    trafilatura: Any = None
    try:
        import trafilatura
    except ImportError:
        notice = "trafilatura is not installed (pip install 'trafilatura>=1.12'); used plain HTML text"
    if trafilatura is not None and html.strip():
        try:
            with _quiet("trafilatura", "htmldate", "courlan", "justext"):
                doc: Any = trafilatura.bare_extraction(
                    html, with_metadata=True, include_comments=False, favor_precision=False
                )
        except Exception:  # a third-party parser must not end the batch
            doc = None
        if doc is not None:
            data = doc if isinstance(doc, dict) else doc.as_dict()
            text = data.get("text") or ""
            if text.strip():
                meta = _Meta(
                    title=_str_or_none(data.get("title")),
                    date=_str_or_none(data.get("date")),
                    url=_str_or_none(data.get("url")),
                )
                return _newlines(text), meta, notice
    text, title, date = _html_fallback(html)
    return text, _Meta(title=title, date=date), notice


# --------------------------------------------------------------------------------------------
# the reader


class _Reader:
    """Holds the options and the doc_ids seen so far in one `iter_articles` call."""

    def __init__(
        self,
        *,
        include: tuple[str, ...],
        exclude: tuple[str, ...],
        fields: JsonFields,
        max_chars: int,
        stdin: TextIO | BinaryIO | None,
    ) -> None:
        self.include = include
        self.exclude = exclude
        self.fields = fields
        self.max_chars = max_chars
        self.max_bytes = max(max_chars * MAX_FILE_FACTOR, MIN_FILE_LIMIT)
        self.stdin = stdin
        self.seen: set[str] = set()

    def run(self, inputs: Sequence[str | Path]) -> Iterator[Record]:
        for arg in inputs:
            yield from self._input(arg)

    # -- arguments ---------------------------------------------------------------------------

    def _input(self, arg: str | Path) -> Iterator[Record]:
        if str(arg) == "-":
            yield from self._stdin()
            return
        path = Path(arg)
        try:
            if path.is_dir():
                yield from self._folder(path)
            elif path.is_file():
                yield from self._file(path)
            elif path.exists():
                yield Skipped(str(path), "not a regular file or folder")
            else:
                yield Skipped(str(path), "no such file or folder")
        except OSError as exc:
            yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")

    def _folder(self, folder: Path) -> Iterator[Record]:
        paths, errors = self._walk(folder)
        for error in errors:
            yield Skipped(str(error.filename or folder), f"cannot read folder: {error.strerror or error}")
        for path in paths:
            yield from self._file(path)
        if not paths and not errors:
            reason = _NO_FILES
            if self.include or self.exclude:
                reason += " matching the include/exclude patterns"
            yield Skipped(str(folder), reason)

    def _walk(self, folder: Path) -> tuple[list[Path], list[OSError]]:
        """Supported, non-hidden files under `folder` sorted by relative path, and walk errors."""
        found: list[tuple[str, Path]] = []
        errors: list[OSError] = []
        for root, dirs, files in os.walk(folder, onerror=errors.append):
            dirs[:] = [name for name in dirs if not name.startswith(".")]
            for name in files:
                if name.startswith(".") or not name.lower().endswith(SUPPORTED_SUFFIXES):
                    continue
                path = Path(root, name)
                rel = path.relative_to(folder).as_posix()
                if self.include and not any(fnmatch.fnmatch(rel, pat) for pat in self.include):
                    continue
                if any(fnmatch.fnmatch(rel, pat) for pat in self.exclude):
                    continue
                found.append((rel, path))
        errors.sort(key=lambda error: str(error.filename))
        return [path for _, path in sorted(found)], errors

    # -- single files --------------------------------------------------------------------------

    def _file(self, path: Path) -> Iterator[Record]:
        suffix = path.suffix.lower()
        try:
            if suffix == ".jsonl":
                yield from self._jsonl(path)
                return
            loaded = self._load(path)
        except OSError as exc:
            yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
            return
        if isinstance(loaded, Skipped):
            yield loaded
            return
        text, notice = loaded
        if notice:
            yield Notice(str(path), notice)
        if suffix in (".html", ".htm"):
            yield from self._html(path, text)
        elif suffix == ".json":
            yield from self._json(path, text)
        else:
            yield from self._text(str(path), text, default_id=slugify(path.stem))

    def _load(self, path: Path) -> tuple[str, str | None] | Skipped:
        """Read and decode a whole file, refusing binaries and files too large to hold."""
        size = path.stat().st_size
        if size > self.max_bytes:
            return Skipped(
                str(path),
                f"file too large ({size} bytes; at most {self.max_bytes} bytes are read; "
                "split it or raise --max-chars)",
            )
        with path.open("rb") as fh:
            data = fh.read(self.max_bytes + 1)
        return self._bytes_to_text(str(path), data)

    def _bytes_to_text(self, source: str, data: bytes) -> tuple[str, str | None] | Skipped:
        if len(data) > self.max_bytes:
            return Skipped(source, f"input too large (more than {self.max_bytes} bytes)")
        reason = _binary_reason(data[:SNIFF_BYTES])
        if reason:
            return Skipped(source, reason)
        try:
            text, notice = _decode(data)
        except UnicodeDecodeError as exc:
            return Skipped(source, f"cannot decode as {exc.encoding} although it starts with its BOM")
        return _newlines(text), notice

    def _stdin(self) -> Iterator[Record]:
        stream: IO[Any] | None = self.stdin
        if stream is None:
            stream = getattr(sys.stdin, "buffer", sys.stdin)
        if stream is None:
            yield Skipped("-", "no standard input to read (the process has none)")
            return
        try:
            data = stream.read(self.max_bytes + 1)
        except (OSError, ValueError) as exc:
            yield Skipped("-", f"cannot read standard input: {exc}")
            return
        if isinstance(data, str):
            if len(data) > self.max_bytes:
                yield Skipped("-", f"input too large (more than {self.max_bytes} characters)")
                return
            text, notice = _newlines(data.removeprefix("\ufeff")), None
        else:
            loaded = self._bytes_to_text("-", data)
            if isinstance(loaded, Skipped):
                yield loaded
                return
            text, notice = loaded
        if notice:
            yield Notice("-", notice)
        yield from self._text("-", text, default_id=None)

    # -- formats -------------------------------------------------------------------------------

    def _text(self, source: str, text: str, *, default_id: str | None) -> Iterator[Record]:
        """A .txt/.md/stdin document: optional header, optional leading `date` marker."""
        header, body = parse_header(text)
        meta = _Meta(
            title=header.get("title") or None,
            date=header.get("date") or None,
            source=header.get("source") or None,
            url=header.get("url") or None,
            id=header.get("id") or None,
        )
        marker = _DATE_MARKER.match(body)
        if marker:
            marker_date = parse_date(marker[1])
            if marker_date is None:
                yield Notice(source, f"leading date marker {marker[1]!r} is not a valid date; left in text")
            else:
                body = body[marker.end() :]
                if meta.date is None:
                    meta = replace(meta, date=marker[1])
        yield from self._emit(source, source, body, meta, default_id)

    def _html(self, path: Path, html: str) -> Iterator[Record]:
        text, meta, notice = _html_extract(html)
        if notice:
            yield Notice(str(path), notice)
        yield from self._emit(str(path), str(path), text, meta, slugify(path.stem))

    def _json(self, path: Path, text: str) -> Iterator[Record]:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Skipped(str(path), f"malformed JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
            return
        except RecursionError:
            yield Skipped(str(path), "malformed JSON (nested too deeply)")
            return
        stem = slugify(path.stem)
        if isinstance(value, dict):
            yield from self._json_record(path, str(path), value, stem)
        elif isinstance(value, list):
            if not value:
                yield Skipped(str(path), "empty (the JSON list holds no objects)")
            for index, item in enumerate(value, start=1):
                yield from self._json_record(path, f"{path}[{index}]", item, f"{stem}-{index}")
        else:
            yield Skipped(
                str(path), f"expected a JSON object or a list of objects, found {type(value).__name__}"
            )

    def _jsonl(self, path: Path) -> Iterator[Record]:
        """JSON Lines, read line by line so a large file is never held in memory."""
        stem = slugify(path.stem)
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
            reason = _binary_reason(head)
            if reason:
                yield Skipped(str(path), reason)
                return
            fh.seek(0)
            bom = _bom(head)
            stream: IO[Any]
            if bom and not bom[0].startswith("utf-8"):
                stream = io.TextIOWrapper(fh, encoding=bom[0].replace("-le", "").replace("-be", ""))
            else:
                stream = fh
            any_line = noticed = False
            try:
                for lineno, raw in _lines(stream, self.max_bytes):
                    source = f"{path}:{lineno}"
                    if raw is None:
                        yield Skipped(source, f"line {lineno} is longer than {self.max_bytes} bytes")
                        continue
                    if isinstance(raw, bytes):
                        if lineno == 1:
                            raw = raw.removeprefix(codecs.BOM_UTF8)
                        if not raw.strip():
                            continue
                        line, notice = _decode(raw)
                        if notice and not noticed:  # once per file: the file has one encoding
                            noticed = True
                            yield Notice(source, notice)
                    else:
                        line = raw.removeprefix("\ufeff") if lineno == 1 else raw
                        if not line.strip():
                            continue
                    any_line = True
                    try:
                        value = json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield Skipped(
                            source, f"malformed JSON on line {lineno} (column {exc.colno}: {exc.msg})"
                        )
                        continue
                    except RecursionError:
                        yield Skipped(source, f"malformed JSON on line {lineno} (nested too deeply)")
                        continue
                    yield from self._json_record(path, source, value, f"{stem}-{lineno}", lineno)
            except UnicodeDecodeError as exc:
                yield Skipped(str(path), f"cannot decode as {exc.encoding} although it starts with its BOM")
                return
        if not any_line:
            yield Skipped(str(path), "empty")

    def _json_record(
        self, path: Path, source: str, value: object, default_id: str, lineno: int | None = None
    ) -> Iterator[Record]:
        where = f"line {lineno}: " if lineno is not None else ""
        if not isinstance(value, dict):
            yield Skipped(source, f"{where}expected a JSON object, found {type(value).__name__}")
            return
        fields = self.fields
        text = value.get(fields.text)
        if not isinstance(text, str):
            found = "no" if text is None else f"a non-string ({type(text).__name__})"
            yield Skipped(
                source,
                f"{where}{found} {fields.text!r} field; name the text field with JsonFields(text=...)",
            )
            return
        meta = _Meta(
            title=_str_or_none(value.get(fields.title)),
            date=_str_or_none(value.get(fields.date)),
            source=_str_or_none(value.get(fields.source)),
            url=_str_or_none(value.get(fields.url)),
            id=_str_or_none(value.get(fields.id)),
        )
        yield from self._emit(source, str(path), _newlines(text), meta, default_id)

    # -- building articles -------------------------------------------------------------------

    def _emit(
        self, source: str, path: str, text: str, meta: _Meta, default_id: str | None
    ) -> Iterator[Record]:
        """Validate, date, id and split one document, yielding notices then article(s)."""
        if not text.strip():
            yield Skipped(source, "empty")
            return
        date = None
        if meta.date:
            date = parse_date(meta.date)
            if date is None:
                yield Notice(
                    source, f"date {meta.date!r} is not readable (expected e.g. 2023-03-21); left empty"
                )
        content_hash = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        if meta.id:
            base = slugify(meta.id)
        elif default_id:
            base = default_id
        else:
            base = f"stdin-{content_hash[:8]}"
        parts = [text]
        if len(text) > self.max_chars:
            # A part of nothing but whitespace (a long blank run) carries no evidence: drop it.
            parts = [part for part in split_text(text, self.max_chars) if part.strip()]
        base = self._unique(base, path, len(parts))
        article = Article(
            doc_id=base,
            text=text,
            title=meta.title,
            date=date,
            source=meta.source or meta.url or path,
            url=meta.url,
            path=path,
            content_hash=content_hash,
        )
        if len(parts) == 1:
            yield article
            return
        yield Notice(
            source,
            f"{len(text)} characters is more than max_chars={self.max_chars}; "
            f"split into {len(parts)} parts {base}-p1 … {base}-p{len(parts)}",
        )
        for number, part in enumerate(parts, start=1):
            yield replace(
                article,
                doc_id=f"{base}-p{number}",
                text=part,
                content_hash=hashlib.sha256(part.encode("utf-8", "surrogatepass")).hexdigest(),
            )

    def _unique(self, base: str, path: str, n_parts: int) -> str:
        """Make `base` (and its part ids) unique within this call, deterministically."""

        def ids(candidate: str) -> list[str]:
            if n_parts == 1:
                return [candidate]
            return [candidate, *(f"{candidate}-p{n}" for n in range(1, n_parts + 1))]

        candidate = base
        if any(i in self.seen for i in ids(candidate)):
            candidate = f"{base}-{hashlib.sha256(path.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}"
            stem, counter = candidate, 2
            while any(i in self.seen for i in ids(candidate)):
                candidate, counter = f"{stem}-{counter}", counter + 1
        self.seen.update(ids(candidate))
        return candidate


def _lines(stream: IO[Any], limit: int) -> Iterable[tuple[int, bytes | str | None]]:
    """Number the lines of a stream; a line longer than `limit` is drained and given as None."""
    lineno = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        lineno += 1
        newline = b"\n" if isinstance(line, bytes) else "\n"
        if len(line) > limit and not line.endswith(newline):
            while line and not line.endswith(newline):
                line = stream.readline(limit + 1)
            yield lineno, None
            continue
        yield lineno, line
