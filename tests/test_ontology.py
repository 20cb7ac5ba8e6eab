"""The ontology file agrees with kg/vocab.py, is documented, and its docs list every term."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from kg.graph import ontology
from kg.vocab import PK

NS = str(PK._NS)
DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
PK_TERMS = sorted(PK.__annotations__)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology.read_ontology()


def _declared(graph: Graph) -> set[str]:
    return {
        str(s)[len(NS) :]
        for t in DECLARATION_TYPES
        for s in graph.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(NS)
    }


def _subjects_in_namespace(graph: Graph) -> set[str]:
    return {str(s)[len(NS) :] for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}


def test_ontology_dir_holds_posture_and_shapes() -> None:
    folder = ontology.ontology_dir()
    assert (folder / "posture.ttl").is_file()
    assert (folder / "shapes.ttl").is_file()


def test_ontology_parses_with_ontology_header(onto: Graph) -> None:
    assert (URIRef("https://w3id.org/posture-kg/ontology"), RDF.type, OWL.Ontology) in onto


def test_ontology_shapes_parse() -> None:
    assert len(ontology.read_shapes()) > 0


@pytest.mark.parametrize("term", PK_TERMS)
def test_ontology_declares_every_vocab_term(onto: Graph, term: str) -> None:
    assert term in _declared(onto), f"pk:{term} is in kg/vocab.py but not declared in posture.ttl"


def test_ontology_declares_nothing_outside_vocab(onto: Graph) -> None:
    extra = (_declared(onto) | _subjects_in_namespace(onto)) - set(PK_TERMS)
    assert not extra, f"terms in posture.ttl missing from kg/vocab.py PK: {sorted(extra)}"


@pytest.mark.parametrize("term", PK_TERMS)
@pytest.mark.parametrize("annotation", [RDFS.label, RDFS.comment])
def test_ontology_term_has_label_and_comment(onto: Graph, term: str, annotation: URIRef) -> None:
    values = [v for v in onto.objects(PK[term], annotation) if isinstance(v, Literal) and str(v).strip()]
    assert values, f"pk:{term} has no {annotation}"


@pytest.mark.parametrize(
    "term", ["Nation", "Alliance", "Aircraft", "Base", "Sea", "WeaponSystem", "Location"]
)
def test_ontology_contract_class_exists(onto: Graph, term: str) -> None:
    assert (PK[term], RDF.type, OWL.Class) in onto


@pytest.mark.parametrize("term", ["intercepted", "escorted", "deployedTo", "respondedTo"])
def test_ontology_contract_property_exists(onto: Graph, term: str) -> None:
    assert (PK[term], RDF.type, OWL.ObjectProperty) in onto


ROLES = [
    "Fighter",
    "Bomber",
    "AttackAircraft",
    "MaritimePatrolAircraft",
    "ReconnaissanceAircraft",
    "AirborneEarlyWarningAircraft",
    "TankerAircraft",
    "TransportAircraft",
    "Helicopter",
    "UnmannedAircraft",
]


@pytest.mark.parametrize("role", ROLES)
def test_ontology_role_is_subclass_of_aircraft(onto: Graph, role: str) -> None:
    assert (PK[role], RDFS.subClassOf, PK.Aircraft) in onto


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        ("AirDefenceSystem", PK.WeaponSystem),
        ("MissileSystem", PK.WeaponSystem),
        ("NavalCombatSystem", PK.WeaponSystem),
        ("Interception", PK.Event),
        ("Escort", PK.Event),
        ("Deployment", PK.Event),
        ("Response", PK.Event),
        ("Event", URIRef("http://www.w3.org/ns/prov#Activity")),
        ("Article", URIRef("http://www.w3.org/ns/prov#Entity")),
        ("Evidence", URIRef("http://www.w3.org/ns/prov#Entity")),
    ],
)
def test_ontology_subclass_axioms(onto: Graph, sub: str, sup: URIRef) -> None:
    assert (PK[sub], RDFS.subClassOf, sup) in onto


@pytest.mark.parametrize(
    ("event", "prop"),
    [
        ("Interception", "intercepted"),
        ("Escort", "escorted"),
        ("Deployment", "deployedTo"),
        ("Response", "respondedTo"),
    ],
)
def test_ontology_event_class_names_its_direct_property(onto: Graph, event: str, prop: str) -> None:
    assert (PK[event], PK.directProperty, PK[prop]) in onto


def test_ontology_uses_no_contract_predicate_as_a_triple(onto: Graph) -> None:
    # the scorer reads any triple with these predicates as a relation: the ontology must not assert one
    for prop in ("intercepted", "escorted", "deployedTo", "respondedTo"):
        assert not list(onto.triples((None, PK[prop], None)))


def test_ontology_class_hierarchy_has_only_class_triples(onto: Graph) -> None:
    hierarchy = ontology.class_hierarchy(onto)
    assert {p for _, p, _ in hierarchy} == {RDF.type, RDFS.subClassOf}
    assert (PK.Bomber, RDFS.subClassOf, PK.Aircraft) in hierarchy
    assert (PK.Nation, RDF.type, OWL.Class) in hierarchy


@pytest.mark.parametrize("term", sorted(t for t in PK_TERMS if t[0].isupper()))
def test_ontology_markdown_lists_every_class(onto: Graph, term: str) -> None:
    text = ontology.to_markdown(onto)
    assert f"[pk:{term}](#{term.lower()}-class)" in text
    assert f"### {term} (class)" in text


@pytest.mark.parametrize("term", sorted(t for t in PK_TERMS if t[0].islower()))
def test_ontology_markdown_lists_every_property(onto: Graph, term: str) -> None:
    assert f"### {term} (property)" in ontology.to_markdown(onto)


def test_ontology_html_is_escaped_and_lists_every_term(onto: Graph) -> None:
    from kg.view.ontology_doc import ontology_html

    page = ontology_html(onto)
    assert page.startswith("<!DOCTYPE html>")
    assert "AEW&amp;C" in page  # comments are escaped
    for term in PK_TERMS:
        assert f'id="{term}"' in page


def test_ontology_docs_file_is_current(onto: Graph) -> None:
    docs = ontology.ontology_dir().parent / "docs" / "ontology.md"
    assert docs.read_text(encoding="utf-8") == ontology.to_markdown(onto), (
        "docs/ontology.md is stale: run `kg ontology --format md -o docs/ontology.md`"
    )


@pytest.mark.parametrize("fmt", ["md", "html", "ttl"])
def test_ontology_cli_writes_each_format(tmp_path, fmt: str) -> None:
    from click.testing import CliRunner

    from kg.cli.ontology import ontology_command

    out = tmp_path / f"onto.{fmt}"
    result = CliRunner().invoke(ontology_command, ["--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    from kg.view.ontology_doc import render

    assert out.read_text(encoding="utf-8") == render(fmt)


def test_ontology_cli_prints_turtle_that_parses() -> None:
    from click.testing import CliRunner

    from kg.cli.ontology import ontology_command

    result = CliRunner().invoke(ontology_command, ["--format", "ttl"])
    assert result.exit_code == 0
    assert len(Graph().parse(data=result.output, format="turtle")) > 0
