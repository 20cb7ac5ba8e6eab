"""RDF → networkx projection: primitives only, counts, subclass resolution, no input mutation."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from kg.graph.project import Source, to_events, to_networkx
from kg.vocab import ID, PK, WD

XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
XSS_SCRIPT = "<script>window.__pwned=1</script>"
XSS_IMG = '<img src=x onerror="window.__pwned=1">'


def _entity(g: Graph, iri: URIRef, cls: URIRef, label: str, *aliases: str) -> URIRef:
    g.add((iri, RDF.type, cls))
    g.add((iri, RDFS.label, Literal(label)))
    g.add((iri, SKOS.prefLabel, Literal(label)))
    for alias in aliases:
        g.add((iri, SKOS.altLabel, Literal(alias)))
    return iri


def _article(g: Graph, doc_id: str, title: str, date: str, *mentions: URIRef) -> URIRef:
    art = ID[f"article/{doc_id}"]
    g.add((art, RDF.type, PK.Article))
    g.add((art, RDF.type, PROV.Entity))
    g.add((art, DCTERMS.identifier, Literal(doc_id)))
    g.add((art, PK.docId, Literal(doc_id)))
    g.add((art, DCTERMS.title, Literal(title)))
    g.add((art, DCTERMS.date, Literal(date, datatype=XSD_DATE)))
    g.add((art, DCTERMS.source, Literal(f"https://news.example/{doc_id}")))
    for m in mentions:
        g.add((art, PK.mentions, m))
    return art


def _event(
    g: Graph,
    name: str,
    cls: URIRef,
    pred: str,
    actor: URIRef,
    target: URIRef,
    article: URIRef,
    sentence: str,
    *,
    date: str | None = None,
    confidence: str = "0.85",
    location: URIRef | None = None,
    direct: bool = True,
) -> URIRef:
    ev = ID[f"event/{name}"]
    g.add((ev, RDF.type, cls))
    g.add((ev, PK.directProperty, PK[pred]))
    g.add((ev, PK.actor, actor))
    g.add((ev, PK.target if pred != "deployedTo" else PK.destination, target))
    if location is not None:
        g.add((ev, PK.location, location))
    if date:
        g.add((ev, PK.date, Literal(date, datatype=XSD_DATE)))
    g.add((ev, PK.confidence, Literal(confidence, datatype=XSD_DECIMAL)))
    g.add((ev, PK.sourceCount, Literal(1)))
    g.add((ev, RDFS.label, Literal(f"{name}")))
    evid = ID[f"evidence/{name}/0-{len(sentence)}"]
    g.add((evid, RDF.type, PK.Evidence))
    g.add((evid, PK.sentence, Literal(sentence)))
    g.add((evid, PK.startChar, Literal(0)))
    g.add((evid, PK.endChar, Literal(len(sentence))))
    g.add((evid, PK.trigger, Literal(pred)))
    g.add((evid, PK.hedged, Literal(False)))
    g.add((evid, PROV.wasQuotedFrom, article))
    g.add((ev, PK.evidence, evid))
    g.add((ev, PROV.wasDerivedFrom, article))
    if direct:
        g.add((actor, PK[pred], target))
    return ev


def sample_graph(*, hierarchy: bool = True, xss: bool = False) -> Graph:
    """A small graph shaped like graph.ttl: 8 entities, 4 direct relations, 3 facts, 5 events."""
    g = Graph()
    g.bind("pk", PK._NS)
    g.bind("id", ID)
    if hierarchy:
        for sub in ("Fighter", "Bomber"):
            g.add((PK[sub], RDF.type, OWL.Class))
            g.add((PK[sub], RDFS.subClassOf, PK.Aircraft))
        g.add((PK.AirDefenceSystem, RDFS.subClassOf, PK.WeaponSystem))
        g.add((PK.Interception, RDFS.subClassOf, PK.Event))
    ru = _entity(g, ID["nation/RU"], PK.Nation, "Russia", "Russian Federation", "Moscow")
    g.add((ru, PK.isoAlpha2, Literal("RU")))
    g.add((ru, OWL.sameAs, WD.Q159))
    us = _entity(g, ID["nation/US"], PK.Nation, "United States", "USA")
    g.add((us, PK.isoAlpha2, Literal("US")))
    g.add((us, OWL.sameAs, WD.Q30))
    lt = _entity(g, ID["nation/LT"], PK.Nation, "Lithuania")
    nato = _entity(g, ID["alliance/nato"], PK.Alliance, "NATO")
    mig = _entity(g, ID["aircraft/mig-31"], PK.Fighter, "MiG-31", "Foxhound", *([XSS_IMG] if xss else []))
    b1 = _entity(g, ID["aircraft/b-1b"], PK.Bomber, "B-1B", "Lancer")
    patriot = _entity(g, ID["weapon/patriot"], PK.AirDefenceSystem, "Patriot")
    barents = _entity(g, ID["sea/barents-sea"], PK.Sea, "Barents Sea")
    g.add((mig, PK.operatedBy, ru))
    g.add((b1, PK.operatedBy, us))
    g.add((us, PK.memberOf, nato))

    name = "Tass <b>report</b>" if not xss else f"Tass {XSS_SCRIPT} {XSS_IMG}"
    a1 = _article(g, "a1", name, "2024-03-26", ru, us, mig, b1, barents)
    a2 = _article(g, "a2", "Reuters wire", "2024-04-02", mig, b1, patriot, lt, us)
    sentence = "A Russian MiG-31 intercepted a B-1B over the Barents Sea."
    if xss:
        sentence = f"A Russian MiG-31 {XSS_SCRIPT} intercepted a B-1B {XSS_IMG} over the sea."
    _event(
        g, "i1", PK.Interception, "intercepted", mig, b1, a1, sentence, date="2024-03-26", location=barents
    )
    _event(
        g,
        "i2",
        PK.Interception,
        "intercepted",
        mig,
        b1,
        a2,
        "The MiG-31 again intercepted the B-1B.",
        date="2024-04-01",
        confidence="0.9",
    )
    _event(g, "e1", PK.Escort, "escorted", mig, b1, a1, "It then escorted the bomber.", date="2024-03-26")
    _event(g, "d1", PK.Deployment, "deployedTo", patriot, lt, a2, "The US deployed Patriot to Lithuania.")
    _event(g, "r1", PK.Response, "respondedTo", ru, us, a1, "Moscow responded to Washington.")
    return g


def _assert_primitive(value: object) -> None:
    assert type(value) in (str, int, float), (value, type(value))


def test_project_attributes_are_primitives() -> None:
    out = to_networkx(sample_graph())
    for node, data in out.nodes(data=True):
        assert type(node) is str
        for value in data.values():
            _assert_primitive(value)
    for s, o, k, data in out.edges(keys=True, data=True):
        assert type(s) is str and type(o) is str and type(k) is str
        for value in data.values():
            _assert_primitive(value)


def test_project_counts_and_attributes() -> None:
    out = to_networkx(sample_graph())
    assert out.number_of_nodes() == 8
    relations = [(s, o, k) for s, o, k, d in out.edges(keys=True, data=True) if d["kind"] == "relation"]
    facts = [(s, o, k) for s, o, k, d in out.edges(keys=True, data=True) if d["kind"] == "fact"]
    assert len(relations) == 4
    assert len(facts) == 3
    mig, b1 = str(ID["aircraft/mig-31"]), str(ID["aircraft/b-1b"])
    edge = out.edges[mig, b1, "intercepted"]
    assert edge["events"] == 2
    assert edge["dates"] == "2024-03-26; 2024-04-01"
    assert edge["confidence"] == pytest.approx(0.9)
    assert edge["evidence"].split("\n") == [
        "A Russian MiG-31 intercepted a B-1B over the Barents Sea.",
        "The MiG-31 again intercepted the B-1B.",
    ]
    assert edge["articles"] == "Tass <b>report</b>; Reuters wire"
    assert edge["places"] == "Barents Sea"
    ru = out.nodes[str(ID["nation/RU"])]
    assert ru == {
        "label": "Russia",
        "kind": "Nation",
        "cls": "Nation",
        "iri": str(ID["nation/RU"]),
        "aliases": "Moscow; Russian Federation",
        "wikidata": "http://www.wikidata.org/entity/Q159",
        "operators": "",
        "iso2": "RU",
        "mentions": 1,
    }
    assert out.nodes[mig]["operators"] == "Russia"
    assert out.nodes[mig]["mentions"] == 2
    assert out.nodes[str(ID["sea/barents-sea"])]["mentions"] == 1
    assert out.edges[str(ID["nation/US"]), str(ID["alliance/nato"]), "memberOf"]["kind"] == "fact"
    # a deployment's destination is the edge object
    assert out.edges[str(ID["weapon/patriot"]), str(ID["nation/LT"]), "deployedTo"]["events"] == 1


@pytest.mark.parametrize("hierarchy", [True, False])
def test_project_resolves_subclasses(hierarchy: bool) -> None:
    out = to_networkx(sample_graph(hierarchy=hierarchy))
    mig = out.nodes[str(ID["aircraft/mig-31"])]
    assert (mig["kind"], mig["cls"]) == ("Aircraft", "Fighter")
    patriot = out.nodes[str(ID["weapon/patriot"])]
    assert (patriot["kind"], patriot["cls"]) == ("WeaponSystem", "AirDefenceSystem")


def test_project_resolves_subclass_declared_only_in_graph() -> None:
    g = Graph()
    ex = URIRef("https://example.org/onto#")
    jet, stealth = URIRef(f"{ex}Jet"), URIRef(f"{ex}StealthJet")
    g.add((jet, RDFS.subClassOf, PK.Aircraft))
    g.add((stealth, RDFS.subClassOf, jet))
    g.add((stealth, RDFS.subClassOf, stealth))  # a loop must not hang
    f35 = _entity(g, ID["aircraft/f-35"], stealth, "F-35")
    g.add((f35, RDF.type, PK.Aircraft))  # the less specific type too
    out = to_networkx(g)
    assert out.nodes[str(f35)]["kind"] == "Aircraft"
    assert out.nodes[str(f35)]["cls"] == "StealthJet"


def test_project_ignores_events_and_articles_as_nodes() -> None:
    out = to_networkx(sample_graph())
    assert all(not n.startswith(str(ID["event/"])) for n in out)
    assert all(not n.startswith(str(ID["article/"])) for n in out)


def test_project_does_not_mutate_input() -> None:
    g = sample_graph()
    before = Graph()
    for t in g:
        before.add(t)
    to_networkx(g)
    to_events(g)
    assert len(g) == len(before)
    assert isomorphic(g, before)


def test_project_is_deterministic_and_sorted() -> None:
    a, b = to_networkx(sample_graph()), to_networkx(sample_graph())
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
    assert list(a.nodes) == sorted(a.nodes)
    keys = [(s, k, o) for s, o, k in a.edges(keys=True)]
    assert keys == sorted(keys)


def test_project_output_writes_graphml(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = to_networkx(sample_graph(xss=True))
    nx.write_graphml(out, tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.number_of_nodes() == 8


def test_project_direct_triple_without_event_and_event_without_triple() -> None:
    g = sample_graph()
    art = _article(g, "a3", "Third", "2024-05-01")
    lone = _event(
        g, "x1", PK.Escort, "escorted", ID["nation/US"], ID["nation/RU"], art, "Lone.", direct=False
    )
    g.add((ID["nation/LT"], PK.respondedTo, ID["nation/RU"]))
    g.add((lone, PK.respondedTo, ID["event/i1"]))  # event → event responses are not entity edges
    out = to_networkx(g)
    assert out.edges[str(ID["nation/US"]), str(ID["nation/RU"]), "escorted"]["events"] == 1
    bare = out.edges[str(ID["nation/LT"]), str(ID["nation/RU"]), "respondedTo"]
    assert (bare["events"], bare["dates"], bare["evidence"]) == (0, "", "")


def test_project_events_in_date_order() -> None:
    rows = to_events(sample_graph())
    assert [r.date for r in rows] == ["2024-03-26", "2024-03-26", "2024-04-01", "", ""]
    first = next(r for r in rows if r.iri.endswith("i1"))
    assert first.cls == "Interception"
    assert first.actor_label == "MiG-31" and first.target_label == "B-1B"
    assert first.places == ("Barents Sea",)
    assert first.sources == (
        Source(
            article=str(ID["article/a1"]),
            title="Tass <b>report</b>",
            url="https://news.example/a1",
            date=dt.date(2024, 3, 26).isoformat(),
            sentence="A Russian MiG-31 intercepted a B-1B over the Barents Sea.",
            trigger="intercepted",
            hedged=False,
            start=0,
        ),
    )
    deploy = next(r for r in rows if r.predicate == "deployedTo")
    assert deploy.target_label == "Lithuania" and deploy.places == ()


def test_project_edges_agree_with_event_rows() -> None:
    """to_networkx aggregates events on its own fast path; it must tell what to_events tells."""
    g = sample_graph(xss=True)
    art = _article(g, "a3", "Third", "2024-05-01")
    _event(
        g, "i3", PK.Interception, "intercepted", ID["aircraft/mig-31"], ID["aircraft/b-1b"], art, "Once more."
    )
    out = to_networkx(g)
    rows = to_events(g)
    for s, o, key, data in out.edges(keys=True, data=True):
        if data["kind"] != "relation":
            continue
        mine = sorted(
            (r for r in rows if (r.actor, r.predicate, r.target) == (s, key, o)),
            key=lambda r: (r.date == "", r.date, r.iri),
        )
        assert data["events"] == len(mine)
        sentences = [src.sentence for r in mine for src in r.sources if src.sentence]
        assert data["evidence"].split("\n") == list(dict.fromkeys(sentences))
        assert data["dates"] == "; ".join(sorted({r.date for r in mine if r.date}))
        assert data["confidence"] == max((r.confidence for r in mine), default=0.0)
