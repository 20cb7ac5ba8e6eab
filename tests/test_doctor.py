"""`kg doctor` and the readers' probes: an installed reader must really parse, or say why and how to fix it.

The first test is the one that keeps a broken install out of CI: each registered reader reads its
own small sample here and now (trafilatura importable but unable to parse, as with lxml 6 and no
lxml_html_clean, fails it).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

pytestmark = pytest.mark.slow

#: Run with lxml_html_clean hidden, as on a machine where pip brought lxml 6 without it.
WITHOUT_HTML_CLEAN = """
import sys
sys.modules["lxml_html_clean"] = None
from kg.cli import main
main(sys.argv[1:], prog_name="kg")
"""


@pytest.mark.parametrize("name", ["txt", "md", "html", "json", "jsonl", "stdin"])
def test_doctor_every_installed_reader_parses_its_sample(name: str) -> None:
    from kg.text.registry import READERS

    ok, seen = READERS[name].probe()
    assert ok, f"reader {name} cannot read a small sample here: {seen}"


def test_doctor_lists_readers_model_oxigraph_and_chromium() -> None:
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0, result.output
    parts = ("reader txt", "reader html", "reader jsonl", "reader stdin", "spaCy model", "Oxigraph store")
    for name in parts:
        assert any(line.startswith("ok") and name in line for line in result.output.splitlines()), name
    assert "Chromium" in result.output


def test_doctor_names_the_real_import_error_and_the_fix(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", WITHOUT_HTML_CLEAN, "doctor"], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 1
    (line,) = [line for line in run.stdout.splitlines() if "reader html" in line]
    assert line.startswith("FAIL") and "lxml_html_clean" in line and "not installed" not in line
    assert "fix: pip install lxml_html_clean" in run.stdout
    assert "not working: reader html" in run.stderr


def test_doctor_html_read_without_trafilatura_says_why_once(tmp_path: Path) -> None:
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_text("<html><body><p>Jets flew over the sea today.</p></body></html>")
    script = WITHOUT_HTML_CLEAN.replace(
        'main(sys.argv[1:], prog_name="kg")',
        "from kg.text.readers import iter_articles\n"
        "for record in iter_articles(sys.argv[1:]):\n    print(type(record).__name__, record)",
    ).replace("from kg.cli import main\n", "")
    run = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    notices = [line for line in run.stdout.splitlines() if line.startswith("Notice")]
    assert len(notices) == 1  # once per run, not once per page
    assert "lxml.html.clean module is now a separate project" in notices[0]
    assert "pip install lxml_html_clean" in notices[0]
    articles = [line for line in run.stdout.splitlines() if line.startswith("Article")]
    assert len(articles) == 2  # the pages are still read, as plain page text
