"""Build throughput: how much the knowledge-graph build costs on top of spaCy, and how it scales.

Measures, in one run, on a synthetic corpus from bench/corpus.py:

(a) words/second of bare `nlp.pipe`: `spacy.load(model)` as shipped, and the project's
    pipeline (`kg.nlp.pipeline.load_pipeline()`: gazetteer ruler + custom components);
(b) words/second of the build's extraction (`Extractor.run`: NLP + extraction + linking),
    one process, and the ratio (b)/(a) for both kinds of (a);
(c) `extract_in_processes` with two forked worker processes (`kg.build.workers`) against
    1, and Dask with 2 local workers
    (steady state, cluster already warm) against 1 process;
(e) `kg.build.pipeline.build` end to end (reading the JSONL, extraction, graph.trig, the
    store, graph.ttl, SHACL check, precomputed answers, HTML pages) at each of `--sizes`, with
    `workers=1`, `workers=2` and `dask="local"`, each in a fresh process (bench/scaling.py):
    the ratios against workers=1 and the parent's serial seconds;
(d) peak RSS and wall time of `kg build` over 10,000 synthetic articles into a fresh OUTDIR,
    in a child process, sampled while it runs to tell extraction from assembly.

Times are the best of `--repeats` runs (the machine is shared; the best run is the one least
disturbed); CPU seconds and the load average are reported beside wall seconds for the same reason.

    .venv/bin/python bench/throughput.py                       # everything, append to RESULTS.md
    .venv/bin/python bench/throughput.py --articles 0 --sizes 200 1000 --big 0   # (e) only
    .venv/bin/python bench/throughput.py --articles 100 --sizes 100 --big 0 --no-record
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_jsonl
from results import RESULTS, append_run
from scaling import MODES, measure_scaling, one_build, render_scaling

ROOT = Path(__file__).resolve().parent
HEADING = "## Throughput (bench/throughput.py)"
TARGET_BUILD = 0.85  # build words/s >= 0.85 x bare nlp.pipe
TARGET_SCALING = 1.6  # 2 workers >= 1.6 x 1 worker (extraction alone)
TARGET_RSS_GIB = 1.0  # peak RSS for 10,000 articles
TARGET_BIG_SECONDS = 12 * 60  # whole build of 10,000 articles


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds of this process, and of its waited-for children (spaCy's worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def timed(run: Callable[[], Any], repeats: int) -> dict[str, float]:
    """Best wall time over `repeats` runs, with the CPU seconds and load average of that run.

    `cpu` is this process plus its children; Dask workers are not children, so for Dask only
    the client's share is counted.
    """
    best: dict[str, float] = {}
    for _ in range(repeats):
        load = os.getloadavg()[0]
        wall, (own, kids) = time.perf_counter(), cpu_seconds()
        run()
        wall = time.perf_counter() - wall
        own_after, kids_after = cpu_seconds()
        if not best or wall < best["wall"]:
            best = {
                "wall": wall,
                "cpu_self": own_after - own,
                "cpu_children": kids_after - kids,
                "load": load,
            }
            best["cpu"] = best["cpu_self"] + best["cpu_children"]
    return best


def model_name() -> str:
    """The spaCy package `kg.nlp.pipeline` loads by default (the first of its defaults that is installed)."""
    import spacy

    from kg.nlp.pipeline import DEFAULT_MODELS

    for name in DEFAULT_MODELS:
        if spacy.util.is_package(name):
            return name
    raise SystemExit(f"none of {DEFAULT_MODELS} is installed")


def read_articles(path: Path) -> list[Any]:
    from kg.records import Article
    from kg.text.readers import iter_articles

    return [a for a in iter_articles([path]) if isinstance(a, Article)]


def measure_speed(
    corpus: Path, articles: list[Any], model: str, repeats: int, batch_size: int
) -> dict[str, Any]:
    import spacy

    from kg.build.workers import extract_in_processes
    from kg.extract.extractor import Extractor
    from kg.nlp.pipeline import load_pipeline

    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    warm = articles[:8]
    bare = spacy.load(model)
    kg_nlp = load_pipeline(model)
    extractor = Extractor(model)
    for nlp in (bare, kg_nlp):
        list(nlp.pipe([a.text for a in warm]))
    list(extractor.run(warm))

    out: dict[str, Any] = {
        "articles": len(articles),
        "words": words,
        "model": model,
        "pipes_bare": bare.pipe_names,
        "pipes_kg": kg_nlp.pipe_names,
    }
    log(f"(a) bare spacy.load({model!r}).pipe over {len(articles)} articles, {words:,} words")
    out["bare"] = timed(lambda: list(bare.pipe(texts, batch_size=batch_size)), repeats)
    log(f"    {words / out['bare']['wall']:,.0f} words/s")
    log("(a) kg.nlp.pipeline.load_pipeline().pipe")
    out["kg_nlp"] = timed(lambda: list(kg_nlp.pipe(texts, batch_size=batch_size)), repeats)
    log(f"    {words / out['kg_nlp']['wall']:,.0f} words/s")
    log("(b) Extractor.run, one process")
    out["extract1"] = timed(lambda: list(extractor.run(articles, batch_size=batch_size)), repeats)
    log(f"    {words / out['extract1']['wall']:,.0f} words/s")
    log("(c) extract_in_processes, 2 processes")
    out["extract2"] = timed(
        lambda: list(extract_in_processes(extractor, articles, processes=2, batch_size=batch_size)), repeats
    )
    log(f"    {words / out['extract2']['wall']:,.0f} words/s")
    out["dask"] = measure_dask(articles, repeats, batch_size)
    return out


def measure_dask(articles: list[Any], repeats: int, batch_size: int) -> dict[str, Any] | None:
    """Dask with 2 local worker processes, timed after every worker has loaded its pipeline."""
    try:
        import distributed
    except ImportError:
        log("(c) dask: not installed, skipped")
        return None
    from kg.build.distributed import extract_with_dask

    log("(c) Dask LocalCluster, 2 workers: start and warm up")
    started = time.perf_counter()
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        address = cluster.scheduler_address
        list(extract_with_dask(articles[:4], address, batch_size=1))  # one batch per worker
        startup = time.perf_counter() - started
        result = timed(lambda: list(extract_with_dask(articles, address, batch_size=batch_size)), repeats)
    result["startup"] = startup
    words = sum(len(a.text.split()) for a in articles)
    log(f"    startup {startup:.1f} s, then {words / result['wall']:,.0f} words/s")
    return result


def rss_tree(pid: int) -> int:
    """Resident bytes of a process and its children (psutil), 0 once it is gone."""
    import psutil

    try:
        proc = psutil.Process(pid)
        return int(sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]))
    except psutil.Error:
        return 0


def measure_big(count: int, workdir: Path, seed: int, extra: Sequence[str], cap_gib: float) -> dict[str, Any]:
    """`kg build` of `count` articles in a child; peak RSS from the kernel and sampled by phase.

    The build is killed once it holds more than `cap_gib` (the machine is shared), and the
    result then says in which phase and when.
    """
    corpus = workdir / f"corpus-{count}.jsonl"
    log(f"(d) writing {count:,} synthetic articles to {corpus}")
    write_jsonl(corpus, count, seed)
    outdir = workdir / "out"
    kg = Path(sys.executable).with_name("kg")
    # A tiny parent whose RUSAGE_CHILDREN holds only the build's own peak.
    wrapper = (
        "import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(rc)"
    )
    cmd = [sys.executable, "-c", wrapper, str(kg), "build", str(corpus), "-o", str(outdir), "-q", *extra]
    log(f"(d) {' '.join(cmd[3:])}")
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watched = _watch(proc, outdir, count, cap_gib, started)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    if watched["killed"] is None and proc.returncode not in (0, 3):
        raise SystemExit(f"kg build failed ({proc.returncode}): {stderr[-2000:]}")
    lines = stdout.strip().splitlines() or ["0"]
    sizes = {p.name: p.stat().st_size for p in outdir.glob("*") if p.is_file()}
    result: dict[str, Any] = {
        "count": count,
        "seconds": seconds,
        "extract_seconds": watched["extract_done"] or seconds,
        "maxrss": int(lines[-1]) * 1024,
        "peak_extract": watched["peak_extract"],
        "peak_assemble": watched["peak_assemble"],
        "words": sum(len(json.loads(line)["text"].split()) for line in corpus.open(encoding="utf-8")),
        "sizes": sizes,
        "killed": watched["killed"],
        "load": load,
        "skipped": stderr.count("kg: warning: skipped "),  # one line per skipped input
        "options": list(extra),
    }
    log(f"    done in {seconds:,.0f} s, peak RSS {result['maxrss'] / 2**30:.2f} GiB")
    return result


def _watch(
    proc: subprocess.Popen[str], outdir: Path, count: int, cap_gib: float, started: float
) -> dict[str, Any]:
    """Sample the build's memory each second until it ends (killing it above `cap_gib`), telling
    extraction (until manifest.json appears) from assembly."""
    peak_extract = peak_assemble = 0
    extract_done: float | None = None
    last = 0.0
    killed: str | None = None
    while proc.poll() is None:
        time.sleep(1.0)
        rss = rss_tree(proc.pid)
        if rss > cap_gib * 2**30 and killed is None:
            phase = "extraction" if extract_done is None else "assembly"
            killed = f"killed at {cap_gib:g} GiB after {time.perf_counter() - started:,.0f} s, during {phase}"
            log(f"    {killed}")
            import psutil

            for child in psutil.Process(proc.pid).children(recursive=True):
                child.kill()
        if not (outdir / "manifest.json").exists():  # written when extraction ends, before assembly
            peak_extract = max(peak_extract, rss)
        else:
            extract_done = extract_done or time.perf_counter() - started
            peak_assemble = max(peak_assemble, rss)
        if time.perf_counter() - last >= 30:
            last = time.perf_counter()
            done = len(list((outdir / "articles").glob("*.json"))) if (outdir / "articles").is_dir() else 0
            log(f"    {last - started:6.0f} s: {done:,}/{count:,} articles extracted, RSS {rss >> 20:,} MiB")
    return {
        "peak_extract": peak_extract,
        "peak_assemble": peak_assemble,
        "extract_done": extract_done,
        "killed": killed,
    }


def machine(model: str) -> str:
    import spacy

    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    version = spacy.util.get_package_version(model) or "?"
    return (
        f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, nproc {os.cpu_count()}, "
        f"RAM {mem_gib:.0f} GiB, Python {platform.python_version()}, spaCy {spacy.__version__}, "
        f"model {model} {version}, load average at start {os.getloadavg()[0]:.1f}"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def render(
    header: str, speed: dict[str, Any] | None, scaling: dict[int, Any] | None, big: dict[str, Any] | None
) -> str:
    lines = [f"### Run {header}", ""]
    if speed:
        lines += _render_speed(speed)
    if scaling:
        lines += ["", *render_scaling(scaling)]
    if big:
        lines += _render_big(big)
    return "\n".join(lines) + "\n"


def _render_speed(speed: dict[str, Any]) -> list[str]:
    """(a)-(c): extraction speed against bare spaCy, and with two processes."""
    words = speed["words"]

    def row(name: str, m: dict[str, float]) -> str:
        return (
            f"| {name} | {m['wall']:.1f} | {m['cpu']:.1f} | {words / m['wall']:,.0f} | "
            f"{words / m['cpu']:,.0f} | {m['load']:.1f} |"
        )

    lines = [
        f"Corpus: {speed['articles']} synthetic articles, {words:,} words (seed-fixed; bench/corpus.py).",
        f"spaCy components, bare: {', '.join(speed['pipes_bare'])}; kg: {', '.join(speed['pipes_kg'])}.",
        "",
        "| measurement | wall s | CPU s | words/s (wall) | words/s (CPU) | load avg |",
        "|---|---:|---:|---:|---:|---:|",
        row("(a) bare `spacy.load(model).pipe`", speed["bare"]),
        row("(a) `kg.nlp.pipeline.load_pipeline().pipe`", speed["kg_nlp"]),
        row("(b) `Extractor.run`, 1 process", speed["extract1"]),
        row("(c) `extract_in_processes`, 2 worker processes", speed["extract2"]),
    ]
    if speed["dask"]:
        d = speed["dask"]
        lines.append(
            f"| (c) Dask LocalCluster, 2 workers (warm) | {d['wall']:.1f} | n/a (client "
            f"{d['cpu']:.1f}) | {words / d['wall']:,.0f} | n/a | {d['load']:.1f} |"
        )
    b, bare, kgn = speed["extract1"]["wall"], speed["bare"]["wall"], speed["kg_nlp"]["wall"]
    build_ratio = bare / b
    cpu_ratio = speed["bare"]["cpu"] / speed["extract1"]["cpu"]
    scale = b / speed["extract2"]["wall"]
    lines += [
        "",
        f"- (b)/(a) build vs bare spaCy: **{build_ratio:.2f}** (target ≥ {TARGET_BUILD}: "
        f"{verdict(build_ratio >= TARGET_BUILD)}); CPU-time ratio {cpu_ratio:.2f}",
        f"- (b)/(a) build vs the project's spaCy pipeline: **{kgn / b:.2f}**; "
        f"project pipeline vs bare: {bare / kgn:.2f}",
        f"- (c) `n_process=2` vs 1: **{scale:.2f}×** (target ≥ {TARGET_SCALING}: "
        f"{verdict(scale >= TARGET_SCALING)}); with `n_process=2` the parent (reading results) "
        f"used {speed['extract2']['cpu_self']:.1f} CPU s and the two workers (NLP, extraction, "
        f"linking) {speed['extract2']['cpu_children']:.1f} CPU s",
    ]
    if speed["dask"]:
        d = speed["dask"]
        lines.append(
            f"- (c) Dask 2 workers vs 1 process: **{b / d['wall']:.2f}×** "
            f"(cluster start + model load on both workers: {d['startup']:.0f} s, not included)"
        )
    return lines


def _render_big(big: dict[str, Any]) -> list[str]:
    """(d): the 10,000-article build's memory and time."""
    gib = big["maxrss"] / 2**30
    rss_ok = gib <= TARGET_RSS_GIB and not big["killed"]
    time_ok = big["seconds"] <= TARGET_BIG_SECONDS and not big["killed"]
    peak = f"{gib:.2f} GiB" + (f", then {big['killed']}" if big["killed"] else "")
    rate = big["words"] / big["extract_seconds"]
    sizes = ", ".join(
        f"{k} {v / 2**20:,.1f} MiB" for k, v in sorted(big["sizes"].items()) if not k.startswith(".")
    )
    opts = " ".join(big["options"]) or "(defaults)"
    return [
        f"- (d) `kg build` of {big['count']:,} articles ({big['words']:,} words), options {opts}: "
        f"peak RSS **{peak}** (target ≤ {TARGET_RSS_GIB:.0f} GiB: {verdict(rss_ok)}), "
        f"**{big['seconds']:,.0f} s** (target ≤ {TARGET_BIG_SECONDS} s: {verdict(time_ok)}), "
        f"load average {big['load']:.1f} at start; "
        f"sampled peak {big['peak_extract'] / 2**30:.2f} GiB while extracting, "
        f"{big['peak_assemble'] / 2**30:.2f} GiB while assembling; "
        f"{big['seconds']:,.0f} s in all, of which extraction {big['extract_seconds']:,.0f} s "
        f"({rate:,.0f} words/s); {big['skipped']} skipped; outputs: {sizes}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="corpus size for (a)-(c); 0 skips them")
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=[200, 1000], help="corpus sizes for (e); none skips it"
    )
    parser.add_argument("--modes", nargs="*", default=list(MODES), choices=list(MODES), help="modes for (e)")
    parser.add_argument("--big", type=int, default=10_000, help="articles for the RSS build (d); 0 skips it")
    parser.add_argument(
        "--big-option",
        action="append",
        default=[],
        help="extra `kg build` option for (d), repeatable (e.g. --big-option=--no-html)",
    )
    parser.add_argument("--rss-cap", type=float, default=8.0, help="GiB at which (d) is stopped")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    parser.add_argument("--one-build", type=Path, help=argparse.SUPPRESS)  # see isolated_build
    parser.add_argument("--mode", default="workers=1", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_build:
        one_build(args.one_build, args.mode)
        return
    model = model_name()
    header = machine(model)
    log(header)
    speed = scaling = big = None
    with tempfile.TemporaryDirectory(prefix="kg-throughput-", dir=os.environ.get("KG_BENCH_TMP")) as tmp:
        work = Path(tmp)
        if args.articles:
            corpus = write_jsonl(work / "small.jsonl", args.articles, args.seed)
            speed = measure_speed(corpus, read_articles(corpus), model, args.repeats, args.batch_size)
        if args.sizes:
            scaling = measure_scaling(work, args.sizes, args.repeats, args.seed, args.modes)
        if args.big:
            big = measure_big(args.big, work, args.seed + 1, args.big_option, args.rss_cap)
    text = render(header, speed, scaling, big)
    print(text)
    if not args.no_record:
        append_run(HEADING, text, intro="Written by `bench/throughput.py`; newest run last.")
        log(f"appended to {RESULTS}")


if __name__ == "__main__":
    main()
