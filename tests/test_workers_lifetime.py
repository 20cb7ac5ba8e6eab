"""Worker processes do not outlive the build that forked them, even when it is killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

psutil = pytest.importorskip("psutil")

pytestmark = pytest.mark.slow


def test_workers_lifetime_workers_end_when_the_build_is_killed(tmp_path: Path) -> None:
    """SIGKILL leaves the builder no chance to stop its pool: Linux ends the workers for it."""
    if not sys.platform.startswith("linux"):
        pytest.skip("parent-death signals are Linux only")
    feed = tmp_path / "feed.jsonl"
    text = "Japanese F-15J fighters intercepted two Russian Tu-95MS bombers over the Sea of Japan. " * 40
    feed.write_text("".join(f'{{"id": "a{i}", "text": "{text}"}}\n' for i in range(400)), encoding="utf-8")
    kg = Path(sys.executable).with_name("kg")
    build = subprocess.Popen(
        [
            str(kg),
            "build",
            str(feed),
            "-o",
            str(tmp_path / "out"),
            "-q",
            "--workers",
            "2",
            "--batch-size",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        workers: list = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.5)
            workers = psutil.Process(build.pid).children(recursive=True)
        assert len(workers) >= 2, "the build never started its workers"
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        _, alive = psutil.wait_procs(workers, timeout=20)
        assert not alive, f"workers outlived the build: {[p.pid for p in alive]}"
    finally:
        if build.poll() is None:
            build.kill()
