"""kg.graph.precompute: the answers a build prepares in id:graph/precomputed are the answers the
library queries compute from the graph itself (graphs of older versions, which lack them)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build.pipeline import build
from kg.errors import KgError
from kg.graph.precompute import list_precomputes, parse_precompute, precomputed_ntriples
from kg.graph.query import get_query, run_library_query, run_named
from kg.graph.results import QueryResult
from kg.graph.store import GraphStore, open_store, union_memory_store
from kg.iris import PRECOMPUTED_GRAPH

ROOT = Path(__file__).resolve().parents[1]
CORPORA = [ROOT / "examples" / "articles", ROOT / "tests" / "corpus" / "articles"]
PRECOMPUTED = sorted({p.answers for p in list_precomputes()})
PK = "https://w3id.org/posture-kg/ontology#"
LABELS = "<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#altLabel>"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("built")
    build(CORPORA, outdir, html=False)
    return outdir


def _without_answers(outdir: Path) -> GraphStore:
    """The built graph as an older version wrote it: graph.trig without id:graph/precomputed."""
    quads = [
        q
        for q in ox.parse(path=str(outdir / "graph.trig"))
        if q.graph_name != ox.NamedNode(str(PRECOMPUTED_GRAPH))
    ]
    store = ox.Store()
    store.extend(quads)
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    return GraphStore(store, outdir, read_only=False)


def test_precompute_every_slow_library_query_has_answers(built: Path) -> None:
    assert PRECOMPUTED == ["entity-profile", "intercepts-per-nation-pair", "response-chains"]
    with open_store(built) as store:
        graph = f"<{PRECOMPUTED_GRAPH}>"
        said = store.query(f"SELECT ?q WHERE {{ GRAPH {graph} {{ {graph} <{PK}precomputes> ?q }} }}")
        assert sorted(row[0].value for row in said.rows) == PRECOMPUTED
        for name in ("response-chains", "intercepts-per-nation-pair"):
            assert run_named(store, name).rows, name  # the corpora hold responses and interceptions


@pytest.mark.parametrize("name", ["response-chains", "intercepts-per-nation-pair"])
def test_precompute_answers_equal_the_computed_ones(built: Path, name: str) -> None:
    with open_store(built) as store:
        read = run_named(store, name)
    computed = run_named(_without_answers(built), name)
    assert read.variables == computed.variables
    assert read.rows == computed.rows  # the same rows in the same order


def _profile(result: QueryResult) -> dict[tuple[str, ...], tuple[int, frozenset[str] | None]]:
    """entity-profile rows as {(label, entity, direction, property): (count, values)}; the values of
    a group of more than 10 are one arbitrary example, so only their count is compared."""
    out = {}
    for label, entity, direction, prop, count, values in result.rows:
        n = int(count.value)
        shown = frozenset(values.value.split(" | ")) if n <= 10 else None
        out[(label.value, entity.value, direction.value, prop.value)] = (n, shown)
    return out


def test_precompute_entity_profiles_equal_the_computed_ones_for_every_label(built: Path) -> None:
    """Every label of the graph: entities read their entries, events are profiled as before."""
    older = _without_answers(built)
    labels = sorted({row[0].value for row in older.query(f"SELECT ?l WHERE {{ ?x {LABELS} ?l }}").rows})
    assert len(labels) > 100
    query = get_query("entity-profile")
    with open_store(built) as store:
        for label in labels:
            read = _profile(run_library_query(store, query, {"label": label}))
            assert read == _profile(run_library_query(older, query, {"label": label})), label
            assert read, label


def test_precompute_queries_run_on_a_store_without_the_named_graph(built: Path) -> None:
    """Graphs built by older versions (no id:graph/precomputed) still answer every library query."""
    older = _without_answers(built)
    for name in PRECOMPUTED:
        assert isinstance(run_named(older, name), QueryResult)


def test_precompute_graph_stays_out_of_the_union_and_graph_ttl(built: Path) -> None:
    with open_store(built) as store:
        leaked = store.query("ASK { ?row <https://w3id.org/posture-kg/ontology#rank> ?rank }")
        assert leaked.boolean is False  # the default graph is the union of the statements only
    assert b"ontology#rank" not in (built / "graph.ttl").read_bytes()
    assert b"ontology#rank" in (built / "graph.trig").read_bytes()


def test_precompute_rows_are_ranked_and_typed(tmp_path: Path) -> None:
    text = (
        b"<urn:x:a> <https://w3id.org/posture-kg/ontology#respondedTo> <urn:x:b> .\n"
        b"<urn:x:b> <https://w3id.org/posture-kg/ontology#respondedTo> <urn:x:c> .\n"
        b'<urn:x:a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .\n'
        b'<urn:x:b> <http://www.w3.org/2000/01/rdf-schema#label> "B" .\n'
    )
    with union_memory_store([text]) as union:
        answers = precomputed_ntriples(union)
    graph = ox.Store()
    graph.load(answers, ox.RdfFormat.N_TRIPLES)
    chains = graph.query(
        f"PREFIX pk: <{PK}> SELECT ?r ?o ?d ?rank WHERE "
        "{ ?c a pk:ResponseChain ; pk:responder ?r ; pk:origin ?o ; pk:direct ?d ; pk:rank ?rank } "
        "ORDER BY ?rank"
    )
    rows = [(s[0].value, s[1].value, s[2].value, int(s[3].value)) for s in chains]
    assert rows == [
        ("urn:x:a", "urn:x:b", "true", 1),
        ("urn:x:a", "urn:x:c", "false", 2),
        ("urn:x:b", "urn:x:c", "true", 3),
    ]


def test_precompute_file_without_a_header_is_a_clear_error() -> None:
    with pytest.raises(KgError, match=r"broken\.rq: needs `# answers:`"):
        parse_precompute("SELECT * WHERE { ?s ?p ?o }", "broken.rq")
    with pytest.raises(KgError, match="is not a pk: term"):
        parse_precompute("# answers: x\n# class: Thing\n# column: s pk:p\nSELECT ?s {}", "bad.rq")


def test_precompute_is_not_used_for_queries_with_inferences(built: Path) -> None:
    """`kg query --infer` asks about a graph the build did not prepare answers for: the types RDFS
    adds (a Bomber is an Aircraft) show up in the profile."""
    import json

    from click.testing import CliRunner

    from kg.cli import main

    def types(*infer: str) -> int:
        args = ["query", "-g", str(built), *infer, "--name", "entity-profile", "--param", "label=B-52H"]
        run = CliRunner().invoke(main, [*args, "--format", "json"])
        assert run.exit_code == 0, run.output
        rows = json.loads(run.output)["results"]["bindings"]
        (row,) = [
            r for r in rows if r["direction"]["value"] == "out" and r["property"]["value"].endswith("#type")
        ]
        return int(row["count"]["value"])

    assert types() == 1
    assert types("--infer") == 2
