"""The extraction stage as one object: articles in, `ArticleResult`s (or `Skipped`) out.

`Extractor` loads the spaCy pipeline and the gazetteer once and runs every article through
nlp -> mentions and relations -> linked entities. It knows nothing of files or processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Doc

from kg.errors import KgError
from kg.extract.document import read_document, sentence_case_headings
from kg.extract.link import article_entities
from kg.extract.relations import body_keys, extract_relations, mention_records, operator_facts
from kg.extract.scoring import Scorer, default_scorer
from kg.gazetteer import Gazetteer, default_gazetteer
from kg.nlp.pipeline import load_pipeline, place_finder, surface_forms
from kg.records import Article, ArticleResult, Skipped


class Extractor:
    """spaCy pipeline + gazetteer, loaded once, turning articles into results."""

    def __init__(
        self, model: str | None = None, gazetteer: Gazetteer | None = None, scorer: Scorer | None = None
    ) -> None:
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
