"""`kg build` and `kg remove` through click's CliRunner: what the user sees and the exit codes.

Exit codes of `kg build`: 0 built; 2 no article could be read; 3 built, but some inputs
were skipped (listed on stderr and in OUTDIR/skipped.txt).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

ARTICLE = """title: Fighters meet bombers over the Sea of Japan
date: 2025-03-14

Japanese F-15J fighters intercepted two Russian Tu-95MS bombers over the Sea of Japan on Tuesday.
The United States deployed F-22 fighters to Japan.
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing a command writes may land in the repository


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def article_folder(path: Path, *, binary: bool = False) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "jets.txt").write_text(ARTICLE, encoding="utf-8")
    if binary:
        (path / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return path


@pytest.mark.slow
def test_cli_build_prints_the_summary_and_writes_the_graph_files(tmp_path):
    out = tmp_path / "out"
    result = run("build", str(article_folder(tmp_path / "in")), "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "documents: 1 (1 extracted, 0 unchanged, 0 skipped)"
    assert re.search(r"^entities: \d+ \(.*Aircraft \d+.*Nation \d+.*\)$", result.stdout, re.M)
    assert re.search(r"^relations: \d+ \(.*intercepted 1.*\)$", result.stdout, re.M)
    assert re.search(r"^seconds: \d+\.\d\d$", lines[-1])
    for name in ("graph.ttl", "graph.trig", "graph.html"):
        assert (out / name).stat().st_size > 0
        assert f"wrote {name}: " in result.stdout
    assert not (out / "skipped.txt").exists()
    assert not (tmp_path / "lib").exists()  # pyvis must not drop files into the working folder


@pytest.mark.slow
def test_cli_build_twice_says_graph_unchanged(tmp_path):
    inputs, out = str(article_folder(tmp_path / "in")), str(tmp_path / "out")
    assert run("build", inputs, "-o", out, "--no-store", "--no-html").exit_code == 0
    before = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    again = run("build", inputs, "-o", out, "--no-store", "--no-html")
    assert again.exit_code == 0, again.output
    assert "documents: 1 (0 extracted, 1 unchanged, 0 skipped)" in again.stdout
    assert "graph unchanged" in again.stdout
    assert (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8") == before


@pytest.mark.slow
def test_cli_build_skips_a_binary_file_builds_the_rest_and_exits_3(tmp_path):
    out = tmp_path / "out"
    result = run("build", str(article_folder(tmp_path / "in", binary=True)), "-o", str(out), "--no-store")
    assert result.exit_code == 3, result.output
    assert "documents: 1 (1 extracted, 0 unchanged, 1 skipped)" in result.stdout
    assert re.search(r"kg: warning: skipped .*scan\.txt: ", result.stderr)
    assert (out / "graph.ttl").exists()
    skipped = (out / "skipped.txt").read_text(encoding="utf-8").splitlines()
    assert len(skipped) == 1
    assert skipped[0].split("\t")[0].endswith("scan.txt")
    assert "jets.txt" not in "\n".join(skipped)


def test_cli_build_missing_input_exits_2_naming_the_path(tmp_path):
    missing = tmp_path / "no-such-folder"
    result = run("build", str(missing), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.startswith("kg: error: ")
    assert str(missing) in result.stderr
    assert "Traceback" not in result.output


def test_cli_build_empty_folder_exits_2_with_a_clear_message(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("build", str(empty), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "kg: error: no articles to build" in result.stderr
    assert str(empty) in result.stderr
    assert ".txt" in result.stderr  # says what it expected


def test_cli_build_without_inputs_or_out_is_a_usage_error(tmp_path):
    assert run("build", "-o", str(tmp_path / "out")).exit_code == 2
    assert run("build", str(tmp_path)).exit_code == 2


def test_cli_build_help_lists_options_and_exit_codes():
    result = run("build", "--help")
    assert result.exit_code == 0
    for option in (
        "--out",
        "--model",
        "--include",
        "--exclude",
        "--window-days",
        "--no-html",
        "--no-store",
        "--quiet",
    ):
        assert option in result.stdout
    text = " ".join(result.stdout.split())
    assert "Exit codes: 0 built; 2 no article could be read; 3 built, but some inputs were skipped" in text


@pytest.mark.slow
def test_cli_remove_unknown_id_is_a_clear_error(tmp_path):
    out = tmp_path / "out"
    assert (
        run(
            "build", str(article_folder(tmp_path / "in")), "-o", str(out), "--no-store", "--no-html"
        ).exit_code
        == 0
    )
    result = run("remove", "-g", str(out), "no-such-article")
    assert result.exit_code != 0
    assert "kg: error: no article 'no-such-article'" in result.stderr
    assert "jets" in result.stderr  # lists the ids it does hold
    removed = run("remove", "-g", str(out), "jets")
    assert removed.exit_code == 0, removed.output
    assert removed.stdout.strip() == "removed jets"


def test_cli_build_progress_bars_follow_each_phase_of_the_build(tmp_path):
    """On a terminal the build shows extraction, graph writing and store loading as they go."""
    import io

    from kg.build.pipeline import build
    from kg.cli.build import ProgressBar

    calls: list[tuple[str, int, int]] = []
    folder = article_folder(tmp_path / "in")
    build([folder], tmp_path / "out", html=False, progress=lambda *call: calls.append(call))
    phases = [phase for phase, _, _ in calls]
    assert phases[0] == "extracting" and calls[-1][0] == "loading store"
    assert sorted(set(phases), key=phases.index) == ["extracting", "writing graphs", "loading store"]
    for phase in set(phases):
        mine = [(done, total) for p, done, total in calls if p == phase]
        assert mine[-1][0] == mine[-1][1]  # every phase ends complete
        assert [d for d, _ in mine] == sorted(d for d, _ in mine)

    screen = io.StringIO()
    bar = ProgressBar(enabled=True, file=screen)
    for call in calls:
        bar(*call)
    bar.close()
    assert "extracting" in screen.getvalue() and "1/1" in screen.getvalue()
    assert "loading store" in screen.getvalue()
    quiet = io.StringIO()
    off = ProgressBar(enabled=False, file=quiet)
    for call in calls:
        off(*call)
    off.close()
    assert quiet.getvalue() == ""
