"""`kg query` refuses SERVICE unless allowed, and stops a runaway query at its time limit or memory cap.

A SERVICE clause makes the engine fetch any URL it names. The tests point it at a listener on
loopback that records what reaches it: nothing may, unless --allow-service was given.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_query import example_dataset

from kg.cli import main
from kg.errors import QueryError
from kg.graph.query import run_query
from kg.graph.store import memory_store, write_store

pytestmark = pytest.mark.slow

# Over the small example graph (about 200 triples) four patterns make 1.6e9 rows: hours of work.
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("limits")
    write_store(example_dataset(), out / "store")
    return out


class Listener:
    """A TCP listener on 127.0.0.1 that records the first bytes of every connection, for 30 s at most."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.seen: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        deadline = time.monotonic() + 30
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.seen.append(conn.recv(4096))
                except OSError:
                    self.seen.append(b"")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    try:
        yield found
    finally:
        found.close()


def service_query(port: int) -> str:
    return f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"


def test_query_limits_service_refused_and_nothing_is_sent(outdir: Path, listener: Listener) -> None:
    result = CliRunner().invoke(main, ["query", "-g", str(outdir), service_query(listener.port)])
    assert result.exit_code == 1
    assert "SERVICE clauses are refused" in result.output and "--allow-service" in result.output
    time.sleep(0.5)
    assert listener.seen == []


def test_query_limits_service_refused_by_the_library_too(listener: Listener) -> None:
    with pytest.raises(QueryError, match="SERVICE"):
        run_query(memory_store(example_dataset()), service_query(listener.port))
    time.sleep(0.5)
    assert listener.seen == []


def test_query_limits_allow_service_opts_in(outdir: Path, listener: Listener) -> None:
    result = CliRunner().invoke(
        main, ["query", "-g", str(outdir), "--allow-service", service_query(listener.port)]
    )
    assert result.exit_code == 1  # the listener is no SPARQL endpoint
    assert any(b"POST /sparql" in request for request in listener.seen)


@pytest.mark.parametrize(
    ("sparql", "federates"),
    [
        ("select * where { service silent <http://x/> { ?s ?p ?o } }", True),
        ("SELECT * WHERE { ?a ?b ?c .SERVICE<http://x/>{?s ?p ?o} }", True),
        ("SELECT * WHERE { FILTER(?a<?b) SERVICE ?where { ?s ?p ?o } }", True),
        ("SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", True),  # escapes are decoded first
        ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }", True),
        ('SELECT ?service WHERE { ?service ?p "SERVICE" } # SERVICE', False),
        ("PREFIX ex: <http://e/> SELECT * WHERE { ex:service ex:SERVICE _:service }", False),
        ("PREFIX service: <http://e/> SELECT * WHERE { service:x ?p <http://e/SERVICE> }", False),
        ('SELECT * WHERE { ?s ?p """two\nSERVICE lines""" }', False),
    ],
)
def test_query_limits_service_is_found_as_the_parser_reads_it(sparql: str, federates: bool) -> None:
    from kg.graph.guard import has_service

    assert has_service(sparql) is federates


def test_query_limits_cartesian_query_stopped_at_the_timeout(outdir: Path) -> None:
    started = time.monotonic()
    result = CliRunner().invoke(main, ["query", "-g", str(outdir), "--timeout-s", "3", CARTESIAN])
    assert result.exit_code == 1
    assert "stopped after 3 s" in result.output and "LIMIT" in result.output
    assert time.monotonic() - started < 60  # a bound, not a benchmark: unstopped it runs for hours


def test_query_limits_cartesian_query_stopped_at_the_memory_cap(outdir: Path) -> None:
    result = CliRunner().invoke(
        main, ["query", "-g", str(outdir), "--timeout-s", "600", "--max-memory-mb", "300", CARTESIAN]
    )
    assert result.exit_code == 1
    assert "--max-memory-mb 300" in result.output


def test_query_limits_ordinary_queries_and_errors_unchanged(outdir: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["query", "-g", str(outdir), "--format", "csv", "ASK { ?s ?p ?o }"])
    assert ok.exit_code == 0 and "true" in ok.output
    bad = runner.invoke(main, ["query", "-g", str(outdir), "SELECT ?s WHERE { ?s ?p }"])
    assert bad.exit_code == 1 and "SPARQL syntax error" in bad.output and "line 1" in bad.output
