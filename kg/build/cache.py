"""Per-article extraction results on disk (OUTDIR/articles/DOC_ID.json), and beside each one the
article's statements as N-Triples (OUTDIR/articles/DOC_ID.nt).

A build runs the NLP only for new or changed articles and assembles the graph from
these files, so adding one article to a large OUTDIR does not re-read the others. The
statements file is rendered where the article was extracted (`kg.build.prepare`); its first
line names the code that rendered it and the digest of the result it was rendered from, so
assembly uses it only while both still hold, and renders the statements again otherwise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from kg.fileio import write_atomic, write_atomic_bytes
from kg.records import Article, ArticleResult, Entity, Evidence, Mention, Relation

FORMAT = 1


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def to_json(result: ArticleResult, extractor: str = "") -> dict[str, Any]:
    """The result as JSON data, stamped with the file format and the `extractor` version that made
    it (`kg.extract.extractor.extraction_version`; empty when not known)."""
    data: dict[str, Any] = _plain(result)
    data["format"] = FORMAT
    if extractor:
        data["extractor"] = extractor
    return data


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def article_from_json(data: dict[str, Any]) -> Article:
    return Article(**{**data, "date": _date(data.get("date"))})


def from_json(data: dict[str, Any], shared: dict[Entity, Entity] | None = None) -> ArticleResult:
    """The result stored as `data`; entities equal to one in `shared` become that one object."""
    article = article_from_json(data["article"])
    entities = tuple(
        Entity(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in e.items()})  # type: ignore[arg-type]
        for e in data["entities"]
    )
    if shared is not None:
        entities = tuple(shared.setdefault(e, e) for e in entities)
    mentions = tuple(Mention(**m) for m in data["mentions"])
    relations = tuple(
        Relation(**{**r, "evidence": Evidence(**r["evidence"]), "date": _date(r.get("date"))})
        for r in data["relations"]
    )
    operated = tuple((k, v) for k, v in data.get("operated_by", []))
    return ArticleResult(article, entities, mentions, relations, operated)


def write_result(result: ArticleResult, folder: Path, extractor: str = "") -> Path:
    return write_atomic(
        folder / f"{result.article.doc_id}.json",
        json.dumps(to_json(result, extractor), ensure_ascii=False, sort_keys=True),
    )


def cached_hash(folder: Path, doc_id: str, extractor: str) -> str | None:
    """The content hash of the article whose result is cached in `folder`, if one is and the
    `extractor` version made it.

    A build interrupted during extraction has saved results the manifest does not list yet;
    the next build takes them instead of extracting those articles again.
    """
    path = folder / f"{doc_id}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("extractor") != extractor:
        return None
    article = data.get("article")
    return article.get("content_hash") if isinstance(article, dict) else None


class Cached(NamedTuple):
    """One cached result and the digest of its file (what its statements file must name)."""

    result: ArticleResult
    digest: str


def read_results(folder: Path, *, slim: bool = False) -> list[ArticleResult]:
    """Every cached result, sorted by doc_id (assembly must not depend on input order).

    `slim` leaves out what the graph does not need (mentions, the article text): at 10,000
    articles that halves the memory assembly holds. Entities repeated across articles are
    shared as one object each.
    """
    return [cached.result for cached in read_cached(folder, slim=slim)]


def read_cached(folder: Path, *, slim: bool = False) -> list[Cached]:
    """`read_results`, each with the digest of its JSON file."""
    if not folder.is_dir():
        return []
    out = []
    shared: dict[Entity, Entity] = {}
    for path in sorted(folder.glob("*.json")):
        raw = path.read_bytes()
        data = json.loads(raw)
        if data.get("format") == FORMAT:
            if slim:
                data["mentions"] = []
                data["article"]["text"] = ""
            out.append(Cached(from_json(data, shared), digest(raw)))
    return out


def digest(data: bytes) -> str:
    """A short content digest (of a result file)."""
    return hashlib.blake2b(data, digest_size=8).hexdigest()


# ---------------------------------------------------------------- statements files

STATEMENTS_SUFFIX = ".nt"
_STATEMENTS_TAG = b"# posture-kg statements "


@lru_cache(maxsize=1)
def renderer_version() -> str:
    """A digest of the code that renders an article's statements (`kg.graph.rdf`, `kg.graph.claims`,
    `kg.graph.ntriples`, `kg.iris`, `kg.vocab`): a statements file written by other code is
    rendered again, never trusted."""
    import kg.graph.claims
    import kg.graph.ntriples
    import kg.graph.rdf
    import kg.iris
    import kg.vocab

    modules = (kg.graph.rdf, kg.graph.claims, kg.graph.ntriples, kg.iris, kg.vocab)
    sources = b"".join(Path(str(m.__file__)).read_bytes() for m in modules)
    return digest(sources)


def statements_file(result_json: bytes, statements: bytes) -> bytes:
    """What OUTDIR/articles/DOC_ID.nt holds for the result `result_json`: a header, then the lines."""
    return statements_header(digest(result_json)) + statements


def statements_header(result_digest: str) -> bytes:
    """The first line of a statements file: the renderer's version and the result's digest."""
    return _STATEMENTS_TAG + f"{renderer_version()} {result_digest}\n".encode()


def read_statements(folder: Path, doc_id: str, result_digest: str) -> bytes | None:
    """The cached statements of the result whose file has `result_digest`, or None when the file
    is missing, was rendered from another result or by other code."""
    try:
        data = (folder / f"{doc_id}{STATEMENTS_SUFFIX}").read_bytes()
    except OSError:
        return None
    return statements_body(data, result_digest)


def statements_body(data: bytes, result_digest: str) -> bytes | None:
    """The lines of a statements file's text, when its header names this code and that result."""
    head, _, body = data.partition(b"\n")
    return body if head + b"\n" == statements_header(result_digest) else None


def write_statements(folder: Path, doc_id: str, data: bytes) -> Path:
    return write_atomic_bytes(folder / f"{doc_id}{STATEMENTS_SUFFIX}", data)


def remove_cached(folder: Path, doc_id: str) -> None:
    """Delete an article's result and statements files."""
    for suffix in (".json", STATEMENTS_SUFFIX):
        (folder / f"{doc_id}{suffix}").unlink(missing_ok=True)


class ArticleSpool:
    """Articles waiting for extraction, kept in a temporary file rather than in memory.

    A build reads its inputs once to learn what is new (and how many, for the progress bar),
    then extracts from the spool, so a corpus larger than memory is never held whole.
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed by close())
        self._count = 0

    def add(self, article: Article) -> None:
        self._file.write(json.dumps(_plain(article)) + "\n")  # ASCII: lone surrogates survive
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Article]:
        self._file.seek(0)
        for line in self._file:
            yield article_from_json(json.loads(line))

    def close(self) -> None:
        self._file.close()
