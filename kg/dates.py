"""Event dates from a sentence, resolved against the article's date.

News reports events in the past relative to publication: "on Tuesday" is the most
recent Tuesday on or before the article date, "yesterday" the day before.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = (
    r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(\d{{4}}))?\b")
#: An ISO date in running text; not after a sign or a digit ("-0044-03-15" is no AD date).
_ISO = re.compile(r"(?<![\d\-+\u2212])(\d{4})-(\d{2})-(\d{2})(?!\d)")
_WEEKDAY = re.compile(
    r"\b((?i:on|last|this|early|late)\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_RELATIVE = re.compile(r"\b(yesterday|today|earlier today|this morning|tonight|last night)\b", re.IGNORECASE)


def parse_date(value: str) -> dt.date | None:
    """Read a header/metadata date: ISO dates and datetimes, "March 21, 2023", "21 March 2023".

    Returns None when the value is not a date; the calendar date is kept as written (no
    time-zone conversion), because that is the date the publisher meant.
    """
    text = value.strip().lower()
    if not text or _SIGNED_YEAR.match(text):  # "-0044-03-15" is 44 BC, which dt.date cannot hold
        return None
    try:
        match = _META_ISO.match(text + " ") or _META_SLASH.match(text)
        if match:
            if not _valid_time(text[match.end() - 1 :]):
                return None  # "2021-03-15T25:61": the date is as doubtful as the time
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        text = _META_WEEKDAY.sub("", text)
        match = _META_MONTH_FIRST.match(text)
        if match and match[1] in _META_MONTHS:
            return dt.date(int(match[3]), _META_MONTHS[match[1]], int(match[2]))
        match = _META_DAY_FIRST.match(text)
        if match and match[2] in _META_MONTHS:
            return dt.date(int(match[3]), _META_MONTHS[match[2]], int(match[1]))
    except ValueError:  # e.g. 2023-02-30
        return None
    try:  # RFC 2822, as in feeds: "Tue, 21 Mar 2023 10:00:00 +0000"
        return email.utils.parsedate_to_datetime(value.strip()).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return _date_in_text(value)


_META_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_META_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[t\s])")
_META_SLASH = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_META_MONTH_FIRST = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_META_DAY_FIRST = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})\b")
_META_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+")
_SIGNED_YEAR = re.compile(r"[-+\u2212]\d")
# What may follow an ISO date: nothing, or a time of day (and a zone) after "T" or a space.
_TIME_LIKE = re.compile(r"[t\s]\s*\d{1,2}:")
_TIME = re.compile(
    r"[t\s]\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(?:z|utc|gmt|[a-z]{3,4}|[+-]\d{2}(?::?\d{2})?)?\s*$"
)


def _valid_time(rest: str) -> bool:
    """Whether what follows an ISO date is no time at all, or a real time of day ("25:61" is not)."""
    if not _TIME_LIKE.match(rest):
        return True
    match = _TIME.match(rest)
    if not match:
        return False
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour == 24:
        return minute == 0 and second == 0
    return hour < 24 and minute < 60 and second <= 60  # 60: a leap second


def sentence_date(sentence: str, article_date: dt.date | None) -> dt.date | None:
    """The date an event in `sentence` happened, or the article date when the sentence names none."""
    m = _ISO.search(sentence)
    if m:
        return _safe(int(m.group(1)), int(m.group(2)), int(m.group(3))) or article_date
    for found, month_group, day_group in (
        (_MONTH_DAY.search(sentence), 1, 2),
        (_DAY_MONTH.search(sentence), 2, 1),
    ):
        if not found:
            continue
        month = _MONTHS[found.group(month_group).lower().rstrip(".")]
        day = int(found.group(day_group))
        if found.group(3):
            return _safe(int(found.group(3)), month, day) or article_date
        if article_date is not None:
            candidate = _safe(article_date.year, month, day)
            if candidate is None or candidate > article_date:  # "February 29" in 2025 was in 2024
                candidate = _safe(article_date.year - 1, month, day)
            return candidate or article_date
    if article_date is None:
        return None
    m = _WEEKDAY.search(sentence)
    if m:
        wanted = _WEEKDAYS.index(m.group(2).lower())
        back = (article_date.weekday() - wanted) % 7
        if back == 0 and (m.group(1) or "").strip().lower() == "last":
            back = 7  # "last Friday" in a Friday article is a week ago
        return article_date - dt.timedelta(days=back)
    m = _RELATIVE.search(sentence)
    if m:
        word = m.group(1).lower()
        return article_date - dt.timedelta(days=1) if word in {"yesterday", "last night"} else article_date
    return article_date


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _date_in_text(text: str) -> dt.date | None:
    """A full date anywhere in free text ("Published on March 21st, 2023 by staff")."""
    m = _ISO.search(text)
    if m:
        return _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for found in (_MONTH_DAY.search(text), _DAY_MONTH.search(text)):
        if found and found.group(3):
            month_text, day = (
                (found.group(1), found.group(2))
                if found.re is _MONTH_DAY
                else (found.group(2), found.group(1))
            )
            return _safe(int(found.group(3)), _MONTHS[month_text.lower().rstrip(".")], int(day))
    return None
