"""SPARQL in a worker process that is stopped at its time limit or its memory cap.

Oxigraph cannot cancel a running query, and a cartesian product (`?a ?b ?c . ?d ?e ?f`)
runs at full speed while its memory grows. So queries run in a child process (a fresh Python,
`python -m kg.graph.worker_tasks`, safe beside the threads of a server and whatever the main
module is) that holds OUTDIR's store open; the parent
waits, watching the clock and the child's resident memory, and past either limit kills the
child (SIGKILL) and raises `QueryLimitError`. Memory stays bounded by the cap whatever the
query, and the caller starts another worker for the next request.

The parent sends a request (a tuple, see `kg.graph.worker_tasks`); the child answers with
frames: `R` a pickled return value, `H` a content type then `D` data chunks and `E` the end
(a streamed response), or `X` a pickled `KgError`.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.errors import KgError, QueryError

#: Seconds between two looks at the clock and the worker's memory.
WATCH_S = 0.05
#: Seconds a new worker has to open the store.
START_TIMEOUT_S = 120.0
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Limits:
    """How long one request may run and how much memory its worker may hold (MiB)."""

    timeout_s: float = 60.0
    max_memory_mb: int = 2048


class QueryLimitError(QueryError):
    """A query stopped at its time limit or memory cap (its worker was killed)."""


class Worker:
    """One child process with OUTDIR's store open (read-only unless `writable`, with RDFS
    inferences added when `infer`), answering one request at a time."""

    def __init__(self, outdir: Path, *, writable: bool = False, infer: bool = False) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            mode = ["writable" if writable else "read-only", "infer" if infer else "asserted"]
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kg.graph.worker_tasks", str(theirs.fileno()), str(outdir), *mode],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
        self._conn = Connection(ours.detach())
        self._started = False
        #: True from sending a request until its answer is in: a worker left busy must be killed.
        self.busy = False

    def start(self, timeout_s: float = START_TIMEOUT_S) -> Worker:
        """Wait until the store is open; raises the child's error (e.g. StoreError) otherwise."""
        if not self._started:
            self.call(("ping",), Limits(timeout_s=timeout_s, max_memory_mb=1 << 20))
            self._started = True
        return self

    def call(
        self,
        request: tuple[Any, ...],
        limits: Limits,
        on_head: Callable[[str], None] | None = None,
        on_data: Callable[[bytes], None] | None = None,
    ) -> Any:
        """Send one request and wait for its answer within `limits`; streamed data goes to the callbacks."""
        if not self._started and request[0] != "ping":
            self.start()
        self.busy = True
        self._conn.send(request)
        deadline = time.monotonic() + limits.timeout_s
        while True:
            if self._conn.poll(WATCH_S):
                try:
                    frame = self._conn.recv_bytes()
                except EOFError:
                    raise self._died() from None
                kind, body = frame[:1], frame[1:]
                if kind in (b"R", b"X", b"E"):
                    self.busy = False
                if kind == b"R":
                    return pickle.loads(body)
                if kind == b"X":
                    raise pickle.loads(body)
                if kind == b"H" and on_head is not None:
                    on_head(body.decode("ascii"))
                elif kind == b"D" and on_data is not None:
                    on_data(body)
                elif kind == b"E":
                    return None
            self._watch(deadline, limits)

    def _watch(self, deadline: float, limits: Limits) -> None:
        if self.process.poll() is not None:
            raise self._died()
        if time.monotonic() > deadline:
            self.kill()
            raise QueryLimitError(
                f"the query was stopped after {limits.timeout_s:g} s (the time limit, --timeout-s); "
                "add a LIMIT, narrow its patterns, or allow it more time"
            )
        rss = resident_mb(self.process.pid)
        if rss > limits.max_memory_mb:
            self.kill()
            raise QueryLimitError(
                f"the query was stopped when it held {rss:.0f} MiB (the memory cap, --max-memory-mb "
                f"{limits.max_memory_mb}); add a LIMIT or narrow its patterns"
            )

    def _died(self) -> KgError:
        self.kill()
        return QueryLimitError(
            f"the query worker ended unexpectedly (exit code {self.process.returncode}); the query may "
            "need more memory than the machine has: add a LIMIT or narrow its patterns"
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """Stop the child at once (a running query cannot be cancelled otherwise)."""
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)
        with contextlib.suppress(OSError):
            self._conn.close()

    def close(self) -> None:
        """Stop the child, politely if it is idle (it ends when its pipe closes)."""
        with contextlib.suppress(OSError):
            self._conn.close()
        try:
            self.process.wait(2)
        except subprocess.TimeoutExpired:
            self.kill()


def resident_mb(pid: int | None) -> float:
    """Resident memory of a process in MiB (Linux /proc; 0 where it cannot be read)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * _PAGE / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return 0.0


def run_query_in_worker(
    outdir: Path,
    sparql: str,
    params: dict[str, str],
    *,
    source: str,
    infer: bool,
    limits: Limits,
    allow_service: bool = False,
) -> Any:
    """One query over OUTDIR (its store, else graph.trig or graph.ttl) in a worker of its own:
    the `QueryResult`, or the QueryError / StoreError / QueryLimitError it ended with."""
    worker = Worker(outdir, infer=infer)
    try:
        worker.start(timeout_s=max(limits.timeout_s, START_TIMEOUT_S) if infer else START_TIMEOUT_S)
        return worker.call(("result", sparql, params, source, allow_service), limits)
    finally:
        worker.close()
