"""kg.dates: metadata dates, and the date an event in a sentence happened.

News reports events in the past relative to publication, so relative and partial dates
resolve backwards from the article date.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kg.dates import parse_date, sentence_date

#: A Friday.
ARTICLE = dt.date(2025, 3, 14)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-26", dt.date(2024, 3, 26)),
        ("  2024-03-26  ", dt.date(2024, 3, 26)),
        ("March 21, 2023", dt.date(2023, 3, 21)),
        ("March 21 2023", dt.date(2023, 3, 21)),
        ("Mar. 21, 2023", dt.date(2023, 3, 21)),
        ("Sept. 5, 2024", dt.date(2024, 9, 5)),
        ("21 March 2023", dt.date(2023, 3, 21)),
        ("5th of June 2022", dt.date(2022, 6, 5)),
        ("Published on March 21st, 2023 by staff", dt.date(2023, 3, 21)),
    ],
)
def test_dates_parse_date_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "nonsense", "March 21", "Tuesday", "2024-02-30", "February 30, 2024"],
)
def test_dates_parse_date_rejects_non_dates_and_impossible_dates(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Jets flew on Monday.", dt.date(2025, 3, 10)),
        ("It happened on Tuesday.", dt.date(2025, 3, 11)),
        ("The bombers took off early Thursday.", dt.date(2025, 3, 13)),
        ("Bombers flew on Saturday.", dt.date(2025, 3, 8)),
        ("Bombers flew on Friday.", ARTICLE),  # the article's own weekday is the same day
        ("The jets returned late Wednesday.", dt.date(2025, 3, 12)),
        ("The jets flew this Monday.", dt.date(2025, 3, 10)),
    ],
)
def test_dates_sentence_weekday_is_the_most_recent_on_or_before_the_article_date(sentence, expected):
    assert sentence_date(sentence, ARTICLE) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Jets flew yesterday.", dt.date(2025, 3, 13)),
        ("Yesterday, jets flew.", dt.date(2025, 3, 13)),
        ("The bombers flew last night.", dt.date(2025, 3, 13)),
        ("The bombers flew earlier today.", ARTICLE),
        ("The ministry said this morning that jets flew.", ARTICLE),
    ],
)
def test_dates_sentence_relative_days(sentence, expected):
    assert sentence_date(sentence, ARTICLE) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("On March 10 jets flew.", dt.date(2025, 3, 10)),
        ("On 12 March jets flew.", dt.date(2025, 3, 12)),
        ("On March 14 jets flew.", ARTICLE),
        ("On March 20 jets flew.", dt.date(2024, 3, 20)),  # after the article date: the year before
        ("On Dec. 30 jets flew.", dt.date(2024, 12, 30)),
        ("On March 3, 2021, jets flew.", dt.date(2021, 3, 3)),
        ("On 3 March 2021 jets flew.", dt.date(2021, 3, 3)),
        ("On Tuesday, March 4, jets flew.", dt.date(2025, 3, 4)),  # the explicit date wins
        ("The flight on 2024-12-01 was tracked.", dt.date(2024, 12, 1)),
    ],
)
def test_dates_sentence_explicit_dates(sentence, expected):
    assert sentence_date(sentence, ARTICLE) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Bombers flew near Alaska.",
        "Bombers flew in May.",
        "The flight on 2024-13-45.",
    ],
)
def test_dates_sentence_without_a_usable_date_gets_the_article_date(sentence):
    assert sentence_date(sentence, ARTICLE) == ARTICLE


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Jets flew on Tuesday.", None),
        ("Jets flew yesterday.", None),
        ("On March 20 jets flew.", None),  # no year and nothing to resolve it against
        ("On March 20, 2024, jets flew.", dt.date(2024, 3, 20)),
        ("The flight on 2024-12-01 was tracked.", dt.date(2024, 12, 1)),
        ("Bombers flew near Alaska.", None),
    ],
)
def test_dates_sentence_without_article_date_keeps_only_complete_dates(sentence, expected):
    assert sentence_date(sentence, None) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("On Tuesday, Japanese jets flew.", dt.date(2025, 3, 11)),
        ("Early Thursday, bombers took off.", dt.date(2025, 3, 13)),
        ("Late Wednesday the jets returned.", dt.date(2025, 3, 12)),
    ],
)
def test_dates_sentence_opening_weekday_phrase(sentence, expected):
    assert sentence_date(sentence, ARTICLE) == expected


def test_dates_last_weekday_on_that_weekday_is_a_week_before():
    assert sentence_date("Bombers flew last Friday.", ARTICLE) == dt.date(2025, 3, 7)


def test_dates_february_29_without_year_goes_to_the_last_leap_year():
    assert sentence_date("On February 29 jets flew.", ARTICLE) == dt.date(2024, 2, 29)
