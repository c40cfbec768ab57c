"""`webmend stats` over real runs: the edge-case archives, a JSONL with broken
records, the sample page, benchmark pages; one file, Parquet, and shards."""
from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import SAMPLE, SHARED, read_jsonl, run_cli
from webmend import stats


@pytest.fixture(scope="module")
def runs(tmp_path_factory, bench_html_files) -> dict[str, Path]:
    """One corpus cleaned into one JSONL file, one Parquet file and zstd shards."""
    tmp = tmp_path_factory.mktemp("stats")
    src = tmp / "in"
    src.mkdir()
    for f in bench_html_files[:2]:
        (src / f.name).write_bytes(f.read_bytes())
    (src / "sample.txt").write_bytes(SAMPLE.read_bytes())
    (src / "example.warc.gz").write_bytes((SHARED / "samples/warc-edge-cases/example.warc.gz").read_bytes())
    (src / "broken.jsonl").write_text('{"id": "ok", "text": "A fine page of text."}\n'
                                      '{"id": "bad", "text": 12\n'
                                      '{"id": "empty", "text": ""}\n', encoding="utf-8")
    out = {"one": tmp / "one.jsonl.gz", "parquet": tmp / "out.parquet", "shards": tmp / "shards"}
    run_cli("clean", src, "-o", out["one"], "-q", "--workers", "1")
    run_cli("clean", src, "-o", out["parquet"], "-q", "--workers", "1")
    run_cli("clean", src, "-o", f"{out['shards']}/", "-q", "--workers", "1", "--shard-pages", "3",
            "--shard-format", "jsonl.zst")
    return out


def test_stats_figures_agree_with_the_records(runs):
    one = runs["one"]
    records = read_jsonl(one)
    st = stats.compute(one)
    assert st.pages == len(records) == 7 and st.complete
    assert st.errors == sum(1 for r in records if r["error"])
    assert {"bad", "empty"} <= {r["id"] for r in records if r["error"]}
    assert sum(st.error_kinds.values()) == st.errors
    ok = [r for r in records if not r["error"]]
    assert sum(st.languages.values()) == len(ok)
    assert st.languages == Counter(r["language"] or "unknown" for r in ok)
    assert st.edits == Counter(e["kind"] for r in ok for e in r["edits"])
    removed = sum(len(b["text"]) for r in ok for b in r["removed"])
    kept = sum(len(r["text"]) for r in ok)
    assert st.removed_chars == removed and st.text_chars == kept
    assert 0.0 <= st.removed_share < 1.0
    assert 0.0 <= (st.input_removed_share or 0.0) < 1.0


def test_stats_cli_on_file_parquet_and_shards_agree(runs):
    figures = [json.loads(run_cli("stats", runs[k], "--json").stdout) for k in ("one", "parquet", "shards")]
    assert figures[0]["pages"] == 7
    assert figures[2]["files"] == 3 and figures[2]["complete"]
    for f in figures[1:]:
        assert {k: v for k, v in f.items() if k != "files"} == {k: v for k, v in figures[0].items() if k != "files"}
    text = run_cli("stats", runs["one"]).stdout
    for label in ("pages", "errors", "languages", "text removed", "edits", "duplicates"):
        assert label in text


def test_stats_marks_an_unfinished_sharded_run_and_refuses_a_missing_path(runs, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(runs["shards"], out)
    (out / "_SUCCESS").unlink()
    assert not stats.compute(out).complete
    assert "incomplete" in run_cli("stats", out).stdout
    assert run_cli("stats", tmp_path / "nothing-here", check=False).returncode == 2


def test_duplicate_clusters_are_counted_from_signals():
    st = stats.RunStats()
    for i, cluster in enumerate(["c1", "c1", "c2", None, "c3", "c3", "c3"]):
        st.add({"id": str(i), "text": "x", "signals": {"dup_cluster": cluster}, "edits": [], "removed": []})
    assert st.clusters() == (2, 5)  # c1 (2 pages) and c3 (3 pages); c2 alone is no cluster


def test_pages_marked_duplicate_follow_the_dedup_signals():
    st = stats.RunStats()
    pages = [{"dup_cluster": "a", "dup_kept": True, "exact_dup": False, "near_dup": False},
             {"dup_cluster": "a", "dup_kept": False, "exact_dup": True, "near_dup": False},
             {"dup_cluster": "a", "dup_kept": False, "exact_dup": False, "near_dup": True},
             {"dup_cluster": "b", "dup_kept": True, "exact_dup": False, "near_dup": False}]
    for i, sig in enumerate(pages):
        st.add({"id": str(i), "text": "x", "signals": sig, "edits": [], "removed": []})
    assert st.duplicate_pages == 2 and st.clusters() == (1, 3)
