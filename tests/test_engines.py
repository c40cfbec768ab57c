"""Engines and output modes: sharded output equals one-file output, the local
engine's bounded hand-out of pages, and Ray giving the local engine's output."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from conftest import SHARED, read_jsonl, run_cli
from webmend.document import Document
from webmend.engines import local
from webmend.engines.stream import Position
from webmend.pipeline import Options, Resources

WHIRLWIND = SHARED / "samples" / "commoncrawl" / "whirlwind.warc.gz"


@pytest.fixture()
def corpus(tmp_path, bench_html_files) -> Path:
    """Four benchmark pages and the Common Crawl WARC, in one directory."""
    d = tmp_path / "corpus"
    d.mkdir()
    for f in bench_html_files:
        (d / f.name).write_bytes(f.read_bytes())
    (d / "zz-whirlwind.warc.gz").write_bytes(WHIRLWIND.read_bytes())
    return d


def _shard_records(out: Path) -> list[dict]:
    return [r for p in sorted(out.glob("part-*")) for r in read_jsonl(p)]


def test_sharded_output_equals_one_file_output(tmp_path, corpus):
    run_cli("clean", corpus, "-o", tmp_path / "one.jsonl", "-q", "--workers", "1")
    out = tmp_path / "sharded"
    run_cli("clean", corpus, "-o", f"{out}/", "-q", "--workers", "2", "--shard-pages", "2")
    assert sorted(p.name for p in out.glob("part-*")) == ["part-00000.jsonl.gz", "part-00001.jsonl.gz",
                                                          "part-00002.jsonl.gz"]
    assert (out / "_SUCCESS").exists() and not (out / "_state").exists()
    manifest = json.loads((out / "_manifest.json").read_text())
    assert [s["pages"] for s in manifest["shards"]] == [2, 2, 1] and manifest["complete"]
    assert manifest["shards"][1]["start"] == manifest["shards"][0]["end"]
    assert _shard_records(out) == read_jsonl(tmp_path / "one.jsonl")


def test_rerun_of_a_complete_run_does_nothing_and_other_commands_are_refused(tmp_path, corpus):
    out = tmp_path / "o"
    run_cli("clean", corpus, "-o", f"{out}/", "-q", "--workers", "1", "--shard-pages", "3", "--skip", "repair")
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*")}
    proc = run_cli("clean", corpus, "-o", f"{out}/", "--workers", "1", "--shard-pages", "3", "--skip", "repair")
    assert "already complete" in proc.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("part-*")} == before
    other = run_cli("clean", corpus, "-o", f"{out}/", "--workers", "1", "--shard-pages", "2", check=False)
    assert other.returncode == 2 and "different command" in other.stderr
    run_cli("clean", corpus, "-o", f"{out}/", "-q", "--workers", "1", "--shard-pages", "2", "--restart",
            "--skip", "repair")
    assert len(list(out.glob("part-*"))) == 3


def test_local_engine_hands_out_a_bounded_number_of_pages():
    """A huge input is not read ahead of the workers: pages in flight stay bounded."""
    consumed = 0

    def pages():
        nonlocal consumed
        for i in range(2000):
            consumed += 1
            yield Position(0, i), Document(id=str(i), source=f"Page {i} text.")

    res = Resources(options=Options(skip=frozenset({"repair"})))
    engine = local.LocalEngine(workers=2)
    try:
        results = engine.map(local._mend_with, pages(), res)
        first = next(results)
        time.sleep(1.0)  # the feeder would race ahead here if it were unbounded
        assert first[0] == Position(0, 0)
        assert consumed <= 2 * local.IN_FLIGHT_PER_WORKER + 2
        rest = [pos.page for pos, _ in results]
        assert rest == list(range(1, 2000))
    finally:
        engine.close()


def test_ray_engine_gives_the_local_output(tmp_path, corpus):
    pytest.importorskip("ray")
    run_cli("clean", corpus, "-o", tmp_path / "local.jsonl", "-q", "--workers", "2")
    proc = run_cli("clean", corpus, "-o", tmp_path / "ray.jsonl", "--engine", "ray", "--workers", "2", timeout=300)
    assert "Traceback" not in proc.stderr
    ray_out, local_out = read_jsonl(tmp_path / "ray.jsonl"), read_jsonl(tmp_path / "local.jsonl")
    assert [(r["id"], r["text"]) for r in ray_out] == [(r["id"], r["text"]) for r in local_out]
    assert ray_out == local_out  # every field, edits and host-learned rules included
    assert len(ray_out) == 5


def test_ray_keeps_its_first_pass_work_and_gives_the_local_output(tmp_path, ground_truth):
    """Ray's first pass keeps every row (engines/ray_engine.py: the prepared
    pages of hosts with several pages, the pages alone on their host already
    mended, the bad records' reports) for its second pass: the output is the
    local engine's, and the one Ray gives reading and extracting the input
    again (--reprepare), the broken record's error record in its place."""
    pytest.importorskip("ray")
    bodies = [v["articleBody"] for _, v in sorted(ground_truth.items()) if len(v["articleBody"].split()) > 200][:7]
    lines = []
    for i, body in enumerate(bodies):  # three hosts: 3 pages with a '\\' filter, 3 plain pages, 1 page alone
        host = "a.example" if i < 3 else "b.example" if i < 6 else "c.example"
        text = body.replace(" and ", "\\and ").replace(" or ", "\\or ") if host == "a.example" else body
        lines.append(json.dumps({"id": f"p{i}", "url": f"https://{host}/{i}", "text": text}))
    lines.insert(4, '{"id": "broken", "text": ')  # a record cut off: reported, the others go on
    corpus = tmp_path / "pages.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    local_proc = run_cli("clean", corpus, "-o", tmp_path / "local.jsonl", "--workers", "2")
    ray_proc = run_cli("clean", corpus, "-o", tmp_path / "ray.jsonl", "--engine", "ray", "--workers", "2", timeout=300)
    again = run_cli("clean", corpus, "-o", tmp_path / "again.jsonl", "--engine", "ray", "--workers", "2",
                    "--reprepare", timeout=300)
    local_out = read_jsonl(tmp_path / "local.jsonl")
    assert len(local_out) == 8 and any(e["kind"] == "escape" for r in local_out for e in r["edits"])
    assert [r["id"] for r in local_out if r.get("error")] == ["broken"] and ":5:" in local_out[4]["error"]
    assert read_jsonl(tmp_path / "ray.jsonl") == local_out == read_jsonl(tmp_path / "again.jsonl")
    for proc in (local_proc, ray_proc, again):
        assert "Traceback" not in proc.stderr, proc.stderr
