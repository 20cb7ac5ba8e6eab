"""`--workers N`: whole articles extracted in forked processes, same results as one process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from kg.build.workers import extract_in_processes
from kg.extract.extractor import Extractor
from kg.records import Article, ArticleResult, Skipped

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"

TEXTS = [
    "A Russian MiG-31 intercepted two US B-1B bombers over the Barents Sea on Monday.",
    "NATO will deploy Patriot systems in Lithuania, officials said.",
    "Russia responded with Tu-95 bombers to counter US B-52s near Alaska.",
    "Chinese J-11 fighters escorted a US P-8 Poseidon over the South China Sea.",
    "The weather over the Baltic was calm.",
]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _articles(count: int) -> list[Article]:
    return [
        Article(doc_id=f"doc-{i:03d}", text=TEXTS[i % len(TEXTS)], title=f"Article {i}") for i in range(count)
    ]


def test_two_processes_give_the_results_of_one_in_input_order(extractor: Extractor) -> None:
    articles = _articles(23)  # batches of 4: the last one is short
    one = list(extractor.run(articles))
    two = list(extract_in_processes(extractor, articles, processes=2, batch_size=4))
    assert [r.article.doc_id for r in two if isinstance(r, ArticleResult)] == [a.doc_id for a in articles]
    assert two == one
    assert sum(len(r.relations) for r in two if isinstance(r, ArticleResult)) >= 4


def test_an_article_that_fails_in_a_worker_is_skipped_and_the_rest_go_on(
    extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Extractor.from_doc

    def failing(self: Extractor, doc: Any, article: Article) -> ArticleResult:
        if article.doc_id == "doc-005":
            raise ValueError("boom")
        return original(self, doc, article)

    monkeypatch.setattr(Extractor, "from_doc", failing)  # the forked workers inherit it
    results = list(extract_in_processes(extractor, _articles(12), processes=2, batch_size=3))
    skipped = [r for r in results if isinstance(r, Skipped)]
    assert [s.source for s in skipped] == ["doc-005"]
    assert "extraction failed: ValueError: boom" in skipped[0].reason
    assert sum(isinstance(r, ArticleResult) for r in results) == 11


def test_a_worker_that_dies_loses_only_the_batches_in_flight(
    extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Extractor.from_doc

    def dying(self: Extractor, doc: Any, article: Article) -> ArticleResult:
        if article.doc_id == "doc-004":
            os._exit(1)  # like a worker killed for memory
        return original(self, doc, article)

    monkeypatch.setattr(Extractor, "from_doc", dying)
    articles = _articles(30)
    results = list(extract_in_processes(extractor, articles, processes=2, batch_size=2))
    assert len(results) == len(articles)
    skipped = [r for r in results if isinstance(r, Skipped)]
    assert "doc-004" in {s.source for s in skipped}
    assert all("worker process died" in s.reason and "run kg build again" in s.reason for s in skipped)
    assert len(skipped) <= 2 * 2 * 2  # at most two batches per worker were in flight
    done = [r.article.doc_id for r in results if isinstance(r, ArticleResult)]
    assert done[-1] == "doc-029"  # a fresh pool finished the rest


@pytest.mark.slow
def test_build_with_two_workers_writes_what_one_writes(tmp_path: Path) -> None:
    """Two workers also draw the pages while the store loads: same files, same graph."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from kg.build.pipeline import build

    one = build([EXAMPLES], tmp_path / "one")
    two = build([EXAMPLES], tmp_path / "two", workers=2, batch_size=2)
    assert list(two.outputs) == list(one.outputs)
    assert all(path.exists() for path in two.outputs.values())
    assert two.triples == one.triples and two.warnings == one.warnings
    graphs = [Graph().parse(tmp_path / name / "graph.ttl") for name in ("one", "two")]
    assert isomorphic(*graphs)
    page = (tmp_path / "two" / "graph.html").read_text(encoding="utf-8")
    assert page == (tmp_path / "one" / "graph.html").read_text(encoding="utf-8").replace("/one/", "/two/")
