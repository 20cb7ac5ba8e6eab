"""The readers by format: which reader reads a path, and the file endings read from folders.

Takes a path (or `-` for standard input) and gives the name of its format and the reader class
for it. One reader class per format, each in the module of its kind: `kg.text.plain` (txt,
md, stdin), `kg.text.html` (html), `kg.text.json_docs` (json, jsonl). A file of any other type
named on the command line is read as text.
"""

from __future__ import annotations

from pathlib import Path

from kg.text.base import Reader, ReadOptions
from kg.text.html import HtmlReader
from kg.text.json_docs import JsonlReader, JsonReader
from kg.text.plain import MarkdownReader, StdinReader, TxtReader

#: Every reader class, by the name of its format.
READERS: dict[str, type[Reader]] = {
    reader.format: reader
    for reader in (TxtReader, MarkdownReader, HtmlReader, JsonReader, JsonlReader, StdinReader)
}
#: Format by file name ending (lowercase).
FORMAT_OF_SUFFIX: dict[str, str] = {suffix: r.format for r in READERS.values() for suffix in r.suffixes}
#: File name endings read from folders (explicit file arguments of other types are read as text).
SUPPORTED_SUFFIXES = tuple(FORMAT_OF_SUFFIX)
#: The format of an explicit file argument whose ending no reader claims.
DEFAULT_FORMAT = "txt"


def format_of(path: Path | str) -> str:
    """The format a path is read in: `stdin` for `-`, else by its ending, else text."""
    if str(path) == "-":
        return "stdin"
    return FORMAT_OF_SUFFIX.get(Path(path).suffix.lower(), DEFAULT_FORMAT)


class Readers:
    """The readers of one run, each made on first use with the run's options."""

    def __init__(self, options: ReadOptions) -> None:
        self.options = options
        self._made: dict[str, Reader] = {}

    def for_path(self, path: Path | str) -> Reader:
        name = format_of(path)
        if name not in self._made:
            self._made[name] = READERS[name](self.options)
        return self._made[name]
