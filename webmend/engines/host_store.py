"""Per-host statistics of a corpus with bounded memory: pooled in memory up to
a number of hosts, the rest waiting on disk (SQLite), read back per host.

Each host's statistics are bounded (capped counters), but a crawl has as many
hosts as pages, nearly: held all in memory, the first pass's statistics would
grow with the corpus, and every worker of the second pass would load them
all. So:

- `HostPool` (first pass, in the parent) merges each page's counts into its
  host's, in input order, and keeps at most `max_hosts` hosts, and
  `max_entries` entries of their counters and notes, in memory; past that,
  the hosts least recently seen are merged into their copy on disk.
  A run whose hosts all fit never touches the disk: `finish()` gives a dict.
- `HostStore` (second pass) is that disk copy, read-only, as a mapping host
  -> HostStats with a small cache of recently used hosts (bounded in hosts
  and in the bytes read). It pickles as its path, so each worker process (or
  Ray task) opens the file itself.

Spilling changes nothing in the counts (merging is adding) unless a host's
counter outgrows its cap: the cap then trims at other moments, which may
keep different rare entries (the cap is the same). Checkpoints: a sharded
run commits the pool with its input position (`checkpoint`), so a run killed
in the first pass resumes from its last commit; what was spilled after it is
rolled back with the transaction.

>>> import tempfile, os
>>> from webmend.pipeline import HostStats
>>> d = tempfile.mkdtemp()
>>> pool = HostPool(os.path.join(d, "hosts.sqlite"), max_hosts=2)
>>> for host in ["a", "b", "c", "a"]:
...     page = HostStats(); page.pages = 1; page.add("words", ["x"]); pool.add(host, page)
>>> hosts = pool.finish()          # three hosts, two fit: on disk
>>> type(hosts).__name__, len(hosts), hosts.get("a").pages, hosts.get("a").counter("words")["x"]
('HostStore', 3, 2, 2)
>>> hosts.get("zz") is None
True
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
from collections import OrderedDict
from typing import Any, Iterator

from webmend.pipeline import HostStats

# Hosts the first pass keeps in memory (each a few KB to a few MB of capped
# counts; a small site's some 50 KB); past it they wait on disk. The entries
# of their counters and notes are bounded too (some 100 bytes each in memory):
# a few big sites weigh as much as thousands of small ones.
MAX_HOSTS_IN_MEMORY = 2000
MAX_ENTRIES_IN_MEMORY = 2_000_000
# Hosts a second-pass worker keeps read back from disk, and their pickled bytes at most.
CACHED_HOSTS = 128
CACHED_BYTES = 32_000_000

_SCHEMA = ("CREATE TABLE IF NOT EXISTS hosts (key TEXT PRIMARY KEY, stats BLOB NOT NULL);"
           "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);")


def _dump(stats: HostStats) -> bytes:
    return pickle.dumps(stats, protocol=pickle.HIGHEST_PROTOCOL)


class HostPool:
    """First pass: per-host statistics pooled in input order, at most
    `max_hosts` hosts and `max_entries` entries in memory (see the module's
    doc). `path` is the SQLite file to spill to (made on the first spill);
    with `resume`, the pool continues the one committed there."""

    def __init__(self, path: str, max_hosts: int = MAX_HOSTS_IN_MEMORY, resume: bool = False,
                 max_entries: int = MAX_ENTRIES_IN_MEMORY):
        self.path = path
        self.max_hosts = max(1, max_hosts)
        self.max_entries = max(1, max_entries)
        self.memory: OrderedDict[str, HostStats] = OrderedDict()  # least recently seen first
        self._entries: dict[str, int] = {}  # each host's HostStats.entries(), and their sum
        self.entries = 0
        self.spills = 0
        self._db: sqlite3.Connection | None = None
        if resume and os.path.exists(path):
            self._open()

    # -- disk
    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._db.execute("BEGIN")  # everything up to the next checkpoint is one transaction
        return self._db

    def meta(self) -> dict[str, Any]:
        """What the last checkpoint recorded (empty when there is none)."""
        if self._db is None:
            return {}
        return {k: json.loads(v) for k, v in self._db.execute("SELECT name, value FROM meta")}

    def _spill(self, keys: list[str]) -> None:
        """Merge these hosts into their copy on disk and drop them from memory."""
        db = self._open()
        for i in range(0, len(keys), 500):  # SQLite's bound on query parameters
            part = keys[i:i + 500]
            marks = ",".join("?" * len(part))
            old = {k: pickle.loads(b) for k, b in
                   db.execute(f"SELECT key, stats FROM hosts WHERE key IN ({marks})", part)}
            rows = []
            for k in part:
                stats = self.memory.pop(k)
                self.entries -= self._entries.pop(k)
                if k in old:  # the earlier pages first, as in input order
                    stats = old[k].merge(stats)
                rows.append((k, _dump(stats)))
            db.executemany("INSERT OR REPLACE INTO hosts (key, stats) VALUES (?, ?)", rows)
        self.spills += 1

    # -- pooling
    def add(self, key: str, stats: HostStats) -> None:
        """Pool one page's (or one shard's) statistics into its host's."""
        host = self.memory.pop(key, None)
        if host is None:
            host = HostStats()
        self.memory[key] = host.merge(stats)
        size = host.entries()
        self.entries += size - self._entries.get(key, 0)
        self._entries[key] = size
        if len(self.memory) > self.max_hosts or self.entries > self.max_entries:
            # the least recently seen go to disk, down to three quarters of
            # both bounds at once (fewer, larger writes)
            out, hosts, entries = [], len(self.memory), self.entries
            for k in self.memory:
                if hosts <= 0.75 * self.max_hosts and entries <= 0.75 * self.max_entries:
                    break
                out.append(k)
                hosts, entries = hosts - 1, entries - self._entries[k]
            self._spill(out)

    def checkpoint(self, meta: dict[str, Any]) -> None:
        """Commit everything pooled so far, with `meta` (JSON), to disk."""
        if self.memory:
            self._spill(list(self.memory))
        db = self._open()
        db.executemany("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)",
                       [(k, json.dumps(v)) for k, v in meta.items()])
        db.execute("COMMIT")
        db.execute("BEGIN")

    def finish(self) -> dict[str, HostStats] | "HostStore":
        """The pooled statistics: a dict when they never left memory, else the store on disk."""
        if self._db is None:
            hosts = dict(self.memory)
            self.memory.clear()
            self._entries.clear()
            self.entries = 0
            return hosts
        if self.memory:
            self._spill(list(self.memory))
        self._db.execute("COMMIT")
        self._db.close()
        self._db = None
        return HostStore(self.path)

    def close(self) -> None:
        """Give up the pool (what was not committed is rolled back)."""
        if self._db is not None:
            self._db.close()
            self._db = None


class HostStore:
    """Second pass: the pooled statistics on disk, read-only, as a mapping
    host -> HostStats, keeping the `cache` most recently used hosts."""

    def __init__(self, path: str, cache: int = CACHED_HOSTS, cache_bytes: int = CACHED_BYTES):
        self.path = path
        self.cache = cache
        self.cache_bytes = cache_bytes
        self._recent: OrderedDict[str, tuple[HostStats | None, int]] = OrderedDict()  # with its pickled size
        self._bytes = 0
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    def __getstate__(self) -> dict[str, Any]:  # a worker opens the file itself
        return {"path": self.path, "cache": self.cache, "cache_bytes": self.cache_bytes}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"], state["cache"], state["cache_bytes"])

    def _conn(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():  # never a connection inherited by fork
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._db

    def get(self, key: str, default: HostStats | None = None) -> HostStats | None:
        if key in self._recent:
            self._recent.move_to_end(key)
            stats = self._recent[key][0]
        else:
            row = self._conn().execute("SELECT stats FROM hosts WHERE key = ?", (key,)).fetchone()
            stats, size = (pickle.loads(row[0]), len(row[0])) if row else (None, 0)
            self._recent[key] = stats, size
            self._bytes += size
            while len(self._recent) > 1 and (len(self._recent) > self.cache or self._bytes > self.cache_bytes):
                self._bytes -= self._recent.popitem(last=False)[1][1]
        return default if stats is None else stats

    def __getitem__(self, key: str) -> HostStats:
        stats = self.get(key)
        if stats is None:
            raise KeyError(key)
        return stats

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __len__(self) -> int:
        return self._conn().execute("SELECT COUNT(*) FROM hosts").fetchone()[0]

    def __iter__(self) -> Iterator[str]:
        return (k for (k,) in self._conn().execute("SELECT key FROM hosts ORDER BY key"))

    def keys(self) -> list[str]:
        return list(self)

    def items(self) -> Iterator[tuple[str, HostStats]]:
        for k in self:
            yield k, self[k]


class HostCensus:
    """Which hosts have more than one page, counted from the inputs' URLs
    before the first pass, in fixed memory: two Bloom filters, of the hosts
    seen and of those seen again. The first pass observes only pages of hosts
    seen again; a host of one page is observed where it is mended
    (`pipeline.mend_alone`), which prepares it once instead of twice. A false
    positive (one in a thousand hosts at a million hosts) only sends a host
    of one page through the first pass, as every host went before.

    >>> c = HostCensus(bits=2**12)
    >>> for host in ["a.example", "b.example", "a.example"]: c.add(host)
    >>> c.pages, c.several("a.example"), c.several("b.example"), c.several("c.example")
    (3, True, False, False)
    """

    HASHES = 4

    def __init__(self, bits: int = 2**26):  # 8 MB a filter
        self.bits = bits
        self.seen = bytearray(bits // 8)
        self.again = bytearray(bits // 8)
        self.pages = 0

    def _slots(self, key: str) -> list[int]:
        digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        h1, h2 = int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little") | 1
        return [(h1 + i * h2) % self.bits for i in range(self.HASHES)]

    @staticmethod
    def _all_set(bits: bytearray, slots: list[int]) -> bool:
        return all(bits[i >> 3] & (1 << (i & 7)) for i in slots)

    @staticmethod
    def _set(bits: bytearray, slots: list[int]) -> None:
        for i in slots:
            bits[i >> 3] |= 1 << (i & 7)

    def add(self, key: str) -> None:
        self.pages += 1
        slots = self._slots(key)
        self._set(self.again if self._all_set(self.seen, slots) else self.seen, slots)

    def several(self, key: str) -> bool:
        """Whether the host has more than one page (or, rarely, looks so)."""
        return self._all_set(self.again, self._slots(key))
