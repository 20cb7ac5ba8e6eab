"""Score graphs against gold annotations with the rules of the shared referee (`score.py`).

Reimplemented here, typed, so that `kg evaluate` works without the shared evaluation folder
and users can score against their own gold sets. The output contract it reads is the one
score.py reads: namespaces are free, local names are not (see docs/rdf-model.md).
Any change to the rules must keep `tests/test_evaluate.py` (parity with score.py) green.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from kg.errors import InputError, KgError

ENTITY_TYPES = ("Nation", "Alliance", "Aircraft", "Base", "Sea", "WeaponSystem", "Location")
SCORED_TYPES = ("Nation", "Alliance", "Aircraft", "Base", "Sea", "WeaponSystem")
PREDICATES = ("intercepted", "escorted", "deployedTo", "respondedTo")

#: Names that also count for a gold nation (the referee's fixed table, applied to gold names).
NATION_ALIASES: dict[str, tuple[str, ...]] = {
    "united states": (
        "us",
        "u.s.",
        "usa",
        "u.s.a.",
        "america",
        "american",
        "americans",
        "washington",
        "united states of america",
        "the united states",
    ),
    "russia": ("russian", "russians", "moscow", "kremlin", "the kremlin", "russian federation"),
    "china": ("chinese", "beijing", "people's republic of china", "prc"),
    "united kingdom": ("uk", "u.k.", "britain", "great britain", "british", "london"),
    "south korea": ("republic of korea", "rok", "south korean", "seoul"),
    "north korea": ("dprk", "north korean", "pyongyang", "democratic people's republic of korea"),
    "japan": ("japanese", "tokyo"),
    "taiwan": ("taiwanese", "taipei", "republic of china"),
}

Gold = dict[str, Any]  # {"entities": [...], "relations": [...]} as read from STEM.json
Scores = dict[str, Any]  # the JSON shape of `score.py --json`
Build = Callable[[Path], Graph]

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
_DESIGNATION = re.compile(r"^([a-z]{1,5})-?(\d{1,3})")
_STRIP = " .,;:\"'\u201c\u201d\u2018\u2019"


# ---------------------------------------------------------------- names


def norm(name: str) -> str:
    """Compare names case-, dash- and whitespace-blind, without a leading "the" or a possessive 's."""
    s = unicodedata.normalize("NFKC", name).translate(_DASHES).lower()
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"^the ", "", s)
    s = re.sub(r"['\u2019]s$", "", s)
    return s.strip(_STRIP)


def family(name: str) -> str | None:
    """The designation family of an aircraft name ("Su-35S" -> "su-35"), None when it has none."""
    m = _DESIGNATION.match(norm(name))
    return f"{m.group(1)}-{m.group(2)}" if m else None


def local_name(term: URIRef) -> str:
    """The part after the last `#` or `/`: the contract fixes local names, not namespaces."""
    return re.split(r"[#/]", str(term))[-1]


def gold_names(entity: Mapping[str, Any]) -> set[str]:
    """Normalised gold name and aliases, plus the fixed nation aliases they imply."""
    names = {norm(entity["text"]), *(norm(a) for a in entity.get("aliases", []))}
    for n in list(names):
        names.update(NATION_ALIASES.get(n, ()))
    return names


# ---------------------------------------------------------------- prediction


@dataclass(frozen=True)
class PredictedEntity:
    """A typed, labelled node of a predicted graph."""

    node: Node
    names: frozenset[str]
    type: str

    @property
    def name(self) -> str:
        return sorted(self.names)[0]


@dataclass(frozen=True)
class PredictedRelation:
    """A direct-relation triple between two labelled nodes."""

    subject_names: frozenset[str]
    predicate: str
    object_names: frozenset[str]
    subject: Node
    object: Node

    def as_text(self) -> tuple[str, str, str]:
        return sorted(self.subject_names)[0], self.predicate, sorted(self.object_names)[0]


def read_prediction(
    graph: Graph, ontology: Graph | None = None
) -> tuple[list[PredictedEntity], list[PredictedRelation]]:
    """Entities and relations of one article's graph, as the referee reads them.

    `ontology` only contributes rdfs:subClassOf (and anything else score.py would read from
    the `--ontology` files, which it parses into the same graph).
    """
    graphs = (graph,) if ontology is None else (graph, ontology)
    parents: defaultdict[Node, set[Node]] = defaultdict(set)
    for g in graphs:
        for c, p in g.subject_objects(RDFS.subClassOf):
            parents[c].add(p)
    labels: defaultdict[Node, set[str]] = defaultdict(set)
    for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
        for g in graphs:
            for s, o in g.subject_objects(prop):
                labels[s].add(str(o))
    entities = []
    for node, names in labels.items():
        classes = {c for g in graphs for c in g.objects(node, RDF.type)}
        types = {t for t in (_core_type(c, parents) for c in classes) if t}
        if types:
            entities.append(PredictedEntity(node, frozenset(names), sorted(types)[0]))
    return entities, _relations(graph, graphs, labels)


def _core_type(cls: Node, parents: Mapping[Node, set[Node]]) -> str | None:
    """The scored class a class is, or is a subclass of (None when it is neither)."""
    seen: set[Node] = set()
    todo = [cls]
    while todo:
        c = todo.pop()
        if c in seen:
            continue
        seen.add(c)
        if isinstance(c, URIRef) and local_name(c) in ENTITY_TYPES:
            return local_name(c)
        todo.extend(parents.get(c, ()))
    return None


def _relations(
    graph: Graph, graphs: tuple[Graph, ...], labels: Mapping[Node, set[str]]
) -> list[PredictedRelation]:
    relations = []
    for g in graphs:
        for s, p, o in g:
            if g is not graph and (s, p, o) in graph:
                continue  # score.py reads one merged graph: a triple in both counts once
            if isinstance(p, URIRef) and local_name(p) in PREDICATES and labels.get(s) and labels.get(o):
                relations.append(
                    PredictedRelation(frozenset(labels[s]), local_name(p), frozenset(labels[o]), s, o)
                )
    return relations


# ---------------------------------------------------------------- matching


def match_entities(
    gold: list[dict[str, Any]], pred: list[PredictedEntity]
) -> tuple[list[tuple[dict[str, Any], PredictedEntity]], list[dict[str, Any]], list[PredictedEntity]]:
    """One-to-one greedy matching: exact names first, then aircraft designation families."""
    gold = [g for g in gold if g["type"] in SCORED_TYPES]
    pred = [p for p in pred if p.type in SCORED_TYPES]
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for exact in (True, False):
        for gi, g in enumerate(gold):
            if gi in used_g:
                continue
            gn = gold_names(g)
            for pi, p in enumerate(pred):
                if pi in used_p or p.type != g["type"]:
                    continue
                if exact:
                    ok = bool(gn & {norm(n) for n in p.names})
                else:
                    ok = g["type"] == "Aircraft" and bool(
                        {family(n) for n in gn} & ({family(n) for n in p.names} - {None})
                    )
                if ok:
                    used_g.add(gi)
                    used_p.add(pi)
                    pairs.append((g, p))
                    break
    missed = [g for i, g in enumerate(gold) if i not in used_g]
    spurious = [p for i, p in enumerate(pred) if i not in used_p]
    return pairs, missed, spurious


def _names_for(name: str, gold_entities: Mapping[str, Mapping[str, Any]]) -> set[str]:
    if name in gold_entities:
        return gold_names(gold_entities[name])
    return gold_names({"text": name})


def _end_matches(pred_names: Iterable[str], gold_side: set[str]) -> bool:
    names = list(pred_names)
    if {norm(n) for n in names} & gold_side:
        return True
    fam = {family(n) for n in names} - {None}
    return bool(fam & ({family(n) for n in gold_side} - {None}))


@dataclass(frozen=True)
class RelationMatch:
    """Relations of one article: gold found and missed, predictions right and wrong."""

    hit: list[dict[str, Any]]
    missed: list[dict[str, Any]]
    wrong: list[tuple[str, str, str]]
    correct: list[tuple[str, str, str]]


def relation_sides(gold: Gold) -> list[tuple[dict[str, Any], set[str], set[str]]]:
    """Each gold relation with the normalised names its subject and its object may be given by."""
    by_text = {e["text"]: e for e in gold["entities"]}
    sides = []
    for r in gold["relations"]:
        subj: set[str] = set().union(
            *(_names_for(n, by_text) for n in [r["subject"], *r.get("subject_alts", [])])
        )
        obj: set[str] = set().union(
            *(_names_for(n, by_text) for n in [r["object"], *r.get("object_alts", [])])
        )
        sides.append((r, subj, obj))
    return sides


def gold_hits(
    sides: list[tuple[dict[str, Any], set[str], set[str]]],
    predicate: str,
    subject_names: Iterable[str],
    object_names: Iterable[str],
) -> list[int]:
    """Indices of the gold relations a predicted (subject, predicate, object) matches."""
    subject_names, object_names = list(subject_names), list(object_names)
    return [
        i
        for i, (r, subj, obj) in enumerate(sides)
        if r["predicate"] == predicate
        and _end_matches(subject_names, subj)
        and _end_matches(object_names, obj)
    ]


def match_relations(gold: Gold, pred: list[PredictedRelation]) -> RelationMatch:
    """A prediction is right when a gold relation with its predicate matches both ends (or their alts)."""
    sides = relation_sides(gold)
    hit_gold: set[int] = set()
    correct: list[tuple[str, str, str]] = []
    wrong: list[tuple[str, str, str]] = []
    for rel in pred:
        hits = gold_hits(sides, rel.predicate, rel.subject_names, rel.object_names)
        (correct if hits else wrong).append(rel.as_text())
        hit_gold.update(hits)
    return RelationMatch(
        hit=[sides[i][0] for i in sorted(hit_gold)],
        missed=[sides[i][0] for i in range(len(sides)) if i not in hit_gold],
        wrong=wrong,
        correct=correct,
    )


def prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    """Precision, recall and F1 rounded to 4 places, with the counts."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True)
class ArticleScore:
    """What one article contributed, kept for the verbose report."""

    stem: str
    missing: str = ""  # why there is no prediction ("" when there is one)
    missed_entities: list[dict[str, Any]] = field(default_factory=list)
    spurious_entities: list[PredictedEntity] = field(default_factory=list)
    relations: RelationMatch = field(default_factory=lambda: RelationMatch([], [], [], []))

    def report_lines(self, verbose: bool) -> list[str]:
        """The referee's stderr lines for this article (a missing prediction is always reported)."""
        lines = [f"## {self.stem}: NO PREDICTION ({self.missing})"] if self.missing else []
        if verbose:
            lines.append(f"## {self.stem}")
            lines += [f"  missed entity   {g['type']:<12} {g['text']}" for g in self.missed_entities]
            lines += [f"  spurious entity {p.type:<12} {p.name}" for p in self.spurious_entities]
            lines += [
                f"  missed relation {r['subject']} {r['predicate']} {r['object']}"
                for r in self.relations.missed
            ]
            lines += [f"  wrong relation  {s} {p} {o}" for s, p, o in self.relations.wrong]
        return lines


@dataclass(frozen=True)
class Evaluation:
    """Scores (the `score.py --json` shape) and the per-article details behind them."""

    scores: Scores
    articles: tuple[ArticleScore, ...]
    predicted: Mapping[str, Graph] = field(default_factory=dict)  # the graphs scored, by stem

    def report_lines(self, verbose: bool = False) -> list[str]:
        return [line for a in self.articles for line in a.report_lines(verbose)]


def _gold_order(stem: str) -> str:
    return f"{stem}.json"  # the referee walks sorted STEM.json file names


def score_articles(
    predicted: Mapping[str, Graph],
    gold: Mapping[str, Gold],
    ontology: Graph | None = None,
    missing: Mapping[str, str] | None = None,
) -> Evaluation:
    """Score every gold article; a gold stem without a predicted graph counts as an empty prediction.

    `missing` gives the reason reported for such stems (default: no graph given).
    """
    ent_c: Counter[str] = Counter()
    rel_c: Counter[str] = Counter()
    ent_t: defaultdict[str, Counter[str]] = defaultdict(Counter)
    rel_p: defaultdict[str, Counter[str]] = defaultdict(Counter)
    articles = []
    for stem in sorted(gold, key=_gold_order):
        article_gold = gold[stem]
        graph = predicted.get(stem)
        if graph is not None:
            ents, rels = read_prediction(graph, ontology)
            reason = ""
        else:
            ents, rels = [], []
            reason = (missing or {}).get(stem) or "no predicted graph"
        pairs, e_miss, e_spur = match_entities(article_gold["entities"], ents)
        rm = match_relations(article_gold, rels)
        ent_c.update(tp=len(pairs), fp=len(e_spur), fn=len(e_miss))
        rel_c.update(tp=len(rm.hit), fp=len(rm.wrong), fn=len(rm.missed), correct=len(rm.correct))
        for g, _ in pairs:
            ent_t[g["type"]]["tp"] += 1
        for g in e_miss:
            ent_t[g["type"]]["fn"] += 1
        for p in e_spur:
            ent_t[p.type]["fp"] += 1
        for r in rm.hit:
            rel_p[r["predicate"]]["tp"] += 1
        for r in rm.missed:
            rel_p[r["predicate"]]["fn"] += 1
        for _, pred, _ in rm.wrong:
            rel_p[pred]["fp"] += 1
        articles.append(ArticleScore(stem, reason, e_miss, e_spur, rm))
    # relation precision counts every predicted triple; recall counts gold relations found
    rel_scores = prf(rel_c["tp"], rel_c["fp"], rel_c["fn"])
    pred_total = rel_c["correct"] + rel_c["fp"]
    rel_scores["precision"] = round(rel_c["correct"] / pred_total, 4) if pred_total else 0.0
    p, r = rel_scores["precision"], rel_scores["recall"]
    rel_scores["f1"] = round(2 * p * r / (p + r), 4) if p + r else 0.0
    scores: Scores = {
        "articles": len(gold),
        "entities": {
            **prf(ent_c["tp"], ent_c["fp"], ent_c["fn"]),
            "by_type": {t: prf(c["tp"], c["fp"], c["fn"]) for t, c in sorted(ent_t.items())},
        },
        "relations": {
            **rel_scores,
            "by_predicate": {k: prf(c["tp"], c["fp"], c["fn"]) for k, c in sorted(rel_p.items())},
        },
    }
    return Evaluation(scores, tuple(articles), predicted)


def score_graphs(predicted: dict[str, Graph], gold: dict[str, Gold], ontology: Graph | None) -> Scores:
    """The scores of `score.py --json` for graphs and gold keyed by article stem."""
    return score_articles(predicted, gold, ontology).scores


def format_scores(scores: Scores) -> str:
    """The referee's plain-text table, line for line."""
    lines = []
    for name in ("entities", "relations"):
        s = scores[name]
        lines.append(f"{name:<10} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}")
        for k, v in s.get("by_type", s.get("by_predicate", {})).items():
            lines.append(
                f"  {k:<13} P {v['precision']:.3f}  R {v['recall']:.3f}  F1 {v['f1']:.3f}"
                f"  (tp {v['tp']} fp {v['fp']} fn {v['fn']})"
            )
    return "\n".join(lines)


def to_json(scores: Scores) -> str:
    """The referee's `--json` text."""
    return json.dumps(scores, indent=1)


# ---------------------------------------------------------------- files


def read_gold(gold_dir: Path) -> dict[str, Gold]:
    """Every GOLD_DIR/STEM.json, keyed by stem."""
    if not gold_dir.is_dir():
        raise InputError(f"gold folder not found: {gold_dir}; give a folder of STEM.json gold files")
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        raise InputError(f"no gold .json in {gold_dir}; expected one STEM.json per article (see docs)")
    gold = {}
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"cannot read gold file {path}: {exc}; fix it to valid UTF-8 JSON") from exc
        if not isinstance(data, dict) or not isinstance(data.get("entities"), list):
            raise InputError(f'gold file {path} has no "entities" list; expected {{"entities": [...], ...}}')
        data.setdefault("relations", [])
        gold[path.stem] = data
    return gold


def find_article(articles_dir: Path, stem: str) -> Path | None:
    """ARTICLES/STEM.txt as run_eval.sh expects, else the first other ARTICLES/STEM.* file."""
    txt = articles_dir / f"{stem}.txt"
    if txt.is_file():
        return txt
    others = sorted(p for p in articles_dir.iterdir() if p.is_file() and p.stem == stem)
    return others[0] if others else None


def evaluate(articles_dir: Path, gold_dir: Path, build: Build, ontology: Graph | None = None) -> Evaluation:
    """Build every article that has gold on its own with `build` and score the graphs.

    An article that is missing or whose build raises a `KgError` is scored as an empty
    prediction and reported, as `run_eval.sh` does; other exceptions are bugs and propagate.
    """
    if not articles_dir.is_dir():
        raise InputError(f"articles folder not found: {articles_dir}; give the folder of STEM.txt articles")
    gold = read_gold(gold_dir)
    if ontology is None:
        from kg.graph.ontology import read_ontology

        ontology = read_ontology()
    predicted: dict[str, Graph] = {}
    missing: dict[str, str] = {}
    for stem in gold:
        path = find_article(articles_dir, stem)
        if path is None:
            missing[stem] = f"no article {articles_dir / stem}.txt"
            continue
        try:
            predicted[stem] = build(path)
        except KgError as exc:
            missing[stem] = f"build failed on {path}: {exc}"
    return score_articles(predicted, gold, ontology, missing)
