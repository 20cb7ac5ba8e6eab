"""SPARQL benchmark: the query library on the Oxigraph store, alone and while a build runs, and
against rdflib's in-memory engine.

Builds a synthetic graph shaped like ours (nations, alliances, aircraft, weapons, seas; articles
with events carrying actors, targets, locations, dates, evidence; one named graph per article,
entity facts repeated in every article graph that mentions them) at each requested size, then
measures load times, p50/p95 latency of every library query with realistic parameters, and peak
memory. The store is laid out as a build writes it: named graphs, their union as the default
graph, and the precomputed answers (`kg.graph.precompute`) in id:graph/precomputed. Each query is
timed alone, then again while a `kg build --workers 2` of synthetic articles (bench/corpus.py)
runs beside it, as on a machine where someone else is building; the load average is recorded
with both. rdflib runs each query in a forked child that is killed at the time cap.

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
    .venv/bin/python bench/sparql.py --sizes 1000000 --no-rdflib   # the 1M-quad targets only
    .venv/bin/python bench/sparql.py --sizes 20000 --no-record --no-beside
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import json
import os
import platform
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
from graphgen import generate
from results import RESULTS, append_run

from kg.graph.query import LibraryQuery, bind_params, list_queries, run_library_query
from kg.graph.store import GraphStore, load_store, write_store

ROOT = Path(__file__).resolve().parent
HEADING = "## SPARQL (bench/sparql.py)"

#: Parameters an analyst would pass (the defaults of the .rq files are used for the others).
PARAMS: dict[str, dict[str, str]] = {
    "aircraft-by-operator": {"operator": "Russia"},
    "events-in-sea": {"sea": "Barents Sea"},
    "timeline": {"from": "2024-03-01", "to": "2024-03-31"},
    "event-evidence": {"actor": "MiG-31"},
    "alliance-activity": {"alliance": "NATO"},
    "entity-profile": {"label": "Russia"},
}


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


def _in_subprocess(nq: Path, workdir: Path, runs: int, beside: int) -> dict[str, Any]:
    """Run `store_phase` in a fresh Python process (not a fork: RocksDB's threads do not survive one)."""
    cmd = [sys.executable, __file__, "--store-phase", str(nq), str(workdir), str(runs), str(beside)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"store phase failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def store_phase(nq: Path, workdir: Path, runs: int, beside: int) -> dict[str, Any]:
    """Bulk-load the N-Quads into an on-disk store laid out as a build writes it (named graphs,
    their union in the default graph, the precomputed answers), then time every library query,
    alone and (with `beside` articles) while a `kg build --workers 2` runs."""
    import pyoxigraph

    from kg.graph.precompute import precomputed_ntriples
    from kg.iris import PRECOMPUTED_GRAPH

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
    union_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    answers = precomputed_ntriples(GraphStore(ox, outdir / "store", read_only=False))
    ox.bulk_load(
        answers, pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(str(PRECOMPUTED_GRAPH))
    )
    ox.flush()
    ox.optimize()
    precompute_s = time.perf_counter() - t0
    del ox
    gc.collect()
    report: dict[str, Any] = {"ox_bulk_load_s": load_s, "ox_union_s": union_s, "precompute_s": precompute_s}
    report["precomputed_triples"] = answers.count(b"\n")
    with load_store(outdir) as store:
        report["ox_quads"] = len(store)
        report["load_alone"] = os.getloadavg()[0]
        report["store"] = time_store(store, list_queries(), runs)
        if beside:
            report.update(_beside_a_build(store, workdir, runs, beside))
    shutil.rmtree(outdir, ignore_errors=True)
    report["peak_rss_mb"] = peak_rss_mb()
    return report


def _beside_a_build(store: Any, workdir: Path, runs: int, articles: int) -> dict[str, Any]:
    """The library timed again while `kg build --workers 2` extracts `articles` synthetic articles
    (started first, given time to load its model; stopped when the timing is done)."""
    from corpus import write_jsonl

    corpus = write_jsonl(workdir / "beside.jsonl", articles, 3)
    kg = Path(sys.executable).with_name("kg")
    command = [str(kg), "build", str(corpus), "-o", str(workdir / "beside-out"), "-q", "--workers", "2"]
    build = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        time.sleep(BUILD_WARMUP_S)  # the model is loaded and both workers extract
        load = os.getloadavg()[0]
        timings = time_store(store, list_queries(), runs)
        running = build.poll() is None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, 15)  # the build and its worker processes (its own session)
        build.wait()
        shutil.rmtree(workdir / "beside-out", ignore_errors=True)
    return {"beside": timings, "load_beside": load, "build_ran_throughout": running}


#: Seconds a build beside the queries is given to start extracting before they are timed.
BUILD_WARMUP_S = 15


def bench_size(
    target: int, runs: int, cap: float, with_rdflib: bool, workdir: Path, beside: int
) -> dict[str, Any]:
    nq = workdir / f"graph-{target}.nq"
    t0 = time.perf_counter()
    quads = generate(nq, target)
    report: dict[str, Any] = {"target": target, "quads": quads, "generate_s": time.perf_counter() - t0}
    report.update(_in_subprocess(nq, workdir, runs, beside))

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
    beside = report.get("beside", {})
    lines = [
        f"#### {report['quads']:,} quads",
        "",
        f"- load: Oxigraph bulk load of the N-Quads {report['ox_bulk_load_s']:.1f} s "
        f"(+ {report['ox_union_s']:.1f} s to copy the union into the default graph, "
        f"+ {report['precompute_s']:.1f} s for the {report['precomputed_triples']:,} precomputed triples: "
        f"{report['ox_quads']:,} quads stored); "
        f"`kg.graph.store.write_store` from an rdflib Dataset {report['write_store_s']:.1f} s; "
        f"rdflib parse {report['rdflib_parse_s']:.1f} s",
        f"- peak RSS: {report['peak_rss_mb']:.0f} MB for the Oxigraph process (load + queries), "
        f"{report['rss_after_rdflib_mb']:.0f} MB with the rdflib Dataset loaded",
        f"- load average: {report['load_alone']:.1f} when timed alone"
        + (
            f", {report['load_beside']:.1f} while `kg build --workers 2` ran beside "
            f"({'throughout' if report['build_ran_throughout'] else 'it ended before the last query'})"
            if beside
            else ""
        ),
        "",
        "| query | rows | alone p50 ms | alone p95 ms | beside a build p50 ms | p95 ms | rdflib p50 ms "
        "| rdflib/store |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rd = report.get("rdflib", {})
    for name, s in report["store"].items():
        b = beside.get(name)
        near = f"{fmt_ms(b['p50'])} | {fmt_ms(b['p95'])}{_flag(b)}" if b else "not run | "
        lines.append(
            f"| {name} | {s['rows']:.0f} | {fmt_ms(s['p50'])} | {fmt_ms(s['p95'])}{_flag(s)} | {near} | "
            f"{_rdflib_cell(rd.get(name), s, cap)} |"
        )
    worst = max(report["store"].items(), key=lambda kv: kv[1]["p95"])
    lines += ["", f"- slowest alone: {worst[0]} p95 {fmt_ms(worst[1]['p95'])} ms (target ≤ 100 ms)"]
    if beside:
        slow = max(beside.items(), key=lambda kv: kv[1]["p95"])
        lines.append(f"- slowest beside a build: {slow[0]} p95 {fmt_ms(slow[1]['p95'])} ms (target ≤ 100 ms)")
    return "\n".join(lines) + "\n"


def _flag(timing: dict[str, float]) -> str:
    return " ⚠" if timing["p95"] > 0.1 else ""


def _rdflib_cell(r: dict[str, Any] | None, s: dict[str, float], cap: float) -> str:
    if r is None:
        return "not run | "
    if r["error"]:
        return f"{r['error'][:40]} | "
    if r["timed_out"]:
        return f"> {cap * 1000:.0f} (cap) | > {cap / max(s['p50'], 1e-6):,.0f}×"
    med = statistics.median(r["samples"])
    return f"{fmt_ms(med)} | {med / max(s['p50'], 1e-6):,.0f}×"


def machine() -> str:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import pyoxigraph

    return (
        f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, nproc {os.cpu_count()}, "
        f"RAM {mem_gb:.0f} GiB, Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, "
        f"rdflib {rdflib.__version__}, load average at start {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--store-phase":
        nq, workdir, runs, beside = Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        print(json.dumps(store_phase(nq, workdir, runs, beside)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per query on the store")
    parser.add_argument("--cap-s", type=float, default=20.0, help="rdflib time cap per query run")
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument(
        "--beside", type=int, default=2000, help="articles of the build run beside the queries (0: none)"
    )
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    blocks = [f"### Run {machine()}\n"]
    with tempfile.TemporaryDirectory(prefix="kg-bench-", dir=os.environ.get("KG_BENCH_TMP")) as tmp:
        for size in args.sizes:
            report = bench_size(size, args.runs, args.cap_s, not args.no_rdflib, Path(tmp), args.beside)
            block = render(report, args.cap_s)
            print(block, flush=True)
            blocks.append(block)
    if not args.no_record:
        append_run(HEADING, "\n".join(blocks))
        print(f"appended to {RESULTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
