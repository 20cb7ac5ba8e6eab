"""Synthetic news corpus for throughput benchmarks, built from the gazetteer.

Real articles cannot be redistributed in bulk, and the benchmark needs thousands of them, so
this module writes articles from its own sentence templates filled with entities from
kg/data/gazetteer/*.json (nations and their demonyms, aircraft designations by role, seas,
bases, weapon systems). About a third of the sentences describe posturing events in the shapes
the extractor looks for; the rest is analysis prose, so the NLP sees realistic sentence lengths
and the extractor has both hits and misses. The same seed always gives the same corpus.

    .venv/bin/python bench/corpus.py 1000 /tmp/corpus.jsonl --seed 7
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

GAZETTEER = Path(__file__).resolve().parent.parent / "kg" / "data" / "gazetteer"
MIN_WORDS = 200
MAX_WORDS = 800
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBERS = ("two", "three", "four", "five", "six", "eight", "two", "two", "three")

#: Nations that appear as actors: the ones whose air forces the templates talk about.
ACTORS = (
    "US",
    "RU",
    "CN",
    "JP",
    "KR",
    "KP",
    "TW",
    "GB",
    "FR",
    "DE",
    "NO",
    "FI",
    "SE",
    "PL",
    "TR",
    "AU",
    "IN",
    "CA",
    "IT",
    "NL",
    "DK",
    "EE",
    "LT",
    "LV",
    "RO",
    "GR",
    "IR",
    "IL",
    "PH",
    "BY",
)
#: Nations whose names take "the" in running text.
_THE = {"US", "GB", "NL", "PH"}

# Event sentences. Placeholders: nation/adj (actor), nation2/adj2 (the other side), fighter,
# bomber, patrol, recon (aircraft designations by role), sea, base, weapon, n, weekday, minutes.
EVENTS = (
    "{adj} {fighter} jets intercepted {n} {adj2} {bomber} bombers over the {sea} on {weekday}.",
    "{adj} {fighter} fighters escorted {n} {adj} {bomber} bombers on a long-range flight over the {sea}.",
    "On {weekday}, {nation} scrambled {fighter} fighters to intercept a {adj2} {patrol} patrol aircraft "
    "near the {sea}.",
    "{nation} deployed {n} {fighter} aircraft to {base} on {weekday}, the defence ministry said.",
    "A {adj2} {recon} reconnaissance aircraft was intercepted by {adj} {fighter} jets over the {sea}, "
    "officials said.",
    "{nation} responded to the flights by deploying {weapon} batteries to {base}.",
    "{adj} {fighter} jets shadowed the {adj2} {bomber} bombers for about {minutes} minutes before they "
    "turned back over the {sea}.",
    "The {adj} air force said its {fighter} fighters intercepted {n} {adj2} aircraft approaching its "
    "airspace on {weekday}.",
    "{nation} sent {n} {bomber} bombers to {base} in what officials called a routine rotation.",
    "In response, {nation} deployed additional {fighter} fighters to {base} and put {weapon} units on alert.",
    "{adj} {patrol} maritime patrol aircraft escorted a {adj} naval group through the {sea} on {weekday}.",
    "{n} {adj2} {bomber} bombers flew over the {sea} for {minutes} minutes, according to the {adj} "
    "defence ministry.",
)

# Analysis prose with no event in it (some sentences still name places or nations).
FILLER = (
    "Analysts said the pattern of flights has changed little over the past year.",
    "Officials did not say whether the aircraft had carried weapons.",
    "The ministry released photographs of the encounter but gave no further details.",
    "Such flights are common in the region and rarely lead to incidents.",
    "Military observers noted that the timing coincided with a scheduled exercise.",
    "The statement described the conduct of the crews as safe and professional.",
    "Neither side reported any violation of national airspace during the episode.",
    "Defence planners have long argued that a quick response deters further probing.",
    "The number of scrambles rose sharply compared with the same period last year.",
    "Commentators cautioned against reading too much into a single flight.",
    "A spokesperson declined to comment on the operational details of the mission.",
    "The government said it would continue to monitor activity near its borders closely.",
    "Satellite imagery published earlier this month showed new shelters under construction.",
    "Experts pointed out that long-range patrols also serve as training for the crews involved.",
    "The episode is likely to feature in talks between defence ministers next month.",
    "Budget documents suggest that maintenance costs for the fleet have grown steadily.",
    "Several lawmakers called for a briefing on the readiness of air defence units.",
    "The flight path followed a route used in previous years, officials added.",
    "It was the third such incident reported this quarter.",
    "Weather conditions over the area were described as clear with moderate winds.",
    "Regional newspapers carried the story on their front pages the next morning.",
    "The {adj} embassy did not respond to a request for comment.",
    "Diplomats in {nation} described the move as a signal rather than a threat.",
    "Shipping in the {sea} was not affected, according to the coast guard.",
    "Air traffic controllers rerouted two civilian flights as a precaution.",
    "Observers said the deployment to {base} had been planned for months.",
    "Officials in {nation2} called the flights provocative and lodged a formal protest.",
    "The incident came days after a round of talks on confidence-building measures.",
    "Researchers at a think tank said the data showed a steady rise in long-range missions.",
    "The defence ministry said it would publish a full account of the month's activity later.",
)

TITLES = (
    "{adj} jets meet {adj2} bombers over the {sea}",
    "{nation} scrambles fighters as {adj2} aircraft approach",
    "{nation} moves aircraft to {base}",
    "Tensions rise over flights near the {sea}",
    "{adj} air force reports busy week of intercepts",
)


@dataclass(frozen=True)
class Pools:
    """Gazetteer names grouped by the role they play in the templates."""

    nations: dict[str, tuple[str, str]]  # iso2 -> (name, adjective)
    aircraft: dict[str, tuple[str, ...]]  # role -> designations
    seas: tuple[str, ...]
    bases: tuple[str, ...]
    weapons: tuple[str, ...]


def read_pools(folder: Path = GAZETTEER) -> Pools:
    def entries(name: str) -> list[dict]:
        return list(json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))["entries"])

    nations = {
        e["iso2"]: (("the " if e["iso2"] in _THE else "") + e["name"], e["demonyms"][0])
        for e in entries("nations")
        if e["iso2"] in ACTORS and e.get("demonyms")
    }
    roles = {
        "fighter": {"Fighter"},
        "bomber": {"Bomber"},
        "patrol": {"MaritimePatrolAircraft"},
        "recon": {"ReconnaissanceAircraft", "AirborneEarlyWarningAircraft"},
    }
    aircraft = {
        slot: tuple(e["designation"] for e in entries("aircraft") if e["role"] in kinds)
        for slot, kinds in roles.items()
    }
    seas = tuple(e["name"] for e in entries("seas") if e["kind"] in {"sea", "ocean"})
    bases = tuple(e["name"] for e in entries("bases"))
    weapons = tuple(e["name"] for e in entries("weapons") if e["kind"] == "AirDefenceSystem")
    return Pools(nations, aircraft, seas, bases, weapons)


def _fill(template: str, rng: random.Random, pools: Pools) -> str:
    one, two = rng.sample(sorted(pools.nations), 2)
    values = {
        "nation": pools.nations[one][0],
        "adj": pools.nations[one][1],
        "nation2": pools.nations[two][0],
        "adj2": pools.nations[two][1],
        "sea": rng.choice(pools.seas),
        "base": rng.choice(pools.bases),
        "weapon": rng.choice(pools.weapons),
        "n": rng.choice(NUMBERS),
        "weekday": rng.choice(WEEKDAYS),
        "minutes": str(rng.randrange(10, 90, 5)),
        **{slot: rng.choice(names) for slot, names in pools.aircraft.items()},
    }
    text = template.format(**values)
    return text[0].upper() + text[1:]


def article(index: int, rng: random.Random, pools: Pools) -> dict[str, str]:
    """One article as a JSONL record: id, title, date, source, text (200-800 words)."""
    target = rng.randint(MIN_WORDS, MAX_WORDS)
    paragraphs: list[str] = []
    words = 0
    while words < target:
        sentences: list[str] = []
        for _ in range(rng.randint(2, 5)):
            template = rng.choice(EVENTS) if rng.random() < 0.35 else rng.choice(FILLER)
            sentence = _fill(template, rng, pools)
            if words + len(sentence.split()) > MAX_WORDS:
                break
            sentences.append(sentence)
            words += len(sentence.split())
        if not sentences:
            break
        paragraphs.append(" ".join(sentences))
    date = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(4 * 365))
    return {
        "id": f"synthetic-{index:06d}",
        "title": _fill(rng.choice(TITLES), rng, pools),
        "date": date.isoformat(),
        "source": "synthetic",
        "text": "\n\n".join(paragraphs),
    }


def generate(count: int, seed: int = 0, pools: Pools | None = None) -> Iterator[dict[str, str]]:
    """`count` articles, the same for the same seed."""
    rng = random.Random(seed)
    pools = pools or read_pools()
    for index in range(count):
        yield article(index, rng, pools)


def write_jsonl(path: Path, count: int, seed: int = 0) -> Path:
    """Write `count` articles to `path` (one JSON object per line) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in generate(count, seed):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    path = write_jsonl(args.out, args.count, args.seed)
    print(f"wrote {args.count} articles to {path}")


if __name__ == "__main__":
    main()
