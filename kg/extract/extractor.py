"""The extraction stage as one object: articles in, `ArticleResult`s (or `Skipped`) out.

`Extractor` loads the spaCy pipeline and the gazetteer once and runs every article through
nlp -> mentions and relations -> linked entities. It knows nothing of files or processes.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc

from kg.errors import KgError
from kg.extract.document import read_document, sentence_case_headings
from kg.extract.link import article_entities
from kg.extract.relations import body_keys, extract_relations, mention_records, operator_facts
from kg.extract.scoring import Scorer, default_scorer
from kg.gazetteer import Gazetteer, default_gazetteer
from kg.nlp.pipeline import DEFAULT_MODELS, load_pipeline, place_finder, surface_forms
from kg.records import Article, ArticleResult, Skipped

_PACKAGE = Path(__file__).resolve().parents[1]
#: What decides an article's result besides its text: these folders and modules of the package.
_DECIDING = ("extract", "nlp", "data", "gazetteer.py", "lexicon.py", "records.py", "dates.py")


@lru_cache(maxsize=8)
def extraction_version(model: str | None = None) -> str:
    """A digest of everything that decides an article's result apart from its text: the code of
    kg.extract and kg.nlp, the reference data in kg/data, the record and date modules, spaCy's
    version and the pipeline asked for (its name or path and its version). A build re-extracts a
    cached article whose result was made by another version (after an upgrade, a lexicon edit or
    with another --model). Computed without loading spaCy.
    """
    h = hashlib.blake2b(digest_size=8)
    for name in _DECIDING:
        root = _PACKAGE / name
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file() and path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(f"spacy {_version_of('spacy')}\0".encode())
    for name in (model,) if model else DEFAULT_MODELS:
        h.update(f"{name} {_model_version(name)}\0".encode())
    return h.hexdigest()


def _model_version(name: str) -> str:
    meta = Path(name) / "meta.json"
    if meta.is_file():  # a pipeline folder given by path
        try:
            return str(json.loads(meta.read_text(encoding="utf-8")).get("version", ""))
        except (OSError, ValueError):
            return ""
    return _version_of(name)


def _version_of(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return "absent"


class Extractor:
    """spaCy pipeline + gazetteer, loaded once, turning articles into results."""

    def __init__(
        self, model: str | None = None, gazetteer: Gazetteer | None = None, scorer: Scorer | None = None
    ) -> None:
        self.version = extraction_version(model)  # what results made here are stamped with
        self.gaz = gazetteer or default_gazetteer()
        self.scorer = scorer or default_scorer()
        self.nlp = load_pipeline(model, gazetteer)
        self.find_places = place_finder(self.nlp)
        self.forms = surface_forms(self.gaz)
        stop = self.nlp.Defaults.stop_words
        self.keep_case = {
            w for s in self.gaz.surfaces for w in s.text.split() if w[:1].isupper() and w.lower() not in stop
        }

    def run(self, articles: Iterable[Article], *, batch_size: int = 16) -> Iterator[ArticleResult | Skipped]:
        """Results in input order; an article whose extraction fails is a `Skipped`, never fatal.

        With one process, batches hold at most `MAX_BATCH_CHARS` characters as well as
        `batch_size` articles: the parser's memory grows with the text in flight, so sixteen
        100,000-character parts at once would take gigabytes. Several processes are the build
        stage's business (`kg.build.workers.extract_in_processes` runs this in forked workers).
        """
        pairs = ((sentence_case_headings(a.text, self.keep_case), a) for a in articles)
        docs = (
            item
            for batch in _char_batches(pairs, batch_size)
            for item in self.nlp.pipe(batch, as_tuples=True, batch_size=len(batch))
        )
        for doc, article in docs:
            try:
                yield self.from_doc(doc, article)
            except Exception as exc:  # one bad document must not stop the batch
                yield Skipped(
                    article.path or article.doc_id, f"extraction failed: {type(exc).__name__}: {exc}"
                )

    def from_doc(self, doc: Doc, article: Article) -> ArticleResult:
        document = read_document(doc, article, self.gaz, self.forms, self.find_places)
        document.operated_by = operator_facts(document)
        relations = extract_relations(document, self.scorer)
        mentions = mention_records(document)
        entities, relations, operated = article_entities(
            mentions, relations, body_keys(document), document.operated_by, self.gaz
        )
        return ArticleResult(
            article, tuple(entities), tuple(mentions), tuple(relations), tuple(sorted(operated.items()))
        )

    def article(self, article: Article) -> ArticleResult:
        result = next(iter(self.run([article])))
        if isinstance(result, Skipped):
            raise KgError(f"{result.source}: {result.reason}")
        return result


#: Characters of text parsed at once by one process (see `Extractor.run`).
MAX_BATCH_CHARS = 120_000


def _char_batches(
    pairs: Iterable[tuple[str, Article]], batch_size: int
) -> Iterator[list[tuple[str, Article]]]:
    batch: list[tuple[str, Article]] = []
    chars = 0
    for pair in pairs:
        if batch and (len(batch) >= batch_size or chars + len(pair[0]) > MAX_BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        batch.append(pair)
        chars += len(pair[0])
    if batch:
        yield batch
