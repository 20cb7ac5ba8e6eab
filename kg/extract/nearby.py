"""A role the parse left empty, filled by word order: the nearest fitting name on its side.

Takes a `Document`, a trigger token, a side ("before" or "after") and the entity kinds that
may fill the role; gives the `Argument`s of the nearest such mention in the trigger's clause
(no further than `REACH` tokens, and not past a clause break: ";", ":", a dash, "while",
"but", or another clause's verb). The small parser often hangs a subject or object on the
wrong word in long, appositive-heavy news sentences; the words are still in order. Arguments
found this way say so (`how="nearby"`), and their relation gets a lower confidence.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.extract.document import Argument, Document
from kg.extract.phrases import entities_of

#: How many tokens away from the trigger a name may be.
REACH = 10
_BREAK_WORDS = {"while", "whereas", "but", "although", "though", "because", "after", "before", "when"}
_BREAK_PUNCT = {";", ":", "\u2014", "\u2013", "(", ")"}


def nearest(document: Document, trigger: Token, side: str, kinds: frozenset[str]) -> list[Argument]:
    """The arguments of the nearest mention of `kinds` on `side` of `trigger`, in its clause."""
    doc = trigger.doc
    sent = trigger.sent
    step = -1 if side == "before" else 1
    i = trigger.i + step
    while sent.start <= i < sent.end and abs(i - trigger.i) <= REACH:
        t = doc[i]
        if t.text in _BREAK_PUNCT or t.lower_ in _BREAK_WORDS or _other_clause(t, trigger):
            break
        mention = document.by_token.get(i)
        if mention is not None and mention.kind in kinds and not mention.heading:
            found = entities_of(document, mention.root, allow_context=False)
            args = [a for a in found if a.kind in kinds] or [
                Argument(mention.key, mention.kind, mention.root.i)
            ]
            return [Argument(a.key, a.kind, a.token, a.count, a.operator, False, "nearby") for a in args[:1]]
        i += step
    return []


def _other_clause(token: Token, trigger: Token) -> bool:
    """A verb with a subject of its own, other than the trigger: the words beyond it are its clause's."""
    return (
        token.i != trigger.i
        and token.pos_ in {"VERB", "AUX"}
        and token.dep_ in {"ROOT", "ccomp", "conj", "advcl", "relcl"}
        and any(c.dep_ in {"nsubj", "nsubjpass"} for c in token.children)
    )
