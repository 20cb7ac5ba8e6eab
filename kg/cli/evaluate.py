"""`kg evaluate`: build each article alone and score it against gold annotations."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import click
from rdflib import Graph

from kg.cli.common import handle_errors
from kg.evaluation.score import evaluate, format_scores, read_gold, to_json


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
@click.option(
    "--calibration",
    is_flag=True,
    help="Also print precision by confidence band (does confidence mean something?).",
)
@click.option("--model", default=None, help="spaCy pipeline to use (default: en_core_web_sm or its mirror).")
@handle_errors
def evaluate_command(
    articles: Path, gold: Path, as_json: bool, verbose: bool, calibration: bool, model: str | None
) -> None:
    """Score ARTICLES/STEM.txt against GOLD/STEM.json, with the rules of the shared score.py.

    Each article is built on its own, as `kg build ARTICLE -o DIR` would; precision, recall
    and F1 are printed for entities by type and relations by predicate.
    """
    result = evaluate(articles, gold, partial(_build, model=model))
    report = result.report_lines(verbose)
    if report:
        click.echo("\n".join(report), err=True)
    click.echo(to_json(result.scores) if as_json else format_scores(result.scores))
    if calibration:
        from kg.evaluation.calibration import calibration as bands_of
        from kg.evaluation.calibration import format_calibration

        click.echo(format_calibration(bands_of(result.predicted, read_gold(gold))))


@click.command("train-scorer")
@click.option(
    "--set",
    "sets",
    nargs=2,
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="ARTICLES GOLD",
    help="An annotated set to train on (repeatable); default: the project's training sets (see docs).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("kg/data/scorer.json"),
    show_default=True,
    help="Where to write the model.",
)
@click.option("--allow-validation", is_flag=True, help="Allow a set named validation (experiments only).")
@click.option("--model", default=None, help="spaCy pipeline to use.")
@handle_errors
def train_scorer_command(
    sets: tuple[tuple[Path, Path], ...], output: Path, allow_validation: bool, model: str | None
) -> None:
    """Train the relation scorer on annotated articles and write it as JSON.

    Every candidate the rules propose is labelled against the gold; a logistic regression
    learns how much each way of finding a relation is worth, and the keep threshold is chosen
    by cross-validation over articles. Needs scikit-learn (`pip install 'posture-kg[train]'`).
    """
    from kg.evaluation.training import DEFAULT_SETS, check_sets, train

    chosen = [(a, g) for a, g in sets] or [(Path(a), Path(g)) for a, g in DEFAULT_SETS if Path(g).is_dir()]
    check_sets(chosen, allow_validation=allow_validation)
    report = train(chosen, output, model=model)
    cv, rules = report["cross_validated"], report["rules_only"]
    click.echo(
        f"trained on {report['articles']} articles, {report['candidates']} candidates "
        f"({report['positives']} right); C={report['C']}, threshold {report['threshold']}"
    )
    click.echo(f"rules alone       P {rules['precision']:.3f}  R {rules['recall']:.3f}  F1 {rules['f1']:.3f}")
    click.echo(f"cross-validated   P {cv['precision']:.3f}  R {cv['recall']:.3f}  F1 {cv['f1']:.3f}")
    click.echo(f"wrote {output}")


COMMANDS = [evaluate_command, train_scorer_command]
