"""The SPARQL library, parameter binding, result formats and `kg query`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import QueryError, StoreError
from kg.graph.query import bind_params, get_query, list_queries, parse_query_text, run_named, run_query
from kg.graph.results import QueryResult, Term, to_text
from kg.graph.store import memory_store, write_store
from kg.vocab import ID, PK, WD

GRAPH = "https://w3id.org/posture-kg/id/graph/"

NATIONS = {
    "RU": ("Russia", ["Russian Federation", "Moscow"], "csto", "Q159"),
    "US": ("United States", ["USA"], "nato", "Q30"),
    "NO": ("Norway", [], "nato", "Q20"),
    "LT": ("Lithuania", [], "nato", "Q37"),
    "CN": ("China", ["PRC"], None, "Q148"),
}
ALLIANCES = {"nato": ("NATO", ["North Atlantic Treaty Organization"]), "csto": ("CSTO", [])}
AIRCRAFT = {
    "mig-31": ("MiG-31", PK.Fighter, "RU"),
    "su-27": ("Su-27", PK.Fighter, "RU"),
    "tu-95ms": ("Tu-95MS", PK.Bomber, "RU"),
    "b-1b": ("B-1B", PK.Bomber, "US"),
    "p-8a": ("P-8A", PK.MaritimePatrolAircraft, "US"),
    "f-16": ("F-16", PK.Fighter, "NO"),
}
SEAS = {"barents-sea": "Barents Sea", "baltic-sea": "Baltic Sea"}

# (event id, class, direct property, actor, target, sea, date, article)
EVENTS = [
    (
        "e1",
        PK.Interception,
        PK.intercepted,
        ID["aircraft/mig-31"],
        ID["aircraft/b-1b"],
        "barents-sea",
        "2024-03-26",
        "a1",
    ),
    (
        "e2",
        PK.Escort,
        PK.escorted,
        ID["aircraft/su-27"],
        ID["aircraft/p-8a"],
        "baltic-sea",
        "2024-04-02",
        "a2",
    ),
    (
        "e3",
        PK.Interception,
        PK.intercepted,
        ID["aircraft/f-16"],
        ID["aircraft/tu-95ms"],
        "barents-sea",
        "2024-04-02",
        "a2",
    ),
    ("e4", PK.Deployment, PK.deployedTo, ID["weapon/patriot"], ID["nation/LT"], None, "2024-05-10", "a3"),
    ("e5", PK.Response, PK.respondedTo, ID["nation/RU"], ID["nation/US"], None, "2024-05-11", "a3"),
    ("e6", PK.Response, PK.respondedTo, ID["alliance/nato"], ID["nation/RU"], None, "2024-05-12", "a3"),
    (
        "e7",
        PK.Interception,
        PK.intercepted,
        ID["nation/RU"],
        ID["aircraft/p-8a"],
        "baltic-sea",
        "2024-05-20",
        "a3",
    ),
]
ARTICLES = {
    "a1": ("Russian jet intercepts US bomber", "2024-03-26"),
    "a2": ("Busy week over northern seas", "2024-04-02"),
    "a3": ("Patriots to Lithuania; Moscow responds", "2024-05-10"),
}


def entity_facts(g: rdflib.Graph, iri: URIRef) -> None:
    """The facts of one entity of the example graph (and of the nation or alliance it names)."""
    local = str(iri)[len(str(ID)) :]
    kind, key = local.split("/", 1)
    if kind == "nation":
        label, alts, alliance, qid = NATIONS[key]
        g.add((iri, RDF.type, PK.Nation))
        g.add((iri, PK.isoAlpha2, Literal(key)))
        g.add((iri, OWL.sameAs, WD[qid]))
        for alt in alts:
            g.add((iri, SKOS.altLabel, Literal(alt)))
        if alliance:
            g.add((iri, PK.memberOf, ID[f"alliance/{alliance}"]))
            entity_facts(g, ID[f"alliance/{alliance}"])
    elif kind == "alliance":
        label, alts = ALLIANCES[key]
        g.add((iri, RDF.type, PK.Alliance))
        for alt in alts:
            g.add((iri, SKOS.altLabel, Literal(alt)))
    elif kind == "aircraft":
        label, cls, operator = AIRCRAFT[key]
        g.add((iri, RDF.type, cls))
        g.add((iri, PK.operatedBy, ID[f"nation/{operator}"]))
        entity_facts(g, ID[f"nation/{operator}"])
    elif kind == "weapon":
        label = "Patriot"
        g.add((iri, RDF.type, PK.AirDefenceSystem))
        g.add((iri, PK.operatedBy, ID["nation/US"]))
        entity_facts(g, ID["nation/US"])
    else:
        label = SEAS[key]
        g.add((iri, RDF.type, PK.Sea))
    g.add((iri, RDFS.label, Literal(label)))
    g.add((iri, SKOS.prefLabel, Literal(label)))


def example_dataset() -> rdflib.Dataset:
    """A small graph shaped as docs/rdf-model.md describes, one named graph per article."""
    ds = rdflib.Dataset()
    default = ds.default_graph
    for sub in (PK.Fighter, PK.Bomber, PK.MaritimePatrolAircraft):
        default.add((sub, RDFS.subClassOf, PK.Aircraft))
    default.add((PK.AirDefenceSystem, RDFS.subClassOf, PK.WeaponSystem))
    graphs = {doc: ds.graph(URIRef(GRAPH + doc)) for doc in ARTICLES}

    for doc, (title, date) in ARTICLES.items():
        g, art = graphs[doc], ID[f"article/{doc}"]
        g.add((art, RDF.type, PK.Article))
        g.add((art, RDF.type, PROV.Entity))
        g.add((art, PK.docId, Literal(doc)))
        g.add((art, DCTERMS.identifier, Literal(doc)))
        g.add((art, DCTERMS.title, Literal(title)))
        g.add((art, DCTERMS.date, Literal(date, datatype=XSD.date)))
        g.add((art, DCTERMS.source, Literal(f"articles/{doc}.txt")))
        g.add((art, PK.contentHash, Literal("0" * 64)))

    for eid, cls, prop, actor, target, sea, date, doc in EVENTS:
        g, art = graphs[doc], ID[f"article/{doc}"]
        event = ID[f"event/{str(cls).split('#')[1].lower()}/{eid}"]
        evidence = ID[f"evidence/{doc}/{eid}"]
        for node in (actor, target):
            entity_facts(g, node)
            g.add((art, PK.mentions, node))
        g.add((actor, prop, target))
        g.add((event, RDF.type, cls))
        g.add((event, PK.directProperty, prop))
        g.add((event, PK.actor, actor))
        g.add((event, PK.destination if cls == PK.Deployment else PK.target, target))
        if sea:
            entity_facts(g, ID[f"sea/{sea}"])
            g.add((event, PK.location, ID[f"sea/{sea}"]))
            g.add((art, PK.mentions, ID[f"sea/{sea}"]))
        g.add((event, PK.date, Literal(date, datatype=XSD.date)))
        g.add((event, PK.confidence, Literal("0.85", datatype=XSD.decimal)))
        g.add((event, PK.sourceCount, Literal(1)))
        g.add((event, RDFS.label, Literal(f"{eid} {prop.split('#')[1]}")))
        g.add((event, PK.evidence, evidence))
        g.add((event, PROV.wasDerivedFrom, art))
        g.add((evidence, RDF.type, PK.Evidence))
        g.add((evidence, PK.sentence, Literal(f'Sentence about {eid}, with "quotes", commas; and ü.')))
        g.add((evidence, PK.startChar, Literal(10)))
        g.add((evidence, PK.endChar, Literal(80)))
        g.add((evidence, PK.trigger, Literal(prop.split("#")[1])))
        g.add((evidence, PK.hedged, Literal(False)))
        g.add((evidence, PROV.wasQuotedFrom, art))
    # a response between events, for the chain query
    g = graphs["a3"]
    g.add((ID["event/response/e5"], PK.respondedTo, ID["event/deployment/e4"]))
    _claims(graphs)
    return ds


def _claims(graphs: dict[str, rdflib.Graph]) -> None:
    """The claim layer: e1 claimed by Russia's ministry and denied by the US, e3 confirmed by both."""
    ru, us = ID["source/government/RU/defence-ministry"], ID["source/government/US"]
    no = ID["source/government/NO"]
    for node, label, party in (
        (ru, "Defence Ministry (Russia)", "RU"),
        (us, "United States", "US"),
        (no, "Norway", "NO"),
    ):
        for g in graphs.values():
            g.add((node, RDF.type, PK.GovernmentSource))
            g.add((node, RDFS.label, Literal(label)))
            g.add((node, PK.speaksFor, ID[f"nation/{party}"]))
    for eid, doc, status, stances in (
        ("e1", "a1", "denied", ((PK.attributedTo, ru), (PK.deniedBy, us))),
        ("e3", "a2", "confirmed", ((PK.attributedTo, no), (PK.confirmedBy, ru))),
    ):
        g, evidence = graphs[doc], ID[f"evidence/{doc}/{eid}"]
        g.add((evidence, PK.claimStatus, Literal(status)))
        g.add((ID[f"event/interception/{eid}"], PK.claimStatus, Literal(status)))
        for prop, source in stances:
            g.add((evidence, prop, source))


@pytest.fixture(scope="module")
def store():
    return memory_store(example_dataset())


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    write_store(example_dataset(), tmp_path / "store")
    return tmp_path


# ---------------------------------------------------------------- the library


def test_query_library_has_headers() -> None:
    queries = list_queries()
    names = [q.name for q in queries]
    assert len(queries) >= 12
    assert len(set(names)) == len(names)
    for q in queries:
        assert q.name and q.answers, q.path
        assert Path(q.path).stem == q.name


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_query_library_runs_on_example(store, name: str) -> None:
    result = run_named(store, name)
    if result.kind == "ask":
        assert result.boolean is True
    else:
        assert len(result) >= 1, name


EXPECTED = {
    ("who-intercepted-whom", ()): ("interceptorLabel", {"MiG-31", "F-16", "Russia"}),
    ("intercepts-per-nation-pair", ()): ("interceptorNationLabel", {"Russia", "Norway"}),
    ("escorts-by-aircraft-type", ()): ("escortTypeLabel", {"Su-27"}),
    ("deployments-by-destination", ()): ("destinationLabel", {"Lithuania"}),
    ("aircraft-by-operator", (("operator", "Norway"),)): ("aircraftLabel", {"F-16"}),
    ("events-in-sea", (("sea", "Baltic Sea"),)): ("actorLabel", {"Su-27", "Russia"}),
    ("timeline", (("from", "2024-04-01"), ("to", "2024-04-30"))): ("actorLabel", {"Su-27", "F-16"}),
    ("timeline", (("from", "2024-05-11"),)): ("actorLabel", {"Russia", "NATO"}),
    ("event-evidence", (("actor", "MiG-31"),)): ("title", {"Russian jet intercepts US bomber"}),
    ("alliance-activity", (("alliance", "NATO"),)): ("actorLabel", {"F-16", "Patriot", "NATO"}),
    ("alliance-activity", (("alliance", "CSTO"),)): ("actorLabel", {"MiG-31", "Su-27", "Russia"}),
    ("claims-by-party", ()): ("party", {"Russia", "United States", "Norway"}),
    ("claims-by-party", (("party", "Russia"),)): ("states", {"2"}),
    ("disputed-events", ()): ("deniedBy", {"United States"}),
    ("most-mentioned-entities", (("class", "pk:Nation"),)): (
        "label",
        {"Russia", "United States", "Lithuania"},
    ),
}


@pytest.mark.parametrize(("key", "expected"), list(EXPECTED.items()), ids=lambda v: str(v)[:40])
def test_query_library_answers(store, key, expected) -> None:
    name, params = key
    column, values = expected
    result = run_named(store, name, dict(params))
    got = {t.value for t in result.column(column) if t is not None}
    assert got == values


def test_query_intercepts_resolve_aircraft_to_nations(store) -> None:
    result = run_named(store, "intercepts-per-nation-pair")
    pairs = {
        (
            r[result.variables.index("interceptorNationLabel")].value,
            r[result.variables.index("targetNationLabel")].value,
        )
        for r in result.rows
    }
    assert pairs == {("Russia", "United States"), ("Norway", "Russia")}


def test_query_response_chains_follow_paths(store) -> None:
    result = run_named(store, "response-chains")
    rows = {(r[1].value, r[3].value, r[4].value) for r in result.rows if r[1] and r[3]}
    assert ("NATO", "United States", "false") in rows  # NATO → Russia → United States
    assert ("NATO", "Russia", "true") in rows


def test_query_entity_profile_uses_aliases(store) -> None:
    result = run_named(store, "entity-profile", {"label": "Russian Federation"})
    props = {(r[2].value, r[3].value) for r in result.rows}
    assert ("out", str(PK.memberOf)) in props
    assert ("in", str(PK.operatedBy)) in props
    assert {r[1].value for r in result.rows} == {str(ID["nation/RU"])}


def test_query_event_evidence_by_iri(store) -> None:
    event = str(ID["event/interception/e3"])
    result = run_named(store, "event-evidence", {"event": f"<{event}>"})
    assert {r[0].value for r in result.rows} == {event}


def test_query_ask_false_and_true(store) -> None:
    assert run_named(store, "did-intercept", {"actor": "F-16", "target": "Tu-95MS"}).boolean is True
    assert run_named(store, "did-intercept", {"actor": "F-16", "target": "B-1B"}).boolean is False


# ---------------------------------------------------------------- binding


HOSTILE = ['x" } DROP ALL #', "Barents Sea' } #", '\\" . ?s ?p ?o } #', "x\n}\nSELECT * { ?s ?p ?o }"]


@pytest.mark.parametrize("value", HOSTILE)
def test_query_params_hostile_input_is_a_literal(store, value: str) -> None:
    result = run_named(store, "events-in-sea", {"sea": value})
    assert result.kind == "select"
    assert result.rows == []
    # and the same value matches when it is a label, character for character
    ds = rdflib.Dataset()
    g = ds.graph(URIRef(GRAPH + "x"))
    g.add((ID["sea/odd"], RDF.type, PK.Sea))
    g.add((ID["sea/odd"], RDFS.label, Literal(value)))
    g.add((ID["event/escort/x"], RDF.type, PK.Escort))
    g.add((ID["event/escort/x"], PK.location, ID["sea/odd"]))
    hit = run_named(memory_store(ds), "events-in-sea", {"sea": value})
    assert [r[0].value for r in hit.rows] == [value]


def test_query_params_ad_hoc_bound_not_pasted(store) -> None:
    sparql = "SELECT DISTINCT ?label ?x WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    result = run_query(store, sparql, {"label": 'Russia" } #'})
    assert result.rows == []
    result = run_query(store, sparql, {"label": "Russia"})
    assert [r[1].value for r in result.rows] == [str(ID["nation/RU"])]


def test_query_default_graph_is_the_union_as_a_set(store) -> None:
    """The default graph holds each triple once, although three article graphs repeat it."""
    sparql = "SELECT ?x WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> 'Russia' }"
    assert len(run_query(store, sparql)) == 1
    per_graph = "SELECT ?g WHERE { GRAPH ?g { ?x <http://www.w3.org/2000/01/rdf-schema#label> 'Russia' } }"
    assert len(run_query(store, per_graph)) == 3  # in the graphs of a1, a2 and a3


def test_query_params_typed_and_validated() -> None:
    timeline = get_query("timeline")
    bound = bind_params(timeline, {"from": "2024-01-02"})
    assert bound == {"from": Literal("2024-01-02", datatype=XSD.date)}
    with pytest.raises(QueryError, match="not a valid date"):
        bind_params(timeline, {"from": "yesterday"})
    with pytest.raises(QueryError, match="no parameter 'sea'"):
        bind_params(timeline, {"sea": "x"})
    most = get_query("most-mentioned-entities")
    assert bind_params(most, {"class": "pk:Fighter"}) == {"class": PK.Fighter}
    with pytest.raises(QueryError, match="not a valid iri"):
        bind_params(most, {"class": "<http://x> } DROP ALL"})


def test_query_params_must_be_projected(store) -> None:
    with pytest.raises(QueryError, match="must appear in the SELECT clause"):
        run_query(store, "SELECT ?x WHERE { ?x ?p ?label }", {"label": "Russia"})
    with pytest.raises(QueryError, match="not a variable of the query"):
        run_query(store, "SELECT ?x WHERE { ?x ?p ?o }", {"label": "Russia"})


def test_query_header_parsing() -> None:
    q = parse_query_text(
        '# name: t\n# answers: a\n# params: x (string, "a \\"b\\"") d\n# params: y (iri, unbound)\nASK {}'
    )
    assert q.name == "t"
    assert [(p.name, p.type, p.default) for p in q.params] == [("x", "string", 'a "b"'), ("y", "iri", None)]
    with pytest.raises(QueryError, match="unknown type"):
        parse_query_text("# params: x (colour, red)\nASK {}")


def test_query_unknown_name_suggests() -> None:
    with pytest.raises(QueryError, match="did you mean timeline"):
        get_query("timelin")


# ---------------------------------------------------------------- errors


def test_query_malformed_sparql_names_line_and_column(store) -> None:
    with pytest.raises(QueryError) as info:
        run_query(store, "SELECT ?s\nWHERE {\n  ?s ?p \n}")
    message = str(info.value)
    assert "line 4, column 2" in message  # Oxigraph's parser reports where it stopped
    assert "SPARQL syntax error" in message
    assert "expected" in message


def test_query_missing_outdir_is_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="holds no graph"):
        run_named(tmp_path, "timeline")


def test_query_runs_over_outdir_store_and_trig(outdir: Path, tmp_path_factory) -> None:
    assert len(run_named(outdir, "who-intercepted-whom")) == 3
    other = tmp_path_factory.mktemp("trig")
    example_dataset().serialize(other / "graph.trig", format="trig")
    assert len(run_named(other, "who-intercepted-whom")) == 3


# ---------------------------------------------------------------- formats


def test_query_json_is_w3c_shape(store) -> None:
    result = run_named(store, "event-evidence", {"actor": "MiG-31"})
    doc = json.loads(to_text(result, "json"))
    assert doc["head"]["vars"] == result.variables
    binding = doc["results"]["bindings"][0]
    assert binding["event"]["type"] == "uri"
    assert binding["sentence"] == {
        "type": "literal",
        "value": 'Sentence about e1, with "quotes", commas; and ü.',
    }
    assert binding["confidence"]["datatype"] == str(XSD.decimal)
    assert binding["startChar"] == {"type": "literal", "value": "10", "datatype": str(XSD.integer)}
    ask = json.loads(to_text(run_named(store, "did-intercept"), "json"))
    assert ask == {"head": {}, "boolean": True}


def test_query_json_language_tag() -> None:
    result = QueryResult("select", ["x"], [(Term("literal", "Russie", None, "fr"),), (None,)])
    doc = json.loads(to_text(result, "json"))
    assert doc["results"]["bindings"] == [{"x": {"type": "literal", "value": "Russie", "xml:lang": "fr"}}, {}]


def test_query_csv_tsv_table(store) -> None:
    result = run_named(store, "event-evidence", {"actor": "MiG-31"})
    rows = list(csv.reader(io.StringIO(to_text(result, "csv"))))
    assert rows[0] == result.variables
    assert rows[1][result.variables.index("sentence")].startswith('Sentence about e1, with "quotes"')
    tsv = to_text(result, "tsv").splitlines()
    assert tsv[0].split("\t")[0] == "?event"
    assert f"<{ID['event/interception/e1']}>" in tsv[1]
    assert '"10"^^<http://www.w3.org/2001/XMLSchema#integer>' in tsv[1]
    table = to_text(result, "table").splitlines()
    assert table[0].split()[0] == "event"
    assert table[-1] == "(1 row)"
    assert "id:event/interception/e1" in table[2]


def test_query_construct_as_turtle(store) -> None:
    result = run_named(store, "interaction-network")
    assert result.kind == "graph"
    text = to_text(result, "ttl")
    graph = rdflib.Graph().parse(data=text, format="turtle")
    assert (ID["aircraft/mig-31"], PK.intercepted, ID["aircraft/b-1b"]) in graph
    assert (ID["aircraft/mig-31"], RDFS.label, Literal("MiG-31")) in graph
    assert len(graph) == len(result)
    with pytest.raises(QueryError, match="no SPARQL JSON form"):
        to_text(result, "json")


# ---------------------------------------------------------------- CLI


def main_group():
    """The `kg` click group (imported late: it loads every command module)."""
    from kg.cli import main

    return main


def test_query_cli_list() -> None:
    out = CliRunner().invoke(main_group(), ["query", "--list"])
    assert out.exit_code == 0, out.output
    for q in list_queries():
        assert q.name in out.output
    assert "sea (string" in out.output


def test_query_cli_named_with_params(outdir: Path) -> None:
    args = [
        "query",
        "-g",
        str(outdir),
        "--name",
        "events-in-sea",
        "--param",
        "sea=Baltic Sea",
        "--format",
        "csv",
    ]
    out = CliRunner().invoke(main_group(), args)
    assert out.exit_code == 0, out.output
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert len(rows) == 3
    assert {r[rows[0].index("actorLabel")] for r in rows[1:]} == {"Su-27", "Russia"}


def test_query_cli_text_and_file(outdir: Path, tmp_path: Path) -> None:
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?e a <https://w3id.org/posture-kg/ontology#Interception> }"
    out = CliRunner().invoke(main_group(), ["query", "-g", str(outdir), text, "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["results"]["bindings"][0]["n"]["value"] == "3"
    rq = tmp_path / "mine.rq"
    rq.write_text(
        "# params: label (string, Russia)\n"
        + "SELECT ?label ?x { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    out = CliRunner().invoke(main_group(), ["query", "-g", str(outdir), str(rq), "-f", "tsv"])
    assert out.exit_code == 0, out.output
    assert f"<{ID['nation/RU']}>" in out.stdout
    out = CliRunner().invoke(main_group(), ["query", "-g", str(outdir), "--name", "interaction-network"])
    assert out.exit_code == 0
    assert "pk:intercepted" in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "-g", "{out}", "SELECT ?s WHERE { ?s ?p }"], "line 1, column"),
        (["query", "-g", "{out}", "--name", "nope"], "no library query named 'nope'"),
        (["query", "-g", "{out}", "--name", "timeline", "--param", "from"], "expected KEY=VALUE"),
        (["query", "-g", "{out}", "--name", "timeline", "--param", "from=soon"], "not a valid date"),
        (["query", "-g", "{empty}", "--name", "timeline"], "holds no graph"),
        (["query", "-g", "{out}"], "give a SPARQL query"),
        (["query", "-g", "{out}", "--name", "timeline", "ASK {}"], "either"),
        (["query", "--name", "timeline"], "-g OUTDIR"),
        (["query", "-g", "{out}", "--name", "timeline", "-f", "ttl"], "no Turtle form"),
    ],
)
def test_query_cli_clear_errors(outdir: Path, tmp_path_factory, args: list[str], message: str) -> None:
    empty = tmp_path_factory.mktemp("empty")
    args = [a.replace("{out}", str(outdir)).replace("{empty}", str(empty)) for a in args]
    out = CliRunner().invoke(main_group(), args)
    assert out.exit_code != 0
    assert message in out.output
    assert "Traceback" not in out.output


def test_query_relations_by_confidence_keeps_only_what_is_that_certain(store) -> None:
    """The confidence filter of the library: every row is at or above `min`."""
    kept = run_named(store, "relations-by-confidence", {"min": "0.85"})
    none = run_named(store, "relations-by-confidence", {"min": "0.9"})  # the example events are all 0.85
    assert len(kept) == 6 and len(none) == 0
    assert all(float(t.value) >= 0.85 for t in kept.column("confidence") if t is not None)
