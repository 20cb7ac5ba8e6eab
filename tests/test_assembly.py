"""kg.build.assembly: per-article statements rendered where the article was extracted, event nodes
added by the parent once events are merged across articles, the whole held to the in-memory
reference (`kg.graph.rdf.to_dataset`), named graph by named graph.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from kg.build.assembly import write_graphs
from kg.build.cache import STATEMENTS_SUFFIX, write_result
from kg.build.prepare import prepare, write_prepared
from kg.build.summary import BuildSummary
from kg.build.trig import TrigWriter
from kg.gazetteer import default_gazetteer
from kg.graph.ontology import class_hierarchy
from kg.graph.rdf import article_graph, article_statements, cluster_events, event_statements, to_dataset
from kg.iris import PRECOMPUTED_GRAPH
from kg.records import Article, ArticleResult, Evidence, Relation

GAZ = default_gazetteer()
DAY = dt.date(2025, 3, 3)
KEYS = (
    "aircraft:f-15j",
    "aircraft:tu-95ms",
    "nation:JP",
    "nation:RU",
    "sea:sea-of-japan",
    "sea:east-china-sea",
)


def _relation(doc_id: str, n: int, predicate: str, day: dt.date | None, place: str | None) -> Relation:
    actor, target = ("nation:JP", "nation:RU") if predicate == "respondedTo" else KEYS[:2]
    text = f"Report {n} of {doc_id}: jets {predicate} bombers."
    return Relation(
        predicate, actor, target, doc_id, Evidence(doc_id, text, 100 * n, 100 * n + len(text)), 0.8,
        location=place, date=day, target_count=n + 1, trigger=predicate,
    )  # fmt: skip


def _article(doc_id: str, *reports: tuple[str, int | None, str | None], title: str = "") -> ArticleResult:
    """An article result with relations (predicate, days after DAY or None, sea key or None)."""
    relations = tuple(
        _relation(doc_id, n, predicate, None if days is None else DAY + dt.timedelta(days), place)
        for n, (predicate, days, place) in enumerate(reports)
    )
    entities = tuple(GAZ.entity(k) for k in KEYS)
    return ArticleResult(
        Article(doc_id, "text", title=title or f"Article {doc_id}", date=DAY), entities, (), relations
    )


def _assembled(folder: Path, results: list[ArticleResult], tmp_path: Path, window_days: int = 1) -> Dataset:
    """What assembly writes for the results cached in `folder`, read back from graph.trig."""
    trig = TrigWriter(tmp_path / "graph.trig")
    write_graphs(folder, trig, BuildSummary(), window_days=window_days)
    trig.close()
    return Dataset().parse(trig.path, format="trig")


def _reference(results: list[ArticleResult], window_days: int = 1) -> Dataset:
    return to_dataset(results, GAZ, window_days=window_days, hierarchy=class_hierarchy())


def _same_graphs(got: Dataset, want: Dataset) -> bool:
    named = {g.identifier: g for g in want.graphs() if len(g)}
    found = {g.identifier: g for g in got.graphs() if len(g)}
    return set(found) == set(named) and all(isomorphic(found[k], named[k]) for k in named)


def test_assembly_statements_and_event_nodes_make_the_article_graph():
    one = _article("a1", ("intercepted", 0, "sea:sea-of-japan"), ("escorted", 0, None))
    events = cluster_events([one])
    labels = {e.key: e.label for e in one.entities}
    whole = article_graph(one, events, labels)
    statements, nodes = article_statements(one), event_statements(one, events, labels)
    assert statements.triples | nodes.triples == whole.triples
    assert not statements.triples & nodes.triples
    assert all(str(s).startswith(str(URIRef("https://w3id.org/posture-kg/id/event/"))) for s, _, _ in nodes)


def test_assembly_graph_trig_equals_the_in_memory_dataset(tmp_path):
    results = [  # a title the readers would not give (they join lines), as other producers might
        _article(
            "a1", ("intercepted", 1, "sea:sea-of-japan"), ("respondedTo", None, None), title='1\n"2"\\\u2028'
        ),
        _article("a2", ("intercepted", 0, None), ("escorted", 2, None)),  # merges with a1's, one day earlier
        _article("a3", ("intercepted", 0, "sea:east-china-sea")),  # same day, another sea: its own event
    ]
    folder = tmp_path / "articles"
    for result in results:
        write_prepared(prepare(result, "test"), folder)
    assert _same_graphs(_assembled(folder, results, tmp_path), _reference(results))


def test_assembly_reuses_statements_when_a_new_article_moves_a_cached_event(tmp_path):
    """An earlier report arriving later re-dates the merged event: the cached article's named graph
    takes the new event IRI, from its statements file as it was written."""
    later = _article("later", ("intercepted", 1, None))
    folder = tmp_path / "articles"
    write_prepared(prepare(later, "test"), folder)
    statements = folder / f"later{STATEMENTS_SUFFIX}"
    written = statements.stat().st_mtime_ns
    (tmp_path / "first").mkdir()
    alone = _assembled(folder, [later], tmp_path / "first")
    earlier = _article("earlier", ("intercepted", 0, None))
    write_prepared(prepare(earlier, "test"), folder)
    (tmp_path / "second").mkdir()
    both = _assembled(folder, [later, earlier], tmp_path / "second")
    assert _same_graphs(both, _reference([later, earlier]))
    assert statements.stat().st_mtime_ns == written  # reused, not rendered again
    before, after = _events(alone, "later"), _events(both, "later")
    assert len(before) == len(after) == 1 and before != after
    assert after == _events(both, "earlier")  # one event, reported by both


def _events(dataset: Dataset, doc_id: str) -> set[URIRef]:
    graph = dataset.graph(URIRef(f"https://w3id.org/posture-kg/id/graph/article/{doc_id}"))
    return {s for s, _, _ in graph if "/id/event/" in str(s)}


@pytest.mark.parametrize("damage", ["missing", "other result", "other code"])
def test_assembly_renders_statements_again_when_the_file_does_not_belong(tmp_path, damage):
    """An OUTDIR of an older version (no statements files), a crash between the two files of an
    article, statements rendered by other code: each is rendered again, and cached again."""
    import kg.build.cache

    first, second = (
        _article("a1", ("intercepted", 0, None)),
        _article("a1", ("escorted", 3, None), title="New"),
    )
    folder = tmp_path / "articles"
    write_prepared(prepare(second, "test"), folder)
    path = folder / f"a1{STATEMENTS_SUFFIX}"
    if damage == "missing":
        path.unlink()
    elif damage == "other result":
        path.write_bytes(prepare(first, "test").statements)  # a crash after the statements, before the result
    else:
        path.write_bytes(
            path.read_bytes().replace(kg.build.cache.renderer_version().encode(), b"0123456789abcdef")
        )
    got = _assembled(folder, [second], tmp_path)
    assert _same_graphs(got, _reference([second]))
    assert path.read_bytes() == prepare(second, "test").statements  # cached again as this code renders it


def test_assembly_results_cached_without_statements_build_the_same_graph(tmp_path):
    """Results written by `write_result` alone (as builds before statements files did)."""
    results = [
        _article("a1", ("intercepted", 0, None)),
        _article("a2", ("intercepted", 1, "sea:sea-of-japan")),
    ]
    folder = tmp_path / "articles"
    for result in results:
        write_result(result, folder)
    assert _same_graphs(_assembled(folder, results, tmp_path), _reference(results))
    assert sorted(p.name for p in folder.glob(f"*{STATEMENTS_SUFFIX}")) == ["a1.nt", "a2.nt"]


_REPORT = st.tuples(
    st.sampled_from(["intercepted", "escorted", "respondedTo"]),
    st.one_of(st.none(), st.integers(0, 4)),
    st.sampled_from([None, "sea:sea-of-japan", "sea:east-china-sea"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    articles=st.lists(st.lists(_REPORT, min_size=0, max_size=4), min_size=1, max_size=5),
    window=st.integers(0, 2),
)
def test_assembly_any_merge_of_reports_equals_the_in_memory_dataset(tmp_path_factory, articles, window):
    """Whatever reports the articles hold (dates apart or within the window, places that agree or
    conflict, undated), the concatenated statements and event nodes are the reference dataset."""
    tmp_path = tmp_path_factory.mktemp("merge")
    results = [_article(f"d{i}", *reports) for i, reports in enumerate(articles)]
    folder = tmp_path / "articles"
    for result in results:
        write_prepared(prepare(result, "test"), folder)
    assert _same_graphs(_assembled(folder, results, tmp_path, window), _reference(results, window))


def test_assembly_trig_blocks_outside_the_union_stay_out_of_it(tmp_path):
    from rdflib import RDF

    from kg.vocab import PK

    trig = TrigWriter(tmp_path / "graph.trig")
    graph = Graph(identifier=URIRef("https://w3id.org/posture-kg/id/graph/article/a"))
    graph.add((URIRef("urn:x:a"), RDF.type, PK.Article))
    trig.add(graph)
    trig.add_lines(PRECOMPUTED_GRAPH, b"<urn:x:q> <urn:x:p> <urn:x:o> .\n", union=False)
    trig.flush()
    (chunk,) = list(trig.chunks())
    assert b"urn:x:q" in chunk.trig and b"urn:x:q" not in chunk.union and b"urn:x:a" in chunk.union
    assert chunk.lines == 2 == trig.lines


def test_assembly_literals_with_line_breaks_and_bad_urls_load(tmp_path):
    """Regression: a literal with a line break was written as a Turtle long string, which the
    store's N-Triples union load rejects; a URL with a space, brace or line break is no IRI."""
    from kg.build.pipeline import build

    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"id": "a1", "title": "Jets intercept \\"again\\" \\\\ twice", "date": "2025-03-03", '
        '"url": "https://example.org/a b{c}\\nd", "text": "Japanese F-15J fighters intercepted two Russian '
        'Tu-95MS bombers over the Sea of Japan, the ministry said."}\n',
        encoding="utf-8",
    )
    summary = build([feed], tmp_path / "out", html=False)
    graph = Graph().parse(tmp_path / "out" / "graph.ttl")
    titles = {str(o) for o in graph.objects(None, URIRef("http://purl.org/dc/terms/title"))}
    assert titles == {'Jets intercept "again" \\ twice'}
    sources = {str(o) for o in graph.objects(None, URIRef("http://purl.org/dc/terms/source"))}
    assert "https://example.org/a b{c} d" in sources and summary.triples == len(graph)


EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"


@pytest.mark.slow
def test_assembly_one_two_workers_and_dask_write_the_same_named_graphs(tmp_path):
    """Statements rendered in forked workers or on Dask workers, event nodes and the derived
    graph added by the parent: every named graph equals the one-process build's and the
    in-memory reference built from the cached results."""
    from kg.build.cache import read_results
    from kg.build.pipeline import build

    pytest.importorskip("distributed")
    runs = {"one": {}, "two": {"workers": 2, "batch_size": 2}, "dask": {"dask": "local"}}
    graphs = {}
    for name, options in runs.items():
        build([EXAMPLES], tmp_path / name, html=False, **options)
        graphs[name] = Dataset().parse(tmp_path / name / "graph.trig", format="trig")
    reference = _reference(read_results(tmp_path / "one" / "articles"))
    answers = Graph()
    for triple in graphs["one"].graph(PRECOMPUTED_GRAPH):
        answers.add(triple)
    assert len(answers) > 100
    for name, got in graphs.items():
        assert isomorphic(got.graph(PRECOMPUTED_GRAPH), answers), name
        got.remove_graph(got.graph(PRECOMPUTED_GRAPH))
        assert _same_graphs(got, reference), name


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_assembly_failure_beside_the_store_load_keeps_the_previous_outputs(tmp_path, monkeypatch, workers):
    """graph.ttl failing once the store, loading in a thread, waits for the precomputed answers:
    the error comes through at once, the new store is deleted, the old files stay."""
    import threading

    import kg.build.assembly
    import kg.graph.store
    from kg.build.pipeline import build

    out = tmp_path / "out"
    build([EXAMPLES / "01_norwegian_sea_shadow.txt"], out, html=False)
    before = {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.trig")}
    waiting = threading.Event()
    load = kg.graph.store.load_store_from_trig

    def load_then_wait(chunks, store_dir, *, named):
        def wait_for_answers(store):
            waiting.set()
            return named(store)

        return load(chunks, store_dir, named=wait_for_answers)

    def broken(*_args, **_kwargs):
        waiting.wait(timeout=10)  # with workers=2, until the store load waits (with 1, it has not begun)
        raise OSError("disk full")

    monkeypatch.setattr(kg.graph.store, "load_store_from_trig", load_then_wait)
    monkeypatch.setattr(kg.build.assembly, "_write_turtle_and_check", broken)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            build([EXAMPLES], out, html=True, workers=workers)
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=300)
    assert not thread.is_alive(), "the build hung after the failure"
    assert len(failures) == 1 and "disk full" in str(failures[0])
    assert {name: (out / name).read_bytes() for name in before} == before
    assert not [p.name for p in out.iterdir() if p.name.startswith((".store-", ".kg-"))]


@pytest.mark.slow
def test_assembly_store_fed_during_extraction_holds_the_same_graph(tmp_path, monkeypatch):
    """With two workers the new store takes each article's statements as it comes back; an
    incremental build mixes those with cached articles whose statements assembly loads, and
    every article gains its event nodes at assembly. Store and graph.trig: the one-process graph."""
    from kg.build.feed import StoreFeed
    from kg.build.pipeline import build
    from kg.graph.store import read_dataset

    fed: list[str] = []
    add = StoreFeed.add_article

    def counting(self, graph, lines):
        fed.append(graph)
        return add(self, graph, lines)

    monkeypatch.setattr(StoreFeed, "add_article", counting)
    first, rest = sorted(EXAMPLES.glob("*.txt"))[:3], sorted(EXAMPLES.glob("*.txt"))[3:]
    grown = tmp_path / "grown"
    build(first, grown, html=False, workers=2, batch_size=1)
    assert len(fed) == 3
    build([*first, *rest], grown, html=False, workers=2, batch_size=2)
    assert len(fed) == 3 + len(rest)
    once = tmp_path / "once"
    build([EXAMPLES], once, html=False)
    got, want = (Dataset().parse(folder / "graph.trig", format="trig") for folder in (grown, once))
    assert _same_graphs(got, want)
    assert _same_graphs(read_dataset(grown), read_dataset(once))  # the store
