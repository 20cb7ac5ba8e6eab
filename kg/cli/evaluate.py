"""`kg evaluate`: build each article alone and score it against gold annotations."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import click
from rdflib import Graph

from kg.cli.common import handle_errors
from kg.evaluation.score import evaluate, format_scores, to_json


def _build(path: Path, *, model: str | None) -> Graph:
    """Build one article alone; the pipeline (and spaCy) is imported only when an article is built."""
    from kg.build.pipeline import build_article_graph

    return build_article_graph(path, model=model)


@click.command("evaluate")
@click.argument("articles", type=click.Path(path_type=Path))
@click.argument("gold", type=click.Path(path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print the scores as JSON (the shape of score.py --json)."
)
@click.option(
    "--verbose", is_flag=True, help="List every missed and spurious entity and relation per article."
)
@click.option("--model", default=None, help="spaCy pipeline to use (default: en_core_web_sm or its mirror).")
@handle_errors
def evaluate_command(articles: Path, gold: Path, as_json: bool, verbose: bool, model: str | None) -> None:
    """Score ARTICLES/STEM.txt against GOLD/STEM.json, with the rules of the shared score.py.

    Each article is built on its own, as `kg build ARTICLE -o DIR` would; precision, recall
    and F1 are printed for entities by type and relations by predicate.
    """
    result = evaluate(articles, gold, partial(_build, model=model))
    report = result.report_lines(verbose)
    if report:
        click.echo("\n".join(report), err=True)
    click.echo(to_json(result.scores) if as_json else format_scores(result.scores))


COMMANDS = [evaluate_command]
