"""The build's SHACL check (shapes compiled to SPARQL) reports exactly what pyshacl reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from test_validate import DEPLOYMENT, GOOD, _graph

from kg.cli import main
from kg.pipeline import build
from kg.shapecheck import UnsupportedShape, check_graph, check_store
from kg.store import open_store, read_union_graph
from kg.validate import validate_graph

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
