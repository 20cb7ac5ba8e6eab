"""A synthetic graph shaped like a build's, written as N-Quads, for bench/sparql.py.

Nations, alliances, aircraft, weapons, seas; articles with events carrying actors, targets,
locations, dates, evidence; one named graph per article, entity facts repeated in every
article graph that mentions them, and the ontology's class hierarchy in the derived graph, as
a build embeds it. The shape follows a build of tests/corpus/articles (see bench/sparql.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from pathlib import Path
from typing import Any

PK = "https://w3id.org/posture-kg/ontology#"
ID = "https://w3id.org/posture-kg/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"

NATION_NAMES = [
    "Russia",
    "United States",
    "China",
    "Norway",
    "Japan",
    "United Kingdom",
    "Lithuania",
    "Taiwan",
]
SEA_NAMES = ["Barents Sea", "Baltic Sea", "Black Sea", "Sea of Japan", "South China Sea", "North Sea"]
ROLES = ["Fighter", "Bomber", "MaritimePatrolAircraft", "ReconnaissanceAircraft", "TankerAircraft"]
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
WD = "http://www.wikidata.org/entity/"
#: Events (evidence sentences) per article, as counted in a build of tests/corpus/articles
#: (30 articles: 8 with none, 3 with one, 6 with two, 10 with three, 2 with four, 1 with five).
EVENTS_PER_ARTICLE = (0,) * 8 + (1,) * 3 + (2,) * 6 + (3,) * 10 + (4,) * 2 + (5,)
EVENTS = [("Interception", "intercepted"), ("Escort", "escorted"), ("Deployment", "deployedTo"),
          ("Response", "respondedTo")]  # fmt: skip


def _zipf(rng: random.Random, pool: list[str]) -> str:
    """One item of `pool`, the k-th drawn with weight 1/k: a few entities make most of the news."""
    weights = _ZIPF.get(len(pool))
    if weights is None:
        weights = _ZIPF[len(pool)] = list(itertools.accumulate(1 / (k + 1) for k in range(len(pool))))
    return rng.choices(pool, cum_weights=weights)[0]


_ZIPF: dict[int, list[float]] = {}


def _aliases(label: str, n: int) -> list[tuple[str, str, str]]:
    """skos:altLabel facts (real entities carry several: "Russian Federation", "Moscow", ...)."""
    return [(SKOS + "altLabel", _lit(f"{label} alias {k}"), "") for k in range(1, n + 1)]


def _iri(x: str) -> str:
    return f"<{x}>"


def _lit(text: str, datatype: str | None = None) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{body}"^^<{datatype}>' if datatype else f'"{body}"'


class World:
    """The entities of the synthetic graph and their facts (as N-Quads statement bodies)."""

    def __init__(self, rng: random.Random, scale: float) -> None:
        n_nations = max(12, int(60 * min(scale, 1.0)))
        self.nations = [f"nation/N{i:02d}" for i in range(n_nations)]
        self.alliances = ["alliance/nato", "alliance/csto", "alliance/aukus", "alliance/sco"]
        self.aircraft = [f"aircraft/type-{i}" for i in range(300)]
        self.aircraft[0], self.aircraft[1] = "aircraft/mig-31", "aircraft/b-1b"
        self.weapons = [f"weapon/system-{i}" for i in range(50)]
        self.seas = [f"sea/sea-{i}" for i in range(30)]
        self.facts: dict[str, list[tuple[str, str, str]]] = {}
        for i, nation in enumerate(self.nations):
            label = NATION_NAMES[i] if i < len(NATION_NAMES) else f"Nation {i}"
            facts = [
                (RDF_TYPE, _iri(PK + "Nation"), ""),
                (RDFS_LABEL, _lit(label), ""),
                (SKOS + "prefLabel", _lit(label), ""),
                *_aliases(label, 5),
                (PK + "isoAlpha2", _lit(f"N{i}"), ""),
                (PK + "isoAlpha3", _lit(f"N{i:02d}"), ""),
                (OWL_SAME_AS, _iri(f"{WD}Q{1000 + i}"), ""),
            ]
            alliance = self.alliances[0] if i % 3 == 1 else self.alliances[1 + i % 3] if i % 3 == 0 else None
            if i == 0:
                alliance = "alliance/csto"
            if alliance:
                facts.append((PK + "memberOf", _iri(ID + alliance), alliance))
            self.facts[nation] = facts
        for alliance in self.alliances:
            name = alliance.split("/")[1].upper()
            self.facts[alliance] = [(RDF_TYPE, _iri(PK + "Alliance"), ""), (RDFS_LABEL, _lit(name), ""),
                                    (SKOS + "prefLabel", _lit(name), ""), *_aliases(name, 4),
                                    (OWL_SAME_AS, _iri(f"{WD}Q{name}"), "")]  # fmt: skip
        for i, plane in enumerate(self.aircraft):
            label = {0: "MiG-31", 1: "B-1B"}.get(i, f"Type-{i}")
            operator = (
                self.nations[0] if i % 4 == 0 else self.nations[1] if i == 1 else rng.choice(self.nations)
            )
            self.facts[plane] = [
                (RDF_TYPE, _iri(PK + ROLES[i % len(ROLES)]), ""),
                (RDFS_LABEL, _lit(label), ""),
                (SKOS + "prefLabel", _lit(label), ""),
                *_aliases(label, 4),
                (PK + "operatedBy", _iri(ID + operator), operator),
            ]
        for i, weapon in enumerate(self.weapons):
            self.facts[weapon] = [(RDF_TYPE, _iri(PK + "AirDefenceSystem"), ""),
                                  (RDFS_LABEL, _lit(f"System {i}"), ""),
                                  (SKOS + "prefLabel", _lit(f"System {i}"), ""),
                                  *_aliases(f"System {i}", 4),
                                  (PK + "operatedBy", _iri(ID + rng.choice(self.nations)), "")]  # fmt: skip
        # interceptors and escorts are fighters; what they meet is any other aircraft
        self.fighters = [a for i, a in enumerate(self.aircraft) if ROLES[i % len(ROLES)] == "Fighter"]
        self.operator = {a: self.facts[a][-1][2] for a in self.aircraft}
        for i, sea in enumerate(self.seas):
            label = SEA_NAMES[i] if i < len(SEA_NAMES) else f"Sea {i}"
            self.facts[sea] = [(RDF_TYPE, _iri(PK + "Sea"), ""), (RDFS_LABEL, _lit(label), ""),
                               (SKOS + "prefLabel", _lit(label), ""), *_aliases(label, i % 2)]  # fmt: skip

    def closure(self, entity: str) -> set[str]:
        """The entity and what its facts point at (operator, alliance), as the builder writes them."""
        out, todo = set(), [entity]
        while todo:
            e = todo.pop()
            if e in out:
                continue
            out.add(e)
            todo.extend(ref for _, _, ref in self.facts[e] if ref)
        return out


def _write_hierarchy(out: Any) -> int:
    """The ontology's class hierarchy in the derived graph, as every build embeds it; its line count."""
    from kg.graph.ontology import class_hierarchy

    lines = [f"<{s}> <{p}> <{o}> <{ID}graph/derived> .\n" for s, p, o in class_hierarchy()]
    out.writelines(lines)
    return len(lines)


def generate(path: Path, target: int, seed: int = 7) -> int:
    """Write about `target` quads of N-Quads to `path`; returns the number written."""
    rng = random.Random(seed)
    world = World(rng, target / 1_000_000)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        count += _write_hierarchy(out)
        a = 0
        while count < target:
            lines = _article_lines(rng, world, a)
            graph = f"<{ID}graph/{a:012x}>"
            out.writelines(f"{s} {p} {o} {graph} .\n" for s, p, o in lines)
            count += len(lines)
            a += 1
    return count


Line = tuple[str, str, str]


def _article_lines(rng: random.Random, world: World, a: int) -> list[Line]:
    """Article number `a`: its own facts, its events, and the facts of every entity it names."""
    doc = f"{a:012x}"
    article = f"<{ID}article/{doc}>"
    day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 3650))
    lines = [
        (article, _iri(RDF_TYPE), _iri(PK + "Article")),
        (article, _iri(RDF_TYPE), _iri(PROV + "Entity")),
        (article, _iri(DCT + "identifier"), _lit(doc)),
        (article, _iri(PK + "docId"), _lit(doc)),
        (article, _iri(DCT + "title"), _lit(f"Article {a} about posturing")),
        (article, _iri(DCT + "date"), _lit(day.isoformat(), XSD + "date")),
        (article, _iri(DCT + "source"), _lit(f"https://news.example/{a}")),
        (article, _iri(PK + "contentHash"), _lit(f"{rng.getrandbits(128):032x}")),
    ]
    mentioned: set[str] = set()
    for k in range(rng.choice(EVENTS_PER_ARTICLE)):
        lines += _event_lines(rng, world, (a, k), day, article, mentioned)
    # an article also names nations, seas and aircraft outside its events (real builds:
    # about 4 nations, 1.4 seas, 3 aircraft types and 11 entities in all per article)
    mentioned.update(_zipf(rng, world.nations) for _ in range(3))
    mentioned.update(_zipf(rng, world.aircraft) for _ in range(rng.choice((0, 1, 1, 2))))
    if rng.random() < 0.6:
        mentioned.add(_zipf(rng, world.seas))
    if rng.random() < 0.3:
        mentioned.add(rng.choice(world.alliances))
    for entity in sorted(set().union(*(world.closure(e) for e in mentioned))):
        lines += [(_iri(ID + entity), _iri(p), o) for p, o, _ in world.facts[entity]]
    lines += [(article, _iri(PK + "mentions"), _iri(ID + e)) for e in sorted(mentioned)]
    return lines


def _parties(rng: random.Random, world: World, cls: str) -> tuple[str, str]:
    """Actor and target of an event of class `cls`. Entities are drawn Zipf-like (news is about a
    few nations and types), an interceptor is a fighter of another nation than its target, and
    responses are between nations and alliances (the builder never links events by respondedTo)."""
    if cls in ("Interception", "Escort"):
        actor = world.aircraft[0] if rng.random() < 0.1 else _zipf(rng, world.fighters)
        target = world.aircraft[1] if rng.random() < 0.1 else _zipf(rng, world.aircraft)
        while cls == "Interception" and world.operator[target] == world.operator[actor]:
            target = _zipf(rng, world.aircraft)
        return actor, target
    if cls == "Deployment":
        return _zipf(rng, world.weapons), _zipf(rng, world.nations)
    actor = world.nations[0] if rng.random() < 0.2 else _zipf(rng, world.nations + world.alliances)
    target = _zipf(rng, world.nations)
    while target == actor:
        target = _zipf(rng, world.nations)
    return actor, target


def _event_lines(
    rng: random.Random, world: World, number: tuple[int, int], day: dt.date, article: str, mentioned: set[str]
) -> list[Line]:
    """Event k of article a, with its one evidence node; its entities go into `mentioned`."""
    a, k = number
    cls, prop = rng.choice(EVENTS)
    actor, tgt = _parties(rng, world, cls)
    event = f"<{ID}event/{cls.lower()}/{a:012x}{k}>"
    evidence = f"<{ID}evidence/{a:012x}/{k * 100}-{k * 100 + 90}>"
    date = _lit((day - dt.timedelta(days=rng.randrange(0, 3))).isoformat(), XSD + "date")
    lines = [
        (_iri(ID + actor), _iri(PK + prop), _iri(ID + tgt)),
        (event, _iri(RDF_TYPE), _iri(PK + cls)),
        (event, _iri(PK + "directProperty"), _iri(PK + prop)),
        (event, _iri(PK + "actor"), _iri(ID + actor)),
        (event, _iri(PK + "target"), _iri(ID + tgt)),
        (event, _iri(PK + "date"), date),
        (event, _iri(PK + "confidence"), _lit(f"0.{rng.randrange(50, 99)}", XSD + "decimal")),
        (event, _iri(PK + "sourceCount"), _lit("1", XSD + "integer")),
        (event, _iri(RDFS_LABEL), _lit(f"{actor} {prop} {tgt}")),
        (event, _iri(PK + "evidence"), evidence),
        (event, _iri(PROV + "wasDerivedFrom"), article),
        (evidence, _iri(RDF_TYPE), _iri(PK + "Evidence")),
        (evidence, _iri(PK + "sentence"), _lit(f"Sentence {k} of article {a}: {actor} {prop} {tgt}.")),
        (evidence, _iri(PK + "startChar"), _lit(str(k * 100), XSD + "integer")),
        (evidence, _iri(PK + "endChar"), _lit(str(k * 100 + 90), XSD + "integer")),
        (evidence, _iri(PK + "trigger"), _lit(prop)),
        (evidence, _iri(PK + "hedged"), _lit("false", XSD + "boolean")),
        (evidence, _iri(PK + "confidence"), _lit(f"0.{rng.randrange(50, 99)}", XSD + "decimal")),
        (evidence, _iri(PK + "date"), date),
        (evidence, _iri(PROV + "wasQuotedFrom"), article),
    ]
    if cls != "Deployment" and rng.random() < 0.7:
        sea = world.seas[0] if rng.random() < 0.2 else rng.choice(world.seas)
        lines.append((event, _iri(PK + "location"), _iri(ID + sea)))
        mentioned.add(sea)
    if cls == "Deployment":
        lines.append((event, _iri(PK + "destination"), _iri(ID + tgt)))
    mentioned.update((actor, tgt))
    return lines
