"""Where a deployment goes: the places after to/into/at/in/on in the trigger's own clause.

Takes a `Document` and a deployment trigger (verb or noun); gives the destination
`Argument`s of the best-ranked preposition (lexicon `destination_preps`: "to" outranks "in"),
the first place of that phrase with its conjuncts ("at Misawa, Kadena and Iwakuni"; not the
country in "at RAAF Base Tindal in Australia"). Places the gazetteer lacks are taken from the
statistical NER when it calls them a place (GPE, LOC, FAC), asked on demand for that sentence.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Span, Token

from kg.extract.candidates import PLACE_KINDS
from kg.extract.document import Argument, Document, MentionSpan
from kg.extract.phrases import children, core_tokens, entities_of
from kg.gazetteer import normalise, slug
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
    lex = lexicon()
    preps = dict(lex.destination_preps_for(verb_class))
    for word in lex.deploy.verb_preps.get(trigger.lemma_.lower(), ()):  # "rotated through", "left for"
        preps.setdefault(word, 2)
    found: Found = []
    _visit(document, trigger, trigger, 0, preps, found, skip)
    for head in extra_heads or []:
        _visit(document, head, head, 0, preps, found, skip)
    if trigger.pos_ in {"VERB", "AUX"}:
        for conj in trigger.conjuncts:
            if conj.i > trigger.i and not children(conj, "dobj", "nsubj"):
                _visit(document, conj, conj, 0, preps, found, skip)
    members = [a for m in _named_members(trigger) for a in place_arguments(document, m)]
    if not found:
        return members or _there(document, trigger)
    best = min(rank for rank, _, _ in found)
    # a base outranks the country named beside it ("In England they are stationed at RAF Lakenheath")
    specificity = {"Base": 0, "Location": 1, "Sea": 1, "Nation": 2}
    tier = sorted(
        ((i, arg) for rank, i, arg in found if rank == best),
        key=lambda x: (specificity.get(x[1].kind, 3), x[0]),
    )
    first = tier[0][0]
    linked = {first, *(c.i for c in document.doc[first].conjuncts)}
    first_prep = document.doc[first].head
    for i, _ in tier:  # "sent to Poland, then to Romania": the same preposition again on the same word
        prep = document.doc[i].head
        sibling = (
            prep.lower_ == first_prep.lower_ and prep.head.i == first_prep.head.i and prep.dep_ == "prep"
        )
        if sibling or prep in first_prep.conjuncts:  # "to Poland and to the Baltic states"
            linked.add(i)
    out: list[Argument] = []
    for i, arg in tier:
        if i in linked and all(a.key != arg.key for a in out):
            out.append(arg)
    members += [a for m in _named_members(document.doc[first]) for a in place_arguments(document, m)]
    return out + [a for a in members if all(a.key != o.key for o in out)]


def _there(document: Document, trigger: Token) -> list[Argument]:
    """ "kept seven Su-27s stationed there": the base, else the place, else the sea named last,
    in this sentence or the one before (a state is too broad to be what "there" points at)."""
    there = next((c for c in trigger.children if c.dep_ == "advmod" and c.lower_ == "there"), None)
    if there is None:
        return []
    here = document.sentence_index(trigger.i)
    start = document.doc[document.sent_starts[max(here - 1, 0)]].idx
    places = [m for m in document.window(start, there.idx) if not m.heading]
    for kind in ("Base", "Location", "Sea"):
        for m in places:
            if m.kind == kind:
                return [Argument(m.key, kind, there.i, via_context=True, how="there")]
    return []


def _named_members(head: Token) -> list[Token]:
    """ "deployed to several air bases, Leh among them": the place named as one of them."""
    return [
        c
        for c in head.children
        if c.dep_ in {"npadvmod", "appos", "dep", "conj"}
        and any(p.lower_ == "among" and any(o.lower_ == "them" for o in p.children) for p in c.children)
    ]


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
        if any(g.lower_ in lex.triggers["respondedTo"].nouns for g in child.children if g.dep_ == "pobj"):
            continue  # "in response to", "as a counter to": a cause, not a place
        if word not in preps:
            if word in lex.transparent_preps:  # "for a month in Poland", "as part of a rotation to"
                _visit(document, root, child, depth + 1, preps, found, skip)
            continue
        if _aimed_at(node, root, word):
            continue
        found += _prep_places(document, child, depth, preps)


def _prep_places(document: Document, child: Token, depth: int, preps: dict[str, int]) -> Found:
    """The places a destination preposition (and the ones coordinated with it) names, ranked."""
    out: Found = []
    for prep in [child, *(c for c in child.conjuncts if c.dep_ == "conj" and c.lower_ in preps)]:
        objects = children(prep, "pobj")
        if not objects and prep is child:  # "in and around the Leh airbase": the object is the conjunct's
            objects = [o for c in child.conjuncts if c.dep_ == "conj" for o in children(c, "pobj")]
        for obj in objects:  # "to Poland, then to Romania"
            rank = -preps[prep.lower_] + depth
            out += [(rank, obj.i, arg) for arg in place_arguments(document, obj)]
    return out


def _aimed_at(node: Token, root: Token, word: str) -> bool:
    """ "as a deterrent to Iran", "with a message to Moscow": "to" on a noun of a transparent phrase
    that is no movement (not a deployment noun) names whom it is aimed at, not where units go."""
    if node is root or node.pos_ != "NOUN" or word not in {"to", "toward", "towards"}:
        return False
    if node.dep_ != "pobj" or node.head.lower_ not in lexicon().transparent_preps:
        return False
    deploy_nouns = lexicon().deploy.nouns
    return node.lemma_.lower() not in deploy_nouns and node.lower_ not in deploy_nouns


def place_arguments(document: Document, head: Token) -> list[Argument]:
    """The places a destination phrase names: gazetteer entities, the place inside a generic one
    ("an airfield in the Kaliningrad region"), or a place the statistical NER finds there; and
    proper names coordinated with them."""
    found = _places(document, head)
    return found + _unnamed_conjuncts(document, head) if found else found


def _places(document: Document, head: Token) -> list[Argument]:
    found = [
        _city(document, a) for a in entities_of(document, head, allow_context=False) if a.kind in PLACE_KINDS
    ]
    lex = lexicon()
    lemma = head.lemma_.lower()
    only_states = head.i not in document.by_token and all(
        a.kind == "Nation" and a.token == head.i for a in found
    )
    if only_states and (lemma in lex.generic_place_nouns or lemma in lex.mission_nouns):
        inner = [  # "an airfield in the Kaliningrad region", "the Lithuanian air base of Siauliai",
            # "to the multinational battlegroup in Latvia"
            replace(a, how="inner-place")
            for prep in children(head, "prep")
            if prep.lower_ in lex.inner_place_preps
            for obj in children(prep, "pobj")
            for a in place_arguments(document, obj)
        ]
        if inner:
            return inner
    if (
        only_states
        and lemma in lex.base_nouns
        and any(c.lower_ in lex.definite_determiners for c in head.children)
    ):
        base = _named_base_before(document, head)  # "landed at the German base": the base named before
        if base is not None:
            return [base]
    if found or head.i in document.by_token:
        return found
    place = _unknown_place(document, head)
    return [place] if place is not None else []


def _unnamed_conjuncts(document: Document, head: Token) -> list[Argument]:
    """ "in Akita and Iwate prefectures": a proper name coordinated with a known place (or base)
    is a place of its own, though the gazetteer lacks it."""
    out: list[Argument] = []
    for mention in document.mentions_in(core_tokens(head)):
        if mention.kind not in {"Location", "Base"}:
            continue
        for conj in mention.root.conjuncts:
            span = _proper_name(conj) if conj.i not in document.by_token else None
            if span is None or any(i in document.by_token for i in range(span.start, span.end)):
                continue
            key = f"location:{slug(span.text)}"
            document.add_mention(MentionSpan(span, key, "Location", "name", ""))
            out.append(Argument(key, "Location", head.i, how="conjunct"))
    return out


def _named_base_before(document: Document, head: Token) -> Argument | None:
    """The base named last before `head` (in the reference window), in the nation `head` names if any."""
    nations = {m.key for m in document.mentions_in(head.children) if m.kind == "Nation"}
    for m in document.window(
        document.doc[document.sent_starts[max(document.sentence_index(head.i) - 3, 0)]].idx, head.idx
    ):
        if m.kind == "Base" and not m.heading:
            entity = document.gaz.entity(m.key)
            located = entity.located_in if entity is not None else None
            if not nations or located is None or located in nations:
                return Argument(m.key, "Base", head.i, via_context=True, how="description")
    return None


def _city(document: Document, arg: Argument) -> Argument:
    """A capital named as a destination ("stationed at N'Djamena") is that city, not its state."""
    mention = document.by_token.get(arg.token)
    if arg.kind != "Nation" or mention is None or mention.form != "metonym" or mention.key != arg.key:
        return arg
    capital = document.gaz.capitals.get(arg.key)
    if capital is None or not normalise(mention.span.text).startswith(capital):
        return arg  # "sent to the Pentagon": a seat of power stands for the state
    key = f"location:{slug(mention.span.text)}"
    document.add_mention(MentionSpan(mention.span, key, "Location", "name", ""))
    return Argument(key, "Location", arg.token, how="city")


def _unknown_place(document: Document, head: Token) -> Argument | None:
    """A destination the gazetteer lacks that the NER knows as a place (GPE, LOC, FAC)."""
    phrase = [t for t in head.subtree if t.dep_ not in {"relcl", "acl", "appos"} or t is head]
    if not any(t.text[:1].isupper() for t in phrase):
        return None  # a named place has a capitalised name; the NER is costly to ask
    ents = document.doc.ents if document.find_places is None else document.find_places(head.sent)
    inside = [e for e in ents if e.label_ in PLACE_LABELS and e.start <= head.i < e.end]
    inside = inside or [
        e for e in ents if e.label_ in PLACE_LABELS and head.left_edge.i <= e.start and e.end <= head.i + 1
    ]
    how = "ner"
    if not inside:
        span = _proper_name(head)
        if span is None:
            return None
        inside, how = [span], "proper-noun"
    ent = inside[0]
    if any(i in document.by_token for i in range(ent.start, ent.end)):
        return None
    key = f"location:{slug(ent.text)}"
    document.add_mention(MentionSpan(ent, key, "Location", "name", ""))
    return Argument(key, "Location", head.i, how=how)


def _proper_name(head: Token) -> Span | None:
    """ "moved squadrons to Ladakh": a capitalised name the small NER mislabels, as a destination.

    Only a proper noun (with its proper-noun compounds, at most three words) that does not
    start with a word naming an operation, exercise, unit or person ("Exercise Cobra Warrior").
    """
    if head.pos_ != "PROPN" or not head.text[:1].isupper():
        return None
    doc = head.doc
    start = head.i
    while start > 0 and (
        (doc[start - 1].dep_ == "compound" and doc[start - 1].pos_ == "PROPN")
        or (doc[start - 1].text == "-" and start > 1 and doc[start - 2].pos_ == "PROPN")  # "Trapani-Birgi"
    ):
        start -= 1
    span = doc[start : head.i + 1]
    words = lexicon().not_place_words
    if any(t.lower_ in words for t in span) or len(span) > 4:
        return None
    return span


def _named_place(document: Document, token: Token) -> Span | None:
    """The GPE, LOC or FAC entity covering `token`, from the NER run on its sentence."""
    ents = document.doc.ents if document.find_places is None else document.find_places(token.sent)
    return next((e for e in ents if e.start <= token.i < e.end and e.label_ in PLACE_LABELS), None)
