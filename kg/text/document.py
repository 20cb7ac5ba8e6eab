"""From a document a reader found to `Article` records: clean-up, date, id, parts.

Takes `Document`s (text and metadata as a reader found them, one per article) and gives the
`Notice`s about them and their `Article`s: characters cleaned (`kg.text.clean`), the date read
(`kg.text.dates`), a doc_id unique within one run, and texts over `max_chars` split into parts
`-p1`, `-p2`... (`kg.text.limits`). An empty text gives a `Skipped`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace

from kg.records import Article, Notice, Skipped
from kg.text.clean import Cleanup, clean_field, clean_text
from kg.text.dates import read_date
from kg.text.limits import split_text


@dataclass(frozen=True)
class Meta:
    """Attributes read from a header, JSON fields or HTML metadata."""

    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class Document:
    """One article as a reader found it, before clean-up, dating and splitting.

    `source` is what messages name (a path, `path:line`, `path[2]` or `-`), `path` the file it
    came from, `default_id` the doc_id to use when the metadata gives none (None: from the hash).
    """

    source: str
    path: str
    text: str
    meta: Meta = Meta()
    default_id: str | None = None


def slugify(value: str) -> str:
    """A readable id: ASCII-folded, lowercase, runs of other characters become `-`."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9_-]+", "-", folded.lower()).strip("-_")
    slug = re.sub(r"-{2,}", "-", slug)[:80].strip("-_")
    if not slug:
        slug = "doc-" + _sha256(value)[:8]
    return slug


def str_or_none(value: object) -> str | None:
    """A metadata value as text: strings and numbers, stripped; anything else (or empty) is None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (str, int, float)):
        return str(value).strip() or None
    return None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def clean_meta(meta: Meta) -> tuple[Meta, Cleanup]:
    """Every metadata value on one line, without unsafe characters; empty values become None."""
    cleaned: dict[str, str | None] = {}
    total = Cleanup()
    for field in fields(meta):
        value = getattr(meta, field.name)
        if value is not None:
            value, cleanup = clean_field(value)
            total += cleanup
        cleaned[field.name] = value or None
    return Meta(**cleaned), total


class ArticleMaker:
    """Turns the documents of one run into articles; remembers the doc_ids given so far."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.seen: set[str] = set()

    def articles(self, doc: Document) -> Iterator[Article | Notice | Skipped]:
        """Validate, clean, date, id and split one document, yielding notices then article(s)."""
        text, cleanup = clean_text(doc.text)
        if not text.strip():
            yield Skipped(doc.source, "empty")
            return
        meta, meta_cleanup = clean_meta(doc.meta)
        message = (cleanup + meta_cleanup).message()
        if message:
            yield Notice(doc.source, message)
        date = None
        if meta.date:
            date, problem = read_date(meta.date)
            if problem:
                yield Notice(doc.source, problem)
        content_hash = _sha256(text)
        base = slugify(meta.id) if meta.id else doc.default_id or f"stdin-{content_hash[:8]}"
        parts = [text]
        if len(text) > self.max_chars:
            # A part of nothing but whitespace (a long blank run) carries no evidence: drop it.
            parts = [part for part in split_text(text, self.max_chars) if part.strip()]
        base = self._unique(base, doc.path, len(parts))
        article = Article(
            doc_id=base,
            text=text,
            title=meta.title,
            date=date,
            source=meta.source or meta.url or doc.path,
            url=meta.url,
            path=doc.path,
            content_hash=content_hash,
        )
        if len(parts) == 1:
            yield article
            return
        yield Notice(
            doc.source,
            f"{len(text)} characters is more than max_chars={self.max_chars}; "
            f"split into {len(parts)} parts {base}-p1 … {base}-p{len(parts)}",
        )
        for number, part in enumerate(parts, start=1):
            yield replace(article, doc_id=f"{base}-p{number}", text=part, content_hash=_sha256(part))

    def _unique(self, base: str, path: str, n_parts: int) -> str:
        """Make `base` (and its part ids) unique within this run, deterministically."""

        def ids(candidate: str) -> list[str]:
            if n_parts == 1:
                return [candidate]
            return [candidate, *(f"{candidate}-p{n}" for n in range(1, n_parts + 1))]

        candidate = base
        if any(i in self.seen for i in ids(candidate)):
            candidate = f"{base}-{_sha256(path)[:6]}"
            stem, counter = candidate, 2
            while any(i in self.seen for i in ids(candidate)):
                candidate, counter = f"{stem}-{counter}", counter + 1
        self.seen.update(ids(candidate))
        return candidate
