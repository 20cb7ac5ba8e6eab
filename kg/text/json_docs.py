"""JSON readers: a .json file (one object or a list of them) and .jsonl (one object per line).

Each object gives one `Document` from the fields `JsonFields` names (text, title, date, url,
id, source). JSON Lines are read line by line, so a large feed is never held in memory; a
malformed line or an object without text is skipped with a reason naming file and line, and
the other lines are read.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kg.records import Notice, Skipped
from kg.text.base import FileReader, Item, JsonFields, Reader
from kg.text.clean import normalise_newlines, path_text
from kg.text.decode import SNIFF_BYTES, binary_reason, bom, decode
from kg.text.document import Document, Meta, slugify, str_or_none

_SAMPLE = {"title": "Sample", "date": "2024-03-26", "text": Reader.sample.decode("ascii")}


def json_record(
    fields: JsonFields, source: str, path: str, value: object, default_id: str, lineno: int | None = None
) -> Iterator[Item]:
    """The document of one JSON object, or a `Skipped` saying which field is missing."""
    where = f"line {lineno}: " if lineno is not None else ""
    if not isinstance(value, dict):
        yield Skipped(source, f"{where}expected a JSON object, found {type(value).__name__}")
        return
    text = value.get(fields.text)
    if not isinstance(text, str):
        found = "no" if text is None else f"a non-string ({type(text).__name__})"
        yield Skipped(
            source,
            f"{where}{found} {fields.text!r} field; name the text field with JsonFields(text=...)",
        )
        return
    meta = Meta(
        title=str_or_none(value.get(fields.title)),
        date=str_or_none(value.get(fields.date)),
        source=str_or_none(value.get(fields.source)),
        url=str_or_none(value.get(fields.url)),
        id=str_or_none(value.get(fields.id)),
    )
    yield Document(source, path, normalise_newlines(text), meta, default_id)


class JsonReader(FileReader):
    """`.json` files: one article object, or a list of them."""

    format = "json"
    suffixes = (".json",)
    sample = json.dumps(_SAMPLE).encode("utf-8")

    def parse(self, path: Path, source: str, text: str) -> Iterator[Item]:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Skipped(source, f"malformed JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
            return
        except RecursionError:
            yield Skipped(source, "malformed JSON (nested too deeply)")
            return
        stem = slugify(path.stem)
        fields = self.options.fields
        if isinstance(value, dict):
            yield from json_record(fields, source, source, value, stem)
        elif isinstance(value, list):
            if not value:
                yield Skipped(source, "empty (the JSON list holds no objects)")
            for index, item in enumerate(value, start=1):
                yield from json_record(fields, f"{source}[{index}]", source, item, f"{stem}-{index}")
        else:
            found = type(value).__name__
            yield Skipped(source, f"expected a JSON object or a list of objects, found {found}")


class JsonlReader(Reader):
    """`.jsonl` files: JSON Lines, one article object per line, streamed."""

    format = "jsonl"
    suffixes = (".jsonl",)
    sample = json.dumps(_SAMPLE).encode("utf-8") + b"\n"

    def read(self, path: Path) -> Iterator[Item]:
        source = path_text(path)
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
            reason = binary_reason(head)
            if reason:
                yield Skipped(source, reason)
                return
            fh.seek(0)
            marked = bom(head)
            stream: IO[Any] = fh
            if marked and not marked[0].startswith("utf-8"):
                stream = io.TextIOWrapper(fh, encoding=marked[0].replace("-le", "").replace("-be", ""))
            try:
                any_line = yield from self._lines(stream, path, source)
            except UnicodeDecodeError as exc:
                yield Skipped(source, f"cannot decode as {exc.encoding} although it starts with its BOM")
                return
        if not any_line:
            yield Skipped(source, "empty")

    def _lines(self, stream: IO[Any], path: Path, source: str) -> Generator[Item, None, bool]:
        """The items of every line; returns whether any line held something."""
        stem = slugify(path.stem)
        limit = self.options.max_bytes
        any_line = noticed = False
        for lineno, raw in numbered_lines(stream, limit):
            where = f"{source}:{lineno}"
            if raw is None:
                yield Skipped(where, f"line {lineno} is longer than {limit} bytes")
                continue
            line, notice = _line_text(raw, lineno)
            if line is None:
                continue
            if notice and not noticed:  # once per file: the file has one encoding
                noticed = True
                yield Notice(where, notice)
            any_line = True
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Skipped(where, f"malformed JSON on line {lineno} (column {exc.colno}: {exc.msg})")
                continue
            except RecursionError:
                yield Skipped(where, f"malformed JSON on line {lineno} (nested too deeply)")
                continue
            yield from json_record(self.options.fields, where, source, value, f"{stem}-{lineno}", lineno)
        return any_line


def _line_text(raw: bytes | str, lineno: int) -> tuple[str | None, str | None]:
    """(the line as text, an encoding notice), or (None, None) for a blank line."""
    if isinstance(raw, str):
        line = raw.removeprefix("\ufeff") if lineno == 1 else raw
        return (line, None) if line.strip() else (None, None)
    if lineno == 1:
        raw = raw.removeprefix(codecs.BOM_UTF8)
    if not raw.strip():
        return None, None
    return decode(raw)


def numbered_lines(stream: IO[Any], limit: int) -> Iterable[tuple[int, bytes | str | None]]:
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
