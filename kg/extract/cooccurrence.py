"""Candidates by word order, for the sentences whose parse the rules could not read.

Takes a `Document`, a sentence and the candidates the rules found in it; gives further
`Candidate`s (route "linear") for each trigger of the sentence, pairing the nearest possible
actors before it with the nearest possible targets after it ("by" after a passive trigger
swaps the sides). These are guesses: the scorer (`kg.extract.scoring`) decides which to keep,
from features such as the distance, the names in between and the grammatical role of each side.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Span, Token

from kg.extract import modality
from kg.extract.candidates import Candidate
from kg.extract.contact import contact_predicate
from kg.extract.deploy import deploy_class
from kg.extract.document import Argument, Document, MentionSpan
from kg.extract.phrases import entities_of
from kg.extract.respond import response_kind
from kg.lexicon import lexicon

#: How many possible actors and targets on each side of a trigger are paired.
NEAREST = 2
_CONTACT_KINDS = {"Aircraft", "Nation", "Alliance", "WeaponSystem"}
_THEME_KINDS = {"Aircraft", "WeaponSystem", "Nation", "Alliance"}
_PLACE_KINDS = {"Nation", "Base", "Sea", "Location"}


def _predicate(token: Token) -> str | None:
    if contact_predicate(token):
        return contact_predicate(token)
    if deploy_class(token):
        return "deployedTo"
    if response_kind(token):
        return "respondedTo"
    return None


def linear_candidates(document: Document, sent: Span, found: list[Candidate]) -> Iterator[Candidate]:
    """Word-order candidates of the sentence's triggers that the rules did not already propose."""
    known = {(c.predicate, c.actor.key, c.target.key) for c in found}
    mentions = [m for m in document.mentions_in(sent) if not m.heading]
    for trigger in sent:
        predicate = _predicate(trigger)
        if predicate is None or _is_blocked(trigger):
            continue
        before = [m for m in mentions if m.span.end <= trigger.i]
        after = [m for m in mentions if m.span.start > trigger.i]
        if _passive_by(trigger):
            before, after = _agents_after(trigger, after), before
        for actor, target in _pairs(document, predicate, trigger, before, after):
            if (predicate, actor.key, target.key) not in known and actor.key != target.key:
                known.add((predicate, actor.key, target.key))
                yield Candidate(predicate, actor, target, sent, trigger, "linear", 0.5)


def _is_blocked(trigger: Token) -> bool:
    if trigger.pos_ in {"NOUN", "PROPN"}:
        return modality.noun_blocked(trigger)
    return modality.blocked(trigger) is not None


def _passive_by(trigger: Token) -> bool:
    doc = trigger.doc
    nxt = doc[trigger.i + 1 : trigger.i + 3]
    return trigger.tag_ == "VBN" and any(t.lower_ == "by" for t in nxt)


def _agents_after(trigger: Token, after: list[MentionSpan]) -> list[MentionSpan]:
    return [m for m in after if any(t.lower_ == "by" for t in trigger.doc[trigger.i + 1 : m.span.start])]


def _pairs(
    document: Document, predicate: str, trigger: Token, before: list[MentionSpan], after: list[MentionSpan]
) -> Iterator[tuple[Argument, Argument]]:
    if predicate in {"intercepted", "escorted"}:
        actors = _nearest(document, reversed(before), _CONTACT_KINDS)
        targets = _nearest(document, after, _CONTACT_KINDS)
    elif predicate == "deployedTo":
        actors = _nearest(document, reversed(before), _THEME_KINDS) or _nearest(
            document, after, _THEME_KINDS - {"Nation"}
        )
        targets = _destinations_after(document, trigger, after)
    else:
        actors = _nearest(document, reversed(before), {"Nation", "Alliance"})
        targets = _nearest(document, after, {"Nation", "Alliance"})
    for actor in actors:
        for target in targets:
            yield actor, target


def _nearest(document: Document, mentions: Iterable[MentionSpan], kinds: set[str]) -> list[Argument]:
    out: list[Argument] = []
    for m in mentions:
        if m.kind not in kinds:
            continue
        for arg in entities_of(document, m.root, allow_context=False) or [Argument(m.key, m.kind, m.root.i)]:
            if arg.kind in kinds and all(a.key != arg.key for a in out):
                out.append(Argument(arg.key, arg.kind, m.root.i, arg.count, arg.operator, False, "linear"))
        if len(out) >= NEAREST:
            break
    return out[:NEAREST]


def _destinations_after(document: Document, trigger: Token, after: list[MentionSpan]) -> list[Argument]:
    """Places after a destination preposition ("to", "at", "into"...) following the trigger."""
    preps = lexicon().destination_preps_for("transitive")
    out: list[Argument] = []
    for m in after:
        if m.kind not in _PLACE_KINDS:
            continue
        lead = document.doc[max(m.span.start - 3, trigger.i + 1) : m.span.start]
        if any(t.lower_ in preps for t in lead) and not any(t.lower_ == "from" for t in lead):
            out.append(Argument(m.key, m.kind, m.root.i, how="linear"))
        if len(out) >= NEAREST:
            break
    return out
