"""`kg serve`: a SPARQL endpoint over OUTDIR's store (`kg.graph.endpoint`), until Ctrl-C."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

import click

from kg.cli.common import graph_option, handle_errors, limit_options, warn

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _Interrupted(BaseException):
    """SIGINT or SIGTERM: a BaseException, so that the server's request handling does not swallow it."""


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise _Interrupted(signum)


@click.command("serve")
@graph_option("OUTDIR written by `kg build` (or a store directory).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535), help="Port to bind.")
@limit_options(
    30.0,
    timeout_help="Stop a request after this many seconds (its worker process is killed).",
    memory_help="Stop a request whose worker holds more memory than this (MiB).",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes answering queries at once (one with --allow-update).",
)
@click.option(
    "--allow-update", is_flag=True, help="Serve read-write: accept SPARQL Update and Graph Store writes."
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Run SERVICE clauses (federated queries: the server then fetches the URLs they name).",
)
@handle_errors
def serve_command(
    outdir: Path,
    host: str,
    port: int,
    timeout_s: float,
    max_memory_mb: int,
    workers: int,
    allow_update: bool,
    allow_service: bool,
) -> None:
    """Serve OUTDIR's store as a SPARQL 1.1 endpoint (http://HOST:PORT/query) until Ctrl-C.

    Read-only unless --allow-update; SERVICE refused unless --allow-service. Each request runs
    in a worker process stopped at --timeout-s or --max-memory-mb, so a runaway query never
    holds up other clients. The default graph is the union of all named graphs.
    """
    from kg.graph.endpoint import EndpointOptions, open_endpoint
    from kg.graph.store import require_store
    from kg.graph.worker import Limits

    require_store(outdir, for_writing=allow_update)  # missing, locked or corrupt: say so now
    if host not in LOOPBACK:
        warn(f"binding {host}: the endpoint is reachable from other machines and has no authentication")
    limits = Limits(timeout_s=timeout_s, max_memory_mb=max_memory_mb)
    options = EndpointOptions(limits, workers, allow_update=allow_update, allow_service=allow_service)
    previous = {sig: signal.signal(sig, _raise_interrupted) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        endpoint = open_endpoint(outdir, host, port, options)
        try:
            base = f"http://{f'[{host}]' if ':' in host else host}:{endpoint.server_address[1]}"
            click.echo(f"SPARQL endpoint: {base}/query")
            if allow_update:
                click.echo(f"SPARQL update:   {base}/update")
            click.echo(f"Graph store:     {base}/store")
            click.echo(f"query page: {base}/ (works offline); press Ctrl-C to stop", err=True)
            endpoint.serve_forever()
        finally:
            endpoint.server_close()
    except (_Interrupted, KeyboardInterrupt):
        click.echo("stopped", err=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


COMMANDS = [serve_command]
