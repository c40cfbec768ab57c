"""`webmend stats OUT`: what a run did, from its output alone.

OUT is an output file (.jsonl, .jsonl.gz, .jsonl.zst, .parquet) or a sharded
output directory (its part-* files in order; a run without _SUCCESS is
reported as incomplete). Records are read one at a time.

Figures: pages, pages with errors (and the commonest error kinds), languages,
the share of text removed as page chrome (characters of `removed` blocks over
those plus the kept text) and, where pages have `signals.kept_share`, the share
of their input text that is not in the output, edits by kind, learned rules by family, flags, and
duplicate clusters (from any `signals` field whose name says cluster, such as
dedup's `dup_cluster`: clusters of two or more pages) and pages marked duplicate
(`exact_dup`, `near_dup`, `dup_kept` false, or a duplicate flag).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from webmend.io.files import split_compression
from webmend.io.remote import open_input

_NUMBER = re.compile(r"\d+")
_PATH_PREFIX = re.compile(r"^\S*[/\\]\S*?:\s*(?:\d+:\s*)?")


def output_files(out: str | Path) -> tuple[list[Path], bool]:
    """The record files of an output, and whether the run is known complete."""
    p = Path(out)
    if p.is_dir():
        parts = sorted(q for q in p.glob("part-*") if not q.name.startswith("."))
        return parts, (p / "_SUCCESS").exists()
    if not p.exists():
        raise FileNotFoundError(f"{out}: no such file or directory")
    return [p], True


def iter_records(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """Output records of JSONL (plain/gz/zst) and Parquet files, one at a time."""
    for p in paths:
        name, _ = split_compression(p.name.lower())
        if name.endswith(".parquet"):
            from webmend.io.parquet import iter_records as parquet_records

            yield from parquet_records(p)
            continue
        with open_input(p) as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)


def error_kind(message: str) -> str:
    """An error message without its file, line and numbers, to count alike errors together.

    >>> error_kind("/data/x.jsonl:12: line longer than the limit of 64 bytes")
    'line longer than the limit of N bytes'
    """
    return _NUMBER.sub("N", _PATH_PREFIX.sub("", message.strip(), count=1))[:120]


def is_duplicate(signals: dict[str, Any], flags: Iterable[str] = ()) -> bool:
    """A page the dedup step found to copy an earlier one (docs/signals.md:
    `exact_dup`, `near_dup`, `dup_kept` false), or flagged as a duplicate.

    >>> is_duplicate({"dup_kept": True, "exact_dup": False}), is_duplicate({"near_dup": True})
    (False, True)
    """
    if signals.get("exact_dup") or signals.get("near_dup") or signals.get("dup_kept") is False:
        return True
    return any("duplicate" in str(f).lower() for f in flags)


@dataclass
class RunStats:
    files: int = 0
    complete: bool = True
    pages: int = 0
    errors: int = 0
    error_kinds: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    text_chars: int = 0
    removed_chars: int = 0
    removed_blocks: int = 0
    input_chars: int = 0  # from signals.kept_share where present: the input text's length
    kept_known_chars: int = 0
    removed_reasons: Counter = field(default_factory=Counter)
    edits: Counter = field(default_factory=Counter)
    pages_edited: int = 0
    rules: Counter = field(default_factory=Counter)
    flags: Counter = field(default_factory=Counter)
    cluster_sizes: Counter = field(default_factory=Counter)  # cluster id -> pages
    duplicate_pages: int = 0

    def add(self, rec: dict[str, Any]) -> None:
        self.pages += 1
        if rec.get("error"):
            self.errors += 1
            self.error_kinds[error_kind(str(rec["error"]))] += 1
            return
        self.languages[rec.get("language") or "unknown"] += 1
        text_len = len(rec.get("text") or "")
        self.text_chars += text_len
        kept = (rec.get("signals") or {}).get("kept_share")
        if isinstance(kept, (int, float)) and kept > 0:
            self.input_chars += round(text_len / kept)
            self.kept_known_chars += text_len
        for r in rec.get("removed") or ():
            self.removed_chars += len(r.get("text") or "")
            self.removed_blocks += 1
            self.removed_reasons[r.get("reason") or "?"] += 1
        edits = rec.get("edits") or ()
        self.pages_edited += bool(edits)
        self.edits.update(e.get("kind") or "?" for e in edits)
        self.rules.update(r.get("family", "?") for r in rec.get("rules") or () if isinstance(r, dict))
        flags = rec.get("flags") or ()
        self.flags.update(_NUMBER.sub("N", str(f))[:80] for f in flags)
        signals = rec.get("signals") or {}
        for k, v in signals.items():
            if "cluster" in k and v not in (None, "", -1, False):
                self.cluster_sizes[f"{k}={v}"] += 1
        self.duplicate_pages += is_duplicate(signals, flags)

    @property
    def removed_share(self) -> float:
        total = self.text_chars + self.removed_chars
        return self.removed_chars / total if total else 0.0

    @property
    def input_removed_share(self) -> float | None:
        """Share of the pages' input text not in their output text (edits included)."""
        return 1 - self.kept_known_chars / self.input_chars if self.input_chars else None

    def clusters(self) -> tuple[int, int]:
        """(clusters of 2 or more pages, pages in them)."""
        sizes = [n for n in self.cluster_sizes.values() if n >= 2]
        return len(sizes), sum(sizes)

    def to_dict(self) -> dict[str, Any]:
        clusters, in_clusters = self.clusters()
        return {"files": self.files, "complete": self.complete, "pages": self.pages, "errors": self.errors,
                "error_kinds": dict(self.error_kinds.most_common(10)),
                "languages": dict(self.languages.most_common()),
                "text_chars": self.text_chars, "removed_chars": self.removed_chars,
                "removed_share": round(self.removed_share, 4), "removed_blocks": self.removed_blocks,
                "input_removed_share": (None if self.input_removed_share is None
                                        else round(self.input_removed_share, 4)),
                "removed_reasons": dict(self.removed_reasons.most_common()),
                "edits": dict(self.edits.most_common()), "pages_edited": self.pages_edited,
                "rules": dict(self.rules.most_common()), "flags": dict(self.flags.most_common(10)),
                "duplicate_clusters": clusters, "pages_in_duplicate_clusters": in_clusters,
                "duplicate_pages": self.duplicate_pages}


def compute(out: str | Path) -> RunStats:
    files, complete = output_files(out)
    st = RunStats(files=len(files), complete=complete)
    for rec in iter_records(files):
        st.add(rec)
    return st


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "-"


def render(st: RunStats, top: int = 10) -> str:
    """The summary as plain text, one figure a line."""
    ok = st.pages - st.errors
    clusters, in_clusters = st.clusters()
    lines = [f"files          {st.files}" + ("" if st.complete else "  (run incomplete: no _SUCCESS)"),
             f"pages          {st.pages}",
             f"errors         {st.errors} ({_pct(st.errors, st.pages)})"]
    lines += [f"  {n:>7}  {k}" for k, n in st.error_kinds.most_common(5)]
    lines.append(f"languages      {len(st.languages)}")
    lines += [f"  {n:>7}  {_pct(n, ok):>6}  {k}" for k, n in st.languages.most_common(top)]
    lines.append(f"text removed   {100 * st.removed_share:.1f}% of characters "
                 f"({st.removed_blocks} blocks, {st.removed_chars} chars; kept {st.text_chars} chars)")
    lines += [f"  {n:>7}  {k}" for k, n in st.removed_reasons.most_common(top)]
    if st.input_removed_share is not None:
        lines.append(f"input dropped  {100 * st.input_removed_share:.1f}% of the input text's characters "
                     "(chrome, blank runs, edits; from signals.kept_share)")
    lines.append(f"edits          {sum(st.edits.values())} on {st.pages_edited} pages ({_pct(st.pages_edited, ok)})")
    lines += [f"  {n:>7}  {k}" for k, n in st.edits.most_common(top)]
    if st.rules:
        lines.append(f"rules          {sum(st.rules.values())}")
        lines += [f"  {n:>7}  {k}" for k, n in st.rules.most_common(top)]
    if st.flags:
        lines.append(f"flags          {sum(st.flags.values())}")
        lines += [f"  {n:>7}  {k}" for k, n in st.flags.most_common(5)]
    lines.append(f"duplicates     {clusters} clusters holding {in_clusters} pages; "
                 f"{st.duplicate_pages} pages marked duplicate")
    return "\n".join(lines)
