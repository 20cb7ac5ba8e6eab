"""The graph of examples/articles, held against a stored copy (tests/data/golden/examples.ttl).

A refactor must leave this graph isomorphic to the stored one. A change that is meant to
change the graph (an extraction rule, a new triple) rewrites the stored copy on purpose:

    KG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

and the diff of tests/data/golden/examples.ttl goes into the same commit, for review.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.build.pipeline import build

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
GOLDEN = ROOT / "tests" / "data" / "golden" / "examples.ttl"

pytestmark = pytest.mark.slow


def test_golden_examples_graph_is_isomorphic_to_the_stored_one(tmp_path: Path) -> None:
    build([EXAMPLES], tmp_path / "out", html=False, store=False, validate=False)
    built = tmp_path / "out" / "graph.ttl"
    if os.environ.get("KG_UPDATE_GOLDEN") == "1":
        shutil.copyfile(built, GOLDEN)
    new, old = Graph().parse(built), Graph().parse(GOLDEN)
    if not isomorphic(new, old):
        _, only_new, only_old = graph_diff(to_isomorphic(new), to_isomorphic(old))
        added = sorted(only_new.serialize(format="nt").splitlines())[:10]
        removed = sorted(only_old.serialize(format="nt").splitlines())[:10]
        summary = f"{len(only_new)} triples added, {len(only_old)} removed"
        summary += " (rerun with KG_UPDATE_GOLDEN=1 if intended)"
        pytest.fail(
            f"graph of examples/articles changed: {summary}\n+ "
            + "\n+ ".join(added)
            + "\n- "
            + "\n- ".join(removed)
        )
