"""Reference data (docs/gazetteer.md) read into canonical entities and surface forms.

The JSON files are data; this module is the generic engine that turns them into
`Entity` records (what the graph says about a thing) and `Surface` records (the
strings that name it in text, with how they may be matched).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from kg.errors import GazetteerError
from kg.records import Entity

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
_FILES = ("nations", "alliances", "aircraft", "weapons", "seas", "bases", "locations")
#: A designation such as "Tu-95MS", "F/A-18E", "KJ-500": letters, a dash, digits, a suffix.
DESIGNATION = re.compile(
    r"^(?P<prefix>[A-Z][A-Za-z]{0,3}(?:/[A-Z]{1,2})?)-(?P<number>\d{1,4})(?P<suffix>[A-Za-z0-9-]*)$"
)


#: Alliance kinds (alliances.json "kind") whose members are allies: a broad organisation
#: such as the African Union or the EU is not.
DEFENCE_KINDS = frozenset({"alliance", "command", "partnership"})


def normalise(name: str) -> str:
    """Case-folded, dash-normalised, whitespace-collapsed form used for lookups."""
    text = unicodedata.normalize("NFKC", name).translate(_DASHES).lower()
    return re.sub(r"\s+", " ", text).strip()


def slug(text: str) -> str:
    """Readable IRI-safe slug: lower case ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


@dataclass(frozen=True)
class Surface:
    """One string that names an entity in text.

    `form` says how it names it: "name" (a proper name), "demonym" ("Russian"),
    "metonym" ("the Kremlin"), "context" (an ordinary word such as "Bear" that only
    counts next to an aircraft word), "bare" (a one-word sea stem such as "Baltic"
    that only counts as a noun).
    """

    text: str
    key: str
    kind: str
    form: str = "name"


@dataclass
class Gazetteer:
    """All reference entities by key, and the surface forms that name them."""

    entities: dict[str, Entity] = field(default_factory=dict)
    surfaces: list[Surface] = field(default_factory=list)
    #: aircraft: normalised designation (family or variant) -> entity key
    designations: dict[str, str] = field(default_factory=dict)
    #: seas: normalised stem ("okhotsk") -> entity key
    sea_stems: dict[str, str] = field(default_factory=dict)
    #: nation iso2 -> entity key
    nations: dict[str, str] = field(default_factory=dict)
    #: nation key -> its capital's normalised name (a capital named as a destination is a city)
    capitals: dict[str, str] = field(default_factory=dict)
    #: a navy's ship prefix ("USS", "HMS") -> the nation key it names (prefixes two navies share are left out)
    ship_prefixes: dict[str, str] = field(default_factory=dict)
    #: keys of the alliances whose members stand by each other (kinds in `DEFENCE_KINDS`)
    defence_pacts: set[str] = field(default_factory=set)
    #: nations (a central point), seas, bases, locations -> (latitude, longitude), approximate
    coordinates: dict[str, tuple[float, float]] = field(default_factory=dict)

    def entity(self, key: str) -> Entity | None:
        return self.entities.get(key)

    def aircraft_key(self, designation: str) -> str | None:
        """The entity key for a written designation, known or not in the gazetteer."""
        return self.designations.get(normalise(designation))


def _place_at(gaz: Gazetteer, key: str, entry: dict) -> None:
    """The entry's `lat`/`lon` (decimal degrees), when it gives them."""
    lat, lon = entry.get("lat"), entry.get("lon")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        gaz.coordinates[key] = (float(lat), float(lon))


def nation_key(iso2: str) -> str:
    return f"nation:{iso2.upper()}"


def aircraft_key_for(designation: str) -> str:
    return f"aircraft:{slug(designation)}"


def _read(directory: Path | None, name: str) -> list[dict]:
    try:
        if directory is None:
            text = resources.files("kg.data.gazetteer").joinpath(f"{name}.json").read_text(encoding="utf-8")
        else:
            text = (directory / f"{name}.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GazetteerError(f"gazetteer file {name}.json is not valid JSON: {exc}") from exc
    entries = data.get("entries", data) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise GazetteerError(f"gazetteer file {name}.json: expected a list of entries under 'entries'")
    return entries


def _strings(entry: dict, *fields: str) -> Iterator[str]:
    for name in fields:
        value = entry.get(name) or []
        if isinstance(value, str):
            value = [value]
        yield from (v for v in value if isinstance(v, str) and v.strip())


def _wikidata(entry: dict) -> str | None:
    value = entry.get("wikidata")
    return value if isinstance(value, str) and re.fullmatch(r"Q[1-9]\d*", value) else None


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return tuple(seen)


def load_gazetteer(directory: Path | None = None) -> Gazetteer:
    """Read every gazetteer file (the packaged data unless `directory` is given)."""
    gaz = Gazetteer()
    raw = {name: _read(directory, name) for name in _FILES}
    members: dict[str, list[str]] = {}
    for entry in raw["alliances"]:
        for iso in entry.get("members") or []:
            members.setdefault(iso, []).append(f"alliance:{entry['id']}")
    for entry in raw["nations"]:
        _add_nation(gaz, entry, members)
    for entry in raw["alliances"]:
        _add_named(gaz, entry, "alliance", "Alliance")
        if entry.get("kind") in DEFENCE_KINDS:
            gaz.defence_pacts.add(f"alliance:{entry['id']}")
    for entry in raw["aircraft"]:
        _add_aircraft(gaz, entry)
    for entry in raw["weapons"]:
        _add_weapon(gaz, entry)
    for entry in raw["seas"]:
        _add_sea(gaz, entry)
    for entry in raw["bases"]:
        _add_place(gaz, entry, "base", "Base")
    for entry in raw["locations"]:
        _add_place(gaz, entry, "location", "Location")
    return gaz


def _add_nation(gaz: Gazetteer, entry: dict, members: dict[str, list[str]]) -> None:
    key = nation_key(entry["iso2"])
    names = list(_strings(entry, "aliases"))
    demonyms = list(_strings(entry, "demonyms"))
    metonyms = list(_strings(entry, "metonyms"))
    gaz.nations[entry["iso2"].upper()] = key
    _place_at(gaz, key, entry)
    for prefix in _strings(entry, "ship_prefixes"):
        gaz.ship_prefixes[prefix] = key
    if metonyms:  # the first metonym is the capital ("Moscow"), the others seats of power
        gaz.capitals[key] = normalise(metonyms[0])
    gaz.entities[key] = Entity(
        key=key,
        kind="Nation",
        label=entry["name"],
        aliases=_unique([*names, *demonyms, *metonyms]),
        wikidata=_wikidata(entry),
        iso2=entry["iso2"].upper(),
        iso3=(entry.get("iso3") or "").upper() or None,
        member_of=tuple(sorted(members.get(entry["iso2"].upper(), []))),
    )
    gaz.surfaces += [Surface(n, key, "Nation") for n in [entry["name"], *names]]
    gaz.surfaces += [Surface(n, key, "Nation", "demonym") for n in demonyms]
    gaz.surfaces += [Surface(n, key, "Nation", "metonym") for n in metonyms]


def _add_named(gaz: Gazetteer, entry: dict, prefix: str, kind: str) -> None:
    key = f"{prefix}:{entry['id']}"
    aliases = list(_strings(entry, "aliases"))
    gaz.entities[key] = Entity(
        key=key, kind=kind, label=entry["name"], aliases=_unique(aliases), wikidata=_wikidata(entry)
    )
    gaz.surfaces += [Surface(n, key, kind) for n in [entry["name"], *aliases]]


def _add_weapon(gaz: Gazetteer, entry: dict) -> None:
    key = f"weapon:{entry['id']}"
    aliases = list(_strings(entry, "aliases"))
    gaz.entities[key] = Entity(
        key=key,
        kind="WeaponSystem",
        cls=entry.get("kind") or "WeaponSystem",
        label=entry["name"],
        aliases=_unique(aliases),
        wikidata=_wikidata(entry),
        operators=tuple(nation_key(i) for i in entry.get("operators") or []),
    )
    names = [entry["name"], *aliases]
    gaz.surfaces += [Surface(n, key, "WeaponSystem") for n in [*names, *_plurals(names)]]
    context = list(_strings(entry, "context_names"))
    gaz.surfaces += [Surface(n, key, "WeaponSystem", "context") for n in [*context, *_plurals(context)]]


def _plurals(names: list[str]) -> list[str]:
    """ "S-400s", "Iskanders", "Patriots": a system's names in the plural (names ending in s stay)."""
    return [n + "s" for n in names if n[-1:].isalnum() and n[-1:] not in "sS"]


def _add_sea(gaz: Gazetteer, entry: dict) -> None:
    key = f"sea:{entry['id']}"
    aliases = list(_strings(entry, "aliases"))
    _place_at(gaz, key, entry)
    gaz.entities[key] = Entity(
        key=key, kind="Sea", label=entry["name"], aliases=_unique(aliases), wikidata=_wikidata(entry)
    )
    for name in [entry["name"], *aliases]:
        gaz.surfaces.append(Surface(name, key, "Sea", "bare" if " " not in name.strip() else "name"))
    if entry.get("stem"):
        gaz.sea_stems.setdefault(normalise(entry["stem"]), key)


def _add_place(gaz: Gazetteer, entry: dict, prefix: str, kind: str) -> None:
    """A base (with the nation that operates it) or another named place, in its country."""
    key = f"{prefix}:{entry['id']}"
    aliases = list(_strings(entry, "aliases"))
    _place_at(gaz, key, entry)
    operator = entry.get("operator") or entry.get("country") if kind == "Base" else None
    gaz.entities[key] = Entity(
        key=key,
        kind=kind,
        label=entry["name"],
        aliases=_unique(aliases),
        wikidata=_wikidata(entry),
        operators=(nation_key(operator),) if operator else (),
        located_in=nation_key(entry["country"]) if entry.get("country") else None,
    )
    gaz.surfaces += [Surface(n, key, kind) for n in [entry["name"], *aliases]]


def _variant_aliases(entry: dict, variants: list[str]) -> dict[str, list[str]]:
    """`variant_aliases`: variant -> other ways of writing that variant ("GR4 Tornado")."""
    value = entry.get("variant_aliases") or {}
    if not isinstance(value, dict):
        raise GazetteerError(
            f"aircraft entry {entry.get('id')!r}: variant_aliases must be an object "
            "(variant -> list of other names)"
        )
    unknown = sorted(set(value) - set(variants))
    if unknown:
        raise GazetteerError(
            f"aircraft entry {entry.get('id')!r}: variant_aliases names {unknown}, "
            "which are not in its variants"
        )
    return {variant: list(_strings(value, variant)) for variant in value}


def _add_aircraft(gaz: Gazetteer, entry: dict) -> None:
    """One family entry gives an entity for the family designation and one per variant."""
    designation = entry["designation"]
    family_key = aircraft_key_for(designation)
    role = entry.get("role") or "Aircraft"
    operators = tuple(nation_key(i) for i in entry.get("operators") or [])
    names = list(_strings(entry, "names"))
    context = list(_strings(entry, "context_names"))
    aliases = list(_strings(entry, "aliases"))
    manufacturers = list(_strings(entry, "manufacturers"))
    variants = list(_strings(entry, "variants"))
    variant_aliases = _variant_aliases(entry, variants)
    wikidata = _wikidata(entry)
    gaz.entities[family_key] = Entity(
        key=family_key,
        kind="Aircraft",
        cls=role,
        label=designation,
        aliases=_unique([*aliases, *names, *context, *(f"{m} {designation}" for m in manufacturers)]),
        wikidata=wikidata,
        operators=operators,
    )
    for written in [designation, *aliases]:
        gaz.designations[normalise(written)] = family_key
    for variant in variants:
        key = aircraft_key_for(variant)
        own = variant_aliases.get(variant, [])
        gaz.entities[key] = Entity(
            key=key,
            kind="Aircraft",
            cls=role,
            label=variant,
            aliases=_unique([*own, *(f"{m} {variant}" for m in manufacturers)]),
            operators=operators,
            family=family_key,
        )
        for written in [variant, *own]:
            gaz.designations[normalise(written)] = key

    written_forms = [
        (designation, family_key, True),
        *((a, family_key, True) for a in aliases),
        *((v, aircraft_key_for(v), True) for v in variants),
        *((a, aircraft_key_for(v), False) for v, own in variant_aliases.items() for a in own),
    ]
    gaz.surfaces += _aircraft_surfaces(written_forms, manufacturers, [*names, *context])
    for name in names:
        gaz.surfaces += [Surface(name, family_key, "Aircraft"), Surface(name + "s", family_key, "Aircraft")]
        for m in manufacturers:
            gaz.surfaces.append(Surface(f"{m} {name}", family_key, "Aircraft"))
    for name in context:
        gaz.surfaces += [
            Surface(name, family_key, "Aircraft", "context"),
            Surface(name + "s", family_key, "Aircraft", "context"),
        ]


def _aircraft_surfaces(
    written_forms: list[tuple[str, str, bool]], manufacturers: list[str], nicknames: list[str]
) -> list[Surface]:
    """Surfaces of each (written designation, key, takes nicknames): with a manufacturer, without the
    dash, in the plural, and followed by a family nickname ("Tu-95MS Bear") where it takes one."""
    out = []
    for written, key, takes_nicknames in written_forms:
        forms = [written, *(f"{m} {written}" for m in manufacturers)]
        compact = written.replace("-", "")
        if compact != written and len(compact) > 3:
            forms.append(compact)
        for form in forms:
            out += [Surface(form, key, "Aircraft"), Surface(form + "s", key, "Aircraft")]
        for name in nicknames if takes_nicknames else []:
            with_name = f"{written} {name}"
            out += [Surface(with_name, key, "Aircraft"), Surface(with_name + "s", key, "Aircraft")]
    return out


@lru_cache(maxsize=4)
def default_gazetteer() -> Gazetteer:
    """The packaged gazetteer, read once per process."""
    return load_gazetteer()
