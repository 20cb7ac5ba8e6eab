"""`kg build` and `kg remove`: articles in, graph files out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from kg.cli.common import graph_option, handle_errors, warn

if TYPE_CHECKING:  # the build stage loads spaCy: imported when a build runs, not by every `kg` command
    from kg.build.pipeline import BuildSummary

#: Exit code when the graph was built but some inputs were skipped.
EXIT_SKIPPED = 3


@click.command("build")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o",
    "--out",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Output folder (created if missing; an existing one grows incrementally).",
)
@click.option(
    "--model",
    default=None,
    help="spaCy pipeline name or path (default: en_core_web_sm, else the PyPI mirror).",
)
@click.option("--include", multiple=True, help="Glob of files to take inside folders (repeatable).")
@click.option("--exclude", multiple=True, help="Glob of files to leave out inside folders (repeatable).")
@click.option(
    "--text-field", default="text", show_default=True, help="JSON/JSONL field holding the article text."
)
@click.option("--title-field", default="title", show_default=True, help="JSON/JSONL field holding the title.")
@click.option("--date-field", default="date", show_default=True, help="JSON/JSONL field holding the date.")
@click.option("--url-field", default="url", show_default=True, help="JSON/JSONL field holding the URL.")
@click.option(
    "--id-field", default="id", show_default=True, help="JSON/JSONL field holding a stable article id."
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes that extract articles (each runs NLP, extraction and linking on whole articles).",
)
@click.option(
    "--dask",
    "dask_address",
    default=None,
    metavar="ADDRESS",
    help="Extract on a Dask cluster: tcp://HOST:PORT of a scheduler, or 'local' for 2 local "
    "workers (needs pip install 'posture-kg[dask]').",
)
@click.option(
    "--batch-size",
    default=None,
    type=click.IntRange(1, 10_000),
    help="Articles per batch a worker takes [default: chosen from the corpus size and --workers].",
)
@click.option(
    "--window-days",
    default=1,
    show_default=True,
    type=click.IntRange(0, 365),
    help="Reports of the same event up to this many days apart are merged into one event.",
)
@click.option(
    "--max-chars",
    default=100_000,
    show_default=True,
    type=click.IntRange(1000),
    help="Longer articles are split into parts on paragraph boundaries.",
)
@click.option("--no-html", is_flag=True, help="Skip graph.html and timeline.html.")
@click.option(
    "--no-store", is_flag=True, help="Skip the Oxigraph store (graph.ttl and graph.trig are still written)."
)
@click.option("--infer", is_flag=True, help="Add RDFS inferences (named graph id:graph/inferred).")
@click.option(
    "--no-validate", is_flag=True, help="Skip the SHACL check of the built graph (ontology/shapes.ttl)."
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@handle_errors
def build_command(
    inputs: tuple[str, ...],
    outdir: Path,
    model: str | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    text_field: str,
    title_field: str,
    date_field: str,
    url_field: str,
    id_field: str,
    workers: int,
    batch_size: int | None,
    window_days: int,
    max_chars: int,
    no_html: bool,
    no_store: bool,
    infer: bool,
    no_validate: bool,
    quiet: bool,
    dask_address: str | None = None,
) -> None:
    """Build a knowledge graph from INPUTS (.txt/.md/.html/.json/.jsonl files, folders, or - for stdin).

    Writes OUTDIR/graph.ttl (everything), OUTDIR/graph.trig (one named graph per article),
    OUTDIR/store (Oxigraph), OUTDIR/graph.html and OUTDIR/timeline.html. Only new or changed
    articles are read again when OUTDIR already holds a graph.

    Exit codes: 0 built; 2 no article could be read; 3 built, but some inputs were skipped
    (each is listed with its reason, and in OUTDIR/skipped.txt).
    """
    from kg.build.pipeline import build
    from kg.text.readers import JsonFields

    fields = JsonFields(text=text_field, title=title_field, date=date_field, url=url_field, id=id_field)
    bar = ProgressBar(enabled=not quiet and sys.stderr.isatty())
    try:
        summary = build(
            list(inputs),
            outdir,
            model=model,
            include=include,
            exclude=exclude,
            fields=fields,
            max_chars=max_chars,
            batch_size=batch_size,
            workers=workers,
            window_days=window_days,
            html=not no_html,
            store=not no_store,
            infer=infer,
            validate=not no_validate,
            stdin=sys.stdin.buffer if "-" in inputs else None,
            progress=bar,
            dask=dask_address,
        )
    finally:
        bar.close()
    _report(summary, outdir, quiet)


class ProgressBar:
    """Progress bars on stderr (tqdm), one per phase of the build; silent when disabled.

    Extraction counts articles; assembly counts the article graphs written. The CLI enables
    it only when stderr is a terminal, so logs and pipes stay clean.
    """

    def __init__(self, enabled: bool, file: TextIO | None = None) -> None:
        self.enabled = enabled
        self.file = file
        self._bar: Any = None
        self._phase = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self._bar is None or phase != self._phase:
            self.close()
            from tqdm import tqdm

            self._phase = phase
            unit = {"extracting": " articles", "writing graphs": " graphs"}.get(phase, " triples")
            self._bar = tqdm(
                total=total, desc=phase, unit=unit, file=self.file or sys.stderr, dynamic_ncols=True
            )
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _report(summary: BuildSummary, outdir: Path, quiet: bool) -> None:
    """Warnings and skips on stderr, the summary on stdout, exit code 3 when inputs were skipped."""
    for notice in summary.notices:
        warn(f"{notice.source}: {notice.message}")
    for line in summary.warnings:
        warn(line)
    for skipped in summary.skipped:
        warn(f"skipped {skipped.source}: {skipped.reason}")
    _write_skipped(outdir, summary)
    if not quiet:
        click.echo(format_summary(summary, outdir))
    if summary.skipped:
        raise SystemExit(EXIT_SKIPPED)


def _write_skipped(outdir: Path, summary: BuildSummary) -> None:
    path = outdir / "skipped.txt"
    if summary.skipped:
        outdir.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{s.source}\t{s.reason}\n" for s in summary.skipped), encoding="utf-8")
    elif path.exists():
        path.unlink()


def format_summary(summary: BuildSummary, outdir: Path) -> str:
    lines = [
        f"documents: {summary.documents} ({summary.extracted} extracted, {summary.unchanged} unchanged, "
        f"{len(summary.skipped)} skipped)"
    ]
    if summary.resumed:
        lines.append(f"{summary.resumed} taken from an earlier build that was interrupted")
    if not summary.changed:
        lines.append("graph unchanged")
    ents = ", ".join(f"{k} {v}" for k, v in sorted(summary.entities_by_type.items())) or "none"
    rels = ", ".join(f"{k} {v}" for k, v in sorted(summary.relations_by_predicate.items())) or "none"
    lines.append(f"entities: {sum(summary.entities_by_type.values())} ({ents})")
    lines.append(f"relations: {sum(summary.relations_by_predicate.values())} ({rels})")
    if summary.triples:
        lines.append(f"triples: {summary.triples}")
    for name, path in summary.outputs.items():
        lines.append(f"wrote {name}: {path}")
    lines.append(f"seconds: {summary.seconds:.2f}")
    return "\n".join(lines)


@click.command("remove")
@graph_option("A folder written by `kg build`.")
@click.argument("doc_ids", nargs=-1, required=True)
@handle_errors
def remove_command(outdir: Path, doc_ids: tuple[str, ...]) -> None:
    """Drop articles DOC_IDS from OUTDIR, and whatever they alone supported."""
    from kg.build.pipeline import remove_articles

    for doc_id in remove_articles(outdir, list(doc_ids)):
        click.echo(f"removed {doc_id}")


COMMANDS = [build_command, remove_command]
