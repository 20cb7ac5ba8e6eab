"""Who reports a relation, and whether it is claimed by one side, confirmed by both, or denied.

Takes the sentence a relation was read from (a spaCy `Span` of its `Doc`), the trigger token,
the document's mentions by token index (anything with a `kind` and a `key`, such as
`Document.by_token`) and the parties of the relation's two sides; gives an `Attribution`: the
sources (`kg.records.ClaimSource`: a government body, a news outlet, an unnamed official or
another voice, the nation or alliance it speaks for, and whether it asserts, confirms or
denies) and the report's claim status (`kg.records.CLAIM_STATUSES`):

- a speech verb that governs the trigger ("the ministry said two J-16s intercepted ...",
  "... over the Baltic, officials said", "Russia's claim that its jets escorted ..."), with the
  outlet it was told to ("a US official told Reuters");
- "according to X", "citing X" anywhere in the sentence;
- a denial or confirmation of the claim or the event elsewhere in the sentence or in the next
  two sentences ("a claim Moscow denied", "Beijing rejected the report as groundless", "Tokyo
  called it false", "Russia's defence ministry confirmed the encounter");
- quoted speech whose speaker is named in the sentence before or after ('"They escorted the
  bombers away," he added.'), and "he", "they" as the speaker named before;
- "both ministries confirmed", "each side said": confirmed by both sides.

The status: `denied` when a source denies it; `confirmed` when sources of two parties state it
(or both sides do); `claimed` when the sources that state it speak for one party; `reported`
otherwise (no source, or outlets and voices that speak for no party). Words come from the
lexicon's `attribution` section; nothing here reads files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

from spacy.tokens import Span, Token

from kg.lexicon import lexicon
from kg.records import ClaimSource

PARTY_KINDS = frozenset({"Nation", "Alliance"})
#: How many sentences after the one stating the relation may deny or confirm it.
FOLLOWING = 2
#: How many sentences before a pronoun speaker ("he added") its antecedent may be.
SPEAKER_LOOKBACK = 3
_QUOTES = '"“”«»'
_SKIP_DEPS = frozenset({"det", "poss", "case", "punct", "predet", "nummod"})


class Named(Protocol):
    """A mention as the attribution needs it: its kind ("Nation") and canonical key ("nation:RU")."""

    kind: str
    key: str


Mentions = Mapping[int, Named]


@dataclass(frozen=True)
class Attribution:
    """The sources of one report and its claim status."""

    status: str
    sources: tuple[ClaimSource, ...] = ()


def read_attribution(
    sent: Span, trigger: Token, mentions: Mentions, sides: tuple[str | None, str | None] = (None, None)
) -> Attribution:
    """The attribution of the relation that `trigger` states in `sent` (see the module docstring)."""
    found: list[ClaimSource] = []
    both = False
    governing = governing_verbs(trigger)
    for verb, stance in governing:
        speaker = speaker_of(verb)
        if speaker is not None and not speaker.conjuncts and _is_both(speaker):
            both = True
        elif speaker is not None:
            found.extend(s for head in (speaker, *speaker.conjuncts) for s in _source(head, mentions, stance))
        found.extend(_told(verb, mentions))
    found.extend(s for t in marked_sources(sent) for s in _source(t, mentions, "asserts"))
    if not governing and _quoted(sent):
        found.extend(_quote_speaker(sent, mentions))
    skip = {verb.i for verb, _ in governing}
    for other in (sent, *following_sentences(sent)):
        for verb, stance in reactions(other, skip):
            speaker = speaker_of(verb)
            if speaker is not None:
                found.extend(
                    s for head in (speaker, *speaker.conjuncts) for s in _source(head, mentions, stance)
                )
    sources = tuple(dict.fromkeys(found))
    if both:
        sources += tuple(
            ClaimSource("government", "", side, "confirms") for side in dict.fromkeys(sides) if side
        )
    return Attribution(claim_status(sources, both=both), sources)


def claim_status(sources: Iterable[ClaimSource], *, both: bool = False) -> str:
    """`denied`, `confirmed`, `claimed` or `reported` for one report's sources (module docstring)."""
    sources = list(sources)
    if any(s.stance == "denies" for s in sources):
        return "denied"
    parties = {s.party for s in sources if s.party}
    if both or len(parties) >= 2:
        return "confirmed"
    return "claimed" if parties else "reported"


def stance_of(token: Token) -> str | None:
    """`asserts`, `confirms` or `denies` for a speech verb or a claim noun, else None."""
    lex = lexicon()
    lemma = token.lemma_.lower()
    if token.pos_ in {"VERB", "AUX"} or token.tag_.startswith("VB"):
        if lemma in lex.deny_verbs:
            return "denies"
        if lemma in lex.confirm_verbs:
            return "confirms"
        if lemma in lex.assert_verbs:
            return "asserts"
    if token.pos_ == "NOUN" and lemma in lex.claim_nouns:
        return "asserts"  # "Russia's claim that its jets escorted ..."
    return None


def governing_verbs(trigger: Token) -> list[tuple[Token, str]]:
    """Speech verbs (and claim nouns) the trigger's clause is reported by, nearest first."""
    out: list[tuple[Token, str]] = []
    t = trigger
    for _ in range(6):
        for c in t.children:  # "..., officials said" hung below the event verb
            stance = stance_of(c)
            if (
                stance
                and c.dep_ in {"parataxis", "ccomp"}
                and speaker_of(c) is not None
                and not any(x.dep_ == "ccomp" for x in c.children)
            ):
                out.append((c, stance))
        if t.head.i == t.i:
            break
        t = t.head
        stance = stance_of(t)
        if stance:
            out.append((t, stance))
    return out


def speaker_of(verb: Token) -> Token | None:
    """Who speaks: the subject, the agent of a passive ("was reported by"), a claim's owner."""
    for c in verb.children:
        if c.dep_ == "nsubj" or (c.dep_ == "poss" and verb.pos_ == "NOUN"):
            return c
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by" and verb.pos_ == "NOUN"):
            objects = [x for x in c.children if x.dep_ == "pobj"]
            if objects:
                return objects[0]
    if verb.dep_ == "conj" and verb.head.i != verb.i and stance_of(verb.head):
        return speaker_of(verb.head)  # "the ministry said ... and confirmed ..."
    return None


def marked_sources(sent: Span) -> Iterator[Token]:
    """Heads named by "according to X", "in the words of X", "citing X", in the sentence."""
    lex = lexicon()
    words = [t.lower_ for t in sent]
    for phrase in lex.source_phrases:
        parts = phrase.split()
        for i in range(len(words) - len(parts) + 1):
            if words[i : i + len(parts)] == parts:
                last = sent[i + len(parts) - 1]
                for obj in (c for c in last.children if c.dep_ == "pobj"):
                    yield from (obj, *obj.conjuncts)
    for t in sent:
        if t.lemma_.lower() in lex.cite_verbs:
            for obj in (c for c in t.children if c.dep_ == "dobj"):
                yield from (obj, *obj.conjuncts)


def reactions(sent: Span, skip: set[int]) -> Iterator[tuple[Token, str]]:
    """Denials and confirmations in `sent` whose object is a claim or an event (or "it")."""
    lex = lexicon()
    for t in sent:
        if t.i in skip:
            continue
        stance = stance_of(t)
        if stance in {"denies", "confirms"} and refers_to_claim(t):
            yield t, stance
        elif (
            t.lemma_.lower() in lex.describe_false_verbs
            and refers_to_claim(t)
            and any(x.lower_ in lex.false_words for x in t.subtree if x.i != t.i)
        ):
            yield t, "denies"  # "Beijing called the report false"


def refers_to_claim(verb: Token) -> bool:
    """Is what the verb denies or confirms the claim or the event ("the report", "it", "that ...")?"""
    lex = lexicon()
    events = _event_nouns()
    if verb.dep_ == "relcl" and verb.head.lemma_.lower() in lex.claim_nouns | events:
        return True  # "a claim Moscow denied"
    objects = [c for c in verb.children if c.dep_ in {"dobj", "ccomp"}]
    if not objects:
        return verb.lemma_.lower() not in lex.describe_false_verbs  # "Moscow denied."
    for o in objects:
        lemma = o.lemma_.lower()
        if (
            o.dep_ == "ccomp"
            or lemma in lex.claim_nouns
            or lemma in events
            or o.lower_ in lex.referring_pronouns
        ):
            return True
    return False


def following_sentences(sent: Span, n: int = FOLLOWING) -> list[Span]:
    """Up to `n` sentences after `sent`."""
    out: list[Span] = []
    doc = sent.doc
    end = sent.end
    while len(out) < n and end < len(doc):
        nxt = doc[end].sent
        out.append(nxt)
        end = nxt.end
    return out


def _event_nouns() -> frozenset[str]:
    lex = lexicon()
    nouns = {n for words in lex.triggers.values() for n in words.nouns}
    return frozenset(nouns | lex.deploy.nouns | lex.encounter_nouns)


def _is_both(speaker: Token) -> bool:
    """ "both ministries", "each side", "the two sides"."""
    words = lexicon().both_words
    return (
        any(c.lower_ in words for c in speaker.children)
        or speaker.lower_ in words
        or (any(c.lower_ == "two" for c in speaker.children) and speaker.lemma_.lower() == "side")
    )


def _told(verb: Token, mentions: Mentions) -> list[ClaimSource]:
    """The outlet a speaker talked to ("told Reuters", "said to TASS")."""
    heard = [c for c in verb.children if c.dep_ in {"dobj", "dative"}]
    heard += [
        x
        for c in verb.children
        if c.dep_ == "prep" and c.lower_ == "to"
        for x in c.children
        if x.dep_ == "pobj"
    ]
    return [s for h in heard for s in _source(h, mentions, "asserts") if s.kind == "outlet"]


def _quoted(sent: Span) -> bool:
    text = sent.text.strip()
    return bool(text) and text[0] in _QUOTES


def _quote_speaker(sent: Span, mentions: Mentions) -> list[ClaimSource]:
    """The speaker of a quotation continued from the sentence before, or closed in the next."""
    doc = sent.doc
    around = [doc[sent.start - 1].sent] if sent.start > 0 else []
    around += following_sentences(sent, 1)
    for other in around:
        if not any(ch in other.text for ch in _QUOTES):
            continue
        root = other.root
        stance = stance_of(root)
        speaker = speaker_of(root) if stance else None
        if speaker is not None and stance is not None:
            return _source(speaker, mentions, stance)
    return []


def _source(head: Token, mentions: Mentions, stance: str) -> list[ClaimSource]:
    """The source a phrase names (one, or none for a pronoun whose speaker is not found)."""
    lex = lexicon()
    phrase = list(head.subtree)
    party = _party_in(phrase, mentions)
    document = head.lemma_.lower() in lex.claim_nouns  # "the statement said", "the post added"
    if head.lower_ in lex.speaker_pronouns or (document and party is None):
        antecedent = _previous_speaker(head)
        return _source(antecedent, mentions, stance) if antecedent is not None else []
    if document:
        return [ClaimSource("government", "", party, stance)]  # "Russia's statement said"
    left = [t for t in phrase if t.i <= head.i]
    words = [t for t in left if t.dep_ not in _SKIP_DEPS and not _is_party(t, mentions)]
    label = " ".join(t.text for t in words)
    kind = _kind(head, left, label, party, mentions)
    if kind == "outlet":
        label = _outlet_name(" ".join(t.text for t in phrase)) or label
        if not any(t.lower_ in lex.state_words for t in left):
            party = None  # a newspaper of a state does not speak for it; state media does
    elif kind == "unnamed":
        label = f"unnamed {head.lemma_.lower()}"
    elif kind == "government" and party is None:  # "the ministry", "a spokesman": the body named before
        party = _party_before(head, mentions, any_body=not any(t.pos_ == "PROPN" for t in left))
    if kind == "government":
        label = "" if _is_party(head, mentions) else _title(words)
    elif kind == "other" or (kind == "outlet" and not _outlet_name(label)):
        label = label.lower()
    return [ClaimSource(kind, label, party, stance)]


def _title(words: list[Token]) -> str:
    """One spelling per body, whatever the article's capitals: "Defence Ministry", "Joint Staff", "NORAD"."""
    return " ".join(w.text if w.text.isupper() else w.text[:1].upper() + w.text[1:].lower() for w in words)


def _kind(head: Token, left: list[Token], label: str, party: str | None, mentions: Mentions) -> str:
    lex = lexicon()
    lemma = head.lemma_.lower()
    if (
        _outlet_name(" ".join(t.text for t in left))
        or lemma in lex.outlet_words
        or head.lower_ in lex.outlet_words
    ):
        return "outlet"
    named = any(t.pos_ == "PROPN" and not _is_party(t, mentions) for t in left)
    if lemma in lex.unnamed_words and not named:
        return "unnamed"
    if _is_party(head, mentions) or lemma in lex.official_words:
        return "government"
    if party or any(t.lower_ in lex.official_words for t in left):
        return "government"
    return "other"


def _outlet_name(text: str) -> str | None:
    """The longest named outlet in `text` (case-sensitive, on word boundaries)."""
    found = [n for n in lexicon().outlet_names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)]
    return max(found, key=len) if found else None


def _is_party(token: Token, mentions: Mentions) -> bool:
    m = mentions.get(token.i)
    return m is not None and m.kind in PARTY_KINDS


def _party_in(tokens: Iterable[Token], mentions: Mentions) -> str | None:
    for t in tokens:
        m = mentions.get(t.i)
        if m is not None and m.kind in PARTY_KINDS:
            return m.key
    return None


def _party_before(head: Token, mentions: Mentions, *, any_body: bool, window: int = 400) -> str | None:
    """ "the ministry": the party of the last phrase with the same head ("Japan's defence ministry"),
    else (`any_body`) of the last government body named before ("a spokesman" after "the Finnish
    Border Guard")."""
    doc = head.doc
    lemma = head.lemma_.lower()
    official = lexicon().official_words
    fallback: str | None = None
    for i in range(head.i - 1, max(-1, head.i - window), -1):
        t = doc[i]
        same = t.lemma_.lower() == lemma
        if same or (any_body and fallback is None and t.lemma_.lower() in official):
            party = _party_in(t.subtree, mentions)
            if party and same:
                return party
            fallback = fallback or party
    return fallback


def _previous_speaker(pronoun: Token) -> Token | None:
    """The nearest speaker before a pronoun speaker that is not a pronoun itself."""
    doc = pronoun.doc
    words = lexicon().speaker_pronouns
    start = pronoun.sent.start
    for _ in range(SPEAKER_LOOKBACK):
        if start == 0:
            return None
        sent = doc[start - 1].sent
        for t in reversed(list(sent)):
            speaker = speaker_of(t) if stance_of(t) else None
            if speaker is not None and speaker.lower_ not in words:
                return speaker
        start = sent.start
    return None
