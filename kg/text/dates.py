"""Article dates from headers, JSON fields and page metadata, with the reason when one is refused.

Takes the date text an input gives and returns the calendar date (`kg.dates.parse_date`
does the reading), or None and a message for the user: a date the reader is not sure of is
left empty, never guessed, so no wrong date reaches the graph.
"""

from __future__ import annotations

import datetime as dt
import re

from kg.dates import parse_date

__all__ = ["parse_date", "read_date"]

_SIGNED = re.compile(r"\s*[-+\u2212]\d")
_ISO_WITH_TIME = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}[Tt\s]\s*\d{1,2}:")


def read_date(value: str) -> tuple[dt.date | None, str | None]:
    """(date, None) when `value` is a date, else (None, the notice naming the value and why)."""
    date = parse_date(value)
    if date is not None:
        return date, None
    if _SIGNED.match(value):
        why = "a year with a sign; dates before AD 1 are not supported"
    elif _ISO_WITH_TIME.match(value):
        why = "its time of day is impossible"
    else:
        why = "expected e.g. 2023-03-21"
    return None, f"date {value!r} is not readable ({why}); left empty"
