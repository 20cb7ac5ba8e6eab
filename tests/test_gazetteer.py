"""kg.gazetteer: the generic engine that turns the reference JSON (docs/gazetteer.md) into
entities, surface forms and lookups. The JSON integrity rules are checked in
tests/test_gazetteer_arms.py and tests/test_gazetteer_places.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import GazetteerError
from kg.gazetteer import Gazetteer, Surface, default_gazetteer, load_gazetteer, normalise, slug


def write_gazetteer(folder: Path, **files: list[dict]) -> Path:
    for name, entries in files.items():
        (folder / f"{name}.json").write_text(json.dumps({"schema": 1, "entries": entries}), encoding="utf-8")
    return folder


TINY = {
    "nations": [
        {
            "iso2": "ru",
            "iso3": "rus",
            "name": "Russia",
            "wikidata": "Q159",
            "aliases": ["Russian Federation"],
            "demonyms": ["Russian", "Russians"],
            "metonyms": ["Moscow", "the Kremlin"],
        },
        {"iso2": "JP", "iso3": "JPN", "name": "Japan", "wikidata": "not-a-qid", "demonyms": "Japanese"},
    ],
    "alliances": [{"id": "csto", "name": "CSTO", "kind": "organisation", "members": ["RU"]}],
    "aircraft": [
        {
            "id": "tu-95",
            "designation": "Tu-95",
            "role": "Bomber",
            "variants": ["Tu-95MS", "Tu-95MSM"],
            "manufacturers": ["Tupolev"],
            "names": [],
            "context_names": ["Bear"],
            "aliases": [],
            "operators": ["RU"],
            "wikidata": "Q5127",
        }
    ],
    "seas": [
        {
            "id": "sea-of-okhotsk",
            "name": "Sea of Okhotsk",
            "kind": "sea",
            "stem": "Okhotsk",
            "aliases": ["Okhotsk Sea"],
        },
        {"id": "baltic-sea", "name": "Baltic Sea", "kind": "sea", "stem": "Baltic", "aliases": ["Baltic"]},
    ],
}


@pytest.fixture
def tiny(tmp_path) -> Gazetteer:
    return load_gazetteer(write_gazetteer(tmp_path, **TINY))


def forms_of(gaz: Gazetteer, key: str) -> dict[str, str]:
    """surface text -> form, for one entity."""
    return {s.text: s.form for s in gaz.surfaces if s.key == key}


# ---------------------------------------------------------------- a tiny gazetteer in tmp_path


def test_gazetteer_nation_key_is_upper_case_iso2_with_names_and_codes(tiny):
    russia = tiny.entity("nation:RU")
    assert russia is not None
    assert (russia.kind, russia.label, russia.iso2, russia.iso3, russia.wikidata) == (
        "Nation",
        "Russia",
        "RU",
        "RUS",
        "Q159",
    )
    assert russia.aliases == ("Russian Federation", "Russian", "Russians", "Moscow", "the Kremlin")
    assert russia.member_of == ("alliance:csto",)
    assert tiny.nations == {"RU": "nation:RU", "JP": "nation:JP"}


def test_gazetteer_invalid_wikidata_id_is_dropped_and_a_single_string_is_a_list(tiny):
    japan = tiny.entity("nation:JP")
    assert japan.wikidata is None
    assert forms_of(tiny, "nation:JP") == {"Japan": "name", "Japanese": "demonym"}


def test_gazetteer_nation_surfaces_say_their_form(tiny):
    assert forms_of(tiny, "nation:RU") == {
        "Russia": "name",
        "Russian Federation": "name",
        "Russian": "demonym",
        "Russians": "demonym",
        "Moscow": "metonym",
        "the Kremlin": "metonym",
    }


def test_gazetteer_aircraft_family_and_variants_are_separate_entities(tiny):
    family = tiny.entity("aircraft:tu-95")
    variant = tiny.entity("aircraft:tu-95ms")
    assert (family.kind, family.cls, family.label, family.family) == ("Aircraft", "Bomber", "Tu-95", None)
    assert (variant.kind, variant.cls, variant.label, variant.family) == (
        "Aircraft",
        "Bomber",
        "Tu-95MS",
        "aircraft:tu-95",
    )
    assert variant.operators == family.operators == ("nation:RU",)
    assert family.wikidata == "Q5127" and variant.wikidata is None
    assert "Bear" in family.aliases and "Tupolev Tu-95" in family.aliases
    assert variant.aliases == ("Tupolev Tu-95MS",)


def test_gazetteer_aircraft_surfaces_cover_plural_manufacturer_compact_and_context(tiny):
    family = forms_of(tiny, "aircraft:tu-95")
    assert {
        k: family[k] for k in ("Tu-95", "Tu-95s", "Tupolev Tu-95", "Tu95", "Tu-95 Bear", "Tu-95 Bears")
    } == {
        "Tu-95": "name",
        "Tu-95s": "name",
        "Tupolev Tu-95": "name",
        "Tu95": "name",
        "Tu-95 Bear": "name",
        "Tu-95 Bears": "name",
    }
    assert family["Bear"] == family["Bears"] == "context"
    variant = forms_of(tiny, "aircraft:tu-95ms")
    assert {"Tu-95MS", "Tu-95MSs", "Tupolev Tu-95MS", "Tu95MS", "Tu-95MS Bear"} <= set(variant)
    assert "Bear" not in variant  # an ordinary word names the family only


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Tu-95", "aircraft:tu-95"),
        ("tu-95", "aircraft:tu-95"),
        ("Tu\u201195", "aircraft:tu-95"),  # non-breaking hyphen
        ("Tu\u201395MS", "aircraft:tu-95ms"),  # en dash
        ("TU-95MSM", "aircraft:tu-95msm"),
        ("Tu-95K", None),
        ("Bear", None),
    ],
)
def test_gazetteer_designations_map_family_and_variants_to_keys(tiny, written, key):
    assert tiny.aircraft_key(written) == key


def test_gazetteer_variant_aliases_name_the_variant_not_the_family(tmp_path):
    tornado = {
        "id": "panavia-tornado",
        "designation": "Panavia Tornado",
        "role": "AttackAircraft",
        "variants": ["Tornado GR4", "Tornado F3"],
        "variant_aliases": {"Tornado GR4": ["GR4 Tornado"]},
        "manufacturers": [],
        "context_names": ["Tornado"],
        "operators": ["GB"],
    }
    gaz = load_gazetteer(write_gazetteer(tmp_path, aircraft=[tornado]))
    variant = forms_of(gaz, "aircraft:tornado-gr4")
    assert variant["GR4 Tornado"] == variant["GR4 Tornados"] == "name"
    assert "GR4 Tornado Tornado" not in variant  # a written-out alias takes no family nickname
    assert gaz.aircraft_key("GR4 Tornado") == "aircraft:tornado-gr4"
    assert gaz.entity("aircraft:tornado-gr4").aliases == ("GR4 Tornado",)
    assert gaz.entity("aircraft:tornado-f3").aliases == ()
    assert forms_of(gaz, "aircraft:panavia-tornado")["Tornado"] == "context"


@pytest.mark.parametrize(
    ("variant_aliases", "message"),
    [(["GR4 Tornado"], "must be an object"), ({"Tornado GR1": ["GR1 Tornado"]}, "not in its variants")],
)
def test_gazetteer_bad_variant_aliases_raise_an_error_naming_the_entry(tmp_path, variant_aliases, message):
    entry = {"id": "panavia-tornado", "designation": "Panavia Tornado", "variants": ["Tornado GR4"]}
    write_gazetteer(tmp_path, aircraft=[{**entry, "variant_aliases": variant_aliases}])
    with pytest.raises(GazetteerError, match="panavia-tornado") as info:
        load_gazetteer(tmp_path)
    assert message in str(info.value)


def test_gazetteer_seas_have_bare_stems_and_a_stem_lookup(tiny):
    assert forms_of(tiny, "sea:baltic-sea") == {"Baltic Sea": "name", "Baltic": "bare"}
    assert forms_of(tiny, "sea:sea-of-okhotsk") == {"Sea of Okhotsk": "name", "Okhotsk Sea": "name"}
    assert tiny.sea_stems == {"okhotsk": "sea:sea-of-okhotsk", "baltic": "sea:baltic-sea"}


def test_gazetteer_missing_files_are_tolerated(tmp_path):
    only_nations = load_gazetteer(write_gazetteer(tmp_path, nations=TINY["nations"]))
    assert set(only_nations.entities) == {"nation:RU", "nation:JP"}
    assert only_nations.designations == {} and only_nations.sea_stems == {}
    empty = load_gazetteer(tmp_path / "nowhere")
    assert empty.entities == {} and empty.surfaces == []


def test_gazetteer_accepts_a_bare_list_of_entries(tmp_path):
    (tmp_path / "nations.json").write_text(json.dumps(TINY["nations"]), encoding="utf-8")
    assert "nation:RU" in load_gazetteer(tmp_path).entities


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"schema": 1, "entries": [', "not valid JSON"),
        ('{"schema": 1, "entries": {"iso2": "RU"}}', "expected a list of entries"),
    ],
)
def test_gazetteer_malformed_file_raises_gazetteer_error_naming_the_file(tmp_path, text, message):
    write_gazetteer(tmp_path, nations=TINY["nations"])
    (tmp_path / "seas.json").write_text(text, encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"seas\.json") as info:
        load_gazetteer(tmp_path)
    assert message in str(info.value)


# ---------------------------------------------------------------- the packaged data


@pytest.fixture(scope="module")
def packaged() -> Gazetteer:
    return default_gazetteer()


def test_gazetteer_packaged_is_read_once(packaged):
    assert default_gazetteer() is packaged


@pytest.mark.parametrize(
    ("key", "kind", "label"),
    [
        ("nation:RU", "Nation", "Russia"),
        ("nation:US", "Nation", "United States"),
        ("alliance:nato", "Alliance", "NATO"),
        ("aircraft:tu-95", "Aircraft", "Tu-95"),
        ("aircraft:tu-95ms", "Aircraft", "Tu-95MS"),
        ("aircraft:b-52", "Aircraft", "B-52"),
        ("sea:sea-of-okhotsk", "Sea", "Sea of Okhotsk"),
        ("location:guam", "Location", "Guam"),
    ],
)
def test_gazetteer_packaged_entities_by_key(packaged, key, kind, label):
    entity = packaged.entity(key)
    assert entity is not None
    assert (entity.kind, entity.label) == (kind, label)


def test_gazetteer_packaged_variant_points_at_its_family(packaged):
    assert packaged.entity("aircraft:tu-95ms").family == "aircraft:tu-95"
    assert packaged.entity("aircraft:tu-95").family is None
    assert packaged.entity("aircraft:tu-95ms").ontology_class == "Bomber"


@pytest.mark.parametrize(
    ("text", "key", "form"),
    [
        ("Russia", "nation:RU", "name"),
        ("Russian", "nation:RU", "demonym"),
        ("the Kremlin", "nation:RU", "metonym"),
        ("U.S.", "nation:US", "name"),
        ("the Pentagon", "nation:US", "metonym"),
        ("Tupolev Tu-95MS", "aircraft:tu-95ms", "name"),
        ("B-52s", "aircraft:b-52", "name"),
        ("Stratofortress", "aircraft:b-52", "name"),
        ("Bear", "aircraft:tu-95", "context"),
        ("Baltic", "sea:baltic-sea", "bare"),
    ],
)
def test_gazetteer_packaged_surfaces(packaged, text, key, form):
    assert Surface(text, key, packaged.entity(key).kind, form) in packaged.surfaces


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Tu-95MS", "aircraft:tu-95ms"),
        ("B-1", "aircraft:b-1b"),
        ("B-52H", "aircraft:b-52h"),
        ("F-15", "aircraft:f-15"),
    ],
)
def test_gazetteer_packaged_designation_lookup(packaged, written, key):
    assert packaged.aircraft_key(written) == key


def test_gazetteer_packaged_services_name_their_state_as_a_name_not_a_metonym(packaged):
    """A service stands for its state as actor and as destination ("Patriots sent to the JASDF"
    went to Japan): a metonym destination would be read as a city, so services are aliases."""
    for text in ("Air Self-Defense Force", "JASDF", "Maritime Self-Defense Force", "Self-Defense Forces"):
        assert Surface(text, "nation:JP", "Nation", "name") in packaged.surfaces


def test_gazetteer_packaged_no_surface_names_two_entities(packaged):
    """The entity ruler keeps one of two identical matches: a string shared by two entities
    (say "Growler" for the EA-18G and for the S-400) would name whichever wins, anywhere."""
    owners: dict[str, set[str]] = {}
    for surface in packaged.surfaces:
        owners.setdefault(surface.text, set()).add(surface.key)
    shared = {text: sorted(keys) for text, keys in owners.items() if len(keys) > 1}
    assert not shared, shared


def test_gazetteer_packaged_coordinated_sea_stems(packaged):
    assert packaged.sea_stems["okhotsk"] == "sea:sea-of-okhotsk"
    assert packaged.sea_stems["bering"] == "sea:bering-sea"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("  Tu\u201395   Bear ", "tu-95 bear"), ("F\u2013A\u201418", "f-a-18"), ("ＭiG-31", "mig-31")],
)
def test_gazetteer_normalise_folds_case_dashes_and_space(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tu-95MS", "tu-95ms"),
        ("F/A-18E", "f-a-18e"),
        ("Misawa Air Base", "misawa-air-base"),
        ("Türkiye", "turkiye"),
        ("!!!", "x"),
    ],
)
def test_gazetteer_slug_is_readable_ascii(text, expected):
    assert slug(text) == expected


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    import math

    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def test_gazetteer_packaged_places_carry_coordinates_in_range(packaged):
    """Every nation, sea, base and location has a latitude and longitude (approximate, see
    docs/gazetteer.md); what the map of `kg report` places them by."""
    kinds = {"Nation", "Sea", "Base", "Location"}
    placed = [e.key for e in packaged.entities.values() if e.kind in kinds]
    assert placed and all(key in packaged.coordinates for key in placed)
    for key, (lat, lon) in packaged.coordinates.items():
        assert -90 <= lat <= 90 and -180 <= lon <= 180, key


@pytest.mark.parametrize(
    ("near", "far_from", "km"),
    [
        ("base:kadena-ab", "location:okinawa", 60),
        ("base:sevastopol-naval-base", "location:sevastopol", 20),
        ("base:severomorsk", "location:murmansk", 40),
        ("base:andersen-afb", "location:guam", 40),
        ("base:chkalovsk-ab", "location:kaliningrad", 60),
        ("base:raf-lossiemouth", "sea:moray-firth", 60),
        ("location:bornholm", "sea:baltic-sea", 400),
        ("base:misawa-ab", "sea:tsugaru-strait", 200),
        ("nation:LT", "location:kaliningrad", 250),
    ],
)
def test_gazetteer_packaged_coordinates_agree_with_each_other(packaged, near, far_from, km):
    """Latitude and longitude not swapped, signs right: places known to be close are close."""
    assert _km(packaged.coordinates[near], packaged.coordinates[far_from]) < km


def test_gazetteer_packaged_ship_prefixes_name_one_navy_each(packaged):
    """ "USS", "HMS" name their state; a prefix two navies use ("INS") names none."""
    assert packaged.ship_prefixes["USS"] == "nation:US"
    assert packaged.ship_prefixes["HMS"] == "nation:GB"
    assert "INS" not in packaged.ship_prefixes
    assert packaged.defence_pacts >= {"alliance:nato", "alliance:csto"}
    assert "alliance:african-union" not in packaged.defence_pacts


def test_gazetteer_ship_prefix_is_a_party_only_before_a_capitalised_name():
    from kg.extract.extractor import Extractor
    from kg.records import Article

    extractor = Extractor()
    text = "ITS CLAIMS WERE DENIED. The frigate ITS Carabiniere sailed. The ship and its crew waited."
    result = extractor.article(Article("ships", text))
    mentions = [(m.text, m.key) for m in result.mentions if m.key == "nation:IT"]
    assert mentions == [("ITS", "nation:IT")]


def test_gazetteer_weapon_systems_are_named_in_the_plural_too() -> None:
    from kg.gazetteer import default_gazetteer

    surfaces = {(s.text, s.key) for s in default_gazetteer().surfaces if s.kind == "WeaponSystem"}
    assert ("S-400s", "weapon:s-400") in surfaces
    assert ("Iskanders", "weapon:iskander") in surfaces
    assert not any(text.endswith("Ss") or text.endswith("ss") for text, _ in surfaces)  # "HIMARS" stays
