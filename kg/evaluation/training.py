"""Train the candidate scorer (kg/data/scorer.json) from articles with gold annotations.

Takes pairs of folders (ARTICLES with STEM.txt, GOLD with STEM.json, the format of
../shared/eval); gives a `Scorer` written as JSON, with the cross-validated figures it was
chosen by. Every candidate the rules propose is labelled by the referee's matching rules (a
candidate is right when a gold relation of its article has its predicate and both ends, alts
included); a logistic regression (scikit-learn, only needed here) learns the weights, and the
threshold is the one that maximises relation F1 over held-out folds of articles. Run it with
`kg train-scorer`; never train on a set you measure on.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.evaluation.score import find_article, gold_hits, read_gold, relation_sides
from kg.extract.document import Document, read_document, sentence_case_headings
from kg.extract.extractor import Extractor
from kg.extract.link import article_entities, fold_map
from kg.extract.relations import extract_candidates, mention_records, operator_facts, to_relation
from kg.extract.scoring import Features, Scorer, features, sibling_counts
from kg.records import Article, Entity
from kg.text.readers import iter_articles

#: The sets the shipped model is trained on, relative to the project root: independent articles
#: written to learn from (../shared/eval/train), the development seeds, and the project's own
#: articles (tests/corpus, examples, tests/constructions). Never the validation set.
DEFAULT_SETS = (
    ("../shared/eval/train/articles", "../shared/eval/train/gold"),
    ("../shared/corpus/seeds", "../shared/eval/dev/gold"),
    ("tests/corpus/articles", "tests/corpus/gold"),
    ("examples/articles", "examples/gold"),
    ("tests/constructions/articles", "tests/constructions/gold"),
)
C_VALUES = (0.1, 0.3, 1.0, 3.0)
FOLDS = 5


@dataclass
class Example:
    """One candidate of one article: its features, and which gold relations its triple matches."""

    article: str
    triple: tuple[str, str, str]
    features: Features
    hits: list[int]

    @property
    def label(self) -> int:
        return 1 if self.hits else 0


@dataclass
class Corpus:
    """Labelled candidates, and how many gold relations each article has."""

    examples: list[Example] = field(default_factory=list)
    gold_counts: dict[str, int] = field(default_factory=dict)


def _names(entity: Entity | None, key: str) -> list[str]:
    return [entity.label, *entity.aliases] if entity is not None else [key.split(":", 1)[-1]]


def article_examples(extractor: Extractor, article: Article, gold: dict[str, Any]) -> list[Example]:
    """Every candidate the rules propose for `article`, labelled against its gold."""
    doc = extractor.nlp(sentence_case_headings(article.text, extractor.keep_case))
    document: Document = read_document(doc, article, extractor.gaz, extractor.forms, extractor.find_places)
    document.operated_by = operator_facts(document)
    candidates = extract_candidates(document)
    relations = [to_relation(document, c) for c in candidates]
    mentions = mention_records(document)
    keep = {m.key for m in document.mentions if not m.heading}
    entities, _, _ = article_entities(mentions, relations, keep, document.operated_by, extractor.gaz)
    by_key = {e.key: e for e in entities}
    folds = fold_map({*keep, *(k for c in candidates for k in (c.actor.key, c.target.key))}, extractor.gaz)
    siblings = sibling_counts(candidates)
    sides = relation_sides(gold)
    out = []
    for c in candidates:
        actor, target = folds.get(c.actor.key, c.actor.key), folds.get(c.target.key, c.target.key)
        hits = gold_hits(
            sides, c.predicate, _names(by_key.get(actor), actor), _names(by_key.get(target), target)
        )
        f = features(document, c, siblings)
        out.append(Example(article.doc_id, (c.predicate, actor, target), f, hits))
    return out


def read_corpus(extractor: Extractor, sets: Iterable[tuple[Path, Path]]) -> Corpus:
    """Labelled candidates of every article that has gold in the given (ARTICLES, GOLD) folders."""
    corpus = Corpus()
    for articles_dir, gold_dir in sets:
        for stem, gold in read_gold(gold_dir).items():
            path = find_article(articles_dir, stem)
            if path is None:
                raise KgError(f"no article for gold {gold_dir / stem}.json in {articles_dir}")
            for article in iter_articles([path]):
                if isinstance(article, Article):
                    key = f"{articles_dir.name}/{stem}"
                    article = replace(article, doc_id=key)
                    corpus.examples += article_examples(extractor, article, gold)
                    corpus.gold_counts[key] = len(gold["relations"])
    return corpus


def relation_scores(corpus: Corpus, probabilities: Sequence[float], threshold: float) -> dict[str, float]:
    """Precision, recall and F1 as the referee counts them, keeping candidates at or above `threshold`."""
    kept: dict[tuple[str, tuple[str, str, str]], bool] = {}
    hit: set[tuple[str, int]] = set()
    for example, p in zip(corpus.examples, probabilities, strict=True):
        if p < threshold:
            continue
        key = (example.article, example.triple)
        kept[key] = kept.get(key, False) or bool(example.hits)
        hit.update((example.article, i) for i in example.hits)
    correct = sum(kept.values())
    precision = correct / len(kept) if kept else 0.0
    recall = len(hit) / sum(corpus.gold_counts.values()) if corpus.gold_counts else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _fit(examples: list[Example], c_value: float) -> Any:
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
    except ImportError as exc:
        raise KgError(f"kg train-scorer needs scikit-learn ({exc}); pip install 'posture-kg[train]'") from exc

    model = make_pipeline(DictVectorizer(), LogisticRegression(C=c_value, max_iter=2000))
    model.fit([e.features for e in examples], [e.label for e in examples])
    return model


def cross_validated(corpus: Corpus, c_value: float, folds: int = FOLDS) -> list[float]:
    """Held-out probability of every example, folds made of whole articles."""
    articles = sorted(corpus.gold_counts)
    fold_of = {a: i % folds for i, a in enumerate(articles)}
    probabilities = [0.0] * len(corpus.examples)
    for k in range(folds):
        train = [e for e in corpus.examples if fold_of[e.article] != k]
        test = [i for i, e in enumerate(corpus.examples) if fold_of[e.article] == k]
        if not test or len({e.label for e in train}) < 2:
            continue
        model = _fit(train, c_value)
        for i, p in zip(
            test, model.predict_proba([corpus.examples[i].features for i in test])[:, 1], strict=True
        ):
            probabilities[i] = float(p)
    return probabilities


def best_threshold(corpus: Corpus, probabilities: Sequence[float]) -> tuple[float, dict[str, float]]:
    best = (0.5, relation_scores(corpus, probabilities, 0.5))
    for step in range(5, 96, 5):
        threshold = step / 100
        scores = relation_scores(corpus, probabilities, threshold)
        if scores["f1"] > best[1]["f1"]:
            best = (threshold, scores)
    return best


def check_sets(sets: Sequence[tuple[Path, Path]], *, allow_validation: bool = False) -> None:
    """Refuse to train on a validation set: it would stop measuring anything."""
    for articles, gold in sets:
        if not allow_validation and any("validation" in part for p in (articles, gold) for part in p.parts):
            raise KgError(
                f"{gold} looks like a validation set; the scorer must not be trained on what it is "
                "measured on (pass --allow-validation only for an experiment you will not ship)"
            )
        if not articles.is_dir() or not gold.is_dir():
            raise KgError(
                f"training set not found: {articles} / {gold}; give existing ARTICLES and GOLD folders"
            )


def train(sets: Sequence[tuple[Path, Path]], out: Path, *, model: str | None = None) -> dict[str, Any]:
    """Train on `sets`, choose C and the threshold by cross-validation, write the scorer to `out`."""
    extractor = Extractor(model, scorer=Scorer({}, 0.0, 0.0))
    corpus = read_corpus(extractor, sets)
    if len({e.label for e in corpus.examples}) < 2:
        raise KgError("training needs both right and wrong candidates; give more annotated articles")
    rules_only = relation_scores(corpus, [1.0] * len(corpus.examples), 0.5)
    trials = []
    for c_value in C_VALUES:
        probabilities = cross_validated(corpus, c_value)
        threshold, scores = best_threshold(corpus, probabilities)
        trials.append((scores["f1"], c_value, threshold, scores))
    _, c_value, threshold, scores = max(trials)
    fitted = _fit(corpus.examples, c_value)
    vectorizer, regression = fitted.steps[0][1], fitted.steps[1][1]
    weights = {
        name: round(float(w), 5)
        for name, w in zip(vectorizer.get_feature_names_out(), regression.coef_[0], strict=True)
        if abs(w) > 1e-6
    }
    report = {
        "about": "Weights of the candidate scorer (kg.extract.scoring); retrain with `kg train-scorer`.",
        "trained": dt.date.today().isoformat(),
        "trained_on": [f"{a} + {g}" for a, g in sets],
        "articles": len(corpus.gold_counts),
        "candidates": len(corpus.examples),
        "positives": sum(e.label for e in corpus.examples),
        "C": c_value,
        "threshold": threshold,
        "cross_validated": scores,
        "rules_only": rules_only,
        "bias": round(float(regression.intercept_[0]), 5),
        "weights": dict(sorted(weights.items())),
    }
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return report
