"""The only module that mints instance IRIs: deterministic and readable, from canonical keys.

Never from raw surface strings: "Russia", "Moscow" and "Russian" all arrive here as
`nation:RU` and leave as `.../id/nation/RU`.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from rdflib import URIRef

from kg.gazetteer import slug
from kg.vocab import ID

_PREFIX = {
    "nation": "nation",
    "alliance": "alliance",
    "aircraft": "aircraft",
    "weapon": "weapon",
    "base": "base",
    "sea": "sea",
    "location": "location",
}


def entity_iri(key: str) -> URIRef:
    """`nation:RU` -> id:nation/RU; `aircraft:tu-95ms` -> id:aircraft/tu-95ms."""
    prefix, _, name = key.partition(":")
    if prefix not in _PREFIX or not name:
        raise ValueError(f"not an entity key: {key!r}")
    local = name.upper() if prefix == "nation" else slug(name)
    return ID[f"{_PREFIX[prefix]}/{local}"]


def article_iri(doc_id: str) -> URIRef:
    return ID[f"article/{doc_id}"]


def graph_iri(doc_id: str) -> URIRef:
    """The named graph holding one article's contribution."""
    return ID[f"graph/article/{doc_id}"]


DERIVED_GRAPH = ID["graph/derived"]
#: Answers the build prepares for the slow library queries (`kg.graph.precompute`): an index of
#: the union, never part of it.
PRECOMPUTED_GRAPH = ID["graph/precomputed"]


def event_iri(event_class: str, actor: str, target: str, date: dt.date | None, scope: str = "") -> URIRef:
    """One IRI per (class, actor, target, first date) cluster; undated events are scoped to their article."""
    basis = "|".join([event_class, actor, target, date.isoformat() if date else "", scope])
    digest = hashlib.sha256(basis.encode()).hexdigest()[:12]
    return ID[f"event/{event_class.lower()}/{digest}"]


def evidence_iri(doc_id: str, start: int, end: int, about: str = "") -> URIRef:
    """One evidence node per (sentence, relation): a sentence may report several relations,
    each with its own trigger and confidence."""
    suffix = "/" + hashlib.sha256(about.encode()).hexdigest()[:8] if about else ""
    return ID[f"evidence/{doc_id}/{start}-{end}{suffix}"]


def source_iri(kind: str, party: str | None, label: str) -> URIRef:
    """A source by its kind, party and own words: id:source/government/RU/defence-ministry,
    id:source/government/RU (the state itself), id:source/outlet/reuters."""
    parts = [kind]
    if party:
        prefix, _, name = party.partition(":")
        parts.append(name.upper() if prefix == "nation" else slug(name))
    if label:
        parts.append(slug(label))
    return ID["source/" + "/".join(parts)]
