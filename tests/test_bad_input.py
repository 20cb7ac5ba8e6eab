"""Bad input loses nothing: every good article is built, every bad one reported, no partial output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDFS, Graph, Literal
from rdflib.namespace import DCTERMS

from kg.cli import main

pytestmark = pytest.mark.slow

GOOD = (
    "title: Jets intercept bombers\ndate: 2025-02-04\n\n"
    "Two Russian Tu-95MS bombers were intercepted by Norwegian F-35 jets over the Norwegian Sea on Monday."
)
LONG_SENTENCES = (
    "Japanese F-15J fighters were scrambled to intercept two Chinese H-6K bombers over the East China Sea. "
    "Officials said the flight posed no threat and gave no further details. "
)


def _mixed_corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    latin = "title: Ørland\n\nUS B-52H bombers arrived at Ørland Air Station in Norway on Tuesday."
    (folder / "latin1.txt").write_bytes(latin.encode("latin-1"))
    lines = [
        json.dumps({"id": "wire-1", "text": "NATO deployed Patriot batteries to Poland."}),
        "{not json",
        json.dumps(
            {"id": "wire-2", "text": "Chinese J-16 jets shadowed a US P-8A over the South China Sea."}
        ),
    ]
    (folder / "wire.jsonl").write_text("\n".join(lines), encoding="utf-8")
    paragraphs = [LONG_SENTENCES * 6] * 300  # about 330 kB: split into parts, not refused
    (folder / "long.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    return folder


def test_bad_input_mixed_corpus_builds_every_good_article_and_reports_each_bad_one(tmp_path):
    corpus = _mixed_corpus(tmp_path / "in")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(corpus), "-o", str(out), "--no-html"])
    assert result.exit_code == 3, result.output
    skipped = (out / "skipped.txt").read_text(encoding="utf-8")
    assert "image.txt" in skipped and "binary" in skipped
    assert "empty.txt" in skipped and "empty" in skipped
    assert "wire.jsonl:2" in skipped
    assert "latin1.txt" in result.output  # decoded with a warning naming the file
    built = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["articles"]
    assert {"good", "latin1", "wire-1", "wire-2"} <= set(built)
    assert sum(1 for doc_id in built if doc_id.startswith("long-p")) > 1  # split, every part built
    graph = Graph().parse(out / "graph.ttl")
    labels = {
        str(o) for o in graph.objects(None, None) if str(o) in {"Ørland Air Station", "Patriot", "P-8A"}
    }
    assert {"Patriot", "P-8A"} <= labels


def test_bad_input_failed_build_leaves_the_previous_outputs_intact(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(good), "-o", str(out), "--no-html"]).exit_code == 0
    before = {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.trig", "manifest.json")}
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.txt").write_bytes(b"\x00\x01\x02binary")
    result = runner.invoke(main, ["build", str(bad), "-o", str(out), "--no-html"])
    assert result.exit_code == 2 and "no articles to build" in result.output
    assert {name: (out / name).read_bytes() for name in before} == before
    assert not list(out.glob(".*.tmp"))


# A `kg build` that receives SIGINT (Ctrl-C) while it loads the store: a real process, a real signal.
_INTERRUPTED_BUILD = """
import os, signal, sys
import kg.graph.store

# a process started from a background job inherits SIGINT ignored, and Python then raises no
# KeyboardInterrupt for it: restore what a terminal's Ctrl-C meets
signal.signal(signal.SIGINT, signal.default_int_handler)

load = kg.graph.store.load_store_from_trig

def load_then_ctrl_c(chunks, store_dir, **options):
    def chunks_then_signal():
        for chunk in chunks:
            yield chunk
            os.kill(os.getpid(), signal.SIGINT)
    return load(chunks_then_signal(), store_dir, **options)

kg.graph.store.load_store_from_trig = load_then_ctrl_c
from kg.cli import main
main(sys.argv[1:], prog_name="kg")
"""


@pytest.mark.parametrize("workers", ["1", "2"])  # with 2, the store loads in a thread beside the pages
def test_bad_input_ctrl_c_while_writing_the_store_keeps_the_previous_graph_and_the_next_build_finishes(
    tmp_path, workers
):
    import subprocess
    import sys

    from kg.graph.store import open_store

    options = ["--workers", workers]

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "a.txt").write_text(GOOD, encoding="utf-8")
    (second / "b.txt").write_text(
        "title: Patriots\ndate: 2025-02-05\n\nNATO deployed Patriot batteries to Lithuania on Tuesday.",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", str(first), "-o", str(out)]).exit_code == 0
    files = ("graph.ttl", "graph.trig", "graph.html", "timeline.html")
    before = {name: (out / name).read_bytes() for name in files}
    with open_store(out) as store:
        quads_before = len(store)

    run = subprocess.run(
        [
            sys.executable,
            "-c",
            _INTERRUPTED_BUILD,
            "build",
            str(first),
            str(second),
            "-o",
            str(out),
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode != 0 and "Aborted" in run.stderr + run.stdout
    assert {name: (out / name).read_bytes() for name in files} == before
    with open_store(out) as store:
        assert len(store) == quads_before
    assert not [p.name for p in out.iterdir() if p.name.startswith((".store-", ".kg-"))]

    again = CliRunner().invoke(main, ["build", str(first), str(second), "-o", str(out)])
    assert again.exit_code == 0, again.output
    assert "extracted" in again.output and "graph unchanged" not in again.output
    graph = Graph().parse(out / "graph.ttl")
    assert any("Lithuania" in str(o) for o in graph.objects())


PATRIOTS = "NATO deployed Patriot batteries."


def _hostile_corpus(folder: Path) -> Path:
    """Every character that once ended a build (and poisoned the cache for the next one)."""
    folder.mkdir()
    body = GOOD.split("\n\n", 1)[1]
    (folder / "breaks.txt").write_text(
        "title: Jets\x0cover the sea\n\n"
        + body.replace(" by ", " by\x0b").replace(" over ", "\u2028over ")
        + "\x85Officials\u2029said\x1bnothing\x7f more.",
        encoding="utf-8",
    )
    wire = [
        {"id": "title-newline", "title": "Two\nlines\r\nof title", "text": PATRIOTS},
        {"id": "surrogate", "title": "Lone \ud800", "text": "Chinese J-16 jets shadowed a US P-8A \udfff."},
        {"id": "nul", "text": "Japan scrambled F-15J\x00 fighters.\x0c"},
    ]
    # json.dumps writes control characters and surrogates as \\u escapes, as feeds do
    (folder / "wire.jsonl").write_text("\n".join(json.dumps(record) for record in wire), encoding="utf-8")
    (folder / "new\nline.txt").write_text(GOOD, encoding="utf-8")
    return folder


def test_bad_input_control_characters_and_surrogates_build_and_the_next_build_is_unaffected(tmp_path):
    corpus = _hostile_corpus(tmp_path / "in")
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(corpus), "-o", str(out), "--no-html"])
    assert result.exit_code == 0, result.output
    assert f"{corpus}/wire.jsonl:2" in result.output and "surrogate" in result.output
    graph = Graph().parse(out / "graph.ttl")
    literals = [str(o) for o in graph.objects() if isinstance(o, Literal)]
    assert not [
        text for text in literals if re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]", text)
    ]
    titles = set(graph.objects(None, DCTERMS.title))
    assert {Literal("Two lines  of title"), Literal("Jets over the sea"), Literal("Lone \ufffd")} <= titles
    assert Literal(f"{corpus}/new\\nline.txt") in set(graph.objects(None, DCTERMS.source))
    assert {"Patriot", "P-8A", "Tu-95MS"} <= {str(o) for o in graph.objects(None, RDFS.label)}

    (corpus / "later.txt").write_text(
        "NATO deployed Patriot batteries to Lithuania on Tuesday.", encoding="utf-8"
    )
    again = runner.invoke(main, ["build", str(corpus), "-o", str(out), "--no-html"])
    assert again.exit_code == 0, again.output
    assert "(1 extracted, 5 unchanged, 0 skipped)" in again.output
    assert any("Lithuania" in str(o) for o in Graph().parse(out / "graph.ttl").objects())
