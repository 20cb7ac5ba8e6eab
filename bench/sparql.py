"""SPARQL benchmark: the query library on the Oxigraph store vs rdflib's in-memory engine.

Builds a synthetic graph shaped like ours (nations, alliances, aircraft, weapons, seas; articles
with events carrying actors, targets, locations, dates, evidence; one named graph per article,
entity facts repeated in every article graph that mentions them) at each requested size, then
measures load times, p50/p95 latency of every library query with realistic parameters, and peak
memory. rdflib runs each query in a forked child that is killed at the time cap.

The shape follows a build of tests/corpus/articles (30 articles, 146 quads and 1.9 events per
article graph; nations with ~6 skos:altLabels, owl:sameAs and both ISO codes, aircraft and
weapons with ~4 aliases; about 11 entities named per article). Here: about 155 quads and 1.9
events per article, events-per-article drawn from that build's histogram, entities drawn
Zipf-like (news is about a few nations and types), interceptors are fighters of another nation
than their target, responses link nations and alliances only (the builder never writes
respondedTo between events), Deployments carry pk:target and pk:destination, and evidence
nodes carry pk:confidence and pk:date, as the builder writes them. Not modelled: events merged
across articles (every event here has one evidence node and one source), which real builds
have and which would make the graph hold fewer events per quad.

    .venv/bin/python bench/sparql.py                    # 100k and 1M triples, append to RESULTS.md
    .venv/bin/python bench/sparql.py --sizes 20000 --no-record
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import itertools
import json
import os
import platform
import random
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import rdflib
from results import RESULTS, append_run

from kg.graph.query import LibraryQuery, bind_params, list_queries, run_library_query
from kg.graph.store import load_store, write_store

ROOT = Path(__file__).resolve().parent
HEADING = "## SPARQL (bench/sparql.py)"

PK = "https://w3id.org/posture-kg/ontology#"
ID = "https://w3id.org/posture-kg/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Parameters an analyst would pass (the defaults of the .rq files are used for the others).
PARAMS: dict[str, dict[str, str]] = {
    "aircraft-by-operator": {"operator": "Russia"},
    "events-in-sea": {"sea": "Barents Sea"},
    "timeline": {"from": "2024-03-01", "to": "2024-03-31"},
    "event-evidence": {"actor": "MiG-31"},
    "alliance-activity": {"alliance": "NATO"},
    "entity-profile": {"label": "Russia"},
}

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


def generate(path: Path, target: int, seed: int = 7) -> int:
    """Write about `target` quads of N-Quads to `path`; returns the number written."""
    rng = random.Random(seed)
    world = World(rng, target / 1_000_000)
    count = 0
    start = dt.date(2015, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        hierarchy = [
            (PK + r, "http://www.w3.org/2000/01/rdf-schema#subClassOf", PK + "Aircraft") for r in ROLES
        ]
        for s, p, o in hierarchy:
            out.write(f"<{s}> <{p}> <{o}> .\n")
            count += 1
        a = 0
        while count < target:
            doc = f"{a:012x}"
            graph = f"<{ID}graph/{doc}>"
            article = f"<{ID}article/{doc}>"
            day = start + dt.timedelta(days=rng.randrange(0, 3650))
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
                cls, prop = rng.choice(EVENTS)
                # Entities are drawn Zipf-like (news is about a few nations and types), an
                # interceptor is a fighter of another nation than its target, and responses are
                # between nations and alliances (the builder never links events by respondedTo).
                if cls in ("Interception", "Escort"):
                    actor = world.aircraft[0] if rng.random() < 0.1 else _zipf(rng, world.fighters)
                    tgt = world.aircraft[1] if rng.random() < 0.1 else _zipf(rng, world.aircraft)
                    while cls == "Interception" and world.operator[tgt] == world.operator[actor]:
                        tgt = _zipf(rng, world.aircraft)
                elif cls == "Deployment":
                    actor, tgt = _zipf(rng, world.weapons), _zipf(rng, world.nations)
                else:
                    actor = (
                        world.nations[0]
                        if rng.random() < 0.2
                        else _zipf(rng, world.nations + world.alliances)
                    )
                    tgt = _zipf(rng, world.nations)
                    while tgt == actor:
                        tgt = _zipf(rng, world.nations)
                event = f"<{ID}event/{cls.lower()}/{doc}{k}>"
                evidence = f"<{ID}evidence/{doc}/{k * 100}-{k * 100 + 90}>"
                date = _lit((day - dt.timedelta(days=rng.randrange(0, 3))).isoformat(), XSD + "date")
                lines += [
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
                    (
                        evidence,
                        _iri(PK + "sentence"),
                        _lit(f"Sentence {k} of article {a}: {actor} {prop} {tgt}."),
                    ),
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
            out.writelines(f"{s} {p} {o} {graph} .\n" for s, p, o in lines)
            count += len(lines)
            a += 1
    return count


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def time_store(store: Any, queries: list[LibraryQuery], runs: int) -> dict[str, dict[str, float]]:
    out = {}
    for q in queries:
        params = PARAMS.get(q.name, {})
        result = run_library_query(store, q, params)  # warm-up
        samples = []
        budget = time.perf_counter() + 20
        for _ in range(runs):
            t0 = time.perf_counter()
            run_library_query(store, q, params)
            samples.append(time.perf_counter() - t0)
            if time.perf_counter() > budget:
                break
        out[q.name] = {"p50": pct(samples, 0.5), "p95": pct(samples, 0.95), "rows": float(len(result))}
    return out


def time_rdflib(ds: rdflib.Dataset, queries: list[LibraryQuery], runs: int, cap: float) -> dict[str, dict]:
    """Each query in a forked child (sharing the loaded graph) that is killed after `cap` seconds."""
    out: dict[str, dict] = {}
    for q in queries:
        bindings: dict[Any, Any] = {
            rdflib.Variable(k): v for k, v in bind_params(q, PARAMS.get(q.name, {})).items()
        }
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            os.close(read)
            try:
                for _ in range(runs):
                    t0 = time.perf_counter()
                    res = ds.query(q.sparql, initBindings=bindings)
                    n = len(list(res)) if res.type != "ASK" else 1
                    os.write(write, f"{time.perf_counter() - t0} {n}\n".encode())
            except Exception as exc:  # report and leave
                os.write(
                    write,
                    f"error {type(exc).__name__}: {str(exc)[:80]}\n".encode().replace(b"\n", b" ") + b"\n",
                )
            os._exit(0)
        os.close(write)
        samples: list[float] = []
        rows, error, timed_out = 0, "", False
        buf = b""
        deadline = time.monotonic() + cap
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = not samples
                break
            ready, _, _ = select.select([read], [], [], remaining)
            if not ready:
                timed_out = not samples
                break
            chunk = os.read(read, 4096)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                text = line.decode()
                if text.startswith("error"):
                    error = text
                else:
                    seconds, count = text.split()
                    samples.append(float(seconds))
                    rows = int(count)
                    deadline = time.monotonic() + cap  # each run gets the cap
        os.close(read)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
        os.waitpid(pid, 0)
        out[q.name] = {"samples": samples, "rows": rows, "timed_out": timed_out, "error": error}
    return out


def _in_subprocess(nq: Path, workdir: Path, runs: int) -> dict[str, Any]:
    """Run `store_phase` in a fresh Python process (not a fork: RocksDB's threads do not survive one)."""
    cmd = [sys.executable, __file__, "--store-phase", str(nq), str(workdir), str(runs)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"store phase failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def store_phase(nq: Path, workdir: Path, runs: int) -> dict[str, Any]:
    """Bulk-load the N-Quads into an on-disk store laid out as `kg.graph.store.write_store` does
    (named graphs + their union in the default graph), then time every library query."""
    import pyoxigraph

    outdir = workdir / "out-store"
    outdir.mkdir()
    t0 = time.perf_counter()
    ox = pyoxigraph.Store(str(outdir / "store"))
    ox.bulk_load(path=str(nq))
    ox.flush()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    ox.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    ox.flush()
    ox.optimize()
    union_s = time.perf_counter() - t0
    del ox
    gc.collect()
    with load_store(outdir) as store:
        quads = len(store)
        timings = time_store(store, list_queries(), runs)
    shutil.rmtree(outdir, ignore_errors=True)
    return {
        "ox_bulk_load_s": load_s,
        "ox_union_s": union_s,
        "ox_quads": quads,
        "store": timings,
        "peak_rss_mb": peak_rss_mb(),
    }


def bench_size(target: int, runs: int, cap: float, with_rdflib: bool, workdir: Path) -> dict[str, Any]:
    nq = workdir / f"graph-{target}.nq"
    t0 = time.perf_counter()
    quads = generate(nq, target)
    report: dict[str, Any] = {"target": target, "quads": quads, "generate_s": time.perf_counter() - t0}
    report.update(_in_subprocess(nq, workdir, runs))

    t0 = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(nq, format="nquads")
    report["rdflib_parse_s"] = time.perf_counter() - t0
    report["rss_after_rdflib_mb"] = peak_rss_mb()
    # the builder's path: kg.graph.store.write_store(rdflib Dataset)
    t0 = time.perf_counter()
    write_store(ds, workdir / "ws" / "store")
    report["write_store_s"] = time.perf_counter() - t0
    shutil.rmtree(workdir / "ws", ignore_errors=True)
    if with_rdflib:
        report["rdflib"] = time_rdflib(ds, list_queries(), max(1, min(runs, 3)), cap)
    del ds
    gc.collect()
    nq.unlink()
    return report


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"


def render(report: dict[str, Any], cap: float) -> str:
    lines = [
        f"#### {report['quads']:,} quads",
        "",
        f"- load: Oxigraph bulk load of the N-Quads {report['ox_bulk_load_s']:.1f} s "
        f"(+ {report['ox_union_s']:.1f} s to copy the union into the default graph: "
        f"{report['ox_quads']:,} quads stored); "
        f"`kg.graph.store.write_store` from an rdflib Dataset {report['write_store_s']:.1f} s; "
        f"rdflib parse {report['rdflib_parse_s']:.1f} s",
        f"- peak RSS: {report['peak_rss_mb']:.0f} MB for the Oxigraph process (load + queries), "
        f"{report['rss_after_rdflib_mb']:.0f} MB with the rdflib Dataset loaded",
        "",
        "| query | rows | store p50 ms | store p95 ms | rdflib p50 ms | rdflib/store |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    rd = report.get("rdflib", {})
    for name, s in report["store"].items():
        r = rd.get(name)
        if r is None:
            rdf, ratio = "not run", ""
        elif r["error"]:
            rdf, ratio = r["error"][:40], ""
        elif r["timed_out"]:
            rdf, ratio = f"> {cap * 1000:.0f} (cap)", f"> {cap / max(s['p50'], 1e-6):,.0f}×"
        else:
            med = statistics.median(r["samples"])
            rdf, ratio = fmt_ms(med), f"{med / max(s['p50'], 1e-6):,.0f}×"
        flag = " ⚠" if s["p95"] > 0.1 else ""
        lines.append(
            f"| {name} | {s['rows']:.0f} | {fmt_ms(s['p50'])} | {fmt_ms(s['p95'])}{flag} | {rdf} | {ratio} |"
        )
    return "\n".join(lines) + "\n"


def machine() -> str:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import pyoxigraph

    return (
        f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, nproc {os.cpu_count()}, "
        f"RAM {mem_gb:.0f} GiB, Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, "
        f"rdflib {rdflib.__version__}, load average at start {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--store-phase":
        print(json.dumps(store_phase(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per query on the store")
    parser.add_argument("--cap-s", type=float, default=20.0, help="rdflib time cap per query run")
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    blocks = [f"### Run {machine()}\n"]
    with tempfile.TemporaryDirectory(prefix="kg-bench-", dir=os.environ.get("KG_BENCH_TMP")) as tmp:
        for size in args.sizes:
            report = bench_size(size, args.runs, args.cap_s, not args.no_rdflib, Path(tmp))
            block = render(report, args.cap_s)
            print(block, flush=True)
            blocks.append(block)
    if not args.no_record:
        append_run(HEADING, "\n".join(blocks))
        print(f"appended to {RESULTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
