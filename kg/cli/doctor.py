"""`kg doctor`: which readers, model and tools work here, and the fix for each one that does not."""

from __future__ import annotations

import sys

import click

from kg import __version__


@click.command("doctor")
def doctor_command() -> None:
    """Check each reader (it must read a sample), the spaCy model, Oxigraph and Chromium.

    Exits 1 when a required part does not work; each problem comes with the command that fixes it.
    """
    from kg.build.doctor import run_checks

    click.echo(f"posture-kg {__version__}, Python {sys.version.split()[0]}, {sys.executable}")
    checks = run_checks()
    width = max(len(check.name) for check in checks)
    for check in checks:
        mark = "ok" if check.ok else ("FAIL" if check.required else "warn")
        click.echo(f"{mark:<5} {check.name:<{width}}  {check.detail}")
        if check.fix:
            click.echo(f"{'':<5} {'':<{width}}  fix: {check.fix}")
    broken = [check.name for check in checks if check.required and not check.ok]
    if broken:
        click.echo(f"kg: error: not working: {', '.join(broken)} (fixes above)", err=True)
        raise SystemExit(1)


COMMANDS = [doctor_command]
