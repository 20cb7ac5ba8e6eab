"""The project's spaCy components and tokenizer settings, registered with what they read and write.

Takes nothing at import (registration happens in `register`, called by
`kg.nlp.pipeline.load_pipeline`); gives three components in spaCy's registry:
- `designation_norms` (assigns `token.norm`): designations such as "F-35A" get the norm of a
  manufacturer name, so the small model tags and parses them as the proper nouns they are;
- `line_breaks` (assigns `token.is_sent_start`): a new line starts a sentence (headlines,
  captions, bullets have no final stop), and a numbered item's "3." stays in its sentence;
- `posture_names` (requires and assigns `doc.ents`): keeps gazetteer matches that need context
  only where they have it ("Typhoon jets", not "typhoon season") and adds names the gazetteer
  lacks (`kg.nlp.names`).
"""

from __future__ import annotations

import re
from functools import cache

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, filter_spans

from kg.gazetteer import Gazetteer, default_gazetteer, normalise
from kg.lexicon import lexicon
from kg.nlp import names

#: Entity labels of the project (the core ontology classes).
KINDS = ("Nation", "Alliance", "Aircraft", "WeaponSystem", "Base", "Sea", "Location")
DESIGNATION_TOKEN = re.compile(r"^[A-Z][A-Za-z]{0,3}(?:/[A-Z]{1,2})?-\d{1,4}[A-Za-z0-9]{0,5}$")
Forms = dict[tuple[str, str], set[str]]


def register() -> None:
    """Put the components in spaCy's registry (once per process)."""
    if not Language.has_factory("designation_norms"):
        Language.component("designation_norms", assigns=["token.norm"])(designation_norms)
    if not Language.has_factory("line_breaks"):
        Language.component("line_breaks", assigns=["token.is_sent_start"])(line_breaks)
    if not Language.has_factory("posture_names"):
        Language.factory("posture_names", requires=["doc.ents"], assigns=["doc.ents"])(make_posture_names)


def designation_norms(doc: Doc) -> Doc:
    """Give designations ("F-35A", "Su-27s") the norm of a common manufacturer name."""
    for token in doc:
        if DESIGNATION_TOKEN.match(token.text) or (
            token.text.endswith("s") and DESIGNATION_TOKEN.match(token.text[:-1])
        ):
            token.norm_ = "boeings" if token.text.endswith("s") and not token.text[-2].isupper() else "boeing"
    return doc


def line_breaks(doc: Doc) -> Doc:
    """A new line starts a new sentence, and so does a full stop followed by a capital.

    Set in one array write: assigning `token.is_sent_start` one token at a time is slow on
    long documents.
    """
    starts = numpy.zeros((len(doc), 1), dtype="int32")
    for i in range(1, len(doc)):
        prev = doc[i - 1]
        token = doc[i]
        if (prev.is_space and "\n" in prev.text) or "\n" in prev.whitespace_:
            starts[i, 0] = 1
        elif _list_number(doc, i - 1):
            starts[i, 0] = -1  # "3. Aircraft: one Tu-95": the item's number belongs to its text
        elif prev.text in {".", "!", "?"} and prev.whitespace_ and token.text[:1].isupper():
            starts[i, 0] = 1  # "... around Guam. F-22s intercepted them."
    if starts.any():
        starts[0, 0] = 1
        doc.from_array([SENT_START], starts.astype("uint64"))  # type: ignore[arg-type]
    return doc


def _list_number(doc: Doc, i: int) -> bool:
    """Is token `i` the stop of a numbered list item's "3." at the start of a line?"""
    if doc[i].text not in {".", ")"} or i == 0 or not doc[i - 1].like_num or len(doc[i - 1].text) > 2:
        return False
    if i == 1:
        return True
    before = doc[i - 2]
    return (before.is_space and "\n" in before.text) or "\n" in before.whitespace_


def keep_designations_whole(nlp: Language) -> None:
    """ "H-6K", "F-15EX": one token each (the default rules split "6K" as a number and a unit)."""
    previous = nlp.tokenizer.token_match  # type: ignore[union-attr]

    def token_match(text: str) -> re.Match[str] | None:
        return DESIGNATION_TOKEN.match(text) or (previous(text) if previous else None)

    nlp.tokenizer.token_match = token_match  # type: ignore[union-attr]


def split_hyphen_after_abbreviation(nlp: Language) -> None:
    """Split "U.S.-made" and "U.S.-Japan" so that "U.S." is its own token."""
    infixes = [*nlp.Defaults.infixes, r"(?<=[A-Z]\.)-(?=[A-Za-z])"]  # type: ignore[misc]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer  # type: ignore[union-attr]


def surface_forms(gaz: Gazetteer) -> Forms:
    """(normalised text, key) -> how that text names the entity (name, demonym, context, bare...)."""
    forms: Forms = {}
    for s in gaz.surfaces:
        forms.setdefault((normalise(s.text), s.key), set()).add(s.form)
    return forms


class PostureNames:
    """Filters gazetteer matches that need context and adds names the gazetteer lacks."""

    def __init__(self) -> None:
        self.gazetteer: Gazetteer | None = None
        self._forms: Forms | None = None

    def __call__(self, doc: Doc) -> Doc:
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
        added: list[Span] = names.coordinated_seas(doc, gaz)
        taken = {i for span in [*kept, *added] if span.label_ in KINDS for i in range(span.start, span.end)}
        for span in [*names.designations(doc, gaz), *names.bases(doc), *names.seas(doc), *names.sino(doc)]:
            if not any(i in taken for i in range(span.start, span.end)):
                added.append(span)
                taken.update(range(span.start, span.end))
        # coordinated seas override overlapping gazetteer matches ("Baltic Seas")
        overridden = {i for span in added for i in range(span.start, span.end)}
        kept = [e for e in kept if not any(i in overridden for i in range(e.start, e.end))]
        doc.ents = filter_spans([*added, *kept])
        return doc

    def _forms_of(self, ent: Span) -> set[str]:
        forms = self._forms or {}
        return forms.get((normalise(ent.text), ent.ent_id_), {"name"})

    def _in_context(self, ent: Span) -> bool:
        """A name that is also an ordinary word ("Bear", "Typhoon") counts next to what it names."""
        lex = lexicon()
        words = lex.aircraft_words if ent.label_ == "Aircraft" else lex.weapon_words
        if _type_word_follows(ent, words):
            return True
        prev = ent.doc[ent.start - 1] if ent.start > 0 else None
        if prev is None:
            return False
        if prev.text in lex.air_arms or prev.like_num:
            return True  # "RAF Typhoons", "four Typhoons"
        if prev.ent_type_ == "Nation" and ent.text.endswith("s"):
            return True  # "Italian Typhoons" (but not "the Russian bear")
        if ent.text.endswith("s") and _argument_of_trigger(ent):
            return True  # "Britain to station Typhoons in Romania", "Typhoons intercepted the Bears"
        return prev.ent_type_ == ent.label_ and prev.ent_id_ == ent.ent_id_

    def _keep(self, ent: Span) -> bool:
        forms = self._forms_of(ent)
        if "name" in forms or "demonym" in forms or "metonym" in forms:
            return True
        doc = ent.doc
        after = doc[ent.end] if ent.end < len(doc) else None
        before = doc[ent.start - 1] if ent.start > 0 else None
        lex = lexicon()
        if "context" in forms:
            return self._in_context(ent)
        if "bare" in forms:  # "the Baltic", but not "Baltic States", "Indo-Pacific", "Pacific Fleet"
            if before is not None and before.text in {"-", "\u2010", "\u2013"}:
                return False
            if after is not None and after.lower_ in lex.time_words:
                return True  # "patrolled the Baltic yesterday", "entered the Baltic last week"
            return after is None or (after.pos_ not in {"NOUN", "PROPN", "ADJ"} and after.text != "-")
        return True


def _argument_of_trigger(ent: Span) -> bool:
    """The subject or object of a verb that intercepts, escorts, deploys or launches."""
    root = ent.root
    return root.dep_ in {"nsubj", "nsubjpass", "dobj"} and root.head.lemma_.lower() in _trigger_verbs()


@cache
def _trigger_verbs() -> frozenset[str]:
    lex = lexicon()
    contact = {v for words in lex.triggers.values() for v in [*words.verbs, *words.particle_verbs]}
    deploy = lex.deploy
    moving = {*deploy.transitive, *deploy.unaccusative, *deploy.goal_object, *deploy.travel}
    return frozenset(contact | moving | lex.launch_verbs)


def _type_word_follows(ent: Span, words: frozenset[str] | dict[str, str]) -> bool:
    """An aircraft or weapon word right after the name, or after up to two modifiers of it
    ("Apache attack helicopters", "a Voyager air-to-air refuelling tanker")."""
    doc = ent.doc
    for t in doc[ent.end : min(ent.end + 6, len(doc))]:
        if t.lower_ in words:
            return True
        if not (t.pos_ in {"NOUN", "ADJ", "PROPN"} or t.text == "-") or t.is_sent_start:
            return False
    return False


def make_posture_names(nlp: Language, name: str) -> PostureNames:
    return PostureNames()
