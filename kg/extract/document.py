"""One parsed article as the rules see it: its mentions, sentences, paragraphs and headings.

Takes a spaCy `Doc` (entities labelled by kind, canonical key in `ent_id_`), the `Article` it
was parsed from and the gazetteer; gives a `Document`: mentions indexed by token and by
position, the headline and sub-heading lines, paragraph boundaries (for reference across
sentences) and the discourse state the rules update as they read (resolved descriptions,
the actors of each sentence).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from kg.gazetteer import Gazetteer, normalise
from kg.lexicon import lexicon
from kg.nlp.pipeline import KINDS
from kg.records import Article

#: Category nouns that name aircraft (not weapons): "bomber", "jets", "the aircraft".
_ROLES = frozenset(
    {"Aircraft", "Bomber", "Fighter", "TankerAircraft", "UnmannedAircraft", "Helicopter", "TransportAircraft"}
)
#: Surface forms, as `kg.nlp.pipeline.surface_forms` gives them: (normalised text, key) -> forms.
Forms = dict[tuple[str, str], set[str]]
#: Named places of one sentence from the NER run on demand (`kg.nlp.pipeline.place_finder`).
PlaceFinder = Callable[[Span], list[Span]]


@dataclass
class MentionSpan:
    """A span of the doc that names an entity, while one document is read (becomes a `Mention`)."""

    span: Span
    key: str
    kind: str
    form: str  # name | demonym | metonym
    cls: str  # aircraft role or weapon kind ("Bomber"), "" when unknown
    heading: bool = False  # inside a sub-heading or teaser line (not the headline)

    @property
    def start(self) -> int:
        return int(self.span.start_char)

    @property
    def root(self) -> Token:
        return self.span.root


@dataclass(frozen=True)
class Argument:
    """An entity filling a role of a relation (actor, target), resolved from a noun phrase."""

    key: str
    kind: str
    token: int  # index of the noun-phrase head it was read from
    count: int | None = None
    operator: str | None = None  # nation key named as owner in the noun phrase
    via_context: bool = False  # found by reference to an earlier sentence, not named here
    how: str = "name"  # how the phrase gave it: name, demonym, pronoun, description, context, ner...

    @property
    def is_party(self) -> bool:
        """A nation or alliance, as opposed to a platform or a place."""
        return self.kind in {"Nation", "Alliance"}


@dataclass(frozen=True)
class RoleHint:
    """Which role a phrase fills, so that a reference prefers what filled that role before.

    An escort's or interceptor's target is usually the aircraft met earlier, and not one the
    other side (`other_party`) operates.
    """

    role: str  # "actor" | "target"
    other_party: str | None = None  # a reference avoids what this party operates
    away_from: str | None = None  # a reference that finds no type falls to a party other than this


@dataclass
class Document:
    """What the rules need about one document, and the discourse state they keep while reading."""

    doc: Doc
    article: Article
    gaz: Gazetteer
    mentions: list[MentionSpan]
    by_token: dict[int, MentionSpan]
    heading_lines: list[tuple[int, int]]
    headline: tuple[int, int] | None
    find_places: PlaceFinder | None = None
    operated_by: dict[str, str] = field(default_factory=dict)
    #: sentence start token -> the nation-level actors of that sentence ("this move" refers back to them)
    salient: dict[int, list[Argument]] = field(default_factory=dict)
    #: descriptions and pronouns already resolved ("the bombers" -> Tu-95MS), for recency
    echoes: list[MentionSpan] = field(default_factory=list)
    #: untyped platforms with their party ("a Russian bomber"): what a later "the aircraft" may refer to
    unnamed: list[MentionSpan] = field(default_factory=list)
    #: role -> keys that filled it in the candidates read so far ("target": the aircraft met), oldest first
    role_history: dict[str, list[str]] = field(default_factory=dict)
    sent_starts: list[int] = field(default_factory=list)
    paragraph_starts: list[int] = field(default_factory=list)  # token index of each paragraph start
    _mention_starts: list[int] = field(default_factory=list)

    def mention_at(self, token: Token) -> MentionSpan | None:
        return self.by_token.get(token.i)

    def mentions_in(self, tokens: Iterable[Token]) -> list[MentionSpan]:
        """The mentions covering any of `tokens`, each once, in text order."""
        seen: dict[int, MentionSpan] = {}
        for t in tokens:
            m = self.by_token.get(t.i)
            if m is not None:
                seen[id(m)] = m
        return sorted(seen.values(), key=lambda m: m.start)

    def add_mention(self, mention: MentionSpan) -> None:
        self.mentions.append(mention)
        for i in range(mention.span.start, mention.span.end):
            self.by_token[i] = mention

    def sentence_index(self, token_i: int) -> int:
        return bisect.bisect_right(self.sent_starts, token_i) - 1

    def paragraph_index(self, token_i: int) -> int:
        return bisect.bisect_right(self.paragraph_starts, token_i) - 1

    def window(self, start_char: int, end_char: int) -> list[MentionSpan]:
        """Mentions and resolved descriptions starting in [start_char, end_char), most recent first."""
        if len(self._mention_starts) != len(self.mentions):
            self.mentions.sort(key=lambda m: m.start)
            self._mention_starts = [m.start for m in self.mentions]
        lo = bisect.bisect_left(self._mention_starts, start_char)
        hi = bisect.bisect_left(self._mention_starts, end_char)
        echoes = [m for m in self.echoes[-64:] if start_char <= m.start < end_char]
        unnamed = [m for m in self.unnamed if start_char <= m.start < end_char]
        return sorted([*self.mentions[lo:hi], *echoes, *unnamed], key=lambda m: m.start, reverse=True)

    def actors_before(self, sent_start: int) -> list[str]:
        """The party-level actors of the nearest earlier sentence that had any (see `salient`)."""
        earlier = [start for start in self.salient if start < sent_start]
        return [a.key for a in self.salient[max(earlier)]] if earlier else []

    def in_headline(self, sent: Span) -> bool:
        return self.headline is not None and self.headline[0] <= sent.start_char < self.headline[1]

    def in_subheading(self, sent: Span) -> bool:
        for start, end in self.heading_lines:
            if (start, end) != self.headline and start <= sent.start_char and sent.end_char <= end + 1:
                return True
        return False


def find_mentions(doc: Doc, gaz: Gazetteer, forms: Forms) -> list[MentionSpan]:
    """Every gazetteer or pattern entity of the doc, in text order."""
    out = []
    for ent in doc.ents:
        if ent.label_ not in KINDS or not ent.ent_id_:
            continue
        names = forms.get((normalise(ent.text), ent.ent_id_), {"name"})
        form = "demonym" if names == {"demonym"} else "metonym" if names == {"metonym"} else "name"
        entity = gaz.entity(ent.ent_id_)
        cls = entity.cls if entity else ""
        if ent.label_ == "Aircraft" and not cls:
            cls = _role_from_context(ent)
        out.append(MentionSpan(ent, ent.ent_id_, ent.label_, form, cls))
    return sorted(out + _ship_prefixes(doc, gaz, out), key=lambda m: m.start)


def _ship_prefixes(doc: Doc, gaz: Gazetteer, found: list[MentionSpan]) -> list[MentionSpan]:
    """ "USS Donald Cook", "HMS Diamond": the prefix names the ship's state, as a demonym would."""
    taken = {i for m in found for i in range(m.span.start, m.span.end)}
    out = []
    for t in doc[:-1]:
        key = gaz.ship_prefixes.get(t.text)
        following = doc[t.i + 1].text
        if key and t.i not in taken and following[:1].isupper() and not following.isupper():
            out.append(MentionSpan(doc[t.i : t.i + 1], key, "Nation", "demonym", ""))
    return out


def _role_from_context(ent: Span) -> str:
    """ "a J-35 fighter": the role word right after an unknown designation."""
    words = lexicon().aircraft_words
    for t in ent.doc[ent.end : min(ent.end + 3, len(ent.doc))]:
        role = words.get(t.lower_)
        if role:
            return "" if role == "Aircraft" else role
    return ""


def heading_lines(text: str) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    """Lines that look like headings (Title Case, no final period), and which one is the headline."""
    spans = []
    headline = None
    seen_text = False
    for m in re.finditer(r"[^\n]+", text):
        line = m.group(0).strip()
        if not line:
            continue
        if _is_heading(line):
            spans.append((m.start(), m.end()))
            if not seen_text and headline is None:
                headline = (m.start(), m.end())
        seen_text = True
    return spans, headline


def _is_heading(line: str) -> bool:
    if len(line) > 220 or line.endswith((".", ",", ";", ":")) or line.endswith('."'):
        return False
    words = re.findall(r"[A-Za-z][\w'\u2019-]*", line)
    content = [w for w in words if len(w) > 3]
    if len(words) < 2 or not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper())
    return capitalised / len(content) >= 0.75


def sentence_case_headings(text: str, keep: set[str]) -> str:
    """Lower-case the Title Case words of heading lines (same length, so offsets hold) for a better parse."""
    spans, _ = heading_lines(text)
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        first = True
        for m in re.finditer(r"[A-Za-z][\w'\u2019-]*", text[start:end]):
            word = m.group(0)
            if (
                not first
                and word[0].isupper()
                and not word.isupper()
                and word not in keep
                and not any(c.isdigit() for c in word)
            ):
                i = start + m.start()
                chars[i] = chars[i].lower()
            first = False
    return "".join(chars)


def _paragraph_starts(doc: Doc) -> list[int]:
    """Token index of each paragraph: a blank line, or a line that starts a bullet or a new block."""
    starts = [0]
    for t in doc:
        if t.i and ((t.is_space and t.text.count("\n") >= 2) or doc[t.i - 1].whitespace_.count("\n") >= 2):
            starts.append(t.i + 1 if t.is_space else t.i)
    return sorted(set(i for i in starts if i < len(doc)))


def read_document(
    doc: Doc, article: Article, gaz: Gazetteer, forms: Forms, find_places: PlaceFinder | None = None
) -> Document:
    """The `Document` of a parsed article, mentions found and marked if in sub-headings."""
    headings, headline = heading_lines(article.text)
    mentions = find_mentions(doc, gaz, forms)
    for m in mentions:
        for start, end in headings:
            if (start, end) != headline and start <= m.start < end:
                m.heading = True
    by_token = {i: m for m in mentions for i in range(m.span.start, m.span.end)}
    document = Document(doc, article, gaz, mentions, by_token, headings, headline, find_places)
    document.sent_starts = [s.start for s in doc.sents]
    document.paragraph_starts = _paragraph_starts(doc)
    document.unnamed = unnamed_platforms(doc, by_token)
    return document


def unnamed_platforms(doc: Doc, by_token: dict[int, MentionSpan]) -> list[MentionSpan]:
    """ "A Russian bomber", "two Chinese drones": an aircraft of a named party whose type is not named,
    kept (form "unnamed", key = the party) so that "the aircraft" or "it" can refer back to it."""
    categories = lexicon().category_nouns
    out = []
    for t in doc:
        category = categories.get(t.lower_)
        if t.pos_ != "NOUN" or t.i in by_token or category not in _ROLES:
            continue
        modifiers = [
            by_token[c.i] for c in t.children if c.i in by_token and c.dep_ in {"amod", "compound", "nmod"}
        ]
        if any(m.kind in {"Aircraft", "WeaponSystem"} for m in modifiers):
            continue  # "two Tu-95 bombers" names its type
        parties = {m.key for m in modifiers if m.kind in {"Nation", "Alliance"}}
        if len(parties) == 1:
            key = next(iter(parties))
            role = "" if category == "Aircraft" else category
            out.append(MentionSpan(doc[t.i : t.i + 1], key, "Aircraft", "unnamed", role))
    return out
