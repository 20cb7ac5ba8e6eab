"""The claim layer of the graph: who each report is attributed to, and how each event stands.

Takes `Relation` records with their attribution (`claim`, `sources`, from
kg.extract.attribution); gives triples. For one report (an evidence node): `pk:claimStatus`,
`pk:attributedTo` / `pk:confirmedBy` / `pk:deniedBy` its sources, and each source node (class
by kind, label, `pk:speaksFor` its party); these go into the article's named graph. For a merged
event, over all its reports: `pk:claimStatus`, in the derived graph. Relations read before
attribution existed (`claim == ""`) give nothing. See docs/rdf-model.md, "Claims and sources".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol

from rdflib import RDF, RDFS, Literal, URIRef

from kg.gazetteer import default_gazetteer
from kg.iris import entity_iri, source_iri
from kg.records import ArticleResult, ClaimSource, Relation
from kg.vocab import PK

Triple = tuple[Any, Any, Any]

SOURCE_CLASS = {
    "government": PK.GovernmentSource,
    "outlet": PK.NewsOutlet,
    "unnamed": PK.UnnamedSource,
    "other": PK.Source,
}
STANCE_PROPERTY = {"asserts": PK.attributedTo, "confirms": PK.confirmedBy, "denies": PK.deniedBy}


class HasIri(Protocol):
    """What a merged event reference gives (kg.graph.rdf.EventRef)."""

    @property
    def iri(self) -> URIRef: ...


def source_label(source: ClaimSource) -> str:
    """What a reader sees: "Defence Ministry (Japan)", "Russia", "Reuters", "unnamed official (US)"."""
    party = _party_label(source.party) if source.party else ""
    if not source.label:
        return party or "unnamed source"
    return f"{source.label} ({party})" if party else source.label


def _party_label(key: str) -> str:
    entity = default_gazetteer().entity(key)
    return entity.label if entity is not None else key.partition(":")[2]


def report_claim_triples(r: Relation, evidence: URIRef) -> Iterator[Triple]:
    """One report's status, its sources by stance, and the source nodes."""
    if not r.claim:
        return
    yield evidence, PK.claimStatus, Literal(r.claim)
    for source in r.sources:
        node = source_iri(source.kind, source.party, source.label)
        yield evidence, STANCE_PROPERTY[source.stance], node
        yield node, RDF.type, SOURCE_CLASS[source.kind]
        yield node, RDFS.label, Literal(source_label(source))
        if source.party:
            yield node, PK.speaksFor, entity_iri(source.party)


def event_claim_status(reports: Iterable[Relation]) -> str | None:
    """How an event stands over all its reports (None when none was read for attribution)."""
    reports = [r for r in reports if r.claim]
    statuses = {r.claim for r in reports}
    if not statuses:
        return None
    if "denied" in statuses or "confirmed" in statuses:
        return "denied" if "denied" in statuses else "confirmed"
    parties = {s.party for r in reports for s in r.sources if s.party and s.stance != "denies"}
    if len(parties) >= 2:  # each side said so in a different article
        return "confirmed"
    return "claimed" if "claimed" in statuses else "reported"


def event_claim_triples(
    results: Iterable[ArticleResult], events: Mapping[tuple[str, int], HasIri]
) -> Iterator[Triple]:
    """Each merged event's claim status, from the reports `events` assigns to it."""
    reports: dict[URIRef, list[Relation]] = defaultdict(list)
    for result in results:
        for i, r in enumerate(result.relations):
            reports[events[(result.article.doc_id, i)].iri].append(r)
    for iri, rels in reports.items():
        status = event_claim_status(rels)
        if status:
            yield iri, PK.claimStatus, Literal(status)
