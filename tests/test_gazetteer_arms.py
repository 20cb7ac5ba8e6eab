"""Integrity checks for the aircraft and weapons gazetteers (pure JSON checks)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

GAZ = Path(__file__).resolve().parents[1] / "kg" / "data" / "gazetteer"
AIRCRAFT = GAZ / "aircraft.json"
WEAPONS = GAZ / "weapons.json"
NATIONS = GAZ / "nations.json"

ROLES = {
    "Fighter",
    "Bomber",
    "AttackAircraft",
    "MaritimePatrolAircraft",
    "ReconnaissanceAircraft",
    "AirborneEarlyWarningAircraft",
    "TankerAircraft",
    "TransportAircraft",
    "Helicopter",
    "UnmannedAircraft",
}
KINDS = {"AirDefenceSystem", "MissileSystem", "NavalCombatSystem"}

AIRCRAFT_KEYS = {
    "id",
    "designation",
    "role",
    "variants",
    "variant_aliases",
    "manufacturers",
    "names",
    "context_names",
    "aliases",
    "operators",
    "wikidata",
}
WEAPON_KEYS = {"id", "name", "kind", "aliases", "context_names", "operators", "wikidata"}

AIRCRAFT_NAME_FIELDS = ("variants", "names", "context_names", "aliases")
WEAPON_NAME_FIELDS = ("aliases", "context_names")

WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
ISO2_RE = re.compile(r"^[A-Z]{2}$")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})


def _load(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data.get("schema") == 1
    assert isinstance(data.get("entries"), list)
    return data["entries"]


@pytest.fixture(scope="module")
def aircraft() -> list[dict]:
    return _load(AIRCRAFT)


@pytest.fixture(scope="module")
def weapons() -> list[dict]:
    return _load(WEAPONS)


def norm(name: str) -> str:
    """Lower-case, dashes normalised; the engine also matches designations without the
    dash or with a space, so those separators are dropped too."""
    s = name.translate(DASHES).lower()
    return re.sub(r"[-\s/]+", "", s)


def claimed_names(entry: dict, head: str, fields: tuple[str, ...]) -> list[str]:
    names = [entry[head]]
    for field in fields:
        names.extend(entry[field])
    return names


def clashes(entries: list[dict], head: str, fields: tuple[str, ...]) -> dict[str, set[str]]:
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for name in claimed_names(entry, head, fields):
            owners[norm(name)].add(entry["id"])
    return {key: ids for key, ids in owners.items() if len(ids) > 1}


def by_id(entries: list[dict]) -> dict[str, dict]:
    return {e["id"]: e for e in entries}


# ---------------------------------------------------------------- shape


def test_aircraft_shape(aircraft):
    for e in aircraft:
        assert set(e) == AIRCRAFT_KEYS, e.get("id")
        assert isinstance(e["designation"], str) and e["designation"].strip(), e["id"]
        for field in (*AIRCRAFT_NAME_FIELDS, "manufacturers", "operators"):
            assert isinstance(e[field], list), (e["id"], field)
            assert all(isinstance(x, str) and x.strip() == x and x for x in e[field]), (e["id"], field)


def test_weapons_shape(weapons):
    for e in weapons:
        assert set(e) == WEAPON_KEYS, e.get("id")
        assert isinstance(e["name"], str) and e["name"].strip(), e["id"]
        for field in (*WEAPON_NAME_FIELDS, "operators"):
            assert isinstance(e[field], list), (e["id"], field)
            assert all(isinstance(x, str) and x.strip() == x and x for x in e[field]), (e["id"], field)


# ---------------------------------------------------------------- ids, counts, enums


@pytest.mark.parametrize("path", [AIRCRAFT, WEAPONS], ids=["aircraft", "weapons"])
def test_ids_unique_and_slugs(path):
    ids = [e["id"] for e in _load(path)]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert all(ID_RE.match(i) for i in ids), [i for i in ids if not ID_RE.match(i)]


def test_counts(aircraft, weapons):
    assert len(aircraft) >= 150
    assert len(weapons) >= 40


def test_roles(aircraft):
    bad = [(e["id"], e["role"]) for e in aircraft if e["role"] not in ROLES]
    assert not bad, bad


def test_kinds(weapons):
    bad = [(e["id"], e["kind"]) for e in weapons if e["kind"] not in KINDS]
    assert not bad, bad


@pytest.mark.parametrize("path", [AIRCRAFT, WEAPONS], ids=["aircraft", "weapons"])
def test_wikidata_ids(path):
    entries = _load(path)
    bad = [
        (e["id"], e["wikidata"])
        for e in entries
        if e["wikidata"] is not None and not WIKIDATA_RE.match(str(e["wikidata"]))
    ]
    assert not bad, bad
    qids = [e["wikidata"] for e in entries if e["wikidata"] is not None]
    assert len(qids) == len(set(qids)), "a Wikidata id is used by two entries"


@pytest.mark.parametrize("path", [AIRCRAFT, WEAPONS], ids=["aircraft", "weapons"])
def test_operators_iso2(path):
    for e in _load(path):
        # only civil airliners (transports flown by airlines of any state) leave operators empty
        assert e["operators"] or e.get("role") == "TransportAircraft", e["id"]
        bad = [c for c in e["operators"] if not ISO2_RE.match(c)]
        assert not bad, (e["id"], bad)
        assert len(e["operators"]) == len(set(e["operators"])), e["id"]


@pytest.mark.parametrize("path", [AIRCRAFT, WEAPONS], ids=["aircraft", "weapons"])
def test_operators_exist_in_nations(path):
    if not NATIONS.exists():
        pytest.skip("nations.json not written yet")
    known = {n["iso2"] for n in _load(NATIONS)}
    missing = sorted({c for e in _load(path) for c in e["operators"] if c not in known})
    assert not missing, missing


# ---------------------------------------------------------------- name claims


def test_aircraft_names_claimed_once(aircraft):
    with_variant_aliases = [
        {**e, "variant_alias_names": [a for names in e["variant_aliases"].values() for a in names]}
        for e in aircraft
    ]
    bad = clashes(with_variant_aliases, "designation", (*AIRCRAFT_NAME_FIELDS, "variant_alias_names"))
    assert not bad, bad


def test_aircraft_variant_aliases_belong_to_listed_variants(aircraft):
    for e in aircraft:
        assert isinstance(e["variant_aliases"], dict), e["id"]
        assert set(e["variant_aliases"]) <= set(e["variants"]), e["id"]
        for names in e["variant_aliases"].values():
            assert names and all(isinstance(n, str) and n.strip() == n and n for n in names), e["id"]


def test_weapon_names_claimed_once(weapons):
    bad = clashes(weapons, "name", WEAPON_NAME_FIELDS)
    assert not bad, bad


def test_context_names_are_not_also_plain_names(aircraft, weapons):
    for entries, head, fields in (
        (aircraft, "designation", ("variants", "names", "aliases")),
        (weapons, "name", ("aliases",)),
    ):
        for e in entries:
            plain = {norm(n) for n in claimed_names(e, head, fields)}
            both = [n for n in e["context_names"] if norm(n) in plain]
            assert not both, (e["id"], both)


def test_aircraft_id_is_designation_slug(aircraft):
    for e in aircraft:
        slug = re.sub(r"[^a-z0-9]+", "-", e["designation"].lower()).strip("-")
        assert e["id"] == slug, (e["id"], e["designation"])


# ---------------------------------------------------------------- spot checks


def test_spot_checks_aircraft(aircraft):
    a = by_id(aircraft)
    assert "Tu-95MS" in a["tu-95"]["variants"]
    assert "Bear" in a["tu-95"]["context_names"]
    assert {"Lancer", "BONE"} <= set(a["b-1b"]["names"])
    assert "B-1" in a["b-1b"]["aliases"]
    assert "Su-35S" in a["su-35"]["variants"]
    assert "Flanker-E" in a["su-35"]["names"]
    assert "B-52H" in a["b-52"]["variants"]
    assert "Stratofortress" in a["b-52"]["names"]
    assert "MiG-31BM" in a["mig-31"]["variants"]
    assert {"F-15J", "F-15EX", "F-15K"} <= set(a["f-15"]["variants"])
    assert "Eagle" in a["f-15"]["context_names"]
    assert {"F-2A", "F-2B"} <= set(a["f-2"]["variants"])
    assert "Mitsubishi" in a["f-2"]["manufacturers"]
    assert {"H-6K", "H-6N", "H-6J"} <= set(a["h-6"]["variants"])
    assert "Xian" in a["h-6"]["manufacturers"]
    assert a["f-a-18"]["designation"] == "F/A-18"
    assert "EF-18M" in a["ef-18"]["variants"]
    assert {"P-8A", "P-8I"} <= set(a["p-8"]["variants"])
    assert a["p-8"]["role"] == "MaritimePatrolAircraft"
    assert a["e-3"]["role"] == "AirborneEarlyWarningAircraft"
    assert a["kc-135"]["role"] == "TankerAircraft"
    assert a["mq-9"]["role"] == "UnmannedAircraft"
    assert a["ah-64"]["role"] == "Helicopter"
    assert "Typhoon" in a["eurofighter-typhoon"]["context_names"]
    for fid in ("rafale", "gripen", "panavia-tornado", "mirage-2000", "su-30", "tu-160", "rc-135", "j-20"):
        assert fid in a, fid


def test_spot_checks_weapons(weapons):
    w = by_id(weapons)
    for wid in ("patriot", "thaad", "s-400", "iskander", "kalibr", "aegis"):
        assert wid in w, wid
    assert "MIM-104" in w["patriot"]["aliases"]
    assert w["patriot"]["kind"] == "AirDefenceSystem"
    assert w["aegis"]["kind"] == "NavalCombatSystem"
    assert w["iskander"]["kind"] == "MissileSystem"
    assert "Iskander-M" in w["iskander"]["aliases"]
