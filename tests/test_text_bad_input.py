"""kg.text on hostile input: control characters, lone surrogates, one-line giants, impossible dates.

Each input here once broke a build or put a wrong value in the graph; the readers now clean it
(one character for one, so evidence offsets hold) or refuse it with a notice naming the input.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from kg.dates import sentence_date
from kg.records import Article, Notice, Skipped
from kg.text.readers import iter_articles, split_text

BODY = "Norwegian F-35 jets intercepted two Russian bombers over the Barents Sea on Monday."
#: Every character that once ended a build: line breaks other than \n, and other controls.
LINE_BREAKS = ["\x0b", "\x0c", "\x85", "\u2028", "\u2029"]
CONTROLS = ["\x00", "\x01", "\x1b", "\x1c", "\x7f", "\x9f"]


def read(*inputs: Path, **options: object) -> list[object]:
    return list(iter_articles(list(inputs), **options))  # type: ignore[arg-type]


def only_article(records: list[object]) -> Article:
    (article,) = [r for r in records if isinstance(r, Article)]
    return article


@pytest.mark.parametrize("char", LINE_BREAKS)
def test_text_line_breaks_become_newlines_one_for_one(tmp_path: Path, char: str) -> None:
    text = f"Jets took off.{char}{BODY}"
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    article = only_article(read(path))
    assert article.text == text.replace(char, "\n")
    assert not re.search("[\x0b\x0c\x85\u2028\u2029]", article.text)


@pytest.mark.parametrize("char", CONTROLS)
def test_text_control_characters_become_spaces_with_a_notice(tmp_path: Path, char: str) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"text": f"Jets{char} took off. {BODY}", "title": f"T{char}itle"}))
    records = read(path)
    article = only_article(records)
    assert article.text == f"Jets  took off. {BODY}"
    assert article.title == "T itle"
    (notice,) = [r for r in records if isinstance(r, Notice)]
    assert notice.source == str(path) and "control character" in notice.message


def test_text_clean_keeps_offsets() -> None:
    from kg.text.clean import clean_text

    text = "a\x0cb\u2028c\x00d\ud800e"
    cleaned, cleanup = clean_text(text)
    assert len(cleaned) == len(text)
    assert cleaned == "a\nb\nc d\ufffde"
    assert (cleanup.controls, cleanup.surrogates) == (1, 1)


def test_text_json_title_with_newline_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "w1", "title": "Jets\nover the sea\u2028today", "text": BODY}) + "\n")
    article = only_article(read(path))
    assert article.title == "Jets over the sea today"


def test_text_file_name_with_newline_is_read_and_shown_escaped(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.txt"
    path.write_text(BODY, encoding="utf-8")
    article = only_article(read(tmp_path))
    assert article.text == BODY
    assert article.path == str(tmp_path / "two\\nlines.txt")
    assert "\n" not in (article.source or "")


def test_text_undecodable_file_name_is_storable(tmp_path: Path) -> None:
    path = tmp_path / b"bad\xff.txt".decode("utf-8", "surrogateescape")  # as os.listdir gives it
    path.write_text(BODY, encoding="utf-8")
    article = only_article(read(path))
    from kg.text.clean import path_text

    assert article.path == path_text(path) and article.path.endswith("bad\ufffd.txt")
    (article.path or "").encode("utf-8")  # no lone surrogate left: the result cache can write it


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_text_lone_surrogate_replaced_with_a_notice_naming_file_and_line(tmp_path: Path, suffix: str) -> None:
    good = json.dumps({"id": "ok", "text": BODY})
    bad = '{"id": "bad", "title": "T\\ud800", "text": "Jets \\ud800 flew. ' + BODY + '"}'
    path = tmp_path / f"feed{suffix}"
    path.write_text(f"[{good}, {bad}]" if suffix == ".json" else f"{good}\n{bad}\n", encoding="utf-8")
    records = read(path)
    by_id = {r.doc_id: r for r in records if isinstance(r, Article)}
    assert set(by_id) == {"ok", "bad"}
    assert by_id["bad"].text == f"Jets \ufffd flew. {BODY}" and by_id["bad"].title == "T\ufffd"
    by_id["bad"].text.encode("utf-8")
    (notice,) = [r for r in records if isinstance(r, Notice)]
    assert notice.source == (f"{path}[2]" if suffix == ".json" else f"{path}:2")
    assert "surrogate" in notice.message and "U+FFFD" in notice.message


def test_text_one_line_giant_is_cut_at_sentence_ends(tmp_path: Path) -> None:
    sentences = [f"Report {i}: {BODY}" for i in range(2000)]  # about 190,000 characters, no newline
    path = tmp_path / "giant.txt"
    path.write_text(" ".join(sentences), encoding="utf-8")
    records = read(path, max_chars=10_000)
    parts = [r for r in records if isinstance(r, Article)]
    assert len(parts) >= 19
    assert all(len(p.text) <= 10_000 for p in parts)
    assert "".join(p.text for p in parts) == " ".join(sentences)
    for part in parts[:-1]:  # no sentence is cut in two
        assert part.text.endswith("Monday. "), part.text[-40:]


def test_text_split_prefers_paragraphs_then_sentences_then_words() -> None:
    assert split_text("Aaaa bbbb cc. Dd ee ff gg hh.", 20) == ["Aaaa bbbb cc. ", "Dd ee ff gg hh."]
    assert split_text("Aa bb. Cc dd.\n\nEe ff. Gg hh.", 20) == ["Aa bb. Cc dd.\n\n", "Ee ff. Gg hh."]
    assert split_text("Aaaa bbbb cccc dddd eeee", 20) == ["Aaaa bbbb cccc dddd ", "eeee"]


def test_text_huge_file_refused_with_the_limit_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kg.text.limits.MIN_FILE_LIMIT", 0)  # the floor for real use is 64 MiB
    path = tmp_path / "huge.txt"
    path.write_text(BODY * 20, encoding="utf-8")
    (record,) = read(path, max_chars=20)
    assert isinstance(record, Skipped)
    assert "file too large" in record.reason and "at most 1000 bytes" in record.reason
    assert "--max-chars" in record.reason


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("-0044-03-15", "sign"),
        ("\u22120044-03-15", "sign"),
        ("2021-03-15T25:61", "time of day"),
        ("2021-03-15T23:60", "time of day"),
        ("2021-03-15 24:30:00", "time of day"),
    ],
)
@pytest.mark.parametrize("where", ["header", "json"])
def test_text_impossible_date_left_empty_with_a_notice(
    tmp_path: Path, value: str, why: str, where: str
) -> None:
    if where == "header":
        path = tmp_path / "a.txt"
        path.write_text(f"title: T\ndate: {value}\n\n{BODY}", encoding="utf-8")
    else:
        path = tmp_path / "a.json"
        path.write_text(json.dumps({"date": value, "text": BODY}), encoding="utf-8")
    records = read(path)
    assert only_article(records).date is None
    (notice,) = [r for r in records if isinstance(r, Notice)]
    assert value in notice.message and why in notice.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2021-03-15T23:59:60Z", dt.date(2021, 3, 15)), ("2021-03-15T24:00", dt.date(2021, 3, 15))],
)
def test_text_real_times_keep_their_date(tmp_path: Path, value: str, expected: dt.date) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"date": value, "text": BODY}), encoding="utf-8")
    assert only_article(read(path)).date == expected


def test_text_signed_year_in_a_sentence_is_not_an_event_date() -> None:
    published = dt.date(2025, 3, 14)
    assert sentence_date("The record of -0044-03-15 was read out.", published) == published
    assert sentence_date("The jets flew on 2025-03-12.", published) == dt.date(2025, 3, 12)
