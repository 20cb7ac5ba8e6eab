"""Mentions and relations from a parsed spaCy `Doc`: pure functions, no I/O.

The rules read the dependency parse. For each trigger word (lexicon.json) they find
the arguments the grammar gives it — subject and object in active and passive voice,
shared arguments of coordinated verbs, the controller of "scrambled X to intercept Y",
the noun a relative clause hangs on, the "of"/"by" phrases of a nominalisation — and
resolve each argument to the most specific entity its noun phrase names, falling back
to the most recent compatible entity for pronouns and definite descriptions.

Confidence (documented in docs/extraction.md) starts from how directly the grammar
states the relation and is lowered for hedges, context-resolved arguments and modality.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kg.dates import sentence_date
from kg.gazetteer import Gazetteer
from kg.lexicon import (
    AIRCRAFT_WORDS,
    BLOCKING_HEADS,
    CATEGORY_NOUNS,
    DESTINATION_PREPS,
    EVENT_NOUNS,
    FUTURE_MODALS,
    HEDGES,
    LEXICON,
    LOCATION_PREPS,
    NEGATIONS,
    ORG_HEADS,
    SKIP_MODALS,
    TRIGGERS,
)
from kg.nlp.pipeline import KINDS, PLACE_LABELS
from kg.records import Article, Evidence, Mention, Relation

Token = Any
Span = Any
Doc = Any

_SUBJ = {"nsubj", "nsubjpass", "csubj"}
_CORE_SKIP = {
    "relcl",
    "acl",
    "advcl",
    "ccomp",
    "xcomp",
    "conj",
    "cc",
    "appos",
    "punct",
    "prep",
    "dative",
    "parataxis",
}
_PREP = ("prep", "dative")
_PLACE_KINDS = {"Nation", "Base", "Sea", "Location"}
_ACTOR_KINDS = {"Nation", "Alliance"}
_PLACE_PREPS = {
    "near",
    "around",
    "off",
    "in",
    "over",
    "at",
    "toward",
    "towards",
    "into",
    "across",
    "along",
    "within",
    "inside",
    "on",
    "above",
    "through",
    "close",
    "between",
}
_QUANTITY_HEADS = {
    "pair",
    "couple",
    "number",
    "group",
    "flight",
    "formation",
    "dozen",
    "trio",
    "one",
    "two",
    "three",
    "four",
    "some",
    "several",
    "both",
    "all",
    "each",
    "many",
    "none",
    "most",
    "squadron",
    "squadrons",
    "wave",
    "series",
    "batch",
    "contingent",
    "detachment",
    "rotation",
}
_PLACE_NOUNS = {
    "airspace",
    "territory",
    "territories",
    "waters",
    "border",
    "borders",
    "coast",
    "coastline",
    "soil",
    "zone",
    "adiz",
    "region",
    "area",
    "island",
    "islands",
    "skies",
    "sky",
    "shores",
    "peninsula",
}
_CAUSE_NOUNS = {
    "activity",
    "activities",
    "launch",
    "launches",
    "incursion",
    "incursions",
    "provocation",
    "provocations",
    "drill",
    "drills",
    "exercise",
    "exercises",
    "flight",
    "flights",
    "test",
    "tests",
    "deployment",
    "move",
    "incident",
    "incidents",
    "violation",
    "violations",
    "patrol",
    "patrols",
    "buildup",
    "build-up",
    "threat",
    "threats",
    "aggression",
    "intrusion",
    "intrusions",
}
_DESCRIBE_VERBS = {
    "describe",
    "call",
    "see",
    "view",
    "characterise",
    "characterize",
    "portray",
    "present",
    "frame",
    "label",
    "justify",
    "term",
    "regard",
    "consider",
    "bill",
    "cast",
    "explain",
}
_SPEECH_VERBS = {
    "say",
    "tell",
    "announce",
    "report",
    "confirm",
    "state",
    "add",
    "claim",
    "note",
    "warn",
    "accuse",
    "urge",
    "insist",
    "stress",
    "write",
    "post",
    "allege",
    "declare",
    "explain",
    "believe",
}
_MILITARY_NOUNS = frozenset(LEXICON.get("military_nouns", [])) | {
    "troop",
    "troops",
    "force",
    "forces",
    "soldier",
    "soldiers",
    "unit",
    "units",
    "battalion",
    "battalions",
    "brigade",
    "brigades",
    "squadron",
    "squadrons",
    "jet",
    "jets",
    "aircraft",
    "bomber",
    "bombers",
    "fighter",
    "fighters",
    "plane",
    "planes",
    "warplane",
    "warplanes",
    "ship",
    "ships",
    "warship",
    "warships",
    "destroyer",
    "destroyers",
    "frigate",
    "frigates",
    "submarine",
    "submarines",
    "system",
    "systems",
    "battery",
    "batteries",
    "missile",
    "missiles",
    "launcher",
    "launchers",
    "personnel",
    "marines",
    "carrier",
    "group",
    "drone",
    "drones",
    "asset",
    "assets",
    "interceptor",
    "interceptors",
    "tanker",
    "tankers",
    "helicopter",
    "helicopters",
}


# ---------------------------------------------------------------- mentions


@dataclass
class Ment:
    """A mention while reading one document (internal; becomes a `Mention` record)."""

    span: Span
    key: str
    kind: str
    form: str  # name | demonym | metonym
    cls: str  # aircraft role or weapon kind, "" when unknown
    heading: bool = False  # inside a sub-heading or teaser line (not the headline)

    @property
    def start(self) -> int:
        return int(self.span.start_char)


@dataclass(frozen=True)
class Arg:
    """A resolved relation argument."""

    key: str
    kind: str
    token: int
    count: int | None = None
    operator: str | None = None  # nation key named as owner in the noun phrase
    via_context: bool = False


@dataclass
class DocContext:
    """What the rules need about one document: mentions by token, reference data, discourse state."""

    doc: Doc
    article: Article
    gaz: Gazetteer
    ments: list[Ment]
    by_token: dict[int, Ment]
    heading_lines: list[tuple[int, int]]
    headline: tuple[int, int] | None
    operated_by: dict[str, str] = field(default_factory=dict)
    salient: dict[int, list[Arg]] = field(default_factory=dict)  # sentence start token -> nation-level actors
    echoes: list[Ment] = field(default_factory=list)  # resolved pronouns and descriptions, for recency
    sent_starts: list[int] = field(default_factory=list)  # token index of each sentence start
    ment_starts: list[int] = field(default_factory=list)  # character start of each mention, sorted
    # named places of a sentence from the NER run on demand (`kg.nlp.pipeline.place_finder`); None: doc.ents
    find_places: Callable[[Span], list[Span]] | None = None


def find_mentions(doc: Doc, gaz: Gazetteer, forms: dict[tuple[str, str], set[str]]) -> list[Ment]:
    """Every gazetteer or pattern entity in the doc, in text order."""
    from kg.gazetteer import normalise

    ments = []
    for ent in doc.ents:
        if ent.label_ not in KINDS or not ent.ent_id_:
            continue
        names = forms.get((normalise(ent.text), ent.ent_id_), {"name"})
        form = "demonym" if names == {"demonym"} else "metonym" if names == {"metonym"} else "name"
        entity = gaz.entity(ent.ent_id_)
        cls = entity.cls if entity else ""
        if ent.label_ == "Aircraft" and not cls:
            cls = _role_from_context(ent)
        ments.append(Ment(ent, ent.ent_id_, ent.label_, form, cls))
    return ments


def _role_from_context(ent: Span) -> str:
    doc = ent.doc
    for t in doc[ent.end : min(ent.end + 3, len(doc))]:
        role = AIRCRAFT_WORDS.get(t.lower_)
        if role:
            return "" if role == "Aircraft" else role
    return ""


# ---------------------------------------------------------------- headings


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


# ---------------------------------------------------------------- noun phrases


def _core_tokens(head: Token) -> list[Token]:
    """The head noun and its modifiers, without clauses, preposition phrases or conjuncts.

    Names written right before the head count as its modifiers even where the parser
    attached them elsewhere (designations such as "F-15J" are often mis-tagged).
    """
    out = [head]
    doc = head.doc
    i = head.i - 1
    while (
        i >= 0
        and (doc[i].ent_type_ in KINDS or doc[i].text in {"'", "\u2019", '"'})
        and doc[i].head.i != head.i
    ):
        out.append(doc[i])
        i -= 1
    stack = [c for c in head.children if c.dep_ not in _CORE_SKIP]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(
            c for c in t.children if c.dep_ not in {"relcl", "acl", "advcl", "ccomp", "appos", "punct"}
        )
    return out


def _pp_tokens(head: Token, preps: set[str]) -> list[Token]:
    out: list[Token] = []
    for child in head.children:
        if child.dep_ in _PREP and child.lower_ in preps:
            out.extend(child.subtree)
    return out


def _nummod(head: Token) -> int | None:
    words = {
        "a": 1,
        "an": 1,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "pair": 2,
        "dozen": 12,
        "couple": 2,
    }
    for child in head.children:
        if child.dep_ == "nummod":
            text = child.lower_.replace(",", "")
            if text.isdigit():
                return int(text)
            if text in words:
                return words[text]
    # "a pair of Tu-95s": the count word is the head of the "of" phrase
    if (
        head.dep_ == "pobj"
        and head.head.lower_ == "of"
        and head.head.head.lower_ in {"pair", "couple", "dozen"}
    ):
        return words[head.head.head.lower_]
    return None


def _ments_in(ctx: DocContext, tokens: Iterable[Token]) -> list[Ment]:
    seen: dict[int, Ment] = {}
    for t in tokens:
        m = ctx.by_token.get(t.i)
        if m is not None:
            seen[id(m)] = m
    return sorted(seen.values(), key=lambda m: m.start)


def resolve_np(
    ctx: DocContext,
    head: Token,
    *,
    exclude: set[str] | frozenset[str] = frozenset(),
    allow_context: bool = True,
) -> list[Arg]:
    """The entities a noun phrase names (one per coordinated head), most specific first."""
    if head is None:
        return []
    if head.pos_ in {"NOUN", "PROPN", "PRON", "NUM", "X"}:
        # "F-22 and F-35A fighters sent to Kadena": a category noun closing a coordination covers all of it
        earlier = [c for c in head.conjuncts if c.i < head.i] if head.lower_ in CATEGORY_NOUNS else []
        heads = [*earlier, head, *[c for c in head.conjuncts if c.i > head.i]]
    else:
        heads = [head]
    # "the pair of Tu-95s", "a number of Chinese jets": the entity sits in the "of" phrase
    out: list[Arg] = []
    for h in heads:
        if h.lower_ in _QUANTITY_HEADS or (h.pos_ == "NUM" and h.dep_ != "nummod"):
            of = [c for c in h.children if c.dep_ in _PREP and c.lower_ == "of"]
            objs = [g for c in of for g in c.children if g.dep_ == "pobj"]
            if objs:
                for arg in resolve_np(ctx, objs[0], exclude=exclude, allow_context=allow_context):
                    out.append(
                        Arg(
                            arg.key,
                            arg.kind,
                            arg.token,
                            arg.count or _nummod(objs[0]) or 2 if h.lower_ == "pair" else arg.count,
                            arg.operator,
                            arg.via_context,
                        )
                    )
                continue
        for arg in _resolve_head(ctx, h, exclude, allow_context):
            if all(a.key != arg.key for a in out):
                out.append(arg)
    return out


def _resolve_head(
    ctx: DocContext, head: Token, exclude: set[str] | frozenset[str], allow_context: bool
) -> list[Arg]:
    own = ctx.by_token.get(head.i)
    core = _core_tokens(head)
    ments = [m for m in _ments_in(ctx, core) if m.key not in exclude and not _maker(m)]
    if own is not None and own.key not in exclude:
        ments = [own, *[m for m in ments if m is not own]]
    specific = [m for m in ments if m.kind in {"Aircraft", "WeaponSystem", "Base", "Sea", "Location"}]
    named = [m for m in ments if m.kind in _ACTOR_KINDS and m.form != "demonym"]
    demonyms = [m for m in ments if m.kind in _ACTOR_KINDS and m.form == "demonym"]
    owners = [m for m in [*named, *demonyms] if m.kind == "Nation"]
    operator = owners[0].key if len({m.key for m in owners}) == 1 else None
    if operator is None:
        of_owner = [m for m in _ments_in(ctx, _pp_tokens(head, {"of", "from"})) if m.kind == "Nation"]
        if len({m.key for m in of_owner}) == 1:
            operator = of_owner[0].key
    count = _nummod(head)
    definite = any(
        c.lower_ in {"the", "these", "those", "this", "that", "such", "its", "their"}
        for c in head.children
        if c.dep_ in {"det", "poss"}
    )
    category = CATEGORY_NOUNS.get(head.lower_)
    coordinated = any(t.dep_ in {"cc", "conj"} for t in core if t.i != head.i)
    if not specific:
        specific = [
            m
            for c in head.children
            if c.dep_ == "appos"
            for m in _ments_in(ctx, [c])
            if m.kind in {"Aircraft", "WeaponSystem"} and m.key not in exclude
        ]
    if specific:
        chosen = specific if coordinated else specific[:1]
        return [
            Arg(m.key, m.kind, head.i, count, operator if m.kind in {"Aircraft", "WeaponSystem"} else None)
            for m in dict((m.key, m) for m in chosen).values()
        ]
    if category and definite and allow_context:
        plural = head.tag_ in {"NNS", "NNPS"} or head.lower_ in {"aircraft", "targets", "formation"}
        found = _antecedents(ctx, head, category, operator, exclude, plural)
        if found:
            return [Arg(m.key, m.kind, head.i, count, operator, via_context=True) for m in found]
    if named or demonyms:
        chosen = (named + demonyms) if coordinated else (named or demonyms)[:1]
        return [Arg(m.key, m.kind, head.i, count) for m in dict((m.key, m) for m in chosen).values()]
    of_ments = [
        m for m in _ments_in(ctx, _pp_tokens(head, {"of"})) if m.kind in _ACTOR_KINDS and m.key not in exclude
    ]
    if of_ments and (
        head.lower_ in ORG_HEADS or head.lower_ in CATEGORY_NOUNS or head.lemma_.lower() in _MILITARY_NOUNS
    ):
        return [Arg(of_ments[0].key, of_ments[0].kind, head.i, count)]
    if allow_context and head.pos_ == "PRON" and head.lower_ in {"they", "them", "it"}:
        found = _antecedents(
            ctx, head, "Aircraft" if head.lower_ != "it" else "Any", None, exclude, head.lower_ != "it"
        )
        return [Arg(m.key, m.kind, head.i, count, via_context=True) for m in found]
    return []


def _maker(m: Ment) -> bool:
    """ "U.S.-made", "Russian-built": the maker, not the owner."""
    doc = m.span.doc
    nxt = doc[m.span.end : m.span.end + 2]
    return (
        len(nxt) == 2
        and nxt[0].text in {"-", "\u2010", "\u2013"}
        and nxt[1].lower_
        in {"made", "built", "designed", "manufactured", "supplied", "produced", "developed"}
    )


def _antecedents(
    ctx: DocContext,
    head: Token,
    category: str,
    operator: str | None,
    exclude: set[str] | frozenset[str],
    plural: bool,
) -> list[Ment]:
    """The most recent compatible mention before `head` (this sentence or the three before it);
    for a plural, every compatible mention of that mention's sentence."""
    if not ctx.sent_starts:
        ctx.sent_starts = [s.start for s in ctx.doc.sents]
    sent_starts = ctx.sent_starts
    here = bisect.bisect_right(sent_starts, head.i) - 1
    window_start = ctx.doc[sent_starts[max(here - 3, 0)]].idx
    found: list[Ment] = []
    for m in _window(ctx, window_start, head.idx):
        if m.key in exclude or m.heading:
            continue
        if m.span.start <= head.i < m.span.end or not _compatible(ctx, m, category, operator):
            continue
        whole_sentence = operator is not None and category == "Aircraft"
        if found and (not plural or (_group(m) != _group(found[0]) and not whole_sentence)):
            if m.span.sent.start != found[0].span.sent.start:
                break
            continue
        if all(f.key != m.key for f in found):
            found.append(m)
        if not plural:
            break
    for m in found:  # the description now names them: later references find it first
        ctx.echoes.append(Ment(head.doc[head.i : head.i + 1], m.key, m.kind, m.form, m.cls))
    return sorted(found, key=lambda m: m.start)


def _window(ctx: DocContext, start: int, end: int) -> list[Ment]:
    """Mentions and resolved descriptions starting in [start, end), most recent first.

    Bisects the (sorted) mention list rather than scanning it: long documents have thousands.
    """
    if len(ctx.ment_starts) != len(ctx.ments):
        ctx.ments.sort(key=lambda m: m.start)
        ctx.ment_starts = [m.start for m in ctx.ments]
    lo, hi = bisect.bisect_left(ctx.ment_starts, start), bisect.bisect_left(ctx.ment_starts, end)
    recent_echoes = [m for m in ctx.echoes[-64:] if start <= m.start < end]
    return sorted([*ctx.ments[lo:hi], *recent_echoes], key=lambda m: m.start, reverse=True)


def _group(m: Ment) -> int:
    """The coordination a mention belongs to ("H-6K and Tu-95MS bombers" share one)."""
    t = m.span.root
    while t.dep_ in {"compound", "amod", "nmod", "nummod", "appos"} and t.head.i != t.i:
        t = t.head
    while t.dep_ == "conj" and t.head.i != t.i:
        t = t.head
    return int(t.i)


def _compatible(ctx: DocContext, m: Ment, category: str, operator: str | None) -> bool:
    if category == "Actor":
        return m.kind in _ACTOR_KINDS
    if category == "Any":
        return m.kind in {"Aircraft", "WeaponSystem", "Nation", "Alliance"} and m.form != "demonym"
    if category == "WeaponSystem":
        ok = m.kind == "WeaponSystem"
    elif category == "Aircraft":
        ok = m.kind == "Aircraft"
    else:
        ok = m.kind == "Aircraft" and (
            m.cls == category or (category == "Fighter" and m.cls in {"", "Fighter"})
        )
    if ok and operator is not None:
        known = ctx.operated_by.get(m.key)
        entity = ctx.gaz.entity(m.key)
        operators = {known} if known else set(entity.operators if entity else ())
        ok = operator in operators if operators else True
    return ok


def nation_of(ctx: DocContext, arg: Arg) -> str | None:
    """The nation or alliance an argument stands for (aircraft → its operator)."""
    if arg.kind in _ACTOR_KINDS:
        return arg.key
    if arg.operator:
        return arg.operator
    if arg.key in ctx.operated_by:
        return ctx.operated_by[arg.key]
    entity = ctx.gaz.entity(arg.key)
    if entity is None and arg.kind == "Aircraft":
        return None
    if entity is not None and entity.family and not entity.operators:
        entity = ctx.gaz.entity(entity.family)
    if entity is not None and len(entity.operators) == 1:
        return entity.operators[0]
    return None


# ---------------------------------------------------------------- syntax helpers


def _children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _is_passive(verb: Token) -> bool:
    if any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children):
        return True
    if verb.tag_ == "VBN" and verb.dep_ == "acl" and not _children(verb, "nsubj", "dobj"):
        return True  # "the KC-135 tankers based at Mildenhall", "bombers escorted by Su-35s"
    if verb.tag_ == "VBN" and verb.dep_ in {"advcl", "relcl"} and not _children(verb, "nsubj", "dobj"):
        return any(c.dep_ == "agent" for c in verb.children)
    if verb.tag_ == "VBN" and verb.dep_ == "conj" and not _children(verb, "nsubj", "dobj"):
        return _is_passive(verb.head)  # "were tracked, intercepted and escorted by F-16s"
    return False


def _described(participle: Token) -> Token:
    """The noun a participle describes: ", the Il-20, accompanied by ..." may hang on the wrong noun."""
    doc = participle.doc
    i = participle.i - 1
    while i > 0 and doc[i].is_punct:
        i -= 1
    if i >= 0 and doc[i].ent_type_ in {"Aircraft", "WeaponSystem"} and doc[i].i != participle.head.i:
        return doc[i]
    return participle.head


def _antecedent_of_relative(token: Token) -> Token:
    """ "which"/"that"/"who" as a relative clause's subject stands for the noun the clause modifies."""
    if token.lower_ not in {"which", "that", "who", "whom"}:
        return token
    clause = token.head
    while clause.dep_ == "conj" and clause.head.i != clause.i:
        clause = clause.head
    return clause.head if clause.dep_ in {"relcl", "acl"} else token


def _passive_head(verb: Token) -> Token:
    while verb.dep_ == "conj" and not _children(verb, "nsubjpass") and verb.head.i != verb.i:
        verb = verb.head
    return verb


def _agents(verb: Token) -> list[Token]:
    """Every "by" phrase of a passive verb ("escorted by F-35As and by F-16s")."""
    out = []
    verbs = [verb, *(v for v in verb.conjuncts if v.tag_ == "VBN" and not _children(v, "nsubj", "nsubjpass"))]
    for v in verbs:
        for c in v.children:
            if c.dep_ == "agent" or (c.dep_ in _PREP and c.lower_ == "by"):
                for prep in [c, *c.conjuncts]:
                    out += _children(prep, "pobj")
        if out:
            break
    return out


def _agent(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ == "agent" or (c.dep_ in _PREP and c.lower_ == "by"):
            objs = _children(c, "pobj")
            if objs:
                return objs[0]
    return None


def _subject(verb: Token) -> Token | None:
    """The grammatical subject of a verb, inherited through conjunction and control."""
    for _ in range(6):
        subj = _children(verb, "nsubj", "nsubjpass")
        if subj:
            # "ØRLAND, Norway (Wire) - Four B-1B bombers arrived": the subject nearest the verb
            before = [t for t in subj if t.i < verb.i]
            s = before[-1] if before else subj[0]
            if s.lower_ in {"that", "which", "who"} and verb.dep_ == "relcl":
                return verb.head
            return s
        if verb.dep_ == "conj" and verb.head.pos_ in {"VERB", "AUX"}:
            verb = verb.head
            continue
        if verb.dep_ in {"relcl", "acl"}:
            return verb.head
        if verb.dep_ in {"xcomp", "advcl", "pcomp"}:
            controller = verb.head
            if verb.dep_ == "pcomp":
                controller = controller.head
            obj = _children(controller, "dobj")
            if obj and verb.dep_ == "xcomp":
                return obj[0]
            if controller.pos_ in {"NOUN", "PROPN"}:
                return controller
            verb = controller
            continue
        return None
    return None


def _object(verb: Token) -> Token | None:
    objs = _children(verb, "dobj")
    if objs:
        return _antecedent_of_relative(objs[0])
    for other in verb.conjuncts:
        if other.pos_ in {"VERB", "AUX"}:
            objs = _children(other, "dobj")
            if objs:
                return _antecedent_of_relative(objs[0])
    if verb.dep_ in {"relcl"} and _children(verb, "nsubj"):
        return verb.head
    return None


def _blocked(verb: Token) -> str | None:
    """Why a trigger does not state a real event: negation, capability, modality."""
    chain = [verb]
    t = verb
    if any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"} for c in verb.children):
        return "conditional"
    while (
        not (t.dep_ == "conj" and _children(t, "nsubj", "nsubjpass"))
        and (
            t.dep_ in {"xcomp", "conj", "ccomp"}
            or (t.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children))
        )
        and t.head.i != t.i
    ):
        t = t.head
        chain.append(t)
    for v in chain:
        if any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"} for c in v.children):
            return "conditional"
        for c in v.children:
            if c.dep_ == "neg" or (c.dep_ in {"advmod", "det"} and c.lower_ in NEGATIONS - {"no"}):
                return "negated"
            if c.dep_ == "aux" and c.lower_ in SKIP_MODALS:
                return "modal"
    t = verb
    while t.dep_ in {"xcomp", "ccomp", "acl", "pcomp", "dobj", "pobj", "prep", "advcl"} and t.head.i != t.i:
        t = t.head
        if t.lemma_.lower() in BLOCKING_HEADS:
            return "capability"
        if t.dep_ == "conj":
            break
    if verb.dep_ in {"xcomp", "pcomp"}:
        head = verb.head if verb.dep_ == "xcomp" else verb.head.head
        if head.lemma_.lower() in BLOCKING_HEADS or head.lower_ in {"able", "capable", "designed", "ready"}:
            return "capability"
        acomp = [c for c in head.children if c.dep_ == "acomp" and c.lower_ in {"able", "capable", "ready"}]
        if acomp:
            return "capability"
    t = verb
    for _ in range(4):  # "built for one job: to intercept bombers", "capable of intercepting"
        if (
            t.dep_ not in {"acl", "xcomp", "advcl", "pcomp", "pobj", "prep", "appos", "relcl"}
            or t.head.i == t.i
        ):
            break
        t = t.head
        if t.lemma_.lower() in BLOCKING_HEADS or t.lower_ in {
            "able",
            "capable",
            "designed",
            "built",
            "ready",
        }:
            return "capability"
    return None


def _denied(*heads: Token | None) -> bool:
    """ "no aircraft were intercepted", "intercepted no aircraft"."""
    return any(
        h is not None
        and any(c.lower_ in {"no", "none", "neither"} for c in h.children if c.dep_ in {"det", "preconj"})
        for h in heads
    )


def _hedged(sent: Span) -> bool:
    return any(t.lower_ in HEDGES for t in sent) or "according to unconfirmed" in sent.text.lower()


def _future(verb: Token) -> bool:
    t = verb
    for _ in range(3):
        if any(c.dep_ == "aux" and c.lower_ in FUTURE_MODALS for c in t.children):
            return True
        if t.head.lemma_ in {"plan", "announce", "decide", "agree", "intend"} or t.dep_ not in {
            "xcomp",
            "conj",
        }:
            return t.head.lemma_ in {"plan", "decide", "agree"}
        t = t.head
    return False


# ---------------------------------------------------------------- relations


@dataclass
class Candidate:
    """A relation found by a rule, before records are made."""

    predicate: str
    actor: Arg
    target: Arg
    sent: Span
    trigger: Token
    confidence: float
    location: str | None = None


def extract_relations(ctx: DocContext) -> list[Relation]:
    """All relations of the document, one per (predicate, actor, target, sentence)."""
    out: list[Relation] = []
    seen: set[tuple[str, str, str, int]] = set()
    for sent in ctx.doc.sents:
        if _in_subheading(ctx, sent) or sent.text.rstrip().endswith("?"):
            continue
        candidates = list(_sentence_candidates(ctx, sent))
        for c in candidates:
            if c.actor.key == c.target.key:
                continue
            key = (c.predicate, c.actor.key, c.target.key, sent.start)
            if key in seen:
                continue
            seen.add(key)
            out.append(_to_relation(ctx, c))
        _remember_salient(ctx, sent, candidates)
    return out


def _is_headline(ctx: DocContext, sent: Span) -> bool:
    return ctx.headline is not None and ctx.headline[0] <= sent.start_char < ctx.headline[1]


def _in_subheading(ctx: DocContext, sent: Span) -> bool:
    for start, end in ctx.heading_lines:
        if (start, end) == ctx.headline:
            continue
        if start <= sent.start_char and sent.end_char <= end + 1:
            return True
    return False


def _to_relation(ctx: DocContext, c: Candidate) -> Relation:
    sent = c.sent
    text = ctx.article.text[sent.start_char : sent.end_char]
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    evidence = Evidence(
        ctx.article.doc_id, stripped, sent.start_char + lead, sent.start_char + lead + len(stripped)
    )
    hedged = _hedged(sent)
    confidence = c.confidence * (0.7 if hedged else 1.0)
    when: dt.date | None = sentence_date(text, ctx.article.date)
    return Relation(
        predicate=c.predicate,
        actor=c.actor.key,
        target=c.target.key,
        doc_id=ctx.article.doc_id,
        evidence=evidence,
        confidence=round(confidence, 3),
        location=c.location,
        date=when,
        actor_count=c.actor.count,
        target_count=c.target.count,
        trigger=c.trigger.text,
        hedged=hedged,
    )


def _remember_salient(ctx: DocContext, sent: Span, candidates: list[Candidate]) -> None:
    """Nation-level actors of this sentence, for event nouns ("this move", "the launch") in later ones.

    The acting subject of the main clause counts, not the speaker: in "Seoul says Pyongyang
    fired a missile" the actor is Pyongyang.
    """
    actors = _clause_actors(ctx, sent)
    if not actors:
        for c in candidates:
            nation = nation_of(ctx, c.actor)
            if nation and all(a.key != nation for a in actors):
                actors.append(Arg(nation, "Nation", c.trigger.i))
    if actors:
        ctx.salient[sent.start] = actors


def _main_verb(sent: Span) -> Token:
    root = sent.root
    if root.lemma_.lower() in _SPEECH_VERBS:
        reported = _children(root, "ccomp")
        if reported:
            return reported[0]
    return root


def _clause_actors(ctx: DocContext, sent: Span) -> list[Arg]:
    verb = _main_verb(sent)
    subj = _subject(verb) if verb.pos_ in {"VERB", "AUX"} else None
    if subj is None or _is_event_reference(subj):
        return []
    out: list[Arg] = []
    for arg in resolve_np(ctx, subj, allow_context=False):
        nation = nation_of(ctx, arg)
        if nation and all(a.key != nation for a in out):
            out.append(Arg(nation, "Alliance" if nation.startswith("alliance:") else "Nation", subj.i))
    return out


def _last_salient(ctx: DocContext, sent: Span) -> list[Arg]:
    earlier = [start for start in ctx.salient if start < sent.start]
    return ctx.salient[max(earlier)] if earlier else []


def _sentence_candidates(ctx: DocContext, sent: Span) -> Iterator[Candidate]:
    for token in sent:
        lemma = token.lemma_.lower()
        if token.pos_ in {"VERB", "AUX"} or (token.tag_.startswith("VB")):
            yield from _verb_candidates(ctx, sent, token, lemma)
        elif token.pos_ in {"NOUN", "PROPN"}:
            yield from _noun_candidates(ctx, sent, token, lemma)
    yield from _tit_for_tat(ctx, sent)


def _verb_predicate(token: Token, lemma: str) -> str | None:
    for predicate in ("intercepted", "escorted"):
        spec = TRIGGERS[predicate]
        if lemma in spec.get("verbs", []):
            return predicate
        for verb, particles in spec.get("particle_verbs", {}).items():
            if lemma == verb and any(c.dep_ == "prt" and c.lower_ in particles for c in token.children):
                return predicate
    if (
        lemma in TRIGGERS["intercepted"].get("xcomp_verbs", [])
        and token.dep_ in {"xcomp", "advcl"}
        and token.head.lemma_.lower() == "scramble"
    ):
        return "intercepted"
    if lemma in TRIGGERS["deployedTo"]["verbs"]:
        return "deployedTo"
    if lemma in TRIGGERS["respondedTo"]["verbs"]:
        return "respondedTo"
    if lemma in TRIGGERS["respondedTo"].get("counter_verbs", []):
        return "countered"
    return None


def _verb_candidates(ctx: DocContext, sent: Span, verb: Token, lemma: str) -> Iterator[Candidate]:
    predicate = _verb_predicate(verb, lemma)
    if predicate is None or _blocked(verb):
        return
    base = 0.9 * (0.9 if _future(verb) else 1.0)
    if predicate in {"intercepted", "escorted"}:
        yield from _contact_candidates(ctx, sent, verb, predicate, base)
    elif predicate == "deployedTo":
        yield from _deploy_candidates(ctx, sent, verb, base)
    elif predicate == "respondedTo":
        yield from _respond_verb_candidates(ctx, sent, verb, base)
    elif predicate == "countered":
        yield from _counter_candidates(ctx, sent, verb, base)


def _contact_candidates(
    ctx: DocContext, sent: Span, verb: Token, predicate: str, base: float
) -> Iterator[Candidate]:
    """intercepted / escorted: who did it to whom."""
    confidence = base
    if _is_passive(verb):
        target_tok = [_antecedent_of_relative(t) for t in _children(_passive_head(verb), "nsubjpass")]
        target_head = (
            target_tok[0]
            if target_tok
            else (_described(verb) if verb.dep_ in {"acl", "relcl"} else _subject(verb))
        )
        actor_head = None
        targets = resolve_np(ctx, target_head)
        actors = [
            a for head in _agents(verb) for a in resolve_np(ctx, head, exclude={t.key for t in targets})
        ]
        if not actors:
            actors = _context_actor(ctx, sent, verb, targets)
            confidence *= 0.7
    else:
        actor_head = _subject(verb)
        target_head = _object(verb)
        actors = resolve_np(ctx, actor_head)
        targets = resolve_np(ctx, target_head, exclude={a.key for a in actors})
    if _denied(target_head, actor_head if not _is_passive(verb) else None):
        return
    location = _location(ctx, verb)
    for actor in actors:
        if actor.kind not in {"Aircraft", "Nation", "Alliance", "WeaponSystem"}:
            continue
        for target in targets:
            if target.kind not in {"Aircraft", "Nation", "Alliance", "WeaponSystem"}:
                continue
            c = confidence * (0.85 if actor.via_context or target.via_context else 1.0)
            yield Candidate(predicate, actor, target, sent, verb, c, location)


def _context_actor(ctx: DocContext, sent: Span, verb: Token, targets: list[Arg]) -> list[Arg]:
    """Agentless passive ("the bombers were intercepted"): the nearest other actor in the sentence."""
    if not targets:
        return []
    target_keys = {t.key for t in targets}
    target_nations = {nation_of(ctx, t) for t in targets}
    best: list[Arg] = []
    for m in _ments_in(ctx, sent):
        if m.key in target_keys or m.kind not in {"Aircraft", "Nation", "Alliance"}:
            continue
        arg = Arg(m.key, m.kind, m.span.root.i, via_context=True)
        nation = nation_of(ctx, arg)
        if nation in target_nations or (m.form == "demonym" and _modifies_any(m, targets)):
            continue
        if m.span.root.i > verb.i and m.span.root.head.lower_ in {"from", "of"}:
            continue
        best.append(arg)
    aircraft = [a for a in best if a.kind == "Aircraft"]
    if aircraft or best:
        return aircraft[:1] or best[:1]
    # "F-15Js were scrambled. Two H-6K bombers were intercepted.": the actor of the sentence before
    previous = [
        m
        for m in ctx.ments
        if m.span.sent.end == sent.start
        and m.kind in {"Aircraft", "Nation", "Alliance"}
        and m.key not in target_keys
        and not m.heading
    ]
    for m in reversed(previous):
        arg = Arg(m.key, m.kind, m.span.root.i, via_context=True)
        if m.kind == "Aircraft" and nation_of(ctx, arg) not in target_nations:
            return [arg]
    return []


def _modifies_any(m: Ment, targets: list[Arg]) -> bool:
    return any(m.span.root.head.i == t.token for t in targets)


def _location(ctx: DocContext, verb: Token) -> str | None:
    """A sea, base or place named in the clause ("over the Barents Sea")."""
    verbs = [verb, *[c for c in verb.conjuncts if c.pos_ in {"VERB", "AUX"}]]
    ranked: list[tuple[int, int, str]] = []
    rank = {"Sea": 0, "Base": 1, "Location": 2, "Nation": 3}
    for v in verbs:
        for prep in _children(v, *_PREP):
            if prep.lower_ not in LOCATION_PREPS:
                continue
            for m in _ments_in(ctx, prep.subtree):
                if m.kind in rank and m.form != "demonym":
                    ranked.append((rank[m.kind], abs(m.span.start - v.i), m.key))
    return min(ranked)[2] if ranked else None


def _deploy_candidates(ctx: DocContext, sent: Span, verb: Token, base: float) -> Iterator[Candidate]:
    """deployedTo: what was sent, stationed or arrived, and where to."""
    lemma = verb.lemma_.lower()
    passive = _is_passive(verb)
    theme_head = None
    if passive:
        subj = [_antecedent_of_relative(t) for t in _children(verb, "nsubjpass")]
        theme_head = subj[0] if subj else (verb.head if verb.dep_ in {"acl", "relcl"} else _subject(verb))
    else:
        theme_head = _object(verb) if lemma not in {"arrive", "land"} else None
        if theme_head is None:
            theme_head = _subject(verb)
    if theme_head is None:
        return
    themes = [
        t for t in resolve_np(ctx, theme_head) if t.kind in {"Aircraft", "WeaponSystem", "Nation", "Alliance"}
    ]
    confidence = base
    if not themes and theme_head.lemma_.lower() in _MILITARY_NOUNS | {"force"}:
        deployer = _subject(verb) if not passive else _agent(verb)
        themes = (
            [a for a in resolve_np(ctx, deployer) if a.kind in _ACTOR_KINDS] if deployer is not None else []
        )
        confidence *= 0.9
    if not themes:
        return
    if (
        not passive
        and lemma not in {"arrive", "land"}
        and any(a.kind in _ACTOR_KINDS for a in themes)
        and _object(verb) is not None
        and not _military(ctx, _object(verb))
    ):
        return  # "sent a letter to Lithuania"
    destinations = _destinations(ctx, verb, theme_head)
    location = _location(ctx, verb)
    for theme in themes:
        for dest in destinations:
            if dest.key == theme.key or (theme.kind in _ACTOR_KINDS and dest.key == theme.key):
                continue
            c = confidence * (0.85 if theme.via_context else 1.0)
            yield Candidate("deployedTo", theme, dest, sent, verb, c, location)


def _military(ctx: DocContext, head: Token) -> bool:
    return head.lemma_.lower() in _MILITARY_NOUNS or any(
        m.kind in {"Aircraft", "WeaponSystem"} for m in _ments_in(ctx, _core_tokens(head))
    )


def _destinations(ctx: DocContext, verb: Token, theme_head: Token | None) -> list[Arg]:
    """Places after to/into/in/at/over in the verb's clause (not "from", not other clauses)."""
    found: list[tuple[int, int, Arg]] = []

    def visit(node: Token, depth: int) -> None:
        for child in node.children:
            if child.dep_ in {"relcl", "advcl", "ccomp", "csubj", "parataxis", "nsubj", "nsubjpass", "agent"}:
                continue
            if child.dep_ == "xcomp" and node is verb:
                continue
            if child.dep_ == "conj" and child.pos_ in {"VERB", "AUX"}:
                continue
            if child.dep_ in _PREP:
                word = child.lower_
                if word == "from" or word not in DESTINATION_PREPS:
                    if word in {"for", "with", "as", "during", "under"}:
                        visit(child, depth + 1)
                    continue
                if word == "in" and any(
                    g.lower_ in {"response", "reaction", "retaliation"} for g in child.children
                ):
                    continue
                for obj in _children(child, "pobj"):
                    for arg in resolve_np(ctx, obj, allow_context=False):
                        if arg.kind in _PLACE_KINDS:
                            found.append((-DESTINATION_PREPS[word] + depth, obj.i, arg))
                continue
            visit(child, depth + 1 if child.dep_ not in {"dobj", "prt"} else depth)

    visit(verb, 0)
    for conj in verb.conjuncts:
        if conj.pos_ in {"VERB", "AUX"} and conj.i > verb.i and not _children(conj, "dobj", "nsubj"):
            visit(conj, 0)
    for place in _unknown_places(ctx, verb):
        found.append(place)
    if not found:
        return []
    best = min(score for score, _, _ in found)
    tier = sorted(((i, arg) for score, i, arg in found if score == best), key=lambda x: x[0])
    first_i = tier[0][0]
    linked = {first_i, *(c.i for c in verb.doc[first_i].conjuncts)}
    out: list[Arg] = []
    for i, arg in tier:  # "at RAAF Base Tindal in Australia's Northern Territory": the first place only
        if i in linked and all(a.key != arg.key for a in out):
            out.append(arg)
    return out


def _unknown_places(ctx: DocContext, verb: Token) -> list[tuple[int, int, Arg]]:
    """Destinations the gazetteer lacks but the NER knows as places (GPE, LOC, FAC)."""
    out = []
    for prep in _children(verb, *_PREP):
        if prep.lower_ not in {"to", "into", "at", "in"}:
            continue
        for obj in _children(prep, "pobj"):
            if obj.i in ctx.by_token or not any(t.text[:1].isupper() for t in obj.subtree):
                continue  # a named place has a capitalised name; the NER is costly to ask
            ent = _named_place(ctx, obj)
            if ent is None:
                continue
            from kg.gazetteer import slug

            key = f"location:{slug(ent.text)}"
            ment = Ment(ent, key, "Location", "name", "")
            ctx.ments.append(ment)
            for i in range(ent.start, ent.end):
                ctx.by_token[i] = ment
            out.append((-DESTINATION_PREPS[prep.lower_], obj.i, Arg(key, "Location", obj.i)))
    return out


def _named_place(ctx: DocContext, token: Token) -> Span | None:
    """The GPE, LOC or FAC entity covering `token`, from the NER run on its sentence if not in the doc."""
    ents = ctx.doc.ents if ctx.find_places is None else ctx.find_places(token.sent)
    return next((e for e in ents if e.start <= token.i < e.end and e.label_ in PLACE_LABELS), None)


def _nations_in(ctx: DocContext, tokens: Iterable[Token], exclude: set[str]) -> list[Arg]:
    """Nation-level parties named in a phrase, skipping places ("drills near Taiwan", "Polish airspace").

    Owners and agents of the phrase's head ("NATO's reinforcement of Poland", "drills conducted
    by China") outrank other nations in it.
    """
    tokens = list(tokens)
    if not tokens:
        return []
    top = {t.i for t in tokens}
    heads = [t for t in tokens if t.head.i not in top or t.head.i == t.i]
    primary: set[int] = set()
    for h in heads:
        for conj in [h, *h.conjuncts]:
            primary.update(t.i for t in _core_tokens(conj) if t.i != conj.i or conj.i in ctx.by_token)
    for t in tokens:
        if (t.dep_ == "pobj" and t.head.lower_ == "by") or t.dep_ == "agent":
            primary.update(x.i for x in t.subtree)
    agentive: set[int] = set()
    for t in tokens:
        if t.dep_ in {"nsubj", "nsubjpass"}:
            agentive.update(x.i for x in _core_tokens(t))
    first: list[Arg] = []
    second: list[Arg] = []
    rest: list[Arg] = []
    for m in _ments_in(ctx, tokens):
        if _under_place_prep(m.span.root, top) or _maker(m) or m.span.root.head.lower_ in _PLACE_NOUNS:
            continue
        arg = Arg(m.key, m.kind, m.span.root.i)
        if m.kind in {"Aircraft", "WeaponSystem"}:
            owned = _resolve_head(ctx, m.span.root, frozenset(), False)
            nation = nation_of(ctx, owned[0]) if owned else nation_of(ctx, arg)
        elif m.kind in _ACTOR_KINDS:
            nation = m.key
        else:
            nation = None
        if not nation or nation in exclude:
            continue
        root = m.span.root.i
        bucket = first if root in primary else second if root in agentive else rest
        if all(a.key != nation for a in [*first, *second, *rest]):
            bucket.append(Arg(nation, "Alliance" if nation.startswith("alliance:") else "Nation", root))
    return first or second or rest


def _under_place_prep(token: Token, within: set[int]) -> bool:
    t = token
    while t.i in within and t.head.i != t.i:
        if t.dep_ == "pobj" and t.head.lower_ in _PLACE_PREPS:
            return True
        t = t.head
    return False


def _is_event_reference(head: Token) -> bool:
    return (
        head.lower_ in EVENT_NOUNS
        or head.lemma_.lower() in EVENT_NOUNS
        or (head.pos_ == "PRON" and head.lower_ in {"it", "this", "that", "them", "they", "these", "those"})
    )


def _actor_level(ctx: DocContext, head: Token | None, sent: Span) -> list[Arg]:
    """The nation or alliance acting: the subject's nations, or the last sentence's actors for "this move"."""
    if head is None:
        return []
    nations: list[Arg] = []

    def add(nation: str | None, token: int, via: bool = False) -> None:
        if nation and all(n.key != nation for n in nations):
            nations.append(
                Arg(
                    nation, "Alliance" if nation.startswith("alliance:") else "Nation", token, via_context=via
                )
            )

    if head.lemma_.lower() in ORG_HEADS or head.lemma_.lower() in _MILITARY_NOUNS:
        # "South Korean and US forces": every nation that owns the forces acts
        for m in _ments_in(ctx, _core_tokens(head)):
            if m.kind in _ACTOR_KINDS and not _maker(m):
                add(m.key, m.span.root.i)
    if not nations:
        for arg in resolve_np(
            ctx, head, allow_context=head.pos_ == "PRON" and head.lower_ in {"they", "them"}
        ):
            add(nation_of(ctx, arg), arg.token, arg.via_context)
    if nations:
        return nations
    if _is_event_reference(head) or head.pos_ in {"NOUN", "PROPN"}:
        inside = _nations_in(ctx, [t for t in head.subtree if t.i != head.i], set())
        if inside:
            return inside
    if _is_event_reference(head):
        return [Arg(a.key, a.kind, a.token, via_context=True) for a in _salient_before(ctx, sent, head)]
    return []


def _salient_before(ctx: DocContext, sent: Span, token: Token) -> list[Arg]:
    """Actors in force at `token`: this sentence's own subject if it precedes, else the last sentence's."""
    root = _main_verb(sent)
    subj = _subject(root) if root.pos_ in {"VERB", "AUX"} else None
    if (
        subj is not None
        and subj.i < token.i
        and not _is_event_reference(subj)
        and token.i not in {t.i for t in subj.subtree}
    ):
        here: list[Arg] = []
        for arg in resolve_np(ctx, subj, allow_context=False):
            nation = nation_of(ctx, arg)
            if nation and all(h.key != nation for h in here):
                here.append(Arg(nation, "Nation", subj.i))
        if here:
            return here
    return _last_salient(ctx, sent)


def _respond_verb_candidates(ctx: DocContext, sent: Span, verb: Token, base: float) -> Iterator[Candidate]:
    """ "X responded to Y", "X retaliated against Y", "X responds with A to counter B"."""
    actors = _actor_level(ctx, _subject(verb), sent)
    if not actors:
        return
    exclude = {a.key for a in actors}
    target_tokens: list[Token] = []
    for prep in _children(verb, *_PREP):
        if prep.lower_ in {"to", "against"}:
            target_tokens += [t for obj in _children(prep, "pobj", "pcomp") for t in obj.subtree]
    for child in _children(verb, "xcomp", "advcl"):
        if child.lemma_.lower() in TRIGGERS["respondedTo"].get("counter_verbs", []):
            obj = _object(child)
            if obj is not None:
                target_tokens += list(obj.subtree)
    targets = _nations_in(ctx, target_tokens, exclude)
    confidence = base
    if not target_tokens:
        targets = [a for a in _last_salient(ctx, sent) if a.key not in exclude]
        confidence *= 0.7
    elif not targets and any(_is_event_reference(t) for t in target_tokens if t.dep_ in {"pobj", "dobj"}):
        targets = [a for a in _last_salient(ctx, sent) if a.key not in exclude]
        confidence *= 0.8
    for actor in actors:
        for target in targets:
            yield Candidate(
                "respondedTo", actor, target, sent, verb, confidence * (0.85 if actor.via_context else 1.0)
            )


def _counter_candidates(ctx: DocContext, sent: Span, verb: Token, base: float) -> Iterator[Candidate]:
    """ "X deployed Y to counter Z": X responded to Z (unless "respond" already governs it)."""
    if verb.head.lemma_.lower() in TRIGGERS["respondedTo"]["verbs"]:
        return
    if verb.dep_ not in {"xcomp", "advcl", "ROOT", "conj", "relcl", "acl"}:
        return
    actors = _actor_level(ctx, _subject(verb), sent)
    obj = _object(verb)
    if not actors or obj is None:
        return
    targets = _nations_in(ctx, obj.subtree, {a.key for a in actors})
    for actor in actors:
        for target in targets:
            yield Candidate("respondedTo", actor, target, sent, verb, base * 0.9)


def _tit_for_tat_noun(noun: Token) -> bool:
    """ "a tit-for-tat move", "retaliatory flights"."""
    left = noun.doc[max(noun.left_edge.i, noun.i - 6) : noun.i]
    return any(t.lower_ in {"tat", "retaliatory"} for t in left)


def _noun_candidates(ctx: DocContext, sent: Span, noun: Token, lemma: str) -> Iterator[Candidate]:
    if (
        lemma in TRIGGERS["respondedTo"]["nouns"]
        or noun.lower_ in TRIGGERS["respondedTo"]["nouns"]
        or (_tit_for_tat_noun(noun) and noun.lemma_.lower() in EVENT_NOUNS | {"signal", "measure", "reply"})
    ):
        yield from _response_noun_candidates(ctx, sent, noun)
    elif lemma in TRIGGERS["intercepted"]["nouns"] or lemma in TRIGGERS["escorted"]["nouns"]:
        predicate = "intercepted" if lemma in TRIGGERS["intercepted"]["nouns"] else "escorted"
        yield from _contact_noun_candidates(ctx, sent, noun, predicate)
    elif lemma in TRIGGERS["deployedTo"]["nouns"]:
        yield from _deploy_noun_candidates(ctx, sent, noun)


def _prep_objects(noun: Token, word: str) -> list[Token]:
    return [obj for prep in _children(noun, *_PREP) if prep.lower_ == word for obj in _children(prep, "pobj")]


def _contact_noun_candidates(ctx: DocContext, sent: Span, noun: Token, predicate: str) -> Iterator[Candidate]:
    """ "the interception of X by Y", "Y's interception of X"."""
    if _noun_negated(noun):
        return
    of = _prep_objects(noun, "of")
    by = _prep_objects(noun, "by") or [
        t for o in of for t in o.subtree if t.dep_ == "pobj" and t.head.lower_ == "by"
    ]
    poss = _children(noun, "poss")
    if by:
        actors, targets = (
            resolve_np(ctx, by[0]),
            (resolve_np(ctx, of[0]) if of else resolve_np(ctx, poss[0]) if poss else []),
        )
    elif poss and of:
        actors, targets = resolve_np(ctx, poss[0]), resolve_np(ctx, of[0])
    else:
        return
    for actor in actors:
        for target in targets:
            if actor.kind in {"Aircraft", "Nation", "Alliance"} and target.kind in {
                "Aircraft",
                "Nation",
                "Alliance",
            }:
                yield Candidate(predicate, actor, target, sent, noun, 0.8, _location_of_noun(ctx, noun))


def _noun_negated(noun: Token) -> bool:
    """ "no interception", "without escort", "simulated the interception of ..."."""
    return (
        any(c.lower_ in {"no", "without"} for c in noun.children)
        or noun.head.lower_ == "without"
        or (noun.dep_ in {"dobj", "nsubjpass"} and noun.head.lemma_.lower() in BLOCKING_HEADS)
    )


def _location_of_noun(ctx: DocContext, noun: Token) -> str | None:
    for prep in _children(noun, *_PREP):
        if prep.lower_ in LOCATION_PREPS:
            for m in _ments_in(ctx, prep.subtree):
                if m.kind in {"Sea", "Base", "Location"}:
                    return m.key
    return None


def _deploy_noun_candidates(ctx: DocContext, sent: Span, noun: Token) -> Iterator[Candidate]:
    """ "the deployment of Patriot batteries to Poland"."""
    if _noun_negated(noun):
        return
    of = _prep_objects(noun, "of")
    themes = resolve_np(ctx, of[0]) if of else []
    if not themes:
        owners = [
            m
            for m in _ments_in(ctx, _core_tokens(noun))
            if m.kind in _ACTOR_KINDS and m.span.root.i != noun.i
        ]
        themes = [Arg(m.key, m.kind, m.span.root.i) for m in owners[:1]]
    themes = [t for t in themes if t.kind in {"Aircraft", "WeaponSystem", "Nation", "Alliance"}]
    dests: list[Arg] = []
    for word in ("to", "into", "in", "at", "on"):
        for obj in _prep_objects(noun, word) + [o for t in of for o in _prep_objects(t, word)]:
            dests += [a for a in resolve_np(ctx, obj, allow_context=False) if a.kind in _PLACE_KINDS]
        if dests:
            break
    for theme in themes:
        for dest in dests:
            if theme.key != dest.key:
                yield Candidate("deployedTo", theme, dest, sent, noun, 0.8)


def _response_noun_candidates(ctx: DocContext, sent: Span, noun: Token) -> Iterator[Candidate]:
    """ "Russia's response to X", "in response to X", "was a response to X", "In reaction, Japan ..."."""
    if _noun_negated(noun) or any(c.dep_ == "neg" for c in noun.head.children):
        return
    target_preps = {"to", "against"} | (
        {"for"} if noun.lemma_.lower() in {"retaliation", "reprisal"} else set()
    )
    objs = [o for word in target_preps for o in _prep_objects(noun, word)]
    target_tokens = [t for obj in objs for t in obj.subtree]
    for prep in _children(noun, *_PREP):
        if prep.lower_ in target_preps and not _children(prep, "pobj"):
            target_tokens += [t for c in prep.children for t in c.subtree]
    actors = _response_actor(ctx, sent, noun)
    if not actors:
        return
    exclude = {a.key for a in actors}
    confidence = 0.85
    if target_tokens:
        targets = _nations_in(ctx, target_tokens, exclude)
        if not targets and any(_is_event_reference(o) or o.lemma_.lower() in _CAUSE_NOUNS for o in objs):
            targets = [a for a in _last_salient(ctx, sent) if a.key not in exclude]
            confidence = 0.7
    elif noun.dep_ == "pobj" and noun.head.lower_ == "in" and noun.head.head.pos_ in {"VERB", "AUX"}:
        # "In reaction, X scrambled jets as Beijing and Moscow ...": the cause is in context
        rest = [t for t in sent if t.i > noun.i and not _in_np_of(t, actors)]
        targets = [a for a in _nations_in(ctx, rest, exclude) if a.key not in exclude]
        if not targets:
            targets = [a for a in _last_salient(ctx, sent) if a.key not in exclude]
        confidence = 0.7
    else:
        return
    for actor in actors:
        for target in targets:
            yield Candidate(
                "respondedTo", actor, target, sent, noun, confidence * (0.85 if actor.via_context else 1.0)
            )


def _in_np_of(token: Token, actors: list[Arg]) -> bool:
    return any(token.i == a.token for a in actors)


def _response_actor(ctx: DocContext, sent: Span, noun: Token) -> list[Arg]:
    poss = _children(noun, "poss")
    if poss:
        return _actor_level(ctx, poss[0], sent)
    by = _prep_objects(noun, "by") + _prep_objects(noun, "from")
    if by:
        return _actor_level(ctx, by[0], sent)
    owners = [
        m for m in _ments_in(ctx, _core_tokens(noun)) if m.kind in _ACTOR_KINDS and m.span.root.i != noun.i
    ]
    if owners:
        return [Arg(owners[0].key, owners[0].kind, owners[0].span.root.i)]
    head = noun.head
    governor_verb = head.head if noun.dep_ == "pobj" and head.lower_ == "as" else head
    if governor_verb.lemma_.lower() in _DESCRIBE_VERBS and any(
        c.lower_ == "what" for c in governor_verb.children
    ):
        # "China sent jets ... in what its command called retaliation for ...": the main clause acts
        t = governor_verb
        while t.head.i != t.i and not (t.dep_ in {"pobj", "pcomp"} and t.head.lower_ == "in"):
            t = t.head
        if t.head.lower_ == "in" and t.head.head.pos_ in {"VERB", "AUX"}:
            return _actor_level(ctx, _subject(t.head.head), sent)
    if governor_verb.lemma_.lower() in _DESCRIBE_VERBS and noun.dep_ in {
        "pobj",
        "oprd",
        "attr",
        "dobj",
        "conj",
        "ccomp",
    }:
        # "officials described the deployment as a response to ...": the deployment's actor
        described = _children(governor_verb, "dobj", "nsubjpass")
        if described:
            return _actor_level(ctx, described[0], sent)
    if noun.dep_ == "conj":
        return _response_actor(ctx, sent, noun.head)
    if noun.dep_ == "pobj" and head.dep_ in _PREP:
        governor = head.head
        # "NATO conducting exercises in response to ...", "X was seen as a response to ..."
        if governor.pos_ in {"VERB", "AUX"}:
            subj = _subject(governor)
            if _is_passive(governor) and _agent(governor) is not None:
                subj = _agent(governor)
            return _actor_level(ctx, subj, sent)
        if governor.pos_ in {"NOUN", "PROPN"}:
            # "exercises in response to": the exercises' subject, else the noun phrase itself
            verb = governor.head if governor.dep_ in {"dobj", "nsubj", "attr"} else None
            if verb is not None and verb.pos_ in {"VERB", "AUX"}:
                return _actor_level(ctx, _subject(verb), sent)
            return _actor_level(ctx, governor, sent)
    if noun.dep_ in {"attr", "acomp"} and head.pos_ in {"AUX", "VERB"}:
        return _actor_level(ctx, _subject(head), sent)
    if noun.dep_ in {"nsubj"} and head.pos_ in {"VERB", "AUX"}:
        return []
    return []


def _tit_for_tat(ctx: DocContext, sent: Span) -> Iterator[Candidate]:
    """ "tit-for-tat" with an explicit acting subject and exactly one other party in the sentence."""
    text = sent.text.lower()
    if not any(marker in text.replace("-", " ") for marker in ("tit for tat",)):
        return
    root = sent.root
    subj = _subject(root) if root.pos_ in {"VERB", "AUX"} else None
    if subj is None or subj.lower_ in EVENT_NOUNS:
        return
    actors = _actor_level(ctx, subj, sent)
    if len(actors) != 1:
        return
    others = [
        a
        for a in _nations_in(
            ctx, [t for t in sent if t.i not in {x.i for x in subj.subtree}], {actors[0].key}
        )
    ]
    if len(others) == 1:
        yield Candidate("respondedTo", actors[0], others[0], sent, root, 0.6)


# ---------------------------------------------------------------- document entry point


def operator_facts(ctx: DocContext) -> dict[str, str]:
    """Aircraft and weapons whose owner the text names ("a Russian MiG-31", "Japan's F-15s")."""
    facts: dict[str, set[str]] = {}
    for m in ctx.ments:
        if m.kind not in {"Aircraft", "WeaponSystem"}:
            continue
        args = _resolve_head(ctx, m.span.root, frozenset(), False)
        owner = args[0].operator if args and args[0].key == m.key else None
        if owner:
            facts.setdefault(m.key, set()).add(owner)
    return {key: next(iter(owners)) for key, owners in facts.items() if len(owners) == 1}


def build_context(
    doc: Doc,
    article: Article,
    gaz: Gazetteer,
    forms: dict[tuple[str, str], set[str]],
    find_places: Callable[[Span], list[Span]] | None = None,
) -> DocContext:
    headings, headline = heading_lines(article.text)
    ments = find_mentions(doc, gaz, forms)
    for m in ments:
        for start, end in headings:
            if (start, end) != headline and start <= m.start < end:
                m.heading = True
    by_token = {i: m for m in ments for i in range(m.span.start, m.span.end)}
    ctx = DocContext(doc, article, gaz, ments, by_token, headings, headline, find_places=find_places)
    ctx.operated_by = operator_facts(ctx)
    return ctx


def mention_records(ctx: DocContext) -> list[Mention]:
    sent_index = {s.start: i for i, s in enumerate(ctx.doc.sents)}
    return [
        Mention(
            ctx.article.doc_id,
            m.start,
            int(m.span.end_char),
            m.span.text,
            m.kind,
            m.key,
            sent_index.get(m.span.sent.start, -1),
        )
        for m in ctx.ments
    ]


def body_keys(ctx: DocContext) -> set[str]:
    """Keys mentioned outside sub-headings and teaser lines (headline included)."""
    return {m.key for m in ctx.ments if not m.heading}
