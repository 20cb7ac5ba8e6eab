"""Parallel extraction: Dask workers and spaCy `--workers` give the single-process graph."""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.build.distributed import _from_wire, _skipped_to_json, extract_with_dask
from kg.build.pipeline import build
from kg.cli import main
from kg.errors import KgError
from kg.records import Article, Skipped

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"


def _graph(outdir: Path) -> Graph:
    return Graph().parse(outdir / "graph.ttl", format="turtle")


def _closed_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def single_process(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    outdir = tmp_path_factory.mktemp("single")
    build([EXAMPLES], outdir, html=False, store=False)
    return _graph(outdir)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a 2-worker local cluster, to exercise the tcp:// path."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


@pytest.mark.slow
def test_distributed_local_cluster_build_is_isomorphic(tmp_path: Path, single_process: Graph) -> None:
    pytest.importorskip("distributed")
    summary = build([EXAMPLES], tmp_path, dask="local", html=False, store=False, batch_size=2)
    assert summary.extracted == len(list(EXAMPLES.glob("*.txt")))
    assert not summary.skipped
    assert isomorphic(_graph(tmp_path), single_process)


@pytest.mark.slow
def test_distributed_cli_scheduler_address_is_isomorphic(
    tmp_path: Path, single_process: Graph, scheduler: str
) -> None:
    args = ["build", str(EXAMPLES), "-o", str(tmp_path), "--dask", scheduler, "--batch-size", "3"]
    result = CliRunner().invoke(main, [*args, "--no-html", "--no-store", "-q"])
    assert result.exit_code == 0, result.output
    assert isomorphic(_graph(tmp_path), single_process)


@pytest.mark.slow
def test_distributed_unreachable_scheduler_fails_fast(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    address = f"tcp://127.0.0.1:{_closed_port()}"
    started = time.monotonic()
    result = CliRunner().invoke(main, ["build", str(EXAMPLES), "-o", str(tmp_path), "--dask", address])
    assert time.monotonic() - started < 20
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler" in result.output
    assert address in result.output
    assert not (tmp_path / "graph.ttl").exists()


def test_distributed_bad_address_names_it() -> None:
    pytest.importorskip("distributed")
    with pytest.raises(KgError, match="'no-port-here'"):
        list(extract_with_dask([], "no-port-here"))


def test_distributed_missing_dependency_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(KgError, match=r"posture-kg\[dask\]"):
        list(extract_with_dask([Article("a", "text")], "local"))


def test_distributed_skipped_crosses_the_wire_as_a_dict() -> None:
    skipped = Skipped("a.txt", "extraction failed: ValueError: boom")
    data = _skipped_to_json(skipped)
    assert all(type(v) is str for v in data["skipped"].values())
    assert _from_wire(data) == skipped


@pytest.mark.slow
def test_pipeline_workers_2_is_isomorphic(tmp_path: Path, single_process: Graph) -> None:
    args = ["build", str(EXAMPLES), "-o", str(tmp_path), "--workers", "2", "--batch-size", "2"]
    result = CliRunner().invoke(main, [*args, "--no-html", "--no-store", "-q"])
    assert result.exit_code == 0, result.output
    assert isomorphic(_graph(tmp_path), single_process)
