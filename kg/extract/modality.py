"""Whether a trigger states a real event: negation, capability, conditions, modality, hedges.

Takes a trigger token (verb or noun); gives why it does not state an event ("negated",
"capability", "conditional", "modal") or None, and whether it is hedged or in the future.
The words come from kg/data/lexicon.json (`negations`, `blocking_heads`, `capability_words`,
`conditional_marks`, `skip_modals`, `future_modals`, `plan_verbs`, `hedges`, `denial_determiners`).
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.lexicon import lexicon

_CHAIN_DEPS = {"xcomp", "conj", "ccomp"}
_UP_DEPS = {"xcomp", "ccomp", "acl", "pcomp", "dobj", "pobj", "prep", "advcl"}
_CAPABILITY_UP = {"acl", "xcomp", "advcl", "pcomp", "pobj", "prep", "appos", "relcl"}


def blocked(verb: Token) -> str | None:
    """Why `verb` does not state an event that happened or was decided, or None."""
    return _conditional_or_negated(verb) or _capability(verb)


def _conditional_or_negated(verb: Token) -> str | None:
    lex = lexicon()
    chain = [verb]
    t = verb
    while (
        not (t.dep_ == "conj" and any(c.dep_ in {"nsubj", "nsubjpass"} for c in t.children))
        and (
            t.dep_ in _CHAIN_DEPS
            or (t.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children))
        )
        and t.head.i != t.i
    ):
        t = t.head
        chain.append(t)
    for v in chain:
        if any(c.dep_ == "mark" and c.lower_ in lex.conditional_marks for c in v.children):
            return "conditional"
        for c in v.children:
            if c.dep_ == "neg" or (c.dep_ in {"advmod", "det"} and c.lower_ in lex.negations - {"no"}):
                return "negated"
            if c.dep_ == "aux" and c.lower_ in lex.skip_modals:
                return "modal"
    return None


def _capability(verb: Token) -> str | None:
    lex = lexicon()
    own = [verb, verb.head] if verb.dep_ == "xcomp" else [verb]
    if any(c.dep_ == "aux" and c.lower_ in lex.capability_modals for v in own for c in v.children):
        return "capability"  # "they can respond": not "officials can confirm that jets were scrambled"
    t = verb
    while t.dep_ in _UP_DEPS and t.head.i != t.i:
        t = t.head
        if t.lemma_.lower() in lex.blocking_heads:
            return "capability"
        if t.dep_ == "conj":
            break
    if verb.dep_ in {"xcomp", "pcomp"}:
        head = verb.head if verb.dep_ == "xcomp" else verb.head.head
        if head.lemma_.lower() in lex.blocking_heads or head.lower_ in lex.capability_words:
            return "capability"
        if any(c.dep_ == "acomp" and c.lower_ in lex.capability_words for c in head.children):
            return "capability"
    t = verb
    for _ in range(4):  # "built for one job: to intercept bombers", "capable of intercepting"
        if t.dep_ not in _CAPABILITY_UP or t.head.i == t.i:
            break
        t = t.head
        if t.lemma_.lower() in lex.blocking_heads or t.lower_ in lex.capability_words:
            return "capability"
    return None


def noun_blocked(noun: Token) -> bool:
    """ "no interception", "without escort", "simulated the interception of ..."."""
    lex = lexicon()
    return (
        any(c.lower_ in lex.denial_determiners or c.lower_ == "without" for c in noun.children)
        or noun.head.lower_ == "without"
        or (noun.dep_ in {"dobj", "nsubjpass", "pobj"} and noun.head.lemma_.lower() in lex.blocking_heads)
        or any(c.dep_ == "neg" for c in noun.head.children if noun.dep_ in {"dobj", "attr"})
    )


def denied(*heads: Token | None) -> bool:
    """ "no aircraft were intercepted", "intercepted no aircraft"."""
    words = lexicon().denial_determiners
    return any(
        h is not None and any(c.lower_ in words for c in h.children if c.dep_ in {"det", "preconj"})
        for h in heads
    )


def hedged(sent: Span) -> bool:
    """Does the sentence hedge what it reports ("reportedly", "claimed", "appears")?"""
    words = lexicon().hedges
    return any(t.lower_ in words for t in sent)


def future(verb: Token) -> bool:
    """A decided but not yet done event ("will deploy", "plans to send")."""
    lex = lexicon()
    t = verb
    for _ in range(3):
        if any(c.dep_ == "aux" and c.lower_ in lex.future_modals for c in t.children):
            return True
        planned = t.head.lemma_ in lex.plan_verbs or t.head.lemma_.lower() in lex.plan_adjectives
        if planned or t.dep_ not in {"xcomp", "conj"}:
            return planned
        t = t.head
    return False
