"""The `kg` command line: a click group whose commands live one per module in this package.

This package is the only place that prints or sets exit codes; library code raises
`kg.errors.KgError` and `handle_errors` turns it into one clear message.
"""

from __future__ import annotations

import importlib

import click

from kg import __version__

#: Modules of this package that each define one click command named like the module (or `COMMANDS`).
_COMMAND_MODULES = [
    "build",
    "viz",
    "query",
    "export",
    "serve",
    "push",
    "ontology",
    "validate",
    "evaluate",
    "claims",
    "report",
    "doctor",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Build, query, export and view knowledge graphs of military posturing from news articles."""


def _register() -> None:
    for name in _COMMAND_MODULES:
        module = importlib.import_module(f"kg.cli.{name}")
        for command in getattr(module, "COMMANDS", ()):
            main.add_command(command)


_register()
