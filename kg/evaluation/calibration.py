"""Does confidence mean something? Precision of the predicted relations by confidence band.

Takes the graphs an evaluation scored and their gold; gives, for each band of confidence
(`BANDS`), how many distinct relations were predicted and how many of them are right by the
referee's rules, plus the same at or above each band's lower edge. A relation's confidence is
the highest confidence among the reports (evidence nodes) behind its triple.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.evaluation.score import Gold, gold_hits, local_name, read_prediction, relation_sides
from kg.vocab import PK

#: Lower edges of the confidence bands reported.
BANDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class Band:
    """Relations with confidence in [low, high): how many were predicted, and how many are right."""

    low: float
    high: float
    predicted: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0


def relation_confidences(graph: Graph) -> dict[tuple[Node, str, Node], float]:
    """(subject, predicate local name, object) -> the highest confidence of a report behind it."""
    out: dict[tuple[Node, str, Node], float] = {}
    for event, prop in graph.subject_objects(PK.directProperty):
        if not isinstance(prop, URIRef):
            continue
        actor, target = graph.value(event, PK.actor), graph.value(event, PK.target)
        if actor is None or target is None:
            continue
        key = (actor, local_name(prop), target)
        for evidence in graph.objects(event, PK.evidence):
            value = graph.value(evidence, PK.confidence)
            if isinstance(value, Literal):
                out[key] = max(out.get(key, 0.0), float(value.toPython()))
    return out


def scored_confidences(predicted: Mapping[str, Graph], gold: Mapping[str, Gold]) -> list[tuple[float, bool]]:
    """(confidence, right?) for every distinct predicted relation of every article with gold."""
    out = []
    for stem, graph in predicted.items():
        if stem not in gold:
            continue
        sides = relation_sides(gold[stem])
        confidences = relation_confidences(graph)
        _, relations = read_prediction(graph)
        for rel in relations:
            right = bool(gold_hits(sides, rel.predicate, rel.subject_names, rel.object_names))
            out.append((confidences.get((rel.subject, rel.predicate, rel.object), 0.0), right))
    return out


def calibration(predicted: Mapping[str, Graph], gold: Mapping[str, Gold]) -> list[Band]:
    """The bands of `BANDS`, from lowest to highest."""
    scored = scored_confidences(predicted, gold)
    edges = [*BANDS, 1.0000001]
    return [
        Band(
            low,
            min(high, 1.0),
            sum(1 for c, _ in scored if low <= c < high),
            sum(1 for c, ok in scored if low <= c < high and ok),
        )
        for low, high in pairwise(edges)
    ]


def format_calibration(bands: list[Band]) -> str:
    """One line per band, and one per "at least" threshold, as `kg evaluate --calibration` prints."""
    lines = ["calibration (distinct predicted relations by confidence)"]
    for b in bands:
        lines.append(f"  [{b.low:.1f}, {b.high:.1f})  {b.predicted:4d} predicted  P {b.precision:.3f}")
    for i, b in enumerate(bands):
        predicted = sum(x.predicted for x in bands[i:])
        correct = sum(x.correct for x in bands[i:])
        precision = correct / predicted if predicted else 0.0
        lines.append(f"  >= {b.low:.1f}       {predicted:4d} predicted  P {precision:.3f}")
    return "\n".join(lines)
