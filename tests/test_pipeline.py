"""One graph that grows: incremental builds, order independence, removal, merged events.

These run the real spaCy pipeline on the example articles (written for this project).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL

from kg.build.pipeline import build, remove_articles
from kg.vocab import ID, PK

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"

pytestmark = pytest.mark.slow


def _graph(outdir: Path) -> Graph:
    return Graph().parse(outdir / "graph.ttl", format="turtle")


def _copy(names: list[str], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


A, B, C = "01_norwegian_sea_shadow.txt", "02_baltic_il20_wire.txt", "03_baltic_il20_analysis.txt"


def test_pipeline_incremental_build_equals_building_all_at_once(tmp_path):
    once = tmp_path / "once"
    build([_copy([A, B, C], tmp_path / "all")], once, html=False)
    grown = tmp_path / "grown"
    build([_copy([A], tmp_path / "first")], grown, html=False)
    summary = build([_copy([B, C], tmp_path / "second")], grown, html=False)
    assert summary.extracted == 2
    assert isomorphic(_graph(once), _graph(grown))


def test_pipeline_build_interrupted_during_extraction_resumes_without_extracting_again(tmp_path, monkeypatch):
    """Ctrl-C after two of three articles: the next build extracts only the third."""
    import kg.build.pipeline
    import kg.extract.extractor

    once = tmp_path / "once"
    build([_copy([A, B, C], tmp_path / "all")], once, html=False)
    real_run = kg.extract.extractor.Extractor.run

    def interrupted_run(self, articles, **kwargs):
        for n, result in enumerate(real_run(self, articles, **kwargs)):
            if n == 2:
                raise KeyboardInterrupt
            yield result

    out = tmp_path / "out"
    monkeypatch.setattr(kg.extract.extractor.Extractor, "run", interrupted_run)
    with pytest.raises(KeyboardInterrupt):
        build([tmp_path / "all"], out, html=False)
    assert not (out / "manifest.json").exists() and not (out / "graph.ttl").exists()
    monkeypatch.setattr(kg.extract.extractor.Extractor, "run", real_run)
    summary = build([tmp_path / "all"], out, html=False)
    assert (summary.resumed, summary.extracted, summary.unchanged) == (2, 1, 0)
    assert isomorphic(_graph(once), _graph(out))
    again = build([tmp_path / "all"], out, html=False)
    assert (again.resumed, again.extracted, again.unchanged, again.changed) == (0, 0, 3, False)


def test_pipeline_unchanged_input_extracts_nothing_and_keeps_the_files(tmp_path):
    folder = _copy([A, B], tmp_path / "in")
    out = tmp_path / "out"
    build([folder], out, html=False)
    before = (out / "graph.ttl").stat().st_mtime_ns, _graph(out)
    summary = build([folder], out, html=False)
    assert (summary.extracted, summary.unchanged, summary.changed) == (0, 2, False)
    assert (out / "graph.ttl").stat().st_mtime_ns == before[0]
    assert isomorphic(_graph(out), before[1])


def _as_made_by_another_version(out: Path) -> None:
    """OUTDIR as an older release (or another lexicon, or --model) left it: every result and
    manifest entry stamped with another extraction version, or with none (before the stamp)."""
    import json

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for n, entry in enumerate(manifest["articles"].values()):
        entry.pop("extractor") if n % 2 else entry.update(extractor="0123456789abcdef")
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for path in (out / "articles").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["extractor"] = "0123456789abcdef"
        path.write_text(json.dumps(data), encoding="utf-8")


def test_pipeline_results_of_another_extraction_version_are_extracted_again(tmp_path):
    folder = _copy([A, B], tmp_path / "in")
    out = tmp_path / "out"
    build([folder], out, html=False)
    _as_made_by_another_version(out)
    summary = build([folder], out, html=False)
    assert (summary.extracted, summary.resumed, summary.unchanged) == (2, 0, 0)
    again = build([folder], out, html=False)  # stamped with this version now
    assert (again.extracted, again.unchanged) == (0, 2)


def test_pipeline_interrupted_build_of_another_version_is_not_resumed(tmp_path):
    folder = _copy([A, B], tmp_path / "in")
    out = tmp_path / "out"
    build([folder], out, html=False)
    _as_made_by_another_version(out)
    (out / "manifest.json").unlink()  # results saved, not listed yet: what resuming takes
    summary = build([folder], out, html=False)
    assert (summary.extracted, summary.resumed) == (2, 0)


def test_pipeline_changed_article_replaces_its_old_statements(tmp_path):
    folder = _copy([A], tmp_path / "in")
    out = tmp_path / "out"
    build([folder], out, html=False)
    text = (folder / A).read_text(encoding="utf-8")
    (folder / A).write_text(text.replace("MiG-31", "Su-27"), encoding="utf-8")
    summary = build([folder], out, html=False)
    assert summary.extracted == 1
    labels = {str(o) for o in _graph(out).objects(None, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))}
    assert "Su-27" in labels and "MiG-31" not in labels


def test_pipeline_remove_drops_what_only_that_article_supported(tmp_path):
    out = tmp_path / "out"
    build([_copy([A], tmp_path / "a")], out, html=False)
    alone = _graph(out)
    build([_copy([B], tmp_path / "b")], out, html=False)
    remove_articles(out, ["02_baltic_il20_wire"], html=False)
    assert isomorphic(_graph(out), alone)


def test_pipeline_order_of_inputs_does_not_matter(tmp_path):
    first, second = tmp_path / "x", tmp_path / "y"
    build([EXAMPLES / C, EXAMPLES / A, EXAMPLES / B], first, html=False)
    build([EXAMPLES / B, EXAMPLES / C, EXAMPLES / A], second, html=False)
    assert isomorphic(_graph(first), _graph(second))


def test_pipeline_same_event_from_two_articles_is_one_event_with_two_sources(tmp_path):
    out = tmp_path / "out"
    build([EXAMPLES / B, EXAMPLES / C], out, html=False)
    g = _graph(out)
    eurofighter, il20 = ID["aircraft/eurofighter-typhoon"], ID["aircraft/il-20"]
    events = [
        e
        for e in g.subjects(RDF.type, PK.Interception)
        if (e, PK.actor, eurofighter) in g and (e, PK.target, il20) in g
    ]
    assert len(events) == 1
    event = events[0]
    assert g.value(event, PK.sourceCount) == Literal(2)
    articles = set(g.objects(event, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    assert articles == {ID["article/02_baltic_il20_wire"], ID["article/03_baltic_il20_analysis"]}
    assert len(set(g.objects(event, PK.evidence))) >= 2
    # independent reports raise the confidence above either report alone
    per_report = [float(g.value(ev, PK.confidence)) for ev in g.objects(event, PK.evidence)]
    assert float(g.value(event, PK.confidence)) > max(per_report)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/corpus/seeds is not present")
def test_pipeline_seed_nations_carry_wikidata_and_iso_codes(tmp_path):
    out = tmp_path / "out"
    build([SEEDS], out, html=False)
    g = _graph(out)
    russia = ID["nation/RU"]
    assert (russia, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q159")) in g
    assert (russia, PK.isoAlpha3, Literal("RUS")) in g
    for node in g.subjects(RDF.type, PK.Nation):
        assert g.value(node, PK.isoAlpha2) is not None
        assert g.value(node, OWL.sameAs) is not None


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/corpus/seeds is not present")
def test_pipeline_seeds_then_examples_equals_all_at_once(tmp_path):
    grown, once = tmp_path / "grown", tmp_path / "once"
    build([SEEDS], grown, html=False, store=False)
    build([EXAMPLES], grown, html=False, store=False)
    build([SEEDS, EXAMPLES], once, html=False, store=False)
    assert isomorphic(_graph(grown), _graph(once))


def test_pipeline_every_built_graph_passes_shacl(tmp_path):
    from kg.graph.validate import validate_graph

    out = tmp_path / "out"
    inputs = [EXAMPLES, *([SEEDS] if SEEDS.is_dir() else [])]
    build(inputs, out, html=False, store=False)
    report = validate_graph(_graph(out))
    assert report.conforms, report


def test_pipeline_graph_too_large_for_memory_skips_pages_and_removes_stale_pages(tmp_path, monkeypatch):
    """Above IN_MEMORY_MAX_TRIPLES the store and files are written, the HTML pages are not."""
    import kg.build.assembly

    out = tmp_path / "out"
    build([_copy([A], tmp_path / "first")], out)
    assert (out / "graph.html").exists() and (out / "timeline.html").exists()
    monkeypatch.setattr(kg.build.assembly, "IN_MEMORY_MAX_TRIPLES", 10)
    summary = build([_copy([A, B], tmp_path / "second")], out)
    assert not (out / "graph.html").exists() and not (out / "timeline.html").exists()
    assert any("skipped above 10" in w and "removed the older graph.html" in w for w in summary.warnings)
    assert summary.triples == len(_graph(out)) > 10
    assert not (out / ".assembly-pending").exists()


def _strict_shapes(project_shapes):
    """The project shapes plus one rule no built graph meets: every article needs a pk:reviewer."""
    from rdflib import Graph

    extra = """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix pk: <https://w3id.org/posture-kg/ontology#> .
        <urn:x:ReviewedShape> a sh:NodeShape ; sh:targetClass pk:Article ;
            sh:property [ sh:path pk:reviewer ; sh:minCount 1 ; sh:message "needs a reviewer" ] .
    """
    return project_shapes + Graph().parse(data=extra, format="turtle")


def test_pipeline_shacl_check_runs_on_the_store_at_any_size(tmp_path, monkeypatch):
    """The build's SHACL check is SPARQL on the store: it warns even where no page is drawn, and
    where the union is too large for memory it queries the new on-disk store."""
    import kg.build.assembly
    import kg.graph.ontology

    strict = _strict_shapes(kg.graph.ontology.read_shapes())
    monkeypatch.setattr(kg.graph.ontology, "read_shapes", lambda: strict)
    monkeypatch.setattr(kg.build.assembly, "IN_MEMORY_MAX_TRIPLES", 10)
    monkeypatch.setattr(kg.build.assembly, "UNION_IN_MEMORY_MAX_LINES", 10)
    summary = build([_copy([A, B], tmp_path / "in")], tmp_path / "out", store=False)
    found = [w for w in summary.warnings if w.startswith("SHACL: Violation") and "needs a reviewer" in w]
    assert len(found) == 2  # one per article
    assert summary.triples > 10 and not (tmp_path / "out" / "graph.html").exists()
    summary = build([_copy([A, B, C], tmp_path / "in2")], tmp_path / "out2", validate=False)
    assert not [w for w in summary.warnings if w.startswith("SHACL")]


def test_pipeline_without_pages_never_builds_an_rdflib_graph(tmp_path, monkeypatch):
    """`--no-html` builds need only the store and files; the SHACL check queries the store."""
    import kg.build.assembly
    import kg.graph.store

    def refuse(*_args, **_kwargs):
        raise AssertionError("an rdflib union graph was built")

    monkeypatch.setattr(kg.graph.store, "read_union_graph", refuse)
    monkeypatch.setattr(kg.build.assembly, "_rdflib_graph", refuse)
    monkeypatch.setattr(kg.build.assembly, "union_triples", refuse)
    summary = build([_copy([A], tmp_path / "in")], tmp_path / "out", html=False)
    assert summary.triples == len(_graph(tmp_path / "out")) > 0
    assert not (tmp_path / "out" / "graph.html").exists()


def test_pipeline_removes_work_folders_of_killed_builds_only(tmp_path):
    """A build killed outright leaves .kg-* work folders; the next build removes those of dead processes."""
    import os
    import subprocess

    out = tmp_path / "out"
    out.mkdir()
    gone = subprocess.Popen(["true"])
    gone.wait()
    orphan = out / f".kg-staging-{gone.pid}-x1y2"
    running = out / f".kg-staging-{os.getpid()}-x3y4"  # a build still at work
    for folder in (orphan, running):
        folder.mkdir()
        (folder / "graph.ttl").write_text("partial", encoding="utf-8")
    build([_copy([A], tmp_path / "in")], out, html=False)
    assert not orphan.exists() and running.exists()
    assert [p.name for p in out.iterdir() if p.name.startswith(".kg-")] == [running.name]
