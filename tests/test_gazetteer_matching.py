"""The packaged gazetteer on the real pipeline: names it must find, and names it must not.

Each case is a failure seen while the reference data grew (a date read as an Il-38, a
context name two files claimed, a reversed variant, a service standing for its state),
written in our own words.
"""

from __future__ import annotations

import pytest

from kg.nlp.pipeline import KINDS, load_pipeline

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def keys(nlp, text: str) -> list[str]:
    return [e.ent_id_ for e in nlp(text).ents if e.label_ in KINDS]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a context name shared by two files went to whichever match the ruler kept
        ("Two Growler jets flew past the carrier.", ["aircraft:ea-18g"]),
        ("A Poseidon aircraft tracked the submarine.", ["aircraft:p-8"]),
        ("An RQ-170 Sentinel drone crashed near the border.", ["aircraft:rq-170"]),
        # reversed and written-out variants name the variant
        ("The GR4 Tornados and two Tornado F3s took off.", ["aircraft:tornado-gr4", "aircraft:tornado-f3"]),
        ("Ilyushin-76 transports ferried the troops.", ["aircraft:il-76"]),
        ("Japan's OP-3C and YS-11EB were approached.", ["nation:JP", "aircraft:op-3c", "aircraft:ys-11eb"]),
        # ordinary words count next to an aircraft word, after a number, or once established
        ("Jaguar aircraft moved north, and the Jaguars landed.", ["aircraft:sepecat-jaguar"] * 2),
        ("Four Tornados left the base.", ["aircraft:panavia-tornado"]),
        # airliners in incidents
        ("Fighters met an Airbus A320 and a Boeing 737-800.", ["aircraft:a320", "aircraft:737-800"]),
        # services that stand for their state
        ("Air Self-Defense Force F-15s scrambled.", ["nation:JP", "aircraft:f-15"]),
        # missiles, seas and bases the data lacked
        ("It carried two R-77 and one R-73 missiles.", ["weapon:r-77", "weapon:r-73"]),
        ("The Onyx anti-ship missile was aboard.", ["weapon:oniks"]),
        ("The bombers flew through the Yucatán Channel.", ["sea:yucatan-channel"]),
        ("Norwegian F-16s launched from Bodø.", ["nation:NO", "aircraft:f-16", "base:bodo-as"]),
    ],
)
def test_gazetteer_matching_finds_the_names_of_posture_news(nlp, text, expected):
    assert keys(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The patrol flew on 10 May and again on 12 May.",  # the Il-38's "May" after a number
        "Protesters gathered in Srinagar on Friday.",  # a city, not its air force station
        "The tornado damaged houses, and a jaguar was seen at the zoo.",  # lower case is no type
        "Tornado warnings were issued across the state.",  # an ordinary word away from aircraft words
    ],
)
def test_gazetteer_matching_leaves_ordinary_words_alone(nlp, text):
    assert [k for k in keys(nlp, text) if not k.startswith("nation:")] == []
