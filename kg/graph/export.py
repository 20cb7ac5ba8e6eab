"""Export OUTDIR's graph as Turtle, N-Triples, N-Quads, TriG, JSON-LD, GraphML, GEXF or CSV.

RDF formats are written from the store (or graph.trig / graph.ttl) with sorted output so the
same graph always gives the same file. `ttl` and `nt` hold the union of all graphs; `nq`,
`trig` and `jsonld` keep each article's named graph. `graphml` and `gexf` are the networkx
projection of `kg.graph.project.to_networkx` (entities and events as nodes, plain attributes).
`csv` is one file, one row per quad: `graph,subject,predicate,object,object_type,datatype,lang`
(full IRIs; `graph` empty for the default graph), which loses nothing and loads into any table tool.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import rdflib
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.errors import InputError, KgError
from kg.graph.results import PREFIXES
from kg.graph.store import read_dataset, read_union_graph

EXPORT_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "graphml", "gexf", "csv")
CSV_HEADER = ("graph", "subject", "predicate", "object", "object_type", "datatype", "lang")


def write_export(outdir: Path, fmt: str, path: Path) -> Path:
    """Write OUTDIR's graph to `path` in `fmt` (one of EXPORT_FORMATS); returns the path."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a directory; give a file name, e.g. {path / ('graph.' + fmt)}")
    outdir = Path(outdir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt in ("ttl", "nt", "graphml", "gexf"):
            _write_graph(read_union_graph(outdir), fmt, path)
        else:
            _write_dataset(read_dataset(outdir), fmt, path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def _bind(graph: rdflib.Graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def _write_graph(graph: rdflib.Graph, fmt: str, path: Path) -> None:
    if fmt == "ttl":
        _bind(graph)
        graph.serialize(path, format="turtle", encoding="utf-8")
    elif fmt == "nt":
        lines = sorted(set(graph.serialize(format="nt").splitlines()) - {""})
        path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    else:
        _write_network(graph, fmt, path)


def _write_network(graph: rdflib.Graph, fmt: str, path: Path) -> None:
    import networkx as nx

    try:
        from kg.graph.project import to_networkx
    except ImportError as exc:  # pragma: no cover - project.py ships with the package
        raise KgError(f"GraphML/GEXF export needs kg.graph.project.to_networkx: {exc}") from exc
    network: Any = to_networkx(graph)
    if fmt == "graphml":
        nx.write_graphml(network, path, encoding="utf-8")
    else:
        nx.write_gexf(network, path, encoding="utf-8")


def _write_dataset(dataset: rdflib.Dataset, fmt: str, path: Path) -> None:
    if fmt == "nq":
        lines = sorted(set(dataset.serialize(format="nquads").splitlines()) - {""})
        path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    elif fmt == "trig":
        _bind(dataset)
        dataset.serialize(path, format="trig", encoding="utf-8")
    elif fmt == "jsonld":
        dataset.serialize(path, format="json-ld", context=dict(PREFIXES), indent=2, encoding="utf-8")
    else:
        _write_csv(dataset, path)


def _write_csv(dataset: rdflib.Dataset, path: Path) -> None:
    rows = []
    for s, p, o, g in dataset.quads((None, None, None, None)):
        gid = g.identifier if isinstance(g, rdflib.Graph) else g
        graph = "" if gid in (None, DATASET_DEFAULT_GRAPH_ID) else str(gid)
        if isinstance(o, rdflib.Literal):
            kind, datatype, lang = "literal", str(o.datatype or ""), o.language or ""
        else:
            kind, datatype, lang = ("bnode" if isinstance(o, rdflib.BNode) else "uri"), "", ""
        rows.append(
            (graph, _node(s), _node(p), str(o) if kind != "bnode" else f"_:{o}", kind, datatype, lang)
        )
    rows.sort()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        writer.writerows(rows)


def _node(term: Any) -> str:
    return f"_:{term}" if isinstance(term, rdflib.BNode) else str(term)
