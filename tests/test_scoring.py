"""Confidence that can be checked: calibration bands, the candidate scorer and its training.

The articles here are written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import KgError
from kg.evaluation.calibration import Band, calibration, format_calibration
from kg.evaluation.training import check_sets
from kg.extract.extractor import Extractor
from kg.extract.scoring import Scorer, features, sibling_counts
from kg.records import Article

pytestmark = pytest.mark.slow

ARTICLES = {
    "a1": "Two Russian Tu-95MS bombers flew over the Sea of Japan on Monday. Japanese F-15J fighters "
    "intercepted the bombers near Hokkaido.",
    "a2": "Four B-52H bombers landed at RAF Fairford on Friday. Dutch F-35A jets escorted the bombers over "
    "the North Sea.",
    "a3": "Chinese J-16 fighters intercepted a Philippine C-208 over the South China Sea. Manila said the "
    "jets had flown dangerously close.",
}
GOLD = {
    "a1": {
        "entities": [],
        "relations": [{"subject": "F-15J", "predicate": "intercepted", "object": "Tu-95MS"}],
    },
    "a2": {
        "entities": [],
        "relations": [
            {"subject": "B-52H", "predicate": "deployedTo", "object": "RAF Fairford"},
            {"subject": "F-35A", "predicate": "escorted", "object": "B-52H"},
        ],
    },
    "a3": {"entities": [], "relations": []},  # the J-16 intercept is left out on purpose: a "wrong" one
}


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="module")
def graphs(extractor):
    from kg.build.pipeline import dataset_from_results
    from kg.graph.rdf import union_graph

    return {
        stem: union_graph(dataset_from_results([extractor.article(Article(stem, text))]))
        for stem, text in ARTICLES.items()
    }


def test_calibration_counts_each_distinct_relation_once_in_its_band(graphs) -> None:
    bands = calibration(graphs, GOLD)
    assert [b.low for b in bands] == [0.0, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert sum(b.predicted for b in bands) == 4
    assert sum(b.correct for b in bands) == 3
    text = format_calibration(bands)
    assert ">= 0.0          4 predicted  P 0.750" in text


def test_calibration_band_precision_of_an_empty_band_is_zero() -> None:
    assert Band(0.5, 0.6, 0, 0).precision == 0.0
    assert Band(0.9, 1.0, 4, 3).precision == 0.75


def test_scoring_features_say_how_a_relation_was_read_not_what_it_names(extractor) -> None:
    from kg.extract.document import read_document
    from kg.extract.relations import extract_candidates, operator_facts

    article = Article("f", ARTICLES["a1"])
    document = read_document(extractor.nlp(article.text), article, extractor.gaz, extractor.forms)
    document.operated_by = operator_facts(document)
    candidates = extract_candidates(document)
    (candidate,) = candidates
    f = features(document, candidate, sibling_counts(candidates))
    assert f["pred=intercepted"] == 1.0
    assert "target=intercepted:Aircraft:description" in f  # "the bombers" was resolved by reference
    assert not any("tu-95" in name.lower() or "f-15" in name.lower() for name in f)


def test_scoring_a_scorer_drops_what_it_rates_below_its_threshold(extractor) -> None:
    strict = Extractor(scorer=Scorer({"pred=intercepted": -50.0}, 0.0, 0.5))
    result = strict.article(Article("s", ARTICLES["a1"]))
    assert result.relations == ()
    kept = extractor.article(Article("s", ARTICLES["a1"]))
    assert [r.predicate for r in kept.relations] == ["intercepted"]


def test_training_refuses_a_validation_set(tmp_path: Path) -> None:
    articles, gold = tmp_path / "validation" / "articles", tmp_path / "validation" / "gold"
    articles.mkdir(parents=True)
    gold.mkdir()
    with pytest.raises(KgError, match="validation set"):
        check_sets([(articles, gold)])
    check_sets([(articles, gold)], allow_validation=True)


def test_training_writes_a_model_the_extractor_can_use(tmp_path: Path) -> None:
    articles, gold = tmp_path / "articles", tmp_path / "gold"
    articles.mkdir()
    gold.mkdir()
    for stem, text in ARTICLES.items():
        (articles / f"{stem}.txt").write_text(text, encoding="utf-8")
        (gold / f"{stem}.json").write_text(json.dumps(GOLD[stem]), encoding="utf-8")
    out = tmp_path / "scorer.json"
    result = CliRunner().invoke(main, ["train-scorer", "--set", str(articles), str(gold), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "cross-validated" in result.output
    model = json.loads(out.read_text(encoding="utf-8"))
    assert model["candidates"] == 4 and model["positives"] == 3
    scorer = Scorer(model["weights"], model["bias"], model["threshold"])
    relations = Extractor(scorer=scorer).article(Article("t", ARTICLES["a2"])).relations
    assert all(0.0 <= r.confidence <= 1.0 for r in relations)
