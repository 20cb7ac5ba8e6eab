"""A document's relations: every sentence read once, every trigger asked of each predicate family.

Takes a `Document`; gives `Relation` records (one per predicate, actor, target and sentence)
with their evidence sentence, character offsets, date, counts, trigger and confidence, and
the records of its mentions. Questions and sub-headings state nothing; each sentence's actors
are remembered for the references of the next ones (`kg.extract.salience`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from spacy.tokens import Span

from kg.dates import sentence_date
from kg.extract import modality
from kg.extract.attribution import read_attribution
from kg.extract.candidates import Candidate
from kg.extract.contact import contact_candidates
from kg.extract.deploy import deploy_candidates
from kg.extract.document import Document
from kg.extract.phrases import entities_of, party_of
from kg.extract.respond import response_candidates, tit_for_tat
from kg.extract.salience import remember_sentence
from kg.extract.scoring import Scorer, score_candidates
from kg.records import Evidence, Mention, Relation

#: Confidence is lowered by this factor when the sentence hedges what it reports.
HEDGE_FACTOR = 0.7


def sentence_candidates(document: Document, sent: Span) -> Iterator[Candidate]:
    """Every candidate relation a sentence's triggers propose."""
    for token in sent:
        if token.pos_ in {"VERB", "AUX", "NOUN", "PROPN"} or token.tag_.startswith("VB"):
            yield from contact_candidates(document, sent, token)
            yield from deploy_candidates(document, sent, token)
            yield from response_candidates(document, sent, token)
    yield from tit_for_tat(document, sent)


def extract_candidates(document: Document) -> list[Candidate]:
    """All candidates of the document, each (predicate, actor, target, sentence) once, in text order."""
    out: list[Candidate] = []
    seen: set[tuple[str, str, str, int]] = set()
    for sent in document.doc.sents:
        if document.in_subheading(sent) or sent.text.rstrip().endswith("?"):
            continue
        found = list(sentence_candidates(document, sent))
        for c in found:
            if c.actor.key != c.target.key and c.key not in seen:
                seen.add(c.key)
                out.append(c)
        remember_sentence(document, sent, found)
        for c in found:
            if c.predicate in {"intercepted", "escorted"}:
                document.role_history.setdefault("actor", []).append(c.actor.key)
                document.role_history.setdefault("target", []).append(c.target.key)
    return out


def extract_relations(document: Document, scorer: Scorer | None = None) -> list[Relation]:
    """The document's relations as records: the candidates the scorer keeps, with its confidence."""
    kept = score_candidates(document, extract_candidates(document), scorer)
    return [to_relation(document, c, confidence if scorer is not None else None) for c, confidence in kept]


def to_relation(document: Document, c: Candidate, confidence: float | None = None) -> Relation:
    """The record of a candidate: evidence with offsets, date, counts, and confidence (hedges lower it)."""
    sent = c.sent
    text = document.article.text[sent.start_char : sent.end_char]
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    start = sent.start_char + lead
    evidence = Evidence(document.article.doc_id, stripped, start, start + len(stripped))
    hedged = modality.hedged(sent)
    if confidence is None:
        confidence = c.confidence * (HEDGE_FACTOR if hedged else 1.0)
    when: dt.date | None = sentence_date(text, document.article.date)
    sides = (party_of(document, c.actor), party_of(document, c.target))
    claim = read_attribution(sent, c.trigger, document.by_token, sides)
    return Relation(
        predicate=c.predicate,
        actor=c.actor.key,
        target=c.target.key,
        doc_id=document.article.doc_id,
        evidence=evidence,
        confidence=round(confidence, 3),
        location=c.location,
        date=when,
        actor_count=c.actor.count,
        target_count=c.target.count,
        trigger=c.trigger.text,
        hedged=hedged,
        claim=claim.status,
        sources=claim.sources,
    )


def operator_facts(document: Document) -> dict[str, str]:
    """Aircraft and weapons whose owner the text names ("a Russian MiG-31", "Japan's F-15s")."""
    facts: dict[str, set[str]] = {}
    for m in document.mentions:
        if m.kind not in {"Aircraft", "WeaponSystem"}:
            continue
        args = entities_of(document, m.root, allow_context=False)
        owner = args[0].operator if args and args[0].key == m.key else None
        if owner:
            facts.setdefault(m.key, set()).add(owner)
    return {key: next(iter(owners)) for key, owners in facts.items() if len(owners) == 1}


def mention_records(document: Document) -> list[Mention]:
    """The `Mention` record of every mention found (and of places added for destinations)."""
    sent_index = {s.start: i for i, s in enumerate(document.doc.sents)}
    return [
        Mention(
            document.article.doc_id,
            m.start,
            int(m.span.end_char),
            m.span.text,
            m.kind,
            m.key,
            sent_index.get(m.span.sent.start, -1),
        )
        for m in document.mentions
    ]


def body_keys(document: Document) -> set[str]:
    """Keys mentioned outside sub-headings and teaser lines (headline included)."""
    return {m.key for m in document.mentions if not m.heading}
