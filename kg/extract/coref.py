"""Reference across sentences: what a pronoun or a definite description stands for.

Takes a `Document`, the head token of "they", "it", "the bombers", "the Russian aircraft",
and the category the phrase asks for (an aircraft role such as Bomber, Aircraft, WeaponSystem,
Any); gives the most recent compatible mentions before it, within the paragraph and the one
before it (at most `WINDOW_SENTENCES` sentences back). Compatible means of the right kind and
role, operated by the nation the phrase names if it names one, and not one of the excluded
keys (the other argument of the same relation). A plural takes every compatible mention of
the coordination it finds ("H-6K and Tu-95MS bombers ... the bombers").
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.extract.document import Document, MentionSpan
from kg.lexicon import lexicon

#: How far back a reference may reach, in sentences (the paragraph rule may stop it sooner).
WINDOW_SENTENCES = 5


def antecedents(
    document: Document,
    head: Token,
    category: str,
    operator: str | None,
    exclude: frozenset[str] = frozenset(),
    *,
    avoid_party: str | None = None,
) -> list[MentionSpan]:
    """The mentions `head` refers back to, in text order; [] when none is compatible.

    `avoid_party` is the party of the relation's other side: a mention that party may operate
    is taken only when no other compatible mention is in reach (an interceptor meets the other side). "it" looks for a platform
    first, then for a party.
    """
    categories = ["Platform", "Actor"] if category == "Any" else [category]
    for cat in categories:
        for avoid in (avoid_party, None) if avoid_party else (None,):
            found = _search(document, head, cat, operator, exclude, avoid)
            if found:
                for m in found:  # the description now names them: later references find it first
                    document.echoes.append(
                        MentionSpan(head.doc[head.i : head.i + 1], m.key, m.kind, m.form, m.cls)
                    )
                return sorted(found, key=lambda m: m.start)
    return []


def _window_start(document: Document, head: Token) -> int:
    here = document.sentence_index(head.i)
    first_sentence = max(here - WINDOW_SENTENCES, 0)
    paragraph = document.paragraph_index(head.i)
    if paragraph > 0:
        earliest = document.paragraph_starts[paragraph - 1]
        first_sentence = max(first_sentence, document.sentence_index(earliest))
    return int(document.doc[document.sent_starts[first_sentence]].idx)


def _search(
    document: Document,
    head: Token,
    category: str,
    operator: str | None,
    exclude: frozenset[str],
    avoid_party: str | None,
) -> list[MentionSpan]:
    plural = _is_plural(head)
    found: list[MentionSpan] = []
    for m in document.window(_window_start(document, head), head.idx):
        if m.key in exclude or m.heading or m.span.start <= head.i < m.span.end:
            continue
        if not compatible(document, m, category, operator) or _operated_by(document, m, avoid_party):
            continue
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
    known = document.operated_by.get(m.key)
    if known:
        return {known}
    entity = document.gaz.entity(m.key)
    return set(entity.operators) if entity else set()


def _operated_by(document: Document, m: MentionSpan, party: str | None) -> bool:
    """Is `m` `party` itself, or a platform `party` may operate?"""
    if party is None:
        return False
    return m.key == party or (m.kind in {"Aircraft", "WeaponSystem"} and party in _operators(document, m))
