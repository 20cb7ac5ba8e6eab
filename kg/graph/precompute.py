"""Answers prepared at build time for the slow library queries (named graph id:graph/precomputed)."""

from __future__ import annotations

from kg.graph.store import GraphStore


def precomputed_ntriples(union: GraphStore) -> bytes:
    """The precomputed answers over `union`, as N-Triples for the named graph id:graph/precomputed."""
    return b""
