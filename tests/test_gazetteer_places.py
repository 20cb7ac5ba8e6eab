"""Integrity checks for the place-like gazetteer files (see docs/gazetteer.md).

Covers nations.json, alliances.json, seas.json, bases.json and locations.json with plain JSON
checks: no project imports, so a broken engine never hides a broken data file.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

GAZ = Path(__file__).resolve().parents[1] / "kg" / "data" / "gazetteer"
FILES = ("nations", "alliances", "seas", "bases", "locations")

QID = re.compile(r"^Q[1-9][0-9]*$")
DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})

# Name-bearing fields per file; every string in them is a surface form the engine will match.
NAME_FIELDS = {
    "nations": ("name", "aliases", "demonyms", "metonyms"),
    "alliances": ("name", "aliases"),
    "seas": ("name", "aliases"),
    "bases": ("name", "aliases"),
    "locations": ("name", "aliases"),
}
KEY = {"nations": "iso2", "alliances": "id", "seas": "id", "bases": "id", "locations": "id"}
ALLIANCE_KINDS = {"alliance", "command", "partnership", "organisation"}
SEA_KINDS = {"sea", "ocean", "strait", "gulf", "bay", "channel"}


def load(stem: str) -> dict:
    return json.loads((GAZ / f"{stem}.json").read_text(encoding="utf-8"))


def entries(stem: str) -> list[dict]:
    return load(stem)["entries"]


def norm(name: str) -> str:
    """Lower-case, dash-normalise, collapse spaces and drop a leading "the" (the text may add one)."""
    s = " ".join(name.translate(DASHES).lower().split())
    return s[4:] if s.startswith("the ") else s


def names_of(entry: dict, stem: str) -> list[str]:
    out: list[str] = []
    for field in NAME_FIELDS[stem]:
        value = entry.get(field)
        if isinstance(value, str):
            out.append(value)
        elif value:
            out.extend(value)
    return out


@pytest.fixture(scope="module")
def iso2s() -> set[str]:
    return {e["iso2"] for e in entries("nations")}


# ----------------------------------------------------------------------------- structure


@pytest.mark.parametrize("stem", FILES)
def test_file_shape_and_pretty_printed(stem: str) -> None:
    text = (GAZ / f"{stem}.json").read_text(encoding="utf-8")
    assert text.count("\n") > 10, "file should be pretty-printed"
    data = json.loads(text)
    assert data["schema"] == 1
    assert isinstance(data["entries"], list) and data["entries"]


@pytest.mark.parametrize("stem", FILES)
def test_keys_unique_and_sorted(stem: str) -> None:
    keys = [e[KEY[stem]] for e in entries(stem)]
    assert len(keys) == len(set(keys)), "duplicate keys"
    assert keys == sorted(keys), "entries must be sorted by key"
    if stem != "nations":
        for k in keys:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", k), k


@pytest.mark.parametrize("stem", FILES)
def test_wikidata_ids_valid_and_unique(stem: str) -> None:
    seen: dict[str, str] = {}
    for e in entries(stem):
        assert "wikidata" in e
        q = e["wikidata"]
        if q is None:
            continue
        assert QID.match(q), (e[KEY[stem]], q)
        assert q not in seen, f"{q} used by {seen[q]} and {e[KEY[stem]]}"
        seen[q] = e[KEY[stem]]


@pytest.mark.parametrize("stem", FILES)
def test_name_fields_are_clean_strings(stem: str) -> None:
    for e in entries(stem):
        assert isinstance(e["name"], str) and e["name"].strip() == e["name"] and e["name"]
        for field in NAME_FIELDS[stem][1:]:
            assert isinstance(e[field], list), (e[KEY[stem]], field)
            for n in e[field]:
                assert isinstance(n, str) and n and n.strip() == n, (e[KEY[stem]], field, n)


@pytest.mark.parametrize("stem", FILES)
def test_no_name_claimed_by_two_entries(stem: str) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for e in entries(stem):
        for n in names_of(e, stem):
            owners[norm(n)].add(e[KEY[stem]])
    clashes = {n: sorted(o) for n, o in owners.items() if len(o) > 1}
    assert not clashes, clashes


# ----------------------------------------------------------------------------- nations


def test_nation_codes() -> None:
    es = entries("nations")
    for e in es:
        assert re.fullmatch(r"[A-Z]{2}", e["iso2"]), e["iso2"]
        assert re.fullmatch(r"[A-Z]{3}", e["iso3"]), e["iso3"]
    iso3 = [e["iso3"] for e in es]
    assert len(iso3) == len(set(iso3))


def test_nation_count_and_required_entries() -> None:
    by = {e["iso2"]: e for e in entries("nations")}
    assert len(by) >= 197  # 193 UN members + Vatican City, Palestine, Kosovo, Taiwan
    for code in ("TW", "VA", "PS", "XK"):
        assert code in by
    expected = {
        "US": "United States",
        "RU": "Russia",
        "CN": "China",
        "GB": "United Kingdom",
        "KR": "South Korea",
        "KP": "North Korea",
        "TW": "Taiwan",
        "JP": "Japan",
    }
    for code, name in expected.items():
        assert by[code]["name"] == name


def test_nations_have_mostly_wikidata_ids() -> None:
    es = entries("nations")
    missing = [e["iso2"] for e in es if not e["wikidata"]]
    assert len(missing) <= 5, missing
    known = {
        "RU": "Q159",
        "US": "Q30",
        "CN": "Q148",
        "JP": "Q17",
        "GB": "Q145",
        "LT": "Q37",
        "BY": "Q184",
        "UA": "Q212",
        "KR": "Q884",
        "KP": "Q423",
        "TW": "Q865",
    }
    by = {e["iso2"]: e for e in es}
    for code, q in known.items():
        assert by[code]["wikidata"] == q


def test_nation_spot_checks() -> None:
    by = {e["iso2"]: e for e in entries("nations")}
    for a in ("US", "U.S.", "USA", "U.S.A.", "America", "United States of America"):
        assert a in by["US"]["aliases"]
    for m in ("Washington", "the Pentagon", "the White House"):
        assert m in by["US"]["metonyms"]
    assert "Russian Federation" in by["RU"]["aliases"]
    assert {"Moscow", "Kremlin", "the Kremlin"} <= set(by["RU"]["metonyms"])
    assert {"People's Republic of China", "PRC"} <= set(by["CN"]["aliases"])
    assert "Chinese" in by["CN"]["demonyms"] and "Sino" not in by["CN"]["demonyms"]
    assert {"Beijing", "Zhongnanhai"} <= set(by["CN"]["metonyms"])
    assert {"UK", "U.K.", "Britain", "Great Britain"} <= set(by["GB"]["aliases"])
    assert "British" in by["GB"]["demonyms"]
    assert {"London", "Whitehall", "Downing Street"} <= set(by["GB"]["metonyms"])
    assert {"Republic of Korea", "ROK"} <= set(by["KR"]["aliases"])
    assert "South Korean" in by["KR"]["demonyms"] and "Seoul" in by["KR"]["metonyms"]
    assert {"DPRK", "Democratic People's Republic of Korea"} <= set(by["KP"]["aliases"])
    assert "North Korean" in by["KP"]["demonyms"] and "Pyongyang" in by["KP"]["metonyms"]
    assert "Republic of China" in by["TW"]["aliases"]
    assert "Taiwanese" in by["TW"]["demonyms"] and "Taipei" in by["TW"]["metonyms"]
    assert {"Kyiv", "Kiev"} <= set(by["UA"]["metonyms"])
    assert "Tokyo" in by["JP"]["metonyms"]
    assert {"Paris", "Berlin"} <= set(by["FR"]["metonyms"]) | set(by["DE"]["metonyms"])


def test_no_ambiguous_bare_names_or_shared_demonyms() -> None:
    banned = {
        "korea",
        "congo",
        "guinea",
        "korean",
        "koreans",
        "congolese",
        "dominican",
        "dominicans",
        "guinean",
        "guineans",
        "macedonian",
        "sino",
    }
    for e in entries("nations"):
        for n in e["aliases"] + e["demonyms"] + e["metonyms"]:
            assert norm(n) not in banned, (e["iso2"], n)
    names = [e["name"] for e in entries("nations")]
    assert "Korea" not in names and "Congo" not in names


# ----------------------------------------------------------------------------- alliances


def test_alliances(iso2s: set[str]) -> None:
    by = {e["id"]: e for e in entries("alliances")}
    for e in by.values():
        assert e["kind"] in ALLIANCE_KINDS, e["id"]
        assert e["members"], e["id"]
        assert len(e["members"]) == len(set(e["members"])), e["id"]
        unknown = set(e["members"]) - iso2s
        assert not unknown, (e["id"], unknown)
    nato = by["nato"]
    assert nato["wikidata"] == "Q7184"
    assert len(nato["members"]) == 32
    assert {"FI", "SE", "US", "GB", "TR", "PL"} <= set(nato["members"])
    assert by["norad"]["kind"] == "command"
    assert by["aukus"]["kind"] == "partnership" and set(by["aukus"]["members"]) == {"AU", "GB", "US"}
    assert set(by["quad"]["members"]) == {"AU", "IN", "JP", "US"}
    for needed in ("csto", "sco", "eu", "anzus", "five-eyes", "jef", "nordefco", "asean", "gcc"):
        assert needed in by


# ----------------------------------------------------------------------------- seas


def test_seas() -> None:
    es = entries("seas")
    assert len(es) >= 60
    stems = [e["stem"] for e in es]
    assert len({norm(s) for s in stems}) == len(stems), "stems must be unique"
    for e in es:
        assert e["kind"] in SEA_KINDS, e["id"]
        assert isinstance(e["stem"], str) and e["stem"], e["id"]
        assert e["stem"] in e["name"], (e["id"], e["stem"])
    by = {e["name"]: e for e in es}
    for name in (
        "Barents Sea",
        "Black Sea",
        "Baltic Sea",
        "South China Sea",
        "East China Sea",
        "Taiwan Strait",
        "Strait of Hormuz",
        "North Atlantic",
        "Sea of Japan",
    ):
        assert name in by
    assert by["Sea of Okhotsk"]["stem"] == "Okhotsk"
    assert "Okhotsk Sea" in by["Sea of Okhotsk"]["aliases"]
    assert by["Sea of Japan"]["stem"] == "Japan"
    assert "Pacific" in by["Pacific Ocean"]["aliases"]
    assert "Arabian Gulf" in by["Persian Gulf"]["aliases"]
    yucatan = by["Yucatán Channel"]
    assert yucatan["kind"] == "channel" and "Yucatan Channel" in yucatan["aliases"]
    assert "West Sea" in by["Yellow Sea"]["aliases"]
    assert not any(norm(a) == "gulf" for e in es for a in e["aliases"])
    kinds = {e["kind"] for e in es}
    assert {"ocean", "sea", "strait", "gulf", "bay", "channel"} <= kinds


# ----------------------------------------------------------------------------- bases


def test_bases(iso2s: set[str]) -> None:
    es = entries("bases")
    assert len(es) >= 100
    for e in es:
        assert e["country"] in iso2s, (e["id"], e["country"])
        assert e["operator"] in iso2s, (e["id"], e["operator"])
        assert isinstance(e["location"], str) and e["location"], e["id"]
    by = {e["name"]: e for e in es}
    for name in (
        "RAF Fairford",
        "Andersen Air Force Base",
        "Kadena Air Base",
        "Naval Air Station Sigonella",
        "Engels Air Base",
        "Ørland Air Station",
    ):
        assert name in by
    assert by["Andersen Air Force Base"]["location"] == "Guam"
    assert {"Andersen AFB", "Andersen"} <= set(by["Andersen Air Force Base"]["aliases"])
    assert "Fairford" in by["RAF Fairford"]["aliases"]
    assert "Engels-2" in by["Engels Air Base"]["aliases"]
    assert "Orland" in by["Ørland Air Station"]["aliases"]
    assert by["Khmeimim Air Base"]["operator"] == "RU" and by["Khmeimim Air Base"]["country"] == "SY"
    # a bare place name only where the place is known for its base, never for a large city
    assert {"Bodø", "Bodo"} <= set(by["Bodø Air Station"]["aliases"])
    assert "Yokosuka" in by["Fleet Activities Yokosuka"]["aliases"]
    assert "Srinagar" not in by["Srinagar Air Force Station"]["aliases"]
    assert "Diyarbakır" not in by["Diyarbakır Air Base"]["aliases"]
    guantanamo = by["Naval Station Guantanamo Bay"]
    assert (guantanamo["country"], guantanamo["operator"]) == ("CU", "US")


# ----------------------------------------------------------------------------- locations


def test_locations(iso2s: set[str]) -> None:
    es = entries("locations")
    assert len(es) >= 40
    nation_names = {norm(n) for e in entries("nations") for n in names_of(e, "nations")}
    for e in es:
        assert e["country"] is None or e["country"] in iso2s, (e["id"], e["country"])
        for n in names_of(e, "locations"):
            assert norm(n) not in nation_names, f"{n} is already a nation name"
    by = {e["id"]: e for e in es}
    assert by["guam"]["wikidata"] == "Q16635" and by["guam"]["country"] == "US"
    for needed in ("okinawa", "hokkaido", "kaliningrad", "crimea", "alaska", "svalbard", "greenland"):
        assert needed in by
    assert "Kurils" in by["kuril-islands"]["aliases"]
    assert by["curacao"]["country"] == "NL" and "Curacao" in by["curacao"]["aliases"]
    assert by["ladakh"]["country"] == "IN"
    assert by["kashmir"]["country"] is None  # disputed: no state claimed for it
