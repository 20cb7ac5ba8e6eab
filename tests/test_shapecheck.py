"""The build's SHACL check (shapes compiled to SPARQL) reports exactly what pyshacl reports."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from test_validate import DEPLOYMENT, GOOD, _graph

from kg.build.pipeline import build
from kg.cli import main
from kg.graph.shapecheck import UnsupportedShape, check_graph, check_store
from kg.graph.store import open_store, read_union_graph
from kg.graph.validate import ValidationReport, validate_graph

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"

# Each edit breaks one or more constraints of ontology/shapes.ttl in the documented graph.
BREAKS = {
    "no-actor": ("pk:actor id:aircraft\\/mig-31 ;", ""),
    "two-targets": ("pk:target id:aircraft\\/b-1b ;", "pk:target id:aircraft\\/b-1b, id:nation\\/US ;"),
    "no-offsets": ("pk:startChar 120 ; pk:endChar 331 ;", ""),
    "start-after-end": ("pk:startChar 120", "pk:startChar 400"),
    "negative-start": ("pk:startChar 120", "pk:startChar -3"),
    "ill-typed-start": ("pk:startChar 120", 'pk:startChar "early"^^xsd:integer'),
    "start-as-string": ("pk:startChar 120", 'pk:startChar "120"'),
    "empty-sentence": ('pk:sentence "a Russian', 'pk:sentence "", "a Russian'),
    "aircraft-without-label": ('rdfs:label "B-1B" ;', ""),
    "entity-with-two-labels": ('rdfs:label "B-1B" ;', 'rdfs:label "B-1B", "Lancer" ;'),
    "label-an-iri": ('rdfs:label "Barents Sea"', "rdfs:label id:sea\\/barents-sea"),
    "confidence-above-one": ("pk:confidence 0.85", "pk:confidence 1.5"),
    "confidence-not-decimal": ("pk:confidence 0.85", 'pk:confidence "high"'),
    "two-confidences": ("pk:confidence 0.85", "pk:confidence 0.85, 0.9"),
    "date-not-xsd-date": ('"2024-03-26"^^xsd:date ;\n    pk:actorCount', '"26 March" ;\n    pk:actorCount'),
    "ill-typed-date": (
        '"2024-03-26"^^xsd:date ;\n    pk:actorCount',
        '"2024-13-45"^^xsd:date ;\n    pk:actorCount',
    ),
    "zero-count": ("pk:actorCount 1", "pk:actorCount 0"),
    "iso-lowercase": ('pk:isoAlpha2 "US"', 'pk:isoAlpha2 "us"'),
    "iso3-too-long": ('pk:isoAlpha3 "USA"', 'pk:isoAlpha3 "USAX"'),
    "sameas-not-wikidata": ("owl:sameAs wd:Q159", "owl:sameAs <http://dbpedia.org/resource/Russia>"),
    "sameas-literal": ("owl:sameAs wd:Q159", 'owl:sameAs "Q159"'),
    "article-without-docid": ('pk:docId "ab12cd34ef56" ;', ""),
    "derived-from-non-article": (
        "prov:wasDerivedFrom id:article\\/ab12cd34ef56 .",
        "prov:wasDerivedFrom id:nation\\/RU .",
    ),
    "evidence-not-evidence": ("pk:evidence id:evidence", "pk:evidence id:nation\\/US, id:evidence"),
    "hedged-not-boolean": ("pk:hedged false", 'pk:hedged "no"'),
    "actor-a-literal": ("pk:actor id:aircraft\\/mig-31 ;", 'pk:actor "MiG-31" ;'),
    "actor-unlabelled-node": ("pk:actor id:aircraft\\/mig-31 ;", "pk:actor [ a pk:Fighter ] ;"),
}


def _same(graph: Graph) -> None:
    expected = validate_graph(graph)
    assert check_graph(graph) == expected, (expected.lines(), check_graph(graph).lines())


def test_documented_graph_conforms_in_both_engines() -> None:
    report = check_graph(_graph(GOOD))
    assert report.conforms and not report.violations
    _same(_graph(GOOD))


@pytest.mark.parametrize(("old", "new"), list(BREAKS.values()), ids=list(BREAKS))
def test_broken_graph_same_report_as_pyshacl(old: str, new: str) -> None:
    assert old in GOOD, old
    graph = _graph(GOOD.replace(old, new))
    report = check_graph(graph)
    assert not report.conforms, report.lines()
    _same(graph)


@pytest.mark.parametrize("destination", ["pk:destination id:nation\\/LT ;", ""], ids=["with", "without"])
def test_deployment_destination_same_as_pyshacl(destination: str) -> None:
    _same(_graph(DEPLOYMENT.replace("DESTINATION", destination)))


def test_built_examples_same_report_as_pyshacl(tmp_path: Path) -> None:
    build([EXAMPLES], tmp_path, html=False, validate=False)
    union = read_union_graph(tmp_path)
    report = check_graph(union)
    assert report.conforms and report.focus_nodes > 100
    _same(union)
    with open_store(tmp_path) as store:  # what `kg build` checks: the store itself
        assert check_store(store) == report
    outputs = [
        CliRunner().invoke(main, ["validate", "-g", str(tmp_path), "--engine", engine]).output
        for engine in ("pyshacl", "sparql")
    ]
    assert outputs[0] == outputs[1] == f"OK: {report.focus_nodes} focus nodes conform\n"


def test_shapes_beyond_the_compiled_subset_are_refused() -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ;
            sh:or ( [ sh:datatype <http://www.w3.org/2001/XMLSchema#string> ] ) .
        """,
        format="turtle",
    )
    with pytest.raises(UnsupportedShape, match="shacl#or"):
        check_graph(_graph(GOOD), shapes)


# Constraints ontology/shapes.ttl does not use yet, so that editing it keeps both engines agreeing.
MORE_SHAPES = r"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <urn:x:> .
ex:CodeShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:code ; sh:in ( "A" "B" 1 ) ; sh:maxLength 1 ] ,
        [ sh:path ex:score ; sh:minExclusive 0 ; sh:maxExclusive 10 ] ,
        [ sh:path ex:name ; sh:pattern "^abc" ; sh:flags "i" ] ,
        [ sh:path [ sh:inversePath ex:owns ] ; sh:minCount 1 ; sh:class ex:Owner ] ,
        [ sh:path ex:part ; sh:node ex:PartShape ] .
ex:PartShape a sh:NodeShape ;
    sh:property [ sh:path ex:sub ; sh:minCount 1 ; sh:node ex:SubShape ] .
ex:SubShape a sh:NodeShape ; sh:nodeKind sh:IRI ;
    sh:property [ sh:path ex:label ; sh:minCount 1 ] .
ex:NamedShape a sh:NodeShape ; sh:targetNode ex:t1, ex:t9 ; sh:nodeKind sh:IRI ;
    sh:property [ sh:path ex:code ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "code wanted" ] .
ex:OffShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:deactivated true ;
    sh:property [ sh:path ex:never ; sh:minCount 1 ] .
"""

MORE_DATA = r"""
@prefix ex: <urn:x:> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:o1 a ex:Owner ; ex:owns ex:t1 .
ex:o2 ex:owns ex:t2 .
ex:t1 a ex:Thing ; ex:code "A", 1, "1", "AB" ; ex:score 0, 5, 10, "x" ; ex:name "ABCd", "xabc" ;
    ex:part ex:p1 , ex:p2 .
ex:t2 a ex:Thing ; ex:code 2 ; ex:score 9.5 ; ex:part ex:p3 .
ex:t3 a ex:Thing .
ex:p1 ex:sub ex:s1 .
ex:p2 ex:sub [ ex:label "blank" ] .
ex:p3 ex:other 1 .
ex:s1 ex:label "ok" .
"""


def test_constraints_beyond_the_project_shapes_same_report_as_pyshacl() -> None:
    shapes = Graph().parse(data=MORE_SHAPES, format="turtle")
    graph = Graph().parse(data=MORE_DATA, format="turtle")
    expected = validate_graph(graph, shapes)
    got = check_graph(graph, shapes)

    # without an sh:message each engine words its own message; all else is the same
    def unworded(report: ValidationReport) -> tuple[object, ...]:
        rows = [
            replace(v, message=v.message if v.message == "code wanted" else "") for v in report.violations
        ]
        return report.conforms, report.focus_nodes, sorted(rows, key=str)

    assert unworded(got) == unworded(expected), (expected.lines(), got.lines())
    assert not got.conforms and len(got.violations) >= 10
    constraints = {v.constraint for v in got.violations}
    assert {"in", "maxLength", "minExclusive", "maxExclusive", "pattern", "class", "node"} <= constraints
    assert any(v.severity == "Warning" and v.focus == "urn:x:t9" for v in got.violations)
