"""Character clean-up: decoded text in, text that every later stage can hold out.

`clean_text` takes an article body and gives it back with newlines as ``\\n`` and without the
characters that broke builds: line breaks other than ``\\n`` (vertical tab, form feed, U+0085,
U+2028, U+2029) become ``\\n``, other control characters (C0 but tab and newline, DEL, C1)
become spaces, and lone UTF-16 surrogates (``"\\ud800"`` in JSON) become U+FFFD. Each
replacement is one character for one, apart from ``\\r\\n`` -> ``\\n``, so offsets into the
cleaned text are what evidence points at. `clean_field` does the same for one-line metadata
(titles, ids, URLs), where line breaks and control characters become spaces.
`path_text` shows a file name as text that can be printed and stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: Line breaks besides \n and \r (the ones `str.splitlines` also splits on), kept as line breaks.
LINE_BREAKS = "\x0b\x0c\x85\u2028\u2029"
_CONTROLS = "".join(
    chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if chr(c) not in "\t\n\r" + LINE_BREAKS
)
_TABLE = {**{ord(c): "\n" for c in LINE_BREAKS}, **{ord(c): " " for c in _CONTROLS}}
_SUSPECT = re.compile(f"[{re.escape(LINE_BREAKS + _CONTROLS)}\r\ud800-\udfff]")
_CONTROL = re.compile(f"[{re.escape(_CONTROLS)}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSHOWABLE = re.compile(f"[\r\n{re.escape(LINE_BREAKS + _CONTROLS)}\ud800-\udfff]")
_FIELD_BREAK = re.compile(f"[\r\n{re.escape(LINE_BREAKS + _CONTROLS)}]")


@dataclass(frozen=True)
class Cleanup:
    """What `clean_text` replaced: control characters (by spaces) and lone surrogates (by U+FFFD)."""

    controls: int = 0
    surrogates: int = 0

    def __add__(self, other: Cleanup) -> Cleanup:
        return Cleanup(self.controls + other.controls, self.surrogates + other.surrogates)

    def message(self) -> str | None:
        """The notice for the user, or None when nothing worth telling was replaced."""
        parts = []
        if self.surrogates:
            parts.append(
                f"{self.surrogates} lone surrogate{'s' if self.surrogates > 1 else ''} "
                "(invalid UTF-16 such as \\ud800) replaced with U+FFFD"
            )
        if self.controls:
            parts.append(
                f"{self.controls} control character{'s' if self.controls > 1 else ''} replaced with spaces"
            )
        return "; ".join(parts) or None


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and ``\\r`` become ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(text: str) -> tuple[str, Cleanup]:
    """`text` with newlines normalised and unsafe characters replaced, and what was replaced."""
    if not _SUSPECT.search(text):
        return text, Cleanup()
    text = normalise_newlines(text)
    controls = len(_CONTROL.findall(text))
    surrogates = len(_SURROGATE.findall(text))
    if surrogates:
        text = _SURROGATE.sub("\ufffd", text)
    return text.translate(_TABLE), Cleanup(controls, surrogates)


def clean_field(value: str) -> tuple[str, Cleanup]:
    """A one-line metadata value: surrogates replaced, line breaks and controls as spaces, stripped."""
    surrogates = len(_SURROGATE.findall(value))
    if surrogates:
        value = _SURROGATE.sub("\ufffd", value)
    return _FIELD_BREAK.sub(" ", value).strip(), Cleanup(0, surrogates)


def path_text(path: Path | str) -> str:
    """A path as printable, storable text: controls escaped (``\\n``), undecodable bytes as U+FFFD."""
    text = str(path)
    if not _UNSHOWABLE.search(text):
        return text
    text = _SURROGATE.sub("\ufffd", text)
    return _UNSHOWABLE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)
