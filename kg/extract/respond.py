"""respondedTo: which party acted in response, reaction or retaliation to which.

Takes a `Document`, a sentence and one trigger: a response noun ("in response to", "Russia's
reaction to", "was retaliation for"), a response verb ("responded to", "retaliated against"),
a counter verb ("deployed jets to counter the drills") or a tit-for-tat word; gives
`Candidate`s at nation or alliance level. The responder is the party of the clause the
response belongs to; the other side is the party the stimulus phrase names, or, when the
stimulus names none ("in response", "to counter the move"), the actors of the sentences before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from spacy.tokens import Span, Token

from kg.extract import modality
from kg.extract.arguments import agents_of_passive, is_passive, subject
from kg.extract.candidates import Candidate, parties_in
from kg.extract.document import Argument, Document
from kg.extract.phrases import children, core_tokens, prep_objects
from kg.extract.salience import actor_level, earlier_actors, is_copula_subject, is_event_reference
from kg.lexicon import lexicon


def response_kind(token: Token) -> str | None:
    """noun | verb | counter for a response trigger, else None."""
    lex = lexicon()
    words = lex.triggers["respondedTo"]
    lemma = token.lemma_.lower()
    if token.pos_ in {"VERB", "AUX"} or token.tag_.startswith("VB"):
        particles = words.particle_verbs.get(lemma, frozenset())
        attached = [*token.children, *(c for o in children(token, "dobj") for c in o.children)]
        if lemma in words.verbs or any(  # "answered the launches with drills": "with" on the object
            c.lower_ in particles for c in attached if c.dep_ in {"prep", "prt"}
        ):
            return "verb"  # "responded", "hit back", "answered by sending more ships"
        if lemma in lex.counter_verbs:
            return "counter"
        return None
    if token.pos_ in {"NOUN", "PROPN"}:
        if lemma in words.nouns or token.lower_ in words.nouns:
            return "noun"
        if _tit_for_tat_noun(token) and lemma in lex.event_nouns | lex.tit_for_tat_heads:
            return "noun"
        if lemma in lex.exchange_nouns and token.head.lower_ == "in" and prep_objects(token, "for"):
            return "noun"  # "opened fire in return for the shelling"
    return None


def response_candidates(document: Document, sent: Span, trigger: Token) -> Iterator[Candidate]:
    kind = response_kind(trigger)
    if kind == "noun":
        yield from _noun_candidates(document, sent, trigger)
    elif kind == "verb":
        yield from _verb_candidates(document, sent, trigger)
    elif kind == "counter":
        yield from _counter_candidates(document, sent, trigger)


def _pairs(
    actors: list[Argument], targets: list[Argument], sent: Span, trigger: Token, route: str, c: float
) -> Iterator[Candidate]:
    for actor in actors:
        for target in targets:
            if actor.key != target.key:
                confidence = c * (0.85 if actor.via_context else 1.0)
                yield Candidate("respondedTo", actor, target, sent, trigger, route, confidence)


def _verb_candidates(document: Document, sent: Span, verb: Token) -> Iterator[Candidate]:
    """ "X responded to Y", "X retaliated against Y", "X responds with A to counter B"."""
    if modality.blocked(verb):
        return
    actors = actor_level(document, subject(verb), sent)
    if not actors:
        return
    exclude = {a.key for a in actors}
    stimulus: list[Token] = []
    for prep in children(verb, "prep"):
        if prep.lower_ in {"to", "against"}:
            stimulus += [t for obj in children(prep, "pobj", "pcomp") for t in obj.subtree]
    for child in children(verb, "xcomp", "advcl"):
        if child.lemma_.lower() in lexicon().counter_verbs:
            obj = children(child, "dobj")
            stimulus += list(obj[0].subtree) if obj else []
    stimulus = stimulus or _cause_phrase(verb)
    targets, confidence = _stimulus_parties(document, sent, stimulus, exclude, 0.9)
    yield from _pairs(actors, targets, sent, verb, "active", confidence)


def _cause_phrase(verb: Token) -> list[Token]:
    """ "responded by deploying jets after the North Korean launch": the cause in an after/amid phrase."""
    preps = lexicon().cause_preps
    heads = [
        verb,
        *(
            c
            for c in verb.subtree
            if c.dep_ in {"pcomp", "xcomp"} and c.head.i in {verb.i, *(x.i for x in verb.children)}
        ),
    ]
    return [
        t
        for h in heads
        for p in children(h, "prep")
        if p.lower_ in preps
        for o in children(p, "pobj")
        for t in o.subtree
    ]


def _counter_candidates(document: Document, sent: Span, verb: Token) -> Iterator[Candidate]:
    """ "X deployed Y to counter Z": X responded to Z (unless a response verb already governs it)."""
    if verb.head.lemma_.lower() in lexicon().triggers["respondedTo"].verbs or modality.blocked(verb):
        return
    if verb.dep_ not in {"xcomp", "advcl", "ROOT", "conj", "relcl", "acl"}:
        return
    actors = actor_level(document, subject(verb, object_control=False), sent)
    obj = children(verb, "dobj")
    if not actors or not obj:
        return
    targets, confidence = _stimulus_parties(
        document, sent, list(obj[0].subtree), {a.key for a in actors}, 0.8
    )
    yield from _pairs(actors, targets, sent, verb, "control", confidence)


def _stimulus_parties(
    document: Document, sent: Span, stimulus: list[Token], exclude: set[str], confidence: float
) -> tuple[list[Argument], float]:
    """The parties a stimulus phrase names; when there is none, another party of the sentence
    ("said the Canadian plane had provoked China and that its pilots had responded"), else the
    earlier actors."""
    if not stimulus:
        here = [replace(a, how="same-sentence") for a in parties_in(document, list(sent), exclude)]
        if len(here) == 1:
            return here, confidence * 0.7
        return earlier_actors(document, sent, _with_allies(document, exclude)), confidence * 0.7
    targets = parties_in(document, stimulus, exclude)
    if targets:
        return targets, confidence
    if len(stimulus) == 1 and stimulus[0].pos_ == "PRON":  # "... became a challenge, and in response to it"
        before = [t for t in sent if t.i < stimulus[0].i]
        earlier = [replace(a, how="earlier-clause") for a in parties_in(document, before, exclude)]
        if earlier:
            return earlier[-1:], confidence * 0.8
    lex = lexicon()
    heads = [t for t in stimulus if t.dep_ in {"pobj", "dobj", "pcomp"} or t.head not in stimulus]
    if any(is_event_reference(t) or t.lemma_.lower() in lex.cause_nouns for t in heads):
        return earlier_actors(document, sent, _with_allies(document, exclude)), confidence * 0.8
    return [], confidence


def _with_allies(document: Document, responders: set[str]) -> frozenset[str]:
    """The responders and their allies: a stimulus taken from context is the other side's act
    ("Norwegian F-16s intercepted the formation ... the RAF sent up Typhoons in response")."""
    gaz = document.gaz
    out = set(responders)
    for key in responders:
        entity = gaz.entity(key)
        pacts = (
            {key} if key.startswith("alliance:") else set(entity.member_of if entity else ())
        ) & gaz.defence_pacts
        out |= pacts
        out |= {k for k, e in gaz.entities.items() if e.kind == "Nation" and pacts & set(e.member_of)}
    return frozenset(out)


def _tit_for_tat_noun(noun: Token) -> bool:
    """ "a tit-for-tat move", "retaliatory flights"."""
    left = noun.doc[max(noun.left_edge.i, noun.i - 6) : noun.i]
    return any(t.lower_ in lexicon().tit_for_tat_words for t in left)


def _noun_candidates(document: Document, sent: Span, noun: Token) -> Iterator[Candidate]:
    """ "Russia's response to X", "in response to X", "was a response to X", "In reaction, Japan ..."."""
    if modality.noun_blocked(noun) or _under_blocked_verb(noun):
        return
    lex = lexicon()
    by_cause = lex.for_cause_nouns | lex.exchange_nouns
    target_preps = {"to", "against"} | ({"for"} if noun.lemma_.lower() in by_cause else set())
    objects = [o for word in target_preps for o in prep_objects(noun, word)]
    stimulus = [t for obj in objects for t in obj.subtree]
    elicited = _elicited_by(noun)
    if not stimulus and elicited is not None:
        cause = subject(elicited.head)  # "the decision drew an angry response from Moscow"
        stimulus = list(cause.subtree) if cause is not None else []
    named_stimulus = {a.key for a in parties_in(document, stimulus, set())}
    actors = _not_the_stimulus(document, sent, response_actor(document, sent, noun), named_stimulus)
    if not actors:
        return
    exclude = {a.key for a in actors}
    if stimulus:
        targets, confidence = _stimulus_parties(document, sent, stimulus, exclude, 0.85)
    elif children(noun, "poss") and is_copula_subject(noun):  # "The Pentagon's response was a flat denial"
        named = {m.key for m in document.mentions_in(core_tokens(noun)) if m.kind in {"Nation", "Alliance"}}
        targets, confidence = earlier_actors(document, sent, _with_allies(document, exclude | named)), 0.6
    elif noun.dep_ == "pobj" and noun.head.lower_ == "in":
        rest = [t for t in sent if t.i > noun.i and all(t.i != a.token for a in actors)]
        targets = [
            replace(a, how="rest-of-sentence")
            for a in parties_in(document, rest, exclude)
            if a.key not in exclude
        ]
        if not targets:
            targets = _clause_before(document, sent, noun, exclude)
        if not targets:
            targets = earlier_actors(document, sent, _with_allies(document, exclude))
        confidence = 0.7
    else:
        return
    yield from _pairs(actors, targets, sent, noun, "nominal", confidence)


def _clause_before(document: Document, sent: Span, noun: Token, exclude: set[str]) -> list[Argument]:
    """ "Moscow blamed Warsaw for the escalation and sent troops to Belarus in reply": the parties
    of the sentence before the clause "in reply" belongs to (not its own objects or places)."""
    verb = noun.head.head
    if verb.pos_ not in {"VERB", "AUX"}:
        return []
    before = [t for t in sent if t.i < verb.left_edge.i]
    return [
        replace(a, how="clause-before") for a in parties_in(document, before, exclude) if a.key not in exclude
    ]


def _not_the_stimulus(
    document: Document, sent: Span, actors: list[Argument], stimulus: set[str]
) -> list[Argument]:
    """A party the stimulus names does not respond to itself: an actor guessed from context that
    is the stimulus party gives way to the other party in context."""
    if not stimulus or not any(a.key in stimulus for a in actors) or not all(a.via_context for a in actors):
        return actors
    kept = [a for a in actors if a.key not in stimulus]
    return kept or earlier_actors(document, sent, frozenset(stimulus))


def _under_blocked_verb(noun: Token) -> bool:
    """ "it may even send bombers in reply": the act the response belongs to is only possible."""
    if noun.dep_ != "pobj" or noun.head.dep_ != "prep":
        return False
    verb = noun.head.head  # a threat made in response is a response: only modality and negation count
    return verb.pos_ in {"VERB", "AUX"} and modality.blocked(verb) in {"modal", "conditional", "negated"}


def _elicited_by(noun: Token) -> Token | None:
    """The object of "drew", "prompted"... that the response noun is or hangs on through "of"
    ("drew an angry response from", "drew threats of retaliation from")."""
    elicit = lexicon().elicit_verbs
    t = noun
    for _ in range(3):
        if t.dep_ == "dobj" and t.head.lemma_.lower() in elicit:
            return t
        if not (t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.pos_ in {"NOUN", "PROPN"}):
            return None
        t = t.head.head
    return None


def response_actor(document: Document, sent: Span, noun: Token) -> list[Argument]:
    """The party whose act the response noun describes."""
    poss = children(noun, "poss")
    if poss:
        return actor_level(document, poss[0], sent)
    elicited = _elicited_by(noun)
    by = prep_objects(noun, "by", "from")
    if elicited is not None:  # "drew threats of retaliation from Moscow": the "from" may hang on either
        by = by or prep_objects(elicited, "by", "from") or prep_objects(elicited.head, "from")
        if not by:
            return []  # the subject of "drew" is the stimulus, never the responder
    if by:
        return actor_level(document, by[0], sent)
    owners = [
        m
        for m in document.mentions_in(core_tokens(noun))
        if m.kind in {"Nation", "Alliance"} and m.root.i != noun.i
    ]
    if owners:
        return [Argument(owners[0].key, owners[0].kind, owners[0].root.i)]
    described = _described_act(document, sent, noun)
    if described is not None:
        return described
    if noun.dep_ == "conj":
        return response_actor(document, sent, noun.head)
    return _governing_actor(document, sent, noun)


def _described_act(document: Document, sent: Span, noun: Token) -> list[Argument] | None:
    """ "in what it called retaliation for", "officials described the deployment as a response"."""
    lex = lexicon()
    head = noun.head
    verb = head.head if noun.dep_ == "pobj" and head.lower_ == "as" else head
    if verb.lemma_.lower() not in lex.describe_verbs:
        return None
    if any(c.lower_ == "what" for c in verb.children):
        t = verb
        while t.head.i != t.i and not (t.dep_ in {"pobj", "pcomp"} and t.head.lower_ == "in"):
            t = t.head
        if t.head.lower_ == "in" and t.head.head.pos_ in {"VERB", "AUX"}:
            return actor_level(document, subject(t.head.head), sent)
    if noun.dep_ in {"pobj", "oprd", "attr", "dobj", "conj", "ccomp"}:
        described = children(verb, "dobj", "nsubjpass")
        if described:
            return actor_level(document, described[0], sent)
    return None


def _governing_actor(document: Document, sent: Span, noun: Token) -> list[Argument]:
    """ "NATO held drills in response to", "fighters were scrambled in response", "was a response to"."""
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ in {"prep"}:
        governor = head.head
        if governor.pos_ in {"VERB", "AUX"}:
            if is_passive(governor):
                agents = agents_of_passive(governor)
                if agents:
                    return actor_level(document, agents[0], sent)
            return actor_level(document, subject(governor), sent)
        if governor.pos_ in {"NOUN", "PROPN"}:
            return _actor_of_act(document, sent, governor, noun)
    if noun.dep_ in {"attr", "acomp"} and head.pos_ in {"AUX", "VERB"}:
        return actor_level(document, subject(head), sent)
    return []


def _actor_of_act(document: Document, sent: Span, act: Token, noun: Token) -> list[Argument]:
    """The party of the act a response hangs on ("exercises in response to", "described the launch as
    a scramble in response to"): never a party named inside the response phrase itself."""
    lex = lexicon()
    verb = act.head if act.dep_ in {"dobj", "nsubj", "attr"} else None
    if verb is not None and verb.pos_ in {"VERB", "AUX"}:
        return actor_level(document, subject(verb), sent)
    if act.dep_ == "pobj" and act.head.lower_ == "as" and act.head.head.lemma_.lower() in lex.describe_verbs:
        described = children(act.head.head, "dobj", "nsubjpass")  # "described the launch as a scramble"
        if described:
            return actor_level(document, described[0], sent)
    inside = {t.i for t in noun.subtree}
    return [a for a in actor_level(document, act, sent) if a.token not in inside]


def tit_for_tat(document: Document, sent: Span) -> Iterator[Candidate]:
    """ "tit-for-tat" with an acting subject and exactly one other party in the sentence."""
    if not any(marker in sent.text.lower().replace("-", " ") for marker in lexicon().tit_for_tat_phrases):
        return
    root = sent.root
    subj = subject(root) if root.pos_ in {"VERB", "AUX"} else None
    if subj is None or subj.lower_ in lexicon().event_nouns:
        return
    actors = actor_level(document, subj, sent)
    if len(actors) != 1:
        return
    inside = {x.i for x in subj.subtree}
    others = parties_in(document, [t for t in sent if t.i not in inside], {actors[0].key})
    if len(others) == 1:
        yield Candidate("respondedTo", actors[0], others[0], sent, root, "tit-for-tat", 0.6)
