"""RDF terms as N-Triples text that stays on one line, whatever characters a literal holds.

Takes rdflib terms and gives their N-Triples form. rdflib's `Literal.n3()` writes a literal
with a newline as a multi-line `\"\"\"...\"\"\"` string and leaves form feeds, U+2028 and other
line-breaking characters raw, which broke TriG written one triple per line (`TrigWriter`)
and everything that reads it line by line. Here every control character and every character
that `str.splitlines` splits on is escaped, so one triple is always one line.
"""

from __future__ import annotations

import re
from typing import Any

from rdflib import Literal

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_UCHAR = [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x1C, 0x1D, 0x1E, 0x2028, 0x2029]
_TABLE: dict[int, str] = {
    **{code: f"\\u{code:04X}" for code in _UCHAR},
    **{0xD800 + i: "\ufffd" for i in range(0x800)},  # a lone surrogate cannot be written as UTF-8
    **{ord(char): escaped for char, escaped in _ECHAR.items()},
}
_NEEDS_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]')


def literal_nt(literal: Literal) -> str:
    """`"lexical form"`, with `@lang` or `^^<datatype>`, escaped onto one line."""
    text = str(literal)
    if _NEEDS_ESCAPE.search(text):
        text = text.translate(_TABLE)
    if literal.language:
        return f'"{text}"@{literal.language}'
    if literal.datatype is not None:
        return f'"{text}"^^<{literal.datatype}>'
    return f'"{text}"'


def term_nt(term: Any) -> str:
    """Any rdflib term (IRI, blank node, literal) in N-Triples form."""
    if isinstance(term, Literal):
        return literal_nt(term)
    return str(term.n3())
