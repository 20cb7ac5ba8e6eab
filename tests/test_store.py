"""The Oxigraph store: round trip, atomic rewrite, locked / corrupt / missing stores, fallbacks."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from test_query import GRAPH, example_dataset

import kg.graph.store
import kg.graph.terms
from kg.errors import StoreError
from kg.graph.store import (
    has_store,
    open_store,
    read_dataset,
    read_union_graph,
    require_store,
    write_store,
    write_store_from_trig,
)
from kg.vocab import ID, PK


def _graphs(ds: rdflib.Dataset) -> dict[str, rdflib.Graph]:
    out = {}
    for g in ds.graphs():
        if len(g):
            copy = rdflib.Graph()
            for triple in g:
                copy.add(triple)
            out[str(g.identifier)] = copy
    return out


def test_store_round_trip_keeps_named_graphs(tmp_path: Path) -> None:
    original = example_dataset()
    path = write_store(original, tmp_path / "store")
    assert path == tmp_path / "store"
    back = read_dataset(tmp_path)
    want, got = _graphs(original), _graphs(back)
    assert set(got) == set(want)
    assert {GRAPH + "a1", GRAPH + "a2", GRAPH + "a3"} <= set(got)
    for name, graph in want.items():
        assert isomorphic(graph, got[name]), name
    with open_store(tmp_path) as store:
        assert store.named_graphs() == [GRAPH + "a1", GRAPH + "a2", GRAPH + "a3"]
        # each named graph, plus their union (and the original default graph) in the default graph
        union = {t for g in want.values() for t in g}
        named = sum(len(g) for name, g in want.items() if name.startswith(GRAPH))
        assert len(store) == named + len(union)


def test_store_written_in_small_loads_with_a_small_term_cache_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large builds load the store in bounded chunks and forget converted terms as they go."""
    monkeypatch.setattr(kg.graph.store, "WRITE_CHUNK_QUADS", 3)
    monkeypatch.setattr(kg.graph.terms, "_TERM_CACHE_MAX", 2)
    original = example_dataset()
    write_store(original, tmp_path / "store")
    want, got = _graphs(original), _graphs(read_dataset(tmp_path))
    assert set(got) == set(want)
    for name, graph in want.items():
        assert isomorphic(graph, got[name]), name


def test_store_loaded_from_trig_chunks_equals_the_store_written_from_a_dataset(tmp_path: Path) -> None:
    """The build streams TriG text into the store in chunks of whole graph blocks."""
    from kg.build.trig import TrigWriter

    named = {name: g for name, g in _graphs(example_dataset()).items() if name.startswith(GRAPH)}
    assert len(named) == 3
    ds = rdflib.Dataset()
    trig = TrigWriter(tmp_path / "graph.trig")
    for name, graph in named.items():
        target = ds.graph(URIRef(name))
        for triple in graph:
            target.add(triple)
        trig.add(target, max_lines=2)
    trig.flush()
    chunks = list(trig.chunks(max_lines=2))
    assert len(chunks) > len(named)  # large graphs are written in several blocks...
    for chunk in chunks:  # ...each chunk still whole TriG, its union lines whole N-Triples
        list(pyoxigraph.parse(chunk.trig, pyoxigraph.RdfFormat.TRIG))
        list(pyoxigraph.parse(chunk.union, pyoxigraph.RdfFormat.N_TRIPLES))
    write_store_from_trig(chunks, tmp_path / "trig" / "store")
    trig.close()
    parsed = rdflib.Dataset().parse(tmp_path / "graph.trig", format="trig")
    assert {str(g.identifier) for g in parsed.graphs() if len(g)} == set(named)
    write_store(ds, tmp_path / "rdflib" / "store")
    with open_store(tmp_path / "trig") as a, open_store(tmp_path / "rdflib") as b:
        assert len(a) == len(b) == sum(map(len, named.values())) + len({t for g in named.values() for t in g})
        assert a.named_graphs() == b.named_graphs()
    want, got = _graphs(ds), _graphs(read_dataset(tmp_path / "trig"))
    for name, graph in want.items():
        assert isomorphic(graph, got[name]), name


def test_store_union_graph_deduplicates(tmp_path: Path) -> None:
    write_store(example_dataset(), tmp_path / "store")
    union = read_union_graph(tmp_path)
    assert (ID["nation/RU"], PK.memberOf, ID["alliance/csto"]) in union
    assert len(union) == len({t for g in _graphs(example_dataset()).values() for t in g})


def test_store_keeps_literal_forms(tmp_path: Path) -> None:
    ds = rdflib.Dataset()
    g = ds.graph(URIRef(GRAPH + "x"))
    s = ID["nation/FR"]
    values = [
        Literal("France"),
        Literal("Frankreich", lang="de"),
        Literal("0.50", datatype=rdflib.XSD.decimal),
    ]
    for value in values:
        g.add((s, rdflib.RDFS.label, value))
    g.add((s, PK.memberOf, rdflib.BNode()))
    write_store(ds, tmp_path / "store")
    got = set(read_union_graph(tmp_path).objects(s, rdflib.RDFS.label))
    assert {values[0], values[1]} <= got
    (number,) = got - {values[0], values[1]}
    # Oxigraph stores numbers by value: the lexical form becomes canonical ("0.50" → "0.5")
    assert number.datatype == rdflib.XSD.decimal
    assert number.toPython() == values[2].toPython()


def test_store_rewrite_replaces_content(tmp_path: Path) -> None:
    write_store(example_dataset(), tmp_path / "store")
    small = rdflib.Dataset()
    small.graph(URIRef(GRAPH + "only")).add((ID["nation/RU"], rdflib.RDFS.label, Literal("Russia")))
    write_store(small, tmp_path / "store")
    with open_store(tmp_path) as store:
        assert store.named_graphs() == [GRAPH + "only"]
        assert len(store) == 2  # the triple in its graph and in the default graph (the union)
    quads = list(read_dataset(tmp_path).quads((None, None, None, None)))
    assert [str(q[3]) for q in quads] == [GRAPH + "only"]  # the union copy is not read back
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_store_rewrite_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_store(example_dataset(), tmp_path / "store")
    before = _graphs(read_dataset(tmp_path))
    real = kg.graph.store.ox_quads

    def failing(dataset: rdflib.Dataset) -> Iterator[object]:
        for i, quad in enumerate(real(dataset)):
            if i == 20:
                raise RuntimeError("disk on fire")
            yield quad

    monkeypatch.setattr(kg.graph.store, "ox_quads", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_store(example_dataset(), tmp_path / "store")
    monkeypatch.undo()
    after = _graphs(read_dataset(tmp_path))
    assert set(after) == set(before)
    assert all(isomorphic(before[k], after[k]) for k in before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # no temporary left behind


def test_store_crash_between_renames_recovers(tmp_path: Path) -> None:
    write_store(example_dataset(), tmp_path / "store")
    (tmp_path / "store").rename(tmp_path / ".store-old-store-abc123")  # as if killed mid-swap
    (tmp_path / ".store-tmp-zzz").mkdir()  # a half-written new store
    assert has_store(tmp_path)
    with open_store(tmp_path) as store:
        assert len(store.named_graphs()) == 3
    write_store(example_dataset(), tmp_path / "store")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the store open for writing (as `kg serve --allow-update` does)."""
    write_store(example_dataset(), tmp_path / "store")
    code = (
        "import sys, pyoxigraph\n"
        f"s = pyoxigraph.Store({str(tmp_path / 'store')!r})\n"
        "print('ready', flush=True)\n"
        "sys.stdin.read()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_store_locked_by_another_process(tmp_path: Path, writer: subprocess.Popen[str]) -> None:
    for read_only in (True, False):
        with pytest.raises(StoreError, match=rf"process {writer.pid} holds it open for writing"):
            open_store(tmp_path, read_only=read_only)
    with pytest.raises(StoreError, match="stop that process"):
        write_store(example_dataset(), tmp_path / "store")
    with pytest.raises(StoreError, match="holds it open"):
        require_store(tmp_path, for_writing=True)
    writer.kill()
    writer.wait(timeout=10)
    with open_store(tmp_path, read_only=False) as store:
        assert len(store) > 0


def test_store_locked_in_this_process(tmp_path: Path) -> None:
    write_store(example_dataset(), tmp_path / "store")
    with (
        open_store(tmp_path, read_only=False),
        pytest.raises(StoreError, match="locked by another writer"),
    ):
        open_store(tmp_path, read_only=False)


def test_store_corrupt(tmp_path: Path) -> None:
    write_store(example_dataset(), tmp_path / "store")
    (tmp_path / "store" / "CURRENT").write_text("garbage\n")
    with pytest.raises(StoreError, match=r"corrupt .*rebuild it"):
        open_store(tmp_path)
    with pytest.raises(StoreError, match="corrupt"):
        read_dataset(tmp_path)


@pytest.mark.parametrize("make", ["nothing", "empty-dir", "file"])
def test_store_missing(tmp_path: Path, make: str) -> None:
    if make == "empty-dir":
        (tmp_path / "store").mkdir()
    elif make == "file":
        (tmp_path / "store").write_text("x")
    with pytest.raises(StoreError, match=r"kg build"):
        open_store(tmp_path)
    assert not (tmp_path / "store" / "CURRENT").exists()  # opening never creates a store


def test_store_open_accepts_the_store_dir_itself(tmp_path: Path) -> None:
    write_store(example_dataset(), tmp_path / "store")
    with open_store(tmp_path / "store") as store:
        assert len(store.named_graphs()) == 3


@pytest.mark.parametrize("name", ["graph.trig", "graph.ttl"])
def test_store_read_falls_back_to_files(tmp_path: Path, name: str) -> None:
    ds = example_dataset()
    if name == "graph.trig":
        ds.serialize(tmp_path / name, format="trig")
    else:
        read_union_graph_src = rdflib.Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            read_union_graph_src.add((s, p, o))
        read_union_graph_src.serialize(tmp_path / name, format="turtle")
    union = read_union_graph(tmp_path)
    assert (ID["aircraft/mig-31"], PK.intercepted, ID["aircraft/b-1b"]) in union
    graphs = {str(g.identifier) for g in read_dataset(tmp_path).graphs() if len(g)}
    if name == "graph.trig":
        assert GRAPH + "a2" in graphs


def test_store_read_without_any_graph(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"holds no graph \(looked for store/, graph.trig and graph.ttl\)"):
        read_union_graph(tmp_path)


def test_store_read_broken_file(tmp_path: Path) -> None:
    (tmp_path / "graph.ttl").write_text("<a> <b> .\n")
    with pytest.raises(StoreError, match="cannot read"):
        read_dataset(tmp_path)
