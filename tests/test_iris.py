"""kg.iris: the only place instance IRIs are minted, from canonical keys, deterministically."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import URIRef

from kg.iris import DERIVED_GRAPH, article_iri, entity_iri, event_iri, evidence_iri, graph_iri

ID = "https://w3id.org/posture-kg/id/"
DAY = dt.date(2024, 3, 26)


@pytest.mark.parametrize(
    ("key", "iri"),
    [
        ("nation:RU", "nation/RU"),
        ("nation:ru", "nation/RU"),
        ("alliance:nato", "alliance/nato"),
        ("aircraft:tu-95ms", "aircraft/tu-95ms"),
        ("aircraft:Tu-95MS", "aircraft/tu-95ms"),
        ("aircraft:f/a-18e", "aircraft/f-a-18e"),
        ("weapon:patriot", "weapon/patriot"),
        ("base:andersen-afb", "base/andersen-afb"),
        ("base:Misawa Air Base", "base/misawa-air-base"),
        ("sea:sea-of-okhotsk", "sea/sea-of-okhotsk"),
        ("location:guam", "location/guam"),
        ("location:Hokkaidō", "location/hokkaido"),
    ],
)
def test_iris_entity_iri_is_readable_and_slugged(key, iri):
    assert entity_iri(key) == URIRef(ID + iri)


@pytest.mark.parametrize("key", ["RU", "Russia", "nation:", ":RU", "", "country:RU", "event:x"])
def test_iris_entity_iri_rejects_what_is_not_a_key(key):
    with pytest.raises(ValueError, match="not an entity key"):
        entity_iri(key)


def test_iris_entity_iri_is_deterministic():
    assert entity_iri("aircraft:tu-95ms") == entity_iri("aircraft:tu-95ms")
    assert entity_iri("aircraft:tu-95ms") != entity_iri("aircraft:tu-95")


def test_iris_article_and_graph_iris():
    assert article_iri("ab12cd34ef56") == URIRef(ID + "article/ab12cd34ef56")
    assert graph_iri("ab12cd34ef56") == URIRef(ID + "graph/article/ab12cd34ef56")
    assert URIRef(ID + "graph/derived") == DERIVED_GRAPH


def test_iris_event_iri_is_stable_and_names_its_class():
    first = event_iri("Interception", "aircraft:mig-31", "aircraft:b-1b", DAY)
    assert first == event_iri("Interception", "aircraft:mig-31", "aircraft:b-1b", DAY)
    assert str(first).startswith(ID + "event/interception/")
    assert len(str(first).rsplit("/", 1)[1]) == 12


@pytest.mark.parametrize(
    "changed",
    [
        ("Escort", "aircraft:mig-31", "aircraft:b-1b", DAY, ""),
        ("Interception", "aircraft:su-35", "aircraft:b-1b", DAY, ""),
        ("Interception", "aircraft:mig-31", "aircraft:b-52", DAY, ""),
        ("Interception", "aircraft:mig-31", "aircraft:b-1b", DAY + dt.timedelta(days=1), ""),
        ("Interception", "aircraft:mig-31", "aircraft:b-1b", None, ""),
        ("Interception", "aircraft:mig-31", "aircraft:b-1b", DAY, "doc1"),
    ],
    ids=["class", "actor", "target", "date", "undated", "scope"],
)
def test_iris_event_iri_changes_with_each_part(changed):
    assert event_iri(*changed) != event_iri("Interception", "aircraft:mig-31", "aircraft:b-1b", DAY, "")


def test_iris_undated_events_are_scoped_to_their_article():
    one = event_iri("Escort", "aircraft:f-16", "aircraft:tu-95ms", None, "doc1")
    assert one == event_iri("Escort", "aircraft:f-16", "aircraft:tu-95ms", None, "doc1")
    assert one != event_iri("Escort", "aircraft:f-16", "aircraft:tu-95ms", None, "doc2")


def test_iris_evidence_iri_names_doc_and_offsets_and_differs_per_relation():
    plain = evidence_iri("ab12", 120, 331)
    assert plain == URIRef(ID + "evidence/ab12/120-331")
    intercepted = evidence_iri("ab12", 120, 331, "intercepted|aircraft:mig-31|aircraft:b-1b")
    escorted = evidence_iri("ab12", 120, 331, "escorted|aircraft:mig-31|aircraft:b-1b")
    assert str(intercepted).startswith(str(plain) + "/")
    assert intercepted != escorted
    assert intercepted == evidence_iri("ab12", 120, 331, "intercepted|aircraft:mig-31|aircraft:b-1b")
    assert evidence_iri("ab12", 120, 332) != plain


def test_iris_no_article_graph_is_the_derived_graph():
    assert graph_iri("derived") != DERIVED_GRAPH
