"""Assembly: every cached article of OUTDIR -> graph.trig, store/, graph.ttl, the SHACL check, pages.

Takes OUTDIR/articles (results and their statements files, `kg.build.cache`); gives the graph
files, replaced only when all of them are complete.

Each article's statements were rendered where it was extracted (`kg.build.prepare`), so the
parent mostly concatenates: per article, its statements file plus the lines of its event
nodes, which only the parent can write because events merge across articles
(`kg.graph.rdf.cluster_events`); then the derived graph. That text is graph.trig, and
Oxigraph's bulk loader reads it (named graphs, plus the union as the default graph).

graph.ttl and the SHACL check read a store of the union (`kg.graph.shapecheck`): an
in-memory one for graphs up to `UNION_IN_MEMORY_MAX_LINES`, else the new on-disk store.
The precomputed answers of the slow library queries (`kg.graph.precompute`) are read from the
same union and loaded into the named graph `id:graph/precomputed`. Graphs up to
`IN_MEMORY_MAX_TRIPLES` are drawn as HTML pages. With `workers` above one (or Dask), the store
is filled by a thread (`kg.build.feed`), which took each article's statements as it came back
from extraction, so here it gets only the event nodes and the derived graph; the pages are
drawn in a forked process while the union is checked here. With one worker, all of it runs
one thing after the other.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, Graph

from kg.build.cache import Cached, read_cached, read_statements, statements_header, write_statements
from kg.build.feed import StoreFeed
from kg.build.summary import BuildSummary, count_results
from kg.build.trig import Chunk, TrigWriter
from kg.build.workers import Background
from kg.errors import KgError
from kg.fileio import write_atomic
from kg.gazetteer import default_gazetteer
from kg.graph.rdf import article_statements, cluster_events, derived_graph, event_statements, ntriples
from kg.iris import DERIVED_GRAPH, PRECOMPUTED_GRAPH, graph_iri

if TYPE_CHECKING:
    from kg.graph.store import GraphStore

#: Present while the graph files lag behind the cached results (an assembly started and has not
#: finished): the next build assembles again even when no article changed.
PENDING = ".assembly-pending"
RESULTS_DIR = "articles"
#: Graphs up to this many triples are drawn as graph.html and timeline.html.
IN_MEMORY_MAX_TRIPLES = 300_000
#: graph.trig lines up to which the union is also loaded into an in-memory store (graph.ttl,
#: the SHACL check and the precomputed answers read it while the on-disk store loads).
UNION_IN_MEMORY_MAX_LINES = 1_500_000
#: Prefix of the folders a build works in inside OUTDIR; the creator's pid follows.
_SCRATCH = ".kg-"

#: Called as progress(phase, done, total).
Progress = Callable[[str, int, int], None]


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
    feed: StoreFeed | None = None,
) -> None:
    """Rewrite graph.trig, the store, graph.ttl and the pages from every cached article of OUTDIR.

    New files wait in a staging folder and the new store beside the old one until all are
    complete, so an error or Ctrl-C leaves the previous outputs. With `infer`, RDFS inferences
    go into the named graph `id:graph/inferred`. Without `store`, the store is built in a
    temporary folder and removed. `feed` (from `new_store_dir`) holds the statements loaded
    while the articles were extracted; with `workers` above one and no feed, one is started here.
    """
    started = time.perf_counter()
    summary = summary or BuildSummary()
    write_atomic(outdir / PENDING, "graph files are older than the results in articles/\n")
    _remove_orphans(outdir)
    staging = Path(tempfile.mkdtemp(prefix=f"{_SCRATCH}staging-{os.getpid()}-", dir=outdir))
    store_dir = feed.store_dir if feed is not None else new_store_dir(outdir, store=store)
    scratch = None if store else store_dir.parent
    trig = TrigWriter(staging / "graph.trig")
    try:
        if workers > 1 and feed is None:
            feed = StoreFeed(store_dir, memory_max_lines=UNION_IN_MEMORY_MAX_LINES)
        results_dir = outdir / RESULTS_DIR
        write_graphs(
            results_dir, trig, summary, window_days=window_days, infer=infer, feed=feed, progress=progress
        )
        summary.phases["graph.trig"] = time.perf_counter() - started
        outputs = _Outputs(trig, store_dir, staging, summary, feed=feed)
        new_store, files = outputs.write(html=html, validate=validate, progress=progress)
        _move_in(new_store, store_dir if store else None, files, outdir, summary)
    finally:
        trig.close()
        for folder in (staging, scratch):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
    if html and "graph.html" not in summary.outputs:
        _warn_no_pages(outdir, summary)
    (outdir / PENDING).unlink(missing_ok=True)
    summary.phases["assembling"] = time.perf_counter() - started


def _move_in(
    new_store: Path, store_dir: Path | None, files: dict[str, Path], outdir: Path, summary: BuildSummary
) -> None:
    """All is ready: the old store and files go, the new ones come in (a store without `store_dir`
    stays in its scratch folder, which goes)."""
    from kg.graph.store import commit_store

    if store_dir is not None:
        commit_store(new_store, store_dir)
    moved = {name: path.replace(outdir / name) for name, path in files.items()}
    for name in ("graph.trig", "graph.ttl"):
        summary.outputs[name] = moved.pop(name)
    if store_dir is not None:
        summary.outputs["store"] = store_dir
    summary.outputs.update(moved)  # the pages


def new_store_dir(outdir: Path, *, store: bool) -> Path:
    """Where a build puts its new store: OUTDIR/store, or (without `store`) a scratch folder that
    assembly removes."""
    if store:
        return outdir / "store"
    return Path(tempfile.mkdtemp(prefix=f"{_SCRATCH}store-{os.getpid()}-", dir=outdir)) / "store"


def write_graphs(
    results_dir: Path,
    trig: TrigWriter,
    summary: BuildSummary,
    *,
    window_days: int = 1,
    infer: bool = False,
    feed: StoreFeed | None = None,
    progress: Progress | None = None,
) -> None:
    """Every article's named graph into `trig` (its statements file and its event nodes), then the
    derived graph and, with `infer`, the inferred one; with `feed`, each also into the new store
    as it is written (for an article whose statements the feed has, only its event nodes)."""
    from kg.graph.ontology import class_hierarchy

    cached = read_cached(results_dir, slim=True)  # sorted by doc_id: the graph does not depend on order
    results = [c.result for c in cached]
    count_results(results, summary)
    events = cluster_events(results, window_days)
    labels = {e.key: e.label for r in results for e in r.entities}
    for done, item in enumerate(cached, start=1):
        graph = graph_iri(item.result.article.doc_id)
        in_store = feed is not None and str(graph) in feed.stored
        statements = _statements(results_dir, item, in_store)
        nodes = ntriples(event_statements(item.result, events, labels))
        trig.add_lines(graph, statements + nodes)
        if feed is not None:
            feed.add(str(graph), nodes if in_store else statements + nodes)
        if progress:
            progress("writing graphs", done, len(cached) + 1)
    _add(
        trig,
        feed,
        DERIVED_GRAPH,
        ntriples(derived_graph(results, events, default_gazetteer(), class_hierarchy())),
    )
    if infer:
        trig.flush()
        inferred = _inferred_graph(trig)
        _add(trig, feed, inferred.identifier, ntriples(inferred))
    trig.flush()  # read by the store load, the union and (in a forked process) the pages
    if progress:
        progress("writing graphs", len(cached) + 1, len(cached) + 1)


def _add(trig: TrigWriter, feed: StoreFeed | None, graph: Any, lines: bytes) -> None:
    trig.add_text(graph, lines)
    if feed is not None:
        feed.add(str(graph), lines)


def _statements(results_dir: Path, item: Cached, stored: bool) -> bytes:
    """The article's cached statements; rendered here (and cached) when the file is missing or stale."""
    doc_id = item.result.article.doc_id
    statements = read_statements(results_dir, doc_id, item.digest)
    if statements is None and stored:  # loaded from that file a moment ago
        raise KgError(f"{results_dir / doc_id}.nt changed during the build; run kg build again")
    if statements is None:  # an OUTDIR of an older version, other code, or a crash between two files
        statements = ntriples(article_statements(item.result))
        with contextlib.suppress(OSError):  # only a cache: the next build renders it again
            write_statements(results_dir, doc_id, statements_header(item.digest) + statements)
    return statements


def _inferred_graph(trig: TrigWriter) -> Graph:
    from kg.graph.infer import INFERRED_GRAPH, inferred_triples
    from kg.graph.ontology import read_ontology

    union = _rdflib_graph(union_triples(trig.union_lines()) or ())
    inferred = Graph(identifier=INFERRED_GRAPH)
    for triple in inferred_triples(union, read_ontology()):
        inferred.add(triple)
    return inferred


class _Outputs:
    """The outputs of one assembly after graph.trig is written: the new store (beside the old one,
    for the caller to commit), graph.ttl, the SHACL check, the precomputed answers and the pages.

    With a `feed` (workers to spare), the store loads in its thread and the pages are drawn in a
    forked process while the union is checked here; without, one thing after the other. A
    failure anywhere stops the store load and deletes the new store; a pages process ends.
    """

    def __init__(
        self,
        trig: TrigWriter,
        store_dir: Path,
        staging: Path,
        summary: BuildSummary,
        *,
        feed: StoreFeed | None,
    ) -> None:
        self.trig, self.store_dir, self.staging, self.summary = trig, store_dir, staging, summary
        self.feed = feed
        self.cancel = threading.Event()  # stops an inline store load between chunks
        self.pages: Background[dict[str, Path]] | None = None
        self.new_store: Path | None = None
        self.files: dict[str, Path] = {"graph.trig": trig.path, "graph.ttl": staging / "graph.ttl"}

    def write(self, *, html: bool, validate: bool, progress: Progress | None) -> tuple[Path, dict[str, Path]]:
        from kg.graph.store import discard_store

        try:
            if self.feed is not None:
                self.new_store = self._beside_the_feed(self.feed, html=html, validate=validate)
            elif self.trig.lines <= UNION_IN_MEMORY_MAX_LINES:
                chunks = _reporting(self.trig.chunks(), self.trig.lines, progress, self.cancel)
                self.new_store = self._from_memory_union(chunks, html=html, validate=validate)
            else:
                chunks = _reporting(self.trig.chunks(), self.trig.lines, progress, self.cancel)
                self.new_store = self._from_new_store(chunks, html=html, validate=validate)
            return self.new_store, self.files
        except BaseException:
            self.cancel.set()
            if self.feed is not None:
                self.feed.stop()  # deletes the store it loaded, unless this assembly took it
            if self.new_store is not None:
                discard_store(self.new_store)
            raise
        finally:
            if self.pages is not None:
                self.pages.stop()

    def _beside_the_feed(self, feed: StoreFeed, *, html: bool, validate: bool) -> Path:
        """The rest of the graph into the feed; graph.ttl, the SHACL check and the answers from its
        union in memory (or, too large for memory, from the new store) while the pages are drawn."""
        from kg.graph.store import open_store

        if html and self.trig.lines <= UNION_IN_MEMORY_MAX_LINES:
            self.pages = Background(partial(draw_pages, self.trig, self.staging), "process")
        feed.close()
        with _timed(self.summary, "union in memory"):
            union = feed.union()
        if union is not None:
            self._check(union, validate=validate)
            with _timed(self.summary, "precomputed answers"):
                feed.answers.set_result(_precomputed(union))
        with _timed(self.summary, "store"):
            new_store = feed.result()  # the answers computed on it, when there was no union in memory
        if union is None:
            with open_store(new_store) as stored:
                self._check(stored, validate=validate)
        self._finish_trig(feed.answers.result())
        if self.pages is not None:
            with _timed(self.summary, "pages"):
                self.files.update(self.pages.result())
        elif html and self.summary.triples <= IN_MEMORY_MAX_TRIPLES:
            self.files.update(draw_pages(self.trig, self.staging))
        return new_store

    def _from_memory_union(self, chunks: Iterator[Chunk], *, html: bool, validate: bool) -> Path:
        """graph.ttl, the SHACL check and the answers from an in-memory union, then the store."""
        from kg.graph.store import load_store_from_trig, union_memory_store

        with _timed(self.summary, "union in memory"), union_memory_store(self.trig.union_lines()) as union:
            self._check(union, validate=validate)
            with _timed(self.summary, "precomputed answers"):
                answers = _precomputed(union)
        with _timed(self.summary, "store"):
            new_store = load_store_from_trig(chunks, self.store_dir, named=lambda _store: answers)
        self.new_store = new_store
        self._finish_trig(answers)
        if html:
            with _timed(self.summary, "pages"):
                self.files.update(draw_pages(self.trig, self.staging))
        return new_store

    def _from_new_store(self, chunks: Iterator[Chunk], *, html: bool, validate: bool) -> Path:
        """The union read from the new on-disk store once it has loaded (too large to hold twice)."""
        from kg.graph.store import load_store_from_trig, open_store

        answers: list[bytes] = []

        def precompute_here(store: GraphStore) -> bytes:
            answers.append(_precomputed(store))
            return answers[0]

        with _timed(self.summary, "store"):
            self.new_store = load_store_from_trig(chunks, self.store_dir, named=precompute_here)
        with open_store(self.new_store) as union:
            self._check(union, validate=validate)
        self._finish_trig(answers[0])
        if html and self.summary.triples <= IN_MEMORY_MAX_TRIPLES:
            self.files.update(draw_pages(self.trig, self.staging))
        return self.new_store

    def _check(self, union: GraphStore, *, validate: bool) -> None:
        with _timed(self.summary, "graph.ttl and SHACL"):
            self.summary.triples = _write_turtle_and_check(
                union, self.staging, self.summary, validate=validate
            )

    def _finish_trig(self, answers: bytes) -> None:
        """The precomputed answers close graph.trig (after the store has read the rest)."""
        self.trig.add_lines(PRECOMPUTED_GRAPH, answers, union=False)
        self.trig.close()


@contextlib.contextmanager
def _timed(summary: BuildSummary, phase: str) -> Iterator[None]:
    """Seconds spent in `phase` (wall; parallel work overlaps), into `summary.phases`."""
    started = time.perf_counter()
    try:
        yield
    finally:
        summary.phases[phase] = summary.phases.get(phase, 0.0) + time.perf_counter() - started


def _precomputed(union: GraphStore) -> bytes:
    from kg.graph.precompute import precomputed_ntriples

    return precomputed_ntriples(union)


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


# ---------------------------------------------------------------- pages


def draw_pages(trig: TrigWriter, outdir: Path) -> dict[str, Path]:
    """graph.html and timeline.html of the union of `trig`, when it holds at most
    `IN_MEMORY_MAX_TRIPLES` triples; else nothing (the caller warns)."""
    triples = union_triples(trig.union_lines(), limit=IN_MEMORY_MAX_TRIPLES)
    if triples is None:
        return {}
    return write_pages(_rdflib_graph(triples), outdir)


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


def union_triples(texts: Iterable[bytes], limit: int | None = None) -> set[tuple[Any, Any, Any]] | None:
    """The distinct triples of N-Triples `texts` as rdflib terms; None when more than `limit`."""
    import pyoxigraph as ox

    from kg.graph.store import to_rdflib_term

    lines: set[bytes] = set()
    for text in texts:
        lines.update(text.splitlines())
        if limit is not None and len(lines) > limit:
            return None
    terms: dict[Any, Any] = {}

    def convert(node: Any) -> Any:
        term = terms.get(node)
        if term is None:
            term = terms[node] = to_rdflib_term(node)
        return term

    parsed = ox.parse(b"\n".join(lines), ox.RdfFormat.N_TRIPLES)
    return {(convert(t.subject), convert(t.predicate), convert(t.object)) for t in parsed}


def _rdflib_graph(triples: Iterable[tuple[Any, Any, Any]]) -> Graph:
    graph = Graph(store="SimpleMemory")  # no named-graph bookkeeping: the pages read it 1.6x faster
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


def _warn_no_pages(outdir: Path, summary: BuildSummary) -> None:
    stale = [name for name in ("graph.html", "timeline.html") if (outdir / name).exists()]
    for name in stale:  # a page of an older, smaller graph would mislead
        (outdir / name).unlink()
    summary.warnings.append(
        f"{summary.triples} triples: graph.html is skipped above {IN_MEMORY_MAX_TRIPLES}; "
        "use `kg viz -g OUTDIR --max-nodes N`"
        + (f" (removed the older {' and '.join(stale)})" if stale else "")
    )


# ---------------------------------------------------------------- the store load and work folders


def _reporting(
    chunks: Iterable[Chunk], total: int, progress: Progress | None, cancel: threading.Event
) -> Iterator[Chunk]:
    done = 0
    for chunk in chunks:
        if cancel.is_set():
            raise KgError("build stopped: the store was not replaced")
        yield chunk
        done += chunk.lines
        if progress:
            progress("loading store", min(done, total), total)


def _remove_orphans(outdir: Path) -> None:
    """Delete work folders left by builds that were killed (their process is gone)."""
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
