"""`kg push` to a real Oxigraph server's Graph Store endpoint, checked through its own /query."""

from __future__ import annotations

import base64
import json
import subprocess
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from test_query import GRAPH, example_dataset
from test_serve import free_port, wait_port

from kg.build.doctor import find_oxigraph
from kg.cli.push import graph_url
from kg.graph.store import read_union_graph, write_store

pytestmark = pytest.mark.slow


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    write_store(example_dataset(), out / "store")
    return out


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[str]:
    """A read-write `oxigraph serve` on a free loopback port, with its own empty store."""
    port = free_port()
    proc = subprocess.Popen(
        [find_oxigraph(), "serve", "--location", str(tmp_path / "remote"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_port(port, proc)  # type: ignore[arg-type]
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def remote_count(base: str, pattern: str) -> dict[str, int]:
    query = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ {pattern} }} GROUP BY ?g"
    url = base + "/query?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        doc = json.load(response)
    return {b.get("g", {}).get("value", ""): int(b["n"]["value"]) for b in doc["results"]["bindings"]}


def local_counts() -> dict[str, int]:
    ds = example_dataset()
    return {str(g.identifier): len(g) for g in ds.graphs() if len(g) and str(g.identifier).startswith(GRAPH)}


def test_push_named_graphs(outdir: Path, oxigraph: str) -> None:
    from kg.cli import main

    result = CliRunner().invoke(main, ["push", "-g", str(outdir), "--endpoint", oxigraph + "/store"])
    assert result.exit_code == 0, result.output
    want = local_counts()
    assert remote_count(oxigraph, "GRAPH ?g { ?s ?p ?o }") == want
    for graph, count in want.items():
        assert f"{count:>8} triples  {graph}" in result.output
    assert "(default graph)" in result.output  # the class hierarchy lives in the default graph
    total = sum(want.values()) + 4
    assert f"{total:>8} triples in 4 graphs" in result.output
    # pushing again replaces (PUT): counts stay the same
    result = CliRunner().invoke(main, ["push", "-g", str(outdir), "--endpoint", oxigraph + "/store"])
    assert result.exit_code == 0, result.output
    assert remote_count(oxigraph, "GRAPH ?g { ?s ?p ?o }") == want
    # --append (POST) of the same triples adds nothing new to a set
    result = CliRunner().invoke(
        main, ["push", "-g", str(outdir), "--endpoint", oxigraph + "/store", "--append"]
    )
    assert result.exit_code == 0, result.output
    assert remote_count(oxigraph, "GRAPH ?g { ?s ?p ?o }") == want


def test_push_default_graph(outdir: Path, oxigraph: str) -> None:
    from kg.cli import main

    result = CliRunner().invoke(
        main, ["push", "-g", str(outdir), "--endpoint", oxigraph + "/store", "--default-graph"]
    )
    assert result.exit_code == 0, result.output
    union = len(read_union_graph(outdir))
    assert remote_count(oxigraph, "?s ?p ?o") == {"": union}
    assert remote_count(oxigraph, "GRAPH ?g { ?s ?p ?o }") == {}
    assert f"{union:>8} triples  (default graph)" in result.output


def test_push_connection_refused(outdir: Path) -> None:
    from kg.cli import main

    port = free_port()
    result = CliRunner().invoke(
        main, ["push", "-g", str(outdir), "--endpoint", f"http://127.0.0.1:{port}/store"]
    )
    assert result.exit_code == 1
    assert "connection refused" in result.output
    assert "Traceback" not in result.output


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str, str | None, int]]] = []
    status = 204

    def do_PUT(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        self.seen.append((self.command, self.path, self.headers.get("Authorization"), len(body)))
        self.send_response(self.status)
        self.send_header("Content-Type", "text/plain")
        payload = b"" if self.status < 400 else b"graph store says no: bad credentials " + b"x" * 2000
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, type[_Recorder]]]:
    handler = type("Handler", (_Recorder,), {"seen": [], "status": 204})
    httpd = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/ds/data", handler
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def test_push_basic_auth_and_http_errors(outdir: Path, recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.cli import main

    url, handler = recorder
    monkeypatch.setenv("KG_TEST_PASSWORD", "s3cret:x")
    args = [
        "push",
        "-g",
        str(outdir),
        "--endpoint",
        url,
        "--user",
        "admin",
        "--password-env",
        "KG_TEST_PASSWORD",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    expected = "Basic " + base64.b64encode(b"admin:s3cret:x").decode()
    assert {auth for _, _, auth, _ in handler.seen} == {expected}
    paths = {p for _, p, _, _ in handler.seen}
    assert "/ds/data?default" in paths
    assert "/ds/data?" + urllib.parse.urlencode({"graph": GRAPH + "a1"}) in paths
    handler.status = 401
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "HTTP 401" in result.output and "graph store says no" in result.output
    assert len(result.output) < 800  # an excerpt, not the whole body
    monkeypatch.delenv("KG_TEST_PASSWORD")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "KG_TEST_PASSWORD" in result.output and "not set" in result.output


def test_push_graph_url() -> None:
    assert graph_url("http://h/store", None) == "http://h/store?default"
    assert (
        graph_url("http://h/store", "https://w3id.org/x#y")
        == "http://h/store?graph=https%3A%2F%2Fw3id.org%2Fx%23y"
    )
    assert graph_url("http://h/ds?a=1", "urn:g") == "http://h/ds?a=1&graph=urn%3Ag"


def test_push_password_in_the_url_is_sent_as_basic_auth_and_never_shown(outdir: Path, recorder) -> None:
    from kg.cli import main

    url, handler = recorder
    secret = "pa:ss%40w0rd"  # percent-encoded "@" in the password, as URLs need it
    endpoint = url.replace("http://", f"http://admin:{secret}@")
    result = CliRunner().invoke(main, ["push", "-g", str(outdir), "--endpoint", endpoint])
    assert result.exit_code == 0, result.output
    assert {auth for _, _, auth, _ in handler.seen} == {
        "Basic " + base64.b64encode(b"admin:pa:ss@w0rd").decode()
    }
    assert "w0rd" not in result.output and "admin:***@127.0.0.1" in result.output

    handler.status = 401
    result = CliRunner().invoke(main, ["push", "-g", str(outdir), "--endpoint", endpoint])
    assert result.exit_code == 1 and "HTTP 401" in result.output
    assert "w0rd" not in result.output + repr(result.exception)


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://admin:s3cret@127.0.0.1:{port}/store",  # connection refused
        "ftp://admin:s3cret@127.0.0.1:{port}/store",  # not http
        "http://admin:s3cret@127.0.0.1:notaport/store",  # not a URL
    ],
)
def test_push_password_redacted_in_errors(outdir: Path, endpoint: str) -> None:
    from kg.cli import main

    result = CliRunner().invoke(
        main, ["push", "-g", str(outdir), "--endpoint", endpoint.format(port=free_port())]
    )
    assert result.exit_code in (1, 2), result.output
    assert "kg: error:" in result.output
    assert "s3cret" not in result.output + repr(result.exception)
