"""The local engine: worker processes over a stream of pages, output in input order.

Two passes when a step learns from a host's pages: the first reads every page,
prepares and observes it, and pools counts per host; the second reads again
and mends each page with its host's statistics. Nothing but those bounded
counts is kept between the passes, and past `--hosts-in-memory` hosts they
wait on disk (engines/host_store.py), so memory does not grow with the corpus.

The parent process reads the inputs and hands pages to the workers; at most
`IN_FLIGHT_PER_WORKER` pages per worker are on their way at any time, so a
huge input never piles up in memory ahead of slow workers.

Runs (single output file, or sharded with resume) are driven by
webmend/engines/runner.py, the same for this engine and the Ray engine.
"""
from __future__ import annotations

import dataclasses
import multiprocessing as mp
import os
import pickle
import sys
import tempfile
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Iterable, Iterator, Sequence

from webmend.document import Document
from webmend.engines.stream import START, Position, file_host_keys, iter_pages
from webmend.io.readers import DEFAULT_MAX_PAGE_BYTES
from webmend.io.remote import Source
from webmend.engines.host_store import HostCensus
from webmend.engines.spill import Spill, prepare_keeping
from webmend.pipeline import HostStats, Options, Resources, mend_page, mend_prepared, observe

IN_FLIGHT_PER_WORKER = 16


@dataclass
class Summary:
    pages: int = 0
    errors: int = 0
    seconds: float = 0.0
    filtered: int = 0  # pages left out by --filter
    filtered_rules: Counter = field(default_factory=Counter)  # failed rule -> pages

    def line(self) -> str:
        rate = self.pages / self.seconds if self.seconds > 0 else 0.0
        out = f"webmend: {self.pages} pages, {self.errors} with errors, {self.seconds:.1f} s, {rate:.1f} pages/s"
        if self.filtered:
            top = ", ".join(f"{r} ({n})" for r, n in self.filtered_rules.most_common(5))
            out += f"; {self.filtered} filtered out (commonest failed rules: {top})"
        return out

    def count(self, doc: Document, *, drop_filtered: bool) -> bool:
        """Count a finished page; False when --filter leaves it out of the output."""
        self.pages += 1
        self.errors += bool(doc.error)
        failed = doc.signals.get("filtered")
        if failed and drop_filtered:
            self.filtered += 1
            self.filtered_rules.update(failed)
            return False
        return True


# ------------------------------------------------------------ worker side
# A worker serves both passes (so what steps load on first use is loaded once
# per worker, not once per worker and pass). Each task names its pass's
# resources: the options, and for the second pass a file holding the pooled
# host statistics, which the worker loads on its first task of that pass.
_CONTEXTS: dict[str, Resources] = {}


def _init_worker() -> None:
    _die_with_parent()
    one_math_thread()


def one_math_thread() -> None:
    """Have numpy's BLAS (OpenBLAS) use one thread in this process. webmend's
    matrices are tiny (a page's blocks by some 30 features): more threads
    win nothing on them, and they spin between calls on the cores the
    worker processes need. Measured: with OpenBLAS's default threads, 2
    workers on 2 cores ran slower than 1 (docs/benchmarks.md, Corpus runs)."""
    from threadpoolctl import threadpool_limits

    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # for a BLAS loaded later (scipy's own), and child processes
    threadpool_limits(limits=1, user_api="blas")  # for those loaded already (numpy's)


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


def _resources(token: str, hosts_file: str | None, bare: Resources) -> Resources:
    res = _CONTEXTS.get(token)
    if res is None:
        res = bare
        if hosts_file:
            with open(hosts_file, "rb") as f:
                res = dataclasses.replace(bare, hosts=pickle.load(f))
        _CONTEXTS.clear()
        _CONTEXTS[token] = res
    return res


def _task(fn: Callable, token: str, hosts_file: str | None, bare: Resources, item):
    return fn(_resources(token, hosts_file, bare), item)


def _observe_with(res: Resources, item: tuple[Position, Document]) -> tuple[Position, str, HostStats]:
    pos, doc = item
    stats = HostStats()
    observe(doc, stats, res.options)
    return pos, doc.host_key, stats


def _observe_spilling_with(res: Resources, item: tuple[Position, Document]) -> tuple[Position, str, HostStats, bytes]:
    """`_observe_with`, and the prepared page pickled for the spill (`prepare_keeping`)."""
    pos, doc = item
    blob, stats = prepare_keeping(doc, res.options)
    return pos, doc.host_key, stats, blob


def _mend_with(res: Resources, item: tuple[Position, Document | bytes]) -> tuple[Position, Document]:
    """Second pass for one page: given as read, or as the first pass prepared
    it (pickled, from the spill)."""
    pos, page = item
    doc = mend_prepared(pickle.loads(page), res) if isinstance(page, bytes) else mend_page(page, res)
    doc.source = ""  # not needed by the parent; keep the pipe light
    return pos, doc


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


class LocalEngine:
    """Pages through worker processes on this machine (`workers` = 1: in this
    process). One pool serves both passes; `close()` ends it."""

    name = "local"

    def __init__(self, workers: int = 1, max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
                 fields: dict[str, str] | None = None, spill: bool = True):
        self.workers = workers
        self.max_bytes = max_bytes
        self.fields = fields
        self.spill = spill  # keep the first pass's prepared pages on disk for the second (engines/spill.py)
        self._pool = None
        self._tmpdir: tempfile.TemporaryDirectory | None = None

    def census(self, paths: Sequence[Source]) -> HostCensus:
        """Which hosts have several pages: every page's host read once, in this
        process (a WARC's from its record headers alone)."""
        census = HostCensus()
        for i, path in enumerate(paths):
            for key in file_host_keys(path, i, self.max_bytes, self.fields):
                census.add(key)
        return census

    def observe(self, paths: Sequence[Source], options: Options, start: Position = START,
                census: HostCensus | None = None, spill: Spill | None = None) -> Iterator[tuple[Position, str, HostStats]]:
        """First pass: each page's position, host key and counts, in input order
        (problems are not reported here: the second pass reports them); with a
        `census`, only the pages of hosts with several pages. With a `spill`,
        each prepared page is written to it (engines/spill.py)."""
        pages = iter_pages(paths, start, lambda m: None, self.max_bytes, self.fields)
        if census is not None:
            pages = (item for item in pages if census.several(item[1].host_key))
        res = Resources(options=options)
        if spill is None:
            yield from self.map(_observe_with, pages, res)
            return
        for pos, key, stats, blob in self.map(_observe_spilling_with, pages, res):
            spill.write(pos, blob)
            yield pos, key, stats

    def mend(self, paths: Sequence[Source], res: Resources, start: Position = START,
             report: Callable[[str], None] = lambda m: None,
             spill: Spill | None = None) -> Iterator[tuple[Position, Document]]:
        """Second pass: each mended page with its position, in input order; a
        page the `spill` holds is mended as the first pass prepared it."""
        pages: Iterable = iter_pages(paths, start, report, self.max_bytes, self.fields)
        if spill is not None:
            prepared = spill.reader()
            pages = ((pos, prepared.take(pos) or doc) for pos, doc in pages)
        yield from self.map(_mend_with, pages, res)

    def map(self, fn: Callable, items: Iterable, res: Resources) -> Iterator:
        """Ordered `fn(res, item)` over a stream, here or in the pool, with at most
        IN_FLIGHT_PER_WORKER items per worker handed out at a time."""
        if self.workers <= 1:
            yield from map(partial(fn, res), items)
            return
        token = uuid.uuid4().hex
        hosts_file = None
        if res.hosts:
            if self._tmpdir is None:
                self._tmpdir = tempfile.TemporaryDirectory(prefix="webmend-")
            hosts_file = os.path.join(self._tmpdir.name, f"hosts-{token}.pkl")
            with open(hosts_file, "wb") as f:
                pickle.dump(res.hosts, f, protocol=pickle.HIGHEST_PROTOCOL)
        pool = self._get_pool()
        gate = _Gate(self.workers * IN_FLIGHT_PER_WORKER)
        try:
            bare = dataclasses.replace(res, hosts={})  # the resources but the hosts, which go by file
            for out in pool.imap(partial(_task, fn, token, hosts_file, bare), gate.feed(items), chunksize=2):
                gate.done()
                yield out
        except BaseException:
            self.close()  # tasks of an abandoned map must not linger in the pool
            raise
        finally:
            gate.close()

    def _get_pool(self):
        if self._pool is None:
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
            self._pool = ctx.Pool(self.workers, initializer=_init_worker)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None
