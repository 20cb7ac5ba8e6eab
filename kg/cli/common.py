"""Shared CLI plumbing: the -g/--graph option, the query limits, library errors as one clear
message and an exit code."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.errors import KgError

F = TypeVar("F", bound=Callable[..., Any])


def graph_option(help: str, *, required: bool = True) -> Callable[[F], F]:
    """`-g/--graph OUTDIR`, the folder a `kg build` wrote, passed to the command as `outdir`."""
    return click.option(
        "-g",
        "--graph",
        "outdir",
        required=required,
        type=click.Path(path_type=Path, file_okay=False),
        help=help,
    )


def limit_options(timeout_s: float, timeout_help: str, memory_help: str) -> Callable[[F], F]:
    """`--timeout-s` and `--max-memory-mb`: the limits a query's worker process is stopped at."""
    timeout = click.option(
        "--timeout-s", default=timeout_s, show_default=True, type=click.FloatRange(min=0.1), help=timeout_help
    )
    memory = click.option(
        "--max-memory-mb", default=2048, show_default=True, type=click.IntRange(min=64), help=memory_help
    )

    def decorate(func: F) -> F:
        return timeout(memory(func))

    return decorate


def handle_errors(func: F) -> F:
    """Run a command body; a `KgError` becomes `kg: error: ...` on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            click.echo(f"kg: error: {exc}", err=True)
            raise SystemExit(exc.exit_code) from exc

    return wrapper  # type: ignore[return-value]


def warn(message: str) -> None:
    click.echo(f"kg: warning: {message}", err=True)
