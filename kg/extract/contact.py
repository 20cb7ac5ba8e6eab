"""intercepted and escorted: who met or accompanied whom.

Takes a `Document`, a sentence and one trigger token (verb or noun, see `contact_predicate`);
gives `Candidate`s with the interceptor or escort as actor and the aircraft met as target.
The roles come from the argument layer (`kg.extract.arguments`); an agentless passive ("the
bombers were intercepted") takes the other side's aircraft named nearby as its actor.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Span, Token

from kg.extract import coref, modality
from kg.extract.arguments import Frame, noun_frame, verb_frame
from kg.extract.candidates import ACTOR_KINDS, Candidate, location_of
from kg.extract.document import Argument, Document, RoleHint
from kg.extract.nearby import nearest
from kg.extract.phrases import children, entities_of, party_of
from kg.extract.salience import is_event_reference
from kg.lexicon import lexicon

PREDICATES = ("intercepted", "escorted")


def contact_predicate(token: Token) -> str | None:
    """The contact predicate a verb or noun triggers, if any."""
    lex = lexicon()
    lemma = token.lemma_.lower()
    is_verb = token.pos_ in {"VERB", "AUX"} or token.tag_.startswith("VB")
    for predicate in PREDICATES:
        words = lex.triggers[predicate]
        if is_verb:
            if lemma in words.verbs:
                return predicate
            particles = words.particle_verbs.get(lemma)
            if particles and any(
                c.dep_ in {"prt", "advmod", "prep"} and c.lower_ in particles for c in token.children
            ):
                return predicate
        elif token.pos_ in {"NOUN", "PROPN"} and (lemma in words.nouns or token.lower_ in words.nouns):
            return predicate
    purpose = is_verb and lemma in lex.intercept_purpose_verbs and token.dep_ in {"xcomp", "advcl"}
    if purpose and token.head.lemma_.lower() in lex.launch_verbs:
        return "intercepted"  # "scrambled to meet the bombers"
    return None


def contact_candidates(document: Document, sent: Span, trigger: Token) -> Iterator[Candidate]:
    predicate = contact_predicate(trigger)
    if predicate is None:
        return
    is_noun = trigger.pos_ in {"NOUN", "PROPN"}
    frame = _contact_frame(document, trigger, predicate, is_noun)
    if frame is None:
        return
    actors, targets = _arguments(document, frame, predicate)
    if not is_noun and frame.route != "passive":  # the parse lost a side: the nearest name on that side
        actors = actors or nearest(document, trigger, "before", ACTOR_KINDS)
        targets = targets or nearest(document, trigger, "after", ACTOR_KINDS)
        if not targets and not frame.themes and actors:
            targets = _implicit_target(document, trigger, actors)
    elif is_noun and actors and not targets and frame.route == "support":
        targets = _implicit_target(document, trigger, actors)  # "F-16s made the initial interception"
    if not actors or not targets:
        return
    base = (0.8 if is_noun else 0.9) * (0.9 if not is_noun and modality.future(trigger) else 1.0)
    location = location_of(document, trigger)
    for actor in actors:
        for target in targets:
            if actor.kind not in ACTOR_KINDS or target.kind not in ACTOR_KINDS or actor.key == target.key:
                continue
            confidence = base * (0.85 if actor.via_context or target.via_context else 1.0)
            confidence *= 0.75 if "nearby" in {actor.how, target.how} else 1.0
            yield Candidate(predicate, actor, target, sent, trigger, frame.route, confidence, location)


def _contact_frame(document: Document, trigger: Token, predicate: str, is_noun: bool) -> Frame | None:
    """The trigger's frame, or None when it is blocked (hedged away, denied, or an event that
    merely follows another)."""
    if modality.noun_blocked(trigger) if is_noun else modality.blocked(trigger):
        return None
    frame = noun_frame(trigger) if is_noun else verb_frame(trigger)
    if not is_noun and not frame.themes and frame.route != "passive":
        frame = _prepositional_theme(frame, predicate)
    if is_noun and predicate == "escorted":
        frame = _escort_of_fighters(document, frame)
    if modality.denied(*frame.themes, *(frame.agents if frame.route != "passive" else ())):
        return None
    if not is_noun and any(is_event_reference(h) for h in (*frame.agents, *frame.themes) if h.pos_ != "PRON"):
        return None  # "the drills followed a visit to Taipei": events follow each other in time
    return frame


def _implicit_target(document: Document, trigger: Token, actors: list[Argument]) -> list[Argument]:
    """ "Italian Typhoons were scrambled to intercept.": no object, so the other side's aircraft
    named before (or, failing a type, its party) is what they met."""
    if trigger.pos_ in {"NOUN", "PROPN"}:
        if any(c.dep_ == "prep" and c.lower_ in {"of", "for", "on"} for c in trigger.children):
            return []  # "the interception of ...", "provided escort for ...": an object of its own
    elif any(c.dep_ in {"dobj", "prep", "prt"} for c in trigger.children):
        return []
    party = party_of(document, actors[0])
    hint = RoleHint("target", party, party)
    found = coref.antecedents(
        document, trigger, "Aircraft", None, frozenset(a.key for a in actors), hint=hint
    )
    if found:
        return [Argument(m.key, m.kind, trigger.i, via_context=True, how="implicit-object") for m in found]
    other = (
        coref.party_in_reach(document, trigger, party, frozenset(a.key for a in actors)) if party else None
    )
    return (
        [Argument(other.key, other.kind, trigger.i, via_context=True, how="implicit-object")] if other else []
    )


def _prepositional_theme(frame: Frame, predicate: str) -> Frame:
    """ "stayed with the bombers": the object of the verb's own preposition is what it escorted."""
    verbs = lexicon().triggers[predicate].particle_verbs
    particles = verbs.get(frame.trigger.lemma_.lower(), frozenset())
    preps = [p for p in children(frame.trigger, "prep") if p.lower_ in particles]
    objects = [o for p in preps for o in children(p, "pobj")]
    if not objects:
        return frame
    return Frame(frame.trigger, frame.agents, tuple(objects[:1]), frame.goals, frame.route)


def _escort_of_fighters(document: Document, frame: Frame) -> Frame:
    """ "an escort of four Rafales", "the drone's escort of two F-22s": fighters in the "of" phrase of
    an escort are its agents (and a possessor is what they escort)."""
    if not frame.themes or frame.route not in {"nominal", "support"}:
        return frame
    args = entities_of(document, frame.themes[0], allow_context=False)
    fighters = lexicon().escort_classes
    if args and all(_aircraft_class(document, a) in fighters for a in args):
        return Frame(frame.trigger, frame.themes, frame.agents, (), frame.route)
    return frame


def _aircraft_class(document: Document, arg: Argument) -> str:
    entity = document.gaz.entity(arg.key)
    return entity.cls if entity is not None else ""


def _arguments(document: Document, frame: Frame, predicate: str) -> tuple[list[Argument], list[Argument]]:
    """Actors and targets; the side read first constrains the other (not the same key or party)."""
    if frame.route == "passive" or not frame.agents:
        # "It was escorted by the F-16s": what the agents name is not what "it" refers to
        named = [a for h in frame.agents for a in entities_of(document, h, allow_context=False)]
        targets = _read(document, frame.themes, _hint("target", predicate, document, named), _keys(named))
        actors = _read(document, frame.agents, _hint("actor", predicate, document, targets), _keys(targets))
        if not actors and targets:
            actors = _context_actor(document, frame.trigger, targets, frame.themes)
        return actors, targets
    actors = _read(document, frame.agents, RoleHint("actor"))
    if not actors and frame.themes:  # "Fighters were scrambled to ...": the untyped side from the target
        targets = _read(document, frame.themes, RoleHint("target"))
        return _read(
            document, frame.agents, _hint("actor", predicate, document, targets), _keys(targets)
        ), targets
    return actors, _read(document, frame.themes, _hint("target", predicate, document, actors), _keys(actors))


def _read(
    document: Document, heads: tuple[Token, ...], hint: RoleHint, exclude: frozenset[str] = frozenset()
) -> list[Argument]:
    return [a for h in heads for a in entities_of(document, h, exclude=exclude, hint=hint)]


def _hint(role: str, predicate: str, document: Document, other_side: list[Argument]) -> RoleHint:
    """An interceptor meets the other side: a reference avoids what that side operates and, finding no
    type, falls to a party other than that side's. An escort may fly with its own (a joint formation)."""
    if predicate != "intercepted" or not other_side:
        return RoleHint(role)
    party = party_of(document, other_side[0])
    return RoleHint(role, party, party)


def _keys(args: list[Argument]) -> frozenset[str]:
    return frozenset(a.key for a in args)


def _context_actor(
    document: Document, trigger: Token, targets: list[Argument], heads: tuple[Token, ...]
) -> list[Argument]:
    """Agentless passive ("the bombers were intercepted"): the other side's aircraft named nearby."""
    target_keys = {t.key for t in targets}
    inside = {t.i for h in heads for t in h.subtree} | _attribution_tokens(trigger.sent)
    target_parties = {party_of(document, t) for t in targets}
    sent = trigger.sent
    best: list[Argument] = []
    for m in document.mentions_in(sent):
        if m.key in target_keys or m.kind not in {"Aircraft", "Nation", "Alliance"} or m.root.i in inside:
            continue
        arg = Argument(m.key, m.kind, m.root.i, via_context=True, how="context")
        if party_of(document, arg) in target_parties or (m.form == "demonym" and _modifies(m.root, targets)):
            continue
        if m.root.i > trigger.i and m.root.head.lower_ in {"from", "of"}:
            continue
        best.append(arg)
    aircraft = [a for a in best if a.kind == "Aircraft"]
    if best:
        return aircraft[:1] or best[:1]
    previous = [
        m
        for m in document.mentions
        if m.span.sent.end == sent.start
        and m.kind == "Aircraft"
        and m.key not in target_keys
        and not m.heading
    ]
    for m in reversed(previous):  # "F-15Js were scrambled. Two H-6Ks were intercepted."
        arg = Argument(m.key, m.kind, m.root.i, via_context=True, how="previous-sentence")
        if party_of(document, arg) not in target_parties:
            return [arg]
    return []


def _attribution_tokens(sent: Span) -> set[int]:
    """ "according to U.S. reports", "U.S. officials said": who reports, not who acted. An armed force
    or ministry reporting ("..., the German air force said") speaks of its own intercept and counts."""
    lex = lexicon()
    out: set[int] = set()
    for t in sent:
        according = t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to"
        speaker = t.dep_ == "nsubj" and t.head.lemma_.lower() in lex.speech_verbs
        if (according or speaker) and t.lemma_.lower() not in lex.reporting_forces:
            out.update(x.i for x in t.subtree)
    return out


def _modifies(token: Token, targets: list[Argument]) -> bool:
    return any(token.head.i == t.token for t in targets)
