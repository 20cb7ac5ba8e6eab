"""Whole-build scaling: `kg build` end to end with --workers 1, --workers 2 and --dask local.

Each build runs in a fresh process that has loaded the spaCy model and built a small warm-up
corpus first, as a `kg build` command does after start-up; the Dask build starts its local
cluster inside the timed build (cluster start and the workers' model load included). The
modes alternate within each round, so that a busy spell of this shared machine does not fall
on one of them only, and the best of `repeats` rounds counts. Besides wall seconds each run
reports its CPU seconds (the builder and the worker processes it waited for; Dask workers are
the cluster's, not counted), the load average at its start, and the parent's serial seconds:
reading the inputs plus assembly (everything after the last article is extracted).

    .venv/bin/python bench/throughput.py --articles 0 --big 0 --sizes 200 1000
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from corpus import write_jsonl

MODES: dict[str, dict[str, Any]] = {
    "workers=1": {"workers": 1},
    "workers=2": {"workers": 2},
    "dask local": {"dask": "local"},
}
#: Whole build with two workers (or Dask's two) against one.
TARGET_RATIO = 1.85


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def measure_scaling(
    work: Path, sizes: list[int], repeats: int, seed: int, modes: list[str]
) -> dict[int, dict[str, dict[str, Any]]]:
    """{size: {mode: best run}} over `repeats` rounds of every mode, each in a fresh process."""
    out: dict[int, dict[str, dict[str, Any]]] = {}
    for size in sizes:
        corpus = write_jsonl(work / f"scaling-{size}.jsonl", size, seed)
        best: dict[str, dict[str, Any]] = {}
        for _ in range(repeats):
            for mode in modes:
                log(f"(e) {size} articles, {mode}, fresh process and OUTDIR")
                run = isolated_build(corpus, mode)
                log(f"    {run['wall']:.1f} s (load {run['load']:.1f}), parent serial {run['serial']:.1f} s")
                if mode not in best or run["wall"] < best[mode]["wall"]:
                    best[mode] = run
        out[size] = best
    return out


def isolated_build(corpus: Path, mode: str) -> dict[str, Any]:
    """`one_build` in a child process; its JSON line."""
    command = [sys.executable, str(Path(__file__).with_name("throughput.py")), "--one-build", str(corpus)]
    done = subprocess.run([*command, "--mode", mode], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"(e) {mode} build failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def one_build(corpus: Path, mode: str) -> None:
    """The child of `isolated_build`: load the model, warm up, time one build, print JSON."""
    from kg.build.pipeline import build
    from kg.nlp.pipeline import load_pipeline

    load_pipeline()
    with tempfile.TemporaryDirectory(prefix="kg-build-", dir=corpus.parent) as outdir:
        warm = write_jsonl(corpus.with_name(f"warm-{os.getpid()}.jsonl"), 8, 99)
        build([warm], Path(outdir) / "warm", workers=1)
        load = os.getloadavg()[0]
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        summary = build([corpus], Path(outdir) / "out", **MODES[mode])
        wall = time.perf_counter() - started
        own2, kids2 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    if summary.skipped:
        raise SystemExit(f"(e) skipped {len(summary.skipped)} articles: {summary.skipped[:3]}")
    cpu_self = own2.ru_utime + own2.ru_stime - own.ru_utime - own.ru_stime
    cpu_children = kids2.ru_utime + kids2.ru_stime - kids.ru_utime - kids.ru_stime
    phases = summary.phases
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu_self": cpu_self,
                "cpu": cpu_self + cpu_children,
                "load": load,
                "serial": phases.get("scanning", 0.0) + phases.get("assembling", 0.0),
                "extracting": phases.get("extracting", 0.0),
                "phases": phases,
                "triples": summary.triples,
            }
        )
    )


def render_scaling(results: dict[int, dict[str, dict[str, Any]]]) -> list[str]:
    """A table per corpus size and the ratios against the targets."""
    lines = [
        "(e) whole `kg build` end to end, each in a fresh process with the model loaded (best of the rounds; "
        "parent serial = reading inputs + assembly):",
        "",
        "| articles | mode | wall s | CPU s | of which builder | extraction s | parent serial s | load avg | "
        "× workers=1 |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for size, runs in results.items():
        base = runs.get("workers=1")
        for mode, run in runs.items():
            ratio = base["wall"] / run["wall"] if base else float("nan")
            lines.append(
                f"| {size:,} | {mode} | {run['wall']:.1f} | {run['cpu']:.1f} | {run['cpu_self']:.1f} | "
                f"{run['extracting']:.1f} | {run['serial']:.1f} | {run['load']:.1f} | {ratio:.2f} |"
            )
            if base and mode != "workers=1":
                met = "met" if ratio >= TARGET_RATIO else "MISSED"
                verdicts.append(f"{mode} at {size:,} articles **{ratio:.2f}×** ({met})")
    lines += ["", f"- (e) against workers=1 (target ≥ {TARGET_RATIO}×): " + "; ".join(verdicts)]
    return lines
