"""Property tests for kg.text.readers: any bytes in, only records out, and article text altered only by
the documented clean-up (newlines, control characters, lone surrogates; one character for one)."""

from __future__ import annotations

import codecs
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.records import Article, Notice, Skipped
from kg.text.readers import iter_articles

SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text with the awkward parts over-represented: control characters, newlines of every kind,
# BOM characters, header-looking lines, date markers and long unbroken tokens.
pieces = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),
    st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\ufeff", "\u2028", "\x00", "\t", " "]),
    st.sampled_from(["title: T\n", "date: 2023-03-21\n", "Note: x\n", " date 2024-03-26 ", "id: a b\n"]),
    st.integers(min_value=1, max_value=3000).map(lambda n: "x" * n),
)
texts = st.lists(pieces, max_size=12).map("".join)


def records_for(name: str, data: bytes, **kwargs: object) -> list[object]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, name)
        path.write_bytes(data)
        return list(iter_articles([path], **kwargs))  # type: ignore[arg-type]


def normalised(text: str) -> str:
    """What kg.text.clean documents: \\r\\n and \\r, VT, FF, U+0085, U+2028 and U+2029 become \\n; other
    control characters (C0 but tab, DEL, C1) become spaces; lone surrogates become U+FFFD."""
    out = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        code = ord(ch)
        if ch in "\x0b\x0c\x85\u2028\u2029":
            out.append("\n")
        elif ch in "\t\n":
            out.append(ch)
        elif code < 0x20 or 0x7F <= code < 0xA0:
            out.append(" ")
        elif 0xD800 <= code < 0xE000:
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def slices_match(parts: list[str], body: str) -> bool:
    """Parts appear in order in `body`, separated only by whitespace (dropped blank parts)."""
    cursor = 0
    for part in parts:
        index = body.find(part, cursor)
        if index < 0 or body[cursor:index].strip():
            return False
        cursor = index + len(part)
    return not body[cursor:].strip()


def assert_slices(parts: list[str], body: str) -> None:
    assert slices_match(parts, body)


def check_records(records: list[object]) -> list[Article]:
    assert records, "every input yields at least one record"
    for record in records:
        assert isinstance(record, Article | Skipped | Notice)
        if isinstance(record, Article):
            assert record.text.strip()
            assert record.doc_id and record.content_hash
        else:
            assert record.source
    return [r for r in records if isinstance(r, Article)]


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_ingest_fuzz_random_bytes_never_raise(data: bytes, suffix: str) -> None:
    check_records(records_for(f"f{suffix}", data))


@FUZZ
@given(text=texts, suffix=st.sampled_from(SUFFIXES), max_chars=st.sampled_from([50, 1000, 1_000_000]))
def test_ingest_fuzz_random_text_never_raises(text: str, suffix: str, max_chars: int) -> None:
    articles = check_records(records_for(f"f{suffix}", text.encode("utf-8"), max_chars=max_chars))
    assert all(len(a.text) <= max_chars for a in articles)


@FUZZ
@given(
    text=texts,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "cp1252"]),
    suffix=st.sampled_from([".txt", ".md"]),
    max_chars=st.sampled_from([40, 1_000_000]),
)
def test_ingest_fuzz_text_round_trips(text: str, encoding: str, suffix: str, max_chars: int) -> None:
    if encoding.startswith("utf-16") and text.startswith("\x00"):
        text = text[1:]  # BOM + U+0000 reads as a UTF-32 BOM: an ambiguity no real text has
    if encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    elif encoding == "cp1252":
        data = text.encode("cp1252", "ignore")
        try:  # legacy bytes that happen to be valid UTF-8 are read as UTF-8, by design
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
    else:
        data = text.encode(encoding)
    records = records_for(f"f{suffix}", data, max_chars=max_chars)
    articles = check_records(records)
    expected = normalised(text.removeprefix("\ufeff") if encoding in ("utf-8",) else text)
    if not articles:
        return
    # The header block and a leading date marker may be removed from the front; nothing else is.
    if len(articles) == 1:
        assert expected.endswith(articles[0].text)
    else:
        parts = [a.text for a in articles]
        starts = [i for i in range(len(expected)) if expected.startswith(parts[0], i)]
        assert any(slices_match(parts, expected[start:]) for start in starts)
    if len(articles) > 1:
        assert all(len(a.text) <= max_chars for a in articles)
        assert len({a.doc_id for a in articles}) == len(articles)


@FUZZ
@given(items=st.lists(texts, min_size=1, max_size=5), as_list=st.booleans())
def test_ingest_fuzz_json_text_round_trips(items: list[str], as_list: bool) -> None:
    if as_list:
        name, data = "f.json", json.dumps([{"text": t} for t in items]).encode()
    else:
        name, data = "f.jsonl", "\n".join(json.dumps({"text": t}) for t in items).encode()
    articles = check_records(records_for(name, data))
    assert [a.text for a in articles] == [normalised(t) for t in items if normalised(t).strip()]


@FUZZ
@given(
    lines=st.lists(st.one_of(texts, st.binary(max_size=64).map(lambda b: b.decode("latin-1"))), max_size=8)
)
def test_ingest_fuzz_jsonl_garbage_lines_never_raise(lines: list[str]) -> None:
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    check_records(records_for("f.jsonl", data))


@FUZZ
@given(
    token=st.integers(min_value=1, max_value=20_000).map(lambda n: "y" * n),
    max_chars=st.integers(min_value=1, max_value=5000),
)
def test_ingest_fuzz_huge_tokens_split_losslessly(token: str, max_chars: int) -> None:
    text = f"Start.\n\n{token}\n\nEnd."
    articles = check_records(records_for("f.txt", text.encode(), max_chars=max_chars))
    if articles:
        assert_slices([a.text for a in articles], text)
        assert "".join(a.text for a in articles).replace("\n", "") == text.replace("\n", "")
    assert all(len(a.text) <= max_chars for a in articles)
