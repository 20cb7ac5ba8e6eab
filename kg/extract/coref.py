"""Reference across sentences: what a pronoun or a definite description stands for.

Takes a `Document`, the head token of "they", "it", "the bombers", and the category the phrase
asks for (an aircraft role such as Bomber, Aircraft, WeaponSystem, Actor, Any); gives the most
recent compatible mentions before it, within its paragraph and the one before (see
`_window_start`). Compatible means of the right kind and role, operated by the nation the
phrase names if it names one, and not one of the excluded keys (the other argument of the
same relation). A `RoleHint` prefers what filled the same role before. A plural takes every
compatible mention of the coordination it finds ("H-6K and Tu-95MS bombers ... the bombers").
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.extract.document import Document, MentionSpan, RoleHint
from kg.lexicon import lexicon

#: How far back a reference reaches, in sentences: always this far, and to the start of the
#: paragraph before, up to the maximum.
WINDOW_SENTENCES = 5
MAX_WINDOW_SENTENCES = 8


def antecedents(
    document: Document,
    head: Token,
    category: str,
    operator: str | None,
    exclude: frozenset[str] = frozenset(),
    *,
    hint: RoleHint | None = None,
) -> list[MentionSpan]:
    """The mentions `head` refers back to, in text order; [] when none is compatible.

    With a `hint`, what filled the same role before is preferred, then what the other side's
    party does not operate, then anything compatible. "it" looks for a platform first, then
    for a party. Named types come before unnamed ones ("a Russian bomber").
    """
    if refers_to_unnamed_group(document, head):
        return []  # "14 missiles were launched and Qatar's defences intercepted 13 of them"
    categories = ["Platform", "Actor"] if category == "Any" else [category]
    passes = [(named, prefer, avoid) for named in (True, False) for prefer, avoid in _passes(document, hint)]
    for cat in categories:
        for named_only, prefer, avoid in passes:
            found = _search(document, head, cat, operator, exclude, avoid, prefer, named_only)
            if found:
                for m in found:  # the description now names them: later references find it first
                    document.echoes.append(
                        MentionSpan(head.doc[head.i : head.i + 1], m.key, m.kind, m.form, m.cls)
                    )
                return sorted(found, key=lambda m: m.start)
    if head.pos_ == "NOUN" and category not in {"Any", "Actor", "Alliance"}:
        return _only_one_before(document, head, category, operator, exclude)
    return []


def _only_one_before(
    document: Document, head: Token, category: str, operator: str | None, exclude: frozenset[str]
) -> list[MentionSpan]:
    """ "the battery", several paragraphs after "a US Patriot battery": beyond the window, a
    description still refers to the one type of its kind the article has named, if only one."""
    found = [
        m
        for m in document.window(0, document.doc[head.sent.start].idx)
        if not m.heading
        and m.form != "unnamed"
        and m.key not in exclude
        and compatible(document, m, category, operator)
    ]
    return found[:1] if len({m.key for m in found}) == 1 else []


def refers_to_unnamed_group(document: Document, head: Token) -> bool:
    """Is `head` a plural pronoun whose nearest plural platform noun before it, in its sentence,
    is indefinite and names no type ("14 missiles")? Then that is what the pronoun stands for,
    not a mention further back. The subjects of the pronoun's own clause ("fighters were
    scrambled to intercept them") are not candidates."""
    if head.pos_ != "PRON" or not _is_plural(head):
        return False
    lex = lexicon()
    categories = lex.category_nouns
    own_subjects: set[int] = set()
    skip = 0  # "they intercepted them": the subject pronoun took the nearest group
    verb = head.head
    while True:
        subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
        own_subjects |= {c.i for c in subjects}
        skip += sum(1 for c in subjects if c.pos_ == "PRON" and _is_plural(c))
        if verb.dep_ == "relcl":  # "two fighters, which intercepted them"
            own_subjects.add(verb.head.i)
        if verb.dep_ == "xcomp":  # "scrambled fighters to intercept them": the object controls
            own_subjects |= {c.i for c in verb.head.children if c.dep_ == "dobj"}
        if verb.dep_ not in {"xcomp", "advcl", "prep", "pobj", "dobj"} or verb.head.i == verb.i:
            break
        verb = verb.head
    for t in reversed(head.doc[head.sent.start : head.i]):
        if t.tag_ == "NNS" and t.lower_ in categories and t.i not in own_subjects:
            if skip:
                skip -= 1
                continue
            definite = any(
                c.lower_ in lex.definite_determiners for c in t.children if c.dep_ in {"det", "poss"}
            )
            phrase = head.doc[
                min(t.left_edge.i, t.i - 1) : t.right_edge.i + 1
            ]  # "F-15J fighters", parsed apart
            named = any(m.kind in {"Aircraft", "WeaponSystem"} for m in document.mentions_in(phrase))
            return not definite and not named  # "the bombers" refers on, to the type named before
    return False


def party_in_reach(
    document: Document, head: Token, other_party: str, exclude: frozenset[str] = frozenset()
) -> MentionSpan | None:
    """The nation or alliance named last before `head` (in the reference window) that is not
    the other side's: what an untyped "fighters" or an unresolved "them" belongs to."""
    places = lexicon().place_preps
    for m in document.window(_window_start(document, head), head.idx):
        if m.kind not in {"Nation", "Alliance"} or m.key == other_party or m.key in exclude or m.heading:
            continue
        t = m.root
        while t.dep_ == "conj" and t.head.i != t.i:
            t = t.head
        if t.dep_ == "pobj" and t.head.lower_ in places:
            continue  # "flew between Yonaguni and Taiwan": a place, not a side
        return m
    return None


def _passes(document: Document, hint: RoleHint | None) -> list[tuple[frozenset[str] | None, str | None]]:
    """(keys to prefer, party to avoid) for each search, most demanding first."""
    if hint is None:
        return [(None, None)]
    earlier = frozenset(document.role_history.get(hint.role, ()))
    passes: list[tuple[frozenset[str] | None, str | None]] = []
    if earlier:
        passes.append((earlier, hint.other_party))
    if hint.other_party:
        passes.append((None, hint.other_party))
    return [*passes, (None, None)]


def _window_start(document: Document, head: Token) -> int:
    """The start of the paragraph before `head`'s, but never more than `MAX_WINDOW_SENTENCES` back
    (short paragraphs: bullets, numbered items) nor fewer than `WINDOW_SENTENCES` (long ones)."""
    here = document.sentence_index(head.i)
    paragraph = document.paragraph_index(head.i)
    earliest = document.paragraph_starts[paragraph - 1] if paragraph > 0 else 0
    first_sentence = document.sentence_index(earliest)
    first_sentence = max(min(first_sentence, here - WINDOW_SENTENCES), here - MAX_WINDOW_SENTENCES, 0)
    return int(document.doc[document.sent_starts[first_sentence]].idx)


def _search(
    document: Document,
    head: Token,
    category: str,
    operator: str | None,
    exclude: frozenset[str],
    avoid_party: str | None,
    prefer: frozenset[str] | None = None,
    named_only: bool = False,
) -> list[MentionSpan]:
    plural = _is_plural(head)
    found: list[MentionSpan] = []
    nearest_sentence: int | None = None
    for m in document.window(_window_start(document, head), head.idx):
        if (
            m.key in exclude
            or m.heading
            or m.span.start <= head.i < m.span.end
            or (named_only and m.form == "unnamed")
        ):
            continue
        if not compatible(document, m, category, operator) or _operated_by(document, m, avoid_party):
            continue
        if nearest_sentence is None:
            nearest_sentence = m.span.sent.start
        if prefer is not None and (m.key not in prefer or m.span.sent.start != nearest_sentence):
            continue  # what filled the role before wins only within the nearest sentence that fits
        if found and (
            not plural or not _same_group(m, found[0], operator is not None and category == "Aircraft")
        ):
            if m.span.sent.start != found[0].span.sent.start:
                break
            continue
        if all(f.key != m.key for f in found):
            found.append(m)
        if not plural:
            break
    return found


def _is_plural(head: Token) -> bool:
    lex = lexicon()
    return head.tag_ in {"NNS", "NNPS"} or head.lower_ in lex.plural_references


def _same_group(m: MentionSpan, first: MentionSpan, whole_sentence: bool) -> bool:
    return whole_sentence or _group(m) == _group(first)


def _group(m: MentionSpan) -> int:
    """The coordination a mention belongs to ("H-6K and Tu-95MS bombers" share one)."""
    t = m.span.root
    while t.dep_ in {"compound", "amod", "nmod", "nummod", "appos", "conj"} and t.head.i != t.i:
        t = t.head
    return int(t.i)


def compatible(document: Document, m: MentionSpan, category: str, operator: str | None) -> bool:
    """Can mention `m` be what a phrase of `category` (owned by `operator`, if given) refers to?"""
    if category == "Platform":
        return m.kind in {"Aircraft", "WeaponSystem"}
    if category == "Alliance":
        return m.kind == "Alliance"
    if category == "Actor":
        return m.kind in {"Nation", "Alliance"} and m.form != "demonym"
    if category == "WeaponSystem":
        ok = m.kind == "WeaponSystem"
    elif category == "Aircraft":
        ok = m.kind == "Aircraft"
    else:
        ok = m.kind == "Aircraft" and (
            m.cls == category or (category == "Fighter" and m.cls in {"", "Fighter"})
        )
    if ok and operator is not None:
        operators = _operators(document, m)
        ok = operator in operators if operators else True
    return ok


def _operators(document: Document, m: MentionSpan) -> set[str]:
    if m.form == "unnamed":
        return {m.key}
    known = document.operated_by.get(m.key)
    if known:
        return {known, *_sender(document, m)}
    entity = document.gaz.entity(m.key)
    return set(entity.operators) if entity else set()


def _sender(document: Document, m: MentionSpan) -> set[str]:
    """ "the Royal Air Force sent up Typhoons": the party whose verb has the platform as object
    operates it here, whoever else flies the type in the article."""
    head = m.span.root
    while head.dep_ in {"compound", "nummod", "amod"} and head.head.i != head.i:
        head = head.head
    if head.dep_ != "dobj":
        return set()
    subjects = [c for c in head.head.children if c.dep_ == "nsubj"]
    return {
        s.key
        for subj in subjects
        for s in document.mentions_in(list(subj.subtree))
        if s.kind in {"Nation", "Alliance"}
    }


def _operated_by(document: Document, m: MentionSpan, party: str | None) -> bool:
    """Is `m` `party` itself, or a platform `party` may operate?"""
    if party is None:
        return False
    return m.key == party or (m.kind in {"Aircraft", "WeaponSystem"} and party in _operators(document, m))
