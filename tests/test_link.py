"""kg.extract.link: an article's mentions and relations become canonical entities.

A bare family designation folds into the one variant of that family the article names;
names seen only in teaser lines are dropped; a Location is an entity only as a deployment
destination; relations are rewritten onto the entities that survive.
"""

from __future__ import annotations

import pytest

from kg.extract.link import article_entities, fold_map
from kg.gazetteer import default_gazetteer
from kg.records import Evidence, Mention, Relation

DOC = "d1"


@pytest.fixture(scope="module")
def gaz():
    return default_gazetteer()


def mention(key: str, text: str, kind: str = "Aircraft", start: int = 0) -> Mention:
    return Mention(DOC, start, start + len(text), text, kind, key)


def relation(
    predicate: str, actor: str, target: str, start: int = 0, location: str | None = None
) -> Relation:
    return Relation(
        predicate=predicate,
        actor=actor,
        target=target,
        doc_id=DOC,
        evidence=Evidence(DOC, "sentence", start, start + 8),
        confidence=0.9,
        location=location,
    )


# ---------------------------------------------------------------- fold_map


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        pytest.param(
            {"aircraft:tu-95", "aircraft:tu-95ms"}, {"aircraft:tu-95": "aircraft:tu-95ms"}, id="one-variant"
        ),
        pytest.param(
            {"aircraft:tu-95", "aircraft:tu-95ms", "aircraft:tu-95msm"}, {}, id="two-variants-ambiguous"
        ),
        pytest.param({"aircraft:tu-95ms"}, {}, id="variant-without-family"),
        pytest.param({"aircraft:tu-95"}, {}, id="family-alone"),
        pytest.param(
            {"aircraft:f-15", "aircraft:f-15j", "aircraft:tu-95", "aircraft:tu-95ms", "nation:JP"},
            {"aircraft:f-15": "aircraft:f-15j", "aircraft:tu-95": "aircraft:tu-95ms"},
            id="each-family-on-its-own",
        ),
        pytest.param(
            {"aircraft:b-52", "aircraft:b-52k"}, {"aircraft:b-52": "aircraft:b-52k"}, id="unknown-variant"
        ),
        pytest.param(
            {"aircraft:b-52", "aircraft:b-52k", "aircraft:b-52h"}, {}, id="unknown-and-known-variant"
        ),
        pytest.param({"aircraft:zz-9", "aircraft:zz-9x"}, {}, id="unknown-family"),
        pytest.param(
            {"aircraft:f-a-18", "aircraft:f-a-18e"},
            {"aircraft:f-a-18": "aircraft:f-a-18e"},
            id="slash-designation",
        ),
    ],
)
def test_link_fold_map(gaz, keys, expected):
    assert fold_map(keys, gaz) == expected


@pytest.mark.parametrize(
    "keys",
    [
        {"aircraft:b-2", "aircraft:b-21"},
        {"aircraft:f-2", "aircraft:f-22"},
        {"aircraft:a-10", "aircraft:a-100"},
    ],
)
def test_link_fold_map_distinct_families_that_share_a_prefix_stay_apart(gaz, keys):
    assert fold_map(keys, gaz) == {}


# ---------------------------------------------------------------- article_entities


def test_link_family_mention_folds_into_the_variant_and_keeps_its_names(gaz):
    mentions = [
        mention("aircraft:tu-95ms", "Tu-95MS"),
        mention("aircraft:tu-95", "Bear", start=40),
        mention("aircraft:f-15j", "F-15J", start=60),
    ]
    relations = [relation("intercepted", "aircraft:f-15j", "aircraft:tu-95")]
    keep = {m.key for m in mentions}
    entities, rels, _ = article_entities(mentions, relations, keep, {}, gaz)
    assert [e.key for e in entities] == ["aircraft:f-15j", "aircraft:tu-95ms"]
    tu95ms = entities[1]
    assert tu95ms.label == "Tu-95MS"
    assert {"Tu-95", "Bear"} <= set(tu95ms.aliases)
    assert [(r.actor, r.predicate, r.target) for r in rels] == [
        ("aircraft:f-15j", "intercepted", "aircraft:tu-95ms")
    ]


def test_link_relation_that_folds_onto_itself_is_dropped(gaz):
    mentions = [mention("aircraft:tu-95ms", "Tu-95MS"), mention("aircraft:tu-95", "Tu-95s", start=30)]
    relations = [relation("escorted", "aircraft:tu-95", "aircraft:tu-95ms")]
    entities, rels, _ = article_entities(mentions, relations, {m.key for m in mentions}, {}, gaz)
    assert [e.key for e in entities] == ["aircraft:tu-95ms"]
    assert rels == []


def test_link_location_is_an_entity_only_as_a_deployment_destination(gaz):
    mentions = [
        mention("aircraft:b-52h", "B-52H"),
        mention("location:guam", "Guam", "Location", start=20),
        mention("location:okinawa", "Okinawa", "Location", start=40),
        mention("nation:JP", "Japan", "Nation", start=60),
    ]
    relations = [relation("deployedTo", "aircraft:b-52h", "location:guam")]
    entities, rels, _ = article_entities(mentions, relations, {m.key for m in mentions}, {}, gaz)
    assert [e.key for e in entities] == ["aircraft:b-52h", "location:guam", "nation:JP"]
    assert [(r.actor, r.target) for r in rels] == [("aircraft:b-52h", "location:guam")]


def test_link_clause_location_that_is_not_an_entity_is_cleared(gaz):
    mentions = [
        mention("aircraft:f-15j", "F-15J"),
        mention("aircraft:h-6k", "H-6K", start=20),
        mention("location:okinawa", "Okinawa", "Location", start=40),
        mention("sea:east-china-sea", "East China Sea", "Sea", start=60),
    ]
    keep = {m.key for m in mentions}
    relations = [
        relation("intercepted", "aircraft:f-15j", "aircraft:h-6k", location="location:okinawa"),
        relation("escorted", "aircraft:f-15j", "aircraft:h-6k", start=100, location="sea:east-china-sea"),
    ]
    _, rels, _ = article_entities(mentions, relations, keep, {}, gaz)
    assert [(r.predicate, r.location) for r in rels] == [
        ("intercepted", None),
        ("escorted", "sea:east-china-sea"),
    ]


def test_link_teaser_only_keys_are_dropped_unless_a_relation_needs_them(gaz):
    mentions = [
        mention("nation:RU", "Russia", "Nation"),
        mention("nation:KP", "North Korea", "Nation", start=50),  # only in a "Related:" line
        mention("aircraft:j-20", "J-20", start=80),  # only in a teaser, but in a relation
        mention("aircraft:f-22", "F-22s", start=90),
    ]
    keep = {"nation:RU", "aircraft:f-22"}
    relations = [relation("escorted", "aircraft:f-22", "aircraft:j-20")]
    entities, _, _ = article_entities(mentions, relations, keep, {}, gaz)
    assert [e.key for e in entities] == ["aircraft:f-22", "aircraft:j-20", "nation:RU"]


def test_link_relations_on_absent_entities_are_dropped_and_duplicates_merged(gaz):
    mentions = [mention("aircraft:f-16", "F-16"), mention("aircraft:su-30", "Su-30", start=10)]
    relations = [
        relation("intercepted", "aircraft:f-16", "aircraft:su-30", start=5),
        relation("intercepted", "aircraft:f-16", "aircraft:su-30", start=5),
        relation("intercepted", "aircraft:f-16", "aircraft:su-30", start=50),  # another sentence
    ]
    _, rels, _ = article_entities(mentions, relations, {m.key for m in mentions}, {}, gaz)
    assert [r.evidence.start for r in rels] == [5, 50]


def test_link_operator_facts_follow_the_fold_and_need_the_entity(gaz):
    mentions = [
        mention("aircraft:tu-95", "Tu-95"),
        mention("aircraft:tu-95ms", "Tu-95MS", start=10),
        mention("aircraft:su-35", "Su-35", start=30),
    ]
    operated = {"aircraft:tu-95": "nation:RU", "aircraft:j-16": "nation:CN"}
    _, _, facts = article_entities(mentions, [], {"aircraft:tu-95", "aircraft:tu-95ms"}, operated, gaz)
    assert facts == {"aircraft:tu-95ms": "nation:RU"}


@pytest.mark.parametrize(
    ("key", "kind", "written", "label", "aliases"),
    [
        (
            "aircraft:su-75",
            "Aircraft",
            ["Su-75s", "Su-75", "Sukhoi Su-75"],
            "Su-75",
            ("Su-75s", "Sukhoi Su-75"),
        ),
        (
            "base:zyx-air-force-base",
            "Base",
            ["Zyx Air Force Base", "the Zyx Air Force Base"],
            "Zyx Air Force Base",
            (),
        ),
        ("location:zyx-island", "Location", ["Zyx Island's"], "Zyx Island", ()),
    ],
)
def test_link_entities_the_gazetteer_lacks_are_named_as_written(gaz, key, kind, written, label, aliases):
    mentions = [mention(key, w, kind, start=20 * i) for i, w in enumerate(written)]
    dest = [relation("deployedTo", "nation:US", key)] if kind == "Location" else []
    entities, _, _ = article_entities(mentions, dest, {key, "nation:US"}, {}, gaz)
    entity = next(e for e in entities if e.key == key)
    assert (entity.kind, entity.label, entity.aliases) == (kind, label, aliases)


def test_link_known_entity_keeps_gazetteer_label_and_gains_new_spellings(gaz):
    mentions = [
        mention("nation:RU", "Russia", "Nation"),
        mention("nation:RU", "Russia's", "Nation", start=20),
    ]
    (russia,) = article_entities(mentions, [], {"nation:RU"}, {}, gaz)[0]
    assert russia.label == "Russia"
    assert russia.wikidata == "Q159"
    assert russia.aliases == gaz.entity("nation:RU").aliases  # "Russia's" is "Russia" once cleaned
