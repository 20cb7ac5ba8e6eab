"""kg.nlp.pipeline on the real model: the gazetteer entity ruler and the patterns for unseen names.

Entities carry their kind as the label (Nation, Aircraft, Sea, Base, ...) and their
canonical key in `ent.ent_id_`.
"""

from __future__ import annotations

import pytest

from kg.nlp.pipeline import KINDS, load_pipeline

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def ents(nlp, text: str) -> list[tuple[str, str, str]]:
    """(text, label, key) of every posture entity the pipeline finds, in order."""
    return [(e.text, e.label_, e.ent_id_) for e in nlp(text).ents if e.label_ in KINDS]


def keys(nlp, text: str) -> set[str]:
    return {key for _, _, key in ents(nlp, text)}


def test_nlp_pipeline_is_cached_and_ruler_runs_before_ner(nlp):
    assert load_pipeline() is nlp
    names = nlp.component_names
    assert names.index("gazetteer_ruler") < names.index("posture_names") < names.index("ner")
    assert "ner" in nlp.disabled  # run per sentence by kg.nlp.pipeline.place_finder


def test_nlp_place_finder_runs_the_ner_on_one_sentence_keeping_gazetteer_entities(nlp):
    from kg.nlp.pipeline import place_finder

    doc = nlp("Russia sent bombers to Latvia. The bombers landed at Fairford in Gloucestershire.")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Russia", "Nation"),
        ("Latvia", "Nation"),
        ("Fairford", "Base"),
    ]
    first, second = doc.sents
    find = place_finder(nlp)
    assert find(first) == []  # gazetteer entities are not re-labelled
    (place,) = find(second)
    assert (place.text, place.label_, place.doc) == ("Gloucestershire", "GPE", doc)
    assert doc[place.start].text == "Gloucestershire"  # offsets are the document's


@pytest.mark.parametrize(
    ("text", "surface", "key"),
    [
        ("Russia sent two bombers.", "Russia", "nation:RU"),
        ("The Russian Federation sent two bombers.", "Russian Federation", "nation:RU"),
        ("Russian jets flew near Japan.", "Russian", "nation:RU"),
        ("The Kremlin said the flight was routine.", "The Kremlin", "nation:RU"),
        ("Beijing protested the flight.", "Beijing", "nation:CN"),
        ("The Pentagon confirmed the flight.", "The Pentagon", "nation:US"),
        ("The missiles were U.S.-made systems.", "U.S.", "nation:US"),
        ("NATO jets took off.", "NATO", "alliance:nato"),
    ],
)
def test_nlp_nations_by_name_alias_demonym_metonym(nlp, text, surface, key):
    assert (surface, "Nation" if key.startswith("nation:") else "Alliance", key) in ents(nlp, text)


def test_nlp_sino_prefix_names_china(nlp):
    found = ents(nlp, "Sino-Russian drills began on Tuesday.")
    assert found == [("Sino", "Nation", "nation:CN"), ("Russian", "Nation", "nation:RU")]


@pytest.mark.parametrize(
    ("text", "surface", "key"),
    [
        ("Two B-52s flew over the sea.", "B-52s", "aircraft:b-52"),
        ("A Tupolev Tu-95MS was tracked.", "Tupolev Tu-95MS", "aircraft:tu-95ms"),
        ("A Stratofortress landed in Guam.", "Stratofortress", "aircraft:b-52"),
        ("A B-52H Stratofortress flew.", "B-52H Stratofortress", "aircraft:b-52h"),
        ("Two Tu95s flew.", "Tu95s", "aircraft:tu-95"),
        ("The MiG-31BM climbed.", "MiG-31BM", "aircraft:mig-31bm"),
    ],
)
def test_nlp_aircraft_by_designation_plural_manufacturer_nickname(nlp, text, surface, key):
    assert (surface, "Aircraft", key) in ents(nlp, text)


@pytest.mark.parametrize(
    ("text", "key", "found"),
    [
        ("Two Bear bombers approached Alaska.", "aircraft:tu-95", True),
        ("Investors fear a bear market this year.", "aircraft:tu-95", False),
        ("RAF Typhoon jets were scrambled.", "aircraft:eurofighter-typhoon", True),
        ("Four Typhoons were scrambled.", "aircraft:eurofighter-typhoon", True),
        ("Last year a typhoon hit Okinawa hard.", "aircraft:eurofighter-typhoon", False),
        ("The Typhoon passed south of Okinawa on Monday.", "aircraft:eurofighter-typhoon", False),
        ("Britain will station Typhoons in Romania.", "aircraft:eurofighter-typhoon", True),
        ("On Monday Typhoons intercepted two Russian bombers.", "aircraft:eurofighter-typhoon", True),
        ("Typhoons battered the coast all week.", "aircraft:eurofighter-typhoon", False),
    ],
)
def test_nlp_context_names_count_only_next_to_an_aircraft_word_or_as_a_trigger_argument(
    nlp, text, key, found
):
    assert (key in keys(nlp, text)) is found


def test_nlp_context_name_established_once_names_the_aircraft_later(nlp):
    found = ents(nlp, "The Typhoon jets flew north. Later the Typhoons landed.")
    assert [key for _, _, key in found] == ["aircraft:eurofighter-typhoon"] * 2


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ships patrolled the Baltic.", True),
        ("Ships patrolled the Baltic on Tuesday.", True),
        ("Bombers flew over the Baltic and the North Sea.", True),
        ("The Baltic States condemned the move.", False),
        ("The Baltic states condemned the move.", False),
        ("Ships sailed along the Baltic coast.", False),
        pytest.param(
            "Ships patrolled the Baltic yesterday.",
            True,
        ),
        pytest.param(
            "Russian warships entered the Baltic last week.",
            True,
        ),
    ],
)
def test_nlp_bare_baltic_only_as_a_noun(nlp, text, found):
    assert ("sea:baltic-sea" in keys(nlp, text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Bombers flew over the Pacific.", True),
        ("Tensions rose across the Indo-Pacific region.", False),
        ("The Indo-Pacific is contested.", False),
        ("The Pacific Fleet held exercises.", False),
    ],
)
def test_nlp_bare_pacific_only_as_a_noun(nlp, text, found):
    assert ("sea:pacific-ocean" in keys(nlp, text)) is found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Bombers flew over the Bering and Okhotsk seas.",
            [("Bering", "sea:bering-sea"), ("Okhotsk seas", "sea:sea-of-okhotsk")],
        ),
        (
            "Drills took place in the Black, Baltic Seas last week.",
            [("Black", "sea:black-sea"), ("Baltic Seas", "sea:baltic-sea")],
        ),
    ],
)
def test_nlp_coordinated_seas_give_one_sea_per_stem(nlp, text, expected):
    assert [(t, k) for t, label, k in ents(nlp, text) if label == "Sea"] == expected


@pytest.mark.parametrize(
    ("text", "surface", "key"),
    [
        ("The Sea of Japan was calm.", "Sea of Japan", "sea:sea-of-japan"),
        ("Ships crossed the Strait of Zyx on Monday.", "Strait of Zyx", "sea:strait-of-zyx"),
        ("Ships crossed the Zyx Sea.", "Zyx Sea", "sea:zyx-sea"),
        pytest.param(
            "Ships crossed the Gulf of Zyx.",
            "Gulf of Zyx",
            "sea:gulf-of-zyx",
        ),
        pytest.param(
            "The Zyx Sea was calm.",
            "Zyx Sea",
            "sea:zyx-sea",
        ),
    ],
)
def test_nlp_unknown_seas_by_pattern(nlp, text, surface, key):
    assert (surface, "Sea", key) in ents(nlp, text)


@pytest.mark.parametrize(
    ("text", "surface", "key"),
    [
        ("China unveiled new Su-75 fighters.", "Su-75", "aircraft:su-75"),
        ("Two KJ-600 aircraft were spotted.", "KJ-600", "aircraft:kj-600"),
        ("South Korea's KF-21 fighters flew.", "KF-21", "aircraft:kf-21"),
    ],
)
def test_nlp_unseen_designations_typed_by_an_aircraft_word(nlp, text, surface, key):
    assert (surface, "Aircraft", key) in ents(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "The destroyer DDG-69 sailed north.",
        "The COVID-19 pandemic slowed training.",
        "The Su-75 was shown.",  # no aircraft word near an unknown designation
    ],
)
def test_nlp_designation_like_strings_without_aircraft_context_are_not_aircraft(nlp, text):
    assert not [e for e in ents(nlp, text) if e[1] == "Aircraft"]


@pytest.mark.parametrize(
    ("text", "surface", "key"),
    [
        ("Jets landed at Misawa Air Base.", "Misawa Air Base", "base:misawa-ab"),
        ("Typhoons flew from RAF Coningsby.", "RAF Coningsby", "base:raf-coningsby"),
        ("The jets returned to Zyx Air Force Base.", "Zyx Air Force Base", "base:zyx-air-force-base"),
        ("The jets returned to Zyx AFB.", "Zyx AFB", "base:zyx-air-force-base"),
        ("Typhoons flew from RAF Zyxford on Monday.", "RAF Zyxford", "base:raf-zyxford"),
        pytest.param(
            "Typhoons flew from RAF Zyxford.",
            "RAF Zyxford",
            "base:raf-zyxford",
        ),
    ],
)
def test_nlp_bases_known_and_by_pattern(nlp, text, surface, key):
    assert (surface, "Base", key) in ents(nlp, text)


@pytest.mark.parametrize("designation", ["H-6K", "F-15EX", "Tu-95MS", "F/A-18E", "MiG-31BM"])
def test_nlp_tokeniser_keeps_designations_whole(nlp, designation):
    doc = nlp(f"Two {designation} jets flew.")
    assert [t.text for t in doc] == ["Two", designation, "jets", "flew", "."]


def test_nlp_tokeniser_splits_abbreviation_before_hyphen(nlp):
    assert [t.text for t in nlp("U.S.-Japan drills")] == ["U.S.", "-", "Japan", "drills"]


def test_nlp_newline_starts_a_sentence(nlp):
    doc = nlp("Russian Bombers Near Alaska\nTwo Tu-95MS bombers flew near Alaska.")
    assert [s.text.strip() for s in doc.sents] == [
        "Russian Bombers Near Alaska",
        "Two Tu-95MS bombers flew near Alaska.",
    ]


def test_nlp_a_numbered_list_item_keeps_its_number_in_its_sentence(nlp):
    """ "3. Aircraft: ..." is one sentence (the number is no sentence of its own, which would
    push the item's context out of reach); a number ending a sentence still ends it."""
    doc = nlp(
        "Notice\n3. Aircraft: two Il-38s.\n4. Action: fighters were scrambled.\n"
        "They counted 4. Then they left."
    )
    assert [s.text.strip() for s in doc.sents] == [
        "Notice",
        "3. Aircraft: two Il-38s.",
        "4. Action: fighters were scrambled.",
        "They counted 4.",
        "Then they left.",
    ]


@pytest.mark.parametrize(
    ("text", "name", "key"),
    [
        ("Two Apache attack helicopters landed at the base.", "Apache", "aircraft:ah-64"),
        ("Italian Typhoons flew over Sicily.", "Typhoons", "aircraft:eurofighter-typhoon"),
        ("Il-38s patrolled the Atlantic, Pacific and Arctic oceans.", "Arctic", "sea:arctic-ocean"),
    ],
)
def test_nlp_context_names_and_coordinated_oceans(text: str, name: str, key: str) -> None:
    """An ordinary-word name counts with an aircraft word after its modifiers, or in the plural after a
    demonym; "the X, Y and Z oceans" names each ocean."""
    doc = load_pipeline()(text)
    assert (name, key) in {(e.text.split()[0], e.ent_id_) for e in doc.ents}


def test_nlp_the_russian_bear_is_no_aircraft() -> None:
    doc = load_pipeline()("Analysts say the Russian bear is waking up.")
    assert not [e for e in doc.ents if e.label_ == "Aircraft"]


def test_nlp_a_pipeline_for_a_given_gazetteer_is_loaded_once() -> None:
    from kg.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    assert load_pipeline(gazetteer=gaz) is load_pipeline(gazetteer=gaz)


def test_nlp_designations_written_in_capitals_are_found() -> None:
    doc = load_pipeline()("Two SU-30MKI jets escorted the IL-76 to Agra.")
    assert {e.ent_id_ for e in doc.ents} >= {"aircraft:su-30mki", "aircraft:il-76"}
