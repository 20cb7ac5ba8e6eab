"""`kg push`: send OUTDIR's graph to a SPARQL 1.1 Graph Store HTTP Protocol endpoint.

Each named graph goes to `ENDPOINT?graph=IRI` (statements of the default graph, if any, to
`ENDPOINT?default`); with `--default-graph` the union of everything goes to `ENDPOINT?default`.
PUT (the default) replaces the target graph, so pushing twice gives the same result; `--append`
uses POST, which adds to it. Bodies are N-Triples. Only the standard library is used.

A password in the endpoint URL (`http://user:secret@host/store`) is sent as HTTP basic
authentication and never shown: every message names the URL with the password as `***`.
"""

from __future__ import annotations

import base64
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import rdflib
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.cli.common import graph_option, handle_errors
from kg.errors import InputError, KgError

NTRIPLES = "application/n-triples"
EXCERPT_CHARS = 300


@dataclass(frozen=True)
class Push:
    """One request: the target graph IRI (None = default graph), its triples and the URL."""

    graph: str | None
    triples: int
    url: str


def redact_url(url: str) -> str:
    """`url` with the password of its user part (if any) shown as `***`."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def split_credentials(endpoint: str) -> tuple[str, str | None]:
    """(the endpoint without its user part, a basic-auth header from that user part or None)."""
    parts = urllib.parse.urlsplit(endpoint)
    if "@" not in parts.netloc:
        return endpoint, None
    host = parts.netloc.rpartition("@")[2]
    user = urllib.parse.unquote(parts.username or "")
    password = urllib.parse.unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return urllib.parse.urlunsplit(parts._replace(netloc=host)), f"Basic {token}"


def graph_url(endpoint: str, graph: str | None) -> str:
    """`endpoint?graph=IRI` (encoded) or `endpoint?default`, keeping any query the endpoint has."""
    parts = urllib.parse.urlsplit(endpoint)
    extra = "default" if graph is None else urllib.parse.urlencode({"graph": graph})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _graphs(outdir: Path, default_only: bool) -> Iterator[tuple[str | None, rdflib.Graph]]:
    from kg.graph.store import read_dataset, read_union_graph

    if default_only:
        yield None, read_union_graph(outdir)
        return
    dataset = read_dataset(outdir)
    graphs = sorted(dataset.graphs(), key=lambda g: str(g.identifier))
    for graph in graphs:
        if len(graph) == 0:
            continue
        gid = graph.identifier
        yield (None if gid == DATASET_DEFAULT_GRAPH_ID else str(gid)), graph


def _send(url: str, body: bytes, method: str, auth: str | None, timeout: float) -> None:
    headers = {"Content-Type": NTRIPLES, "User-Agent": "posture-kg"}
    if auth:
        headers["Authorization"] = auth
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read(EXCERPT_CHARS * 4).decode("utf-8", "replace").strip()
        detail = " ".join(detail.split())[:EXCERPT_CHARS]
        hint = " (check --user and --password-env)" if exc.code in (401, 403) else ""
        raise KgError(
            f"{method} {url} failed: HTTP {exc.code} {exc.reason}{hint}: {detail or '(no body)'}"
        ) from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError):
            text = "connection refused (is the server running on that host and port?)"
        elif isinstance(reason, socket.gaierror):
            text = f"unknown host ({reason})"
        else:
            text = str(reason)
        raise KgError(f"cannot reach {url}: {text}") from exc
    except TimeoutError as exc:
        raise KgError(f"{method} {url} timed out after {timeout:.0f} s") from exc
    except OSError as exc:
        raise KgError(f"{method} {url} failed: {exc}") from exc


def _auth_header(user: str | None, password_env: str | None) -> str | None:
    if user is None and password_env is None:
        return None
    if user is None or password_env is None:
        raise InputError("basic authentication needs both --user NAME and --password-env VAR")
    password = os.environ.get(password_env)
    if password is None:
        raise InputError(f"environment variable {password_env} (named by --password-env) is not set")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def push_graphs(
    outdir: Path,
    endpoint: str,
    *,
    default_graph: bool = False,
    append: bool = False,
    auth: str | None = None,
    timeout: float = 60.0,
) -> Iterator[Push]:
    """Send each graph of OUTDIR; yields one `Push` per graph after it was accepted.

    A user part in `endpoint` is sent as basic authentication unless `auth` is given.
    """
    try:
        parts = urllib.parse.urlsplit(endpoint)
        scheme, _ = parts.scheme, parts.port  # .port raises for a port that is not a number
        endpoint, url_auth = split_credentials(endpoint)
    except ValueError as exc:  # e.g. a port that is not a number
        raise InputError(f"--endpoint {redact_url_safely(endpoint)}: not a URL ({exc})") from None
    if scheme not in ("http", "https"):
        raise InputError(
            f"--endpoint {redact_url_safely(endpoint)!r}: expected an http(s) URL such as "
            "http://127.0.0.1:7878/store"
        )
    method = "POST" if append else "PUT"
    for graph, content in _graphs(outdir, default_graph):
        body = content.serialize(format="nt", encoding="utf-8")
        url = graph_url(endpoint, graph)
        _send(url, body, method, auth or url_auth, timeout)
        yield Push(graph, len(content), url)


def redact_url_safely(url: str) -> str:
    """`redact_url`, and for text that is no URL at all, everything between `://` and `@` hidden."""
    try:
        return redact_url(url)
    except ValueError:
        scheme, sep, rest = url.partition("://")
        return f"{scheme}{sep}***@{rest.rpartition('@')[2]}" if "@" in rest else url


@click.command("push")
@graph_option("OUTDIR written by `kg build`.")
@click.option("--endpoint", required=True, help="Graph Store endpoint, e.g. http://127.0.0.1:7878/store.")
@click.option("--default-graph", is_flag=True, help="Send the union of all graphs to the default graph.")
@click.option("--append", is_flag=True, help="POST (add to the graphs) instead of PUT (replace them).")
@click.option("--user", help="User name for HTTP basic authentication.")
@click.option("--password-env", metavar="VAR", help="Environment variable holding the password.")
@click.option(
    "--timeout-s", default=60.0, show_default=True, type=click.FloatRange(min=1), help="Per request."
)
@handle_errors
def push_command(
    outdir: Path,
    endpoint: str,
    default_graph: bool,
    append: bool,
    user: str | None,
    password_env: str | None,
    timeout_s: float,
) -> None:
    """Push the graph to a SPARQL 1.1 Graph Store endpoint, one request per named graph."""
    auth = _auth_header(user, password_env)
    total = graphs = 0
    for push in push_graphs(
        outdir, endpoint, default_graph=default_graph, append=append, auth=auth, timeout=timeout_s
    ):
        graphs += 1
        total += push.triples
        click.echo(f"{push.triples:>8} triples  {push.graph or '(default graph)'}")
    where = redact_url_safely(endpoint)
    click.echo(f"{total:>8} triples in {graphs} graph{'s' if graphs != 1 else ''} sent to {where}")


COMMANDS = [push_command]
