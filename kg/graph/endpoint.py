"""A SPARQL 1.1 endpoint over OUTDIR's store, answered by worker processes that have limits.

Takes OUTDIR, an address and `EndpointOptions`; serves until closed:

    GET/POST /query   SPARQL 1.1 protocol (query= in the URL or a form, or an application/sparql-query
                      body); results as JSON, XML, CSV, TSV, graphs as Turtle, N-Triples, RDF/XML, ...
    POST /update      SPARQL Update (403 unless `allow_update`)
    GET /store        Graph Store protocol (?graph=IRI, ?default); PUT, POST, DELETE with `allow_update`
    GET /             a small query page that needs no network (kg/graph/assets/endpoint.html)

Every request runs in a worker process (`kg.graph.worker`) that is killed at the time limit or
memory cap; a pool of them answers several clients at once, so a query being stopped holds up
no one else. `SERVICE` is refused (400) unless `allow_service`. Requests must name this server
in their Host header when it listens on loopback (a page on another site that resolves its
name to 127.0.0.1 is turned away). With `allow_update`, one worker holds the store open for
writing and answers every request in turn.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

from kg.errors import InputError, KgError, QueryError, StoreError
from kg.graph.guard import REFUSED, has_service
from kg.graph.worker import Limits, QueryLimitError, Worker

#: Largest query or update body accepted, and largest graph a PUT/POST to /store may send.
MAX_QUERY_BYTES = 16 * 1024 * 1024
MAX_GRAPH_BYTES = 512 * 1024 * 1024
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_SPARQL_QUERY = "application/sparql-query"
_SPARQL_UPDATE = "application/sparql-update"
_FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class EndpointOptions:
    """Limits of each request, worker processes, and what the endpoint allows."""

    limits: Limits = field(default_factory=Limits)
    workers: int = 2
    allow_update: bool = False
    allow_service: bool = False


class Busy(KgError):
    """Every worker stayed busy for as long as the request could wait."""


class WorkerPool:
    """Up to `size` workers over one store; a worker that was killed is replaced on demand."""

    def __init__(self, outdir: Path, size: int, *, writable: bool) -> None:
        self.outdir = outdir
        self.size = 1 if writable else max(1, size)
        self.writable = writable
        self._idle: list[Worker] = []
        self._all: set[Worker] = set()  # idle and busy: all are stopped on close
        self._count = 0
        self._ready = threading.Condition()

    def start(self) -> None:
        """Start every worker now, so that a store that cannot be opened fails at start-up."""
        workers = [Worker(self.outdir, writable=self.writable) for _ in range(self.size)]
        try:
            for worker in workers:
                worker.start()
        except BaseException:
            for worker in workers:
                worker.kill()
            raise
        with self._ready:
            self._idle.extend(workers)
            self._all.update(workers)
            self._count = len(workers)

    @contextlib.contextmanager
    def worker(self, wait_s: float) -> Iterator[Worker]:
        """An idle worker (a new one when one was lost), given back afterwards unless it is broken."""
        worker = self._take(wait_s)
        try:
            yield worker
        finally:
            self._give_back(worker)

    def _take(self, wait_s: float) -> Worker:
        deadline = time.monotonic() + wait_s
        with self._ready:
            while not self._idle and self._count >= self.size:
                left = deadline - time.monotonic()
                if left <= 0 or not self._ready.wait(left):
                    raise Busy(f"all {self.size} query workers stayed busy for {wait_s:g} s; try again")
            if self._idle:
                return self._idle.pop()
            self._count += 1
        try:
            worker = Worker(self.outdir, writable=self.writable)
            with self._ready:
                self._all.add(worker)
            return worker.start()
        except BaseException:
            with self._ready:
                self._count -= 1
                self._ready.notify()
            raise

    def _give_back(self, worker: Worker) -> None:
        healthy = worker.alive and not worker.busy
        if not healthy:
            worker.kill()
        with self._ready:
            if healthy:
                self._idle.append(worker)
            else:
                self._count -= 1
                self._all.discard(worker)
            self._ready.notify()

    def close(self) -> None:
        """Stop every worker: idle ones politely, busy ones (a query still running) at once."""
        with self._ready:
            workers, self._idle, self._all = list(self._all), [], set()
        for worker in workers:
            if worker.busy:
                worker.kill()
            else:
                worker.close()


class Endpoint(ThreadingHTTPServer):
    """The HTTP server: one thread per connection, the work done in `pool`."""

    daemon_threads = True

    def __init__(self, outdir: Path, host: str, port: int, options: EndpointOptions) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.options = options
        self.pool = WorkerPool(outdir, options.workers, writable=options.allow_update)
        super().__init__((host, port), _Handler)  # closes the server again when it cannot bind
        self.page = (resources.files("kg.graph") / "assets" / "endpoint.html").read_bytes()
        #: Host headers answered on loopback (None: any, for an address the user chose to expose)
        self.hosts: set[str] | None = None
        if host in LOOPBACK:
            names = {"localhost", "127.0.0.1", "[::1]"}
            self.hosts = {f"{name}:{self.server_address[1]}" for name in names} | names

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up is no error of ours; anything else is printed as usual."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


def open_endpoint(outdir: Path, host: str, port: int, options: EndpointOptions) -> Endpoint:
    """Bind the address and start the workers; KgError naming the cause when either fails."""
    try:
        endpoint = Endpoint(outdir, host, port, options)
    except OSError as exc:
        raise KgError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} (port already in use? "
            "pick another with --port)"
        ) from exc
    try:
        endpoint.pool.start()
    except BaseException:
        endpoint.server_close()
        raise
    return endpoint


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Endpoint

    def log_message(self, format: str, *args: Any) -> None:  # one line per request is noise here
        pass

    # -- routing --------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._route("GET")

    def do_HEAD(self) -> None:
        self._route("HEAD")

    def do_POST(self) -> None:
        self._route("POST")

    def do_PUT(self) -> None:
        self._route("PUT")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def _route(self, method: str) -> None:
        self.close_connection = True
        url = urllib.parse.urlsplit(self.path)
        hosts = self.server.hosts
        if hosts is not None and (self.headers.get("Host") or "").lower() not in hosts:
            self._fail(421, "this server answers only requests addressed to it (check the Host header)")
        elif url.path == "/" and method in ("GET", "HEAD"):
            self._send(200, "text/html; charset=utf-8", self.server.page, head_only=method == "HEAD")
        elif url.path == "/query" and method in ("GET", "POST"):
            self._query(method, url.query)
        elif url.path == "/update":
            self._update(method)
        elif url.path == "/store":
            self._graph_store(method, url.query)
        else:
            self._fail(404, f"nothing at {url.path}; the SPARQL endpoint is /query")

    # -- the three services -----------------------------------------------------------------------

    def _query(self, method: str, query_string: str) -> None:
        params = urllib.parse.parse_qs(query_string)
        if method == "POST":
            body, kind = self._body(MAX_QUERY_BYTES)
            if body is None:
                return
            if kind == _FORM:
                params = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            elif kind == _SPARQL_QUERY:
                params["query"] = [body.decode("utf-8", "replace")]
        sparql = (params.get("query") or [""])[0]
        if not sparql.strip():
            self._fail(400, "no query: send query=... or an application/sparql-query body")
        elif not self._allowed(sparql):
            self._fail(400, REFUSED.replace("--allow-service", "kg serve --allow-service"))
        else:
            self._run(("stream", sparql, self.headers.get("Accept") or ""))

    def _update(self, method: str) -> None:
        if not self.server.options.allow_update:
            self._fail(403, "this endpoint is read-only; start kg serve with --allow-update to change it")
            return
        if method != "POST":
            self._fail(405, "SPARQL Update takes POST")
            return
        body, kind = self._body(MAX_QUERY_BYTES)
        if body is None:
            return
        text = body.decode("utf-8", "replace")
        sparql = (urllib.parse.parse_qs(text).get("update") or [""])[0] if kind == _FORM else text
        if kind not in (_FORM, _SPARQL_UPDATE) or not sparql.strip():
            self._fail(400, "send update=... as a form or an application/sparql-update body")
        elif not self._allowed(sparql):
            self._fail(400, REFUSED.replace("--allow-service", "kg serve --allow-service"))
        else:
            self._run(("update", sparql))

    def _graph_store(self, method: str, query_string: str) -> None:
        params = urllib.parse.parse_qs(query_string, keep_blank_values=True)
        graph: str | None = params["graph"][0] if params.get("graph") else None
        if graph is None and "default" not in params:
            self._fail(400, "name the graph: /store?graph=IRI or /store?default")
            return
        if method in ("GET", "HEAD"):
            self._run(("store", "GET", graph, b"", "", self.headers.get("Accept") or ""), method == "HEAD")
            return
        if not self.server.options.allow_update:
            self._fail(403, "this endpoint is read-only; start kg serve with --allow-update to change it")
            return
        body: bytes | None = b""
        if method in ("PUT", "POST"):
            body, _ = self._body(MAX_GRAPH_BYTES)
        if body is not None:
            self._run(("store", method, graph, body, self.headers.get("Content-Type") or "", ""))

    def _allowed(self, sparql: str) -> bool:
        return self.server.options.allow_service or not has_service(sparql)

    # -- running in a worker, and answering ----------------------------------------------------------

    def _run(self, request: tuple[Any, ...], head_only: bool = False) -> None:
        """Run `request` in a worker; stream what it sends, or answer 204 / an error.

        The status line goes out with the first chunk of data, so a query stopped before it
        produced any still gets its error status (503 at a limit); one stopped later is cut off
        without the closing chunk, which clients report as an incomplete response.
        """
        response = _Stream(self, head_only)
        limits = self.server.options.limits
        try:
            with self.server.pool.worker(wait_s=limits.timeout_s) as worker:
                worker.call(request, limits, response.head, response.data)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client left; its worker was stopped with the request
        except KgError as exc:
            if not response.started:
                self._fail(_status(exc), str(exc))
            return
        if response.content_type is None:
            self._send(204, "text/plain", b"")
        else:
            response.finish()

    def _body(self, limit: int) -> tuple[bytes | None, str]:
        """The request body and its media type, or (None, "") after answering 411/413."""
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError:
            self._fail(411, "send a Content-Length header")
            return None, ""
        if length > limit:
            self._fail(413, f"the request body is larger than {limit // (1024 * 1024)} MiB")
            return None, ""
        return self.rfile.read(length), kind

    def _fail(self, status: int, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    def _send(self, status: int, content_type: str, body: bytes, *, head_only: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if not head_only:
            self.wfile.write(body)


class _Stream:
    """A chunked 200 response whose status line waits for the first chunk of data."""

    def __init__(self, handler: _Handler, head_only: bool) -> None:
        self.handler = handler
        self.head_only = head_only
        self.content_type: str | None = None
        self.started = False

    def head(self, content_type: str) -> None:
        self.content_type = content_type

    def data(self, chunk: bytes) -> None:
        self._start()
        if not self.head_only:
            self.handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    def finish(self) -> None:
        self._start()
        if not self.head_only:
            self.handler.wfile.write(b"0\r\n\r\n")

    def _start(self) -> None:
        if self.started:
            return
        self.started = True
        handler = self.handler
        handler.send_response(200)
        handler.send_header("Content-Type", self.content_type or "application/octet-stream")
        if not self.head_only:
            handler.send_header("Transfer-Encoding", "chunked")
        handler.send_header("Connection", "close")
        handler.end_headers()


def _status(exc: KgError) -> int:
    """The HTTP status of an error: the client's (400, 404), a limit (503), or the store's (500)."""
    if isinstance(exc, (QueryLimitError, Busy)):
        return 503
    if isinstance(exc, InputError) and str(exc).startswith("no graph"):
        return 404
    if isinstance(exc, (QueryError, InputError)):
        return 400
    if isinstance(exc, StoreError):
        return 500
    return 500
