"""Relation rules of kg.extract, run on hand-built spaCy `Doc`s (no statistical model).

Each case writes a sentence's dependency parse out by hand (head index, dependency label,
coarse and fine tag, lemma) and names its entities with their canonical keys, so a rule is
tested on exactly the structure it is meant to read, whatever a model would produce.
The cases that run the real model on raw text live in tests/test_extract_cases.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
import spacy
from spacy.tokens import Doc, Span

from kg.extract.document import read_document
from kg.extract.relations import extract_relations, operator_facts
from kg.gazetteer import default_gazetteer
from kg.nlp.pipeline import surface_forms
from kg.records import Article

ARTICLE_DATE = dt.date(2025, 3, 14)

#: A token: (text, head index, dependency, coarse POS, fine tag, lemma).
Row = tuple[str, int, str, str, str, str]
#: An entity: (first token, end token, label, canonical key).
Ent = tuple[int, int, str, str]


@pytest.fixture(scope="module")
def vocab():
    return spacy.blank("en").vocab


@pytest.fixture(scope="module")
def gaz():
    return default_gazetteer()


@pytest.fixture(scope="module")
def forms(gaz):
    return surface_forms(gaz)


def _document(doc, article, gaz, forms):
    document = read_document(doc, article, gaz, forms)
    document.operated_by = operator_facts(document)
    return document


def make_doc(vocab, rows: list[Row], ents: list[Ent]) -> Doc:
    """A parsed Doc from hand-written rows; a space follows every token but the one before a period."""
    words = [r[0] for r in rows]
    spaces = [i + 1 < len(words) and words[i + 1] not in {".", ","} for i in range(len(words))]
    doc = Doc(
        vocab,
        words=words,
        spaces=spaces,
        heads=[r[1] for r in rows],
        deps=[r[2] for r in rows],
        pos=[r[3] for r in rows],
        tags=[r[4] for r in rows],
        lemmas=[r[5] for r in rows],
    )
    spans = []
    for start, end, label, key in ents:
        span = Span(doc, start, end, label=label)
        span.id_ = key
        spans.append(span)
    doc.ents = spans
    return doc


def relations(doc: Doc, gaz, forms) -> set[tuple[str, str, str]]:
    article = Article(doc_id="rule", text=doc.text, date=ARTICLE_DATE)
    ctx = _document(doc, article, gaz, forms)
    return {(r.actor, r.predicate, r.target) for r in extract_relations(ctx)}


# "Japanese F-15J fighters intercepted a Russian Tu-95MS bomber over the Sea of Japan."
ACTIVE: list[Row] = [
    ("Japanese", 2, "amod", "ADJ", "JJ", "japanese"),
    ("F-15J", 2, "compound", "PROPN", "NNP", "F-15J"),
    ("fighters", 3, "nsubj", "NOUN", "NNS", "fighter"),
    ("intercepted", 3, "ROOT", "VERB", "VBD", "intercept"),
    ("a", 7, "det", "DET", "DT", "a"),
    ("Russian", 7, "amod", "ADJ", "JJ", "russian"),
    ("Tu-95MS", 7, "compound", "PROPN", "NNP", "Tu-95MS"),
    ("bomber", 3, "dobj", "NOUN", "NN", "bomber"),
    ("over", 3, "prep", "ADP", "IN", "over"),
    ("the", 10, "det", "DET", "DT", "the"),
    ("Sea", 8, "pobj", "PROPN", "NNP", "Sea"),
    ("of", 10, "prep", "ADP", "IN", "of"),
    ("Japan", 11, "pobj", "PROPN", "NNP", "Japan"),
    (".", 3, "punct", "PUNCT", ".", "."),
]
ACTIVE_ENTS: list[Ent] = [
    (0, 1, "Nation", "nation:JP"),
    (1, 2, "Aircraft", "aircraft:f-15j"),
    (5, 6, "Nation", "nation:RU"),
    (6, 7, "Aircraft", "aircraft:tu-95ms"),
    (10, 13, "Sea", "sea:sea-of-japan"),
]

# "The Tu-95MS bombers were escorted by F-16 fighters."
PASSIVE: list[Row] = [
    ("The", 2, "det", "DET", "DT", "the"),
    ("Tu-95MS", 2, "compound", "PROPN", "NNP", "Tu-95MS"),
    ("bombers", 4, "nsubjpass", "NOUN", "NNS", "bomber"),
    ("were", 4, "auxpass", "AUX", "VBD", "be"),
    ("escorted", 4, "ROOT", "VERB", "VBN", "escort"),
    ("by", 4, "agent", "ADP", "IN", "by"),
    ("F-16", 7, "compound", "PROPN", "NNP", "F-16"),
    ("fighters", 5, "pobj", "NOUN", "NNS", "fighter"),
    (".", 4, "punct", "PUNCT", ".", "."),
]
PASSIVE_ENTS: list[Ent] = [(1, 2, "Aircraft", "aircraft:tu-95ms"), (6, 7, "Aircraft", "aircraft:f-16")]

# "F-35A fighters intercepted and escorted the Tu-95MS bombers."
COORDINATED: list[Row] = [
    ("F-35A", 1, "compound", "PROPN", "NNP", "F-35A"),
    ("fighters", 2, "nsubj", "NOUN", "NNS", "fighter"),
    ("intercepted", 2, "ROOT", "VERB", "VBD", "intercept"),
    ("and", 2, "cc", "CCONJ", "CC", "and"),
    ("escorted", 2, "conj", "VERB", "VBD", "escort"),
    ("the", 7, "det", "DET", "DT", "the"),
    ("Tu-95MS", 7, "compound", "PROPN", "NNP", "Tu-95MS"),
    ("bombers", 4, "dobj", "NOUN", "NNS", "bomber"),
    (".", 2, "punct", "PUNCT", ".", "."),
]
F35_TU95_ENTS: list[Ent] = [(0, 1, "Aircraft", "aircraft:f-35a"), (6, 7, "Aircraft", "aircraft:tu-95ms")]

# "F-35A fighters did not intercept the Tu-95MS bombers."
NEGATED: list[Row] = [
    ("F-35A", 1, "compound", "PROPN", "NNP", "F-35A"),
    ("fighters", 4, "nsubj", "NOUN", "NNS", "fighter"),
    ("did", 4, "aux", "AUX", "VBD", "do"),
    ("not", 4, "neg", "PART", "RB", "not"),
    ("intercept", 4, "ROOT", "VERB", "VB", "intercept"),
    ("the", 7, "det", "DET", "DT", "the"),
    ("Tu-95MS", 7, "compound", "PROPN", "NNP", "Tu-95MS"),
    ("bombers", 4, "dobj", "NOUN", "NNS", "bomber"),
    (".", 4, "punct", "PUNCT", ".", "."),
]

# "The MiG-31 was designed to intercept B-52 bombers."
DESIGNED: list[Row] = [
    ("The", 1, "det", "DET", "DT", "the"),
    ("MiG-31", 3, "nsubjpass", "PROPN", "NNP", "MiG-31"),
    ("was", 3, "auxpass", "AUX", "VBD", "be"),
    ("designed", 3, "ROOT", "VERB", "VBN", "design"),
    ("to", 5, "aux", "PART", "TO", "to"),
    ("intercept", 3, "xcomp", "VERB", "VB", "intercept"),
    ("B-52", 7, "compound", "PROPN", "NNP", "B-52"),
    ("bombers", 5, "dobj", "NOUN", "NNS", "bomber"),
    (".", 3, "punct", "PUNCT", ".", "."),
]
DESIGNED_ENTS: list[Ent] = [(1, 2, "Aircraft", "aircraft:mig-31"), (6, 7, "Aircraft", "aircraft:b-52")]

# "The interception of the Tu-95MS by F-35A fighters was routine."
NOMINAL: list[Row] = [
    ("The", 1, "det", "DET", "DT", "the"),
    ("interception", 8, "nsubj", "NOUN", "NN", "interception"),
    ("of", 1, "prep", "ADP", "IN", "of"),
    ("the", 4, "det", "DET", "DT", "the"),
    ("Tu-95MS", 2, "pobj", "PROPN", "NNP", "Tu-95MS"),
    ("by", 1, "prep", "ADP", "IN", "by"),
    ("F-35A", 7, "compound", "PROPN", "NNP", "F-35A"),
    ("fighters", 5, "pobj", "NOUN", "NNS", "fighter"),
    ("was", 8, "ROOT", "AUX", "VBD", "be"),
    ("routine", 8, "acomp", "ADJ", "JJ", "routine"),
    (".", 8, "punct", "PUNCT", ".", "."),
]
NOMINAL_ENTS: list[Ent] = [(4, 5, "Aircraft", "aircraft:tu-95ms"), (6, 7, "Aircraft", "aircraft:f-35a")]

# "Japan scrambled F-15J fighters to intercept the Tu-95MS bombers."
SCRAMBLED: list[Row] = [
    ("Japan", 1, "nsubj", "PROPN", "NNP", "Japan"),
    ("scrambled", 1, "ROOT", "VERB", "VBD", "scramble"),
    ("F-15J", 3, "compound", "PROPN", "NNP", "F-15J"),
    ("fighters", 1, "dobj", "NOUN", "NNS", "fighter"),
    ("to", 5, "aux", "PART", "TO", "to"),
    ("intercept", 1, "xcomp", "VERB", "VB", "intercept"),
    ("the", 8, "det", "DET", "DT", "the"),
    ("Tu-95MS", 8, "compound", "PROPN", "NNP", "Tu-95MS"),
    ("bombers", 5, "dobj", "NOUN", "NNS", "bomber"),
    (".", 1, "punct", "PUNCT", ".", "."),
]
SCRAMBLED_ENTS: list[Ent] = [
    (0, 1, "Nation", "nation:JP"),
    (2, 3, "Aircraft", "aircraft:f-15j"),
    (7, 8, "Aircraft", "aircraft:tu-95ms"),
]

# "No Tu-95MS bombers were intercepted."
DENIED: list[Row] = [
    ("No", 2, "det", "DET", "DT", "no"),
    ("Tu-95MS", 2, "compound", "PROPN", "NNP", "Tu-95MS"),
    ("bombers", 4, "nsubjpass", "NOUN", "NNS", "bomber"),
    ("were", 4, "auxpass", "AUX", "VBD", "be"),
    ("intercepted", 4, "ROOT", "VERB", "VBN", "intercept"),
    (".", 4, "punct", "PUNCT", ".", "."),
]

# "The United States deployed F-22 fighters to Japan."
DEPLOYED: list[Row] = [
    ("The", 2, "det", "DET", "DT", "the"),
    ("United", 2, "compound", "PROPN", "NNP", "United"),
    ("States", 3, "nsubj", "PROPN", "NNP", "States"),
    ("deployed", 3, "ROOT", "VERB", "VBD", "deploy"),
    ("F-22", 5, "compound", "PROPN", "NNP", "F-22"),
    ("fighters", 3, "dobj", "NOUN", "NNS", "fighter"),
    ("to", 3, "prep", "ADP", "IN", "to"),
    ("Japan", 6, "pobj", "PROPN", "NNP", "Japan"),
    (".", 3, "punct", "PUNCT", ".", "."),
]
DEPLOYED_ENTS: list[Ent] = [
    (1, 3, "Nation", "nation:US"),
    (4, 5, "Aircraft", "aircraft:f-22"),
    (7, 8, "Nation", "nation:JP"),
]


@pytest.mark.parametrize(
    ("rows", "ents", "expected"),
    [
        pytest.param(
            ACTIVE,
            ACTIVE_ENTS,
            {("aircraft:f-15j", "intercepted", "aircraft:tu-95ms")},
            id="active-voice-subject-acts-on-object",
        ),
        pytest.param(
            PASSIVE,
            PASSIVE_ENTS,
            {("aircraft:f-16", "escorted", "aircraft:tu-95ms")},
            id="passive-agent-acts-on-subject",
        ),
        pytest.param(
            COORDINATED,
            F35_TU95_ENTS,
            {
                ("aircraft:f-35a", "intercepted", "aircraft:tu-95ms"),
                ("aircraft:f-35a", "escorted", "aircraft:tu-95ms"),
            },
            id="coordinated-verbs-share-subject-and-object",
        ),
        pytest.param(
            NOMINAL,
            NOMINAL_ENTS,
            {("aircraft:f-35a", "intercepted", "aircraft:tu-95ms")},
            id="nominalisation-of-target-by-actor",
        ),
        pytest.param(
            SCRAMBLED,
            SCRAMBLED_ENTS,
            {("aircraft:f-15j", "intercepted", "aircraft:tu-95ms")},
            id="scrambled-object-controls-to-intercept",
        ),
        pytest.param(
            DEPLOYED,
            DEPLOYED_ENTS,
            {("aircraft:f-22", "deployedTo", "nation:JP")},
            id="deployed-theme-to-destination",
        ),
    ],
)
def test_extract_rules_find_relation(vocab, gaz, forms, rows, ents, expected):
    assert relations(make_doc(vocab, rows, ents), gaz, forms) == expected


@pytest.mark.parametrize(
    ("rows", "ents"),
    [
        pytest.param(NEGATED, F35_TU95_ENTS, id="negation-did-not-intercept"),
        pytest.param(DESIGNED, DESIGNED_ENTS, id="capability-designed-to-intercept"),
        pytest.param(DENIED, [(1, 2, "Aircraft", "aircraft:tu-95ms")], id="denied-no-bombers-were"),
    ],
)
def test_extract_rules_block_non_events(vocab, gaz, forms, rows, ents):
    assert relations(make_doc(vocab, rows, ents), gaz, forms) == set()


def test_extract_rules_location_and_evidence_come_from_the_clause(vocab, gaz, forms):
    doc = make_doc(vocab, ACTIVE, ACTIVE_ENTS)
    article = Article(doc_id="rule", text=doc.text, date=ARTICLE_DATE)
    (relation,) = extract_relations(_document(doc, article, gaz, forms))
    assert relation.location == "sea:sea-of-japan"
    assert relation.trigger == "intercepted"
    assert relation.evidence.text == doc.text
    assert article.text[relation.evidence.start : relation.evidence.end] == relation.evidence.text
    assert relation.date == ARTICLE_DATE
    assert not relation.hedged
    assert 0.0 < relation.confidence <= 1.0


def test_extract_rules_agentless_passive_takes_the_previous_sentences_aircraft_less_surely(vocab, gaz, forms):
    with_agent = make_doc(vocab, PASSIVE, PASSIVE_ENTS)
    article = Article(doc_id="rule", text=with_agent.text, date=ARTICLE_DATE)
    (direct,) = extract_relations(_document(with_agent, article, gaz, forms))
    # "F-16 fighters were scrambled. The Tu-95MS bombers were escorted."
    rows: list[Row] = [
        ("F-16", 1, "compound", "PROPN", "NNP", "F-16"),
        ("fighters", 3, "nsubjpass", "NOUN", "NNS", "fighter"),
        ("were", 3, "auxpass", "AUX", "VBD", "be"),
        ("scrambled", 3, "ROOT", "VERB", "VBN", "scramble"),
        (".", 3, "punct", "PUNCT", ".", "."),
        ("The", 7, "det", "DET", "DT", "the"),
        ("Tu-95MS", 7, "compound", "PROPN", "NNP", "Tu-95MS"),
        ("bombers", 9, "nsubjpass", "NOUN", "NNS", "bomber"),
        ("were", 9, "auxpass", "AUX", "VBD", "be"),
        ("escorted", 9, "ROOT", "VERB", "VBN", "escort"),
        (".", 9, "punct", "PUNCT", ".", "."),
    ]
    agentless = make_doc(
        vocab, rows, [(0, 1, "Aircraft", "aircraft:f-16"), (6, 7, "Aircraft", "aircraft:tu-95ms")]
    )
    assert [s.text for s in agentless.sents] == [
        "F-16 fighters were scrambled.",
        "The Tu-95MS bombers were escorted.",
    ]
    article = Article(doc_id="rule", text=agentless.text, date=ARTICLE_DATE)
    (guessed,) = extract_relations(_document(agentless, article, gaz, forms))
    assert (guessed.actor, guessed.predicate, guessed.target) == (
        "aircraft:f-16",
        "escorted",
        "aircraft:tu-95ms",
    )
    assert guessed.evidence.text == "The Tu-95MS bombers were escorted."
    assert guessed.confidence < direct.confidence
