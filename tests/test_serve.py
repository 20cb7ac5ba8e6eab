"""`kg serve` as a real process: SPARQL protocol through SPARQLWrapper, read-only, errors, SIGINT."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from test_query import example_dataset

from kg.graph.store import write_store

pytestmark = pytest.mark.slow

KG = [str(Path(sys.executable).parent / "kg")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, proc: subprocess.Popen[str], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    out = tmp_path_factory.mktemp("serve")
    write_store(example_dataset(), out / "store")
    port = free_port()
    proc = subprocess.Popen(
        [*KG, "serve", "-g", str(out), "--port", str(port), "--timeout-s", "10"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_port(port, proc)
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line == f"SPARQL endpoint: http://127.0.0.1:{port}/query"
        yield f"http://127.0.0.1:{port}", proc
    finally:
        stop(proc)


def sparql(base: str):
    from SPARQLWrapper import SPARQLWrapper

    wrapper = SPARQLWrapper(base + "/query")
    wrapper.setTimeout(10)
    return wrapper


COUNT_INTERCEPTIONS = """
PREFIX pk: <https://w3id.org/posture-kg/ontology#>
SELECT (COUNT(DISTINCT ?e) AS ?n) ?g WHERE { GRAPH ?g { ?e a pk:Interception } } GROUP BY ?g ORDER BY ?g
"""


def test_serve_select_json_and_xml(server) -> None:
    from SPARQLWrapper import JSON, XML

    base, _ = server
    client = sparql(base)
    client.setQuery(COUNT_INTERCEPTIONS)
    client.setReturnFormat(JSON)
    doc = client.query().convert()
    counts = {b["g"]["value"].rsplit("/", 1)[1]: b["n"]["value"] for b in doc["results"]["bindings"]}
    assert counts == {"a1": "1", "a2": "1", "a3": "1"}
    client.setReturnFormat(XML)
    xml = client.query().convert()
    assert len(xml.getElementsByTagName("result")) == 3


def test_serve_union_default_graph(server) -> None:
    from SPARQLWrapper import JSON

    base, _ = server
    client = sparql(base)
    client.setQuery(
        "PREFIX pk: <https://w3id.org/posture-kg/ontology#> "
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a pk:Interception }"
    )
    client.setReturnFormat(JSON)
    assert client.query().convert()["results"]["bindings"][0]["n"]["value"] == "3"


def test_serve_ask(server) -> None:
    from SPARQLWrapper import JSON

    base, _ = server
    client = sparql(base)
    client.setQuery(
        "ASK { <https://w3id.org/posture-kg/id/aircraft/mig-31> "
        "<https://w3id.org/posture-kg/ontology#intercepted> ?x }"
    )
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


@pytest.mark.parametrize(("fmt", "parser"), [("turtle", "turtle"), ("n3", "nt"), ("rdf+xml", "xml")])
def test_serve_construct(server, fmt: str, parser: str) -> None:
    from SPARQLWrapper import N3, TURTLE, XML

    base, _ = server
    client = sparql(base)
    client.setQuery(
        "PREFIX pk: <https://w3id.org/posture-kg/ontology#> "
        "CONSTRUCT { ?a pk:intercepted ?b } WHERE { ?a pk:intercepted ?b }"
    )
    if fmt == "turtle":
        client.setReturnFormat(TURTLE)
    elif fmt == "n3":
        client.setReturnFormat(N3)
        client.addCustomHttpHeader("Accept", "application/n-triples")
    else:
        client.setReturnFormat(XML)
    raw = client.query().convert()
    if isinstance(raw, rdflib.Graph):
        graph = raw
    else:
        graph = rdflib.Graph().parse(data=raw.decode() if isinstance(raw, bytes) else raw, format=parser)
    assert len(graph) == 3


def test_serve_refuses_updates(server) -> None:
    base, _ = server
    request = urllib.request.Request(
        base + "/update",
        data=b"INSERT DATA { <http://x> <http://y> <http://z> }",
        headers={"Content-Type": "application/sparql-update"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    assert info.value.code in (403, 405)
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(base + "/query", updateEndpoint=base + "/update")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <http://x> <http://y> <http://z> }")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)):
        client.query()


def test_serve_malformed_query_is_400(server) -> None:
    base, _ = server
    url = base + "/query?" + urllib.parse.urlencode({"query": "SELECT ?s WHERE { ?s ?p }"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url, timeout=10)
    assert info.value.code == 400
    assert "1:" in info.value.read().decode()


def test_serve_web_page_is_local(server) -> None:
    base, _ = server
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        page = response.read().decode()
    assert "<textarea" in page and 'fetch("query"' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing loaded from elsewhere


def test_serve_stops_cleanly_on_sigint(tmp_path: Path) -> None:
    write_store(example_dataset(), tmp_path / "store")
    port = free_port()
    proc = subprocess.Popen(
        [*KG, "serve", "-g", str(tmp_path), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_port(port, proc)
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("SPARQL endpoint:")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert "stopped" in err
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        # the store is free again: a writer can open it
        from kg.graph.store import open_store

        with open_store(tmp_path, read_only=False) as store:
            assert len(store) > 0
    finally:
        stop(proc)


def test_serve_allow_update_and_lock(tmp_path: Path) -> None:
    write_store(example_dataset(), tmp_path / "store")
    port = free_port()
    proc = subprocess.Popen(
        [*KG, "serve", "-g", str(tmp_path), "--port", str(port), "--allow-update"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_port(port, proc)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/update",
            data=b"INSERT DATA { GRAPH <http://g> { <http://x> <http://y> <http://z> } }",
            headers={"Content-Type": "application/sparql-update"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status in (200, 204)
        from kg.cli import main
        from kg.errors import StoreError
        from kg.graph.store import open_store

        with pytest.raises(StoreError, match="holds it open for writing"):
            open_store(tmp_path)
        result = CliRunner().invoke(main, ["query", "-g", str(tmp_path), "ASK {}"])
        assert result.exit_code == 1
        assert "kg serve --allow-update" in result.output
    finally:
        stop(proc)
    assert proc.returncode == 0


def test_serve_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.cli import main

    result = CliRunner().invoke(main, ["serve", "-g", str(tmp_path)])
    assert result.exit_code == 1
    assert "no graph store" in result.output


def test_serve_port_in_use(tmp_path: Path) -> None:
    write_store(example_dataset(), tmp_path / "store")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = dict(os.environ)
        result = subprocess.run(
            [*KG, "serve", "-g", str(tmp_path), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
            env=env,
        )
    assert result.returncode == 1
    assert "port already in use" in result.stderr


# --- limits and SERVICE (issue 14, items 8 and 9) ------------------------------------------------

# Over the small example graph (about 200 triples) four patterns make 1.6e9 rows: hours of work.
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@contextlib.contextmanager
def serving(folder: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A `kg serve` of the example graph with `options`, stopped afterwards."""
    if not (folder / "store").exists():
        write_store(example_dataset(), folder / "store")
    port = free_port()
    proc = subprocess.Popen(
        [*KG, "serve", "-g", str(folder), "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_port(port, proc)
        assert proc.stdout is not None and proc.stdout.readline().startswith("SPARQL endpoint:")
        yield f"http://127.0.0.1:{port}", proc
    finally:
        stop(proc)


def get(url: str, query: str, timeout: float = 10) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url + "/query?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the query workers), MiB."""
    from kg.graph.worker import resident_mb

    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return resident_mb(pid) + sum(resident_mb(int(child)) for child in children)


def test_serve_refuses_service_and_sends_nothing(tmp_path: Path) -> None:
    from test_query_limits import Listener, service_query

    listener = Listener()
    try:
        with serving(tmp_path, "--allow-update") as (base, _):
            status, body = get(base, service_query(listener.port))
            assert status == 400 and b"SERVICE clauses are refused" in body and b"--allow-service" in body
            form = urllib.parse.urlencode({"query": service_query(listener.port)}).encode()
            request = urllib.request.Request(base + "/query", data=form, method="POST")
            with pytest.raises(urllib.error.HTTPError) as info:
                urllib.request.urlopen(request, timeout=10)
            assert info.value.code == 400
            target = f"<http://127.0.0.1:{listener.port}/>"
            update = f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE {target} {{ ?s ?p ?o }} }}"
            request = urllib.request.Request(
                base + "/update",
                data=update.encode(),
                headers={"Content-Type": "application/sparql-update"},
                method="POST",
            )
            with pytest.raises(urllib.error.HTTPError) as info:
                urllib.request.urlopen(request, timeout=10)
            assert info.value.code == 400
        time.sleep(0.5)
        assert listener.seen == []
    finally:
        listener.close()


def test_serve_allow_service_opts_in(tmp_path: Path) -> None:
    from test_query_limits import Listener, service_query

    listener = Listener()
    try:
        with serving(tmp_path, "--allow-service") as (base, _):
            status, _body = get(base, service_query(listener.port))
            assert status == 400  # the listener is no SPARQL endpoint, but it was asked
        assert any(b"POST /sparql" in request for request in listener.seen)
    finally:
        listener.close()


def test_serve_cartesian_query_is_stopped_while_other_clients_are_answered(tmp_path: Path) -> None:
    import threading

    with serving(tmp_path, "--timeout-s", "4", "--max-memory-mb", "400") as (base, proc):
        outcome: list[object] = []

        def runaway() -> None:
            try:
                outcome.append(get(base, CARTESIAN, timeout=60))
            except Exception as exc:  # a stream cut at the timeout is an error on the client side
                outcome.append(exc)

        thread = threading.Thread(target=runaway)
        thread.start()
        answered, peak = 0, 0.0
        while thread.is_alive():
            status, body = get(base, "ASK { ?s ?p ?o }", timeout=10)
            assert status == 200 and b"true" in body
            answered += 1
            peak = max(peak, tree_rss_mb(proc.pid))
            time.sleep(0.2)
        thread.join(timeout=60)
        assert answered >= 5  # the server kept answering while the runaway query ran
        (result,) = outcome  # an error: 503 before any row, or a response cut off at the timeout
        assert isinstance(result, Exception) or result[0] == 503, result
        assert peak < 400 + 2 * 250  # the runaway worker's cap, plus the server and the other worker
        status, _ = get(base, "ASK { ?s ?p ?o }")  # the killed worker was replaced
        assert status == 200


def test_serve_query_stopped_before_any_row_gets_503_naming_the_limit(tmp_path: Path) -> None:
    counting = CARTESIAN.replace("SELECT *", "SELECT (COUNT(*) AS ?n)")  # no row before it ends
    with serving(tmp_path, "--timeout-s", "2") as (base, _):
        started = time.monotonic()
        status, body = get(base, counting, timeout=60)
        assert status == 503 and b"stopped after 2 s" in body
        assert time.monotonic() - started < 30


def test_serve_answers_only_requests_addressed_to_it(server) -> None:
    base, _ = server
    port = base.rsplit(":", 1)[1]
    url = base + "/query?" + urllib.parse.urlencode({"query": "ASK {}"})
    for host, status in ((f"evil.example:{port}", 421), (f"localhost:{port}", 200)):
        request = urllib.request.Request(url, headers={"Host": host})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                got = response.status
        except urllib.error.HTTPError as exc:
            got = exc.code
        assert got == status, host


def test_serve_graph_store_takes_kg_push_with_allow_update(tmp_path: Path) -> None:
    from kg.cli import main

    source = tmp_path / "source"
    write_store(example_dataset(), source / "store")
    target = tmp_path / "target"
    write_store(rdflib.Dataset(), target / "store")
    with serving(target, "--allow-update") as (base, _):
        pushed = CliRunner().invoke(main, ["push", "-g", str(source), "--endpoint", base + "/store"])
        assert pushed.exit_code == 0, pushed.output
        status, body = get(base, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert status == 200 and b'"value":"3"' in body.replace(b" ", b"")
        a1 = urllib.parse.quote("https://w3id.org/posture-kg/id/graph/a1", safe="")
        request = urllib.request.Request(base + "/store?graph=" + a1)
        with urllib.request.urlopen(request, timeout=10) as response:
            graph = rdflib.Graph().parse(data=response.read().decode(), format="turtle")
        assert len(graph) > 0
    with serving(source) as (base, _):  # read-only: writes are refused
        request = urllib.request.Request(
            base + "/store?default",
            data=b"<urn:a> <urn:b> <urn:c> .",
            method="PUT",
            headers={"Content-Type": "application/n-triples"},
        )
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(request, timeout=10)
        assert info.value.code == 403
