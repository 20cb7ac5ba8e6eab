"""One article made ready for assembly where it was extracted: its result file and its statements.

Takes articles and an `Extractor`; gives a `PreparedArticle` (or `Skipped`) per article, in
input order. The same function runs in this process (`--workers 1`), in forked workers
(`--workers N`) and on Dask workers (`--dask`), so the expensive per-article work — NLP,
extraction, JSON and the article's statements as N-Triples — is spread over all of them, and
the parent only writes two files per article and, at assembly, concatenates.

The statements leave out the article's event nodes: which merged event a relation belongs to
depends on the other articles (`kg.graph.rdf.cluster_events`), so the parent adds those lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.build.cache import statements_file, to_json, write_statements
from kg.fileio import write_atomic_bytes
from kg.graph.rdf import article_statements, ntriples
from kg.records import Article, ArticleResult, Skipped

if TYPE_CHECKING:
    from kg.extract.extractor import Extractor

__all__ = ["PreparedArticle", "prepare", "prepare_all", "prepare_batch", "write_prepared"]


@dataclass(frozen=True)
class PreparedArticle:
    """What a worker hands back for one article: the two files the build caches for it."""

    doc_id: str
    content_hash: str
    source: str  # the manifest's record of where the article came from
    result: bytes  # OUTDIR/articles/DOC_ID.json
    statements: bytes  # OUTDIR/articles/DOC_ID.nt
    extractor: str  # the extraction version that made the result (`kg.extract.extractor.extraction_version`)

    def manifest_entry(self) -> dict[str, str]:
        return {"hash": self.content_hash, "source": self.source, "extractor": self.extractor}


def prepare(result: ArticleResult, extractor: str) -> PreparedArticle:
    """The result's JSON (stamped with the `extractor` version that made it) and its statements
    file (`kg.build.cache.statements_file`)."""
    article = result.article
    data = json.dumps(to_json(result, extractor), ensure_ascii=False, sort_keys=True).encode("utf-8")
    statements = statements_file(data, ntriples(article_statements(result)))
    source = article.source or article.path or ""
    return PreparedArticle(article.doc_id, article.content_hash, source, data, statements, extractor)


def prepare_all(
    results: Iterable[ArticleResult | Skipped], extractor: str
) -> Iterator[PreparedArticle | Skipped]:
    """Each result prepared as it comes; one whose statements cannot be written is `Skipped`."""
    for result in results:
        if isinstance(result, Skipped):
            yield result
            continue
        try:
            yield prepare(result, extractor)
        except (ValueError, UnicodeError) as exc:  # an entity key no IRI can be made of, bad text
            source = result.article.path or result.article.doc_id
            yield Skipped(source, f"cannot write its statements: {type(exc).__name__}: {exc}")


def prepare_batch(
    extractor: Extractor, articles: list[Article], batch_size: int | None = None
) -> list[PreparedArticle | Skipped]:
    """One batch extracted and prepared, in input order (what forked and Dask workers run)."""
    results = extractor.run(articles, batch_size=batch_size or len(articles) or 1)
    return list(prepare_all(results, extractor.version))


def write_prepared(item: PreparedArticle, folder: Path) -> None:
    """The statements file first, then the result: a result on disk always has its statements
    beside it, or (after a crash between the two) statements of another result, which
    assembly recognises by their digest and renders again."""
    write_statements(folder, item.doc_id, item.statements)
    write_atomic_bytes(folder / f"{item.doc_id}.json", item.result)
