"""The claim layer in the graph (kg/graph/claims.py): triples per report and per event, the SHACL
shapes that check them in both engines, and the built examples carrying them."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal
from test_validate import GOOD, _graph

from kg.graph.claims import event_claim_status, report_claim_triples, source_label
from kg.graph.shapecheck import check_graph
from kg.graph.validate import validate_graph
from kg.iris import source_iri
from kg.records import ClaimSource, Evidence, Relation
from kg.vocab import ID, PK

MINISTRY = ClaimSource("government", "Defence Ministry", "nation:JP", "asserts")
DENIAL = ClaimSource("government", "", "nation:CN", "denies")


def _relation(claim: str, *sources: ClaimSource) -> Relation:
    return Relation(
        "intercepted", "aircraft:f-15", "aircraft:h-6", "d", Evidence("d", "x", 0, 1), 0.9, claim=claim,
        sources=sources,
    )  # fmt: skip


def test_claims_a_report_names_its_sources_by_stance() -> None:
    evidence = ID["evidence/d/0-1"]
    triples = set(report_claim_triples(_relation("denied", MINISTRY, DENIAL), evidence))
    ministry, china = (
        source_iri("government", "nation:JP", "Defence Ministry"),
        source_iri("government", "nation:CN", ""),
    )
    assert (evidence, PK.claimStatus, Literal("denied")) in triples
    assert (evidence, PK.attributedTo, ministry) in triples and (evidence, PK.deniedBy, china) in triples
    assert (ministry, RDF.type, PK.GovernmentSource) in triples
    assert (ministry, RDFS.label, Literal("Defence Ministry (Japan)")) in triples
    assert (china, RDFS.label, Literal("China")) in triples
    assert (ministry, PK.speaksFor, ID["nation/JP"]) in triples


def test_claims_a_relation_read_before_attribution_gives_nothing() -> None:
    assert list(report_claim_triples(_relation(""), ID["evidence/d/0-1"])) == []
    assert event_claim_status([_relation("")]) is None


def test_claims_source_labels() -> None:
    assert source_label(ClaimSource("outlet", "Reuters", None, "asserts")) == "Reuters"
    assert source_label(ClaimSource("unnamed", "unnamed official", "nation:US", "asserts")) == (
        "unnamed official (United States)"
    )


@pytest.mark.parametrize(
    ("reports", "status"),
    [
        ([("claimed", MINISTRY)], "claimed"),
        ([("reported",)], "reported"),
        ([("claimed", MINISTRY), ("denied", DENIAL)], "denied"),
        (
            [("claimed", MINISTRY), ("claimed", ClaimSource("government", "", "nation:CN", "asserts"))],
            "confirmed",
        ),
        ([("confirmed", MINISTRY), ("reported",)], "confirmed"),
    ],
    ids=["one-side", "unattributed", "denied-elsewhere", "each-side-in-its-own-article", "confirmed"],
)
def test_claims_an_event_takes_the_strongest_reading_over_its_reports(reports: list, status: str) -> None:
    assert event_claim_status([_relation(claim, *sources) for claim, *sources in reports]) == status


CLAIMS = (
    GOOD
    + r"""
id:evidence\/ab12cd34ef56\/120-331 pk:claimStatus "denied" ;
    pk:attributedTo id:source\/government\/RU ; pk:deniedBy id:source\/government\/US .
id:event\/interception\/3f2a9c1d0b7e pk:claimStatus "denied" .
id:source\/government\/RU a pk:GovernmentSource ; rdfs:label "Russia" ; pk:speaksFor id:nation\/RU .
id:source\/government\/US a pk:GovernmentSource ; rdfs:label "United States" ; pk:speaksFor id:nation\/US .
pk:GovernmentSource rdfs:subClassOf pk:Source .
"""
)
BREAKS = {
    "status-not-in-list": ('pk:claimStatus "denied" .', 'pk:claimStatus "rumoured" .'),
    "two-statuses": ('pk:claimStatus "denied" .', 'pk:claimStatus "denied", "claimed" .'),
    "attributed-to-a-nation": (
        "pk:attributedTo id:source\\/government\\/RU",
        "pk:attributedTo id:nation\\/RU",
    ),
    "denied-by-an-article": (
        "pk:deniedBy id:source\\/government\\/US",
        "pk:deniedBy id:article\\/ab12cd34ef56",
    ),
    "source-without-label": ('rdfs:label "Russia" ; pk:speaksFor', "pk:speaksFor"),
    "speaks-for-two": ("pk:speaksFor id:nation\\/RU .", "pk:speaksFor id:nation\\/RU, id:nation\\/US ."),
    "speaks-for-a-literal": ("pk:speaksFor id:nation\\/US .", 'pk:speaksFor "US" .'),
}


def _same(graph: Graph) -> None:
    expected = validate_graph(graph)
    assert check_graph(graph) == expected, (expected.lines(), check_graph(graph).lines())


def test_claims_documented_graph_conforms_in_both_engines() -> None:
    graph = _graph(CLAIMS)
    assert check_graph(graph).conforms
    _same(graph)


@pytest.mark.parametrize(("old", "new"), list(BREAKS.values()), ids=list(BREAKS))
def test_claims_broken_graph_same_report_as_pyshacl(old: str, new: str) -> None:
    assert old in CLAIMS, old
    graph = _graph(CLAIMS.replace(old, new))
    assert not check_graph(graph).conforms
    _same(graph)


def test_claims_one_sided_edges_are_dashed_on_the_graph_page() -> None:
    from kg.graph.ontology import class_hierarchy
    from kg.graph.project import edge_claim, to_networkx
    from kg.view.pagedata import CLAIM_DASHES, vis_data

    graph = _graph(CLAIMS) + class_hierarchy()
    mig, bone = str(ID["aircraft/mig-31"]), str(ID["aircraft/b-1b"])
    edge = to_networkx(graph).get_edge_data(mig, bone)["intercepted"]
    assert edge["claim"] == "denied"
    rows = {(e["predicate"], e["kind"]): e for e in vis_data(to_networkx(graph), 500)["edges"]}
    assert rows[("intercepted", "relation")]["dashes"] == CLAIM_DASHES
    plain = _graph(GOOD)
    rows = {e["predicate"]: e for e in vis_data(to_networkx(plain), 500)["edges"]}
    assert rows["intercepted"]["dashes"] is False and rows["operatedBy"]["dashes"] is True
    assert edge_claim(["claimed", "confirmed"]) == "confirmed"
    assert edge_claim(["claimed", "denied"]) == "denied"
    assert edge_claim(["", ""]) == ""
