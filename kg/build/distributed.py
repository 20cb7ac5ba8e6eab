"""Article extraction on a Dask cluster (optional extra: ``pip install 'posture-kg[dask]'``).

spaCy's own ``n_process`` parallelises only the NLP: extraction and linking still run in the
parent process. Here the whole per-article work (NLP, extract, link) runs on Dask workers,
which may live on other machines. Each worker process loads one `Extractor` per model and
keeps it, because loading the pipeline costs seconds and a batch only milliseconds. Results
cross the wire as the plain dicts of `kg.build.cache.to_json`, the same form the build caches on disk.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from kg.build.cache import from_json, to_json
from kg.build.workers import batches
from kg.errors import KgError
from kg.records import Article, ArticleResult, Skipped

if TYPE_CHECKING:
    from kg.extract.extractor import Extractor

__all__ = ["CONNECT_TIMEOUT", "LOCAL", "extract_with_dask"]

#: The address that asks for a cluster on this machine, started and closed by the call.
LOCAL = "local"
#: Seconds to wait for a scheduler before giving up.
CONNECT_TIMEOUT = 5
#: Seconds to wait for a scheduler with no workers to get one.
WORKER_TIMEOUT = 30
#: Workers and threads of the local cluster (processes: spaCy holds the GIL).
LOCAL_WORKERS = 2
_INSTALL = "pip install 'posture-kg[dask]'"

# One Extractor per model and worker process, loaded by the first batch that needs it.
_EXTRACTORS: dict[str | None, Extractor] = {}
_LOCK = threading.Lock()


def _extractor(model: str | None) -> Extractor:
    """The worker's Extractor for `model`, loaded once (the lock keeps threaded workers to one load)."""
    with _LOCK:
        extractor = _EXTRACTORS.get(model)
        if extractor is None:
            from kg.extract.extractor import Extractor

            extractor = _EXTRACTORS[model] = Extractor(model)
        return extractor


def _skipped_to_json(skipped: Skipped) -> dict[str, Any]:
    return {"skipped": {"source": skipped.source, "reason": skipped.reason}}


def _from_wire(data: dict[str, Any]) -> ArticleResult | Skipped:
    if "skipped" in data:
        return Skipped(**data["skipped"])
    return from_json(data)


def extract_batch(
    articles: list[Article], model: str | None = None, batch_size: int = 32
) -> list[dict[str, Any]]:
    """Run on a worker: one batch of articles -> results as plain dicts, in input order."""
    return [
        _skipped_to_json(result) if isinstance(result, Skipped) else to_json(result)
        for result in _extractor(model).run(articles, batch_size=batch_size)
    ]


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise KgError(f"--dask needs dask.distributed, which is not installed: {_INSTALL}") from exc
    return distributed


def extract_with_dask(
    articles: Iterable[Article],
    address: str,
    *,
    model: str | None = None,
    batch_size: int = 32,
) -> Iterator[ArticleResult | Skipped]:
    """Extract `articles` on the Dask cluster at `address` ("tcp://host:8786" or "local").

    Results come back in input order. At most two batches per worker are in flight, so
    memory stays bounded however many articles the iterable yields. Workers need posture-kg
    and the spaCy model installed. Raises `KgError` when dask.distributed is missing or the
    scheduler cannot be reached within `CONNECT_TIMEOUT` seconds.
    """
    if batch_size < 1:
        raise KgError(f"batch_size must be at least 1, got {batch_size}")
    distributed = _import_distributed()
    cluster = None
    if address == LOCAL:
        cluster = distributed.LocalCluster(
            n_workers=LOCAL_WORKERS,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    try:
        client = _connect(distributed, cluster if cluster is not None else address)
        try:
            yield from _extract(client, articles, model, batch_size)
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


def _connect(distributed: Any, target: Any) -> Any:
    if isinstance(target, str):
        _probe(distributed, target)
    try:
        return distributed.Client(target, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise _unreachable(target, exc) from exc


def _probe(distributed: Any, address: str) -> None:
    """Open and close one connection first: a `Client` that fails to connect hangs at exit.

    The probe runs its own event loop in a helper thread, so it works when the caller's
    thread already runs one (notebooks).
    """

    async def probe() -> None:
        comm = await distributed.comm.connect(address, timeout=CONNECT_TIMEOUT)
        await comm.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            pool.submit(asyncio.run, probe()).result()
        except (OSError, TimeoutError, ValueError) as exc:
            raise _unreachable(address, exc) from exc


def _unreachable(address: Any, exc: Exception) -> KgError:
    return KgError(
        f"cannot reach the Dask scheduler at {address!r} ({exc}). Start one with `dask scheduler` "
        "and `dask worker tcp://HOST:8786`, pass its address as tcp://HOST:PORT, or use 'local'."
    )


def _extract(
    client: Any, articles: Iterable[Article], model: str | None, batch_size: int
) -> Iterator[ArticleResult | Skipped]:
    try:  # a scheduler without workers would leave every batch waiting forever
        client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
    except TimeoutError as exc:
        raise KgError(
            f"the Dask scheduler at {client.scheduler.address} has no workers after "
            f"{WORKER_TIMEOUT} s; start some with `dask worker {client.scheduler.address}`"
        ) from exc
    workers = len(client.scheduler_info().get("workers", {}))
    limit = 2 * max(workers, 1)
    pending: deque[Any] = deque()
    try:
        for batch in batches(articles, batch_size):
            pending.append(client.submit(extract_batch, batch, model, batch_size, pure=False))
            while len(pending) >= limit:
                yield from _collect(pending.popleft())
        while pending:
            yield from _collect(pending.popleft())
    finally:
        for future in pending:
            future.cancel()


def _collect(future: Any) -> Iterator[ArticleResult | Skipped]:
    try:
        data = future.result()
    except KgError:
        raise
    except Exception as exc:  # a worker died or lost its connection: say so plainly
        raise KgError(f"Dask extraction failed: {type(exc).__name__}: {exc}") from exc
    for item in data:
        yield _from_wire(item)
