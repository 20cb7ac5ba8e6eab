"""Plain-text readers: .txt, .md and standard input, with optional header lines and date marker.

Each takes text whose first lines may be a `key: value` header (`kg.text.header`) and gives one
`Document`: the body, the header's title, date, source, url and id, and a leading
``date YYYY-MM-DD`` marker as the date when the header gives none.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, ClassVar

from kg.records import Notice, Skipped
from kg.text.base import FileReader, Item, Reader, ReadOptions, probe_verdict
from kg.text.clean import normalise_newlines
from kg.text.decode import bytes_to_text
from kg.text.document import Document, Meta, slugify
from kg.text.header import parse_header, take_date_marker


def text_document(source: str, path: str, text: str, default_id: str | None) -> Iterator[Item]:
    """The document of a plain text: header, optional leading `date` marker, body."""
    header, body = parse_header(text)
    meta = Meta(
        title=header.get("title") or None,
        date=header.get("date") or None,
        source=header.get("source") or None,
        url=header.get("url") or None,
        id=header.get("id") or None,
    )
    body, marker_date, problem = take_date_marker(body)
    if problem:
        yield Notice(source, problem)
    if marker_date and meta.date is None:
        meta = replace(meta, date=marker_date)
    yield Document(source, path, body, meta, default_id)


class TxtReader(FileReader):
    """`.txt` files (and explicit file arguments of any other type)."""

    format = "txt"
    suffixes = (".txt",)
    sample = b"title: Sample\ndate: 2024-03-26\n\n" + Reader.sample

    def parse(self, path: Path, source: str, text: str) -> Iterator[Item]:
        yield from text_document(source, source, text, slugify(path.stem))


class MarkdownReader(TxtReader):
    """`.md` files, read as text (the markup is left in; spaCy reads through it)."""

    format = "md"
    suffixes = (".md",)
    sample = b"title: Sample\n\n# Heading\n\n" + Reader.sample


class StdinReader(Reader):
    """One article from standard input (the path `-`): bytes or text, read up to the size limit."""

    format = "stdin"
    sample: ClassVar[bytes] = b"title: From a pipe\n\n" + Reader.sample

    def read(self, path: Path) -> Iterator[Item]:
        stream: IO[Any] | None = self.options.stdin
        if stream is None:
            stream = getattr(sys.stdin, "buffer", sys.stdin)
        if stream is None:
            yield Skipped("-", "no standard input to read (the process has none)")
            return
        limit = self.options.max_bytes
        try:
            data = stream.read(limit + 1)
        except (OSError, ValueError) as exc:
            yield Skipped("-", f"cannot read standard input: {exc}")
            return
        if isinstance(data, str):
            if len(data) > limit:
                yield Skipped("-", f"input too large (more than {limit} characters)")
                return
            loaded: tuple[str, str | None] | Skipped = (normalise_newlines(data.removeprefix("\ufeff")), None)
        else:
            loaded = bytes_to_text("-", data, limit)
        if isinstance(loaded, Skipped):
            yield loaded
            return
        text, notice = loaded
        if notice:
            yield Notice("-", notice)
        yield from text_document("-", "-", text, None)

    @classmethod
    def probe(cls) -> tuple[bool, str]:
        reader = cls(ReadOptions(stdin=io.BytesIO(cls.sample)))
        return probe_verdict(list(reader.read(Path("-"))), cls.sample_phrase)
