"""The words the extraction rules key on, read from `kg/data/lexicon.json`."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def _load() -> dict[str, Any]:
    text = resources.files("kg.data").joinpath("lexicon.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


LEXICON = _load()
AIRCRAFT_PREFIXES: frozenset[str] = frozenset(LEXICON["aircraft_prefixes"])
AIRCRAFT_WORDS: dict[str, str] = LEXICON["aircraft_words"]
AIR_ARMS: frozenset[str] = frozenset(LEXICON["air_arms"])
WEAPON_WORDS: frozenset[str] = frozenset(LEXICON["weapon_words"])
TRIGGERS: dict[str, dict[str, Any]] = LEXICON["triggers"]
DESTINATION_PREPS: dict[str, int] = LEXICON["destination_preps"]
LOCATION_PREPS: frozenset[str] = frozenset(LEXICON["location_preps"])
BLOCKING_HEADS: frozenset[str] = frozenset(LEXICON["blocking_heads"])
SKIP_MODALS: frozenset[str] = frozenset(LEXICON["skip_modals"])
FUTURE_MODALS: frozenset[str] = frozenset(LEXICON["future_modals"])
HEDGES: frozenset[str] = frozenset(LEXICON["hedges"])
NEGATIONS: frozenset[str] = frozenset(LEXICON["negations"])
EVENT_NOUNS: frozenset[str] = frozenset(LEXICON["event_nouns"])
ORG_HEADS: frozenset[str] = frozenset(LEXICON["org_heads"])
CATEGORY_NOUNS: dict[str, str] = LEXICON["category_nouns"]
PRONOUNS: dict[str, str] = LEXICON["pronouns"]
