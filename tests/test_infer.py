"""Inference on request: class and property hierarchies made explicit."""

from __future__ import annotations

from click.testing import CliRunner
from rdflib import RDF, Dataset, Graph, Literal
from rdflib.namespace import PROV, RDFS

from kg.cli import main
from kg.graph.infer import INFERRED_GRAPH, inferred_triples, with_inferences
from kg.graph.ontology import read_ontology
from kg.vocab import ID, PK

TU95 = ID["aircraft/tu-95ms"]
EVENT = ID["event/interception/abc"]
ARTICLE = ID["article/a1"]


def _data() -> Graph:
    g = Graph()
    g.add((TU95, RDF.type, PK.Bomber))
    g.add((TU95, RDFS.label, Literal("Tu-95MS")))
    g.add((EVENT, RDF.type, PK.Interception))
    g.add((EVENT, PK.article, ARTICLE))
    return g


def test_infer_subclasses_make_a_bomber_an_aircraft():
    inferred = inferred_triples(_data(), read_ontology())
    assert (TU95, RDF.type, PK.Aircraft) in inferred
    assert (EVENT, RDF.type, PK.Event) in inferred


def test_infer_sub_properties_reach_their_super_property():
    inferred = inferred_triples(_data(), read_ontology())
    assert (EVENT, PROV.wasDerivedFrom, ARTICLE) in inferred


def test_infer_adds_nothing_already_stated_and_is_deterministic():
    data = _data()
    first = inferred_triples(data, read_ontology())
    assert not any(t in data for t in first)
    assert set(first) == set(inferred_triples(data, read_ontology()))


def test_infer_with_inferences_keeps_them_in_their_own_named_graph():
    ds = Dataset()
    target = ds.graph(ID["graph/article/a1"])
    for triple in _data():
        target.add(triple)
    with_inferences(ds)
    assert (TU95, RDF.type, PK.Aircraft, INFERRED_GRAPH) in set(ds.quads((None, None, None, None)))
    assert (TU95, RDF.type, PK.Aircraft) not in target


def test_infer_query_cli_flag_finds_bombers_as_aircraft(tmp_path):
    (tmp_path / "graph.ttl").write_text(_data().serialize(format="turtle"), encoding="utf-8")
    query = "PREFIX pk: <https://w3id.org/posture-kg/ontology#> SELECT ?x WHERE { ?x a pk:Aircraft }"
    runner = CliRunner()
    plain = runner.invoke(main, ["query", "-g", str(tmp_path), "--format", "csv", query])
    inferred = runner.invoke(main, ["query", "-g", str(tmp_path), "--format", "csv", "--infer", query])
    assert plain.exit_code == 0 and str(TU95) not in plain.output
    assert inferred.exit_code == 0 and str(TU95) in inferred.output
