"""Names the gazetteer lacks, found by their shape: designations, bases, seas, "Sino-".

Takes a `Doc` whose tokens carry the gazetteer's entities, and the gazetteer; gives new entity
`Span`s (label = kind, `id_` = canonical key) for
- designations with a known aircraft prefix and an aircraft word nearby ("Su-75 fighters");
- bases: "RAF X", "Naval Air Station X", "X Air Base", and a name before a lower-case base word
  ("Diyarbakır air base", "Tariq bin Ziyad military base");
- seas: "Sea of X", "X Strait", and coordinated stems ("the Bering and Okhotsk seas");
- "Sino-" in "Sino-Russian", which names China.
The words these patterns are built from are in kg/data/lexicon.json (`names` section).
"""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Doc, Span

from kg.gazetteer import DESIGNATION, Gazetteer, aircraft_key_for, normalise, slug
from kg.lexicon import lexicon

_UNKNOWN_DESIGNATION = re.compile(
    r"(?<![\w/-])([A-Z][A-Za-z]{0,3}(?:/[A-Z]{1,2})?-\d{1,4}[A-Z0-9]{0,4}(?:-[A-Z0-9]{1,2})?)(s?)(?![\w-])"
)
_CAP = r"[A-Z][\w'\u2019-]*(?:\.(?=\w))?[\w'\u2019-]*"
_WORD = r"[A-Z][\w\u00c0-\u024f]*"
_COORDINATED_SEAS = re.compile(
    r"\b((?:[A-Z][a-z]+(?:,\s*and\s+|,\s*|\s+and\s+))+)([A-Z][a-z]+)\s+([Ss]eas|[Oo]ceans)\b"
)


def _alternatives(words: frozenset[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def base_patterns() -> tuple[re.Pattern[str], ...]:
    """The base name patterns, built from the lexicon's base words."""
    lex = lexicon()
    prefixes, titled = _alternatives(lex.base_prefixes), _alternatives(lex.base_titles)
    suffixes, lower = _alternatives(tuple(lex.base_suffixes)), _alternatives(lex.base_words)
    particles = _alternatives(lex.name_particles)
    return (
        re.compile(rf"\b(?:{prefixes})\s+(?:Base\s+)?{_CAP}(?:\s+{_CAP})?"),
        re.compile(rf"\b(?:{titled})\s+{_CAP}(?:[\s-]+{_CAP}){{0,2}}"),
        re.compile(rf"\b{_CAP}(?:[\s-]+{_CAP}){{0,2}}\s+(?:{suffixes})\b"),
        # "Diyarbakır air base", "the Leh airbase", "Tariq bin Ziyad military base"
        re.compile(
            rf"(?<![\w'\u2019-]){_WORD}(?:(?:[\s-](?:{particles}))?[\s-]{_WORD}){{0,2}}\s+(?:{lower})\b"
        ),
    )


@cache
def sea_patterns() -> tuple[re.Pattern[str], ...]:
    water = _alternatives(lexicon().sea_words)
    return (
        re.compile(rf"\b(?:{water}) of (?:the )?{_CAP}(?: {_CAP})?"),
        re.compile(rf"\b{_CAP}(?: {_CAP})? (?:Sea|Strait|Ocean)\b"),
    )


def _span(doc: Doc, start: int, end: int, kind: str, key: str) -> Span | None:
    span = doc.char_span(start, end, label=kind, alignment_mode="expand")
    if span is None:
        return None
    span.id_ = key
    return span


def designations(doc: Doc, gaz: Gazetteer) -> list[Span]:
    """Aircraft designations not in the gazetteer: a known prefix and an aircraft word nearby."""
    lex = lexicon()
    spans = []
    for m in _UNKNOWN_DESIGNATION.finditer(doc.text):
        written = m.group(1)
        parts = DESIGNATION.match(written)
        if not parts or parts.group("prefix") not in lex.aircraft_prefixes:
            continue
        key = gaz.aircraft_key(written) or aircraft_key_for(written)
        span = _span(doc, m.start(), m.end(), "Aircraft", key)
        if span is None:
            continue
        family_known = gaz.aircraft_key(f"{parts.group('prefix')}-{parts.group('number')}") is not None
        window = doc[max(span.start - 3, 0) : min(span.end + 4, len(doc))]
        if family_known or any(t.lower_ in lex.aircraft_words for t in window):
            spans.append(span)
    return spans


def bases(doc: Doc) -> list[Span]:
    suffixes = lexicon().base_suffixes
    spans = []
    for pattern in base_patterns():
        for m in pattern.finditer(doc.text):
            words = m.group(0).strip().split()
            if words[0] in {"The", "A", "An", "This", "That"}:
                continue
            if words[-1] in suffixes and suffixes[words[-1]]:
                words = [*words[:-1], suffixes[words[-1]]]
            span = _span(doc, m.start(), m.end(), "Base", f"base:{slug(' '.join(words))}")
            if span is not None and not any(t.ent_type_ in {"Nation", "Alliance"} for t in span):
                spans.append(span)
    return spans


def seas(doc: Doc) -> list[Span]:
    spans = []
    for pattern in sea_patterns():
        for m in pattern.finditer(doc.text):
            start = m.start() + (len(m.group(0)) - len(re.sub(r"^(?:The|the)\s+", "", m.group(0))))
            span = _span(doc, start, m.end(), "Sea", f"sea:{slug(doc.text[start : m.end()])}")
            if span is not None and not any(t.ent_type_ in {"Nation", "Alliance"} for t in span):
                spans.append(span)
    return spans


def coordinated_seas(doc: Doc, gaz: Gazetteer) -> list[Span]:
    """ "the Bering and Okhotsk seas", "Black, Baltic Seas": one Sea per stem."""
    water = lexicon().water_words
    spans = []
    for m in _COORDINATED_SEAS.finditer(doc.text):
        stems = [
            (s.start() + m.start(1), s.end() + m.start(1)) for s in re.finditer(r"[A-Z][a-z]+", m.group(1))
        ]
        stems.append((m.start(2), m.end()))
        for start, end in stems:
            stem = re.sub(r"\s+(?:[Ss]eas|[Oo]ceans)$", "", doc.text[start:end])
            if normalise(stem) in water:
                continue  # "Pacific Ocean, Black, Baltic Seas": "Ocean" ends another name, it is no stem
            body = "Ocean" if m.group(3).lower() == "oceans" else "Sea"  # "the Atlantic and Arctic oceans"
            key = gaz.sea_stems.get(normalise(stem)) or gaz.sea_stems.get(normalise(f"{stem} {body}"))
            key = key or f"sea:{slug(stem + ' ' + body)}"
            span = _span(doc, start, end, "Sea", key)
            if span is not None:
                spans.append(span)
    return spans


def sino(doc: Doc) -> list[Span]:
    """ "Sino-Russian", "Sino-US": the "Sino" prefix names China."""
    spans = []
    for token in doc:
        if token.text == "Sino" and token.i + 1 < len(doc) and doc[token.i + 1].text in {"-", "\u2013"}:
            span = _span(doc, token.idx, token.idx + len(token.text), "Nation", "nation:CN")
            if span is not None:
                spans.append(span)
    return spans
