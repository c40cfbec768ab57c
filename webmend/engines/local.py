"""The local engine: worker processes over a stream of pages, output in input order.

Two passes when a step learns from a host's pages: the first reads every page,
prepares and observes it, and pools counts per host; the second reads again
and mends each page with its host's statistics. Nothing but those bounded
counts is kept between the passes, so memory does not grow with the corpus.

The parent process reads the inputs and hands pages to the workers; at most
`IN_FLIGHT_PER_WORKER` pages per worker are on their way at any time, so a
huge input never piles up in memory ahead of slow workers.

Runs (single output file, or sharded with resume) are driven by
webmend/engines/runner.py, the same for this engine and the Ray engine.
"""
from __future__ import annotations

import multiprocessing as mp
import sys
import threading
from functools import partial
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from webmend.document import Document
from webmend.engines.stream import START, Position, iter_pages
from webmend.io.readers import DEFAULT_MAX_PAGE_BYTES
from webmend.io.remote import Source
from webmend.pipeline import HostStats, Options, Resources, active_steps, observe, run_steps

IN_FLIGHT_PER_WORKER = 16


@dataclass
class Summary:
    pages: int = 0
    errors: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.pages / self.seconds if self.seconds > 0 else 0.0
        return f"webmend: {self.pages} pages, {self.errors} with errors, {self.seconds:.1f} s, {rate:.1f} pages/s"


# ------------------------------------------------------------ worker side
_RES: Resources | None = None


def _init_worker(res: Resources) -> None:
    global _RES
    _RES = res
    _die_with_parent()


def _die_with_parent() -> None:
    """On Linux, have the kernel end this worker when its parent dies (even by
    SIGKILL), so a killed run leaves no orphaned workers behind."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _observe_with(res: Resources, item: tuple[Position, Document]) -> tuple[Position, str, HostStats]:
    pos, doc = item
    stats = HostStats()
    observe(doc, stats, res.options)
    return pos, doc.host_key, stats


def _mend_with(res: Resources, item: tuple[Position, Document]) -> tuple[Position, Document]:
    pos, doc = item
    run_steps(doc, res)
    doc.source = ""  # not needed by the parent; keep the pipe light
    return pos, doc


def _in_worker(fn: Callable, item):
    assert _RES is not None
    return fn(_RES, item)


class _Gate:
    """Lets at most `slots` items be on their way to the workers at once."""

    def __init__(self, slots: int):
        self._free = threading.Semaphore(slots)
        self._closed = False

    def feed(self, items: Iterable) -> Iterator:
        for item in items:
            self._free.acquire()
            if self._closed:
                return
            yield item

    def done(self) -> None:
        self._free.release()

    def close(self) -> None:
        self._closed = True
        self._free.release()  # wake the feeder if it waits


def _map(fn: Callable, items: Iterable, workers: int, res: Resources) -> Iterator:
    """Ordered map over a stream, in this process or a pool of `workers`."""
    if workers <= 1:
        yield from map(partial(fn, res), items)
        return
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    gate = _Gate(workers * IN_FLIGHT_PER_WORKER)
    with ctx.Pool(workers, initializer=_init_worker, initargs=(res,)) as pool:
        try:
            for out in pool.imap(partial(_in_worker, fn), gate.feed(items), chunksize=2):
                gate.done()
                yield out
        finally:
            gate.close()


def needs_first_pass(options: Options) -> bool:
    return any(s.observe is not None for s in active_steps(options))


class LocalEngine:
    """Pages through worker processes on this machine (`workers` = 1: in this process)."""

    name = "local"

    def __init__(self, workers: int = 1, max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
                 fields: dict[str, str] | None = None):
        self.workers = workers
        self.max_bytes = max_bytes
        self.fields = fields

    def observe(self, paths: Sequence[Source], options: Options,
                start: Position = START) -> Iterator[tuple[Position, str, HostStats]]:
        """First pass: each page's position, host key and counts, in input order
        (problems are not reported here: the second pass reports them)."""
        pages = iter_pages(paths, start, lambda m: None, self.max_bytes, self.fields)
        yield from _map(_observe_with, pages, self.workers, Resources(options=options))

    def mend(self, paths: Sequence[Source], res: Resources, start: Position = START,
             report: Callable[[str], None] = lambda m: None) -> Iterator[tuple[Position, Document]]:
        """Second pass: each mended page with its position, in input order."""
        pages = iter_pages(paths, start, report, self.max_bytes, self.fields)
        yield from _map(_mend_with, pages, self.workers, res)

    def close(self) -> None:
        pass


# ------------------------------------------------------------ the simple API
def mend_paths(paths: list[Path], *, options: Options, workers: int = 1,
               report: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
               max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
               progress: Callable[[int | None], Callable[[], None]] | None = None,
               fields: dict[str, str] | None = None) -> Iterator[Document]:
    """Mend every page of `paths`, yielding Documents in input order (corpus
    steps applied). `progress(total)` is called once before the second pass and
    returns a function called after each page (for a progress bar)."""
    from webmend.engines.runner import mend_stream

    engine = LocalEngine(workers, max_bytes, fields)
    for _, doc in mend_stream(engine, paths, options=options, report=report, progress=progress):
        yield doc


def run(paths: list[Path], writer, *, options: Options, workers: int = 1,
        report: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
        max_bytes: int = DEFAULT_MAX_PAGE_BYTES, progress=None,
        on_doc: Callable[[Document], None] | None = None,
        fields: dict[str, str] | None = None) -> Summary:
    """Mend `paths` into `writer` (which has write(record)); returns the summary."""
    from webmend.engines.runner import run_to_writer

    return run_to_writer(LocalEngine(workers, max_bytes, fields), paths, writer, options=options,
                         report=report, progress=progress, on_doc=on_doc)
