"""kg.build.outdir: a read-only or full OUTDIR is refused before any work, a disk that fills up
during a build loses nothing, two builds never write one folder at once, and what a killed build
left behind is cleaned up by the next one.

Disk full and read-only are real where the tests may mount (root with CAP_SYS_ADMIN, as on this
machine and in CI): a small tmpfs, filled up or remounted read-only. Where they may not, those
tests skip, and the same faults are raised from the write path by patching it (always run).
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import main
from kg.graph.store import open_store

pytestmark = pytest.mark.slow

KG = str(Path(sys.executable).parent / "kg")
FIRST = (
    "title: Jets intercept bombers\ndate: 2025-02-04\n\n"
    "Two Russian Tu-95MS bombers were intercepted by Norwegian F-35 jets over the Norwegian Sea on Monday."
)
SECOND = "title: Patriots\ndate: 2025-02-05\n\nNATO deployed Patriot batteries to Lithuania on Tuesday."
OUTPUTS = ("graph.ttl", "graph.trig")  # manifest.json and articles/ may gain new results


def _articles(folder: Path, *texts: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number, text in enumerate(texts, start=1):
        (folder / f"a{number}.txt").write_text(text, encoding="utf-8")
    return folder


def _build(runner: CliRunner, tmp_path: Path, out: Path, *texts: str) -> Result:
    return runner.invoke(main, ["build", str(_articles(tmp_path / "in", *texts)), "-o", str(out)])


def _snapshot(out: Path) -> tuple[dict[str, bytes], int]:
    with open_store(out) as store:
        return {name: (out / name).read_bytes() for name in OUTPUTS}, len(store)


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs of our own, unmounted afterwards; skips where mounting is not allowed."""
    where = tmp_path / "disk"
    where.mkdir()
    try:
        _mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where))
    except (OSError, subprocess.SubprocessError):
        pytest.skip("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30)


def _fill(disk: Path, leave: int) -> Path:
    """A filler file that leaves about `leave` bytes free on `disk`."""
    filler = disk / "filler"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(free - leave, 0))
    return filler


def test_outdir_read_only_is_refused_before_any_work(
    tmp_path: Path, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = small_disk / "out"
    runner = CliRunner()
    monkeypatch.setattr("kg.build.outdir.MIN_FREE_BYTES", 0)  # the disk is small, not full
    assert _build(runner, tmp_path, out, FIRST).exit_code == 0
    before = _snapshot(out)
    _mount("-o", "remount,ro", str(small_disk))
    extracted: list[object] = []
    monkeypatch.setattr("kg.build.pipeline.Extractor", lambda *a, **k: extracted.append(a))
    result = runner.invoke(main, ["build", str(_articles(tmp_path / "in", FIRST, SECOND)), "-o", str(out)])
    assert result.exit_code == 1, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"kg: error: cannot write in {out}") and "Read-only file system" in line
    assert "Nothing was read or extracted" in line
    assert extracted == []  # refused before the model was loaded
    assert _snapshot(out) == before


def test_outdir_disk_full_during_the_build_keeps_the_previous_outputs(
    tmp_path: Path, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = small_disk / "out"
    runner = CliRunner()
    monkeypatch.setattr("kg.build.outdir.MIN_FREE_BYTES", 0)  # the check at start passes; it fills later
    assert _build(runner, tmp_path, out, FIRST).exit_code == 0
    before = _snapshot(out)
    filler = _fill(small_disk, leave=48 * 1024)
    both = _articles(tmp_path / "in", FIRST, SECOND)
    result = runner.invoke(main, ["build", str(both), "-o", str(out), "--no-html"])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("kg: error:")]
    assert len(errors) == 1 and "is full" in errors[0] and "previous outputs are intact" in errors[0]
    assert "Traceback" not in result.output
    assert _snapshot(out) == before

    filler.unlink()  # space again: the next build finishes the job
    again = runner.invoke(main, ["build", str(both), "-o", str(out), "--no-html"])
    assert again.exit_code == 0, again.output
    assert "Lithuania" in (out / "graph.ttl").read_text(encoding="utf-8")


def test_outdir_nearly_full_disk_is_refused_before_any_work(
    tmp_path: Path, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extracted: list[object] = []
    monkeypatch.setattr("kg.build.pipeline.Extractor", lambda *a, **k: extracted.append(a))
    result = _build(CliRunner(), tmp_path, small_disk, FIRST)
    assert result.exit_code == 1
    assert "free on its disk" in result.output and "Nothing was read or changed" in result.output
    assert extracted == []


@pytest.mark.parametrize(
    "where",
    ["kg.build.trig.TrigWriter.add_lines", "kg.build.prepare.write_atomic_bytes"],
    ids=["graph.trig", "article result"],
)
def test_outdir_enospc_from_the_write_path_is_one_line_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    assert _build(runner, tmp_path, out, FIRST).exit_code == 0
    before = _snapshot(out)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out / "graph.trig"))

    monkeypatch.setattr(where, full)  # where the build writes graph.trig, and each article's result
    result = runner.invoke(main, ["build", str(_articles(tmp_path / "in", FIRST, SECOND)), "-o", str(out)])
    assert result.exit_code == 1, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("kg: ")]
    assert "No space left on device" in line and "previous outputs are intact" in line
    assert _snapshot(out) == before


def _wait_for(predicate: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def _blocked_build(out: Path) -> subprocess.Popen[bytes]:
    """A real `kg build - -o OUT` that holds OUT's lock while it waits for its standard input."""
    proc = subprocess.Popen([KG, "build", "-", "-o", str(out), "--no-html"], stdin=subprocess.PIPE)
    _wait_for(lambda: (out / ".kg.lock").exists() and (out / ".kg.lock").read_text().strip())
    return proc


def test_outdir_second_build_into_the_same_folder_exits_naming_the_first(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _blocked_build(out)
    try:
        result = CliRunner().invoke(main, ["build", str(_articles(tmp_path / "in", SECOND)), "-o", str(out)])
        assert result.exit_code == 1
        assert f"{out} is being written by another build (kg build, pid {first.pid}" in result.output
        assert "Nothing was read or changed" in result.output
        assert first.stdin is not None
        first.stdin.write(FIRST.encode())
        first.stdin.close()
        assert first.wait(timeout=120) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=10)
    assert "Tu-95MS" in (out / "graph.ttl").read_text(encoding="utf-8")  # the first build finished


def test_outdir_leftovers_of_a_killed_build_are_cleaned_and_its_lock_is_free(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    assert _build(runner, tmp_path, out, FIRST).exit_code == 0
    killed = _blocked_build(out)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)
    leftovers = [
        out / ".store-old-store-k1ll3d",  # parked while a new store was swapped in
        out / ".graph.ttl.tmp",  # graph.ttl being dumped
        out / ".manifest.json.x1y2.tmp",  # an atomic write cut short
        out / "articles" / ".a1.json.z3w4.tmp",
    ]
    leftovers[0].mkdir()
    (leftovers[0] / "CURRENT").write_text("old", encoding="utf-8")
    for path in leftovers[1:]:
        path.write_text("partial", encoding="utf-8")
    result = runner.invoke(main, ["build", str(_articles(tmp_path / "in", FIRST, SECOND)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [path for path in leftovers if path.exists()] == []
    assert "Lithuania" in (out / "graph.ttl").read_text(encoding="utf-8")
