"""Noun phrases to entities: which entities a phrase headed by a token names.

Takes a `Document` and the head token of a noun phrase; gives `Argument`s, most specific
first: the aircraft or weapon type if the phrase names one, else the nation or alliance.
Coordination, apposition, companions ("together with two Su-30s"), colon lists ("a mixed
formation: two MiG-31s and an Su-27") and quantities ("a pair of Tu-95s", "two of the F-35As")
are followed to every entity they cover; definite descriptions and pronouns ("the bombers",
"them") are resolved by `kg.extract.coref`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from spacy.tokens import Token

from kg.extract import coref
from kg.extract.attribution import governing_verbs, speaker_of
from kg.extract.document import Argument, Document, MentionSpan, RoleHint
from kg.lexicon import lexicon
from kg.nlp.pipeline import KINDS

_CLAUSE_DEPS = {"relcl", "acl", "advcl", "ccomp", "appos", "punct"}
_CORE_SKIP = _CLAUSE_DEPS | {"xcomp", "conj", "cc", "prep", "dative", "parataxis"}
_PREP_DEPS = ("prep", "dative")
_QUOTES = {"'", "\u2019", '"'}
SPECIFIC_KINDS = frozenset({"Aircraft", "WeaponSystem", "Base", "Sea", "Location"})
PLATFORM_KINDS = frozenset({"Aircraft", "WeaponSystem"})
PARTY_KINDS = frozenset({"Nation", "Alliance"})


def children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def prep_objects(head: Token, *words: str) -> list[Token]:
    """Objects of the prepositions `words` hanging on `head` ("of", "by"...)."""
    return [
        obj
        for prep in children(head, *_PREP_DEPS, "agent")
        if prep.lower_ in words
        for obj in children(prep, "pobj", "pcomp")
    ]


def core_tokens(head: Token) -> list[Token]:
    """The head noun and its modifiers, without clauses, preposition phrases or conjuncts.

    Names written right before the head count as its modifiers even where the parser
    attached them elsewhere (designations such as "F-15J" are often mis-tagged).
    """
    out = [head]
    doc = head.doc
    i = head.i - 1
    while (
        head.pos_ != "PRON"
        and i >= 0
        and (doc[i].ent_type_ in KINDS or doc[i].text in _QUOTES)
        and doc[i].head.i != head.i
        and doc[i].dep_ != "pobj"  # "Over Osan it was escorted": Osan is no modifier of "it"
    ):
        out.append(doc[i])
        i -= 1
    stack = [c for c in head.children if c.dep_ not in _CORE_SKIP]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ not in _CLAUSE_DEPS)
    return out


def count_of(head: Token) -> int | None:
    """The number a noun phrase gives ("two Tu-95s", "a pair of", "four")."""
    numbers = lexicon().number_words
    for child in head.children:
        if child.dep_ == "nummod":
            text = child.lower_.replace(",", "")
            if text.isdigit():
                return int(text)
            if text in numbers:
                return numbers[text]
    if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lower_ in numbers:
        return numbers[head.head.head.lower_]
    if head.pos_ == "NUM" and head.lower_ in numbers:
        return numbers[head.lower_]
    return None


def is_maker(m: MentionSpan) -> bool:
    """ "U.S.-made", "Russian-built", "Lithuania-based": the maker of a platform or the place it is
    based at, not its owner."""
    doc = m.span.doc
    nxt = doc[m.span.end : m.span.end + 2]
    lex = lexicon()
    return (
        len(nxt) == 2
        and nxt[0].text in {"-", "\u2010", "\u2013"}
        and (nxt[1].lower_ in lex.maker_words or nxt[1].lower_ in lex.located_words)
    )


def heads_of(head: Token) -> list[Token]:
    """Every noun-phrase head `head` stands for: its conjuncts, companions and listed members."""
    if head.pos_ not in {"NOUN", "PROPN", "PRON", "NUM", "X"}:
        return [head]
    lex = lexicon()
    earlier = [c for c in head.conjuncts if c.i < head.i] if head.lower_ in lex.category_nouns else []
    out = [*earlier, head, *[c for c in head.conjuncts if c.i > head.i]]
    for h in list(out):
        for obj in prep_objects(h, *lex.companion_preps):  # "the MiG-29, together with two Su-30s"
            out += [obj, *obj.conjuncts]
        for appos in children(h, "appos"):  # "four aircraft, two Tu-95s and two Su-27s"
            if _lists_platforms(h, appos):
                out += [appos, *appos.conjuncts]
    members = _colon_list(head) + _identified_as(head)
    if members:  # "a mixed formation: two MiG-31s and an Su-27": the group is its members, not a reference
        out = [t for t in out if t.i != head.i] + members
    seen: dict[int, Token] = {}
    for t in out:
        seen.setdefault(t.i, t)
    return list(seen.values())


def _lists_platforms(head: Token, appos: Token) -> bool:
    """Is `appos` a further member of a list of aircraft or weapons (not "NATO members" after nations)?"""
    platform = {"Aircraft", "WeaponSystem"}
    if head.lower_ not in lexicon().group_nouns and head.ent_type_ not in platform:
        return False
    between = head.doc[min(head.i, appos.i) + 1 : max(head.i, appos.i)]
    if any(t.text == ":" or (t.pos_ in {"VERB", "AUX"} and t.dep_ not in {"amod", "acl"}) for t in between):
        return False  # the parser hung a later list (after a colon, past the verb) on this phrase
    return any(t.ent_type_ in platform for a in [appos, *appos.conjuncts] for t in a.subtree)


def _identified_as(head: Token) -> list[Token]:
    """ "intercepted the formation and identified it as four Tu-95s and four Il-78s": the members."""
    if head.lower_ not in lexicon().group_nouns:
        return []
    verbs = [v for v in head.sent if v.lemma_.lower() in lexicon().identify_verbs and v.i > head.i]
    objects = [o for v in verbs for p in children(v, "prep") if p.lower_ == "as" for o in children(p, "pobj")]
    return [t for o in objects for t in [o, *o.conjuncts]]


def _colon_list(head: Token) -> list[Token]:
    """ "a mixed formation: two MiG-31s, two Su-34s and an Su-27": the list after the colon."""
    doc = head.doc
    end = head.right_edge.i + 1
    if (
        end >= len(doc)
        or doc[end].text not in {":", "\u2014", "-"}
        or head.lower_ not in lexicon().group_nouns
    ):
        return []
    sent_end = head.sent.end
    out = []
    for t in doc[end + 1 : sent_end]:
        if t.ent_type_ == "Aircraft" and (t.i + 1 >= sent_end or doc[t.i + 1].ent_type_ != "Aircraft"):
            out.append(t)
        elif t.pos_ == "VERB" and t.dep_ not in {"amod", "compound"}:
            break
    return out


def entities_of(
    document: Document,
    head: Token | None,
    *,
    exclude: frozenset[str] = frozenset(),
    allow_context: bool = True,
    hint: RoleHint | None = None,
) -> list[Argument]:
    """The entities the noun phrase headed by `head` names (one per coordinated head), most specific first.

    `hint` says which role the phrase fills, for the references it contains (`kg.extract.coref`).
    """
    if head is None:
        return []
    lex = lexicon()
    out: list[Argument] = []
    for h in heads_of(head):
        if h.lower_ in lex.quantity_heads or (h.pos_ == "NUM" and h.dep_ != "nummod"):
            members = prep_objects(h, "of")
            if members:
                count = count_of(h) or (2 if h.lower_ == "pair" else None)
                inner = entities_of(
                    document,
                    members[0],
                    exclude=exclude,
                    allow_context=allow_context,
                    hint=hint,
                )
                out += [_with_count(arg, arg.count if h.lower_ != "pair" else count) for arg in inner]
                continue
        for arg in _entities_of_head(document, h, exclude, allow_context, hint):
            if all(a.key != arg.key for a in out):
                out.append(arg)
    return out


def _with_count(arg: Argument, count: int | None) -> Argument:
    return replace(arg, count=count or arg.count)


def _owner(document: Document, head: Token, mentions: list[MentionSpan]) -> str | None:
    """The one nation a phrase names as owner ("Russian", "Japan's", "of the Russian air force", "its")."""
    owners = {m.key for m in mentions if m.kind == "Nation"}
    if len(owners) == 1:
        return next(iter(owners))
    of_owner = {m.key for m in document.mentions_in(_pp_tokens(head, "of", "from")) if m.kind == "Nation"}
    if len(of_owner) == 1:
        return next(iter(of_owner))
    if not owners and any(c.lower_ in lexicon().first_person_words for c in children(head, "poss")):
        return first_person_party(document, head)  # "our fighters", said by the Polish command
    possessive = [c for c in children(head, "poss") if c.lower_ in lexicon().possessive_pronouns]
    if possessive and not owners:  # "its pilots": the one party that acted in the sentence before
        actors = document.actors_before(head.sent.start)
        return actors[0] if len(actors) == 1 and actors[0].startswith("nation:") else None
    return None


def first_person_party(document: Document, head: Token) -> str | None:
    """The party of whoever says "we" or "our ...": the speaker of the speech verb the phrase is
    reported by ("'Our jets intercepted two Su-24s,' the Danish ministry said" -> Denmark)."""
    for verb, _ in governing_verbs(head):
        speaker = speaker_of(verb)
        if speaker is None:
            continue
        parties = {m.key for m in document.mentions_in(core_tokens(speaker)) if m.kind == "Nation"}
        if len(parties) == 1:
            return next(iter(parties))
    return None


def _pp_tokens(head: Token, *preps: str) -> list[Token]:
    return [t for child in children(head, *_PREP_DEPS) if child.lower_ in preps for t in child.subtree]


def _entities_of_head(
    document: Document, head: Token, exclude: frozenset[str], allow_context: bool, hint: RoleHint | None
) -> list[Argument]:
    """The entities one noun-phrase head names: a platform or place first, then by reference
    ("the bombers" -> the type named before), then the parties it names, then references again."""
    own = document.mention_at(head)
    core = core_tokens(head)
    mentions = [m for m in document.mentions_in(core) if m.key not in exclude and not is_maker(m)]
    if own is not None and own.key not in exclude:
        mentions = [own, *[m for m in mentions if m is not own]]
    parties = [m for m in mentions if m.kind in PARTY_KINDS]
    operator = _owner(document, head, parties)
    count = count_of(head)
    coordinated = any(t.dep_ in {"cc", "conj"} for t in core if t.i != head.i)
    specific = [m for m in mentions if m.kind in SPECIFIC_KINDS] or _platforms_in_apposition(
        document, head, exclude
    )
    if specific:
        chosen = specific if coordinated else specific[:1]
        return [
            Argument(m.key, m.kind, head.i, count, operator if m.kind in PLATFORM_KINDS else None)
            for m in {m.key: m for m in chosen}.values()
        ]  # named in the phrase
    category = lexicon().category_nouns.get(head.lower_)
    if category and allow_context and _is_definite(head) and operator is None:
        # "the bombers" refers back to a type; "the Russian aircraft" names its party, and stays at that level
        found = coref.antecedents(document, head, category, None, exclude, hint=hint)
        if found:
            return [_referent(m, head, count, "description") for m in found]
    named = [m for m in parties if m.form != "demonym"]
    demonyms = [m for m in parties if m.form == "demonym"]
    if named or demonyms:
        chosen = (named + demonyms) if coordinated else (named or demonyms)[:1]
        return [
            Argument(m.key, m.kind, head.i, count, how="demonym" if m.form == "demonym" else "name")
            for m in {m.key: m for m in chosen}.values()
        ]
    return _parties_by_reference(document, head, exclude, allow_context, hint, operator, count)


def _referent(m: MentionSpan, head: Token, count: int | None, how: str) -> Argument:
    """What a reference resolved to; an unnamed platform ("a Russian bomber") stands for its party."""
    if m.form == "unnamed":
        kind = "Alliance" if m.key.startswith("alliance:") else "Nation"
        return Argument(m.key, kind, head.i, count, None, True, f"{how}-of-unnamed")
    return Argument(m.key, m.kind, head.i, count, None, True, how)


def _platforms_in_apposition(document: Document, head: Token, exclude: frozenset[str]) -> list[MentionSpan]:
    """ "a Philippine Air Force FA-50", parsed with the type in apposition."""
    appositions = [t for c in children(head, "appos") for t in c.subtree]
    return [m for m in document.mentions_in(appositions) if m.kind in PLATFORM_KINDS and m.key not in exclude]


def _parties_by_reference(
    document: Document,
    head: Token,
    exclude: frozenset[str],
    allow_context: bool,
    hint: RoleHint | None,
    operator: str | None,
    count: int | None,
) -> list[Argument]:
    """A phrase that names no platform nor party: "fighters from NATO countries", "its jets",
    "them", or an untyped "fighters" whose side is clear (`RoleHint.away_from`)."""
    lex = lexicon()
    category = lex.category_nouns.get(head.lower_)
    of_parties = [m for m in document.mentions_in(_pp_tokens(head, "of", "from")) if m.kind in PARTY_KINDS]
    of_parties = [m for m in of_parties if m.key not in exclude]
    if of_parties and (head.lower_ in lex.org_heads or category or head.lemma_.lower() in lex.military_nouns):
        return [Argument(of_parties[0].key, of_parties[0].kind, head.i, count, how="of-phrase")]
    if operator is not None and category:  # "its jets": the party the pronoun refers to
        return [Argument(operator, "Nation", head.i, count, how="possessive")]
    if head.pos_ == "PRON" and head.lower_ in lex.first_person_words:
        speaker = first_person_party(document, head)  # "'We intercepted them,' a Danish spokesman said"
        return (
            [Argument(speaker, "Nation", head.i, count, via_context=True, how="speaker")] if speaker else []
        )
    pronoun = head.pos_ == "PRON" and head.lower_ in lex.pronouns
    if pronoun and coref.refers_to_unnamed_group(document, head):
        return []
    if allow_context and pronoun:
        found = coref.antecedents(document, head, lex.pronouns[head.lower_], None, exclude, hint=hint)
        if found:
            return [_referent(m, head, count, "pronoun") for m in found]
    if allow_context and (pronoun or category) and hint is not None and hint.away_from:
        # "Fighters were scrambled to intercept them": no type to refer to, but the side is clear
        party = coref.party_in_reach(document, head, hint.away_from, exclude)
        if party is not None:
            return [Argument(party.key, party.kind, head.i, count, via_context=True, how="party-in-reach")]
    return []


def _is_definite(head: Token) -> bool:
    determiners = lexicon().definite_determiners
    return any(c.lower_ in determiners for c in head.children if c.dep_ in {"det", "poss"})


def parties_of(document: Document, args: Iterable[Argument]) -> list[Argument]:
    """Each argument at nation or alliance level (an aircraft stands for its operator), each once."""
    out: list[Argument] = []
    for arg in args:
        party = party_of(document, arg)
        if party and all(a.key != party for a in out):
            kind = "Alliance" if party.startswith("alliance:") else "Nation"
            how = arg.how if arg.is_party else f"operator-of-{arg.how}"
            out.append(Argument(party, kind, arg.token, via_context=arg.via_context, how=how))
    return out


def party_of(document: Document, arg: Argument) -> str | None:
    """The nation or alliance an argument stands for (an aircraft -> its operator, when known)."""
    if arg.is_party:
        return arg.key
    if arg.operator:
        return arg.operator
    if arg.key in document.operated_by:
        return document.operated_by[arg.key]
    entity = document.gaz.entity(arg.key)
    if entity is not None and entity.family and not entity.operators:
        entity = document.gaz.entity(entity.family)
    if entity is not None and len(entity.operators) == 1:
        return entity.operators[0]
    return None
