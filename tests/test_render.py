"""HTML rendering: self-contained and offline, escaped, focus/max_nodes, timeline and `kg viz`."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from importlib import resources
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from test_project import XSS_IMG, XSS_SCRIPT, sample_graph

from kg.errors import KgError
from kg.graph.project import to_networkx
from kg.view.render import FocusError, layout, resolve_focus, select, write_html
from kg.view.timeline import write_timeline
from kg.vocab import ID

MIG = str(ID["aircraft/mig-31"])
B1 = str(ID["aircraft/b-1b"])
RU = str(ID["nation/RU"])

REMOTE_REF = re.compile(r"<(?:script|link|img|iframe|source|object|embed)\b[^>]*\b(?:src|href)\s*=", re.I)


def _data(page: str) -> dict:  # type: ignore[type-arg]
    match = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, "no data block"
    return json.loads(match.group(1))


def _scripts(page: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", page, re.S)


@pytest.fixture
def page_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # a stray lib/ folder would land here
    return write_html(to_networkx(sample_graph(xss=True)), tmp_path / "out" / "graph.html", title="T")


def test_render_is_self_contained(page_path: Path) -> None:
    page = page_path.read_text(encoding="utf-8")
    assert not REMOTE_REF.search(page), "a script, stylesheet or image is loaded from somewhere"
    assert "<link" not in page
    assert "bootstrap" not in page.lower()
    assert "cdn" not in page.lower().replace("cdn_resources", "")
    assert "sourceMappingURL" not in page
    vis = resources.files("pyvis").joinpath("lib", "vis-9.1.2", "vis-network.min.js").read_text()
    assert vis[2000:6000] in page, "vis-network is not inlined"
    assert not (page_path.parent.parent / "lib").exists(), "pyvis wrote a lib/ folder"
    assert not (page_path.parent / "lib").exists()


def test_render_csp_allows_exactly_its_scripts(page_path: Path) -> None:
    page = page_path.read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp
    assert "default-src 'none'" in csp.group(1) and "unsafe-inline" not in csp.group(1).split("style-src")[0]
    for script in _scripts(page):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp.group(1)


def test_render_escapes_article_text(page_path: Path) -> None:
    page = page_path.read_text(encoding="utf-8")
    assert XSS_SCRIPT not in page
    assert XSS_IMG not in page
    assert "<img" not in page
    assert page.count("</script>") == len(_scripts(page)) + 1  # our scripts plus the data block
    data = _data(page)  # ... yet the text survives intact as data
    edge = next(e for e in data["edges"] if e["predicate"] == "intercepted")
    assert any(XSS_SCRIPT in s and XSS_IMG in s for s in edge["evidence"])
    assert any(XSS_SCRIPT in a for a in edge["articles"])
    assert all("title" not in item for item in data["nodes"] + data["edges"]), "vis renders title as HTML"


def test_render_escapes_title(tmp_path: Path) -> None:
    path = write_html(to_networkx(sample_graph()), tmp_path / "g.html", title="<script>alert(1)</script>")
    page = path.read_text(encoding="utf-8")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page


def test_render_data_counts_and_styles(page_path: Path) -> None:
    data = _data(page_path.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 8
    assert len(data["edges"]) == 7
    assert {e["predicate"] for e in data["edges"]} == {
        "intercepted",
        "escorted",
        "deployedTo",
        "respondedTo",
        "operatedBy",
        "memberOf",
    }
    mig = next(n for n in data["nodes"] if n["id"] == MIG)
    assert (mig["kind"], mig["cls"], mig["group"], mig["shape"]) == (
        "Aircraft",
        "Fighter",
        "Fighter",
        "triangle",
    )
    assert mig["aliases"] == [XSS_IMG, "Foxhound"] and mig["operators"] == ["Russia"] and mig["mentions"] == 2
    assert mig["degree"] == 3
    lone = next(n for n in data["nodes"] if n["label"] == "Barents Sea")
    assert lone["size"] < mig["size"], "size follows degree"
    assert set(data["options"]["groups"]) == {n["group"] for n in data["nodes"]}
    assert data["options"]["physics"]["enabled"] is True
    assert [k["kind"] for k in data["kinds"]] == ["Nation", "Alliance", "Aircraft", "WeaponSystem", "Sea"]
    assert data["dateRange"] == ["2024-03-26", "2024-04-01"]
    edge = next(e for e in data["edges"] if e["predicate"] == "intercepted")
    assert (
        edge["events"] == 2
        and edge["dates"] == ["2024-03-26", "2024-04-01"]
        and edge["label"] == "intercepted"
    )


def test_render_big_graph_precomputes_layout(tmp_path: Path) -> None:
    g = to_networkx(sample_graph())
    data = _data(write_html(g, tmp_path / "g.html", title="T", physics_threshold=3).read_text())
    assert data["physics"] is False
    assert data["options"]["physics"] == {"enabled": False}
    assert data["options"]["edges"]["smooth"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])


def test_render_layout_is_deterministic() -> None:
    g = nx.gnm_random_graph(900, 2000, seed=3, directed=True)
    h = nx.MultiDiGraph(nx.relabel_nodes(g, str))
    a, b = layout(h), layout(h)
    assert a == b
    assert len(set(a.values())) == 900


def test_render_does_not_mutate_input(tmp_path: Path) -> None:
    g = to_networkx(sample_graph())
    nodes, edges = list(g.nodes(data=True)), list(g.edges(keys=True, data=True))
    snapshot = (json.dumps(nodes), json.dumps(edges))
    write_html(g, tmp_path / "g.html", title="T", focus="MiG-31", depth=1, max_nodes=2)
    write_html(g, tmp_path / "h.html", title="T", physics_threshold=1)
    assert (json.dumps(list(g.nodes(data=True))), json.dumps(list(g.edges(keys=True, data=True)))) == snapshot


@pytest.mark.parametrize(
    ("focus", "depth", "expected"),
    [
        ("MiG-31", 0, {MIG}),
        ("MiG-31", 1, {MIG, B1, RU}),
        ("mig-31", 1, {MIG, B1, RU}),
        ("Foxhound", 1, {MIG, B1, RU}),
        (MIG, 1, {MIG, B1, RU}),
        ("NATO", 2, {str(ID["alliance/nato"]), str(ID["nation/US"]), B1, RU}),
    ],
)
def test_render_focus_keeps_neighbourhood(focus: str, depth: int, expected: set[str]) -> None:
    g = to_networkx(sample_graph())
    assert set(select(g, focus=focus, depth=depth)) == expected


def test_render_focus_missing_lists_close_matches(tmp_path: Path) -> None:
    g = to_networkx(sample_graph())
    with pytest.raises(FocusError, match=r"'MiG-29' is not in the graph.*close matches: 'MiG-31'"):
        write_html(g, tmp_path / "g.html", title="T", focus="MiG-29")
    assert not (tmp_path / "g.html").exists()
    assert issubclass(FocusError, KgError)
    with pytest.raises(FocusError, match="no close matches"):
        resolve_focus(g, "zzzzzz")


def test_render_max_nodes_keeps_top_degree(tmp_path: Path) -> None:
    g = to_networkx(sample_graph())
    assert set(select(g, max_nodes=2)) == {MIG, B1}  # degree 3 each, the top two
    data = _data(write_html(g, tmp_path / "g.html", title="T", max_nodes=3).read_text())
    assert len(data["nodes"]) == 3
    assert data["total"] == {"nodes": 8, "edges": 7}
    kept = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in kept and e["to"] in kept for e in data["edges"])
    # focus is kept even when max_nodes would drop it
    assert str(ID["sea/barents-sea"]) in select(g, focus="Barents Sea", depth=3, max_nodes=1)


def test_render_empty_graph(tmp_path: Path) -> None:
    data = _data(write_html(nx.MultiDiGraph(), tmp_path / "g.html", title="T").read_text())
    assert data["nodes"] == [] and data["edges"] == []


# ---------------------------------------------------------------- timeline


def test_timeline_escapes_and_orders(tmp_path: Path) -> None:
    path = write_timeline(sample_graph(xss=True), tmp_path)
    assert path == tmp_path / "timeline.html"
    page = path.read_text(encoding="utf-8")
    assert XSS_SCRIPT not in page and XSS_IMG not in page and "<img" not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert not REMOTE_REF.search(page) and "<link" not in page
    assert page.count("<script>") == 1
    dates = re.findall(r'<tr data-type="[^"]+" data-date="([^"]*)"', page)
    assert dates == ["2024-03-26", "2024-03-26", "2024-04-01", "", ""]
    assert '<a href="https://news.example/a1"' in page
    assert "<mark>intercepted</mark>" in page


def test_timeline_empty_graph(tmp_path: Path) -> None:
    from rdflib import Graph

    page = write_timeline(Graph(), tmp_path / "t.html").read_text()
    assert "No events in this graph." in page


# ---------------------------------------------------------------- kg viz


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    sample_graph(xss=True).serialize(out / "graph.ttl", format="turtle")
    return out


def _cli():  # type: ignore[no-untyped-def]
    from kg.cli import main

    return main


def test_viz_cli_writes_pages(outdir: Path) -> None:
    result = CliRunner().invoke(_cli(), ["viz", "-g", str(outdir)])
    assert result.exit_code == 0, result.output
    assert (outdir / "graph.html").is_file() and (outdir / "timeline.html").is_file()
    assert len(_data((outdir / "graph.html").read_text())["nodes"]) == 8
    assert "posture-kg: out" in (outdir / "graph.html").read_text()


def test_viz_cli_output_focus_and_max_nodes(outdir: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "focus.html"
    args = ["viz", "-g", str(outdir), "-o", str(target), "--focus", "MiG-31", "--depth", "1", "--no-timeline"]
    result = CliRunner().invoke(_cli(), args)
    assert result.exit_code == 0, result.output
    assert {n["label"] for n in _data(target.read_text())["nodes"]} == {"MiG-31", "B-1B", "Russia"}
    assert not (target.parent / "timeline.html").exists()
    result = CliRunner().invoke(_cli(), ["viz", "-g", str(outdir), "--max-nodes", "2"])
    assert result.exit_code == 0, result.output
    assert len(_data((outdir / "graph.html").read_text())["nodes"]) == 2


def test_viz_cli_unknown_focus(outdir: Path) -> None:
    result = CliRunner().invoke(_cli(), ["viz", "-g", str(outdir), "--focus", "Rusia"])
    assert result.exit_code == 1
    assert "kg: error:" in result.output and "'Russia'" in result.output


@pytest.mark.parametrize("make", [False, True])
def test_viz_cli_missing_graph(tmp_path: Path, make: bool) -> None:
    missing = tmp_path / "nothing"
    if make:
        missing.mkdir()
    result = CliRunner().invoke(_cli(), ["viz", "-g", str(missing)])
    assert result.exit_code == 1
    assert str(missing) in result.output and "kg build" in result.output
    assert "Traceback" not in result.output


def test_viz_cli_bad_turtle(tmp_path: Path) -> None:
    (tmp_path / "graph.ttl").write_text("this is not turtle .")
    result = CliRunner().invoke(_cli(), ["viz", "-g", str(tmp_path)])
    assert result.exit_code == 1 and "cannot read" in result.output


def test_viz_read_graph_round_trips(outdir: Path) -> None:
    from kg.cli.viz import read_graph

    assert len(read_graph(outdir)) == len(sample_graph(xss=True))


# ---------------------------------------------------------------- renderers


def _columns_to_rows(data: dict) -> tuple[list[dict], list[dict]]:  # type: ignore[type-arg]
    """What graph.js's decodeColumns rebuilds from the sigma page's columns (the same fields)."""
    n, e = data["nodes"], data["edges"]
    nodes = [
        {
            key: n[key][i]
            for key in ("id", "label", "aliases", "operators", "wikidata", "iso2", "mentions", "degree")
        }
        | {"cls": data["classes"][n["cls"][i]]["cls"]}
        for i in range(len(n["id"]))
    ]
    edges = [
        {
            "from": n["id"][e["from"][i]],
            "to": n["id"][e["to"][i]],
            "predicate": data["predicates"][e["predicate"][i]]["predicate"],
            "events": e["events"][i],
            "confidence": e["confidence"][i],
            "evidence": e["evidence"][i],
            "dates": [data["dates"][k] for k in e["dates"][i]],
            "articles": [data["articles"][k] for k in e["articles"][i]],
            "places": [data["places"][k] for k in e["places"][i]],
        }
        for i in range(len(e["from"]))
    ]
    return nodes, edges


def test_render_sigma_columns_hold_the_same_data_as_vis_objects(tmp_path: Path) -> None:
    g = to_networkx(sample_graph(xss=True))
    vis = _data(write_html(g, tmp_path / "v.html", title="T", renderer="vis").read_text())
    sigma = _data(write_html(g, tmp_path / "s.html", title="T", renderer="sigma").read_text())
    assert (vis["renderer"], vis["format"], sigma["renderer"], sigma["format"]) == (
        "vis",
        "objects",
        "sigma",
        "columns",
    )
    nodes, edges = _columns_to_rows(sigma)
    keys = ("id", "label", "aliases", "operators", "wikidata", "iso2", "mentions", "degree", "cls")
    assert nodes == [{k: n[k] for k in keys} for n in vis["nodes"]]
    keys = ("from", "to", "predicate", "events", "confidence", "evidence", "dates", "articles", "places")
    assert edges == [{k: x[k] for k in keys} for x in vis["edges"]]
    assert sigma["kinds"] == vis["kinds"] and sigma["dateRange"] == vis["dateRange"]
    assert [p["predicate"] for p in sigma["predicates"]] == [p["predicate"] for p in vis["predicates"]]
    assert len(sigma["articles"]) == 2, "article titles are stored once"


def test_render_sigma_page_is_self_contained(tmp_path: Path) -> None:
    page = write_html(to_networkx(sample_graph(xss=True)), tmp_path / "g.html", title="T", renderer="sigma")
    text = page.read_text(encoding="utf-8")
    assert not REMOTE_REF.search(text) and "<link" not in text
    assert "KGSigma" in text and "vis-network" not in text
    assert XSS_SCRIPT not in text and XSS_IMG not in text
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)
    assert csp
    for script in _scripts(text):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp.group(1)


@pytest.mark.parametrize(
    ("nodes", "threshold", "expected"), [(8, 2000, "vis"), (8, 7, "sigma"), (8, 8, "vis")]
)
def test_render_auto_renderer_by_size(tmp_path: Path, nodes: int, threshold: int, expected: str) -> None:
    g = to_networkx(sample_graph())
    assert g.number_of_nodes() == nodes
    data = _data(write_html(g, tmp_path / "g.html", title="T", sigma_threshold=threshold).read_text())
    assert data["renderer"] == expected


def test_render_unknown_renderer(tmp_path: Path) -> None:
    with pytest.raises(KgError, match="unknown renderer 'webgl'"):
        write_html(to_networkx(sample_graph()), tmp_path / "g.html", title="T", renderer="webgl")
    assert not (tmp_path / "g.html").exists()


def test_render_timeline_and_graph_share_the_asset_set(tmp_path: Path) -> None:
    from kg.view.page import asset_text

    graph = write_html(to_networkx(sample_graph()), tmp_path / "g.html", title="T").read_text()
    timeline = write_timeline(sample_graph(), tmp_path / "t.html").read_text()
    for shared in (asset_text("common.css"), asset_text("common.js")):
        assert shared in graph and shared in timeline


def test_viz_cli_renderer_option(outdir: Path) -> None:
    result = CliRunner().invoke(_cli(), ["viz", "-g", str(outdir), "--renderer", "sigma", "--no-timeline"])
    assert result.exit_code == 0, result.output
    assert _data((outdir / "graph.html").read_text())["renderer"] == "sigma"
    result = CliRunner().invoke(_cli(), ["viz", "-g", str(outdir), "--renderer", "canvas"])
    assert result.exit_code == 2 and "canvas" in result.output
