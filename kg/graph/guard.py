"""What a SPARQL text may not do here: federate (`SERVICE`), unless the user allows it.

Takes query or update text and tells whether it holds a `SERVICE` clause, which makes the
engine send HTTP requests to any URL the text names: through a local endpoint, a web page
could make it fetch internal addresses. The text is read as the SPARQL parser reads it:
``\\uXXXX`` escapes are decoded first (SPARQL 1.1, 19.2), then strings, IRIs and comments are
set aside, and `SERVICE` counts only as a keyword of its own (not inside `?service`,
`ex:service` or `service:x`). In doubt it says yes: a refused query can be rewritten, a
request sent cannot be taken back.
"""

from __future__ import annotations

import re

from kg.errors import QueryError

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LEXEMES = re.compile(
    r"""(?P<skip>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\""""
    r"""|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n\r]*)"""
    r"""|(?P<keyword>(?<![\w?$:\-])SERVICE(?![\w:\-]))""",
    re.IGNORECASE | re.DOTALL,
)

REFUSED = (
    "SERVICE clauses are refused: they make this machine send HTTP requests to the URLs they name. "
    "Remove the SERVICE clause, or allow federated queries explicitly with --allow-service "
    "(only for queries you trust)"
)


def _unescape(text: str) -> str:
    def char(match: re.Match[str]) -> str:
        code = int(match[1] or match[2], 16)
        return chr(code) if code <= 0x10FFFF else match[0]

    return _ESCAPE.sub(char, text)


def has_service(sparql: str) -> bool:
    """Whether the query or update text holds a SERVICE keyword outside strings, IRIs and comments."""
    text = _unescape(sparql)
    return any(match["keyword"] for match in _LEXEMES.finditer(text))


def refuse_service(sparql: str, *, allow: bool = False) -> None:
    """QueryError (with the way out) when `sparql` federates and `allow` is false."""
    if not allow and has_service(sparql):
        raise QueryError(REFUSED)
