"""Errors the CLI turns into one clear message and a non-zero exit.

Every message names the input, says what was expected and how to fix it.
"""


class KgError(Exception):
    """Base class: a problem the user can fix (bad input, missing model, broken query)."""

    exit_code = 1


class InputError(KgError):
    """An input path or document that cannot be read as an article."""

    exit_code = 2


class ModelError(KgError):
    """The spaCy pipeline cannot be loaded."""


class QueryError(KgError):
    """A SPARQL query that does not parse or cannot be run."""


class StoreError(KgError):
    """The graph store in OUTDIR is missing, locked or corrupt."""


class GazetteerError(KgError):
    """The reference data (gazetteer) is malformed."""
