"""`kg serve`: a SPARQL endpoint over OUTDIR's store, by running the `oxigraph` server program."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import click

from kg.cli.common import graph_option, handle_errors, warn
from kg.errors import KgError

LOOPBACK = ("127.0.0.1", "localhost", "::1")
START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0
PAGE_NOTE = (
    "note: the web page at {base}/ (YASGUI) is served by Oxigraph itself and works offline, but its "
    "prefix and term autocompletion calls prefix.cc and lov.linkeddata.es, which fail without a network"
)


def find_oxigraph() -> str:
    """The `oxigraph` program from the PyPI package `oxigraph`: beside this Python, else on PATH."""
    name = "oxigraph.exe" if sys.platform == "win32" else "oxigraph"
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise KgError(
        "the `oxigraph` server program is not installed; install it with `pip install oxigraph` "
        "(the PyPI package `oxigraph`, not `pyoxigraph`) in this environment"
    )


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise KgError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc} (port already in use? "
                f"pick another with --port)"
            ) from exc


def _wait_listening(proc: subprocess.Popen[bytes], host: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise KgError(
                f"the oxigraph server stopped at start (exit code {proc.returncode}); its message is "
                f"above (a port already in use? try --port {port + 1})"
            )
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.1)
    raise KgError(f"the oxigraph server did not listen on {host}:{port} within {timeout:.0f} s")


def _stop(proc: subprocess.Popen[bytes]) -> int:
    """SIGINT, then SIGTERM, then SIGKILL, each with a timeout; returns the exit code."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        if proc.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(STOP_TIMEOUT_S)
    if proc.poll() is None:
        proc.kill()
        proc.wait(STOP_TIMEOUT_S)
    return proc.returncode


class _Interrupted(Exception):
    pass


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise _Interrupted(signum)


@click.command("serve")
@graph_option("OUTDIR written by `kg build` (or a store directory).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535), help="Port to bind.")
@click.option("--timeout-s", default=30, show_default=True, type=click.IntRange(1), help="Query timeout (s).")
@click.option(
    "--allow-update", is_flag=True, help="Serve read-write: accept SPARQL Update and Graph Store writes."
)
@handle_errors
def serve_command(outdir: Path, host: str, port: int, timeout_s: int, allow_update: bool) -> None:
    """Serve OUTDIR's store as a SPARQL 1.1 endpoint (http://HOST:PORT/query) until Ctrl-C.

    Read-only unless --allow-update. The default graph is the union of all named graphs.
    """
    from kg.graph.store import require_store

    exe = find_oxigraph()
    location, union_mode = require_store(outdir, for_writing=allow_update)
    if host not in LOOPBACK:
        warn(f"binding {host}: the endpoint is reachable from other machines and has no authentication")
    mode = "serve" if allow_update else "serve-read-only"
    cmd = [
        exe,
        mode,
        "--location",
        str(location),
        "--bind",
        f"{host}:{port}",
        "--timeout-s",
        str(timeout_s),
    ]
    if union_mode:  # a store without the union copied into its default graph (not written by kg)
        cmd.append("--union-default-graph")
    display_host = f"[{host}]" if ":" in host else host
    base = f"http://{display_host}:{port}"
    _check_port_free(host, port)
    env = {**os.environ, "RUST_BACKTRACE": "0", "RUST_LIB_BACKTRACE": "0"}
    previous = {sig: signal.signal(sig, _raise_interrupted) for sig in (signal.SIGINT, signal.SIGTERM)}
    proc: subprocess.Popen[bytes] | None = None
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env)
        _wait_listening(
            proc,
            "::1" if host == "::1" else ("127.0.0.1" if host in ("0.0.0.0", "localhost") else host),
            port,
            START_TIMEOUT_S,
        )
        click.echo(f"SPARQL endpoint: {base}/query")
        if allow_update:
            click.echo(f"SPARQL update:   {base}/update")
            click.echo(f"Graph store:     {base}/store")
        click.echo(PAGE_NOTE.format(base=base), err=True)
        click.echo("press Ctrl-C to stop", err=True)
        code = proc.wait()
        if code != 0:
            raise KgError(f"the oxigraph server stopped with exit code {code}")
    except (_Interrupted, KeyboardInterrupt):
        if proc is not None:
            _stop(proc)
        click.echo("stopped", err=True)
    finally:
        if proc is not None and proc.poll() is None:
            _stop(proc)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


COMMANDS = [serve_command]
