"""Claim attribution scored against annotated sentences (examples/claims/annotated.jsonl).

Takes a JSON Lines file, one annotated text a line: `{"id", "text", "status", "sources":
[{"kind", "party", "stance"}]}` (status one of `kg.records.CLAIM_STATUSES`, party a nation or
alliance key or null), and an `Extractor`; gives a `ClaimScore`: how often the status of the
first relation read from the text is the annotated one (per status too), and precision and
recall of its sources as (kind, party, stance). A text from which no relation is read counts
as a miss of both.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from kg.errors import KgError
from kg.records import CLAIM_STATUSES, STANCES, Article, ArticleResult

SourceKey = tuple[str, str | None, str]


@dataclass(frozen=True)
class Annotated:
    """One annotated text: its claim status and its sources."""

    id: str
    text: str
    status: str
    sources: frozenset[SourceKey]


@dataclass
class ClaimScore:
    """Status accuracy (overall and per annotated status) and source precision and recall."""

    texts: int = 0
    status_right: int = 0
    no_relation: int = 0
    per_status: Counter[str] = field(default_factory=Counter)
    per_status_right: Counter[str] = field(default_factory=Counter)
    sources_right: int = 0
    sources_predicted: int = 0
    sources_gold: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.status_right / self.texts if self.texts else 0.0

    @property
    def precision(self) -> float:
        return self.sources_right / self.sources_predicted if self.sources_predicted else 0.0

    @property
    def recall(self) -> float:
        return self.sources_right / self.sources_gold if self.sources_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


class ReadsArticles(Protocol):
    def article(self, article: Article) -> ArticleResult: ...


def read_annotations(path: Path) -> list[Annotated]:
    """The annotated texts of `path`; a malformed line is an error naming the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise KgError(f"{path}: cannot read the annotations ({exc}); give a UTF-8 JSON Lines file") from exc
    items: list[Annotated] = []
    for n, line in enumerate(lines, 1):
        if line.strip():
            items.append(_annotated(line, f"{path}:{n}"))
    if not items:
        raise KgError(f"{path}: no annotated texts; write one JSON object a line (see {__name__})")
    return items


def _annotated(line: str, where: str) -> Annotated:
    try:
        data: dict[str, Any] = json.loads(line)
        sources = frozenset((s["kind"], s.get("party"), s["stance"]) for s in data["sources"])
        item = Annotated(str(data["id"]), str(data["text"]), str(data["status"]), sources)
    except (ValueError, KeyError, TypeError) as exc:
        raise KgError(f"{where}: not an annotation ({exc}); expected id, text, status, sources") from exc
    if item.status not in CLAIM_STATUSES or any(s[2] not in STANCES for s in sources):
        raise KgError(
            f"{where}: status is one of {', '.join(CLAIM_STATUSES)}, stance one of {', '.join(STANCES)}"
        )
    return item


def score_claims(items: list[Annotated], extractor: ReadsArticles) -> ClaimScore:
    """Read every text with `extractor` and compare the first relation's attribution to the annotation."""
    score = ClaimScore()
    for item in items:
        result = extractor.article(Article(doc_id=item.id, text=item.text))
        relations = sorted(result.relations, key=lambda r: r.evidence.start)
        score.texts += 1
        score.per_status[item.status] += 1
        score.sources_gold += len(item.sources)
        if not relations:
            score.no_relation += 1
            score.misses.append(f"{item.id}: no relation read (annotated {item.status})")
            continue
        first = relations[0]
        predicted = {(s.kind, s.party, s.stance) for s in first.sources}
        score.sources_predicted += len(predicted)
        score.sources_right += len(predicted & item.sources)
        if first.claim == item.status:
            score.status_right += 1
            score.per_status_right[item.status] += 1
        if first.claim != item.status or predicted != item.sources:
            score.misses.append(
                f"{item.id}: {first.claim} {sorted(predicted, key=str)}, annotated {item.status} "
                f"{sorted(item.sources, key=str)}"
            )
    return score


def format_claim_score(score: ClaimScore, *, verbose: bool = False) -> str:
    """The score as a few lines of text (and every miss with --verbose)."""
    lines = [
        f"claim status: {score.status_right}/{score.texts} right ({score.accuracy:.3f}); "
        f"no relation read from {score.no_relation}",
    ]
    for status in CLAIM_STATUSES:
        if score.per_status[status]:
            lines.append(f"  {status}: {score.per_status_right[status]}/{score.per_status[status]}")
    lines.append(
        f"sources (kind, party, stance): precision {score.precision:.3f}, recall {score.recall:.3f}, "
        f"F1 {score.f1:.3f} ({score.sources_right} right of {score.sources_predicted} read, "
        f"{score.sources_gold} annotated)"
    )
    if verbose:
        lines += [f"  miss {m}" for m in score.misses]
    return "\n".join(lines)
