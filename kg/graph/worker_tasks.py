"""What a query worker (`kg.graph.worker`) does in its own process, one request at a time.

Takes the worker's target (OUTDIR's store, opened once) and a request tuple, and gives the
answer: ``("ping",)`` -> True; ``("result", sparql, params, source, allow_service)`` -> a
`QueryResult` (for `kg query`); ``("stream", sparql, accept)`` -> the results serialized in the format the
HTTP Accept header asks for, sent as frames while they are computed (for `kg serve`);
``("update", sparql)`` -> True; ``("store", method, graph, body, content_type, accept)`` ->
the SPARQL 1.1 Graph Store protocol on one graph. Errors are raised as `KgError`s.

Run as ``python -m kg.graph.worker_tasks FD OUTDIR read-only|writable asserted|infer`` it is the
worker process itself: it opens the store and answers requests on the connection FD until the
parent closes it.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from kg.errors import InputError, KgError, QueryError
from kg.graph.store import GraphStore

Send = Callable[[bytes], None]

#: What results are sent as when the Accept header names nothing we write.
DEFAULT_SOLUTIONS = ox.QueryResultsFormat.JSON
DEFAULT_GRAPH = ox.RdfFormat.TURTLE
_CHUNK = 64 * 1024


def open_target(outdir: Path, *, writable: bool, infer: bool) -> GraphStore:
    """OUTDIR's store (else its graph.trig/graph.ttl in memory), with RDFS inferences when `infer`."""
    from kg.graph.store import load_store, memory_store, open_store, read_dataset

    if infer:
        from kg.graph.infer import with_inferences

        return memory_store(with_inferences(read_dataset(outdir, precomputed=False)))  # answers not inferred
    if writable:
        return open_store(outdir, read_only=False)
    return load_store(outdir)


def run_task(target: GraphStore, request: tuple[Any, ...], send: Send) -> Any:
    """Answer one request (see the module docstring); None when the answer was streamed."""
    kind = request[0]
    if kind == "ping":
        return True
    if kind == "result":
        from kg.graph.query import parse_query_text, run_library_query

        _, sparql, params, source, allow_service = request
        query = parse_query_text(sparql, source)
        return run_library_query(target, query, params, allow_service=allow_service)
    if kind == "stream":
        _stream(target, request[1], request[2], send)
        return None
    if kind == "update":
        _update(target, request[1])
        return True
    if kind == "store":
        return _graph_store(target, *request[1:], send=send)
    raise QueryError(f"unknown worker request {kind!r}")


class _Frames:
    """A binary writer that sends what is written as `D` frames of about 64 KiB."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= _CHUNK:
            self.flush()
        return len(data)

    def io(self) -> IO[bytes]:
        """This writer as the binary file pyoxigraph's serializers take."""
        return cast(IO[bytes], self)

    def flush(self) -> None:
        if self.buffer:
            self.send(b"D" + bytes(self.buffer))
            self.buffer.clear()


def _raw(target: GraphStore) -> ox.Store:
    return target._store  # the worker owns this store: it runs pyoxigraph's serializers directly


def _query(target: GraphStore, sparql: str) -> Any:
    try:
        return _raw(target).query(sparql, use_default_graph_as_union=not target.materialized_union)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    except (RuntimeError, OSError, ValueError) as exc:
        raise QueryError(f"cannot run the query: {exc}") from exc


def _stream(target: GraphStore, sparql: str, accept: str, send: Send) -> None:
    result = _query(target, sparql)
    if isinstance(result, ox.QueryTriples):
        rdf_format = _pick(accept, ox.RdfFormat.from_media_type, DEFAULT_GRAPH)
        media_type = rdf_format.media_type
    else:
        results_format = _pick(accept, ox.QueryResultsFormat.from_media_type, DEFAULT_SOLUTIONS)
        media_type = results_format.media_type
    send(b"H" + media_type.encode("ascii"))
    frames = _Frames(send)
    try:
        if isinstance(result, ox.QueryTriples):
            result.serialize(frames.io(), format=rdf_format)
        else:
            result.serialize(frames.io(), format=results_format)
    except (RuntimeError, OSError, ValueError) as exc:  # evaluation errors surface while serializing
        raise QueryError(f"the query failed while its results were sent: {exc}") from exc
    frames.flush()


def _pick(accept: str, parse: Callable[[str], Any], default: Any) -> Any:
    """The first media type of an Accept header (by q value) that `parse` knows, else `default`."""
    ranked = []
    for position, item in enumerate(accept.split(",")):
        media, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, media.strip().lower()))
    for quality, _, media in sorted(ranked):
        if quality < 0:
            found = parse(media) if "*" not in media else None
            if found is not None:
                return found
    return default


def _update(target: GraphStore, sparql: str) -> None:
    try:
        _raw(target).update(sparql)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    except (RuntimeError, OSError, ValueError) as exc:
        raise QueryError(f"cannot run the update: {exc}") from exc


def _graph(name: str | None) -> Any:
    return ox.DefaultGraph() if name is None else ox.NamedNode(name)


def _graph_store(
    target: GraphStore,
    method: str,
    graph: str | None,
    body: bytes,
    content_type: str,
    accept: str,
    *,
    send: Send,
) -> Any:
    """The Graph Store protocol on `graph` (None: the default graph): GET, PUT, POST, DELETE."""
    store = _raw(target)
    named = _graph(graph)
    exists = graph is None or store.contains_named_graph(named)
    if method == "GET":
        if not exists:
            raise InputError(f"no graph {graph}")
        rdf_format = _pick(accept, ox.RdfFormat.from_media_type, DEFAULT_GRAPH)
        if rdf_format.supports_datasets:
            rdf_format = DEFAULT_GRAPH
        send(b"H" + rdf_format.media_type.encode("ascii"))
        frames = _Frames(send)
        store.dump(frames.io(), rdf_format, from_graph=named)
        frames.flush()

        return None
    if method == "DELETE":
        if not exists:
            raise InputError(f"no graph {graph}")
        store.clear_graph(named) if graph is None else store.remove_graph(named)
        return True
    rdf_format = ox.RdfFormat.from_media_type(content_type.split(";")[0].strip())
    if rdf_format is None or rdf_format.supports_datasets:
        sent = content_type or "no content type"
        raise InputError(f"cannot read a graph sent as {sent}; send Turtle or N-Triples")
    try:
        if method == "PUT" and exists:
            store.clear_graph(named)
        store.load(body, rdf_format, to_graph=named)
    except SyntaxError as exc:
        raise InputError(f"the graph sent is not valid {rdf_format.name}: {exc}") from exc
    return True


def serve_requests(conn: Connection, outdir: Path, *, writable: bool, infer: bool) -> None:
    """The worker process: open the store, then answer requests until the connection closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the parent, which stops us
    _die_with_parent()
    error: KgError | None = None
    target = None
    try:
        target = open_target(outdir, writable=writable, infer=infer)
    except BaseException as exc:
        error = portable(exc)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if target is None:
                raise error or QueryError("the query worker has no store open")
            result = run_task(target, request, conn.send_bytes)
            conn.send_bytes(b"E" if result is None else b"R" + pickle.dumps(result))
        except BaseException as exc:
            try:
                conn.send_bytes(b"X" + pickle.dumps(portable(exc)))
            except OSError:  # the parent is gone
                return


def _die_with_parent() -> None:
    """End this process soon after its parent ends, even by SIGKILL: no query runs on orphaned."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="kg-parent-watch", daemon=True).start()


def portable(exc: BaseException) -> KgError:
    """An error that pickles and that the CLI prints as one line."""
    if isinstance(exc, KgError):
        return exc
    return QueryError(f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":
    fd, where, mode, inferences = sys.argv[1:5]
    serve_requests(Connection(int(fd)), Path(where), writable=mode == "writable", infer=inferences == "infer")
