"""Who acts, at nation level, in a clause and in the sentences read so far.

Takes a `Document` and a noun-phrase head or a sentence; gives the nations or alliances
acting there (`actor_level`), and remembers each sentence's actors so that a later
"this move", "the launch" or a bare "in response" can refer back to them (`earlier_actors`).
The acting subject of the main clause counts, not the speaker: in "Seoul says Pyongyang
fired a missile" the actor is Pyongyang.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Span, Token

from kg.extract import coref
from kg.extract.arguments import subject
from kg.extract.candidates import Candidate, parties_in
from kg.extract.document import Argument, Document
from kg.extract.phrases import children, core_tokens, entities_of, is_maker, parties_of, party_of
from kg.lexicon import lexicon

#: How many earlier sentences a bare "in response" may look back over for the other side.
LOOK_BACK = 3


def is_event_reference(head: Token) -> bool:
    """ "this move", "the launch", "it": a phrase that refers to an event, not a party."""
    lex = lexicon()
    return (
        head.lower_ in lex.event_nouns
        or head.lemma_.lower() in lex.event_nouns
        or (head.pos_ == "PRON" and head.lower_ in lex.event_pronouns)
    )


def is_copula_subject(token: Token) -> bool:
    """ "It was a response": the subject of "be" names an event, not an actor."""
    return token.dep_ in {"nsubj", "nsubjpass"} and token.head.lemma_ == "be"


def _party(key: str, token: int, via: bool = False) -> Argument:
    return Argument(key, "Alliance" if key.startswith("alliance:") else "Nation", token, via_context=via)


def actor_level(document: Document, head: Token | None, sent: Span) -> list[Argument]:
    """The nations or alliances a subject phrase stands for; for "this move", the last sentence's actors."""
    if head is None:
        return []
    lex = lexicon()
    out: list[Argument] = []
    if head.lemma_.lower() in lex.org_heads or head.lemma_.lower() in lex.military_nouns:
        for m in document.mentions_in(core_tokens(head)):  # "South Korean and US forces"
            if m.kind in {"Nation", "Alliance"} and not is_maker(m) and all(a.key != m.key for a in out):
                out.append(_party(m.key, m.root.i))
    if not out and head.lemma_.lower() in lex.org_heads:
        out = _same_body_before(document, head)  # "The Russian Defence Ministry denied ... The ministry"
    acting_pronoun = head.pos_ == "PRON" and head.lower_ in lex.pronouns and head.dep_ == "nsubj"
    if not out and acting_pronoun and not is_copula_subject(head):
        found = coref.antecedents(document, head, "Actor", None)  # "It had deployed launchers": a party acts
        out = [Argument(m.key, m.kind, head.i, via_context=True, how="pronoun") for m in found]
    if not out:
        allow = head.pos_ == "PRON" and head.lower_ in lex.plural_references
        out = parties_of(document, entities_of(document, head, allow_context=allow))
    if out:
        return out
    if is_event_reference(head) or head.pos_ in {"NOUN", "PROPN"}:
        inside = parties_in(document, [t for t in head.subtree if t.i != head.i], set())
        if inside:
            return inside
    if is_event_reference(head):
        return [
            Argument(a.key, a.kind, a.token, via_context=True) for a in _salient_before(document, sent, head)
        ]
    return []


def _same_body_before(document: Document, head: Token) -> list[Argument]:
    """ "the ministry", "the command": the party of the same body named shortly before
    ("the Russian Defence Ministry"), when the phrase names none itself."""
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in head.children) or children(head, "prep"):
        return []
    here = document.sentence_index(head.i)
    start = document.doc[document.sent_starts[max(here - LOOK_BACK, 0)]].idx
    lemma = head.lemma_.lower()
    for m in document.window(start, head.idx):
        if m.kind not in {"Nation", "Alliance"} or m.heading or is_maker(m):
            continue
        body = m.span.root.head
        while body.dep_ == "compound" and body.head.i != body.i:
            body = body.head
        if body.lemma_.lower() == lemma and body.i != head.i:
            return [Argument(m.key, m.kind, head.i, via_context=True, how="same-body")]
    return []


def _salient_before(document: Document, sent: Span, token: Token) -> list[Argument]:
    """Actors in force at `token`: this sentence's own subject if it precedes, else the last sentence's."""
    root = main_verb(sent)
    subj = subject(root) if root.pos_ in {"VERB", "AUX"} else None
    if (
        subj is not None
        and subj.i < token.i
        and not is_event_reference(subj)
        and token.i not in {t.i for t in subj.subtree}
    ):
        here = parties_of(document, entities_of(document, subj, allow_context=False))
        if here:
            return here
    return earlier_actors(document, sent, limit=1) or _speaker(document, sent)


def _speaker(document: Document, sent: Span) -> list[Argument]:
    """ "Beijing said the drills were a response to ...": with nothing before, the party that speaks of
    its own act (a ministry's statement about "the drills", "its flights")."""
    root = sent.root
    if root.lemma_.lower() not in lexicon().speech_verbs:
        return []
    speakers = children(root, "nsubj")
    found = parties_of(document, entities_of(document, speakers[0], allow_context=False)) if speakers else []
    return [replace(a, via_context=True, how="speaker") for a in found]


def earlier_actors(
    document: Document, sent: Span, exclude: frozenset[str] = frozenset(), limit: int = LOOK_BACK
) -> list[Argument]:
    """The actors of the nearest earlier sentence (of the last `limit`) that has any besides `exclude`."""
    earlier = sorted((start for start in document.salient if start < sent.start), reverse=True)[:limit]
    for start in earlier:
        actors = [
            replace(a, via_context=True, how="earlier-actor")
            for a in document.salient[start]
            if a.key not in exclude
        ]
        if actors:
            return actors
    return _recent_party(document, sent, exclude) if limit > 1 else []


def _recent_party(document: Document, sent: Span, exclude: frozenset[str]) -> list[Argument]:
    """The party named last before `sent` (within `LOOK_BACK` sentences), when no sentence had actors."""
    here = document.sentence_index(sent.start)
    start = document.doc[document.sent_starts[max(here - LOOK_BACK, 0)]].idx
    for m in document.window(start, sent.start_char):
        if m.kind in {"Nation", "Alliance"} and m.key not in exclude and not m.heading:
            return [Argument(m.key, m.kind, m.root.i, via_context=True, how="recent-party")]
    return []


def main_verb(sent: Span) -> Token:
    """The sentence's root, or the reported clause of a speech verb ("officials said X intercepted Y")."""
    root = sent.root
    if root.lemma_.lower() in lexicon().speech_verbs:
        reported = children(root, "ccomp")
        if reported:
            return reported[0]
    return root


def remember_sentence(document: Document, sent: Span, candidates: list[Candidate]) -> None:
    """Record the sentence's nation-level actors for the sentences that follow."""
    verb = main_verb(sent)
    subj = subject(verb) if verb.pos_ in {"VERB", "AUX"} else None
    actors: list[Argument] = []
    if subj is not None and not is_event_reference(subj):
        actors = parties_of(document, entities_of(document, subj, allow_context=False))
    if not actors:
        for c in candidates:
            party = party_of(document, c.actor)
            if party and all(a.key != party for a in actors):
                actors.append(_party(party, c.trigger.i))
    if actors:
        document.salient[sent.start] = actors
