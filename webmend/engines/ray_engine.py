"""The Ray engine: the same two passes with Ray Data, on this machine or a cluster.

Reading: each input file is a row; a Ray task reads it (the same readers as
the local engine) into one row per page, the Document pickled. Census: tasks
read each file's host keys (`stream.file_host_keys`, as the local engine
does) and hand them to the driver, which counts them
(`HostCensus`, shared with the tasks through the object store). First pass:
`workers` Ray tasks at a time prepare and observe the pages of hosts with
several pages and return each page's host counts, in input order
(`preserve_order`), which the driver pools exactly as the local engine does. Second pass: tasks mend pages with those host
statistics (shared once through the object store); the driver receives the
pages in input order and applies the corpus stage (dedup) and writes — so the
output is the one the local engine gives for the same input.

Each page is extracted once (`keep_prepared`, the local engine's spill in
Ray's terms): the first pass keeps every row — the prepared page of a host
with several pages, the page of a host alone already mended (it needs no
host's counts: `mend_alone`), and the bad-record reports — in a dataset
materialized in Ray's object store (which spills to disk: no node holds the
corpus in memory), without the pages' HTML; the driver reads only its
counts. The second pass then mends the kept rows instead of reading and
extracting the input again. A second pass that starts elsewhere than the
first (a resumed sharded run) reads the input again.

Install with `pip install 'webmend[ray]'`. `address=None` starts Ray on this
machine with `workers` CPUs; "auto" or "ray://host:10001" joins a cluster (the
inputs must then be readable from every node: shared storage or URLs).
"""
from __future__ import annotations

import logging
import pickle
from typing import Any, Callable, Iterator, Sequence

from webmend.engines.host_store import HostCensus
from webmend.engines.stream import START, Position, file_host_keys, iter_file_pages
from webmend.io.readers import DEFAULT_MAX_PAGE_BYTES
from webmend.io.remote import Source
from webmend.engines.spill import prepare_keeping
from webmend.pipeline import HostStats, Options, Resources, mend_alone, mend_page, mend_prepared, observe

BATCH_PAGES = 8
BLOCK_BYTES = 1 << 20


def _read_file(item: dict[str, Any], max_bytes: int, fields: dict[str, str] | None,
               with_reports: bool) -> Iterator[dict[str, Any]]:
    """Ray flat_map: one input file -> one row per page (or per report)."""
    reports: list[str] = []
    report = reports.append if with_reports else (lambda m: None)
    for pos, doc in iter_file_pages(item["path"], item["index"], item["skip"], report, max_bytes, fields):
        while reports:
            yield {"file": pos.file, "page": -1, "doc": b"", "report": reports.pop(0)}
        yield {"file": pos.file, "page": pos.page, "doc": pickle.dumps(doc, protocol=5), "report": ""}
    for msg in reports:
        yield {"file": item["index"], "page": -1, "doc": b"", "report": msg}


def _host_keys(item: dict[str, Any], max_bytes: int, fields: dict[str, str] | None) -> Iterator[dict[str, Any]]:
    """Ray flat_map: one input file -> the host key of each of its pages (for the census)."""
    for key in file_host_keys(item["path"], item["index"], max_bytes, fields):
        yield {"key": key}


_SHARED: dict[str, Any] = {}  # per worker process: what the driver shared through the object store, by ref


def _shared(ref_box: list):
    """The object behind a (boxed) object ref, fetched once per worker process."""
    import ray

    key = ref_box[0].hex()
    if key not in _SHARED:
        _SHARED.clear()
        _SHARED[key] = ray.get(ref_box[0])
    return _SHARED[key]


def _observe_batch(batch: dict[str, Any], options: Options, census_ref: list | None) -> dict[str, list]:
    """Ray map_batches: per page, its host key and pickled HostStats (with a
    census, only for the pages of hosts with several pages)."""
    census = _shared(census_ref) if census_ref else None
    out: dict[str, list] = {"file": [], "page": [], "key": [], "stats": []}
    for f, p, blob in zip(batch["file"], batch["page"], batch["doc"]):
        if p < 0:
            continue
        doc = pickle.loads(blob)
        if census is not None and not census.several(doc.host_key):
            continue
        stats = HostStats()
        observe(doc, stats, options)
        out["file"].append(int(f))
        out["page"].append(int(p))
        out["key"].append(doc.host_key)
        out["stats"].append(pickle.dumps(stats, protocol=5))
    return out


PREPARED, MENDED, REPORT = "prepared", "mended", "report"  # what a kept row holds


def _observe_keeping_batch(batch: dict[str, Any], options: Options, census_ref: list | None) -> dict[str, list]:
    """Ray map_batches, first pass keeping its work: every row comes out, in
    order — a page of a host with several pages prepared (its HTML dropped)
    with its host key and counts, a page alone on its host mended, a report
    as it was."""
    census = _shared(census_ref) if census_ref else None
    out: dict[str, list] = {"file": [], "page": [], "kind": [], "key": [], "stats": [], "doc": [], "report": []}
    for f, p, blob, msg in zip(batch["file"], batch["page"], batch["doc"], batch["report"]):
        key, stats = "", b""
        if p < 0:
            kind = REPORT
        else:
            doc = pickle.loads(blob)
            if census is not None and not census.several(doc.host_key):
                kind, doc = MENDED, mend_alone(doc, options)
                doc.source = ""
                blob = pickle.dumps(doc, protocol=5)
            else:
                kind = PREPARED
                blob, page_stats = prepare_keeping(doc, options)
                key, stats = doc.host_key, pickle.dumps(page_stats, protocol=5)
        for name, value in (("file", int(f)), ("page", int(p)), ("kind", kind), ("key", key), ("stats", stats),
                            ("doc", blob), ("report", msg)):
            out[name].append(value)
    return out


def _mend_batch(batch: dict[str, Any], bare: Resources, hosts_ref: list) -> dict[str, list]:
    """Ray map_batches, second pass: pages mended with the run's host
    statistics (fetched once per worker process from the object store). Rows
    as read are mended whole; rows the first pass kept (with a `kind`
    column) only where it prepared the page, the rest passed on as kept."""
    import dataclasses

    res = dataclasses.replace(bare, hosts=_shared(hosts_ref))
    kinds = batch["kind"] if "kind" in batch else [None] * len(batch["page"])
    out: dict[str, list] = {"file": [], "page": [], "doc": [], "report": []}
    for f, p, kind, blob, msg in zip(batch["file"], batch["page"], kinds, batch["doc"], batch["report"]):
        if kind == PREPARED or (kind is None and p >= 0):
            doc = mend_prepared(pickle.loads(blob), res) if kind else mend_page(pickle.loads(blob), res)
            doc.source = ""
            blob = pickle.dumps(doc, protocol=5)
        out["file"].append(int(f))
        out["page"].append(int(p))
        out["doc"].append(blob)
        out["report"].append(msg)
    return out


class RayEngine:
    """Pages through Ray tasks, `workers` at a time; see the module's doc."""

    name = "ray"

    def __init__(self, workers: int = 2, address: str | None = None, max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
                 fields: dict[str, str] | None = None, keep_prepared: bool = True):
        self.workers = workers
        self.address = address
        self.max_bytes = max_bytes
        self.fields = fields
        self.keep_prepared = keep_prepared  # the first pass's rows kept for the second (see the module's doc)
        self._kept: tuple | None = None     # (paths, start, census?, materialized rows) of the last first pass
        self._started = False
        import ray.data  # noqa: F401 - fail here, at the start, when Ray is not installed

    def _ray(self):
        import ray

        if not ray.is_initialized():
            for name in ("ray", "ray.data"):
                logging.getLogger(name).setLevel(logging.ERROR)
            kw: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                  "configure_logging": False,
                                  # one BLAS thread a worker (see local.one_math_thread)
                                  "runtime_env": {"env_vars": {"OPENBLAS_NUM_THREADS": "1"}}}
            if self.address:
                ray.init(address=self.address, **kw)
            else:
                ray.init(num_cpus=self.workers, **kw)
            self._started = True
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.ERROR)
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        # small blocks, so the pages of one big WARC spread over the workers
        ctx.target_max_block_size = BLOCK_BYTES
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        return ray

    def _pages(self, paths: Sequence[Source], start: Position, with_reports: bool):
        ray = self._ray()
        items = [{"index": i, "path": str(paths[i]), "skip": start.page if i == start.file else 0}
                 for i in range(start.file, len(paths))]
        ds = ray.data.from_items(items, override_num_blocks=max(1, min(len(items), 4 * self.workers)))
        return ds.flat_map(_read_file, fn_args=(self.max_bytes, self.fields, with_reports))

    def census(self, paths: Sequence[Source]) -> HostCensus:
        """Which hosts have several pages: Ray tasks read the files' host keys
        (a WARC's from its record headers alone), the driver counts them."""
        census = HostCensus()
        if paths:
            items = [{"index": i, "path": str(p)} for i, p in enumerate(paths)]
            ds = self._ray().data.from_items(items, override_num_blocks=max(1, min(len(items), 4 * self.workers)))
            for row in ds.flat_map(_host_keys, fn_args=(self.max_bytes, self.fields)).iter_rows():
                census.add(row["key"])
        return census

    def observe(self, paths: Sequence[Source], options: Options, start: Position = START,
                census: HostCensus | None = None) -> Iterator[tuple[Position, str, HostStats]]:
        """First pass: each page's position, host key and counts, in input order;
        with a `census`, only the pages of hosts with several pages."""
        self._kept = None
        if start.file >= len(paths):
            return
        ray = self._ray()
        census_ref = [ray.put(census)] if census is not None else None
        if self.keep_prepared:
            kept = self._pages(paths, start, with_reports=True).map_batches(
                _observe_keeping_batch, fn_args=(options, census_ref), batch_size=BATCH_PAGES, batch_format="numpy",
                compute=ray.data.TaskPoolStrategy(size=self.workers)).materialize()
            self._kept = (tuple(map(str, paths)), start, census is not None, kept)
            for row in kept.select_columns(["file", "page", "kind", "key", "stats"]).iter_rows():
                if row["kind"] == PREPARED:
                    yield Position(int(row["file"]), int(row["page"])), row["key"], pickle.loads(row["stats"])
            return
        ds = self._pages(paths, start, with_reports=False).map_batches(
            _observe_batch, fn_args=(options, census_ref), batch_size=BATCH_PAGES, batch_format="numpy",
            compute=ray.data.TaskPoolStrategy(size=self.workers))
        for row in ds.iter_rows():
            yield Position(int(row["file"]), int(row["page"])), row["key"], pickle.loads(row["stats"])

    def mend(self, paths: Sequence[Source], res: Resources, start: Position = START,
             report: Callable[[str], None] = lambda m: None):
        if start.file >= len(paths):
            return
        ray = self._ray()
        import dataclasses

        hosts_ref = ray.put(res.hosts)
        bare = dataclasses.replace(res, hosts={})  # the resources but the hosts, which go by the object store
        kept, self._kept = self._kept, None
        if kept is not None and kept[:3] == (tuple(map(str, paths)), start, res.alone_if_unseen):
            rows = kept[3]
        else:  # no first pass this run, or one from elsewhere: the input is read again
            rows = self._pages(paths, start, with_reports=True)
        ds = rows.map_batches(_mend_batch, fn_args=(bare, [hosts_ref]), batch_size=BATCH_PAGES, batch_format="numpy",
                              compute=ray.data.TaskPoolStrategy(size=self.workers))
        for row in ds.iter_rows():
            if int(row["page"]) < 0:
                report(row["report"])
                continue
            yield Position(int(row["file"]), int(row["page"])), pickle.loads(row["doc"])

    def close(self) -> None:
        if self._started:
            import ray

            ray.shutdown()
            self._started = False
