"""Appending a benchmark run to its own section of bench/RESULTS.md (shared by the benchmarks)."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().with_name("RESULTS.md")


def append_run(heading: str, text: str, *, intro: str = "", path: Path = RESULTS) -> None:
    """Add `text` at the end of the `heading` section, creating the file or section when missing.

    Other sections are left as they are, so each benchmark keeps its runs together.
    """
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if heading not in current:
        current = current.rstrip("\n") + f"\n\n{heading}\n\n" + (f"{intro}\n\n" if intro else "")
    start = current.index(heading)
    nxt = current.find("\n## ", start + len(heading))
    end = len(current) if nxt < 0 else nxt + 1
    section = current[start:end].rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    path.write_text(current[:start] + section + ("\n" + current[end:] if nxt >= 0 else ""), encoding="utf-8")
