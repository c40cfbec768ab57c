"""Prepared pages kept on disk between the two passes, so that no page is
extracted twice.

The first pass prepares every page of a host with several pages (HTML
extraction, layout: the `prepare` steps, which never read host statistics)
before observing it. Extraction is most of a page's cost, so the first pass
writes each prepared page, pickled, to a spill file as it goes, in input
order; the second pass reads the input again (for the pages the first pass
left out and for the reports of bad records) and, where the spill holds the
page at that position, mends the prepared page instead of preparing it anew.

Nothing is held in memory but the page at hand: the spill is written and
read as a stream. A page the spill lacks (a run resumed after its first
pass, a spill that could not be written) is prepared again: the same output,
only slower. The file lives in a temporary directory and goes with it.

>>> import tempfile, os
>>> from webmend.engines.stream import Position
>>> with tempfile.TemporaryDirectory() as d:
...     spill = Spill(os.path.join(d, "pages.spill"))
...     spill.write(Position(0, 1), b"one"); spill.write(Position(0, 3), b"three")
...     pages = spill.reader()
...     [pages.take(Position(0, i)) for i in range(5)]
[None, b'one', None, b'three', None]
"""
from __future__ import annotations

import pickle
from typing import BinaryIO

from webmend.document import Document
from webmend.engines.stream import Position
from webmend.pipeline import HostStats, Options, observe_prepared, prepare


def prepare_keeping(doc: Document, options: Options) -> tuple[bytes, HostStats]:
    """First pass for one page, keeping its work: the page prepared, pickled
    as prepared (before the observers note anything on it; its source, the
    HTML, no longer needed), and its counts. Both engines keep pages so
    (the local one in a spill, Ray in its object store)."""
    stats = HostStats()
    prepare(doc, options)
    doc.source = ""
    blob = pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)
    observe_prepared(doc, stats, options)
    return blob, stats


class Spill:
    """A stream of (position, pickled prepared page), written in input order."""

    def __init__(self, path: str):
        self.path = path
        self._out: BinaryIO | None = open(path, "wb")
        self.pages = 0
        self.failed: str | None = None  # why writing stopped (a full disk): later pages are prepared again

    def write(self, pos: Position, blob: bytes) -> None:
        if self._out is None:
            return
        try:
            pickle.dump((tuple(pos), blob), self._out, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:
            self.failed = f"{type(exc).__name__}: {exc}"
            self._close_output()
            return
        self.pages += 1

    def _close_output(self) -> None:
        try:
            self._out.close()
        except OSError:
            pass
        self._out = None

    def reader(self) -> "SpillReader":
        """The spill from its start; writing is over."""
        if self._out is not None:
            self._close_output()
        return SpillReader(self.path)


class SpillReader:
    """Takes the pages of a spill by position, positions asked in increasing order."""

    def __init__(self, path: str):
        self._in: BinaryIO | None = open(path, "rb")
        self._next: tuple[tuple[int, int], bytes] | None = None
        self._advance()

    def _advance(self) -> None:
        try:
            self._next = pickle.load(self._in) if self._in is not None else None
        except Exception:  # its end, or a record cut short when writing failed: no more pages
            self._next = None
        if self._next is None:
            self.close()

    def take(self, pos: Position) -> bytes | None:
        """The prepared page at `pos`, or None when the spill lacks it (pages
        before `pos` that were never asked for are passed by)."""
        want = tuple(pos)
        while self._next is not None and self._next[0] < want:
            self._advance()
        if self._next is not None and self._next[0] == want:
            blob = self._next[1]
            self._advance()
            return blob
        return None

    def close(self) -> None:
        if self._in is not None:
            self._in.close()
            self._in = None
