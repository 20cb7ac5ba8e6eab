"""Tests for kg.text.readers: paths in, Article/Notice/Skipped records out."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import io
import json
import os
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.records import Article, Notice, Skipped
from kg.text.readers import JsonFields, iter_articles, parse_date, parse_header, slugify, split_text

SEEDS = Path("/work/shared/corpus/seeds")


def articles(records: list) -> list[Article]:
    return [r for r in records if isinstance(r, Article)]


def notices(records: list) -> list[Notice]:
    return [r for r in records if isinstance(r, Notice)]


def skipped(records: list) -> list[Skipped]:
    return [r for r in records if isinstance(r, Skipped)]


def read(*inputs: str | Path, **kwargs) -> list:
    return list(iter_articles(list(inputs), **kwargs))


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "header", "body"),
    [
        (
            "title: Jets\ndate: 2023-03-21\n\nBody text.",
            {"title": "Jets", "date": "2023-03-21"},
            "Body text.",
        ),
        ("Title: Jets\nAuthor: A. B.\n\n\nBody.", {"title": "Jets", "author": "A. B."}, "Body."),
        ("id: x1\nmood: grim\n\nBody.", {"id": "x1", "mood": "grim"}, "Body."),
        ("url: https://example.org/a?b=c\n\nBody.", {"url": "https://example.org/a?b=c"}, "Body."),
    ],
)
def test_ingest_header_parsed(content: str, header: dict, body: str) -> None:
    assert parse_header(content) == (header, body)


@pytest.mark.parametrize(
    "content",
    [
        "Note: this is body text\nand here is more of the body.\n\nSecond paragraph.",
        "Note: this is body text\n\nSecond paragraph.",  # only unknown keys
        "title: Jets\nthis line is prose\n\nBody.",  # not every line is key: value
        "title: Jets and no blank line after it",
        "\ntitle: Jets\n\nBody.",  # starts with a blank line: no header block
        "Plain text only.",
    ],
)
def test_ingest_header_not_a_header(content: str) -> None:
    assert parse_header(content) == ({}, content)


def test_ingest_header_fills_article(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.txt",
        "title: Jets scrambled\ndate: March 21, 2023\nsource: Example Wire\nurl: https://ex.org/a\n"
        "id: Story 42\nauthor: Someone\n\nRussian jets intercepted bombers.\n",
    )
    (article,) = articles(read(path))
    assert article.text == "Russian jets intercepted bombers.\n"
    assert article.title == "Jets scrambled"
    assert article.date == dt.date(2023, 3, 21)
    assert article.source == "Example Wire"
    assert article.url == "https://ex.org/a"
    assert article.doc_id == "story-42"
    assert article.path == str(path)
    assert article.content_hash == hashlib.sha256(article.text.encode()).hexdigest()


def test_ingest_header_url_is_source_when_no_source(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "url: https://ex.org/a\n\nBody.")
    (article,) = articles(read(path))
    assert article.source == "https://ex.org/a"


def test_ingest_no_header_source_is_path_as_given(tmp_path: Path) -> None:
    path = write(tmp_path / "My Story.md", "Note: this is body text\nmore body.")
    (article,) = articles(read(str(path)))
    assert article.text == "Note: this is body text\nmore body."
    assert article.source == str(path)
    assert article.doc_id == "my-story"
    assert article.title is None


def test_ingest_header_bad_date_gives_notice(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "date: sometime last spring\n\nBody.")
    records = read(path)
    (article,) = articles(records)
    assert article.date is None
    (notice,) = notices(records)
    assert notice.source == str(path) and "sometime last spring" in notice.message
    assert records.index(notice) < records.index(article)


# --- date marker -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "date", "text"),
    [
        (" date 2024-03-26 In a significant display.", dt.date(2024, 3, 26), "In a significant display."),
        (
            "date 2024-03-08 Amid growing concerns.\nMore.",
            dt.date(2024, 3, 8),
            "Amid growing concerns.\nMore.",
        ),
        ("date 2024-03-08\nOn its own line.", dt.date(2024, 3, 8), "On its own line."),
        ("The date 2024-03-08 is not a marker here.", None, "The date 2024-03-08 is not a marker here."),
        ("date 2024-03-0812 is not a date.", None, "date 2024-03-0812 is not a date."),
    ],
)
def test_ingest_date_marker(tmp_path: Path, content: str, date: dt.date | None, text: str) -> None:
    (article,) = articles(read(write(tmp_path / "a.txt", content)))
    assert article.date == date
    assert article.text == text


def test_ingest_date_marker_after_header(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "title: T\n\n date 2024-03-26 Body.")
    (article,) = articles(read(path))
    assert (article.title, article.date, article.text) == ("T", dt.date(2024, 3, 26), "Body.")


def test_ingest_date_marker_invalid_date_kept_with_notice(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "date 2024-13-45 Body.")
    records = read(path)
    (article,) = articles(records)
    assert article.date is None and article.text == "date 2024-13-45 Body."
    assert len(notices(records)) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-03-21", dt.date(2023, 3, 21)),
        ("2023-03-21T10:00:00Z", dt.date(2023, 3, 21)),
        ("2023-03-21T23:30:00-05:00", dt.date(2023, 3, 21)),
        ("March 21, 2023", dt.date(2023, 3, 21)),
        ("Mar. 21, 2023", dt.date(2023, 3, 21)),
        ("21 March 2023", dt.date(2023, 3, 21)),
        ("Tuesday, March 21, 2023", dt.date(2023, 3, 21)),
        ("Tue, 21 Mar 2023 10:00:00 +0000", dt.date(2023, 3, 21)),
        ("2023/03/21", dt.date(2023, 3, 21)),
        ("2023-02-30", None),
        ("yesterday", None),
        ("", None),
        ("Smarch 21, 2023", None),
    ],
)
def test_ingest_parse_date(value: str, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


# --- encodings ---------------------------------------------------------------------------------

TEXT = "Les chasseurs français ont intercepté un Tu-95 — “deux fois”.\nZweite Zeile: Grüße."


@pytest.mark.parametrize(
    "encoded",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16"),  # native order with BOM
        codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le", "utf16-be", "utf16-native", "utf32-le"],
)
def test_ingest_encoding_unicode(tmp_path: Path, encoded: bytes) -> None:
    records = read(write(tmp_path / "a.txt", encoded))
    assert notices(records) == []
    (article,) = articles(records)
    assert article.text == TEXT


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_ingest_encoding_legacy_gives_notice(tmp_path: Path, encoding: str) -> None:
    text = "Les chasseurs français ont intercepté un avion à Brest."
    path = write(tmp_path / "legacy.txt", text.encode(encoding))
    records = read(path)
    (article,) = articles(records)
    assert article.text == text
    (notice,) = notices(records)
    assert notice.source == str(path)
    assert "UTF-8" in notice.message
    assert records.index(notice) < records.index(article)


def test_ingest_encoding_cp1252_punctuation(tmp_path: Path) -> None:
    text = "He said “no” – twice…"
    (article,) = articles(read(write(tmp_path / "a.txt", text.encode("cp1252"))))
    assert article.text == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\r\n", "a\nb\n"),
        ("a\rb\r", "a\nb\n"),
        ("a\n\r\nb", "a\n\nb"),
    ],
)
def test_ingest_newlines_normalised(tmp_path: Path, raw: str, expected: str) -> None:
    (article,) = articles(read(write(tmp_path / "a.txt", raw)))
    assert article.text == expected


def test_ingest_characters_kept_verbatim(tmp_path: Path) -> None:
    text = "  Tabs\tand  double  spaces, \u00a0nbsp, zero\u200bwidth, e\u0301 combining, emoji 🛩️  \n\n\n"
    (article,) = articles(read(write(tmp_path / "a.txt", text)))
    assert article.text == text


def test_ingest_crlf_header(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "title: T\r\ndate: 2023-03-21\r\n\r\nBody.\r\n")
    (article,) = articles(read(path))
    assert (article.title, article.date, article.text) == ("T", dt.date(2023, 3, 21), "Body.\n")


# --- binary and empty ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary file (looks like PNG image)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (looks like PDF document)"),
        (b"PK\x03\x04\x14\x00\x00\x00", "binary file (looks like ZIP archive)"),
        (b"\x7fELF\x02\x01\x01\x00", "binary file (looks like ELF executable)"),
        (b"text then a NUL \x00 byte", "binary file (contains NUL bytes)"),
        (
            bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 20 + b"some words",
            "binary file (mostly control characters)",
        ),
    ],
    ids=["png", "pdf", "zip", "elf", "nul", "control"],
)
@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".json", ".jsonl"])
def test_ingest_binary_skipped(tmp_path: Path, content: bytes, reason: str, suffix: str) -> None:
    path = write(tmp_path / f"a{suffix}", content)
    assert read(path) == [Skipped(str(path), reason)]


def test_ingest_random_bytes_skipped(tmp_path: Path) -> None:
    data = hashlib.sha256(b"seed").digest() * 64  # 2 KiB of pseudo-random bytes
    path = write(tmp_path / "noise.txt", data)
    (record,) = read(path)
    assert isinstance(record, Skipped) and record.reason.startswith("binary file")


@pytest.mark.parametrize(
    "content", [b"", b"   \n\t\n  ", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")]
)
def test_ingest_empty_skipped(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path / "a.txt", content)
    assert read(path) == [Skipped(str(path), "empty")]


def test_ingest_header_without_body_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "title: T\ndate: 2023-01-01\n\n\n")
    assert [type(r) for r in read(path)] == [Skipped]


# --- missing inputs and folders --------------------------------------------------------------------


def test_ingest_missing_path_skipped(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    assert read(missing) == [Skipped(str(missing), "no such file or folder")]


def test_ingest_empty_folder_skipped(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    write(tmp_path / "d" / "image.png", b"\x89PNG\r\n\x1a\n")
    assert read(tmp_path / "d") == [
        Skipped(str(tmp_path / "d"), "folder holds no .txt/.md/.html/.json/.jsonl files")
    ]


def make_tree(root: Path) -> None:
    write(root / "b.txt", "B body.")
    write(root / "a.md", "A body.")
    write(root / "sub" / "c.txt", "C body.")
    write(root / "sub" / "deeper" / "d.txt", "D body.")
    write(root / "drafts" / "e.txt", "E body.")
    write(root / ".hidden.txt", "hidden file")
    write(root / ".git" / "f.txt", "hidden folder")
    write(root / "sub" / ".cache" / "g.txt", "hidden nested folder")
    write(root / "notes.csv", "not supported")


@pytest.mark.parametrize(
    ("include", "exclude", "ids"),
    [
        ((), (), ["a", "b", "e", "c", "d"]),
        (("*.txt",), (), ["b", "e", "c", "d"]),
        (("sub/*",), (), ["c", "d"]),
        ((), ("drafts/*",), ["a", "b", "c", "d"]),
        ((), ("*/deeper/*", "*.md"), ["b", "e", "c"]),
        (("*.txt",), ("sub/*",), ["b", "e"]),
    ],
)
def test_ingest_folder_include_exclude_hidden(
    tmp_path: Path, include: tuple[str, ...], exclude: tuple[str, ...], ids: list[str]
) -> None:
    make_tree(tmp_path)
    records = read(tmp_path, include=include, exclude=exclude)
    assert [a.doc_id for a in articles(records)] == ids
    assert skipped(records) == []


def test_ingest_folder_all_excluded_skipped(tmp_path: Path) -> None:
    make_tree(tmp_path)
    (record,) = read(tmp_path, include=("*.html",))
    assert isinstance(record, Skipped) and record.reason.startswith("folder holds no")


def test_ingest_folder_order_is_deterministic(tmp_path: Path) -> None:
    make_tree(tmp_path)
    assert read(tmp_path) == read(tmp_path)


def test_ingest_explicit_file_with_other_suffix_read_as_text(tmp_path: Path) -> None:
    (article,) = articles(read(write(tmp_path / "README", "title: T\n\nBody.")))
    assert (article.doc_id, article.title) == ("readme", "T")


def test_ingest_inputs_keep_argument_order(tmp_path: Path) -> None:
    z, a = write(tmp_path / "z.txt", "Z."), write(tmp_path / "a.txt", "A.")
    assert [r.doc_id for r in articles(read(z, a))] == ["z", "a"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without permission")
def test_ingest_unreadable_file_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Body.")
    path.chmod(0)
    try:
        (record,) = read(path)
    finally:
        path.chmod(0o644)
    assert isinstance(record, Skipped) and record.reason.startswith("cannot read")


# --- JSON and JSONL --------------------------------------------------------------------------------


def test_ingest_jsonl_malformed_line_skipped_rest_kept(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "First.", "title": "One", "date": "2023-03-21"}),
        "{not json",
        "",
        json.dumps({"text": "Fourth.", "id": "Story Four"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "no text"}),
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    records = read(path)
    good = articles(records)
    assert [a.doc_id for a in good] == ["feed-1", "story-four"]
    assert good[0].title == "One" and good[0].date == dt.date(2023, 3, 21)
    assert good[0].path == str(path) and good[0].source == str(path)
    bad = skipped(records)
    assert [s.source for s in bad] == [f"{path}:2", f"{path}:5", f"{path}:6"]
    assert "line 2" in bad[0].reason and "malformed JSON" in bad[0].reason
    assert "'text'" in bad[2].reason


def test_ingest_jsonl_line_order_and_crlf(tmp_path: Path) -> None:
    body = "".join(json.dumps({"text": f"Article {i}.\r\nLine two."}) + "\r\n" for i in range(5))
    records = read(write(tmp_path / "f.jsonl", codecs.BOM_UTF8 + body.encode()))
    assert [a.text for a in articles(records)] == [f"Article {i}.\nLine two." for i in range(5)]


def test_ingest_jsonl_utf16(tmp_path: Path) -> None:
    body = "\n".join(json.dumps({"text": f"Zweite {i} Grüße"}, ensure_ascii=False) for i in range(3))
    records = read(write(tmp_path / "f.jsonl", body.encode("utf-16")))
    assert [a.text for a in articles(records)] == [f"Zweite {i} Grüße" for i in range(3)]


def test_ingest_jsonl_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path / "f.jsonl", "\n\n")
    assert read(path) == [Skipped(str(path), "empty")]


def test_ingest_jsonl_overlong_line_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.text.limits.MIN_FILE_LIMIT", 0)  # the floor for real use is 64 MiB
    lines = [json.dumps({"text": "x" * 400}), json.dumps({"text": "short"})]
    path = write(tmp_path / "f.jsonl", "\n".join(lines))
    records = read(path, max_chars=5)  # 250 bytes a line at most
    assert [a.text for a in articles(records)] == ["short"]
    assert [s.source for s in skipped(records)] == [f"{path}:1"]


def test_ingest_json_list(tmp_path: Path) -> None:
    items = [{"text": "One.", "url": "https://ex.org/1"}, {"text": "Two.", "id": 7}, "junk", {"text": ""}]
    path = write(tmp_path / "batch.json", json.dumps(items))
    records = read(path)
    good = articles(records)
    assert [a.doc_id for a in good] == ["batch-1", "7"]
    assert good[0].source == "https://ex.org/1" and good[0].url == "https://ex.org/1"
    assert [s.source for s in skipped(records)] == [f"{path}[3]", f"{path}[4]"]


def test_ingest_json_object(tmp_path: Path) -> None:
    path = write(tmp_path / "one.json", json.dumps({"text": "Body.", "title": "T", "source": "Wire"}))
    (article,) = articles(read(path))
    assert (article.doc_id, article.title, article.source, article.text) == ("one", "T", "Wire", "Body.")


@pytest.mark.parametrize(
    ("content", "reason_part"),
    [("{oops", "malformed JSON"), ("42", "expected a JSON object"), ("[]", "empty")],
)
def test_ingest_json_bad_file_skipped(tmp_path: Path, content: str, reason_part: str) -> None:
    path = write(tmp_path / "bad.json", content)
    (record,) = read(path)
    assert isinstance(record, Skipped) and reason_part in record.reason


def test_ingest_json_custom_fields(tmp_path: Path) -> None:
    fields = JsonFields(
        text="body", title="headline", date="published", url="link", id="guid", source="outlet"
    )
    item = {
        "body": "Body.",
        "headline": "H",
        "published": "21 March 2023",
        "link": "https://ex.org/x",
        "guid": "abc-1",
        "outlet": "Wire",
        "text": "ignored",
    }
    path = write(tmp_path / "f.jsonl", json.dumps(item))
    (article,) = articles(read(path, fields=fields))
    assert (article.text, article.title, article.date) == ("Body.", "H", dt.date(2023, 3, 21))
    assert (article.url, article.doc_id, article.source) == ("https://ex.org/x", "abc-1", "Wire")


def test_ingest_json_missing_custom_text_field_names_it(tmp_path: Path) -> None:
    path = write(tmp_path / "f.json", json.dumps({"text": "Body."}))
    (record,) = read(path, fields=JsonFields(text="content"))
    assert isinstance(record, Skipped) and "'content'" in record.reason


# --- HTML --------------------------------------------------------------------------------------------

HTML = """<!doctype html><html><head><title>Jets intercepted | Example News</title>
<meta property="og:title" content="Russian jets intercept bombers">
<meta property="article:published_time" content="2023-03-21T10:00:00Z">
</head><body><nav>Home | World | Sport</nav><article><h1>Russian jets intercept bombers</h1>
<p>Two Russian Su-35 fighters intercepted a pair of US B-52 bombers over the Baltic Sea on Tuesday,
the defence ministry said in a statement.</p>
<p>The bombers were escorted out of the area and no airspace violation occurred, according to
officials who spoke to reporters later that day.</p>
<p>NATO said the flight was routine and planned well in advance as part of a long-running series of
training missions in the region.</p></article>
<footer>Copyright Example News</footer><script>var tracking = 1;</script></body></html>"""


def test_ingest_html_trafilatura_text_title_date(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    (article,) = articles(read(write(tmp_path / "page.html", HTML)))
    assert "Su-35 fighters intercepted" in article.text
    assert "tracking" not in article.text and "Copyright" not in article.text
    assert article.title == "Russian jets intercept bombers"
    assert article.date == dt.date(2023, 3, 21)
    assert article.doc_id == "page"


def test_ingest_html_fallback_when_trafilatura_finds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    trafilatura = pytest.importorskip("trafilatura")
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    path = write(tmp_path / "page.htm", HTML)
    records = read(path)
    assert notices(records) == [] and caplog.records == []
    (article,) = articles(records)
    assert "Su-35 fighters intercepted" in article.text
    assert "tracking" not in article.text
    assert article.title == "Jets intercepted | Example News"
    assert article.date == dt.date(2023, 3, 21)


def test_ingest_html_tiny_page_is_quiet(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    records = read(write(tmp_path / "t.html", "<div>x"))
    assert [a.text for a in articles(records)] == ["x"]
    assert notices(records) == [] and caplog.records == []


def test_ingest_html_without_text_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path / "t.html", "<html><head><script>x()</script></head><body> </body></html>")
    assert read(path) == [Skipped(str(path), "empty")]


# --- stdin --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_stream",
    [
        lambda: io.StringIO("title: From a pipe\n\n date 2024-03-26 Body."),
        lambda: io.BytesIO(b"title: From a pipe\r\n\r\n date 2024-03-26 Body."),
    ],
    ids=["text", "bytes"],
)
def test_ingest_stdin(make_stream) -> None:
    (article,) = articles(list(iter_articles(["-"], stdin=make_stream())))
    assert article.text == "Body."
    assert article.title == "From a pipe" and article.date == dt.date(2024, 3, 26)
    assert article.doc_id == f"stdin-{hashlib.sha256(b'Body.').hexdigest()[:8]}"
    assert article.source == "-" and article.path == "-"


def test_ingest_stdin_empty() -> None:
    assert list(iter_articles(["-"], stdin=io.StringIO(""))) == [Skipped("-", "empty")]


# --- oversized articles -----------------------------------------------------------------------------


def test_ingest_oversized_split_on_paragraphs(tmp_path: Path) -> None:
    paragraphs = [f"Paragraph {i} " + "word " * 15 for i in range(10)]
    text = "\n\n".join(paragraphs)
    path = write(tmp_path / "long.txt", "title: Long\n\n" + text)
    records = read(path, max_chars=200)
    parts = articles(records)
    assert len(parts) > 1
    assert [p.doc_id for p in parts] == [f"long-p{i}" for i in range(1, len(parts) + 1)]
    assert all(len(p.text) <= 200 for p in parts)
    assert "".join(p.text for p in parts) == text
    assert all(p.text.startswith("Paragraph") for p in parts)
    assert all(p.title == "Long" for p in parts)
    assert all(p.content_hash == hashlib.sha256(p.text.encode()).hexdigest() for p in parts)
    (notice,) = notices(records)
    assert "max_chars=200" in notice.message


@pytest.mark.parametrize("text", ["x" * 95, "word " * 40, "line\n" * 40])
def test_ingest_split_text_bounded_and_lossless(text: str) -> None:
    parts = split_text(text, 30)
    assert "".join(parts) == text
    assert all(0 < len(p) <= 30 for p in parts)


def test_ingest_file_too_large_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.text.limits.MIN_FILE_LIMIT", 0)  # the floor for real use is 64 MiB
    path = write(tmp_path / "big.txt", "a" * 600)
    (record,) = read(path, max_chars=10)
    assert isinstance(record, Skipped) and "too large" in record.reason


@pytest.mark.parametrize("max_chars", [0, -1, 1.5, True])
def test_ingest_bad_max_chars_raises(max_chars: object) -> None:
    with pytest.raises(InputError, match="max_chars"):
        iter_articles(["x"], max_chars=max_chars)  # type: ignore[arg-type]


# --- doc ids -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        ("000_5608f358b87fed35", "000_5608f358b87fed35"),
        ("My Story (Final)", "my-story-final"),
        ("Überflug über Kaliningrad", "uberflug-uber-kaliningrad"),
        ("--a--b--", "a-b"),
    ],
)
def test_ingest_slugify(value: str, slug: str) -> None:
    assert slugify(value) == slug


def test_ingest_slugify_never_empty() -> None:
    assert slugify("日本").startswith("doc-")


def test_ingest_doc_id_collision_gets_path_hash(tmp_path: Path) -> None:
    first = write(tmp_path / "x" / "story.txt", "One.")
    second = write(tmp_path / "y" / "story.md", "Two.")
    ids = [a.doc_id for a in articles(read(tmp_path))]
    suffix = hashlib.sha256(str(second).encode()).hexdigest()[:6]
    assert ids == ["story", f"story-{suffix}"]
    assert first.exists()


def test_ingest_doc_id_collision_same_path_still_unique(tmp_path: Path) -> None:
    path = write(
        tmp_path / "f.jsonl", "\n".join(json.dumps({"text": f"T{i}.", "id": "same"}) for i in range(3))
    )
    ids = [a.doc_id for a in articles(read(path))]
    assert len(set(ids)) == 3 and ids[0] == "same"


def test_ingest_doc_id_stable_across_calls(tmp_path: Path) -> None:
    write(tmp_path / "a" / "s.txt", "One.")
    write(tmp_path / "b" / "s.txt", "Two.")
    assert [a.doc_id for a in articles(read(tmp_path))] == [a.doc_id for a in articles(read(tmp_path))]


# --- seeds -----------------------------------------------------------------------------------------------


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed corpus not present")
def test_ingest_seeds_parse_with_dates() -> None:
    records = read(SEEDS)
    assert skipped(records) == [] and notices(records) == []
    found = {a.doc_id: a for a in articles(records)}
    expected = {
        "000_5608f358b87fed35": dt.date(2024, 3, 26),
        "001_3018f9ef8f5d5aec": dt.date(2024, 3, 8),
        "002_7230f43d1c5252f7": None,
        "003_ccc252f279aa8738": None,
    }
    for doc_id, date in expected.items():
        if doc_id in found:
            assert found[doc_id].date == date
            assert not found[doc_id].text.lstrip().startswith("date ")
    assert found, "the seed folder holds no readable articles"


def test_ingest_jsonl_legacy_encoding_one_notice(tmp_path: Path) -> None:
    body = "\n".join(json.dumps({"text": f"Grüße {i}"}, ensure_ascii=False) for i in range(3))
    path = write(tmp_path / "f.jsonl", body.encode("latin-1"))
    records = read(path)
    assert [a.text for a in articles(records)] == [f"Grüße {i}" for i in range(3)]
    (notice,) = notices(records)
    assert notice.source == f"{path}:1"


def test_ingest_html_fallback_unclosed_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trafilatura = pytest.importorskip("trafilatura")
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    path = write(tmp_path / "p.html", "<html><head><title>T</title><body><p>Body text.</p>")
    (article,) = articles(read(path))
    assert (article.title, article.text) == ("T", "Body text.")
