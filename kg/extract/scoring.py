"""How likely a candidate relation is right: features of how it was found, and a learned weighting.

Takes the `Candidate`s of a document; gives each a probability that a reader would annotate it
(a logistic model over `features`), used as the relation's confidence and, against the model's
threshold, to keep or drop it. The model is a small JSON file (kg/data/scorer.json: feature ->
weight, bias, threshold, and what it was trained and measured on), trained by
`kg train-scorer` (kg.evaluation.training). Without that file every candidate is kept with its
rule confidence.

Features say how the relation was read, never what it names: predicate, route (active,
passive, control, nominal...), trigger lemma, how each argument was found (named, demonym,
pronoun, description, earlier actor...), kinds, hedges and modality, distances, and how many
other candidates the sentence proposes.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kg.extract import modality
from kg.extract.candidates import Candidate
from kg.extract.document import Document
from kg.extract.phrases import party_of

Features = dict[str, float]
MODEL_FILE = "scorer.json"


def features(document: Document, c: Candidate, siblings: Counter[tuple[str, int]]) -> Features:
    """The feature vector of one candidate (`siblings` counts candidates per predicate and sentence)."""
    p = c.predicate
    lemma = c.trigger.lemma_.lower()
    f: Features = {
        f"pred={p}": 1.0,
        f"route={p}:{c.route}": 1.0,
        f"trigger={p}:{lemma}": 1.0,
        f"trigger_pos={p}:{c.trigger.pos_}": 1.0,
        f"actor={p}:{c.actor.kind}:{c.actor.how}": 1.0,
        f"target={p}:{c.target.kind}:{c.target.how}": 1.0,
        f"kinds={p}:{c.actor.kind}>{c.target.kind}": 1.0,
        "prior": c.confidence,
    }
    if c.actor.via_context:
        f[f"actor_context={p}"] = 1.0
    if c.target.via_context:
        f[f"target_context={p}"] = 1.0
    if modality.hedged(c.sent):
        f["hedged"] = 1.0
    if c.trigger.pos_ in {"VERB", "AUX"} and modality.future(c.trigger):
        f[f"future={p}"] = 1.0
    if document.in_headline(c.sent):
        f[f"headline={p}"] = 1.0
    actor_party, target_party = party_of(document, c.actor), party_of(document, c.target)
    if actor_party and actor_party == target_party:
        f[f"same_party={p}"] = 1.0
    if actor_party is None:
        f[f"actor_party_unknown={p}"] = 1.0
    n = siblings[(p, c.sent.start)]
    f[f"siblings={p}:{min(n, 4)}"] = 1.0
    doc = c.trigger.doc
    for name, token in (("actor", c.actor.token), ("target", c.target.token)):
        gap = abs(token - c.trigger.i)
        f[f"{name}_gap={p}:{_bucket(gap)}"] = 1.0
        f[f"{name}_before={p}:{token < c.trigger.i}"] = 1.0
        f[f"{name}_dep={p}:{doc[token].dep_}"] = 1.0
        head = doc[token].head
        if doc[token].dep_ == "pobj":
            f[f"{name}_prep={p}:{head.lower_}"] = 1.0
    lo, hi = sorted((c.actor.token, c.target.token))
    between = len({m.key for m in document.mentions_in(doc[lo + 1 : hi])})
    f[f"between={p}:{min(between, 3)}"] = 1.0
    return f


def _bucket(gap: int) -> str:
    return "0-2" if gap <= 2 else "3-5" if gap <= 5 else "6-10" if gap <= 10 else "11+"


@dataclass(frozen=True)
class Scorer:
    """A logistic model over candidate features, read from kg/data/scorer.json."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, f: Features) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in f.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


@cache
def default_scorer() -> Scorer | None:
    """The model shipped with the package; None when there is none."""
    resource = resources.files("kg.data").joinpath(MODEL_FILE)
    if not resource.is_file():
        return None
    data = json.loads(resource.read_text(encoding="utf-8"))
    return Scorer(dict(data["weights"]), float(data["bias"]), float(data["threshold"]))


def sibling_counts(candidates: list[Candidate]) -> Counter[tuple[str, int]]:
    return Counter((c.predicate, c.sent.start) for c in candidates)


def score_candidates(
    document: Document, candidates: list[Candidate], scorer: Scorer | None
) -> list[tuple[Candidate, float]]:
    """The candidates to keep, each with its confidence (the model's probability, or the rule's prior)."""
    if scorer is None:
        return [(c, c.confidence) for c in candidates]
    siblings = sibling_counts(candidates)
    kept = []
    for c in candidates:
        p = scorer.probability(features(document, c, siblings))
        if p >= scorer.threshold:
            kept.append((c, p))
    return kept
