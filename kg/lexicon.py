"""The words the rules key on, read from kg/data/lexicon.json into one typed, frozen record.

Takes nothing (the file ships with the package); gives `lexicon()`, a `Lexicon` whose fields
are the file's keys, flattened out of their groups (`names`, `triggers`, `deploy`, `roles`,
`places`, `responses`, `phrases`, `modality`, `attribution`). The file is read on first use, not at import.
A key the record does not know, or a field the file lacks, is an error naming both, so the
file and the code cannot drift apart. The format is documented in docs/extraction.md.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from kg.errors import KgError

GROUPS = ("names", "roles", "places", "responses", "phrases", "modality", "attribution")


@dataclass(frozen=True)
class TriggerWords:
    """The words that signal one predicate: verbs, verbs with a particle ("warn off"), nouns."""

    verbs: frozenset[str]
    particle_verbs: dict[str, frozenset[str]]
    nouns: frozenset[str]


@dataclass(frozen=True)
class DeployWords:
    """Deployment triggers by verb class (see kg.extract.arguments), phrasal verbs, nouns."""

    transitive: frozenset[str]
    unaccusative: frozenset[str]
    goal_object: frozenset[str]
    host: frozenset[str]
    travel: frozenset[str]  # "flew to X": a destination only after "to"
    particle_verbs: dict[str, str]  # "touch down" -> its class
    verb_preps: dict[str, frozenset[str]]  # "rotated through X", "left for X": a destination after that word
    carry_words: frozenset[str]  # "armed with": what a deployed aircraft carries is deployed too
    announce_verbs: frozenset[str]  # "the Pentagon announced that troops would be sent": it sends them
    forcing_verbs: frozenset[str]  # "made to land at Ankara by Turkish fighters": a forced landing
    nouns: frozenset[str]
    state_nouns: frozenset[str]  # "in place", "in position"


@dataclass(frozen=True)
class Lexicon:
    """Every content word of the extraction rules (one field per key of lexicon.json)."""

    # names: how the nlp stage recognises aircraft and weapons it does not know by name
    aircraft_prefixes: frozenset[str]
    aircraft_words: dict[str, str]
    air_arms: frozenset[str]
    weapon_words: frozenset[str]
    base_prefixes: frozenset[str]  # "RAF X", "CFB X"
    base_titles: frozenset[str]  # "Naval Air Station X"
    base_suffixes: dict[str, str]  # "X Air Base", "X AFB" (-> "Air Force Base" in the key)
    base_words: frozenset[str]  # "X air base", "X airbase": lower-case base words after a name
    name_particles: frozenset[str]  # "Tariq bin Ziyad", "Gioia del Colle"
    sea_words: frozenset[str]  # "Sea of X", "Gulf of X"
    water_words: frozenset[str]  # words that are no stem of "the X and Y seas"
    time_words: frozenset[str]  # "the Baltic yesterday": a bare sea stem before a time word
    # triggers
    triggers: dict[str, TriggerWords]
    deploy: DeployWords
    # roles: who fills which role of a trigger
    object_control_verbs: frozenset[str]
    launch_verbs: frozenset[str]
    intercept_purpose_verbs: frozenset[str]
    support_verbs: frozenset[str]
    under_escort_preps: frozenset[str]
    companion_preps: frozenset[str]
    escort_classes: frozenset[str]
    describe_verbs: frozenset[str]
    speech_verbs: frozenset[str]
    identify_verbs: frozenset[str]
    reporting_forces: frozenset[str]  # "the German air force said": a force that reports its own act
    # places
    destination_preps: dict[str, dict[str, int]]
    location_preps: frozenset[str]
    place_preps: frozenset[str]
    place_nouns: frozenset[str]
    transparent_preps: frozenset[str]
    generic_place_nouns: frozenset[str]
    # "sent to the battlegroup in Latvia": what units join, whose place is the destination
    mission_nouns: frozenset[str]
    # "an airfield in X", "bases throughout X": prepositions naming the place inside a generic one
    inner_place_preps: frozenset[str]
    not_place_words: frozenset[str]
    base_nouns: frozenset[str]
    return_words: frozenset[str]
    launch_particles: frozenset[str]
    # responses
    counter_verbs: frozenset[str]
    elicit_verbs: frozenset[str]
    cause_preps: frozenset[str]
    for_cause_nouns: frozenset[str]
    exchange_nouns: frozenset[str]  # "in return for": a response only with its "for"
    cause_nouns: frozenset[str]
    event_nouns: frozenset[str]
    event_pronouns: frozenset[str]
    tit_for_tat_words: frozenset[str]
    tit_for_tat_heads: frozenset[str]
    tit_for_tat_phrases: tuple[str, ...]
    # phrases
    number_words: dict[str, int]
    maker_words: frozenset[str]
    located_words: frozenset[str]  # "Lithuania-based fighters": where they are based, not whose they are
    first_person_words: frozenset[str]  # "we", "our jets" in reported speech: the speaker's party
    category_nouns: dict[str, str]
    group_nouns: frozenset[str]
    quantity_heads: frozenset[str]
    org_heads: frozenset[str]
    military_nouns: frozenset[str]
    ship_prefixes: frozenset[str]  # "USS Ronald Reagan": a named vessel is a unit
    pronouns: dict[str, str]
    possessive_pronouns: frozenset[str]
    definite_determiners: frozenset[str]
    plural_references: frozenset[str]
    # modality
    negations: frozenset[str]
    conditional_marks: frozenset[str]
    skip_modals: frozenset[str]
    capability_modals: frozenset[str]
    future_modals: frozenset[str]
    plan_verbs: frozenset[str]
    plan_adjectives: frozenset[str]  # "due to leave", "set to deploy": scheduled, the subject acts
    blocking_heads: frozenset[str]
    capability_words: frozenset[str]
    denial_determiners: frozenset[str]
    hedges: frozenset[str]
    # attribution: who reports an event, and whether it is claimed, confirmed or denied
    assert_verbs: frozenset[str]  # "the ministry said", "Moscow claimed"
    confirm_verbs: frozenset[str]
    deny_verbs: frozenset[str]
    false_words: frozenset[str]  # "called the report false": a denial
    describe_false_verbs: frozenset[str]
    claim_nouns: frozenset[str]  # "a claim Moscow denied", "rejected the report"
    encounter_nouns: frozenset[str]  # "confirmed the encounter" (besides the predicates' trigger nouns)
    referring_pronouns: frozenset[str]  # "Beijing denied it"
    source_phrases: tuple[str, ...]  # "according to X"
    cite_verbs: frozenset[str]  # "citing two officials"
    official_words: frozenset[str]  # heads of government sources: ministry, spokesman, command
    unnamed_words: frozenset[str]  # "an official", "sources": unnamed when no name comes with them
    outlet_words: frozenset[str]  # "state media", "the newspaper"
    outlet_names: frozenset[str]  # named outlets, matched case-sensitively
    state_words: frozenset[str]  # "state media" speaks for its state
    both_words: frozenset[str]  # "both ministries confirmed": confirmed by both sides
    speaker_pronouns: frozenset[str]  # "he added": the speaker named before

    def destination_preps_for(self, verb_class: str) -> dict[str, int]:
        """Destination prepositions and their rank for a trigger class (transitive when not listed)."""
        return self.destination_preps.get(verb_class, self.destination_preps["transitive"])


def _typed(name: str, value: Any) -> Any:
    """A JSON value as the field's type: lists of words become frozensets (tuples for phrases)."""
    field_type = {f.name: f.type for f in dataclasses.fields(Lexicon)}[name]
    if isinstance(value, list):
        return tuple(value) if "tuple" in str(field_type) else frozenset(value)
    return value


def _trigger_words(entry: dict[str, Any]) -> TriggerWords:
    return TriggerWords(
        frozenset(entry["verbs"]),
        {verb: frozenset(particles) for verb, particles in entry.get("particle_verbs", {}).items()},
        frozenset(entry["nouns"]),
    )


def _deploy_words(entry: dict[str, Any]) -> DeployWords:
    sets = {k: frozenset(v) for k, v in entry.items() if k not in {"particle_verbs", "verb_preps"}}
    verb_preps = {verb: frozenset(preps) for verb, preps in entry["verb_preps"].items()}
    return DeployWords(particle_verbs=dict(entry["particle_verbs"]), verb_preps=verb_preps, **sets)


def parse_lexicon(data: dict[str, Any], source: str = "lexicon.json") -> Lexicon:
    """A `Lexicon` from the file's JSON; raises `KgError` on unknown or missing keys."""
    fields = {f.name for f in dataclasses.fields(Lexicon)}
    unknown = sorted(set(data) - {*GROUPS, "triggers", "deploy", "schema", "about"})
    if unknown:
        raise KgError(f"{source}: unknown section {', '.join(unknown)}; the sections are {', '.join(GROUPS)}")
    values: dict[str, Any] = {}
    section: dict[str, str] = {}
    for group in GROUPS:
        for key, value in data.get(group, {}).items():
            if key not in fields:
                raise KgError(
                    f"{source}: unknown key {group}.{key}; add a field to kg.lexicon.Lexicon or remove it"
                )
            if key in section:
                raise KgError(
                    f"{source}: key {key} is in both {section[key]} and {group}; a key names one field, "
                    "so rename one of them"
                )
            section[key] = group
            values[key] = _typed(key, value)
    try:
        values["triggers"] = {p: _trigger_words(e) for p, e in data["triggers"].items()}
        values["deploy"] = _deploy_words(data["deploy"])
    except (KeyError, TypeError) as exc:
        raise KgError(
            f"{source}: malformed triggers or deploy section ({exc}); see docs/extraction.md"
        ) from exc
    missing = sorted(fields - values.keys())
    if missing:
        raise KgError(f"{source}: missing keys {', '.join(missing)}; see docs/extraction.md for the format")
    return Lexicon(**values)


@cache
def lexicon() -> Lexicon:
    """The package's lexicon, read once."""
    text = resources.files("kg.data").joinpath("lexicon.json").read_text(encoding="utf-8")
    return parse_lexicon(json.loads(text))
