"""Bytes to text: binary files refused, BOMs honoured, UTF-8 else cp1252 with a notice.

Takes the bytes of a file (or of standard input, or of one JSON line) and gives its text with
newlines normalised to ``\\n`` and, when the encoding had to be guessed, a message for the
user; or a `Skipped` saying why the bytes are not text.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from kg.records import Skipped
from kg.text.clean import normalise_newlines

#: How much of a file the binary sniffing looks at.
SNIFF_BYTES = 8192

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


def bom(head: bytes) -> tuple[str, int] | None:
    """(encoding, BOM length) when `head` starts with a Unicode byte order mark."""
    for mark, encoding in _BOMS:
        if head.startswith(mark):
            return encoding, len(mark)
    return None


def binary_reason(head: bytes) -> str | None:
    """Why these leading bytes are not text, or None when they look like text."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return f"binary file (looks like {kind})"
    if bom(head):
        return None  # UTF-16/32 text holds NUL bytes by design
    sample = head[:SNIFF_BYTES]
    if b"\x00" in sample:
        return "binary file (contains NUL bytes)"
    if sample and sum(byte in _CONTROL for byte in sample) / len(sample) > 0.1:
        return "binary file (mostly control characters)"
    return None


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode bytes as BOM-marked Unicode or UTF-8, else cp1252/latin-1 with a notice.

    Raises UnicodeDecodeError only for a BOM whose body does not decode.
    """
    marked = bom(data)
    if marked:
        encoding, size = marked
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


def bytes_to_text(source: str, data: bytes, limit: int) -> tuple[str, str | None] | Skipped:
    """(text, notice) of `data`, or a `Skipped` for input over `limit` bytes, binary or undecodable."""
    if len(data) > limit:
        return Skipped(source, f"input too large (more than {limit} bytes)")
    reason = binary_reason(data[:SNIFF_BYTES])
    if reason:
        return Skipped(source, reason)
    try:
        text, notice = decode(data)
    except UnicodeDecodeError as exc:
        return Skipped(source, f"cannot decode as {exc.encoding} although it starts with its BOM")
    return normalise_newlines(text), notice


def load_text(path: Path, source: str, limit: int) -> tuple[str, str | None] | Skipped:
    """Read and decode a whole file, refusing binaries and files over `limit` bytes (OSError passes)."""
    size = path.stat().st_size
    if size > limit:
        return Skipped(
            source,
            f"file too large ({size} bytes; at most {limit} bytes are read; split it or raise --max-chars)",
        )
    with path.open("rb") as fh:
        data = fh.read(limit + 1)
    return bytes_to_text(source, data, limit)
