"""The local engine: worker processes over a stream of pages, output in input order.

Two passes when a step learns from a host's pages: the first reads every page,
prepares and observes it, and pools counts per host; the second reads again
and mends each page with its host's statistics. Nothing but those bounded
counts is kept between the passes, so memory does not grow with the corpus.
"""
from __future__ import annotations

import multiprocessing as mp
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from webmend.document import Document
from webmend.io.readers import DEFAULT_MAX_PAGE_BYTES, read_inputs
from webmend.pipeline import HostStats, Options, Resources, active_steps, corpus_stage, observe, run_steps


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


def _observe_one(doc: Document) -> tuple[str, HostStats]:
    stats = HostStats()
    assert _RES is not None
    observe(doc, stats, _RES.options)
    return doc.host_key, stats


def _mend_one(doc: Document) -> Document:
    assert _RES is not None
    run_steps(doc, _RES)
    doc.source = ""  # not needed by the parent; keep the pipe light
    return doc


def _map(fn: Callable, items: Iterable, workers: int, res: Resources) -> Iterator:
    """Ordered map over a stream, in this process or a pool of `workers`."""
    if workers <= 1:
        _init_worker(res)
        yield from map(fn, items)
        return
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(workers, initializer=_init_worker, initargs=(res,)) as pool:
        yield from pool.imap(fn, items, chunksize=2)


# ------------------------------------------------------------ parent side
def needs_first_pass(options: Options) -> bool:
    return any(s.observe is not None for s in active_steps(options))


def mend_paths(paths: list[Path], *, options: Options, workers: int = 1,
               report: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
               max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
               progress: Callable[[int | None], Callable[[], None]] | None = None) -> Iterator[Document]:
    """Mend every page of `paths`, yielding Documents in input order.

    `progress(total)` is called once before the second pass and returns a
    function called after each page (for a progress bar)."""
    hosts: dict[str, HostStats] = {}
    total = None
    if needs_first_pass(options):
        total = 0
        quiet = lambda m: None  # noqa: E731 - problems are reported in the second pass
        for key, stats in _map(_observe_one, read_inputs(paths, quiet, max_bytes), workers, Resources(options=options)):
            hosts.setdefault(key, HostStats()).merge(stats)
            total += 1
    res = Resources(options=options, hosts=hosts)
    tick = progress(total) if progress else (lambda: None)
    finish = corpus_stage(options)  # dedup and other whole-corpus steps, in output order
    for doc in _map(_mend_one, read_inputs(paths, report, max_bytes), workers, res):
        finish(doc)
        tick()
        yield doc


def run(paths: list[Path], writer, *, options: Options, workers: int = 1,
        report: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
        max_bytes: int = DEFAULT_MAX_PAGE_BYTES, progress=None,
        on_doc: Callable[[Document], None] | None = None) -> Summary:
    """Mend `paths` into `writer` (which has write(record)); returns the summary."""
    summary = Summary()
    t0 = time.perf_counter()
    for doc in mend_paths(paths, options=options, workers=workers, report=report,
                          max_bytes=max_bytes, progress=progress):
        writer.write(doc.to_record(with_input=options.with_input, with_evidence=options.explain))
        summary.pages += 1
        summary.errors += bool(doc.error)
        if on_doc:
            on_doc(doc)
    summary.seconds = time.perf_counter() - t0
    return summary
