"""Header lines and the leading date marker of a plain-text article.

Takes the text of a .txt/.md file or of standard input (newlines already ``\\n``) and gives
the `key: value` header block before the first blank line as a dict, and the body; and a
leading ``date YYYY-MM-DD`` marker of the body, taken off when its date is real.
"""

from __future__ import annotations

import re

from kg.dates import parse_date

#: Header keys that make a leading `key: value` block count as a header.
HEADER_KEYS = frozenset({"title", "date", "source", "url", "id", "author"})

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


def take_date_marker(body: str) -> tuple[str, str | None, str | None]:
    """(body, date, notice): a leading `date YYYY-MM-DD` marker with a real date is taken off.

    A marker whose date is impossible stays in the text, and the notice says so.
    """
    marker = _DATE_MARKER.match(body)
    if not marker:
        return body, None, None
    if parse_date(marker[1]) is None:
        return body, None, f"leading date marker {marker[1]!r} is not a valid date; left in text"
    return body[marker.end() :], marker[1], None
