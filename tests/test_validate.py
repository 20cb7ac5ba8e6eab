"""SHACL validation of built graphs: the documented graph conforms, broken variants say what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from kg.errors import InputError
from kg.graph.validate import read_graph_for_validation, validate_graph
from kg.vocab import PK

# The example of docs/rdf-model.md, completed into a small graph of one article.
GOOD = r"""
@prefix pk:      <https://w3id.org/posture-kg/ontology#> .
@prefix id:      <https://w3id.org/posture-kg/id/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix wd:      <http://www.wikidata.org/entity/> .

id:nation\/RU a pk:Nation ; rdfs:label "Russia" ; skos:altLabel "Moscow" ;
    pk:isoAlpha2 "RU" ; pk:isoAlpha3 "RUS" ; owl:sameAs wd:Q159 .
id:nation\/US a pk:Nation ; rdfs:label "United States" ; pk:isoAlpha2 "US" ; pk:isoAlpha3 "USA" .
id:aircraft\/mig-31 a pk:Fighter ; rdfs:label "MiG-31" ; pk:operatedBy id:nation\/RU .
id:aircraft\/b-1b a pk:Bomber ; rdfs:label "B-1B" ; skos:altLabel "Lancer" ; pk:operatedBy id:nation\/US .
id:sea\/barents-sea a pk:Sea ; rdfs:label "Barents Sea" .

id:aircraft\/mig-31 pk:intercepted id:aircraft\/b-1b .

id:event\/interception\/3f2a9c1d0b7e a pk:Interception ;
    pk:directProperty pk:intercepted ;
    pk:actor id:aircraft\/mig-31 ; pk:target id:aircraft\/b-1b ;
    pk:location id:sea\/barents-sea ;
    pk:date "2024-03-26"^^xsd:date ;
    pk:actorCount 1 ; pk:targetCount 2 ;
    pk:confidence 0.85 ;
    pk:sourceCount 1 ;
    rdfs:label "MiG-31 intercepted B-1B" ;
    pk:evidence id:evidence\/ab12cd34ef56\/120-331 ;
    prov:wasDerivedFrom id:article\/ab12cd34ef56 .

id:evidence\/ab12cd34ef56\/120-331 a pk:Evidence ;
    pk:sentence "a Russian MiG-31 fighter jet intercepted and escorted two B-1B Lancers" ;
    pk:startChar 120 ; pk:endChar 331 ;
    pk:trigger "intercepted" ;
    pk:hedged false ;
    pk:confidence 0.8 ; pk:date "2024-03-26"^^xsd:date ;
    prov:wasQuotedFrom id:article\/ab12cd34ef56 .

id:article\/ab12cd34ef56 a pk:Article, prov:Entity ;
    dcterms:identifier "ab12cd34ef56" ; pk:docId "ab12cd34ef56" ;
    dcterms:title "Russian jet intercepts US bombers" ; dcterms:date "2024-03-26"^^xsd:date ;
    dcterms:source "seeds/000.txt" ;
    pk:contentHash "0f1e2d" ;
    pk:mentions id:nation\/RU, id:aircraft\/mig-31 .
"""

ID = "https://w3id.org/posture-kg/id/"
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
EVENT = ID + "event/interception/3f2a9c1d0b7e"
EVIDENCE = ID + "evidence/ab12cd34ef56/120-331"

DEPLOYMENT = r"""
@prefix pk:      <https://w3id.org/posture-kg/ontology#> .
@prefix id:      <https://w3id.org/posture-kg/id/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
id:weapon\/patriot a pk:AirDefenceSystem ; rdfs:label "Patriot" .
id:nation\/LT a pk:Nation ; rdfs:label "Lithuania" ; pk:isoAlpha2 "LT" .
id:weapon\/patriot pk:deployedTo id:nation\/LT .
id:event\/deployment\/1 a pk:Deployment ; rdfs:label "Patriot deployed to Lithuania" ;
    pk:directProperty pk:deployedTo ;
    pk:actor id:weapon\/patriot ; pk:target id:nation\/LT ; DESTINATION
    pk:confidence 0.7 ;
    pk:evidence id:evidence\/cd\/0-40 ; prov:wasDerivedFrom id:article\/cd .
id:evidence\/cd\/0-40 a pk:Evidence ; pk:sentence "Patriot batteries were sent to Lithuania." ;
    pk:startChar 0 ; pk:endChar 40 .
id:article\/cd a pk:Article ; pk:docId "cd" .
"""


def _graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def _broken(old: str, new: str) -> Graph:
    assert old in GOOD, old
    return _graph(GOOD.replace(old, new))


def _write_outdir(root: Path, text: str) -> Path:
    outdir = root / "out"
    outdir.mkdir()
    (outdir / "graph.ttl").write_text(text, encoding="utf-8")
    return outdir


def test_validate_documented_graph_conforms() -> None:
    report = validate_graph(_graph(GOOD))
    assert report.conforms, report.lines()
    assert report.violations == ()
    # 2 nations, 2 aircraft, 1 sea, 1 event, 1 evidence, 1 article
    assert report.focus_nodes == 8
    assert report.lines() == ["OK: 8 focus nodes conform"]


def test_validate_in_memory_literals_judged_by_lexical_form() -> None:
    # rdflib keeps a float inside Literal(0.9, datatype=XSD.decimal); Turtle would read a Decimal
    graph = _graph(GOOD)
    event = URIRef(EVENT)
    graph.set((event, PK.confidence, Literal(0.9, datatype=XSD_DECIMAL)))
    assert validate_graph(graph).conforms


def test_validate_does_not_modify_the_graph() -> None:
    graph = _graph(GOOD)
    before = len(graph)
    validate_graph(graph)
    assert len(graph) == before


@pytest.mark.parametrize(
    ("old", "new", "focus", "path", "constraint", "words"),
    [
        pytest.param(
            "pk:actor id:aircraft\\/mig-31 ;",
            "",
            EVENT,
            "pk:actor",
            "minCount",
            "exactly one pk:actor",
            id="no-actor",
        ),
        pytest.param(
            "pk:target id:aircraft\\/b-1b ;",
            "",
            EVENT,
            "pk:target",
            "minCount",
            "exactly one pk:target",
            id="no-target",
        ),
        pytest.param(
            "pk:startChar 120 ; pk:endChar 331 ;",
            "",
            EVIDENCE,
            "pk:startChar",
            "minCount",
            "pk:startChar",
            id="no-offsets",
        ),
        pytest.param(
            "pk:startChar 120",
            "pk:startChar 400",
            EVIDENCE,
            "pk:startChar",
            "lessThan",
            "smaller than pk:endChar",
            id="start-after-end",
        ),
        pytest.param(
            "pk:startChar 120",
            "pk:startChar -3",
            EVIDENCE,
            "pk:startChar",
            "minInclusive",
            "non-negative",
            id="negative-start",
        ),
        pytest.param(
            'rdfs:label "B-1B" ;',
            "",
            ID + "aircraft/b-1b",
            "rdfs:label",
            "minCount",
            "exactly one rdfs:label",
            id="aircraft-without-label",
        ),
        pytest.param(
            "pk:confidence 0.85",
            "pk:confidence 1.5",
            EVENT,
            "pk:confidence",
            "maxInclusive",
            "from 0 to 1",
            id="confidence-above-one",
        ),
        pytest.param(
            "pk:confidence 0.85",
            'pk:confidence "high"',
            EVENT,
            "pk:confidence",
            "datatype",
            "xsd:decimal",
            id="confidence-not-decimal",
        ),
        pytest.param(
            '"2024-03-26"^^xsd:date ;\n    pk:actorCount',
            '"26 March" ;\n    pk:actorCount',
            EVENT,
            "pk:date",
            "datatype",
            "xsd:date",
            id="date-not-xsd-date",
        ),
        pytest.param(
            'pk:isoAlpha2 "US"',
            'pk:isoAlpha2 "us"',
            ID + "nation/US",
            "pk:isoAlpha2",
            "pattern",
            "two capital letters",
            id="iso-lowercase",
        ),
        pytest.param(
            "owl:sameAs wd:Q159",
            "owl:sameAs <http://dbpedia.org/resource/Russia>",
            ID + "nation/RU",
            "owl:sameAs",
            "pattern",
            "Wikidata",
            id="sameas-not-wikidata",
        ),
        pytest.param(
            'pk:docId "ab12cd34ef56" ;',
            "",
            ID + "article/ab12cd34ef56",
            "pk:docId",
            "minCount",
            "pk:docId",
            id="article-without-docid",
        ),
        pytest.param(
            "prov:wasDerivedFrom id:article\\/ab12cd34ef56 .",
            "prov:wasDerivedFrom id:nation\\/RU .",
            EVENT,
            "prov:wasDerivedFrom",
            "class",
            "pk:Article",
            id="derived-from-non-article",
        ),
    ],
)
def test_validate_broken_graph_names_focus_node(
    old: str, new: str, focus: str, path: str, constraint: str, words: str
) -> None:
    report = validate_graph(_broken(old, new))
    assert validate_graph(_broken(old, new), private=True) == report  # `kg validate`'s in-place check
    assert not report.conforms
    matching = [v for v in report.violations if v.focus == focus and v.path == path]
    assert matching, report.lines()
    assert any(v.constraint == constraint and words in v.message for v in matching), report.lines()
    assert any(focus in line and words in line for line in report.lines())


def test_validate_violation_line_shows_label_and_value() -> None:
    report = validate_graph(_broken("pk:confidence 0.85", "pk:confidence 1.5"))
    (line,) = report.lines()
    assert line.startswith(f"Violation: {EVENT} (MiG-31 intercepted B-1B) pk:confidence: ")
    assert "(maxInclusive) [value: 1.5]" in line


def test_validate_reports_nested_failure_once() -> None:
    # an unlabelled aircraft fails its own shape and the event's target rule, nothing more
    report = validate_graph(_broken('rdfs:label "B-1B" ;', ""))
    assert [(v.focus, v.path, v.constraint) for v in report.violations] == [
        (ID + "aircraft/b-1b", "rdfs:label", "minCount"),
        (EVENT, "pk:target", "node"),
    ]


def test_validate_subclass_targets_without_embedded_hierarchy() -> None:
    # pk:Bomber is only a subclass of pk:Aircraft in the ontology, not in this graph
    graph = _graph("@prefix pk: <https://w3id.org/posture-kg/ontology#> .\n<urn:x:b52> a pk:Bomber .\n")
    report = validate_graph(graph)
    assert not report.conforms
    assert [(v.focus, v.path) for v in report.violations] == [("urn:x:b52", "rdfs:label")]


@pytest.mark.parametrize(
    ("destination", "conforms"),
    [("pk:destination id:nation\\/LT ;", True), ("", False)],
    ids=["with-destination", "without-destination"],
)
def test_validate_deployment_needs_destination(destination: str, conforms: bool) -> None:
    report = validate_graph(_graph(DEPLOYMENT.replace("DESTINATION", destination)))
    assert report.conforms is conforms, report.lines()
    if not conforms:
        assert [v.path for v in report.violations] == ["pk:destination"]


def test_validate_read_graph_for_validation_reads_graph_ttl(tmp_path: Path) -> None:
    outdir = _write_outdir(tmp_path, GOOD)
    assert len(read_graph_for_validation(outdir)) == len(_graph(GOOD))


@pytest.mark.parametrize("make_dir", [False, True], ids=["missing-outdir", "missing-graph"])
def test_validate_read_graph_for_validation_missing_names_path_and_fix(
    tmp_path: Path, make_dir: bool
) -> None:
    outdir = tmp_path / "nowhere"
    if make_dir:
        outdir.mkdir()
    with pytest.raises(InputError, match="kg build") as info:
        read_graph_for_validation(outdir)
    assert str(outdir) in str(info.value)


def test_validate_read_graph_for_validation_bad_turtle(tmp_path: Path) -> None:
    outdir = _write_outdir(tmp_path, "this is not turtle")
    with pytest.raises(InputError, match="cannot parse"):
        read_graph_for_validation(outdir)


@pytest.mark.parametrize("engine", ["pyshacl", "sparql"])
def test_validate_cli_conforming_exits_zero(tmp_path: Path, engine: str) -> None:
    from kg.cli.validate import validate_command

    outdir = _write_outdir(tmp_path, GOOD)
    result = CliRunner().invoke(validate_command, ["-g", str(outdir), "--engine", engine])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "OK: 8 focus nodes conform"


@pytest.mark.parametrize("engine", ["pyshacl", "sparql"])
def test_validate_cli_broken_exits_one_with_message(tmp_path: Path, engine: str) -> None:
    from kg.cli.validate import validate_command

    outdir = _write_outdir(tmp_path, GOOD.replace("pk:confidence 0.85", "pk:confidence 1.5"))
    result = CliRunner().invoke(validate_command, ["-g", str(outdir), "--engine", engine])
    assert result.exit_code == 1
    assert f"{EVENT} (MiG-31 intercepted B-1B) pk:confidence" in result.output
    assert "from 0 to 1" in result.output


def test_validate_cli_missing_dir_is_a_clear_error(tmp_path: Path) -> None:
    from kg.cli.validate import validate_command

    missing = tmp_path / "missing"
    result = CliRunner().invoke(validate_command, ["-g", str(missing)])
    assert result.exit_code not in (0, 1)
    assert "kg: error: output folder not found" in result.output
    assert str(missing) in result.output
    assert "kg build" in result.output
