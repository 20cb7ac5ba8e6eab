"""Work in other processes on this machine: whole-article jobs (`kg build --workers N`) and the
build's background tasks (`Background`).

spaCy's own ``n_process`` parallelises only the NLP: every parsed Doc is serialised back to
the parent, which then runs extraction and linking for all of them alone. That caps two
processes at about 1.6x one (measured in bench/RESULTS.md). Here each worker runs the whole
per-article job (NLP, extraction, linking, and for a build the article's files:
`kg.build.prepare`) and returns a small record, so the parent only writes files.

Workers are forked from the parent after it has loaded its `Extractor`, so they share the
loaded pipeline instead of loading it again. At most two batches per worker are in flight,
which keeps memory bounded however many articles come in; batches shrink as the work runs
out (`batch_sizes`), so that the workers finish together.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from itertools import islice, repeat
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from kg.records import Article, ArticleResult, Skipped

if TYPE_CHECKING:
    from kg.extract.extractor import Extractor

__all__ = ["Background", "batch_sizes", "batches", "extract_in_processes", "map_in_processes"]

T = TypeVar("T")
#: One batch of articles -> one result per article, in order (run in a worker).
Job = Callable[[list[Article]], list[Any]]

# The job, set just before the pool forks its workers, which inherit it (it is never pickled).
_JOB: Job | None = None


def _start_worker() -> None:
    # Ctrl-C goes to the whole process group; the parent alone handles it and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()


def _die_with_parent() -> None:
    """Ask Linux to end this worker when the builder that forked it dies (killed outright, with no
    chance to stop its pool), instead of leaving it waiting for work forever."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the parent's `_stop` must do
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


_PR_SET_PDEATHSIG = 1


def _forked_pool(processes: int, context: multiprocessing.context.BaseContext) -> ProcessPoolExecutor:
    """A pool whose processes are forked now, with the parent's objects frozen for the fork.

    A frozen object is never visited by the children's garbage collector, so its memory page
    stays shared instead of being copied (Python's advice for fork without exec): in a parent
    holding a few million objects, the copying cost seconds.
    """
    gc.freeze()
    try:
        pool = ProcessPoolExecutor(processes, mp_context=context, initializer=_start_worker)
        pool.submit(int).result()  # a fork context starts every process at the first task
    finally:
        gc.unfreeze()
    return pool


def _run_job(batch: list[Article]) -> list[Any]:
    """Run in a worker: the inherited job on one batch."""
    if _JOB is None:  # only if the pool was not forked from a parent that set it
        raise RuntimeError("worker started without a job")
    return _JOB(batch)


def batches(articles: Iterable[Article], size: int | Iterable[int]) -> Iterator[list[Article]]:
    """Consecutive lists of `size` articles (or of each size in turn), read lazily."""
    sizes = repeat(size) if isinstance(size, int) else iter(size)
    it = iter(articles)
    for n in sizes:
        batch = list(islice(it, n))
        if not batch:
            return
        yield batch


#: The largest batch `batch_sizes` hands out.
LARGEST_BATCH = 32


def batch_sizes(total: int, workers: int, largest: int = LARGEST_BATCH) -> Iterator[int]:
    """Batch sizes for `total` articles over `workers`: a quarter of each worker's share of what is
    left, at most `largest`. Batches shrink as the work runs out, so no worker is left with a
    long last batch while the others wait (guided self-scheduling)."""
    left = total
    while True:
        size = max(1, min(largest, -(-left // (4 * max(workers, 1)))))
        yield size
        left = max(0, left - size)


def extract_in_processes(
    extractor: Extractor, articles: Iterable[Article], *, processes: int, batch_size: int = 16
) -> Iterator[ArticleResult | Skipped]:
    """`extractor.run` over `articles` in `processes` forked workers; results in input order."""
    job = partial(_extract_list, extractor, batch_size=batch_size)
    return map_in_processes(job, batches(articles, batch_size), processes=processes)


def _extract_list(
    extractor: Extractor, batch: list[Article], batch_size: int
) -> list[ArticleResult | Skipped]:
    return list(extractor.run(batch, batch_size=batch_size))


def map_in_processes(job: Job, work: Iterable[list[Article]], *, processes: int) -> Iterator[Any]:
    """`job` over each batch of `work` in `processes` forked workers; results in input order.

    A worker that dies (killed, out of memory) takes the batches in flight with it: their
    articles come back as `Skipped` with that reason, a fresh pool takes over, and the next
    `kg build` extracts them again.
    """
    global _JOB
    _JOB = job
    context = multiprocessing.get_context("fork")
    pending: deque[tuple[list[Article], Future[list[Any]]]] = deque()
    pool = _forked_pool(processes, context)
    try:
        for batch in work:
            pending.append((batch, pool.submit(_run_job, batch)))
            while len(pending) >= 2 * processes:
                results, pool = _collect(pending, pool, processes, context)
                yield from results
        while pending:
            results, pool = _collect(pending, pool, processes, context)
            yield from results
    finally:
        _stop(pool)
        _JOB = None


def _collect(
    pending: deque[tuple[list[Article], Future[list[Any]]]],
    pool: ProcessPoolExecutor,
    processes: int,
    context: multiprocessing.context.BaseContext,
) -> tuple[list[Any], ProcessPoolExecutor]:
    """The oldest batch's results; after a worker died, its batches as skipped and a new pool."""
    future = pending[0][1]
    try:
        results = future.result()
    except BrokenProcessPool as exc:
        lost = [article for batch, _ in pending for article in batch]
        pending.clear()
        _stop(pool)
        reason = f"a worker process died while extracting it ({exc}); run kg build again to retry"
        fresh = _forked_pool(processes, context)
        return [Skipped(a.path or a.doc_id, reason) for a in lost], fresh
    pending.popleft()
    return results, pool


def _stop(pool: ProcessPoolExecutor) -> None:
    """Shut the pool down at once: queued work is cancelled, running work is not waited for."""
    processes = list(getattr(pool, "_processes", {}).values())  # no public way to stop them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


# The task a forked `Background` process runs, set just before the fork (not pickled).
_TASK: Callable[[], Any] | None = None


def _run_task() -> Any:
    if _TASK is None:  # only if the process was not forked from a parent that set it
        raise RuntimeError("background process started without a task")
    return _TASK()


class Background(Generic[T]):
    """One task run beside the caller: inline (at once), in a thread, or in a forked process.

    A thread suits native work that releases the GIL (Oxigraph's loader); a forked process
    suits Python work, and shares the parent's memory as it was at the fork, so its input is
    never pickled (only its result comes back). `stop()` waits for a thread and terminates a
    process: call it in a `finally`, so an error or Ctrl-C in the caller leaves nothing running.
    """

    def __init__(self, task: Callable[[], T], mode: str = "inline") -> None:
        global _TASK
        self._value: T | None = None
        self._pool: ThreadPoolExecutor | ProcessPoolExecutor | None = None
        if mode == "inline":
            self._value = task()
            return
        if mode == "thread":
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="kg-background")
            self._future: Future[Any] = self._pool.submit(task)
        elif mode == "process":
            _TASK = task
            try:
                self._pool = _forked_pool(1, multiprocessing.get_context("fork"))
                self._future = self._pool.submit(_run_task)
            finally:
                _TASK = None
        else:
            raise ValueError(f"unknown mode {mode!r}: inline, thread or process")

    def done(self) -> bool:
        """Whether the task has finished (or was stopped)."""
        return self._pool is None or self._future.done()

    def result(self) -> T:
        """The task's value, once it is done (its exception, if it raised)."""
        if self._pool is None:
            return self._value  # type: ignore[return-value]
        value: T = self._future.result()
        self._value = value  # asked again, the same value
        self.stop()
        return value

    def stop(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if isinstance(pool, ThreadPoolExecutor):
            pool.shutdown(wait=True)  # a thread cannot be killed; it must not outlive its inputs
        else:
            _stop(pool)
