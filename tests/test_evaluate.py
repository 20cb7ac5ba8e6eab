"""`kg evaluate` scores exactly like the shared referee, score.py.

Parity tests run score.py on the same hand-made graphs and gold files and compare results;
they skip when the shared evaluation folder is not next to the project.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.errors import InputError, KgError
from kg.evaluation.score import (
    evaluate,
    family,
    format_scores,
    norm,
    read_gold,
    read_prediction,
    score_articles,
    score_graphs,
    to_json,
)
from kg.graph.ontology import ontology_dir

SCORE_PY = Path(__file__).resolve().parents[2] / "shared/eval/score.py"

PREFIXES = """
@prefix pk:   <https://w3id.org/posture-kg/ontology#> .
@prefix id:   <https://w3id.org/posture-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex:   <http://example.org/other#> .
"""

# Intercept article: normalisation (possessive, leading "the", dashes), role subclasses known only
# from the ontology, aircraft family (Su-35S ~ Su-35), alts, two predictions for one gold relation,
# a wrong relation, relations to unlabelled nodes (ignored), a Location (not scored), missed items.
PRED_INTERCEPT = (
    PREFIXES
    + r"""
id:nation\/RU a pk:Nation ; rdfs:label "RF" ; skos:altLabel "Russia's" .
id:nation\/US a pk:Nation ; rdfs:label "the United States" .
id:aircraft\/mig-31 a pk:Fighter ; rdfs:label "MiG‑31" .
id:aircraft\/b-1b a pk:Bomber ; rdfs:label "B–1B" ; skos:altLabel "B-1B Lancer" .
id:aircraft\/su-35s a pk:Fighter ; rdfs:label "Su-35S" .
id:aircraft\/tu-95ms a pk:Bomber ; rdfs:label "Tu-95MS" .
id:sea\/barents-sea a pk:Sea ; skos:prefLabel "The Barents Sea" .
id:location\/murmansk a pk:Location ; rdfs:label "Murmansk" .
id:event\/interception\/1 a pk:Interception ; rdfs:label "MiG-31 intercepted B-1B" .

id:aircraft\/mig-31 pk:intercepted id:aircraft\/b-1b .
id:nation\/RU pk:intercepted id:nation\/US .
id:nation\/RU pk:escorted id:nation\/US .
id:aircraft\/tu-95ms pk:escorted id:aircraft\/b-1b .
id:aircraft\/su-35s pk:intercepted [ a pk:Fighter ] .
id:aircraft\/su-35s pk:intercepted id:unlabelled .
"""
)

GOLD_INTERCEPT: dict[str, Any] = {
    "entities": [
        {"text": "Russia", "type": "Nation", "aliases": ["Russian"]},
        {"text": "United States", "type": "Nation", "aliases": ["US"]},
        {"text": "NATO", "type": "Alliance", "aliases": []},
        {"text": "MiG-31", "type": "Aircraft", "aliases": ["Foxhound"]},
        {"text": "B-1B", "type": "Aircraft", "aliases": ["Lancer"]},
        {"text": "Su-35", "type": "Aircraft"},
        {"text": "Barents Sea", "type": "Sea", "aliases": []},
        {"text": "Murmansk", "type": "Location"},
    ],
    "relations": [
        {"subject": "MiG-31", "predicate": "intercepted", "object": "B-1B", "evidence": "...",
         "subject_alts": ["Russia"], "object_alts": ["United States"]},
        {"subject": "MiG-31", "predicate": "escorted", "object": "B-1B", "evidence": "...",
         "subject_alts": ["Russia"], "object_alts": ["United States"]},
        {"subject": "Russia", "predicate": "respondedTo", "object": "NATO", "evidence": "..."},
    ],
}  # fmt: skip

# Deployment article: weapon-system subclass, an alias-only base label, a variant named in gold
# aliases, object_alts to a Location, a class declared only in the graph and an ontology from
# another namespace, a wrong respondedTo.
PRED_DEPLOY = (
    PREFIXES
    + r"""
ex:Drone rdfs:subClassOf <http://example.org/vocab/Aircraft> .
id:weapon\/patriot a pk:AirDefenceSystem ; rdfs:label "Patriot" .
id:nation\/LT a pk:Nation ; rdfs:label "Lithuania" .
id:nation\/RU a pk:Nation ; rdfs:label "Russia" .
id:base\/andersen a pk:Base ; rdfs:label "Andersen AFB" ; skos:altLabel "Andersen Air Force Base" .
id:aircraft\/b-52h a pk:Bomber ; rdfs:label "B-52H" .
id:aircraft\/mq-9 a ex:Drone ; rdfs:label "MQ-9" .
id:aircraft\/rq-4 a ex:Glider ; rdfs:label "RQ-4" .
id:location\/guam a pk:Location ; rdfs:label "Guam" .

id:weapon\/patriot pk:deployedTo id:nation\/LT .
id:aircraft\/b-52h pk:deployedTo id:location\/guam .
id:nation\/LT ex:respondedTo id:nation\/RU .
"""
)

GOLD_DEPLOY: dict[str, Any] = {
    "entities": [
        {"text": "Patriot", "type": "WeaponSystem", "aliases": ["MIM-104"]},
        {"text": "Lithuania", "type": "Nation", "aliases": ["Lithuanian"]},
        {"text": "Andersen Air Force Base", "type": "Base", "aliases": []},
        {"text": "B-52", "type": "Aircraft", "aliases": ["B-52H", "Stratofortress"]},
        {"text": "MQ-9", "type": "Aircraft", "aliases": ["Reaper"]},
        {"text": "RQ-4", "type": "Aircraft", "aliases": []},
        {"text": "Guam", "type": "Location"},
    ],
    "relations": [
        {"subject": "Patriot", "predicate": "deployedTo", "object": "Lithuania", "evidence": "...",
         "subject_alts": ["United States"]},
        {"subject": "B-52", "predicate": "deployedTo", "object": "Andersen Air Force Base", "evidence": "...",
         "object_alts": ["Guam"]},
        {"subject": "MQ-9", "predicate": "deployedTo", "object": "Guam", "evidence": "..."},
    ],
}  # fmt: skip

GOLD_UNBUILT: dict[str, Any] = {
    "entities": [{"text": "Japan", "type": "Nation"}],
    "relations": [{"subject": "Japan", "predicate": "respondedTo", "object": "China", "evidence": "..."}],
}

# extra ontology in another namespace: only local names count
EXTRA_ONTOLOGY = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://example.org/other#Glider> rdfs:subClassOf <http://example.org/vocab/Aircraft> .
"""

PREDICTED = {"a-intercept": PRED_INTERCEPT, "b_deploy": PRED_DEPLOY}
GOLD = {"a-intercept": GOLD_INTERCEPT, "b_deploy": GOLD_DEPLOY, "a": GOLD_UNBUILT}


def _ontology_files(root: Path) -> list[Path]:
    extra = root / "extra.ttl"
    extra.write_text(EXTRA_ONTOLOGY, encoding="utf-8")
    return [*sorted(ontology_dir().glob("*.ttl")), extra]


def _read_ontology(files: list[Path]) -> Graph:
    graph = Graph()
    for f in files:
        graph.parse(f, format="turtle")
    return graph


def _graphs(texts: dict[str, str]) -> dict[str, Graph]:
    return {stem: Graph().parse(data=text, format="turtle") for stem, text in texts.items()}


@pytest.fixture
def case(tmp_path: Path) -> dict[str, Any]:
    """The prediction, gold and ontology of the parity cases, on disk as score.py reads them."""
    pred_dir, gold_dir = tmp_path / "pred", tmp_path / "gold"
    for stem, text in PREDICTED.items():
        (pred_dir / stem).mkdir(parents=True)
        (pred_dir / stem / "graph.ttl").write_text(text, encoding="utf-8")
    gold_dir.mkdir()
    for stem, data in GOLD.items():
        (gold_dir / f"{stem}.json").write_text(json.dumps(data), encoding="utf-8")
    files = _ontology_files(tmp_path)
    return {
        "pred_dir": pred_dir,
        "gold_dir": gold_dir,
        "ontology_files": files,
        "ontology": _read_ontology(files),
        "predicted": {stem: Graph().parse(pred_dir / stem / "graph.ttl") for stem in PREDICTED},
    }


def _run_score_py(case: dict[str, Any], *flags: str) -> subprocess.CompletedProcess[str]:
    if not SCORE_PY.is_file():
        pytest.skip(f"the shared referee is not here: {SCORE_PY}")
    onto = [arg for f in case["ontology_files"] for arg in ("--ontology", str(f))]
    cmd = [sys.executable, str(SCORE_PY), str(case["pred_dir"]), str(case["gold_dir"]), *onto, *flags]
    return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120)


# ---------------------------------------------------------------- parity with score.py


def test_evaluate_json_parity_with_score_py(case: dict[str, Any]) -> None:
    expected = json.loads(_run_score_py(case, "--json").stdout)
    actual = score_graphs(case["predicted"], read_gold(case["gold_dir"]), case["ontology"])
    assert actual == expected
    assert json.loads(to_json(actual)) == expected


def test_evaluate_text_and_verbose_parity_with_score_py(case: dict[str, Any]) -> None:
    proc = _run_score_py(case, "--verbose")
    result = score_articles(
        case["predicted"],
        read_gold(case["gold_dir"]),
        case["ontology"],
        missing={"a": f"missing {case['pred_dir'] / 'a'}/*.ttl"},
    )
    assert format_scores(result.scores) + "\n" == proc.stdout
    assert result.report_lines(verbose=True) == proc.stderr.splitlines()


@pytest.mark.parametrize("stem", sorted(PREDICTED))
def test_evaluate_single_article_parity_without_ontology(tmp_path: Path, stem: str) -> None:
    # without --ontology, pk:Fighter & co. are not entities: both sides must agree on that too
    if not SCORE_PY.is_file():
        pytest.skip(f"the shared referee is not here: {SCORE_PY}")
    (tmp_path / "pred" / stem).mkdir(parents=True)
    (tmp_path / "pred" / stem / "graph.ttl").write_text(PREDICTED[stem], encoding="utf-8")
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / f"{stem}.json").write_text(json.dumps(GOLD[stem]), encoding="utf-8")
    cmd = [sys.executable, str(SCORE_PY), str(tmp_path / "pred"), str(tmp_path / "gold"), "--json"]
    expected = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120).stdout)
    graph = Graph().parse(tmp_path / "pred" / stem / "graph.ttl")
    assert score_graphs({stem: graph}, {stem: GOLD[stem]}, None) == expected


# ---------------------------------------------------------------- the rules, checked directly


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("MiG‑31", "mig-31"),  # non-breaking hyphen
        ("B–1B", "b-1b"),  # en dash
        ("Su—35", "su-35"),  # em dash
        ("The Barents Sea", "barents sea"),
        ("the  Kremlin", "kremlin"),
        ("Russia's", "russia"),
        ("Russia’s", "russia"),
        ("“NATO”,", "nato"),
        ("Theodore", "theodore"),
    ],
)
def test_evaluate_norm(name: str, normalised: str) -> None:
    assert norm(name) == normalised


@pytest.mark.parametrize(
    ("name", "fam"),
    [("Su-35S", "su-35"), ("Su35", "su-35"), ("Tu-95MS", "tu-95"), ("F-15EX", "f-15"), ("Patriot", None)],
)
def test_evaluate_family(name: str, fam: str | None) -> None:
    assert family(name) == fam


def test_evaluate_intercept_article_scores() -> None:
    onto = _read_ontology(sorted(ontology_dir().glob("*.ttl")))
    scores = score_graphs(_graphs({"x": PRED_INTERCEPT}), {"x": GOLD_INTERCEPT}, onto)
    by_type = scores["entities"]["by_type"]
    # Russia via "Russia's", United States via "the ...", MiG-31 and B-1B via dashes, Su-35S ~ Su-35,
    # Barents Sea via "The"; NATO missed; Tu-95MS spurious; Murmansk (Location) not scored
    assert by_type["Nation"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 2, "fp": 0, "fn": 0}
    assert (by_type["Aircraft"]["tp"], by_type["Aircraft"]["fp"], by_type["Aircraft"]["fn"]) == (3, 1, 0)
    assert by_type["Sea"]["tp"] == 1
    assert by_type["Alliance"]["fn"] == 1
    assert "Location" not in by_type
    rel = scores["relations"]
    # 4 predicted relations between labelled nodes: 3 correct (two hit the same gold), 1 wrong;
    # precision counts every correct prediction: 3/4; recall counts gold found: 2/3
    assert (rel["tp"], rel["fp"], rel["fn"]) == (2, 1, 1)
    assert rel["precision"] == 0.75
    assert rel["recall"] == 0.6667
    assert rel["f1"] == round(2 * 0.75 * 0.6667 / (0.75 + 0.6667), 4)
    assert rel["by_predicate"]["escorted"]["fp"] == 1
    assert rel["by_predicate"]["respondedTo"]["fn"] == 1


def test_evaluate_subclasses_need_the_ontology() -> None:
    graph = Graph().parse(data=PRED_INTERCEPT, format="turtle")
    with_onto = {
        e.name for e in read_prediction(graph, _read_ontology(sorted(ontology_dir().glob("*.ttl"))))[0]
    }
    without = {e.name for e in read_prediction(graph, None)[0]}
    assert {"MiG‑31", "B-1B Lancer", "Su-35S"} <= with_onto
    assert without == {"RF", "the United States", "The Barents Sea", "Murmansk"}


def test_evaluate_missing_prediction_counts_as_empty() -> None:
    result = score_articles({}, {"a": GOLD_UNBUILT}, None, missing={"a": "no article A/a.txt"})
    assert result.scores["entities"]["fn"] == 1
    assert result.scores["relations"]["fn"] == 1
    assert result.scores["relations"]["precision"] == 0.0
    assert result.report_lines() == ["## a: NO PREDICTION (no article A/a.txt)"]


def test_evaluate_format_scores_layout() -> None:
    scores = score_graphs(_graphs({"x": PRED_DEPLOY}), {"x": GOLD_DEPLOY}, None)
    lines = format_scores(scores).splitlines()
    assert lines[0].startswith("entities   P ")
    assert any(line.startswith("relations  P ") for line in lines)
    assert all(line.startswith(("entities", "relations", "  ")) for line in lines)


# ---------------------------------------------------------------- evaluate() with a build seam


def _articles(root: Path, stems: list[str]) -> Path:
    folder = root / "articles"
    folder.mkdir()
    for stem in stems:
        (folder / f"{stem}.txt").write_text(f"article {stem}\n", encoding="utf-8")
    return folder


def _gold_dir(root: Path, gold: dict[str, dict[str, Any]]) -> Path:
    folder = root / "gold"
    folder.mkdir()
    for stem, data in gold.items():
        (folder / f"{stem}.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


def test_evaluate_builds_each_article_alone(tmp_path: Path) -> None:
    prepared = tmp_path / "prepared"
    prepared.mkdir()
    for stem, text in PREDICTED.items():
        (prepared / f"{stem}.ttl").write_text(text, encoding="utf-8")
    built: list[str] = []

    def build(path: Path) -> Graph:
        built.append(path.name)
        return Graph().parse(prepared / f"{path.stem}.ttl", format="turtle")

    articles = _articles(tmp_path, sorted(PREDICTED))
    gold_dir = _gold_dir(tmp_path, GOLD)
    onto = _read_ontology(sorted(ontology_dir().glob("*.ttl")))
    result = evaluate(articles, gold_dir, build, onto)
    assert sorted(built) == ["a-intercept.txt", "b_deploy.txt"]
    assert result.scores == score_graphs(_graphs(PREDICTED), GOLD, onto)
    assert result.report_lines() == [f"## a: NO PREDICTION (no article {articles / 'a'}.txt)"]


def test_evaluate_build_error_is_reported_not_fatal(tmp_path: Path) -> None:
    def build(path: Path) -> Graph:
        raise KgError(f"cannot read {path}")

    articles = _articles(tmp_path, ["a"])
    result = evaluate(articles, _gold_dir(tmp_path, {"a": GOLD_UNBUILT}), build)
    (line,) = result.report_lines()
    assert line.startswith("## a: NO PREDICTION (build failed on ")
    assert result.scores["entities"]["fn"] == 1


def test_evaluate_finds_non_txt_article(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.html").write_text("<p>x</p>", encoding="utf-8")
    seen: list[Path] = []

    def build(path: Path) -> Graph:
        seen.append(path)
        return Graph()

    evaluate(articles, _gold_dir(tmp_path, {"a": GOLD_UNBUILT}), build, Graph())
    assert seen == [articles / "a.html"]


@pytest.mark.parametrize(
    ("files", "match"),
    [
        ({}, "no gold .json"),
        ({"a.json": "{not json"}, "cannot read gold file"),
        ({"a.json": "[]"}, "entities"),
    ],
    ids=["empty", "bad-json", "not-an-object"],
)
def test_evaluate_read_gold_errors(tmp_path: Path, files: dict[str, str], match: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        read_gold(tmp_path)


# ---------------------------------------------------------------- CLI


def test_evaluate_cli_scores_without_building_when_articles_are_absent(tmp_path: Path) -> None:
    from kg.cli.evaluate import evaluate_command

    articles = tmp_path / "articles"
    articles.mkdir()
    gold_dir = _gold_dir(tmp_path, {"a": GOLD_UNBUILT})
    result = CliRunner().invoke(evaluate_command, [str(articles), str(gold_dir), "--verbose"])
    assert result.exit_code == 0, result.output
    expected = score_articles({}, {"a": GOLD_UNBUILT}, None)
    assert format_scores(expected.scores) in result.output
    assert "## a: NO PREDICTION (no article" in result.output
    assert "  missed entity   Nation       Japan" in result.output


def test_evaluate_cli_json(tmp_path: Path) -> None:
    from kg.cli.evaluate import evaluate_command

    articles = tmp_path / "articles"
    articles.mkdir()
    gold_dir = _gold_dir(tmp_path, {"a": GOLD_UNBUILT})
    result = CliRunner().invoke(evaluate_command, [str(articles), str(gold_dir), "--json"])
    assert result.exit_code == 0, result.output
    payload = result.output[result.output.index("{") :]
    assert json.loads(payload) == score_graphs({}, {"a": GOLD_UNBUILT}, None)


@pytest.mark.parametrize("missing", ["articles", "gold"])
def test_evaluate_cli_missing_folder_is_a_clear_error(tmp_path: Path, missing: str) -> None:
    from kg.cli.evaluate import evaluate_command

    articles, gold = tmp_path / "articles", tmp_path / "gold"
    (gold if missing == "articles" else articles).mkdir()
    result = CliRunner().invoke(evaluate_command, [str(articles), str(gold)])
    assert result.exit_code == 2
    assert f"kg: error: {missing} folder not found: {tmp_path / missing}" in result.output
