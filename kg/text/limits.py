"""Size limits: how much of an input is read, and how a long article is cut into parts.

Takes `max_chars` (the longest article part the NLP stage gets, `kg build --max-chars`) and
gives the byte limit for one input (`max_bytes`) and `split_text`, which cuts a long text into
parts of at most `max_chars` at paragraph, line, sentence or word ends, in that order of
preference, so that a part never ends inside a sentence unless one sentence is longer than a part.
"""

from __future__ import annotations

import re

#: The default longest article part, in characters (`kg build --max-chars`).
DEFAULT_MAX_CHARS = 100_000
#: A file larger than this many times `max_chars` (in bytes) is not loaded into memory.
MAX_FILE_FACTOR = 50
#: ... but never less than this: long reports are split into parts, only huge files are refused.
MIN_FILE_LIMIT = 64 * 1024 * 1024

# The end of a sentence: . ! ? (and closing quotes or brackets) before whitespace and a capital,
# digit or opening quote. The cut falls after the whitespace.
_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)\]]*\s+(?=[\"'\u2018\u201c(\[]?[A-Z0-9])")
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")


def max_bytes(max_chars: int) -> int:
    """Bytes read at most from one file, one JSON line or standard input."""
    return max(max_chars * MAX_FILE_FACTOR, MIN_FILE_LIMIT)


def split_text(text: str, max_chars: int) -> list[str]:
    """Cut text into parts of at most `max_chars`, preferring paragraph, line, sentence, then word ends.

    The parts concatenate back to `text` exactly, so offsets stay meaningful per part.
    """
    parts: list[str] = []
    start = 0
    while len(text) - start > max_chars:
        cut = _cut(text[start : start + max_chars])
        parts.append(text[start : start + cut])
        start += cut
    parts.append(text[start:])
    return parts


def _cut(window: str) -> int:
    """Where to end the part that starts `window` (a length in 1..len(window))."""
    for sep in ("\n\n", "\n"):
        pos = window.rfind(sep)
        if pos > 0:
            return pos + len(sep)
    # Sentence ends only in the second half: a part far shorter than max_chars wastes a batch slot.
    half = len(window) // 2
    ends = [m.end() for m in _SENTENCE_END.finditer(window, half)]
    if ends:
        return ends[-1]
    match = _LAST_SPACE.search(window)
    return match.end() if match and match.end() > 0 else len(window)
