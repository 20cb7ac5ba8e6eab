"""`kg report` (kg/view/report.py, reportdata.py): the rise rule on made-up series, chains,
co-flying pairs, the CSV files, and the page drawn in headless Chromium with no network and
no page error, on tests/corpus and on a graph with no events."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_browser import Opened, _wait_until, browser, open_page, pytestmark  # noqa: F401

from kg.build.pipeline import build
from kg.cli import main
from kg.view import reportdata as rd

CORPUS = Path(__file__).resolve().parent / "corpus" / "articles"
MONDAY = dt.date(2025, 1, 6)
WEEKS = [MONDAY + dt.timedelta(weeks=i) for i in range(6)]


@pytest.mark.parametrize(
    ("counts", "flagged"),
    [
        ([2, 2, 2, 2, 3, 0], {4: 0.5}),  # 3 > 2 x 1.25 with 3 events
        ([4, 4, 4, 4, 5, 0], {}),  # exactly 25 % above: not more than
        ([4, 4, 4, 4, 6, 0], {4: 0.5}),
        ([0, 0, 0, 0, 2, 0], {}),  # too few events in the week
        ([0, 0, 0, 0, 3, 1], {4: None}),  # rising from nothing: no percentage
        ([9, 0, 0, 0, 0, 3], {5: None}),  # the average is of the four weeks before, not all weeks
        ([0, 0, 0, 12, 3, 4], {}),  # 3 is not above 12 / 4 x 1.25, nor 4 above (12 + 3) / 4 x 1.25
    ],
)
def test_report_flags_follow_the_25_percent_rule(counts: list[int], flagged: dict[int, float | None]) -> None:
    flags = rd.rise_flags({"Baltic Sea": counts}, WEEKS, "region")
    assert {WEEKS.index(dt.date.fromisoformat(f.week)): f.rise for f in flags} == flagged
    for f in flags:
        i = WEEKS.index(dt.date.fromisoformat(f.week))
        assert f.count == counts[i] and f.baseline == sum(counts[i - 4 : i]) / 4


def test_report_first_four_weeks_are_never_judged() -> None:
    assert rd.rise_flags({"x": [0, 0, 9, 9, 0, 0]}, WEEKS, "pair") == []


def _event(iri: str, predicate: str, day: int, actor: str, target: str, **kw: Any) -> rd.EventFacts:
    return rd.EventFacts(
        iri, predicate, MONDAY + dt.timedelta(days=day), actor, actor, kw.get("kind", "Nation"), actor,
        target, target, kw.get("kind", "Nation"), target, sentences=kw.get("sentences", ()),
    )  # fmt: skip


def test_report_response_chains_with_lags_longest_first_and_no_loop() -> None:
    events = [
        _event("e1", "deployedTo", 0, "nation:US", "nation:PL"),
        _event("e2", "respondedTo", 3, "nation:RU", "nation:US"),
        _event("e3", "respondedTo", 10, "nation:US", "nation:RU"),
        _event("e4", "respondedTo", 10, "nation:RU", "nation:US"),  # same day both ways
        _event("e5", "respondedTo", 40, "nation:CN", "nation:JP"),  # nothing of Japan's before
    ]
    chains = rd.response_chains(events)
    assert [[(s.event.iri, s.lag) for s in c] for c in chains] == [
        [("e1", None), ("e2", 3), ("e3", 7), ("e4", 0)],
    ]


def test_report_coflying_pairs_count_encounters_on_one_side() -> None:
    s1, s2 = ("a/0-10",), ("a/20-30",)
    events = [
        _event("e1", "intercepted", 0, "F-16", "Tu-95MS", kind="Aircraft", sentences=s1),
        _event("e2", "intercepted", 0, "F-16", "Su-35", kind="Aircraft", sentences=s1),
        _event("e3", "escorted", 1, "F-35A", "Tu-95MS", kind="Aircraft", sentences=s2),
        _event("e4", "escorted", 1, "F-35A", "Su-35", kind="Aircraft", sentences=s2),
    ]
    assert rd.coflying_pairs(events) == [("Su-35", "Tu-95MS", 2)]


@pytest.fixture(scope="module")
def corpus_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("corpus")
    build([CORPUS], out, html=False, validate=False)
    result = CliRunner().invoke(main, ["report", "-g", str(out), "-o", str(out / "report.html")])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_report_cli_prints_what_it_read_and_wrote(corpus_report: tuple[Path, str]) -> None:
    out, output = corpus_report
    assert output.splitlines()[1].startswith("read ") and " events (" in output
    weekly = ("weekly-by-predicate", "weekly-by-pair", "weekly-by-sea", "weekly-by-aircraft")
    tables = (*weekly, "flags", "co-flying", "response-chains", "map-places")
    for name in ("report.html", *(f"report-{t}.csv" for t in tables)):
        assert f"wrote {out / name}" in output
    rows = list(csv.DictReader((out / "report-weekly-by-predicate.csv").open(encoding="utf-8")))
    assert {"week", "predicate", "events"} <= set(rows[0]) and sum(int(r["events"]) for r in rows) > 20


def _drawn(opener: Any, path: Path) -> Opened:
    opened = opener(path)
    _wait_until(opened.page, "document.body.getAttribute('data-ready') === '1'")
    opened.check_clean()
    return opened


def test_report_page_draws_charts_and_map_offline(
    corpus_report: tuple[Path, str],
    open_page: Any,  # noqa: F811
) -> None:
    opened = _drawn(open_page, corpus_report[0] / "report.html")
    page = opened.page
    assert page.locator("#chart-predicate rect.bar").count() > 10
    assert page.locator("#chart-aircraft rect.bar").count() > 5
    assert page.locator("#map path.land").count() > 100  # the world outline
    assert page.locator("#map circle.place").count() > 5 and page.locator("#map path.edge").count() > 5
    assert page.locator("#coflying tr").count() > 1 and page.locator("#chains .chain").count() >= 1


@pytest.fixture
def empty_outdir(tmp_path: Path) -> Path:
    article = tmp_path / "quiet.txt"
    article.write_text("The weather was calm over the coast on Monday.\n", encoding="utf-8")
    build([article], tmp_path / "out", html=False, validate=False)
    return tmp_path / "out"


def test_report_empty_graph_gives_a_page_that_says_so(
    empty_outdir: Path,
    open_page: Any,  # noqa: F811
) -> None:
    result = CliRunner().invoke(main, ["report", "-g", str(empty_outdir)])
    assert result.exit_code == 0 and "no events" in result.output
    opened = _drawn(open_page, empty_outdir / "report.html")
    assert "holds no events" in opened.page.locator("#notice").inner_text()
    assert "nothing to chart" in opened.page.locator("#chart-predicate").inner_text()
    assert opened.page.locator("#map path.land").count() > 100


def test_report_missing_outdir_is_one_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", "-g", str(tmp_path / "none")])
    assert result.exit_code != 0 and "kg build" in result.output and "Traceback" not in result.output
