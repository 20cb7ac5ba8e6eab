"""The argument layer: for any trigger, the noun phrases that fill its roles.

Takes a trigger token: a verb ("intercepted"), a noun ("the interception of"), a noun under a
support verb ("carried out an interception of", "flew under the escort of"), a verb reached
through a control chain ("were scrambled to intercept", "sent F-16s up to shadow") or a
relative clause ("KF-16s that intercepted"); gives a `Frame`: the heads of its agent (who
acts), theme (who or what is acted on or moved) and goal (where to) phrases, and the route
by which they were found. Predicate modules turn those heads into entities
(`kg.extract.phrases.entities_of`), which also follows coordination and apposition.

Verb classes (kg/data/lexicon.json): a *transitive* trigger moves or acts on its object
("deploy X to Y", "intercept X"); an *unaccusative* one moves its subject ("X arrived at Y");
a *goal-object* one takes the destination as object ("X reached Y"); a *host* one has the
destination as subject ("Y hosts X").
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from kg.extract.phrases import children, prep_objects
from kg.lexicon import lexicon

_RELATIVE_PRONOUNS = {"which", "that", "who", "whom", "whose"}
_CONTROL_DEPS = {"xcomp", "advcl", "pcomp"}


@dataclass(frozen=True)
class Frame:
    """The role-filling noun-phrase heads of one trigger."""

    trigger: Token
    agents: tuple[Token, ...] = ()
    themes: tuple[Token, ...] = ()
    goals: tuple[Token, ...] = ()
    route: str = "active"  # active | passive | control | relative | participle | nominal | support


# ---------------------------------------------------------------- verbs


def is_passive(verb: Token) -> bool:
    """Passive voice, also for bare participles ("bombers escorted by F-16s") and conjuncts."""
    if any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children):
        return True
    bare = verb.tag_ == "VBN" and not children(verb, "nsubj", "dobj")
    if bare and verb.dep_ == "acl":
        return True
    if bare and verb.dep_ in {"advcl", "relcl", "ccomp", "xcomp"}:
        return any(c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by") for c in verb.children)
    if bare and verb.dep_ == "conj":
        return is_passive(verb.head)
    return False


def relative_antecedent(token: Token) -> Token:
    """ "which"/"that"/"who" in a relative clause stands for the noun the clause modifies."""
    if token.lower_ not in _RELATIVE_PRONOUNS:
        return token
    clause = token.head
    while clause.dep_ == "conj" and clause.head.i != clause.i:
        clause = clause.head
    if clause.dep_ not in {"relcl", "acl"}:
        return token
    noun = clause.head
    owner = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" else None
    if owner is not None and owner.pos_ in {"NOUN", "PROPN"} and _names_platform(owner):
        return owner  # "armed F-15 fighters of the Royal Saudi Air Force, which then escorted ..."
    return noun


def _names_platform(noun: Token) -> bool:
    return noun.ent_type_ in {"Aircraft", "WeaponSystem"} or any(
        c.ent_type_ in {"Aircraft", "WeaponSystem"}
        for c in noun.children
        if c.dep_ in {"compound", "nmod", "amod"}
    )


def subject(verb: Token, *, object_control: bool = True) -> Token | None:
    """The acting subject of a verb, inherited through conjunction, relative clauses and control.

    Through "sent F-16s up to intercept it" the interceptor is the object of "sent"
    (`object_control`); through "sent bombers to counter the drills" the party countering
    is the subject of "sent" (pass `object_control=False`).
    """
    lex = lexicon()
    for _ in range(6):
        subj = children(verb, "nsubj", "nsubjpass", "csubj")
        if subj:
            before = [t for t in subj if t.i < verb.i]  # "ØRLAND, Norway - Four B-1Bs arrived"
            return relative_antecedent(before[-1] if before else subj[0])
        if verb.dep_ == "conj" and verb.head.pos_ in {"VERB", "AUX"}:
            verb = verb.head
            continue
        if verb.dep_ in {"relcl", "acl"}:
            return verb.head
        if (
            verb.dep_ == "acomp"
            and verb.lemma_.lower() in lex.plan_adjectives
            and verb.head.pos_ in {"VERB", "AUX"}
        ):
            verb = verb.head  # "the Typhoons are due to leave": the subject of "are"
            continue
        if verb.dep_ not in _CONTROL_DEPS:
            return None
        controller = verb.head.head if verb.dep_ == "pcomp" else verb.head
        objects = children(controller, "dobj")
        controls = verb.dep_ == "xcomp" or controller.lemma_.lower() in lex.object_control_verbs
        if objects and object_control and controls:
            return relative_antecedent(objects[0])  # "sent two F-16s up to intercept it"
        if controller.pos_ in {"NOUN", "PROPN"}:
            return controller
        verb = controller
    return None


def direct_object(verb: Token) -> Token | None:
    """The object of a verb, shared with a coordinated verb, or the noun of an object relative clause."""
    objs = children(verb, "dobj")
    if objs:
        return relative_antecedent(objs[0])
    for other in verb.conjuncts:
        if other.pos_ in {"VERB", "AUX"} and not children(other, "nsubj", "nsubjpass"):
            objs = children(other, "dobj")
            if objs:
                return relative_antecedent(objs[0])
    if verb.dep_ == "conj" and not children(verb, "nsubj", "nsubjpass"):
        objs = children(verb.head, "dobj")
        if objs and objs[0].i > verb.i:
            return relative_antecedent(objs[0])
    if verb.dep_ == "relcl" and children(verb, "nsubj"):
        return verb.head  # "the bombers that the F-16s escorted"
    return _free_relative_object(verb)


def _free_relative_object(verb: Token) -> Token | None:
    """ "intercepted what turned out to be a Tu-142": the complement of the "what" clause."""
    clauses = [
        c
        for c in verb.children
        if c.dep_ in {"ccomp", "xcomp"} and any(w.lower_ == "what" for w in c.children)
    ]
    for clause in clauses:
        attrs = [t for t in clause.subtree if t.dep_ in {"attr", "oprd"}]
        if attrs:
            return attrs[0]
    return None


def agents_of_passive(verb: Token) -> list[Token]:
    """Every "by" phrase of a passive verb ("escorted by F-35As and by F-16s"), conjuncts included."""
    verbs = [verb, *(v for v in verb.conjuncts if v.tag_ == "VBN" and not children(v, "nsubj", "nsubjpass"))]
    out: list[Token] = []
    for v in verbs:
        for c in v.children:
            if c.dep_ == "agent" or (c.dep_ in {"prep"} and c.lower_ == "by"):
                for prep in [c, *c.conjuncts]:
                    out += children(prep, "pobj")
        if out:
            break
    return out


def _passive_subject(verb: Token) -> Token | None:
    v = verb
    while v.dep_ == "conj" and not children(v, "nsubjpass") and v.head.i != v.i:
        v = v.head
    subj = children(v, "nsubjpass")
    if subj:
        return relative_antecedent(subj[0])
    if verb.dep_ in {"acl", "relcl"}:
        return described_noun(verb)
    return subject(verb) or adjacent_subject(verb)


def adjacent_subject(verb: Token) -> Token | None:
    """The aircraft or weapon named before a passive verb that the parser left without a subject
    ("a U.S. B-52 flying over the Baltic Sea was intercepted by ...", "B-52s were stationed"):
    the nearest one in the clause that is not the object of a preposition."""
    doc = verb.doc
    for i in range(verb.i - 1, verb.sent.start - 1, -1):
        t = doc[i]
        if t.text in {";", ":"} or (t.pos_ == "VERB" and t.dep_ in {"ROOT", "ccomp", "conj"}):
            break
        if t.ent_type_ in {"Aircraft", "WeaponSystem"} and t.dep_ != "pobj":
            return t
    return None


def described_noun(participle: Token) -> Token:
    """The noun a participle describes: ", the Il-20, accompanied by ..." may hang on the wrong noun."""
    doc = participle.doc
    i = participle.i - 1
    while i > 0 and doc[i].is_punct:
        i -= 1
    if i >= 0 and doc[i].ent_type_ in {"Aircraft", "WeaponSystem"} and doc[i].i != participle.head.i:
        return doc[i]
    return participle.head


def verb_frame(verb: Token, verb_class: str = "transitive") -> Frame:
    """Agent, theme and goal heads of a verb trigger of the given class."""
    route = _route(verb)
    if is_passive(verb):
        theme = _passive_subject(verb)
        return Frame(
            verb, tuple(agents_of_passive(verb)), _some(theme), (), "passive" if route == "active" else route
        )
    subj = subject(verb)
    obj = direct_object(verb)
    if verb_class in {"unaccusative", "travel"}:
        return Frame(verb, (), _some(subj), (), route)
    if verb_class == "goal_object":
        return Frame(verb, (), _some(subj), _some(obj), route)
    if verb_class == "host":
        return Frame(verb, (), _some(obj), _some(subj), route)
    return Frame(verb, _some(subj), _some(obj), (), route)


def _route(verb: Token) -> str:
    if verb.dep_ in {"relcl"}:
        return "relative"
    if verb.dep_ == "acl":
        return "participle"
    if verb.dep_ in _CONTROL_DEPS:
        return "control"
    return "active"


def _some(token: Token | None) -> tuple[Token, ...]:
    return (token,) if token is not None else ()


# ---------------------------------------------------------------- nouns


def _by_after(noun: Token) -> list[Token]:
    """ "the Global Hawk's interception by a MiG-31" with "by" hung on the verb: the phrase right after."""
    doc = noun.doc
    nxt = noun.right_edge.i + 1
    if nxt < len(doc) and doc[nxt].lower_ == "by" and doc[nxt].head.i != noun.i:
        return children(doc[nxt], "pobj")
    return []


def noun_frame(noun: Token) -> Frame:
    """Agent and theme heads of a nominal trigger ("the interception of X by Y", "Y's escort of X",
    "carried out an interception of X", "flew under the escort of Y", "provided escort for X")."""
    lex = lexicon()
    of = prep_objects(noun, "of")
    by = prep_objects(noun, "by") or [t for o in of for t in prep_objects(o, "by")] or _by_after(noun)
    poss = children(noun, "poss")
    benefactive = prep_objects(noun, "for", "to")
    governor = noun.head
    if noun.dep_ == "pobj" and governor.lower_ in lex.under_escort_preps:  # "under the escort of two Su-27s"
        return Frame(noun, tuple(of), _some(subject(governor.head)), (), "nominal")
    if noun.dep_ in {"dobj", "attr"} and governor.lemma_.lower() in lex.support_verbs:
        theme = of or benefactive or prep_objects(governor, "for", "to", "on")
        return Frame(noun, _some(subject(governor)), tuple(theme[:1]), (), "support")
    if noun.dep_ == "nsubjpass" and governor.lemma_.lower() in lex.support_verbs:
        agents = agents_of_passive(governor)  # "the intercept was carried out by Finnish Hornets"
        if agents:
            return Frame(
                noun, tuple(agents[:1]), tuple((of or prep_objects(governor, "for", "on"))[:1]), (), "support"
            )
    if by:
        return Frame(noun, tuple(by[:1]), tuple((of or poss)[:1]), (), "nominal")
    # "F-16s flew escort for the bombers", parsed with the noun as root and "flew" as its modifier
    supports = [c for c in noun.children if c.dep_ == "compound" and c.lemma_.lower() in lex.support_verbs]
    subjects = children(noun, "nsubj") + [s for c in supports for s in children(c, "nsubj")]
    if subjects and (of or benefactive):
        return Frame(noun, tuple(subjects[:1]), tuple((of or benefactive)[:1]), (), "support")
    if poss and of:
        return Frame(noun, tuple(poss[:1]), tuple(of[:1]), (), "nominal")
    if of and noun.dep_ == "pobj" and governor.lower_ == "with":  # "with an escort of four Rafales"
        return Frame(noun, tuple(of[:1]), _some(subject(governor.head)), (), "nominal")
    if of:
        return Frame(noun, (), tuple(of[:1]), (), "nominal")
    if poss:
        return Frame(noun, (), tuple(poss[:1]), (), "nominal")
    return Frame(noun, (), (), (), "nominal")
