"""The one place where the stage order is written down.

    paths -ingest-> Article -nlp-> Doc -extract-> mentions, relations -link-> entities
          -prepare-> OUTDIR/articles/*.json, *.nt -assemble-> graph.trig, store/, graph.ttl, graph.html

A build extracts only articles that are new or changed (by content hash) and then
assembles the whole graph from the per-article files in OUTDIR, so building the same
inputs again changes nothing and building in any order gives the same graph. Each article
is extracted and prepared (`kg.build.prepare`) by one job, the same one whether it runs
here, in forked workers (`--workers N`) or on Dask (`--dask`); the parent writes the files
it is handed and assembles (`kg.build.assembly`).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph

from kg.build.assembly import PENDING, RESULTS_DIR, UNION_IN_MEMORY_MAX_LINES, assemble, new_store_dir
from kg.build.cache import ArticleSpool, cached_hash, digest, read_results, remove_cached, statements_body
from kg.build.feed import StoreFeed
from kg.build.outdir import guard_outdir
from kg.build.prepare import PreparedArticle, prepare_all, prepare_batch, write_prepared
from kg.build.summary import BuildSummary, count_results
from kg.build.workers import LARGEST_BATCH, batch_sizes, batches, map_in_processes
from kg.errors import InputError, KgError
from kg.extract.extractor import Extractor, extraction_version
from kg.fileio import write_atomic
from kg.gazetteer import default_gazetteer
from kg.graph.rdf import bind_prefixes, to_dataset, union_graph
from kg.iris import graph_iri
from kg.records import Article, ArticleResult, Notice, Skipped
from kg.text.readers import JsonFields, iter_articles

__all__ = ["BuildSummary", "build", "build_article_graph", "read_manifest", "remove_articles"]

MANIFEST = "manifest.json"
DEFAULT_FIELDS = JsonFields()

#: Called as progress(phase, done, total): "extracting" articles, "writing graphs", "loading store" triples.
Progress = Callable[[str, int, int], None]


def read_manifest(outdir: Path) -> dict[str, dict[str, str]]:
    path = outdir / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise KgError(f"{path} is unreadable ({exc}); delete it to rebuild OUTDIR from scratch") from exc
    return dict(data.get("articles", {}))


@guard_outdir  # OUTDIR checked writable before any work, locked, cleaned of leftovers; disk full caught
def build(
    inputs: Sequence[str | Path],
    outdir: Path,
    *,
    model: str | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    fields: JsonFields = DEFAULT_FIELDS,
    max_chars: int = 100_000,
    batch_size: int | None = None,
    workers: int = 1,
    dask: str | None = None,
    window_days: int = 1,
    html: bool = True,
    store: bool = True,
    infer: bool = False,
    validate: bool = True,
    progress: Progress | None = None,
    stdin: Any = None,
) -> BuildSummary:
    """Extract new or changed articles into OUTDIR and rewrite the graph files from all of them.

    `batch_size` None chooses batch sizes from the corpus size and the number of workers
    (`kg.build.workers.batch_sizes`).
    """
    started = time.perf_counter()
    summary = BuildSummary()
    manifest = read_manifest(outdir)
    reading = {
        "include": include,
        "exclude": exclude,
        "fields": fields,
        "max_chars": max_chars,
        "stdin": stdin,
    }
    extraction = {"model": model, "batch_size": batch_size, "workers": workers, "dask": dask}
    feed: StoreFeed | None = None
    try:
        feed = _extract_new(
            inputs, outdir, manifest, summary, reading, extraction, store=store, progress=progress
        )
        summary.changed = summary.extracted + summary.resumed > 0 or _graph_files_lag(outdir)
        if summary.changed:
            write_atomic(outdir / MANIFEST, json.dumps({"articles": manifest}, indent=1, sort_keys=True))
            options = {"html": html, "store": store, "infer": infer, "validate": validate}
            assemble(
                outdir,
                summary,
                window_days=window_days,
                workers=workers,
                progress=progress,
                feed=feed,
                **options,
            )
        else:
            count_results(read_results(outdir / RESULTS_DIR, slim=True), summary)
    finally:
        _close(feed, store=store)
    summary.seconds = time.perf_counter() - started
    return summary


def _graph_files_lag(outdir: Path) -> bool:
    """Whether OUTDIR's graph files are missing or older than its results (an assembly stopped)."""
    return not (outdir / "graph.ttl").exists() or (outdir / PENDING).exists()


def _close(feed: StoreFeed | None, *, store: bool) -> None:
    """Stop a feed: a store nobody committed goes, and (without `store`) its scratch folder."""
    if feed is not None:
        feed.stop()
        if not store:
            shutil.rmtree(feed.store_dir.parent, ignore_errors=True)


def _extract_new(
    inputs: Sequence[str | Path],
    outdir: Path,
    manifest: dict[str, dict[str, str]],
    summary: BuildSummary,
    reading: dict[str, Any],
    extraction: dict[str, Any],
    *,
    store: bool,
    progress: Progress | None,
) -> StoreFeed | None:
    """Read the inputs, extract and prepare the new or changed articles into OUTDIR/articles; with
    workers or Dask, return the `StoreFeed` that took their statements meanwhile."""
    started = time.perf_counter()
    feed = None
    with contextlib.closing(ArticleSpool()) as to_extract:
        version = extraction_version(extraction["model"])
        _scan(inputs, manifest, outdir / RESULTS_DIR, to_extract, summary, version, **reading)
        summary.phases["scanning"] = time.perf_counter() - started
        if len(to_extract):
            if extraction["workers"] > 1 or extraction["dask"]:  # this process is free meanwhile
                feed = StoreFeed(
                    new_store_dir(outdir, store=store), memory_max_lines=UNION_IN_MEMORY_MAX_LINES
                )
            try:
                prepared = _prepared(to_extract, **extraction)
                _write_prepared(outdir, prepared, len(to_extract), manifest, summary, progress, feed)
            except BaseException:
                _close(feed, store=store)
                raise
    summary.phases["extracting"] = time.perf_counter() - started - summary.phases["scanning"]
    return feed


def _scan(
    inputs: Sequence[str | Path],
    manifest: dict[str, dict[str, str]],
    results_dir: Path,
    to_extract: ArticleSpool,
    summary: BuildSummary,
    version: str,
    **reading: Any,
) -> None:
    """Read every input once: count and report, and spool the new or changed articles (and those
    whose cached result another extraction `version` made)."""
    for record in iter_articles(inputs, **reading):
        if isinstance(record, Skipped):
            summary.skipped.append(record)
        elif isinstance(record, Notice):
            summary.notices.append(record)
        else:
            summary.documents += 1
            known = manifest.get(record.doc_id)
            if (
                known
                and known.get("hash") == record.content_hash
                and known.get("extractor") == version
                and (results_dir / f"{record.doc_id}.json").exists()
            ):
                summary.unchanged += 1
            elif cached_hash(results_dir, record.doc_id, version) == record.content_hash:
                manifest[record.doc_id] = _manifest_entry(record, version)
                summary.resumed += 1
            else:
                to_extract.add(record)
    if summary.documents == 0:
        reasons = "; ".join(f"{s.source}: {s.reason}" for s in summary.skipped) or "no input given"
        raise InputError(
            f"no articles to build ({reasons}). Give .txt/.md/.html/.json/.jsonl files or folders."
        )


def _prepared(
    articles: ArticleSpool, *, model: str | None, batch_size: int | None, workers: int, dask: str | None
) -> Iterator[PreparedArticle | Skipped]:
    """Every article extracted and prepared (`kg.build.prepare`), in input order: on a Dask cluster,
    in `workers` forked processes, or here."""
    if dask:  # "tcp://host:port" or "local"
        from kg.build.distributed import prepare_with_dask

        return prepare_with_dask(articles, dask, model=model, batch_size=batch_size)
    extractor = Extractor(model)
    if workers > 1:
        sizes = batch_size or batch_sizes(len(articles), workers)
        return map_in_processes(
            partial(prepare_batch, extractor), batches(articles, sizes), processes=workers
        )
    return prepare_all(extractor.run(articles, batch_size=batch_size or LARGEST_BATCH), extractor.version)


def _write_prepared(
    outdir: Path,
    prepared: Iterator[PreparedArticle | Skipped],
    total: int,
    manifest: dict[str, dict[str, str]],
    summary: BuildSummary,
    progress: Progress | None,
    feed: StoreFeed | None = None,
) -> None:
    """Each prepared article's two files into OUTDIR/articles as it comes, into the manifest, and
    its statements into `feed` (when this code rendered them for that result)."""
    results_dir = outdir / RESULTS_DIR
    for done, item in enumerate(prepared, start=1):
        if progress:
            progress("extracting", done, total)
        if isinstance(item, Skipped):
            summary.skipped.append(item)
            continue
        write_prepared(item, results_dir)
        manifest[item.doc_id] = item.manifest_entry()
        summary.extracted += 1
        if feed is not None:
            lines = statements_body(item.statements, digest(item.result))
            if lines is not None:  # else (a worker running other code) assembly renders them
                feed.add_article(str(graph_iri(item.doc_id)), lines)


def _manifest_entry(article: Article, version: str) -> dict[str, str]:
    return {
        "hash": article.content_hash,
        "source": article.source or article.path or "",
        "extractor": version,
    }


def dataset_from_results(results: list[ArticleResult], *, window_days: int = 1) -> Dataset:
    from kg.graph.ontology import class_hierarchy

    return to_dataset(results, default_gazetteer(), window_days=window_days, hierarchy=class_hierarchy())


def build_article_graph(path: Path, *, model: str | None = None) -> Graph:
    """One article alone -> its graph (union of its statements); used by `kg evaluate`."""
    articles = [r for r in iter_articles([path]) if isinstance(r, Article)]
    if not articles:
        raise InputError(f"{path}: not a readable article")
    extractor = Extractor(model)
    results = [extractor.article(a) for a in articles]
    graph = union_graph(dataset_from_results(results))
    bind_prefixes(graph)
    return graph


@guard_outdir
def remove_articles(outdir: Path, doc_ids: Sequence[str], **options: Any) -> list[str]:
    """Drop articles (and whatever they alone supported) from OUTDIR; returns the ids removed."""
    manifest = read_manifest(outdir)
    removed = []
    for doc_id in doc_ids:
        path = outdir / RESULTS_DIR / f"{doc_id}.json"
        if doc_id not in manifest and not path.exists():
            known = ", ".join(sorted(manifest)[:10])
            raise InputError(f"no article {doc_id!r} in {outdir} (articles: {known or 'none'})")
        remove_cached(outdir / RESULTS_DIR, doc_id)
        manifest.pop(doc_id, None)
        removed.append(doc_id)
    write_atomic(outdir / MANIFEST, json.dumps({"articles": manifest}, indent=1, sort_keys=True))
    assemble(outdir, **options)
    return removed
