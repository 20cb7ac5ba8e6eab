"""kg.graph.rdf: extraction records -> an rdflib Dataset (docs/rdf-model.md), with no NLP involved.

Each article contributes one named graph; the derived graph holds what follows from all of
them: merged events' date, confidence and source count, and gazetteer facts between
entities the graph holds.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV

from kg.build.cache import ArticleSpool, from_json, read_results, to_json, write_result
from kg.gazetteer import default_gazetteer
from kg.graph.rdf import cluster_events, to_dataset, union_graph
from kg.iris import DERIVED_GRAPH, article_iri, entity_iri, graph_iri
from kg.records import Article, ArticleResult, Entity, Evidence, Relation
from kg.vocab import PK

DAY = dt.date(2024, 3, 26)
TEXT = "Japanese F-15J fighters intercepted and escorted two Russian Tu-95MS bombers."


@pytest.fixture(scope="module")
def gaz():
    return default_gazetteer()


def known(gaz, *keys: str) -> tuple[Entity, ...]:
    return tuple(gaz.entity(k) for k in keys)


def rel(
    predicate: str,
    actor: str,
    target: str,
    doc_id: str = "a1",
    *,
    date: dt.date | None = DAY,
    confidence: float = 0.9,
    location: str | None = None,
    start: int = 0,
) -> Relation:
    return Relation(
        predicate=predicate,
        actor=actor,
        target=target,
        doc_id=doc_id,
        evidence=Evidence(doc_id, TEXT, start, start + len(TEXT)),
        confidence=confidence,
        location=location,
        date=date,
        target_count=2,
        trigger=predicate,
    )


def result(doc_id: str, entities: tuple[Entity, ...], *relations: Relation, **article) -> ArticleResult:
    return ArticleResult(Article(doc_id=doc_id, text=TEXT, **article), entities, (), relations)


def intercept(doc_id: str, gaz, **kwargs) -> ArticleResult:
    """One article: F-15J intercepted Tu-95MS (and the nations of both)."""
    return result(
        doc_id,
        known(gaz, "aircraft:f-15j", "aircraft:tu-95ms", "nation:JP", "nation:RU"),
        rel("intercepted", "aircraft:f-15j", "aircraft:tu-95ms", doc_id, **kwargs),
    )


@pytest.fixture
def two_articles(gaz) -> list[ArticleResult]:
    first = result(
        "a1",
        known(gaz, "aircraft:f-15j", "aircraft:tu-95ms", "nation:JP", "nation:RU"),
        rel("intercepted", "aircraft:f-15j", "aircraft:tu-95ms"),
        rel("escorted", "aircraft:f-15j", "aircraft:tu-95ms"),
        title="Jets intercept bombers",
        date=DAY,
        source="https://example.org/a1",
        url="https://example.org/a1",
        content_hash="abc123",
    )
    second = result(
        "a2",
        known(gaz, "aircraft:b-52h", "location:guam", "nation:JP", "nation:RU"),
        rel("deployedTo", "aircraft:b-52h", "location:guam", "a2"),
        rel("respondedTo", "nation:JP", "nation:RU", "a2", start=200),
        path="news/a2.txt",
    )
    return [first, second]


# ---------------------------------------------------------------- dataset shape


def test_rdf_one_named_graph_per_article_plus_the_derived_graph(gaz, two_articles):
    ds = to_dataset(two_articles, gaz)
    names = {g.identifier for g in ds.graphs() if len(g)}
    assert names == {graph_iri("a1"), graph_iri("a2"), DERIVED_GRAPH}
    a1 = ds.graph(graph_iri("a1"))
    assert (article_iri("a1"), RDF.type, PK.Article) in a1
    assert (article_iri("a2"), RDF.type, PK.Article) not in a1


def test_rdf_union_graph_holds_the_contract_triples(gaz, two_articles):
    g = union_graph(to_dataset(two_articles, gaz))
    russia, f15j, tu95ms = (
        entity_iri("nation:RU"),
        entity_iri("aircraft:f-15j"),
        entity_iri("aircraft:tu-95ms"),
    )
    expected = [
        (russia, RDF.type, PK.Nation),
        (russia, RDFS.label, Literal("Russia")),
        (tu95ms, RDF.type, PK.Bomber),
        (tu95ms, RDFS.label, Literal("Tu-95MS")),
        (entity_iri("location:guam"), RDF.type, PK.Location),
        (f15j, PK.intercepted, tu95ms),
        (f15j, PK.escorted, tu95ms),
        (entity_iri("aircraft:b-52h"), PK.deployedTo, entity_iri("location:guam")),
        (entity_iri("nation:JP"), PK.respondedTo, russia),
        (russia, PK.isoAlpha2, Literal("RU")),
        (article_iri("a1"), PK.mentions, russia),
        (article_iri("a1"), DCTERMS.title, Literal("Jets intercept bombers")),
        (article_iri("a1"), DCTERMS.date, Literal(DAY)),
        (article_iri("a1"), PROV.hadPrimarySource, URIRef("https://example.org/a1")),
        (article_iri("a2"), DCTERMS.source, Literal("news/a2.txt")),
    ]
    missing = [t for t in expected if t not in g]
    assert missing == []


def test_rdf_event_carries_roles_provenance_and_one_evidence_node_per_relation(gaz, two_articles):
    g = union_graph(to_dataset(two_articles, gaz))
    events = {cls: list(g.subjects(RDF.type, cls)) for cls in (PK.Interception, PK.Escort, PK.Deployment)}
    assert all(len(found) == 1 for found in events.values())
    (interception,) = events[PK.Interception]
    assert g.value(interception, PK.actor) == entity_iri("aircraft:f-15j")
    assert g.value(interception, PK.target) == entity_iri("aircraft:tu-95ms")
    assert g.value(interception, PK.directProperty) == PK.intercepted
    assert g.value(interception, PK.targetCount) == Literal(2)
    assert g.value(interception, PROV.wasDerivedFrom) == article_iri("a1")
    assert str(g.value(interception, RDFS.label)) == "F-15J intercepted Tu-95MS"
    evidence = g.value(interception, PK.evidence)
    assert str(g.value(evidence, PK.sentence)) == TEXT
    assert (g.value(evidence, PK.startChar).toPython(), g.value(evidence, PK.endChar).toPython()) == (
        0,
        len(TEXT),
    )
    assert g.value(evidence, PROV.wasQuotedFrom) == article_iri("a1")
    (escort,) = events[PK.Escort]
    assert g.value(escort, PK.evidence) != evidence  # same sentence, another relation
    (deployment,) = events[PK.Deployment]
    assert g.value(deployment, PK.destination) == entity_iri("location:guam")


def test_rdf_same_records_in_any_order_give_an_isomorphic_graph(gaz, two_articles):
    forward = union_graph(to_dataset(two_articles, gaz))
    backward = union_graph(to_dataset(list(reversed(two_articles)), gaz))
    assert isomorphic(forward, backward)


# ---------------------------------------------------------------- merging events


def events_of(results, window_days: int = 1) -> list[URIRef]:
    refs = cluster_events(results, window_days)
    return [refs[(r.article.doc_id, i)].iri for r in results for i in range(len(r.relations))]


@pytest.mark.parametrize(
    ("dates", "window", "distinct"),
    [
        pytest.param([DAY, DAY], 1, 1, id="same-day"),
        pytest.param([DAY, DAY + dt.timedelta(days=1)], 1, 1, id="next-day-within-window"),
        pytest.param([DAY, DAY + dt.timedelta(days=2)], 1, 2, id="two-days-outside-window"),
        pytest.param([DAY, DAY + dt.timedelta(days=2)], 2, 1, id="wider-window"),
        pytest.param([DAY, DAY + dt.timedelta(days=1)], 0, 2, id="zero-window"),
        pytest.param(
            [DAY + dt.timedelta(days=5), DAY, DAY + dt.timedelta(days=1)], 1, 2, id="unsorted-input"
        ),
    ],
)
def test_rdf_cluster_events_merges_reports_within_the_window(gaz, dates, window, distinct):
    results = [intercept(f"a{i}", gaz, date=d) for i, d in enumerate(dates)]
    assert len(set(events_of(results, window))) == distinct


def test_rdf_cluster_events_dates_the_merged_event_by_its_first_report(gaz):
    results = [intercept("late", gaz, date=DAY + dt.timedelta(days=1)), intercept("early", gaz, date=DAY)]
    refs = cluster_events(results)
    assert refs[("late", 0)] == refs[("early", 0)]
    assert refs[("late", 0)].date == DAY


def test_rdf_merged_event_with_differing_counts_has_one_count_and_each_report_keeps_its_own(gaz):
    """One article says two bombers, another four: the event says four (the largest), once."""
    import dataclasses

    from kg.graph.validate import validate_graph

    two, four = intercept("a1", gaz), intercept("a2", gaz)
    four = dataclasses.replace(four, relations=(dataclasses.replace(four.relations[0], target_count=4),))
    union = union_graph(to_dataset([two, four], gaz))
    (event,) = set(union.subjects(RDF.type, PK.Interception))
    assert list(union.objects(event, PK.targetCount)) == [Literal(4)]
    per_report = sorted(
        int(c) for ev in union.objects(event, PK.evidence) for c in union.objects(ev, PK.targetCount)
    )
    assert per_report == [2, 4]
    assert validate_graph(union).conforms


@pytest.mark.parametrize(
    ("locations", "distinct"),
    [
        pytest.param(["sea:sea-of-japan", "sea:sea-of-japan"], 1, id="same-place"),
        pytest.param(["sea:sea-of-japan", None], 1, id="one-place-unnamed"),
    ],
)
def test_rdf_cluster_events_keeps_conflicting_locations_apart(gaz, locations, distinct):
    results = [intercept(f"a{i}", gaz, location=loc) for i, loc in enumerate(locations)]
    assert len(set(events_of(results))) == distinct


def test_rdf_cluster_events_conflicting_locations_on_different_days_are_two_events(gaz):
    results = [
        intercept("a0", gaz, location="sea:sea-of-japan"),
        intercept("a1", gaz, location="sea:sea-of-okhotsk", date=DAY + dt.timedelta(days=1)),
    ]
    assert len(set(events_of(results))) == 2


def test_rdf_cluster_events_conflicting_locations_on_the_same_day_are_two_events(gaz):
    results = [
        intercept("a0", gaz, location="sea:sea-of-japan"),
        intercept("a1", gaz, location="sea:sea-of-okhotsk"),
    ]
    assert len(set(events_of(results))) == 2


def test_rdf_cluster_events_scopes_undated_events_to_their_article(gaz):
    one = result(
        "a1",
        known(gaz, "aircraft:f-15j", "aircraft:tu-95ms"),
        rel("intercepted", "aircraft:f-15j", "aircraft:tu-95ms", "a1", date=None),
        rel("intercepted", "aircraft:f-15j", "aircraft:tu-95ms", "a1", date=None, start=300),
    )
    other = intercept("a2", gaz, date=None)
    first, again, elsewhere = events_of([one, other])
    assert first == again
    assert first != elsewhere
    assert cluster_events([one])[("a1", 0)].date is None


def test_rdf_cluster_events_separates_classes_and_directions(gaz):
    results = [
        result(
            "a1",
            known(gaz, "aircraft:f-15j", "aircraft:tu-95ms"),
            rel("intercepted", "aircraft:f-15j", "aircraft:tu-95ms"),
            rel("escorted", "aircraft:f-15j", "aircraft:tu-95ms"),
            rel("intercepted", "aircraft:tu-95ms", "aircraft:f-15j"),
        )
    ]
    assert len(set(events_of(results))) == 3


# ---------------------------------------------------------------- derived facts


def derived(gaz, results):
    return to_dataset(results, gaz).graph(DERIVED_GRAPH)


@pytest.mark.parametrize(
    ("confidences", "expected"),
    [
        pytest.param([0.9], Decimal("0.9"), id="one-report"),
        pytest.param([0.9, 0.6], Decimal("0.96"), id="two-reports"),
        pytest.param([0.5, 0.5, 0.5], Decimal("0.875"), id="three-reports"),
    ],
)
def test_rdf_confidence_is_one_minus_product_of_doubts(gaz, confidences, expected):
    results = [intercept(f"a{i}", gaz, confidence=c) for i, c in enumerate(confidences)]
    g = derived(gaz, results)
    (event,) = set(g.subjects(PK.sourceCount, None))
    assert g.value(event, PK.confidence).toPython() == expected
    assert g.value(event, PK.sourceCount).toPython() == len(confidences)
    assert g.value(event, PK.date).toPython() == DAY


def test_rdf_one_article_counts_once_with_its_best_confidence(gaz):
    one = result(
        "a1",
        known(gaz, "aircraft:f-15j", "aircraft:tu-95ms"),
        rel("intercepted", "aircraft:f-15j", "aircraft:tu-95ms", confidence=0.5),
        rel("intercepted", "aircraft:f-15j", "aircraft:tu-95ms", confidence=0.8, start=300),
    )
    g = derived(gaz, [one])
    (event,) = set(g.subjects(PK.sourceCount, None))
    assert g.value(event, PK.confidence).toPython() == Decimal("0.8")
    assert g.value(event, PK.sourceCount).toPython() == 1


def test_rdf_operated_by_and_member_of_only_between_entities_present(gaz):
    tu95ms, russia = entity_iri("aircraft:tu-95ms"), entity_iri("nation:RU")
    us, nato = entity_iri("nation:US"), entity_iri("alliance:nato")
    alone = derived(gaz, [result("a1", known(gaz, "aircraft:tu-95ms", "nation:US"))])
    assert (tu95ms, PK.operatedBy, russia) not in alone
    assert (us, PK.memberOf, nato) not in alone
    together = derived(
        gaz,
        [
            result("a1", known(gaz, "aircraft:tu-95ms", "nation:US")),
            result("a2", known(gaz, "nation:RU", "alliance:nato")),
        ],
    )
    assert (tu95ms, PK.operatedBy, russia) in together
    assert (us, PK.memberOf, nato) in together
    assert (russia, PK.memberOf, nato) not in together


def test_rdf_variant_of_and_located_in_only_when_both_are_present(gaz):
    tu95ms, tu95 = entity_iri("aircraft:tu-95ms"), entity_iri("aircraft:tu-95")
    guam, us = entity_iri("location:guam"), entity_iri("nation:US")
    alone = derived(gaz, [result("a1", known(gaz, "aircraft:tu-95ms", "location:guam"))])
    assert (tu95ms, PK.variantOf, tu95) not in alone
    assert (guam, PK.locatedIn, us) not in alone
    both = derived(
        gaz, [result("a1", known(gaz, "aircraft:tu-95ms", "aircraft:tu-95", "location:guam", "nation:US"))]
    )
    assert (tu95ms, PK.variantOf, tu95) in both
    assert (guam, PK.locatedIn, us) in both


def test_rdf_operator_facts_read_from_the_text_go_into_the_article_graph(gaz):
    unknown = Entity("aircraft:su-75", "Aircraft", "Su-75")
    one = ArticleResult(
        Article("a1", TEXT), (unknown, gaz.entity("nation:RU")), (), (), (("aircraft:su-75", "nation:RU"),)
    )
    ds = to_dataset([one], gaz)
    assert (entity_iri("aircraft:su-75"), PK.operatedBy, entity_iri("nation:RU")) in ds.graph(graph_iri("a1"))


# ---------------------------------------------------------------- the per-article cache


def test_rdf_cache_round_trip_gives_equal_records(gaz, two_articles, tmp_path):
    for original in two_articles:
        assert from_json(json.loads(json.dumps(to_json(original)))) == original
    undated = intercept("a3", gaz, date=None)
    assert from_json(json.loads(json.dumps(to_json(undated)))) == undated
    for r in [*two_articles, undated]:
        write_result(r, tmp_path)
    assert read_results(tmp_path) == sorted([*two_articles, undated], key=lambda r: r.article.doc_id)


def test_rdf_cache_skips_files_of_another_format(gaz, tmp_path):
    path = write_result(intercept("a1", gaz), tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["format"] = 999
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read_results(tmp_path) == []
    assert read_results(tmp_path / "missing") == []


def test_cache_article_spool_gives_back_the_same_articles_in_order():
    """Articles waiting for extraction live on disk; what comes back must be exactly what went in."""
    articles = [
        Article(
            "a1",
            "MiG-31 über the Barents Sea\n\nSecond paragraph.",
            "Title",
            dt.date(2024, 5, 2),
            "s",
            "u",
            "p",
            "h",
        ),
        Article("a2", "lone surrogate \ud800 and emoji \U0001f680"),
    ]
    spool = ArticleSpool()
    try:
        for a in articles:
            spool.add(a)
        assert len(spool) == 2
        assert list(spool) == articles
        assert list(spool) == articles  # can be read more than once
    finally:
        spool.close()
