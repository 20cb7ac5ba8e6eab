"""A relation as a rule proposes it, before scoring: the shared record of the predicate modules.

Takes nothing; gives `Candidate` (predicate, actor and target `Argument`s, the sentence and
trigger it was read from, how its arguments were found, a prior confidence) and the helpers
the predicate modules share: where an event happened (`location_of`) and which nations a
phrase names as parties (`parties_in`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Span, Token

from kg.extract.document import Argument, Document, MentionSpan
from kg.extract.phrases import children, core_tokens, entities_of, is_maker, party_of
from kg.lexicon import lexicon

#: Kinds that may act or be acted on in an intercept, escort or response.
ACTOR_KINDS = frozenset({"Aircraft", "Nation", "Alliance", "WeaponSystem"})
PLACE_KINDS = frozenset({"Nation", "Base", "Sea", "Location"})


@dataclass
class Candidate:
    """One proposed relation."""

    predicate: str
    actor: Argument
    target: Argument
    sent: Span
    trigger: Token
    route: str  # how the arguments were found (see `kg.extract.arguments.Frame.route`)
    confidence: float  # the rule's prior, before the scorer
    location: str | None = None

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.predicate, self.actor.key, self.target.key, self.sent.start)


def location_of(document: Document, trigger: Token) -> str | None:
    """A sea, base or place named in the trigger's clause ("over the Barents Sea")."""
    preps = lexicon().location_preps
    rank = {"Sea": 0, "Base": 1, "Location": 2, "Nation": 3}
    ranked: list[tuple[int, int, str]] = []
    heads = [trigger, *[c for c in trigger.conjuncts if c.pos_ in {"VERB", "AUX"}]]
    for h in heads:
        for prep in children(h, "prep"):
            if prep.lower_ not in preps:
                continue
            for m in document.mentions_in(prep.subtree):
                if m.kind in rank and m.form != "demonym":
                    ranked.append((rank[m.kind], abs(m.span.start - h.i), m.key))
    return min(ranked)[2] if ranked else None


def parties_in(document: Document, tokens: Iterable[Token], exclude: set[str]) -> list[Argument]:
    """Nation-level parties a phrase names, skipping places ("drills near Taiwan", "Polish airspace").

    Owners and agents of the phrase's head ("NATO's reinforcement of Poland", "drills conducted
    by China") outrank other nations in it.
    """
    tokens = list(tokens)
    if not tokens:
        return []
    within = {t.i for t in tokens}
    primary, agentive = _primary_tokens(document, tokens, within)
    buckets: tuple[list[Argument], list[Argument], list[Argument]] = ([], [], [])
    place_nouns = lexicon().place_nouns
    cause = lexicon().cause_nouns
    for m in document.mentions_in(tokens):
        of_cause = m.root.head.lemma_.lower() in cause  # "the increase in Russian activity": a party
        if (
            (_under_place_prep(m.root, within) and not of_cause)
            or is_maker(m)
            or m.root.head.lower_ in place_nouns
        ):
            continue
        nation = _party_of_mention(document, m)
        if not nation or nation in exclude:
            continue
        root = m.root.i
        bucket = buckets[0] if root in primary else buckets[1] if root in agentive else buckets[2]
        if all(a.key != nation for b in buckets for a in b):
            bucket.append(Argument(nation, "Alliance" if nation.startswith("alliance:") else "Nation", root))
    return buckets[0] or buckets[1] or buckets[2]


def _primary_tokens(document: Document, tokens: list[Token], within: set[int]) -> tuple[set[int], set[int]]:
    heads = [t for t in tokens if t.head.i not in within or t.head.i == t.i]
    primary: set[int] = set()
    for h in heads:
        for conj in [h, *h.conjuncts]:
            primary.update(t.i for t in core_tokens(conj) if t.i != conj.i or conj.i in document.by_token)
    for t in tokens:
        if (t.dep_ == "pobj" and t.head.lower_ == "by") or t.dep_ == "agent":
            primary.update(x.i for x in t.subtree)
    lex = lexicon()
    reporting = lex.describe_verbs | lex.speech_verbs  # "what Moscow calls NATO activity": not Moscow's act
    agentive = {
        x.i
        for t in tokens
        if t.dep_ in {"nsubj", "nsubjpass"} and t.head.lemma_.lower() not in reporting
        for c in [t, *t.conjuncts]
        for x in core_tokens(c)
    }
    return primary, agentive


def _party_of_mention(document: Document, m: MentionSpan) -> str | None:
    if m.kind in {"Aircraft", "WeaponSystem"}:
        owned = entities_of(document, m.root, allow_context=False)
        arg = owned[0] if owned else Argument(m.key, m.kind, m.root.i)
        return party_of(document, arg)
    return m.key if m.kind in {"Nation", "Alliance"} else None


def _under_place_prep(token: Token, within: set[int]) -> bool:
    """Is `token` inside a place phrase: "near Taiwan", or the destination of a deployment
    ("the deployment of British Typhoons to Poland")?"""
    lex = lexicon()
    t = token
    while t.i in within and t.head.i != t.i:
        if t.dep_ == "pobj" and t.head.lower_ in lex.place_preps:
            return True
        if t.dep_ == "pobj" and t.head.lower_ == "to" and t.head.head.lemma_.lower() in lex.deploy.nouns:
            return True
        t = t.head
    return False
