"""The posture ontology's terms as a closed namespace: a misspelt term raises.

The terms here and the declarations in `ontology/posture.ttl` must agree
(a test checks both directions).
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/posture-kg/ontology"
BASE = "https://w3id.org/posture-kg/"
ID = Namespace(BASE + "id/")
WD = Namespace("http://www.wikidata.org/entity/")


class PK(DefinedNamespace):
    """Classes and properties of the posture ontology."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # entity classes (local names fixed by the evaluation contract)
    Nation: URIRef
    Alliance: URIRef
    Aircraft: URIRef
    WeaponSystem: URIRef
    Base: URIRef
    Sea: URIRef
    Location: URIRef
    # aircraft roles
    Fighter: URIRef
    Bomber: URIRef
    AttackAircraft: URIRef
    MaritimePatrolAircraft: URIRef
    ReconnaissanceAircraft: URIRef
    AirborneEarlyWarningAircraft: URIRef
    TankerAircraft: URIRef
    TransportAircraft: URIRef
    Helicopter: URIRef
    UnmannedAircraft: URIRef
    # weapon system kinds
    AirDefenceSystem: URIRef
    MissileSystem: URIRef
    NavalCombatSystem: URIRef
    # events and provenance
    Event: URIRef
    Interception: URIRef
    Escort: URIRef
    Deployment: URIRef
    Response: URIRef
    Article: URIRef
    Evidence: URIRef
    # claims and sources
    Source: URIRef
    GovernmentSource: URIRef
    NewsOutlet: URIRef
    UnnamedSource: URIRef

    # direct relations between entities
    intercepted: URIRef
    escorted: URIRef
    deployedTo: URIRef
    respondedTo: URIRef
    # entity facts
    operatedBy: URIRef
    memberOf: URIRef
    locatedIn: URIRef
    variantOf: URIRef
    isoAlpha2: URIRef
    isoAlpha3: URIRef
    # event roles
    actor: URIRef
    target: URIRef
    destination: URIRef
    location: URIRef
    date: URIRef
    actorCount: URIRef
    targetCount: URIRef
    confidence: URIRef
    sourceCount: URIRef
    evidence: URIRef
    article: URIRef
    directProperty: URIRef
    # evidence and articles
    sentence: URIRef
    startChar: URIRef
    endChar: URIRef
    trigger: URIRef
    hedged: URIRef
    mentions: URIRef
    docId: URIRef
    contentHash: URIRef
    # claims and sources
    claimStatus: URIRef
    attributedTo: URIRef
    confirmedBy: URIRef
    deniedBy: URIRef
    speaksFor: URIRef

    # precomputed answers (named graph id:graph/precomputed)
    ResponseChain: URIRef
    NationPairTally: URIRef
    ProfileEntry: URIRef
    precomputes: URIRef
    rank: URIRef
    responder: URIRef
    origin: URIRef
    direct: URIRef
    tallyOf: URIRef
    actorNation: URIRef
    targetNation: URIRef
    eventCount: URIRef
    firstDate: URIRef
    lastDate: URIRef
    profileOf: URIRef
    profileLabel: URIRef
    direction: URIRef
    profileProperty: URIRef
    valueCount: URIRef
    values: URIRef


def term(name: str) -> URIRef:
    """The ontology term with local name `name` (raises AttributeError for a term the ontology lacks)."""
    value: URIRef = getattr(PK, name)
    return value
