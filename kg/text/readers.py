"""Turn input paths into `Article` records: files, folders, JSON/JSONL, HTML and stdin.

One way in, no NLP. The iterator streams records in a deterministic order (inputs in the
order given, folder contents sorted by relative path, JSONL in line order) and never raises
for one bad document: unreadable inputs become `Skipped`, things the user should know about
(guessed encodings, unreadable dates, replaced characters, split articles) become `Notice`
records yielded just before the article they concern. Each path is read by the reader of its
format (`kg.text.registry`). `Article.text` keeps the characters of the input, but for a BOM
that is stripped, newlines that become ``\\n`` and the characters `kg.text.clean` replaces one
for one, because character offsets into it are evidence provenance.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from kg.errors import InputError
from kg.records import Article, Notice, Skipped
from kg.text.base import DEFAULT_FIELDS, Item, JsonFields, ReadOptions
from kg.text.clean import path_text
from kg.text.dates import parse_date
from kg.text.document import ArticleMaker, Document, slugify
from kg.text.header import HEADER_KEYS, parse_header
from kg.text.limits import DEFAULT_MAX_CHARS, split_text
from kg.text.paths import walk
from kg.text.registry import SUPPORTED_SUFFIXES, Readers

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

_NO_FILES = "folder holds no .txt/.md/.html/.json/.jsonl files"


def iter_articles(
    inputs: Sequence[str | Path],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    fields: JsonFields = DEFAULT_FIELDS,
    max_chars: int = DEFAULT_MAX_CHARS,
    stdin: IO[Any] | None = None,
) -> Iterator[Record]:
    """Yield `Article`, `Notice` and `Skipped` records for every input, streaming.

    `include`/`exclude` are fnmatch globs on paths relative to a folder argument; `-` reads
    one text article from `stdin` (default: the process's standard input). Articles longer
    than `max_chars` are split on paragraph (else line, sentence, word) boundaries into `-p1`,
    `-p2`... parts. Raises `InputError` at once (not lazily) only for an unusable `max_chars`.
    """
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise InputError(f"max_chars must be a positive whole number of characters, got {max_chars!r}")
    run = _Run(ReadOptions(fields, max_chars, stdin), tuple(include), tuple(exclude))
    return run.records(inputs)


class _Run:
    """One `iter_articles` call: its readers, its include/exclude globs and the doc_ids given so far."""

    def __init__(self, options: ReadOptions, include: tuple[str, ...], exclude: tuple[str, ...]) -> None:
        self.readers = Readers(options)
        self.maker = ArticleMaker(options.max_chars)
        self.include = include
        self.exclude = exclude

    def records(self, inputs: Sequence[str | Path]) -> Iterator[Record]:
        for arg in inputs:
            for item in self._input(arg):
                if isinstance(item, Document):
                    yield from self.maker.articles(item)
                else:
                    yield item

    def _input(self, arg: str | Path) -> Iterator[Item]:
        if str(arg) == "-":
            yield from self.readers.for_path("-").read(Path("-"))
            return
        path = Path(arg)
        shown = path_text(path)
        try:
            if path.is_dir():
                yield from self._folder(path)
            elif path.is_file():
                yield from self._file(path)
            elif path.exists():
                yield Skipped(shown, "not a regular file or folder")
            else:
                yield Skipped(shown, "no such file or folder")
        except OSError as exc:
            yield Skipped(shown, f"cannot read: {exc.strerror or exc}")

    def _folder(self, folder: Path) -> Iterator[Item]:
        paths, errors = walk(folder, self.include, self.exclude)
        for error in errors:
            where = path_text(error.filename or folder)
            yield Skipped(where, f"cannot read folder: {error.strerror or error}")
        for path in paths:
            yield from self._file(path)
        if not paths and not errors:
            reason = _NO_FILES
            if self.include or self.exclude:
                reason += " matching the include/exclude patterns"
            yield Skipped(path_text(folder), reason)

    def _file(self, path: Path) -> Iterator[Item]:
        try:
            yield from self.readers.for_path(path).read(path)
        except OSError as exc:
            yield Skipped(path_text(path), f"cannot read: {exc.strerror or exc}")
