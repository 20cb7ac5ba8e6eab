"""`kg evaluate-claims`: score claim attribution against annotated sentences."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import handle_errors
from kg.evaluation.claims import format_claim_score, read_annotations, score_claims


@click.command("evaluate-claims")
@click.argument("annotations", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--verbose", is_flag=True, help="List every text whose status or sources differ.")
@click.option("--model", default=None, help="spaCy pipeline to use (default: en_core_web_sm or its mirror).")
@handle_errors
def evaluate_claims_command(annotations: Path, verbose: bool, model: str | None) -> None:
    """Score who-reports-what (claimed / confirmed / denied, and the sources) on ANNOTATIONS.

    ANNOTATIONS is a JSON Lines file such as examples/claims/annotated.jsonl.
    """
    items = read_annotations(annotations)
    from kg.extract.extractor import Extractor  # spaCy loads only when there is something to score

    click.echo(format_claim_score(score_claims(items, Extractor(model)), verbose=verbose))


COMMANDS = [evaluate_claims_command]
