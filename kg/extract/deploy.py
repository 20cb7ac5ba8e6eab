"""deployedTo: what was sent, moved, stationed or arrived, and where to.

Takes a `Document`, a sentence and one trigger (see `deploy_class`): a verb of one of four
classes (transitive "deploy X to Y", unaccusative "X landed at Y", goal-object "X reached Y",
host "Y hosts X"), a stative phrase ("X were in place in Y") or a noun ("the deployment of X
to Y", "the arrival of X at Y"); gives `Candidate`s with the deployed unit as actor and the
destination (nation, base, sea or other named place) as target. Origins ("from"), places
flown over and places of other clauses are not destinations.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from spacy.tokens import Span, Token

from kg.extract import coref, modality
from kg.extract.arguments import Frame, adjacent_subject, is_passive, noun_frame, subject, verb_frame
from kg.extract.candidates import Candidate, location_of
from kg.extract.destinations import destinations, place_arguments
from kg.extract.document import Argument, Document
from kg.extract.nearby import nearest
from kg.extract.phrases import children, core_tokens, entities_of, prep_objects
from kg.lexicon import lexicon

THEME_KINDS = frozenset({"Aircraft", "WeaponSystem", "Nation", "Alliance"})


def deploy_class(token: Token) -> str | None:
    """A trigger's deployment class: transitive, unaccusative, goal_object, host, travel, state or noun."""
    lex = lexicon()
    words = lex.deploy
    lemma = token.lemma_.lower()
    if token.pos_ in {"VERB", "AUX"} or token.tag_.startswith("VB"):
        particles = {c.lower_ for c in token.children if c.dep_ in {"prt", "advmod"}}
        for verb_class in ("transitive", "unaccusative", "goal_object", "host", "travel"):
            if lemma in getattr(words, verb_class):
                return verb_class
        for phrasal, verb_class in words.particle_verbs.items():
            verb, _, particle = phrasal.partition(" ")
            if lemma == verb and particle in particles:
                return verb_class
        return None
    if token.pos_ in {"NOUN", "PROPN"}:
        if lemma in words.nouns or token.lower_ in words.nouns:
            return "noun"
        if token.lower_ in words.state_nouns and token.dep_ == "pobj" and token.head.lower_ == "in":
            return "state"  # "were in place in Akita"
    return None


def deploy_candidates(document: Document, sent: Span, trigger: Token) -> Iterator[Candidate]:
    verb_class = deploy_class(trigger)
    if verb_class is None:
        return
    read = _deploy_frame(trigger, verb_class)
    if read is None:
        return
    frame, verb_class, base = read
    themes, confidence = _themes(document, frame, verb_class, base)
    if verb_class == "host":  # "Y hosts US troops" is a standing presence; "Y hosts the F-35s" a deployment
        themes = [t for t in themes if t.kind in {"Aircraft", "WeaponSystem"}]
    if not themes and verb_class in {"transitive", "unaccusative", "travel"}:
        side = "after" if verb_class == "transitive" and frame.route != "passive" else "before"
        themes = nearest(document, trigger, side, THEME_KINDS - {"Nation"})  # the parse lost the unit
    if not themes:
        return
    goals = _goals(document, frame, verb_class)
    location = location_of(document, trigger)
    for theme in themes:
        for goal in goals:
            if goal.key != theme.key:
                c = (
                    confidence
                    * (0.85 if theme.via_context else 1.0)
                    * (0.75 if theme.how == "nearby" else 1.0)
                )
                yield Candidate("deployedTo", theme, goal, sent, trigger, frame.route, c, location)


def _deploy_frame(trigger: Token, verb_class: str) -> tuple[Frame, str, float] | None:
    """The trigger's frame, its class as read in this sentence and the base confidence; None
    when the trigger is blocked (hedged away, a return trip, a launch)."""
    if verb_class in {"noun", "state"}:
        if modality.noun_blocked(trigger):
            return None
        return (_state_frame(trigger) if verb_class == "state" else noun_frame(trigger)), verb_class, 0.8
    if modality.blocked(trigger) or _return_trip(trigger, verb_class):
        return None
    if verb_class == "travel" and is_passive(trigger):
        verb_class = "transitive"  # "paratroopers were flown into Belarus": someone moved them
    frame = verb_frame(trigger, verb_class)
    if verb_class == "transitive" and not frame.themes and frame.route != "passive":
        verb_class = "unaccusative"  # "the Eurofighters deployed to Amari": the subject moved
        frame = verb_frame(trigger, verb_class)
    return frame, verb_class, 0.9 * (0.9 if modality.future(trigger) else 1.0)


def _return_trip(verb: Token, verb_class: str) -> bool:
    """ "flew back to Guam", "headed home": going back is no deployment; nor is "sent up" (a launch),
    nor a forced landing."""
    lex = lexicon()
    particles = {c.lower_ for c in verb.children if c.dep_ in {"prt", "advmod", "npadvmod"}}
    if verb_class == "transitive" and particles & lex.launch_particles:
        return True
    if (
        verb.lemma_.lower() == "land"
        and verb.dep_ in {"xcomp", "advcl"}
        and any(c.lower_ == "to" for c in verb.children)
        and verb.head.lemma_.lower() in lex.deploy.forcing_verbs
    ):
        return True  # "was made to land at Ankara", "forced to land": an interception's end, no deployment
    return verb_class in {"unaccusative", "travel"} and bool(particles & lex.return_words)


def _state_frame(place: Token) -> Frame:
    verb = place.head.head
    subj = subject(verb) if verb.pos_ in {"AUX", "VERB"} else None
    return Frame(place, (), (subj,) if subj is not None else (), (), "state")


def _themes(document: Document, frame: Frame, verb_class: str, base: float) -> tuple[list[Argument], float]:
    """What was deployed; a unit without a named type ("troops", "the carrier") stands for its nation."""
    heads = list(frame.themes)
    if frame.route == "passive" and not _named(document, heads):
        heads += _some(adjacent_subject(frame.trigger))  # "..., B-52s were stationed in Saudi Arabia"
    themes = [
        t for h in heads for t in [*entities_of(document, h), *_carried(document, h)] if t.kind in THEME_KINDS
    ]
    if verb_class == "noun" and not themes:
        themes = _noun_owner(document, frame.trigger)
    if themes or not frame.themes:
        return _only_military(document, frame, verb_class, themes), base
    head = frame.themes[0]
    if not is_unit(head):
        return [], base
    named = [a for c in children(head, "appos") for a in entities_of(document, c, allow_context=False)]
    if any(a.is_party for a in named):  # "the destroyer USS Carney": the ship names its state
        return [a for a in named if a.is_party], base
    deployers = frame.agents or _deployer(frame) or _announcer(frame)
    parties = [replace(a, how="deployer") for h in deployers for a in entities_of(document, h) if a.is_party]
    return parties, base * 0.9


def _named(document: Document, heads: list[Token]) -> bool:
    return any(a.kind in THEME_KINDS for h in heads for a in entities_of(document, h, allow_context=False))


def _some(token: Token | None) -> list[Token]:
    return [token] if token is not None else []


def _carried(document: Document, head: Token) -> list[Argument]:
    """ "MiG-31s armed with Kinzhal missiles", "aircraft with Kinzhal complexes": what they carry goes too."""
    words = lexicon().deploy.carry_words
    carriers = [head, *(c for c in head.children if c.dep_ == "acl" and c.lower_ in words)]
    objects = [
        o for c in carriers for p in children(c, "prep") if p.lower_ == "with" for o in children(p, "pobj")
    ]
    if head.dep_ == "pobj" and head.head.lower_ == "with" and head.head.head.pos_ in {"NOUN", "PROPN"}:
        objects.append(
            head.head.head
        )  # a headline's "aircraft with Kinzhal complexes relocated": the carrier too
    return [
        replace(a, how="carried")
        for o in objects
        for a in entities_of(document, o, allow_context=False)
        if a.kind in {"WeaponSystem", "Aircraft"}
    ]


def _deployer(frame: Frame) -> tuple[Token, ...]:
    verb = frame.trigger
    if verb.pos_ not in {"VERB", "AUX"} or is_passive(verb):
        return ()
    subj = subject(verb)
    return (subj,) if subj is not None and subj not in frame.themes else ()


def _announcer(frame: Frame) -> tuple[Token, ...]:
    """ "The Pentagon announced that 3,000 troops would be sent to Romania": with no agent, the
    state that announces a passive deployment of its unnamed units is the one deploying them."""
    verb = frame.trigger
    if (
        frame.route != "passive"
        or verb.dep_ != "ccomp"
        or verb.head.lemma_.lower() not in lexicon().deploy.announce_verbs
    ):
        return ()
    return tuple(children(verb.head, "nsubj"))


def _only_military(
    document: Document, frame: Frame, verb_class: str, themes: list[Argument]
) -> list[Argument]:
    """ "sent a letter to Lithuania": a nation sending something that is not a unit deploys nothing."""
    if verb_class != "transitive" or frame.route == "passive" or not frame.themes:
        return themes
    if not any(a.is_party for a in themes):
        return themes
    head = frame.themes[0]
    military = is_unit(head) or any(
        m.kind in {"Aircraft", "WeaponSystem"} for m in document.mentions_in(core_tokens(head))
    )
    return themes if military or document.mention_at(head) is not None else []


def is_unit(head: Token) -> bool:
    """A military unit or vessel without a named type: "troops", "two destroyers", "the USS Ronald Reagan"."""
    lex = lexicon()
    if head.lemma_.lower() in lex.military_nouns or head.lower_ in lex.military_nouns:
        return True
    if head.lower_ in lex.quantity_heads:  # "dozens of paratroopers", "part of its fleet"
        return any(is_unit(member) for member in prep_objects(head, "of"))
    words = [head, *(c for c in head.subtree if c.dep_ in {"compound", "appos", "nmod"})]
    return any(t.text in lex.ship_prefixes or t.lemma_.lower() in lex.military_nouns for t in words)


def _noun_owner(document: Document, noun: Token) -> list[Argument]:
    """ "a Typhoon deployment to Malaysia", "Russia's deployment": the unit or nation named on the noun."""
    owners = [
        m for m in document.mentions_in(core_tokens(noun)) if m.root.i != noun.i and m.kind in THEME_KINDS
    ]
    owners.sort(key=lambda m: (m.kind not in {"Aircraft", "WeaponSystem"}, m.start))
    if owners:
        return [Argument(m.key, m.kind, m.root.i, how="noun-owner") for m in owners[:1]]
    lex = lexicon()
    categories = [
        c for c in noun.children if c.dep_ in {"compound", "amod"} and c.lower_ in lex.category_nouns
    ]
    for c in categories:  # "the first bomber deployment to Norway": the bombers named before
        found = coref.antecedents(document, c, lex.category_nouns[c.lower_], None)
        if found:
            return [Argument(m.key, m.kind, c.i, via_context=True, how="description") for m in found]
    return []


def _goals(document: Document, frame: Frame, verb_class: str) -> list[Argument]:
    if frame.goals:  # "X reached Y", "Y hosts X"
        return [g for h in frame.goals for g in place_arguments(document, h)]
    trigger = frame.trigger
    if verb_class == "noun":
        of = prep_objects(trigger, "of")
        return destinations(document, trigger, extra_heads=of, verb_class=verb_class)
    if verb_class == "state":
        return destinations(document, trigger.head.head, verb_class=verb_class, skip=trigger.head)
    return destinations(document, trigger, verb_class=verb_class)
