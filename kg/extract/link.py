"""Canonical entities for an article: keys to `Entity` records, variants folded, names kept.

Mentions arrive with canonical keys (gazetteer ids, or normalised names for entities the
gazetteer lacks). Here they become `Entity` records with labels and aliases, and the
article's relations are rewritten to the entities that survive:

- a bare family designation ("Tu-95", "Bear") folds into the one variant of that family
  the same article names ("Tu-95MS"): it is the same aircraft spoken of loosely;
- names that occur only in sub-headings and teaser lines (links to other stories) are dropped;
- a Location becomes an entity only where it is a deployment destination.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from kg.gazetteer import Gazetteer, normalise
from kg.records import Entity, Mention, Relation


def fold_map(keys: Iterable[str], gaz: Gazetteer) -> dict[str, str]:
    """Family key -> the single variant key of that family present in `keys`."""
    keys = set(keys)
    variants: dict[str, list[str]] = {}
    for key in keys:
        entity = gaz.entity(key)
        family = entity.family if entity else None
        if family is None and key.startswith("aircraft:"):
            family = _unknown_family(key, gaz)
        if family and family != key:
            variants.setdefault(family, []).append(key)
    return {family: found[0] for family, found in variants.items() if len(found) == 1 and family in keys}


def _unknown_family(key: str, gaz: Gazetteer) -> str | None:
    """ "aircraft:b-52j" (unknown variant) belongs to the B-52 family when the gazetteer has it."""
    m = re.match(r"aircraft:([a-z]+(?:-a)?)-(\d+)[a-z][a-z0-9-]*$", key)
    if not m:
        return None
    return gaz.aircraft_key(f"{m.group(1)}-{m.group(2)}")


def article_entities(
    mentions: Iterable[Mention],
    relations: Iterable[Relation],
    keep_keys: set[str],
    operated_by: dict[str, str],
    gaz: Gazetteer,
) -> tuple[list[Entity], list[Relation], dict[str, str]]:
    """Entities to emit for one article, its relations on those entities, and operator facts."""
    mentions = list(mentions)
    relations = list(relations)
    destinations = {r.target for r in relations if r.predicate == "deployedTo"}
    candidates = {
        m.key for m in mentions if m.key in keep_keys and (m.kind != "Location" or m.key in destinations)
    }
    candidates |= {k for r in relations for k in (r.actor, r.target)}
    folds = fold_map(candidates, gaz)

    def canon(key: str) -> str:
        return folds.get(key, key)

    surface: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for m in mentions:
        surface.setdefault(canon(m.key), []).append(m.text)
        kinds.setdefault(canon(m.key), m.kind)
    entities = []
    for key in sorted({canon(k) for k in candidates}):
        entities.append(_entity(key, kinds.get(key, _kind_of(key)), surface.get(key, []), gaz))
    present = {e.key for e in entities}
    rewritten = []
    for r in relations:
        r2 = replace(
            r,
            actor=canon(r.actor),
            target=canon(r.target),
            location=canon(r.location) if r.location else None,
        )
        if r2.actor in present and r2.target in present and r2.actor != r2.target:
            if r2.location and r2.location not in present:
                r2 = replace(r2, location=None)
            rewritten.append(r2)
    facts = {canon(k): v for k, v in operated_by.items() if canon(k) in present}
    return entities, _dedupe(rewritten), facts


def _kind_of(key: str) -> str:
    prefix = key.split(":", 1)[0]
    return {
        "nation": "Nation",
        "alliance": "Alliance",
        "aircraft": "Aircraft",
        "weapon": "WeaponSystem",
        "base": "Base",
        "sea": "Sea",
        "location": "Location",
    }.get(prefix, "Location")


def _entity(key: str, kind: str, written: list[str], gaz: Gazetteer) -> Entity:
    known = gaz.entity(key)
    if known is not None:
        extra = [
            w
            for w in _clean_names(written)
            if normalise(w) not in {normalise(a) for a in (known.label, *known.aliases)}
        ]
        if kind == "Aircraft" and known.family:
            family = gaz.entity(known.family)
            if family is not None:
                extra += [family.label, *(a for a in family.aliases if not re.search(r"\d", a))]
        return replace(known, aliases=tuple(dict.fromkeys([*known.aliases, *extra])))
    names = _clean_names(written)
    label = _label_for(key, kind, names)
    return Entity(
        key=key, kind=kind, label=label, aliases=tuple(n for n in dict.fromkeys(names) if n != label)
    )


def _clean_names(written: Iterable[str]) -> list[str]:
    out = []
    for w in written:
        w = re.sub(r"^(?:the|The)\s+", "", w.strip())
        w = re.sub(r"['\u2019]s$", "", w)
        if w:
            out.append(w)
    return out


def _label_for(key: str, kind: str, names: list[str]) -> str:
    if kind == "Aircraft" and names:
        # "B-52Js" -> "B-52J": the designation as written, without a plural s
        best = min(names, key=len)
        return re.sub(r"(?<=[0-9A-Z])s$", "", best)
    if names:
        return max(set(names), key=lambda n: (names.count(n), len(n)))
    return key.split(":", 1)[1].replace("-", " ").title()


def _dedupe(relations: list[Relation]) -> list[Relation]:
    seen: set[tuple] = set()
    out = []
    for r in relations:
        k = (r.predicate, r.actor, r.target, r.evidence.start)
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out
