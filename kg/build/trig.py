"""graph.trig written one named graph at a time, and read back in chunks for the store load.

Takes named graphs as N-Triples text (`kg.graph.rdf.ntriples`, or the statements a worker
rendered) and gives the file plus `Chunk`s: whole graph blocks as TriG for the named graphs,
and the same lines without their block headers as N-Triples for the store's union copy.

Every block is `<graph> {` + one N-Triples line per triple + `}`: plain TriG that streams,
where prefixed names would need rdflib's Turtle serializer (whose shared namespace trie made
assembling 10,000 articles take many minutes). The writer keeps each block's position, so a
chunk is read by offset, never by splitting the file into lines in Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rdflib.term import Node

from kg.graph.rdf import NamedGraph, ntriples

HEADER = b"# posture-kg: one named graph per article (id:graph/article/...), plus id:graph/derived\n\n"
#: Lines per block and per chunk: Oxigraph's bulk loader holds a whole text at once, and one
#: large block (the derived graph of a big build) cost 0.5 GiB at 10,000 articles.
MAX_LINES = 50_000


@dataclass(frozen=True)
class Block:
    """Where one graph block lies in the file: its header starts at `start`, its lines at `body`."""

    start: int
    body: int
    end: int  # just after the block's lines, where its closing brace starts
    lines: int
    union: bool  # whether its lines belong to the union (the precomputed answers do not)


@dataclass(frozen=True)
class Chunk:
    """Consecutive whole blocks: `trig` for the named graphs, `union` their lines as N-Triples."""

    trig: bytes
    union: bytes
    lines: int


class TrigWriter:
    """graph.trig at `path`, one block per `add_lines`/`add` call (a large graph in several blocks)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._file = self.path.open("wb")
        self._file.write(HEADER)
        self._offset = len(HEADER)
        self.blocks: list[Block] = []
        self.lines = 0  # triple lines written

    def add_lines(self, graph: Node, lines: bytes, *, union: bool = True) -> None:
        """One block of `graph` holding `lines`: N-Triples, each line ending in a newline.

        A block with `union=False` is left out of every chunk's `union` text.
        """
        head = f"<{graph}> {{\n".encode()
        count = lines.count(b"\n")
        body = self._offset + len(head)
        self._file.write(head + lines + b"}\n\n")
        self.blocks.append(Block(self._offset, body, body + len(lines), count, union))
        self._offset = body + len(lines) + 3
        self.lines += count

    def add(self, graph: NamedGraph, max_lines: int = MAX_LINES) -> None:
        """Every triple of `graph`, sorted, in blocks of at most `max_lines` lines."""
        self.add_text(graph.identifier, ntriples(graph), max_lines)

    def add_text(self, graph: Node, lines: bytes, max_lines: int = MAX_LINES) -> None:
        """N-Triples `lines` of `graph` in blocks of at most `max_lines` lines."""
        for block in split_lines(lines, max_lines):
            self.add_lines(graph, block)

    def flush(self) -> None:
        self._file.flush()

    def chunks(self, max_lines: int = MAX_LINES) -> Iterator[Chunk]:
        """The blocks written and flushed so far, grouped into chunks of about `max_lines` lines.

        Reads the file through its own handle, so several readers (the store load in a thread,
        the pages in a forked process) can read at once; the writer must `flush` first.
        """
        blocks = list(self.blocks)
        with self.path.open("rb") as source:
            group: list[Block] = []
            for block in blocks:
                group.append(block)
                if sum(b.lines for b in group) >= max_lines:
                    yield _read(source, group)
                    group = []
            if group:
                yield _read(source, group)

    def union_lines(self) -> Iterator[bytes]:
        """The lines of every block of the union (a triple held by several graphs comes once per graph)."""
        for chunk in self.chunks():
            yield chunk.union

    def close(self) -> None:
        self._file.close()


def split_lines(lines: bytes, max_lines: int) -> Iterator[bytes]:
    """`lines` (N-Triples: literals hold no raw line breaks) in pieces of at most `max_lines` lines."""
    split = lines.splitlines(keepends=True)
    for start in range(0, max(len(split), 1), max_lines):
        yield b"".join(split[start : start + max_lines])


def _read(source: BinaryIO, group: list[Block]) -> Chunk:
    first, last = group[0], group[-1]
    source.seek(first.start)
    data = source.read(last.end + 2 - first.start)  # up to the last block's closing brace
    view = memoryview(data)
    union = b"".join(view[b.body - first.start : b.end - first.start] for b in group if b.union)
    return Chunk(data, union, sum(b.lines for b in group))
