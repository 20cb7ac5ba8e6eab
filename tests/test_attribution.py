"""Attribution (kg/extract/attribution.py): who reports a relation, and whether it is claimed by
one side, confirmed by both, or denied; read on the real pipeline, and scored on the annotated
sentences in examples/claims/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import KgError
from kg.evaluation.claims import read_annotations, score_claims
from kg.extract.attribution import claim_status
from kg.extract.extractor import Extractor
from kg.records import Article, ClaimSource, Relation

CLAIMS = Path(__file__).resolve().parents[1] / "examples" / "claims"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _first(extractor: Extractor, text: str) -> Relation:
    relations = extractor.article(Article(doc_id="t", text=text)).relations
    assert relations, f"no relation read from {text!r}"
    return sorted(relations, key=lambda r: r.evidence.start)[0]


def _sources(r: Relation) -> set[tuple[str, str | None, str]]:
    return {(s.kind, s.party, s.stance) for s in r.sources}


def test_attribution_a_ministry_that_says_it_claims_it_for_its_side(extractor: Extractor) -> None:
    r = _first(
        extractor,
        "Two Chinese J-16 fighters intercepted a Canadian CP-140 over the East China Sea, "
        "the Canadian defence ministry said.",
    )
    assert r.claim == "claimed"
    assert r.sources == (ClaimSource("government", "Defence Ministry", "nation:CA", "asserts"),)


def test_attribution_according_to_names_the_source(extractor: Extractor) -> None:
    r = _first(
        extractor,
        "According to Japan's Joint Staff, Japanese F-15J fighters escorted two Russian "
        "Tu-95MS bombers over the Sea of Japan.",
    )
    assert r.sources == (ClaimSource("government", "Joint Staff", "nation:JP", "asserts"),)


def test_attribution_a_denial_in_the_next_sentence_makes_it_denied(extractor: Extractor) -> None:
    r = _first(
        extractor,
        "Moscow claimed its Su-35 fighters chased away an American MQ-9 over the Black Sea. "
        "Washington dismissed the claim.",
    )
    assert r.claim == "denied"
    assert _sources(r) == {("government", "nation:RU", "asserts"), ("government", "nation:US", "denies")}


def test_attribution_the_other_side_confirming_makes_it_confirmed(extractor: Extractor) -> None:
    r = _first(
        extractor,
        "A Russian Su-27 intercepted a French Rafale over the Baltic Sea, Paris said. "
        "Moscow confirmed the interception in a short statement.",
    )
    assert r.claim == "confirmed"


def test_attribution_an_unnamed_official_and_the_outlet_told(extractor: Extractor) -> None:
    r = _first(
        extractor, '"Our F-16s intercepted two Su-24s near the border," a senior US official told Reuters.'
    )
    assert set(r.sources) == {
        ClaimSource("unnamed", "unnamed official", "nation:US", "asserts"),
        ClaimSource("outlet", "Reuters", None, "asserts"),
    }
    assert r.claim == "claimed"


def test_attribution_quoted_speech_continues_with_its_speaker(extractor: Extractor) -> None:
    r = _first(
        extractor,
        '"We watched the flight closely," the Finnish Border Guard said. "Two Finnish F/A-18 '
        'Hornets escorted a Russian Il-96 near the Gulf of Finland."',
    )
    assert _sources(r) == {("government", "nation:FI", "asserts")}


def test_attribution_a_spokesman_speaks_for_the_body_named_before(extractor: Extractor) -> None:
    r = _first(
        extractor,
        'The Finnish Border Guard spoke on Monday. "Finnish F/A-18 Hornets escorted a Russian '
        'Il-96 near the Gulf of Finland," a spokesman said.',
    )
    assert _sources(r) == {("government", "nation:FI", "asserts")}


def test_attribution_plain_narration_is_reported_with_no_source(extractor: Extractor) -> None:
    r = _first(extractor, "Polish F-16 fighters intercepted a Russian Il-20 over the Baltic Sea on Tuesday.")
    assert (r.claim, r.sources) == ("reported", ())


def test_attribution_a_newspaper_does_not_speak_for_its_state_but_state_media_do(
    extractor: Extractor,
) -> None:
    paper = _first(
        extractor,
        "Japanese F-15J fighters were scrambled to intercept two Chinese Y-9 aircraft, "
        "Japanese media reported.",
    )
    state = _first(
        extractor,
        "Russian state media reported that Su-35 fighters intercepted two American "
        "B-52H bombers near Kaliningrad.",
    )
    assert (paper.claim, _sources(paper)) == ("reported", {("outlet", None, "asserts")})
    assert (state.claim, _sources(state)) == ("claimed", {("outlet", "nation:RU", "asserts")})


def test_attribution_status_rules() -> None:
    ru, us = (ClaimSource("government", "", p, "asserts") for p in ("nation:RU", "nation:US"))
    assert claim_status([]) == "reported"
    assert claim_status([ClaimSource("outlet", "Reuters", None, "asserts")]) == "reported"
    assert claim_status([ru]) == "claimed"
    assert claim_status([ru, us]) == "confirmed"
    assert claim_status([ru], both=True) == "confirmed"
    assert claim_status([ru, ClaimSource("government", "", "nation:US", "denies")]) == "denied"


def test_attribution_sources_survive_the_per_article_cache_as_records() -> None:
    from kg.build.cache import from_json, to_json
    from kg.records import ArticleResult, Evidence

    source = ClaimSource("government", "defence ministry", "nation:JP", "asserts")
    r = Relation(
        "intercepted",
        "aircraft:f-15",
        "aircraft:h-6",
        "d",
        Evidence("d", "x", 0, 1),
        0.9,
        claim="claimed",
        sources=(source,),
    )
    back = from_json(json.loads(json.dumps(to_json(ArticleResult(Article("d", "x"), relations=(r,))))))
    assert back.relations[0] == r and hash(back.relations[0]) == hash(r)
    old = {k: v for k, v in to_json(ArticleResult(Article("d", "x"), relations=(r,))).items()}
    for rel in old["relations"]:
        del rel["claim"], rel["sources"]  # a result cached before attribution existed
    assert from_json(old).relations[0].sources == ()


def test_attribution_scored_on_the_annotated_sentences(extractor: Extractor) -> None:
    """The figures README.md gives; held to them so that a change that loses any shows up."""
    dev = score_claims(read_annotations(CLAIMS / "annotated.jsonl"), extractor)
    held = score_claims(read_annotations(CLAIMS / "held_out.jsonl"), extractor)
    assert dev.texts >= 20 and {s for s in dev.per_status} >= {"claimed", "confirmed", "denied"}
    assert dev.accuracy >= 0.95 and dev.f1 >= 0.95
    assert held.accuracy >= 0.66 and held.f1 >= 0.70


def test_attribution_evaluate_claims_cli(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "t", "status": "maybe", "sources": []}\n', encoding="utf-8")
    with pytest.raises(KgError, match=r"bad\.jsonl:1"):
        read_annotations(bad)
    result = CliRunner().invoke(main, ["evaluate-claims", str(bad)])
    assert result.exit_code != 0 and "status is one of" in result.output
    missing = CliRunner().invoke(main, ["evaluate-claims", str(tmp_path / "none.jsonl")])
    assert missing.exit_code != 0 and "none.jsonl" in missing.output
