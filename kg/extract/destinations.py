"""Where a deployment goes: the places after to/into/at/in/on in the trigger's own clause.

Takes a `Document` and a deployment trigger (verb or noun); gives the destination
`Argument`s of the best-ranked preposition (lexicon `destination_preps`: "to" outranks "in"),
the first place of that phrase with its conjuncts ("at Misawa, Kadena and Iwakuni"; not the
country in "at RAAF Base Tindal in Australia"). Places the gazetteer lacks are taken from the
statistical NER when it calls them a place (GPE, LOC, FAC), asked on demand for that sentence.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.extract.candidates import PLACE_KINDS
from kg.extract.document import Argument, Document, MentionSpan
from kg.extract.phrases import children, entities_of
from kg.gazetteer import slug
from kg.lexicon import lexicon
from kg.nlp.pipeline import PLACE_LABELS

_CLAUSE_DEPS = {"relcl", "advcl", "ccomp", "csubj", "parataxis", "nsubj", "nsubjpass", "agent"}
Found = list[tuple[int, int, Argument]]  # (rank, token index, destination)


def destinations(
    document: Document,
    trigger: Token,
    *,
    extra_heads: list[Token] | None = None,
    verb_class: str = "transitive",
    skip: Token | None = None,
) -> list[Argument]:
    """The destinations of `trigger` (and of `extra_heads`, e.g. the "of" object of a noun)."""
    preps = lexicon().destination_preps_for(verb_class)
    found: Found = []
    _visit(document, trigger, trigger, 0, preps, found, skip)
    for head in extra_heads or []:
        _visit(document, head, head, 0, preps, found, skip)
    if trigger.pos_ in {"VERB", "AUX"}:
        for conj in trigger.conjuncts:
            if conj.i > trigger.i and not children(conj, "dobj", "nsubj"):
                _visit(document, conj, conj, 0, preps, found, skip)
    found += _unknown_places(document, [trigger, *(extra_heads or [])], preps)
    if not found:
        return []
    best = min(rank for rank, _, _ in found)
    # a base outranks the country named beside it ("In England they are stationed at RAF Lakenheath")
    specificity = {"Base": 0, "Location": 1, "Sea": 1, "Nation": 2}
    tier = sorted(
        ((i, arg) for rank, i, arg in found if rank == best),
        key=lambda x: (specificity.get(x[1].kind, 3), x[0]),
    )
    first = tier[0][0]
    linked = {first, *(c.i for c in document.doc[first].conjuncts)}
    out: list[Argument] = []
    for i, arg in tier:
        if i in linked and all(a.key != arg.key for a in out):
            out.append(arg)
    return out


def _visit(
    document: Document,
    root: Token,
    node: Token,
    depth: int,
    preps: dict[str, int],
    found: Found,
    skip: Token | None,
) -> None:
    lex = lexicon()
    for child in node.children:
        if child.dep_ in _CLAUSE_DEPS or (child.dep_ == "xcomp" and node is root) or child is skip:
            continue
        if child.dep_ == "conj" and child.pos_ in {"VERB", "AUX"}:
            continue
        if child.dep_ in {"advmod", "amod", "npadvmod", "acomp"}:
            continue  # "flew close to Japan", "flying next to a Tu-154": no destination
        if child.dep_ not in {"prep", "dative"}:
            _visit(
                document,
                root,
                child,
                depth if child.dep_ in {"dobj", "prt"} else depth + 1,
                preps,
                found,
                skip,
            )
            continue
        word = child.lower_
        if word not in preps:
            if word in lex.transparent_preps:  # "for a month in Poland", "as part of a rotation to"
                _visit(document, root, child, depth + 1, preps, found, skip)
            continue
        if word == "in" and any(g.lower_ in lex.response_nouns for g in child.children):
            continue  # "in response to": a cause, not a place
        for obj in children(child, "pobj"):
            for arg in entities_of(document, obj, allow_context=False):
                if arg.kind in PLACE_KINDS:
                    found.append((-preps[word] + depth, obj.i, arg))
        for conj in child.conjuncts:  # "to Poland, then to Romania"
            if conj.dep_ == "conj" and conj.lower_ in preps:
                for obj in children(conj, "pobj"):
                    for arg in entities_of(document, obj, allow_context=False):
                        if arg.kind in PLACE_KINDS:
                            found.append((-preps[conj.lower_] + depth, obj.i, arg))


def _unknown_places(document: Document, heads: list[Token], preps: dict[str, int]) -> Found:
    """Destinations the gazetteer lacks but the NER knows as places (GPE, LOC, FAC)."""
    out: Found = []
    for head in heads:
        for prep in children(head, "prep"):
            if prep.lower_ not in preps or prep.lower_ in {"on", "over", "across"}:
                continue
            for obj in children(prep, "pobj"):
                if obj.i in document.by_token or not any(t.text[:1].isupper() for t in obj.subtree):
                    continue  # a named place has a capitalised name; the NER is costly to ask
                ent = _named_place(document, obj)
                if ent is None:
                    continue
                key = f"location:{slug(ent.text)}"
                document.add_mention(MentionSpan(ent, key, "Location", "name", ""))
                out.append((-preps[prep.lower_], obj.i, Argument(key, "Location", obj.i)))
    return out


def _named_place(document: Document, token: Token) -> Span | None:
    """The GPE, LOC or FAC entity covering `token`, from the NER run on its sentence."""
    ents = document.doc.ents if document.find_places is None else document.find_places(token.sent)
    return next((e for e in ents if e.start <= token.i < e.end and e.label_ in PLACE_LABELS), None)
