"""The graph store: the only module that knows the backend (Oxigraph, through pyoxigraph).

OUTDIR holds `store/` (an on-disk Oxigraph store, one named graph per article), `graph.trig`
and `graph.ttl`. Readers take the store when present and fall back to the files.

Locking, as measured with pyoxigraph 0.5.13: a store opened for writing holds a POSIX lock
on `store/LOCK`; a second writer gets `OSError: ... LOCK: Resource temporarily unavailable`,
while a read-only open succeeds (Oxigraph calls reading beside a writer "undefined behavior").
We therefore refuse both and name the process that holds the lock (from `/proc/locks`).

The default graph of a store written here holds the union of all named graphs (as a set), and
queries run over that default graph. Oxigraph's own union mode (`use_default_graph_as_union`,
`--union-default-graph`) is a bag: a triple held by N article graphs is seen N times, so joins
over entity facts that every article repeats (labels, operatedBy, memberOf) multiply. Measured
here: `aircraft-by-operator` over 20k quads did not finish in minutes in union mode. Stores
without the materialized union (empty default graph) are still queried in union mode.

The named graph `id:graph/precomputed` (answers the build prepared for the slow library
queries, `kg.graph.precompute`) is never copied into the default graph: it is an index of
the union, not part of it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox
import rdflib
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.errors import QueryError, StoreError
from kg.graph.results import QueryResult
from kg.graph.terms import ox_quads, quads_of, to_ox, to_rdflib_term, to_result
from kg.iris import PRECOMPUTED_GRAPH

STORE_DIRNAME = "store"
TRIG_NAME = "graph.trig"
TTL_NAME = "graph.ttl"
_TMP_PREFIX = ".store-tmp-"
_OLD_PREFIX = ".store-old-"

RdfTerm = rdflib.URIRef | rdflib.BNode | rdflib.Literal
_PRECOMPUTED = ox.NamedNode(str(PRECOMPUTED_GRAPH))


class TrigChunk(Protocol):
    """Whole TriG graph blocks whose triples are one N-Triples line each, and those lines alone."""

    @property
    def trig(self) -> bytes: ...

    @property
    def union(self) -> bytes: ...


class GraphStore:
    """An open Oxigraph store; `query` runs SPARQL with the union of all graphs as default graph."""

    def __init__(self, store: ox.Store, path: Path, read_only: bool) -> None:
        self._store = store
        self.path = path
        self.read_only = read_only
        #: True when the default graph already holds the union of the named graphs (stores written here)
        self.materialized_union = (
            next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None
        )

    def __len__(self) -> int:
        return len(self._store)

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def query(self, sparql: str, bindings: Mapping[str, RdfTerm] | None = None) -> QueryResult:
        """Run one SPARQL query; `bindings` are substituted as RDF terms (SEP-0007), never as text."""
        substitutions = {ox.Variable(k): to_ox(v, {}) for k, v in (bindings or {}).items()}
        try:
            raw = self._store.query(
                sparql,
                use_default_graph_as_union=not self.materialized_union,
                substitutions=substitutions or None,
            )
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax {exc.args[0] if exc.args else exc}") from exc
        except RuntimeError as exc:
            raise QueryError(f"cannot run the query: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"error reading the store at {self.path}: {exc}") from exc
        try:
            return to_result(raw)
        except OSError as exc:
            raise StoreError(f"error reading the store at {self.path}: {exc}") from exc

    def close(self) -> None:
        """Release the store (and its lock when opened for writing)."""
        self._store = None  # type: ignore[assignment]
        gc.collect()

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------- writing


def write_store(dataset: rdflib.Dataset, store_dir: Path) -> Path:
    """Write every quad of `dataset` (named graphs kept) to a fresh Oxigraph store at `store_dir`.

    The store is built in a temporary directory beside `store_dir` and swapped in by renaming,
    so a failure (or a crash) leaves the previous store as it was.
    """

    def fill(store: ox.Store) -> None:
        for chunk in _chunks(ox_quads(quads_of(dataset)), WRITE_CHUNK_QUADS):
            store.bulk_extend(chunk)

    return _write_fresh(store_dir, fill)


def write_store_from_trig(chunks: Iterable[TrigChunk], store_dir: Path) -> Path:
    """Like `write_store`, from TriG chunks (`kg.build.trig.TrigWriter.chunks`).

    Oxigraph parses them itself, several times faster than building its terms one by one in
    Python, and each chunk's triple lines are loaded once more into the default graph as the
    union (Oxigraph keeps each triple once).
    """
    return commit_store(load_store_from_trig(chunks, store_dir), store_dir)


def load_store_from_trig(
    chunks: Iterable[TrigChunk], store_dir: Path, *, named: Callable[[GraphStore], bytes] | None = None
) -> Path:
    """The first half of `write_store_from_trig`: a new store beside `store_dir`, not yet swapped in.

    With `named`, once the chunks are in, `named` is called with the new store (its union
    complete) and returns N-Triples for the named graph `id:graph/precomputed` (left out of
    the union). The caller commits the store with `commit_store` (or deletes it): a build that
    loads the store in a thread keeps the last word on whether it replaces the old one.
    """

    def fill(store: ox.Store) -> None:
        for chunk in chunks:
            store.bulk_load(chunk.trig, ox.RdfFormat.TRIG)
            store.bulk_load(chunk.union, ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        if named is not None:
            answers = named(GraphStore(store, Path(store_dir), read_only=False))
            store.bulk_load(answers, ox.RdfFormat.N_TRIPLES, to_graph=_PRECOMPUTED)

    return _fill_fresh(store_dir, fill)


def _write_fresh(store_dir: Path, fill: Callable[[ox.Store], None]) -> Path:
    return commit_store(_fill_fresh(store_dir, fill), store_dir)


def _fill_fresh(store_dir: Path, fill: Callable[[ox.Store], None]) -> Path:
    store_dir = Path(store_dir)
    parent = store_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    _recover(store_dir)
    _refuse_if_locked(store_dir, "replace")
    _remove_stale(parent)
    tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=parent))
    try:
        store = ox.Store(str(tmp))
        try:
            fill(store)
            store.flush()
            store.optimize()
        finally:
            del store
            gc.collect()
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise StoreError(f"cannot write the store at {store_dir}: {exc}") from exc
        if isinstance(exc, SyntaxError):
            raise StoreError(f"cannot write the store at {store_dir}: bad RDF ({exc})") from exc
        raise
    return tmp


def commit_store(new: Path, store_dir: Path) -> Path:
    """Swap a store made by `load_store_from_trig` in at `store_dir` (the old one goes)."""
    try:
        _swap(new, Path(store_dir))
    except OSError as exc:
        shutil.rmtree(new, ignore_errors=True)
        raise StoreError(f"cannot write the store at {store_dir}: {exc}") from exc
    return Path(store_dir)


def discard_store(new: Path) -> None:
    """Delete a store made by `load_store_from_trig` that will not be committed."""
    shutil.rmtree(new, ignore_errors=True)


#: Quads per bulk load. One `bulk_extend` over the whole stream buffers about a million quads
#: per loader thread (2.4 GiB at 10,000 articles); bounded loads keep memory flat.
WRITE_CHUNK_QUADS = 250_000


def _chunks(quads: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    chunk: list[ox.Quad] = []
    for quad in quads:
        chunk.append(quad)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _swap(new: Path, target: Path) -> None:
    """Move `new` to `target`; an existing `target` is parked as `.store-old-*` until the end."""
    if not target.exists():
        os.replace(new, target)
        return
    old = Path(tempfile.mkdtemp(prefix=_OLD_PREFIX + target.name + "-", dir=target.parent))
    old.rmdir()
    os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def _recover(store_dir: Path) -> None:
    """After a crash between the two renames of `_swap`, put the parked old store back."""
    if store_dir.exists():
        return
    parked = sorted(store_dir.parent.glob(f"{_OLD_PREFIX}{store_dir.name}-*"), key=os.path.getmtime)
    if parked:
        os.replace(parked[-1], store_dir)


def _remove_stale(parent: Path) -> None:
    """Delete temporary stores left by an earlier crash (when no process holds them)."""
    for stale in parent.glob(_TMP_PREFIX + "*"):
        if _lock_holder(stale) is None:
            shutil.rmtree(stale, ignore_errors=True)


# ---------------------------------------------------------------- locks


def _lock_holder(store_dir: Path) -> int | None:
    """The pid of another process holding the write lock on `store_dir/LOCK`, if any (Linux)."""
    lock = store_dir / "LOCK"
    try:
        st = lock.stat()
        text = Path("/proc/locks").read_text()
    except OSError:
        return None
    dev = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    for line in text.splitlines():
        parts = line.split()
        # "1: POSIX  ADVISORY  WRITE 9461 fe:00:2147155 0 EOF" (blocked waiters start with "->")
        if len(parts) >= 6 and parts[1] != "->" and parts[5] == dev and parts[3] == "WRITE":
            with contextlib.suppress(ValueError):
                pid = int(parts[4])
                if pid != os.getpid():
                    return pid
    return None


def _refuse_if_locked(store_dir: Path, action: str) -> None:
    pid = _lock_holder(store_dir)
    if pid is not None:
        raise StoreError(
            f"cannot {action} the store at {store_dir}: process {pid} holds it open for writing "
            f"(a `kg serve --allow-update` or `oxigraph serve`?); stop that process and try again"
        )


# ---------------------------------------------------------------- opening and reading


def store_path(outdir: Path) -> Path:
    """`OUTDIR/store`, or OUTDIR itself when it is an Oxigraph store directory."""
    outdir = Path(outdir)
    if not (outdir / STORE_DIRNAME).exists() and (outdir / "CURRENT").is_file():
        return outdir
    return outdir / STORE_DIRNAME


def has_store(outdir: Path) -> bool:
    """Whether OUTDIR holds an Oxigraph store (it may still be locked or corrupt)."""
    path = store_path(outdir)
    _recover(path)
    return (path / "CURRENT").is_file()


def open_store(outdir: Path, *, read_only: bool = True) -> GraphStore:
    """Open the Oxigraph store of OUTDIR (or a store dir); StoreError when missing, locked or corrupt."""
    path = store_path(outdir)
    _recover(path)
    if not (path / "CURRENT").is_file():
        hint = "run `kg build ... -o OUTDIR` first"
        if path.exists():
            raise StoreError(f"{path} is not an Oxigraph store (no CURRENT file); {hint}")
        raise StoreError(f"no graph store at {path}; {hint}")
    _refuse_if_locked(path, "open")
    try:
        store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise StoreError(
                f"the store at {path} is locked by another writer ({text}); stop the process "
                "that holds it (a `kg serve --allow-update`?) and try again"
            ) from exc
        raise StoreError(f"cannot open the store at {path}: {text}") from exc
    except RuntimeError as exc:
        raise StoreError(
            f"the store at {path} is corrupt ({exc}); delete it and rebuild it with `kg build`, "
            f"or load {TRIG_NAME} again"
        ) from exc
    return GraphStore(store, path, read_only)


def require_store(outdir: Path, *, for_writing: bool = False) -> tuple[Path, bool]:
    """The store directory of OUTDIR for another program (the `oxigraph` server) to open, and
    whether that program must use union-default-graph mode (no materialized union in the store).

    StoreError when it is missing, held by a writer or corrupt; the store is opened briefly to check.
    """
    with open_store(outdir, read_only=not for_writing) as store:
        return store.path, not store.materialized_union


def read_dataset(outdir: Path, *, precomputed: bool = True) -> rdflib.Dataset:
    """All statements of OUTDIR with their named graphs: from the store, else graph.trig, else graph.ttl.

    Without `precomputed`, the named graph id:graph/precomputed is left out (for a dataset that
    will be changed, such as one with inferences, whose answers the build did not prepare).
    """
    outdir = Path(outdir)
    dataset = rdflib.Dataset()
    for s, p, o, g in _quads_from(outdir):
        if g == DATASET_DEFAULT_GRAPH_ID:
            dataset.default_graph.add((s, p, o))
        elif precomputed or g != PRECOMPUTED_GRAPH:
            dataset.add((s, p, o, g))
    return dataset


def read_union_graph(outdir: Path) -> rdflib.Graph:
    """The union of all graphs of OUTDIR as one rdflib Graph."""
    graph = rdflib.Graph()
    graph.addN((s, p, o, graph) for s, p, o, _ in _quads_from(Path(outdir), union=True))
    return graph


def _quads_from(outdir: Path, *, union: bool = False) -> Iterator[tuple[Any, Any, Any, Any]]:
    """OUTDIR's quads as rdflib terms; with `union`, the store's deduplicated union copy will do."""
    if has_store(outdir):
        with open_store(outdir) as gs:
            if union and gs.materialized_union:
                quads: Iterable[Any] = list(gs._store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
            else:
                quads = _without_union_copy(gs)
    else:
        source = next((outdir / n for n in (TRIG_NAME, TTL_NAME) if (outdir / n).is_file()), None)
        if source is None:
            raise StoreError(
                f"{outdir} holds no graph (looked for {STORE_DIRNAME}/, {TRIG_NAME} and {TTL_NAME}); "
                "run `kg build ... -o OUTDIR` first"
            )
        try:
            quads = list(ox.parse(path=str(source)))
        except (SyntaxError, OSError, ValueError) as exc:
            raise StoreError(
                f"cannot read {source}: {exc}; rebuild it with `kg build ARTICLES -o {outdir}`"
            ) from exc
        if union:
            quads = [q for q in quads if q.graph_name != _PRECOMPUTED]
    terms: dict[Any, Any] = {}  # IRIs and literals repeat: convert each once

    def convert(node: Any) -> Any:
        term = terms.get(node)
        if term is None:
            term = terms[node] = to_rdflib_term(node)
        return term

    for quad in quads:
        yield convert(quad.subject), convert(quad.predicate), convert(quad.object), convert(quad.graph_name)


def _without_union_copy(gs: GraphStore) -> list[Any]:
    """The store's quads minus the default-graph copy of the named graphs' triples."""
    named = [
        q
        for q in gs._store.quads_for_pattern(None, None, None)
        if not isinstance(q.graph_name, ox.DefaultGraph)
    ]
    default = list(gs._store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    if not gs.materialized_union:
        return named + default
    seen = {(q.subject, q.predicate, q.object) for q in named}
    return named + [q for q in default if (q.subject, q.predicate, q.object) not in seen]


def load_store(outdir: Path) -> GraphStore:
    """A store to query: OUTDIR's Oxigraph store, else an in-memory one loaded from graph.trig/ttl."""
    outdir = Path(outdir)
    if has_store(outdir):
        return open_store(outdir)
    source = next((outdir / n for n in (TRIG_NAME, TTL_NAME) if (outdir / n).is_file()), None)
    if source is None:
        raise StoreError(
            f"{outdir} holds no graph (looked for {STORE_DIRNAME}/, {TRIG_NAME} and {TTL_NAME}); "
            "run `kg build ... -o OUTDIR` first"
        )
    store = ox.Store()
    try:
        store.bulk_load(path=str(source))
    except (SyntaxError, OSError, ValueError) as exc:
        raise StoreError(f"cannot read {source}: {exc}") from exc
    store.update(
        f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{PRECOMPUTED_GRAPH}>) }}"
    )
    return GraphStore(store, source, read_only=False)


def memory_store(graph: rdflib.Graph) -> GraphStore:
    """An in-memory store holding `graph` (a Dataset keeps its named graphs); for tests and small graphs."""
    store = ox.Store()
    store.extend(list(ox_quads(quads_of(graph))))
    return GraphStore(store, Path(":memory:"), read_only=False)


def write_union_turtle(store: GraphStore, path: Path, prefixes: dict[str, str]) -> int:
    """Write the union of the store's graphs (its default-graph copy) as Turtle to `path`; return its size.

    Streams from Oxigraph, so graph.ttl of a large build never exists as an rdflib graph.
    The file appears by rename: readers see the old one or the new one, never half.
    """
    counted = store._store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # default graph only
    assert isinstance(counted, ox.QuerySolutions)
    size = int(next(iter(counted))[0].value)  # 20x faster than iterating the quads in Python
    tmp = path.with_name(f".{path.name}.tmp")
    store._store.dump(str(tmp), ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=prefixes)
    os.replace(tmp, path)
    return size


def union_memory_store(texts: Iterable[bytes]) -> GraphStore:
    """The union of N-Triples `texts` (a triple may come in several), in an in-memory store.

    For graphs small enough: graph.ttl and the SHACL check read it several times faster than
    the on-disk store, and it can be filled while that store loads.
    """
    store = ox.Store()
    for text in texts:
        store.bulk_load(text, ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    return GraphStore(store, Path(":memory:"), read_only=False)
