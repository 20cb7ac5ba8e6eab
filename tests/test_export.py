"""`kg export` and `kg.graph.export.write_export`: every format, from the store and from files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic
from test_query import GRAPH, example_dataset

from kg.errors import InputError, StoreError
from kg.graph.export import CSV_HEADER, EXPORT_FORMATS, write_export
from kg.graph.store import read_union_graph, write_store
from kg.vocab import ID, PK


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    write_store(example_dataset(), out / "store")
    return out


def _union() -> rdflib.Graph:
    graph = rdflib.Graph()
    for s, p, o, _ in example_dataset().quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


@pytest.mark.parametrize(("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt")])
def test_export_union_formats(outdir: Path, tmp_path: Path, fmt: str, parser: str) -> None:
    path = write_export(outdir, fmt, tmp_path / f"g.{fmt}")
    graph = rdflib.Graph().parse(path, format=parser)
    assert isomorphic(graph, _union())


@pytest.mark.parametrize(("fmt", "parser"), [("nq", "nquads"), ("trig", "trig"), ("jsonld", "json-ld")])
def test_export_dataset_formats_keep_named_graphs(
    outdir: Path, tmp_path: Path, fmt: str, parser: str
) -> None:
    path = write_export(outdir, fmt, tmp_path / f"g.{fmt}")
    back = rdflib.Dataset()
    back.parse(path, format=parser)
    names = {str(g.identifier) for g in back.graphs() if len(g)}
    assert {GRAPH + "a1", GRAPH + "a2", GRAPH + "a3"} <= names
    a1 = back.graph(rdflib.URIRef(GRAPH + "a1"))
    assert (ID["aircraft/mig-31"], PK.intercepted, ID["aircraft/b-1b"]) in a1
    assert (ID["aircraft/f-16"], PK.intercepted, ID["aircraft/tu-95ms"]) not in a1


def test_export_ttl_uses_prefixes_and_is_deterministic(outdir: Path, tmp_path: Path) -> None:
    first = write_export(outdir, "ttl", tmp_path / "a.ttl").read_text()
    second = write_export(outdir, "ttl", tmp_path / "b.ttl").read_text()
    assert first == second
    assert "@prefix pk: <https://w3id.org/posture-kg/ontology#> ." in first
    nt = write_export(outdir, "nt", tmp_path / "a.nt").read_text().splitlines()
    assert nt == sorted(nt)


def test_export_csv_is_one_row_per_quad(outdir: Path, tmp_path: Path) -> None:
    path = write_export(outdir, "csv", tmp_path / "g.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_HEADER
    quads = list(example_dataset().quads((None, None, None, None)))
    assert len(rows) - 1 == len(quads)
    sentence = next(r for r in rows[1:] if r[2] == str(PK.sentence))
    assert sentence[4] == "literal"
    assert '"quotes"' in sentence[3]
    date = next(r for r in rows[1:] if r[2] == str(PK.date))
    assert date[5] == str(rdflib.XSD.date)
    assert {r[0] for r in rows[1:]} == {"", GRAPH + "a1", GRAPH + "a2", GRAPH + "a3"}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_network_formats(outdir: Path, tmp_path: Path, fmt: str) -> None:
    path = write_export(outdir, fmt, tmp_path / f"g.{fmt}")
    graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert graph.number_of_nodes() > 5
    assert graph.number_of_edges() > 3
    assert any("MiG-31" in str(attrs.values()) for _, attrs in graph.nodes(data=True))


def test_export_from_graph_files_without_store(tmp_path: Path) -> None:
    example_dataset().serialize(tmp_path / "graph.trig", format="trig")
    path = write_export(tmp_path, "nt", tmp_path / "x.nt")
    assert isomorphic(rdflib.Graph().parse(path, format="nt"), _union())
    assert len(read_union_graph(tmp_path)) == len(_union())


def test_export_errors(outdir: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown export format"):
        write_export(outdir, "xlsx", tmp_path / "g.xlsx")
    with pytest.raises(InputError, match="is a directory"):
        write_export(outdir, "ttl", tmp_path)
    with pytest.raises(StoreError, match="holds no graph"):
        write_export(tmp_path / "nothing", "ttl", tmp_path / "g.ttl")


def test_export_cli(outdir: Path, tmp_path: Path) -> None:
    from kg.cli import main

    runner = CliRunner()
    for fmt in EXPORT_FORMATS:
        target = tmp_path / "cli" / f"graph.{fmt}"
        result = runner.invoke(main, ["export", "-g", str(outdir), "--format", fmt, "-o", str(target)])
        assert result.exit_code == 0, result.output
        assert target.stat().st_size > 0
    doc = json.loads((tmp_path / "cli" / "graph.jsonld").read_text())
    assert doc
    result = runner.invoke(
        main, ["export", "-g", str(tmp_path / "none"), "-f", "ttl", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 1
    assert "kg: error:" in result.output and "holds no graph" in result.output
    result = runner.invoke(main, ["export", "-g", str(outdir), "-f", "pdf", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
