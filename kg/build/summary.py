"""What a build did (`BuildSummary`), filled in by the stages and printed by the CLI."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.records import ArticleResult, Notice, Skipped


@dataclass
class BuildSummary:
    """What a build did, for the CLI to print."""

    documents: int = 0
    extracted: int = 0
    unchanged: int = 0
    resumed: int = 0  # extracted by an earlier build that stopped before writing the graph
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    entities_by_type: Counter = field(default_factory=Counter)
    relations_by_predicate: Counter = field(default_factory=Counter)
    triples: int = 0
    seconds: float = 0.0
    outputs: dict[str, Path] = field(default_factory=dict)
    changed: bool = True
    warnings: list[str] = field(default_factory=list)
    #: Seconds of each phase (`extracting`, `assembling`, and assembly's own steps), for benchmarks.
    phases: dict[str, float] = field(default_factory=dict)


def count_results(results: Iterable[ArticleResult], summary: BuildSummary) -> None:
    """Entities by type and distinct direct relations by predicate, over all `results`."""
    kinds: dict[str, str] = {}
    triples: set[tuple[str, str, str]] = set()
    for result in results:
        for e in result.entities:
            kinds[e.key] = e.kind
        triples.update((r.predicate, r.actor, r.target) for r in result.relations)
    summary.entities_by_type = Counter(kinds.values())
    summary.relations_by_predicate = Counter(predicate for predicate, _, _ in triples)
