"""The lexicon (kg/data/lexicon.json): every key is a field of the typed record, every field is
read somewhere in kg/, and the file cannot drift from the code unnoticed."""

from __future__ import annotations

import dataclasses
import json
import re
from importlib import resources
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.lexicon import DeployWords, Lexicon, TriggerWords, lexicon, parse_lexicon

KG = Path(__file__).resolve().parents[1] / "kg"


def _data() -> dict:
    return json.loads(resources.files("kg.data").joinpath("lexicon.json").read_text(encoding="utf-8"))


def test_lexicon_every_field_is_read_by_the_code() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for p in KG.rglob("*.py") if p.name != "lexicon.py")
    unread = [
        f.name
        for f in dataclasses.fields(Lexicon)
        if not re.search(rf"\.{f.name}(_for)?\b", code) and f.name not in {"triggers", "deploy"}
    ]
    assert unread == []
    for f in dataclasses.fields(DeployWords):
        assert re.search(rf"\.{f.name}\b|\"{f.name}\"", code), f"deploy.{f.name} is not read"
    for f in dataclasses.fields(TriggerWords):
        assert re.search(rf"\.{f.name}\b", code), f"triggers.*.{f.name} is not read"


def test_lexicon_loads_into_typed_fields() -> None:
    lex = lexicon()
    assert "intercept" in lex.triggers["intercepted"].verbs
    assert lex.triggers["escorted"].particle_verbs["stay"] == frozenset({"with"})
    assert lex.deploy.particle_verbs["touch down"] == "unaccusative"
    assert lex.destination_preps_for("unaccusative")["to"] == 3
    assert lex.destination_preps_for("no such class") == lex.destination_preps["transitive"]
    assert isinstance(lex.hedges, frozenset) and "reportedly" in lex.hedges
    assert lex.number_words["dozen"] == 12


def test_lexicon_an_unknown_key_is_an_error_naming_it() -> None:
    data = _data()
    data["phrases"]["spare_words"] = ["x"]
    with pytest.raises(KgError, match=r"unknown key phrases\.spare_words"):
        parse_lexicon(data)


def test_lexicon_a_missing_key_is_an_error_naming_it() -> None:
    data = _data()
    del data["modality"]["hedges"]
    with pytest.raises(KgError, match="missing keys hedges"):
        parse_lexicon(data)


def test_lexicon_an_unknown_section_is_an_error() -> None:
    data = _data()
    data["extras"] = {}
    with pytest.raises(KgError, match="unknown section extras"):
        parse_lexicon(data)


def test_lexicon_a_key_in_two_sections_is_an_error_naming_both() -> None:
    data = _data()
    data["phrases"]["hedges"] = ["x"]  # hedges belongs to modality
    with pytest.raises(KgError, match="key hedges is in both phrases and modality"):
        parse_lexicon(data)


def test_lexicon_record_declares_each_field_once() -> None:
    """A field declared twice in the class body silently keeps one of the two (and their comments)."""
    import ast

    tree = ast.parse((KG / "lexicon.py").read_text(encoding="utf-8"))
    record = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Lexicon")
    names = [
        n.target.id for n in record.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
    ]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []
