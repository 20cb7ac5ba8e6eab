"""The new store, filled in a thread while articles are still being extracted.

Takes each prepared article's statements as the builder receives them, and at assembly the
rest (event nodes, the derived graph, as assembly writes them); gives the new store beside the
old one (`kg.graph.store.load_store_from_trig`, committed or discarded by the caller), and,
while the union stays under `memory_max_lines` lines, the same union in an in-memory store for
graph.ttl, the SHACL check and the precomputed answers.

With workers (or Dask) doing the extraction, the builder's own process is mostly idle until
the last article comes back; loading the statements meanwhile leaves assembly little more than
the event nodes and the checks to do. The queue between the builder and the loading thread is
bounded, so a slow disk slows the builder down instead of filling its memory.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pyoxigraph as ox

from kg.build.trig import MAX_LINES, Chunk, split_lines
from kg.build.workers import Background
from kg.errors import KgError
from kg.graph.store import GraphStore, discard_store, load_store_from_trig

__all__ = ["StoreFeed"]

#: Lines per chunk the feed loads. Each load into the growing store makes RocksDB compact in the
#: background: at 1,000 articles, chunks of 10,000 lines cost 13 s of compaction against 6 s for
#: chunks of 50,000, and took that time from the workers (bench/RESULTS.md).
CHUNK_LINES = MAX_LINES


class StoreFeed:
    """Named graphs streamed into a new store at `store_dir` by a thread of this process."""

    def __init__(self, store_dir: Path, *, memory_max_lines: int) -> None:
        self.store_dir = store_dir
        self.memory_max_lines = memory_max_lines
        self.stored: set[str] = set()  # graphs whose statements were added (their event nodes come later)
        self.answers: Future[bytes] = Future()  # the precomputed answers, for the named graph
        self.cancel = threading.Event()
        self._queue: queue.Queue[Chunk | None] = queue.Queue(maxsize=4)
        self._pending: list[tuple[str, bytes]] = []
        self._pending_lines = 0
        self._memory: ox.Store | None = ox.Store()
        self._memory_lines = 0
        self._consumed = threading.Event()  # every chunk is in (the disk store and the memory union)
        self._loading: Background[Path] | None = None
        self._taken = False
        self._closed = False

    # ------------------------------------------------------------ the builder's side

    def add_article(self, graph: str, lines: bytes) -> None:
        """The statements of an article's `graph` as it comes back from extraction (`stored`)."""
        if graph in self.stored:  # the readers give every article its own id; refuse to load one twice
            raise KgError(f"{graph} was prepared twice in one build; run kg build again")
        self.stored.add(graph)
        self.add(graph, lines)

    def add(self, graph: str, lines: bytes) -> None:
        """N-Triples `lines` of `graph`, sent on in chunks of about `CHUNK_LINES` lines."""
        for piece in split_lines(lines, CHUNK_LINES):
            self._pending.append((graph, piece))
            self._pending_lines += piece.count(b"\n")
            if self._pending_lines >= CHUNK_LINES:
                self._send_pending()

    def close(self) -> None:
        """No more chunks: the thread finishes the store once the answers are set (`answers`)."""
        self._send_pending()
        self._closed = True
        self._send(None)

    def union(self) -> GraphStore | None:
        """The union in memory once every chunk is in; None when it grew too large to keep."""
        self._start()
        while not self._consumed.wait(timeout=0.2):
            if self._loading is not None and self._loading.done():
                self._loading.result()  # the thread failed: raise its error here
        return None if self._memory is None else GraphStore(self._memory, Path(":memory:"), read_only=False)

    def result(self) -> Path:
        """The new store, complete (the caller commits or discards it)."""
        self._start()
        if self._loading is None:
            raise KgError("the store feed never started")
        path = self._loading.result()
        self._taken = True
        return path

    def stop(self) -> None:
        """End the thread (at its next chunk, or where it waits) and delete a store nobody took."""
        self.cancel.set()
        if not self.answers.done():
            self.answers.set_exception(KgError("build stopped: the store was not replaced"))
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)
        if self._loading is None:
            return
        with contextlib.suppress(BaseException):  # its error was raised where it mattered
            path = self._loading.result()
            if not self._taken:
                discard_store(path)
        self._loading.stop()

    def _send_pending(self) -> None:
        if not self._pending:
            return
        trig = b"".join(f"<{graph}> {{\n".encode() + lines + b"}\n" for graph, lines in self._pending)
        union = b"".join(lines for _, lines in self._pending)
        chunk = Chunk(trig, union, self._pending_lines)
        self._pending, self._pending_lines = [], 0
        self._send(chunk)

    def _send(self, chunk: Chunk | None) -> None:
        self._start()
        while not self.cancel.is_set():
            with contextlib.suppress(queue.Full):
                self._queue.put(chunk, timeout=0.2)
                return
            if self._loading is not None and self._loading.done():
                self._loading.result()  # the thread failed: raise its error here
                return

    def _start(self) -> None:
        """The loading thread, started with the first chunk (after the worker processes are
        forked: a fork copies no thread, and a thread caught holding a lock would hang the copy)."""
        if self._loading is None:
            load = lambda: load_store_from_trig(self._chunks(), self.store_dir, named=self._named)  # noqa: E731
            self._loading = Background(load, "thread")

    # ------------------------------------------------------------ the thread's side

    def _chunks(self) -> Iterator[Chunk]:
        try:
            while True:
                chunk = self._next()
                if chunk is None:
                    return
                self._into_memory(chunk)
                yield chunk
        finally:
            self._consumed.set()

    def _next(self) -> Chunk | None:
        while True:
            if self.cancel.is_set():
                raise KgError("build stopped: the store was not replaced")
            with contextlib.suppress(queue.Empty):
                return self._queue.get(timeout=0.2)

    def _into_memory(self, chunk: Chunk) -> None:
        if self._memory is None:
            return
        self._memory_lines += chunk.lines
        if self._memory_lines > self.memory_max_lines:
            self._memory = None  # too large to hold twice: the checks read the new store instead
            return
        self._memory.bulk_load(chunk.union, ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())

    def _named(self, store: GraphStore) -> bytes:
        """Called by the loader once every chunk is in: the answers from the builder when it has the
        union in memory, else computed here, on the new store's union."""
        if self._memory is None and not self.answers.done():
            from kg.graph.precompute import precomputed_ntriples

            self.answers.set_result(precomputed_ntriples(store))
        return self.answers.result()
