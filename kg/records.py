"""Frozen records: the only contract between pipeline stages.

Each record carries the `doc_id` of the article it came from and character
offsets into that article's text, so provenance exists from creation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: Entity kinds, equal to the local names of the core ontology classes.
ENTITY_KINDS = ("Nation", "Alliance", "Aircraft", "WeaponSystem", "Base", "Sea", "Location")

#: Relation predicates and the event class each one becomes.
EVENT_CLASS = {
    "intercepted": "Interception",
    "escorted": "Escort",
    "deployedTo": "Deployment",
    "respondedTo": "Response",
}
PREDICATES = tuple(EVENT_CLASS)


@dataclass(frozen=True)
class Article:
    """One input document."""

    doc_id: str
    text: str
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    content_hash: str = ""


@dataclass(frozen=True)
class Mention:
    """A span of article text that names an entity (`key` is its canonical key)."""

    doc_id: str
    start: int
    end: int
    text: str
    kind: str
    key: str
    sentence: int = -1


@dataclass(frozen=True)
class Entity:
    """A canonical entity: `key` is stable across articles (e.g. `nation:RU`, `aircraft:tu-95ms`)."""

    key: str
    kind: str
    label: str
    cls: str = ""  # most specific ontology class, e.g. "Bomber"; defaults to kind
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None
    iso2: str | None = None
    iso3: str | None = None
    operators: tuple[str, ...] = ()  # nation keys (aircraft, weapon systems, bases)
    member_of: tuple[str, ...] = ()  # alliance keys (nations)
    family: str | None = None  # aircraft: key of the family designation, e.g. aircraft:tu-95
    located_in: str | None = None  # bases and locations: nation key of the territory

    @property
    def ontology_class(self) -> str:
        return self.cls or self.kind


@dataclass(frozen=True)
class Evidence:
    """The sentence a relation was read from, with offsets into the article text."""

    doc_id: str
    text: str
    start: int
    end: int


#: How an event is attributed: stated with no party's voice, claimed by one side, confirmed by
#: both (or by sources of two parties), or denied by a party (kg.extract.attribution).
CLAIM_STATUSES = ("reported", "claimed", "confirmed", "denied")
#: What a source does with the report: states it, confirms it, denies it.
STANCES = ("asserts", "confirms", "denies")


@dataclass(frozen=True)
class ClaimSource:
    """Who reports a relation: a government body, a news outlet, an unnamed official, or another voice.

    `label` is the source's own words without the party ("defence ministry", "Reuters",
    "unnamed official"; "" when the nation itself speaks: "Moscow said"); `party` is the nation or
    alliance key it speaks for, when the text names one.
    """

    kind: str  # "government" | "outlet" | "unnamed" | "other"
    label: str
    party: str | None
    stance: str  # one of STANCES


@dataclass(frozen=True)
class Relation:
    """One extracted relation; it also becomes an event node in the graph."""

    predicate: str
    actor: str  # entity key
    target: str  # entity key
    doc_id: str
    evidence: Evidence
    confidence: float
    location: str | None = None  # entity key of a sea/base/place named in the clause
    date: dt.date | None = None
    actor_count: int | None = None
    target_count: int | None = None
    trigger: str = ""  # the word that signalled the relation, for explanations
    hedged: bool = False
    claim: str = ""  # one of CLAIM_STATUSES ("" when not read, e.g. results cached before it existed)
    sources: tuple[ClaimSource, ...] = ()

    def __post_init__(self) -> None:
        # the per-article cache stores sources as JSON objects: read them back as records
        if type(self.sources) is not tuple or any(type(s) is not ClaimSource for s in self.sources):
            sources = tuple(s if isinstance(s, ClaimSource) else ClaimSource(**s) for s in self.sources)
            object.__setattr__(self, "sources", sources)

    @property
    def event_class(self) -> str:
        return EVENT_CLASS[self.predicate]


@dataclass(frozen=True)
class ArticleResult:
    """Everything extracted from one article."""

    article: Article
    entities: tuple[Entity, ...] = ()
    mentions: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()
    operated_by: tuple[tuple[str, str], ...] = field(default=())  # (entity key, nation key) from text


@dataclass(frozen=True)
class Skipped:
    """An input that was not built, and why (reported, never fatal to the batch)."""

    source: str
    reason: str


@dataclass(frozen=True)
class Notice:
    """Something worth telling the user about an input that was still read (e.g. a guessed encoding)."""

    source: str
    message: str
