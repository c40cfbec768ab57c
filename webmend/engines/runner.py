"""Driving a run, the same for every engine: the two passes, the corpus stage,
and the output — one file, or shards in a directory that a rerun resumes.

An engine (LocalEngine, RayEngine) has `observe(paths, options, start, census)`
giving (position, host key, HostStats) per page (with a census, only those of
hosts with several pages) and `mend(paths, res, start, report)` giving
(position, Document) per page, both in input order; one that can count the
pages per host first has `census(paths)` (both engines do). This module pools
the host statistics (in input order, so pooled counts are identical whatever
ran them), applies the corpus stage (dedup ...) in output order in this
process, and writes.

Sharded output (`run_sharded`): OUT/part-00000.jsonl.gz, part-00001 ... each
holding `shard_pages` pages in input order, each written beside its name and
renamed onto it when complete. OUT/_manifest.json lists the finished shards
with the input range each covers, [start, end) (position = file index, page
number in that file); OUT/_SUCCESS appears when the run is complete. Resume: the same
command again skips the finished shards and starts reading at the position the
last one ended, so no page is lost or written twice. Checkpoints in OUT/_state/:
- the first (per-host statistics) pass is committed per shard of input
  (hosts.sqlite: the hosts' counts and where the input was read up to, see
  host_store.py), so a run killed in the first pass redoes only the unfinished shard;
- the corpus stage's state after each finished output shard (corpus-00000.pkl,
  with cloudpickle), so near-duplicate clusters continue across a resume.
OUT/_state/ is removed when the run completes.
"""
from __future__ import annotations

import json
import os
import pickle
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from webmend.document import Document
from webmend.engines.host_store import MAX_HOSTS_IN_MEMORY, HostCensus, HostPool, HostStore
from webmend.engines.local import Summary
from webmend.engines.spill import Spill
from webmend.engines.stream import START, Position
from webmend.io.remote import Source, is_url
from webmend.pipeline import HostStats, Options, Resources, corpus_stage, needs_first_pass

Report = Callable[[str], None]
Progress = Callable[[int | None], Callable[[], None]]
MANIFEST = "_manifest.json"
SUCCESS = "_SUCCESS"
STATE = "_state"
SHARD_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".parquet")


class RunMismatch(ValueError):
    """The output directory holds a run of a different command."""


def _no_progress(total: int | None) -> Callable[[], None]:
    return lambda: None


def take_census(engine, paths: Sequence[Source]) -> HostCensus | None:
    """Which hosts have several pages, when the engine can count them (it
    reads the URLs once); None: every page goes through the first pass."""
    census = getattr(engine, "census", None)
    return census(paths) if census is not None else None


def pool_hosts(observed: Iterator[tuple[Position, str, HostStats]], pool: HostPool) -> tuple[Mapping[str, HostStats], int]:
    """Merge per-page statistics into per-host statistics, in input order;
    the hosts past the pool's memory wait on disk (see host_store.py)."""
    n = 0
    for _, key, stats in observed:
        pool.add(key, stats)
        n += 1
    return pool.finish(), n


def open_spill(engine, directory: str, report: Report) -> Spill | None:
    """A spill for the first pass's prepared pages (engines/spill.py) in
    `directory`, when the engine keeps them (the local engine, unless told
    not to); None when it does not, or the file cannot be made."""
    if not getattr(engine, "spill", False):
        return None
    try:
        return Spill(os.path.join(directory, "prepared.spill"))
    except OSError as exc:
        report(f"cannot keep prepared pages between the passes ({exc}): every page is prepared twice")
        return None


def report_spill(spill: Spill | None, report: Report) -> None:
    if spill is not None and spill.failed:
        report(f"prepared pages stopped going to disk after {spill.pages} ({spill.failed}): "
               "the others are prepared again in the second pass")


def spilling(spill: Spill | None) -> dict[str, Spill]:
    """The keyword that hands an engine the spill, when there is one (an
    engine that keeps none takes no such keyword)."""
    return {"spill": spill} if spill is not None else {}


def mend_stream(engine, paths: Sequence[Source], *, options: Options, report: Report = lambda m: None,
                progress: Progress | None = None,
                max_hosts: int = MAX_HOSTS_IN_MEMORY) -> Iterator[tuple[Position, Document]]:
    """Both passes over `paths` and the corpus stage: (position, page) in input order.
    At most `max_hosts` hosts' statistics are held in memory (the rest in a temporary file)."""
    hosts: Mapping[str, HostStats] = {}
    total = census = None
    with tempfile.TemporaryDirectory(prefix="webmend-hosts-") as tmp:
        spill = None
        if needs_first_pass(options):
            census = take_census(engine, paths)
            pool = HostPool(os.path.join(tmp, "hosts.sqlite"), max_hosts)
            spill = open_spill(engine, tmp, report)
            try:
                hosts, total = pool_hosts(engine.observe(paths, options, START, census=census, **spilling(spill)), pool)
            finally:
                pool.close()
            report_spill(spill, report)
            if isinstance(hosts, HostStore):
                report(f"first pass: {len(hosts)} hosts, more than {max_hosts} (--hosts-in-memory): "
                       f"their statistics wait on disk")
            total = census.pages if census is not None else total
        tick = (progress or _no_progress)(total)
        finish = corpus_stage(options)
        res = Resources(options=options, hosts=hosts, alone_if_unseen=census is not None)
        for pos, doc in engine.mend(paths, res, START, report, **spilling(spill)):
            finish(doc)
            tick()
            yield pos, doc


def run_to_writer(engine, paths: Sequence[Source], writer, *, options: Options, report: Report = lambda m: None,
                  progress: Progress | None = None, on_doc: Callable[[Document], None] | None = None,
                  drop_filtered: bool = False, max_hosts: int = MAX_HOSTS_IN_MEMORY) -> Summary:
    """Mend `paths` into one `writer` (which has write(record)); returns the summary.
    With `drop_filtered`, pages failing --filter are counted, not written."""
    summary = Summary()
    t0 = time.perf_counter()
    for _, doc in mend_stream(engine, paths, options=options, report=report, progress=progress,
                              max_hosts=max_hosts):
        if summary.count(doc, drop_filtered=drop_filtered):
            writer.write(doc.to_record(with_input=options.with_input, with_evidence=options.explain))
        if on_doc:
            on_doc(doc)
    summary.seconds = time.perf_counter() - t0
    return summary


# ------------------------------------------------------------ sharded output
def is_sharded_output(output: str) -> bool:
    """A directory (existing, or named with a trailing /) means sharded output."""
    return output != "-" and (output.endswith(("/", os.sep)) or Path(output).is_dir())


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _input_fingerprint(paths: Sequence[Source]) -> list[list[Any]]:
    out = []
    for p in paths:
        if is_url(p):
            out.append([str(p)])
            continue
        try:
            st = os.stat(p)
            out.append([str(Path(p).resolve()), st.st_size, st.st_mtime_ns])
        except OSError:
            out.append([str(p)])
    return out


def command_fingerprint(paths: Sequence[Source], options: Options, shard_pages: int, suffix: str,
                        extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """What must be equal for a rerun to continue a run: inputs, options, sharding."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver = version("webmend")
    except PackageNotFoundError:
        ver = "unknown"
    import hashlib

    listed = json.dumps(_input_fingerprint(paths)).encode("utf-8")
    inputs = {"files": len(paths), "sha1": hashlib.sha1(listed).hexdigest(),
              "first": str(paths[0]) if paths else None}
    import dataclasses

    opts = {k: sorted(v) if isinstance(v, (set, frozenset)) else v for k, v in dataclasses.asdict(options).items()}
    fingerprint = {"webmend": ver, "inputs": inputs, "options": opts, "shard_pages": shard_pages,
                   "suffix": suffix, **(extra or {})}
    return json.loads(json.dumps(fingerprint, default=str))  # as the manifest will hold it


class ShardedOutput:
    """The state of a sharded output directory: its manifest and checkpoints."""

    def __init__(self, out_dir: Path, fingerprint: dict[str, Any], restart: bool = False):
        self.dir = out_dir
        self.state = out_dir / STATE
        out_dir.mkdir(parents=True, exist_ok=True)
        if restart:
            self.clear()
        for stale in out_dir.glob(".part-*.tmp-*"):  # a killed run's unfinished shard
            stale.unlink(missing_ok=True)
        manifest = out_dir / MANIFEST
        if manifest.exists():
            self.manifest = json.loads(manifest.read_text(encoding="utf-8"))
            if self.manifest.get("command") != fingerprint:
                raise RunMismatch(f"{out_dir} holds the output of a different command (other inputs, options "
                                  "or shard size); give another output directory, or --restart to replace it")
        else:
            if any(out_dir.glob("part-*")):
                raise RunMismatch(f"{out_dir} holds part-* files but no {MANIFEST}; not writing over them "
                                  "(--restart replaces them)")
            self.manifest = {"version": 1, "command": fingerprint, "shards": [], "complete": False}
            self._save_manifest()
        self.state.mkdir(exist_ok=True)

    def clear(self) -> None:
        """Remove a previous run's files (ours only: shards, manifest, state, marker)."""
        for p in list(self.dir.glob("part-*")) + list(self.dir.glob(".part-*")):
            p.unlink(missing_ok=True)
        for name in (MANIFEST, SUCCESS):
            (self.dir / name).unlink(missing_ok=True)
        shutil.rmtree(self.state, ignore_errors=True)

    @property
    def complete(self) -> bool:
        return bool(self.manifest.get("complete")) and (self.dir / SUCCESS).exists()

    def _save_manifest(self) -> None:
        _write_atomic(self.dir / MANIFEST, json.dumps(self.manifest, indent=1).encode("utf-8"))

    # -- first pass checkpoints
    @property
    def hosts_file(self) -> str:
        """The first pass's per-host statistics, committed per input shard (host_store.py)."""
        return str(self.state / "hosts.sqlite")

    # -- output shards
    @property
    def shards(self) -> list[dict[str, Any]]:
        return self.manifest["shards"]

    def resume_point(self) -> Position:
        return Position(*self.shards[-1]["end"]) if self.shards else START

    def corpus_state(self):
        """The corpus stage as it was after the last finished shard, or None."""
        if not self.shards:
            return None
        import cloudpickle  # noqa: F401 - needed to load what it pickled

        try:
            with open(self.state / self.shards[-1]["corpus_state"], "rb") as f:
                return pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError) as exc:
            raise RunMismatch(f"{self.dir}: the checkpoint of the last finished shard is missing or broken "
                              f"({exc}); --restart starts the run afresh") from None

    def finish_shard(self, name: str, start: Position, end: Position, pages: int, errors: int, finish) -> None:
        """Record a published shard: corpus state first, then the manifest entry."""
        import cloudpickle

        k = len(self.shards)
        state_name = f"corpus-{k:05d}.pkl"
        _write_atomic(self.state / state_name, cloudpickle.dumps(finish))
        self.shards.append({"name": name, "start": list(start), "end": list(end), "pages": pages,
                            "errors": errors, "corpus_state": state_name})
        self._save_manifest()
        if k:
            (self.state / f"corpus-{k - 1:05d}.pkl").unlink(missing_ok=True)

    def finish_run(self, summary: Summary) -> None:
        self.manifest["complete"] = True
        self.manifest["pages"] = sum(s["pages"] for s in self.shards)
        self.manifest["errors"] = sum(s["errors"] for s in self.shards)
        self._save_manifest()
        _write_atomic(self.dir / SUCCESS, json.dumps({"pages": self.manifest["pages"],
                                                      "errors": self.manifest["errors"]}).encode("utf-8"))
        shutil.rmtree(self.state, ignore_errors=True)


def _first_pass(engine, paths, options: Options, out: ShardedOutput, shard_pages: int,
                report: Report, max_hosts: int, census: HostCensus | None,
                spill: Spill | None = None) -> tuple[Mapping[str, HostStats], int]:
    """Host statistics, committed to OUT/_state/hosts.sqlite per `shard_pages`
    pages observed: a run killed in the first pass redoes only the unfinished
    shard. The pages it prepares go to `spill` (a resumed run's spill holds
    those after the resume point only)."""
    pool = HostPool(out.hosts_file, max_hosts, resume=True)
    try:
        done = pool.meta()
        total = done.get("pages", 0)
        if done.get("last"):
            return pool.finish(), total
        start = Position(*done["end"]) if done else START
        if done:
            report(f"{out.dir}: first pass resumes after {total} pages ({done['checkpoints']} checkpoints)")
        k, n, end = done.get("checkpoints", 0), 0, start
        for pos, key, stats in engine.observe(paths, options, start, census=census, **spilling(spill)):
            pool.add(key, stats)
            n += 1
            end = pos.next()
            if n == shard_pages:
                total, k, n = total + n, k + 1, 0
                pool.checkpoint({"end": list(end), "pages": total, "checkpoints": k, "last": False})
        total += n
        pool.checkpoint({"end": list(end), "pages": total, "checkpoints": k + 1, "last": True})
        return pool.finish(), total
    finally:
        pool.close()


def run_sharded(engine, paths: Sequence[Source], out_dir: str | Path, *, options: Options,
                shard_pages: int = 10_000, suffix: str = ".jsonl.gz", restart: bool = False,
                report: Report = lambda m: None, progress: Progress | None = None,
                on_doc: Callable[[Document], None] | None = None,
                fingerprint_extra: dict[str, Any] | None = None, drop_filtered: bool = False,
                max_hosts: int = MAX_HOSTS_IN_MEMORY) -> Summary:
    """Mend `paths` into shards of `shard_pages` pages in `out_dir`, resuming a
    killed run of the same command where it stopped (see the module's doc).
    With `drop_filtered`, pages failing --filter are counted, not written."""
    from webmend.io.writers import open_writer

    if suffix not in SHARD_SUFFIXES:
        raise ValueError(f"shard format must be one of {', '.join(SHARD_SUFFIXES)}")
    out = ShardedOutput(Path(out_dir), command_fingerprint(paths, options, shard_pages, suffix, fingerprint_extra),
                        restart=restart)
    summary = Summary()
    t0 = time.perf_counter()
    if out.complete:
        report(f"{out_dir}: already complete ({out.manifest.get('pages', 0)} pages); nothing to do")
        summary.pages, summary.errors = out.manifest.get("pages", 0), out.manifest.get("errors", 0)
        return summary
    hosts: Mapping[str, HostStats] = {}
    total = census = spill = None
    if needs_first_pass(options):
        census = take_census(engine, paths)  # the same every run: a resumed first pass leaves out the same pages
        # a first pass done in an earlier run leaves the spill empty: every page is prepared again
        spill = open_spill(engine, str(out.state), report)
        hosts, total = _first_pass(engine, paths, options, out, shard_pages, report, max_hosts, census, spill)
        report_spill(spill, report)
        total = census.pages if census is not None else total
    done = sum(s["pages"] for s in out.shards)
    if out.shards:
        report(f"{out_dir}: resuming after {len(out.shards)} finished shards ({done} pages)")
    tick = (progress or _no_progress)(None if total is None else total - done)
    finish = out.corpus_state() or corpus_stage(options)
    start = out.resume_point()
    writer = None
    shard_start, n, errors = start, 0, 0

    def publish(end: Position) -> None:
        nonlocal writer, shard_start
        writer.close()
        out.finish_shard(Path(writer.path).name, shard_start, end, n, errors, finish)
        writer, shard_start = None, end

    try:
        res = Resources(options=options, hosts=hosts, alone_if_unseen=census is not None)
        for pos, doc in engine.mend(paths, res, start, report, **spilling(spill)):
            if writer is None:
                name = f"part-{len(out.shards):05d}{suffix}"
                writer = open_writer(str(out.dir / name))
                n, errors = 0, 0
            finish(doc)
            if summary.count(doc, drop_filtered=drop_filtered):
                writer.write(doc.to_record(with_input=options.with_input, with_evidence=options.explain))
            n += 1
            errors += bool(doc.error)
            if on_doc:
                on_doc(doc)
            tick()
            if n == shard_pages:
                publish(pos.next())
        if writer is not None:
            publish(Position(len(paths), 0))
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    out.finish_run(summary)
    summary.seconds = time.perf_counter() - t0
    return summary
