"""The one place where the stage order is written down.

    paths -ingest-> Article -nlp-> Doc -extract-> mentions, relations -link-> entities
          -cache-> OUTDIR/articles/*.json -rdf-> Dataset -> graph.ttl, graph.trig, store/, graph.html

A build extracts only articles that are new or changed (by content hash) and then
assembles the whole graph from the per-article results in OUTDIR, so building the same
inputs again changes nothing and building in any order gives the same graph.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, Dataset, Graph

from kg.build.cache import ArticleSpool, cached_hash, read_results, write_result
from kg.build.outdir import guard_outdir
from kg.build.workers import extract_in_processes
from kg.errors import InputError, KgError
from kg.extract.extractor import Extractor
from kg.fileio import write_atomic, write_atomic_chunks
from kg.gazetteer import default_gazetteer
from kg.graph.rdf import NamedGraph, bind_prefixes, to_dataset, union_graph
from kg.records import Article, ArticleResult, Notice, Skipped
from kg.text.readers import JsonFields, iter_articles

if TYPE_CHECKING:
    from kg.graph.rdf import TrigWriter
    from kg.graph.store import GraphStore

MANIFEST = "manifest.json"
#: Present while the graph files lag behind the cached results (an assembly started and has not
#: finished): the next build assembles again even when no article changed.
PENDING = ".assembly-pending"
DEFAULT_FIELDS = JsonFields()
RESULTS_DIR = "articles"

#: Called as progress(phase, done, total): "extracting" articles, "writing graphs", "loading store" triples.
Progress = Callable[[str, int, int], None]


@dataclass
class BuildSummary:
    """What a build did, for the CLI to print."""

    documents: int = 0
    extracted: int = 0
    unchanged: int = 0
    resumed: int = 0  # extracted by an earlier build that stopped before writing the graph
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    entities_by_type: Counter = field(default_factory=Counter)
    relations_by_predicate: Counter = field(default_factory=Counter)
    triples: int = 0
    seconds: float = 0.0
    outputs: dict[str, Path] = field(default_factory=dict)
    changed: bool = True
    warnings: list[str] = field(default_factory=list)


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
    batch_size: int = 16,
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
    """Extract new or changed articles into OUTDIR and rewrite the graph files from all of them."""
    started = time.perf_counter()
    summary = BuildSummary()
    manifest = read_manifest(outdir)
    results_dir = outdir / RESULTS_DIR
    to_extract = ArticleSpool()
    try:
        _scan(
            inputs,
            manifest,
            results_dir,
            to_extract,
            summary,
            include=include,
            exclude=exclude,
            fields=fields,
            max_chars=max_chars,
            stdin=stdin,
        )
        if len(to_extract):
            _extract_into(
                outdir,
                to_extract,
                manifest,
                summary,
                model=model,
                batch_size=batch_size,
                workers=workers,
                dask=dask,
                progress=progress,
            )
    finally:
        to_extract.close()
    summary.changed = (
        summary.extracted + summary.resumed > 0
        or not (outdir / "graph.ttl").exists()
        or (outdir / PENDING).exists()
    )
    if summary.changed:
        write_atomic(outdir / MANIFEST, json.dumps({"articles": manifest}, indent=1, sort_keys=True))
        assemble(
            outdir,
            summary,
            window_days=window_days,
            html=html,
            store=store,
            infer=infer,
            validate=validate,
            workers=workers,
            progress=progress,
        )
    else:
        _count(read_results(results_dir, slim=True), summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _scan(
    inputs: Sequence[str | Path],
    manifest: dict[str, dict[str, str]],
    results_dir: Path,
    to_extract: ArticleSpool,
    summary: BuildSummary,
    **reading: Any,
) -> None:
    """Read every input once: count and report, and spool the new or changed articles."""
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
                and (results_dir / f"{record.doc_id}.json").exists()
            ):
                summary.unchanged += 1
            elif cached_hash(results_dir, record.doc_id) == record.content_hash:
                manifest[record.doc_id] = _manifest_entry(record)
                summary.resumed += 1
            else:
                to_extract.add(record)
    if summary.documents == 0:
        reasons = "; ".join(f"{s.source}: {s.reason}" for s in summary.skipped) or "no input given"
        raise InputError(
            f"no articles to build ({reasons}). Give .txt/.md/.html/.json/.jsonl files or folders."
        )


def _extract_into(
    outdir: Path,
    articles: ArticleSpool,
    manifest: dict[str, dict[str, str]],
    summary: BuildSummary,
    *,
    model: str | None,
    batch_size: int,
    workers: int,
    dask: str | None,
    progress: Progress | None,
) -> None:
    """Extract `articles` into the result cache and the manifest, counting into `summary`."""
    results_dir = outdir / RESULTS_DIR
    if dask:  # "tcp://host:port" or "local": extraction on a Dask cluster
        from kg.build.distributed import extract_with_dask

        results = extract_with_dask(articles, dask, model=model, batch_size=batch_size)
    else:
        extractor = Extractor(model)
        if workers > 1:
            results = extract_in_processes(extractor, articles, processes=workers, batch_size=batch_size)
        else:
            results = extractor.run(articles, batch_size=batch_size)
    for done, result in enumerate(results, start=1):
        if progress:
            progress("extracting", done, len(articles))
        if isinstance(result, Skipped):
            summary.skipped.append(result)
            continue
        write_result(result, results_dir)
        manifest[result.article.doc_id] = _manifest_entry(result.article)
        summary.extracted += 1


def _manifest_entry(article: Article) -> dict[str, str]:
    return {"hash": article.content_hash, "source": article.source or article.path or ""}


def _count(results: list[ArticleResult], summary: BuildSummary) -> None:
    kinds: dict[str, str] = {}
    for r in results:
        for e in r.entities:
            kinds[e.key] = e.kind
    summary.entities_by_type = Counter(kinds.values())
    triples = {(r.predicate, r.actor, r.target) for res in results for r in res.relations}
    summary.relations_by_predicate = Counter(predicate for predicate, _, _ in triples)


def assemble(
    outdir: Path,
    summary: BuildSummary | None = None,
    *,
    window_days: int = 1,
    html: bool = True,
    store: bool = True,
    infer: bool = False,
    validate: bool = True,
    workers: int = 1,
    progress: Progress | None = None,
) -> None:
    """Rewrite graph.trig, the store, graph.ttl and the HTML from every cached article result.

    One article graph at a time is written out as TriG to a temporary file, which Oxigraph
    then loads in chunks and which becomes graph.trig. graph.ttl is dumped from a store of the
    union, and the SHACL shapes are checked by SPARQL queries on it (`kg.graph.shapecheck`): an
    in-memory store for graphs up to `IN_MEMORY_MAX_TRIPLES`, which are also drawn as HTML
    pages, else the new on-disk store (`kg viz --max-nodes` draws those). New files wait in a
    staging folder and the new store beside the old one until all are complete, so an error or
    Ctrl-C leaves the previous outputs. With `infer`, RDFS inferences go into the named graph
    `id:graph/inferred` (this holds the union in memory). Without `store`, the store is built
    in a temporary folder and removed. `workers` above one lets the pages (a forked process)
    and the store load (a thread) run beside graph.ttl and the SHACL check.
    """
    import shutil
    import tempfile

    from kg.graph.ontology import class_hierarchy
    from kg.graph.rdf import TrigWriter, article_graphs
    from kg.graph.store import commit_store

    summary = summary or BuildSummary()
    write_atomic(outdir / PENDING, "graph files are older than the results in articles/\n")
    results = read_results(outdir / RESULTS_DIR, slim=True)
    _count(results, summary)
    graphs: Iterable[NamedGraph] = article_graphs(
        results, default_gazetteer(), window_days=window_days, hierarchy=class_hierarchy()
    )
    if infer:
        graphs = _with_inferred(list(graphs))
    trig = TrigWriter()
    _remove_orphans(outdir)
    staging = Path(tempfile.mkdtemp(prefix=f"{_SCRATCH}staging-{os.getpid()}-", dir=outdir))  # moved in last
    scratch = None if store else Path(tempfile.mkdtemp(prefix=f"{_SCRATCH}store-{os.getpid()}-", dir=outdir))
    store_dir = outdir / "store" if scratch is None else scratch / "store"
    try:
        union = _write_graphs(graphs, len(results) + 1, trig, progress, keep_union=html)
        del results, graphs  # the store load needs neither
        small = union is not None if html else trig.triples <= IN_MEMORY_MAX_TRIPLES
        new_store, files = _write_outputs(
            trig,
            union,
            small,
            store_dir,
            staging,
            summary,
            html=html,
            validate=validate,
            workers=workers,
            progress=progress,
        )
        commit_store(new_store, store_dir)  # all is ready: the old files go, the new ones come in
        moved = {name: path.replace(outdir / name) for name, path in files.items()}
        for name in ("graph.trig", "graph.ttl"):
            summary.outputs[name] = moved.pop(name)
        if store:
            summary.outputs["store"] = store_dir
        summary.outputs.update(moved)  # the pages
    finally:
        trig.close()
        for folder in (staging, scratch):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
    if union is None and html:
        stale = [name for name in ("graph.html", "timeline.html") if (outdir / name).exists()]
        for name in stale:  # a page of an older, smaller graph would mislead
            (outdir / name).unlink()
        summary.warnings.append(
            f"{summary.triples} triples: graph.html is skipped above {IN_MEMORY_MAX_TRIPLES}; "
            "use `kg viz -g OUTDIR --max-nodes N`"
            + (f" (removed the older {' and '.join(stale)})" if stale else "")
        )
    (outdir / PENDING).unlink(missing_ok=True)


#: Prefix of the folders a build works in inside OUTDIR; the creator's pid follows.
_SCRATCH = ".kg-"


def _remove_orphans(outdir: Path) -> None:
    """Delete work folders left by builds that were killed (their process is gone)."""
    import shutil

    for folder in outdir.glob(f"{_SCRATCH}*-*-*"):
        pid = folder.name.removeprefix(_SCRATCH).split("-")[1]
        if folder.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _write_graphs(
    graphs: Iterable[NamedGraph],
    total: int,
    trig: TrigWriter,
    progress: Progress | None,
    *,
    keep_union: bool,
) -> set[tuple[Any, Any, Any]] | None:
    """Every named graph into `trig`; with `keep_union`, returns the union of them all while it is
    small (for the pages), else None."""
    union: set[tuple[Any, Any, Any]] | None = set() if keep_union else None
    for done, graph in enumerate(graphs, start=1):
        trig.add(graph)
        if union is not None:
            union.update(graph)
            if len(union) > IN_MEMORY_MAX_TRIPLES:
                union = None
        if progress:
            progress("writing graphs", min(done, total), total)
    return union


def _write_outputs(
    trig: TrigWriter,
    union: set[tuple[Any, Any, Any]] | None,
    small: bool,
    store_dir: Path,
    staging: Path,
    summary: BuildSummary,
    *,
    html: bool,
    validate: bool,
    workers: int,
    progress: Progress | None,
) -> tuple[Path, dict[str, Path]]:
    """A new store beside `store_dir` (for the caller to commit), and graph.trig, graph.ttl and the
    pages in `staging`.

    A `small` graph is also loaded into an in-memory store, from which graph.ttl
    and the SHACL check read several times faster. With workers to spare, three things run at
    once: the pages in a forked process (Python), the on-disk store in a thread (Oxigraph
    releases the GIL), graph.ttl and the SHACL check here.
    """
    from kg.build.workers import Background
    from kg.graph.store import discard_store, load_store_from_trig, open_store, union_memory_store

    side = workers > 1 and small
    cancel = threading.Event()  # stops the store load (between chunks) when this build fails
    pages: Background[dict[str, Path]] | None = None
    loading: Background[Path] | None = None
    new_store: Path | None = None
    try:
        if union is not None:  # kept only for the pages
            pages = Background(partial(_draw_pages, union, staging), "process" if side else "inline")
        chunks = _reporting(trig.chunks(), trig.triples, progress, cancel)
        loading = Background(partial(load_store_from_trig, chunks, store_dir), "thread" if side else "inline")
        if small:  # while the store loads
            with union_memory_store(trig.chunks()) as source:
                summary.triples = _write_turtle_and_check(source, staging, summary, validate=validate)
        files = {"graph.trig": write_atomic_chunks(staging / "graph.trig", trig.text())}
        new_store = loading.result()
        if not small:
            with open_store(new_store) as source:
                summary.triples = _write_turtle_and_check(source, staging, summary, validate=validate)
        files["graph.ttl"] = staging / "graph.ttl"
        if pages is not None:
            files.update(pages.result())
        return new_store, files
    except BaseException:
        cancel.set()
        if new_store is None and loading is not None:
            with contextlib.suppress(BaseException):  # it stops at its next chunk and cleans up
                new_store = loading.result()
        if new_store is not None:
            discard_store(new_store)
        raise
    finally:
        for task in (pages, loading):
            if task is not None:
                task.stop()


def _write_turtle_and_check(union: GraphStore, outdir: Path, summary: BuildSummary, *, validate: bool) -> int:
    """graph.ttl from the union store, and the SHACL check on it; returns the number of triples."""
    from kg.graph.rdf import PREFIXES
    from kg.graph.store import write_union_turtle

    prefixes = {name: str(ns) for name, ns in PREFIXES.items()}
    prefixes.update({"rdf": str(RDF), "rdfs": str(RDFS)})
    triples = write_union_turtle(union, outdir / "graph.ttl", prefixes)
    if validate:
        summary.warnings += _shacl_warnings(union)
    return triples


def _draw_pages(union: set[tuple[Any, Any, Any]], outdir: Path) -> dict[str, Path]:
    return write_pages(_rdflib_graph(union), outdir)


def _rdflib_graph(triples: Iterable[tuple[Any, Any, Any]]) -> Graph:
    graph = Graph(store="SimpleMemory")  # no named-graph bookkeeping: the pages read it 1.6x faster
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


def _reporting(
    chunks: Iterable[str], total: int, progress: Progress | None, cancel: threading.Event
) -> Iterator[str]:
    done = 0
    for chunk in chunks:
        if cancel.is_set():
            raise KgError("build stopped: the store was not replaced")
        yield chunk
        done += chunk.count(" .\n")  # one triple per line; newlines inside literals are escaped
        if progress:
            progress("loading store", min(done, total), total)


#: Graphs up to this size are also loaded into rdflib after a build (SHACL check, HTML pages).
IN_MEMORY_MAX_TRIPLES = 300_000


def _with_inferred(graphs: list[NamedGraph]) -> list[NamedGraph]:
    from kg.graph.infer import INFERRED_GRAPH, inferred_triples
    from kg.graph.ontology import read_ontology

    union = Graph()
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    inferred = Graph(identifier=INFERRED_GRAPH)
    for triple in inferred_triples(union, read_ontology()):
        inferred.add(triple)
    return [*graphs, inferred]


def _shacl_warnings(union: GraphStore) -> list[str]:
    """The SHACL check of a fresh build (on a store of its union), as warnings; none when it conforms."""
    from kg.graph.shapecheck import UnsupportedShape, check_store

    try:
        report = check_store(union)
    except UnsupportedShape as exc:  # shapes edited beyond what compiles to SPARQL
        return [f"SHACL check skipped: {exc}; run `kg validate -g OUTDIR` (pyshacl)"]
    if report.conforms:
        return []
    lines = [f"SHACL: {line}" for line in report.lines()]
    return lines[:20] + (
        [f"SHACL: ... {len(lines) - 20} more; run `kg validate -g OUTDIR`"] if len(lines) > 20 else []
    )


def dataset_from_results(results: list[ArticleResult], *, window_days: int = 1) -> Dataset:
    from kg.graph.ontology import class_hierarchy

    return to_dataset(results, default_gazetteer(), window_days=window_days, hierarchy=class_hierarchy())


def write_pages(
    graph: Graph, outdir: Path, *, title: str = "posture-kg graph", **options: Any
) -> dict[str, Path]:
    """graph.html and timeline.html for a built graph."""
    from kg.graph.project import to_networkx
    from kg.view.render import write_html
    from kg.view.timeline import write_timeline

    return {
        "graph.html": write_html(to_networkx(graph), outdir / "graph.html", title=title, **options),
        "timeline.html": write_timeline(graph, outdir / "timeline.html"),
    }


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
        path.unlink(missing_ok=True)
        manifest.pop(doc_id, None)
        removed.append(doc_id)
    write_atomic(outdir / MANIFEST, json.dumps({"articles": manifest}, indent=1, sort_keys=True))
    assemble(outdir, **options)
    return removed
