"""Bounded first-pass memory: a corpus with more hosts than `--hosts-in-memory`
keeps the rest on disk (engines/host_store.py), and the output is the same,
edit for edit, as with every host in memory — in one process and with
worker processes that read the store themselves."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import SHARED, read_jsonl, run_cli
from webmend.document import Document
from webmend.engines import runner
from webmend.engines.host_store import HostPool, HostStore
from webmend.engines.local import LocalEngine
from webmend.pipeline import HostStats, Options, observe

GEN = SHARED / "bench" / "damage" / "gen.py"
TRUTH = SHARED / "bench" / "article-extraction" / "ground-truth.json"
WET = SHARED / "bench" / "article-extraction" / "wet.jsonl.gz"
needs_bench = pytest.mark.skipif(not GEN.exists(), reason="shared benchmark not available")


class _Records:
    def __init__(self):
        self.records: list[dict] = []

    def write(self, record: dict) -> None:
        self.records.append(record)


def _run(path, max_hosts: int, workers: int = 1) -> list[dict]:
    out, reports = _Records(), []
    engine = LocalEngine(workers)
    try:
        runner.run_to_writer(engine, [str(path)], out, options=Options(), report=reports.append,
                             max_hosts=max_hosts)
    finally:
        engine.close()
    spilled = any("wait on disk" in m for m in reports)
    return out.records, spilled


def _edits(records: list[dict]) -> list:
    return [(r["id"], r["text"], [(e["kind"], e["start"], e["end"], e["after"]) for e in r["edits"]])
            for r in records]


@needs_bench
def test_hosts_on_disk_give_the_same_output_as_in_memory(tmp_path):
    """gen.py's damaged corpus (16 hosts, whose damage is learned per host),
    its pages interleaved so hosts come and go: with 3 hosts in memory the
    first pass spills to disk, and the output equals the all-in-memory run,
    in this process and with 2 workers."""
    subprocess.run([sys.executable, str(GEN), str(TRUTH), str(tmp_path)], check=True, capture_output=True)
    records = [json.loads(line) for line in (tmp_path / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    by_host: dict[str, list[dict]] = {}
    for r in records:
        by_host.setdefault(r["url"].split("/")[2], []).append(r)
    rounds = [[pages[i] for pages in by_host.values() if i < len(pages)] for i in range(3)]
    path = tmp_path / "mixed.jsonl"  # three pages of each host, a host's pages far apart
    path.write_text("".join(json.dumps(r) + "\n" for r in sum(rounds, [])), encoding="utf-8")

    whole, spilled = _run(path, max_hosts=10_000)
    assert not spilled
    small, spilled = _run(path, max_hosts=3)
    assert spilled
    assert _edits(small) == _edits(whole)
    assert sum(len(r["edits"]) for r in whole) > 50  # the pages were damaged and mended
    two, _ = _run(path, max_hosts=3, workers=2)  # workers open the store themselves
    assert _edits(two) == _edits(whole)


@pytest.mark.skipif(not WET.exists(), reason="shared benchmark not available")
def test_pool_memory_is_bounded_and_counts_add_up(tmp_path):
    """The crawled pages (126 hosts) pooled with room for 8 hosts: never more
    than 8 in memory, and every host's page count and word counts add up to
    what the unbounded pool holds."""
    from webmend.io.readers import read_inputs

    docs = list(read_inputs([str(WET)]))[:80]
    page_stats = []
    for doc in docs:
        s = HostStats()
        observe(doc, s)
        page_stats.append((doc.host_key, s))
    pool = HostPool(str(tmp_path / "hosts.sqlite"), max_hosts=8)
    free = HostPool(str(tmp_path / "free.sqlite"), max_hosts=10_000)
    most = 0
    for key, s in page_stats:
        pool.add(key, s)
        free.add(key, s)
        most = max(most, len(pool.memory))
    assert most <= 8 and pool.spills > 0
    store, memory = pool.finish(), free.finish()
    assert isinstance(store, HostStore) and isinstance(memory, dict)
    assert len(store) == len(memory) > 20
    for key, stats in memory.items():
        got = store.get(key)
        assert got.pages == stats.pages
        assert got.counters == stats.counters
    assert len(store._recent) <= store.cache

    # bounded by entries too: a few big hosts weigh as much as many small ones
    sizes = sorted(s.entries() for s in memory.values())
    budget = sizes[-1] + sizes[-2]  # room for about two of the biggest hosts
    pool = HostPool(str(tmp_path / "entries.sqlite"), max_hosts=10_000, max_entries=budget)
    most = 0
    for key, s in page_stats:
        pool.add(key, s)
        assert pool.entries == sum(h.entries() for h in pool.memory.values())
        most = max(most, pool.entries)
    assert most <= budget and pool.spills > 0
    store = pool.finish()
    assert {k: store.get(k).counters for k in memory} == {k: h.counters for k, h in memory.items()}

    # and the second pass's cache, by the bytes it read
    small = HostStore(store.path, cache=1000, cache_bytes=20_000)
    for key in memory:
        small.get(key)
        assert small._bytes <= 20_000 or len(small._recent) == 1


def test_store_pickles_as_its_path(tmp_path):
    """A worker receives the store's path, not its contents, and reads it itself."""
    import pickle

    pool = HostPool(str(tmp_path / "h.sqlite"), max_hosts=1)
    for host in ("a.example", "b.example"):
        s = HostStats()
        observe(Document(id=host, url=f"https://{host}/", source="The cat sat on the mat. " * 20), s)
        pool.add(host, s)
    store = pool.finish()
    blob = pickle.dumps(store)
    assert len(blob) < 300
    again = pickle.loads(blob)
    assert again.get("a.example").pages == 1 and again.get("none.example") is None


@needs_bench
def test_cli_option_and_sharded_run_use_the_store(tmp_path):
    """`--hosts-in-memory 1` on a sharded run: the output equals the one-file run's."""
    subprocess.run([sys.executable, str(GEN), str(TRUTH), str(tmp_path)], check=True, capture_output=True)
    lines = (tmp_path / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[::7]
    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_cli("clean", str(small), "-o", str(tmp_path / "one.jsonl"), "-q", "--workers", "1")
    run_cli("clean", str(small), "-o", str(tmp_path / "shards") + "/", "-q", "--workers", "1",
            "--hosts-in-memory", "1", "--shard-pages", "5")
    one = read_jsonl(tmp_path / "one.jsonl")
    shards = [r for p in sorted((tmp_path / "shards").glob("part-*")) for r in read_jsonl(p)]
    assert _edits(shards) == _edits(one)
