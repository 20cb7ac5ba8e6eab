"""What every reader is: options in, a path in, `Document`/`Notice`/`Skipped` items out.

A reader reads one input format (`Reader.format`, e.g. "html") from a path and yields what it
found: `Document`s (one per article, turned into `Article`s by `kg.text.document`), `Notice`s
and `Skipped`s. It never raises for a bad document; an `OSError` while reading a file passes to
the caller, which reports the file as unreadable. `Reader.probe` reads a small sample, so that
`kg doctor` can tell whether a reader (and the library it needs) works in this environment.
"""

from __future__ import annotations

import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar

from kg.records import Notice, Skipped
from kg.text.clean import path_text
from kg.text.decode import load_text
from kg.text.document import Document
from kg.text.limits import DEFAULT_MAX_CHARS, max_bytes

#: What readers yield.
Item = Document | Notice | Skipped


@dataclass(frozen=True)
class JsonFields:
    """Names of the JSON/JSONL fields that hold each article attribute."""

    text: str = "text"
    title: str = "title"
    date: str = "date"
    url: str = "url"
    id: str = "id"
    source: str = "source"


#: The field names used unless the caller names others.
DEFAULT_FIELDS = JsonFields()


@dataclass(frozen=True)
class ReadOptions:
    """Options of one reading run: JSON field names, the longest article part, standard input."""

    fields: JsonFields = DEFAULT_FIELDS
    max_chars: int = DEFAULT_MAX_CHARS
    stdin: IO[Any] | None = None

    @property
    def max_bytes(self) -> int:
        """Bytes read at most from one file, JSON line or standard input."""
        return max_bytes(self.max_chars)


class Reader(ABC):
    """Reads one input format. Subclasses set `format`, `suffixes` and `sample`, and define `read`."""

    #: The format's name, the key of the registry (`kg.text.registry.READERS`).
    format: ClassVar[str]
    #: File name endings read in this format when found in a folder.
    suffixes: ClassVar[tuple[str, ...]] = ()
    #: The third-party module the reader needs, or None for the standard library alone.
    library: ClassVar[str | None] = None
    #: A small input in this format, and a phrase its article text must hold (for `probe`).
    sample: ClassVar[bytes] = b"Norwegian F-35 jets intercepted two bombers over the Barents Sea."
    sample_phrase: ClassVar[str] = "intercepted two bombers"

    def __init__(self, options: ReadOptions) -> None:
        self.options = options

    @abstractmethod
    def read(self, path: Path) -> Iterator[Item]:
        """The items of one input."""

    @classmethod
    def probe(cls) -> tuple[bool, str]:
        """(works, what was seen): whether `sample` reads as one article holding `sample_phrase`."""
        suffix = cls.suffixes[0] if cls.suffixes else ".txt"
        with tempfile.TemporaryDirectory(prefix="kg-probe-") as tmp:
            path = Path(tmp, f"sample{suffix}")
            path.write_bytes(cls.sample)
            items = list(cls(ReadOptions()).read(path))
        return probe_verdict(items, cls.sample_phrase)


def probe_verdict(items: list[Item], phrase: str) -> tuple[bool, str]:
    """Whether `items` are one document holding `phrase`, and without notices; else what went wrong."""
    problems = [f"{item.source}: {item.reason}" for item in items if isinstance(item, Skipped)]
    problems += [item.message for item in items if isinstance(item, Notice)]
    docs = [item for item in items if isinstance(item, Document)]
    if problems:
        return False, "; ".join(problems)
    if len(docs) != 1 or phrase not in docs[0].text:
        return False, f"the sample did not read as one article holding {phrase!r}"
    return True, "reads a sample"


class FileReader(Reader):
    """A reader of whole files: the bytes are loaded and decoded (`kg.text.decode`), then parsed."""

    def read(self, path: Path) -> Iterator[Item]:
        source = path_text(path)
        loaded = load_text(path, source, self.options.max_bytes)
        if isinstance(loaded, Skipped):
            yield loaded
            return
        text, notice = loaded
        if notice:
            yield Notice(source, notice)
        yield from self.parse(path, source, text)

    @abstractmethod
    def parse(self, path: Path, source: str, text: str) -> Iterator[Item]:
        """The items of a file whose text is `text` (`source` names it in messages)."""
