"""Extraction quality on the annotated sets, held at floors below today's figures.

These sets were all read while the rules were written, so they guard against regressions;
they do not measure how extraction does on new text (that is ../shared/eval/validation,
scored by `kg evaluate`, figures in README.md). Floors sit a little under the current
figures so that a small, explained trade-off can pass and a real regression cannot.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build.pipeline import build_article_graph
from kg.evaluation.score import evaluate

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

pytestmark = pytest.mark.slow

#: (articles, gold, relations F1 floor, entities F1 floor)
SETS = {
    "examples": (ROOT / "examples" / "articles", ROOT / "examples" / "gold", 0.97, 0.98),
    "tests/corpus": (ROOT / "tests" / "corpus" / "articles", ROOT / "tests" / "corpus" / "gold", 0.92, 0.97),
    "constructions": (
        ROOT / "tests" / "constructions" / "articles",
        ROOT / "tests" / "constructions" / "gold",
        0.88,
        0.95,
    ),
    "development (seeds)": (SHARED / "corpus" / "seeds", SHARED / "eval" / "dev" / "gold", 0.97, 0.97),
}


@pytest.mark.parametrize("name", list(SETS))
def test_quality_relations_and_entities_stay_above_their_floor(name: str) -> None:
    articles, gold, relations_floor, entities_floor = SETS[name]
    if not articles.is_dir() or not gold.is_dir():
        pytest.skip(f"{articles} is not here (../shared is beside the checkout only in CI and dev)")
    scores = evaluate(articles, gold, build_article_graph).scores
    assert scores["relations"]["f1"] >= relations_floor, scores["relations"]
    assert scores["entities"]["f1"] >= entities_floor, scores["entities"]
