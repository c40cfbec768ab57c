"""`webmend clean` end to end on real inputs: schema, errors, order, atomic output."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import time

from conftest import BENCH, ROOT, SAMPLE, SHARED, WEBMEND, read_jsonl, run_cli

KEYS = {"id": (str,), "url": (str, type(None)), "title": (str, type(None)), "author": (str, type(None)),
        "date": (str, type(None)), "language": (str, type(None)), "text": (str,), "truncated": (bool,),
        "lossy_encoding": (bool,), "edits": (list,), "removed": (list,), "signals": (dict,),
        "error": (str, type(None))}


def check_schema(rec: dict) -> None:
    for key, types in KEYS.items():
        assert key in rec, f"missing key {key}"
        assert isinstance(rec[key], types), f"{key}: {type(rec[key]).__name__}"
    for e in rec["edits"]:
        assert set(e) >= {"kind", "start", "end", "before", "after"}
        assert 0 <= e["start"] <= e["end"]
    for r in rec["removed"]:
        assert set(r) >= {"text", "reason"}


def test_sample_page_gives_one_record_with_every_key(tmp_path):
    out = tmp_path / "out.jsonl"
    proc = run_cli("clean", SHARED / "samples" / "kancc-reminiscences-ch21-6.txt", "-o", out)
    recs = read_jsonl(out)
    assert len(recs) == 1
    check_schema(recs[0])
    assert recs[0]["id"] == "kancc-reminiscences-ch21-6"
    assert recs[0]["error"] is None
    assert recs[0]["language"] == "en"
    assert "Hong Pom Do" in recs[0]["text"]
    assert "1 pages, 0 with errors" in proc.stderr.splitlines()[-1]


def test_html_pages_and_ids_from_file_names(tmp_path, bench_html_files, ground_truth):
    out = tmp_path / "out.jsonl.gz"
    run_cli("clean", *bench_html_files, "-o", out, "--workers", "1")
    recs = read_jsonl(out)
    assert [r["id"] for r in recs] == [p.name.split(".")[0] for p in bench_html_files]
    for rec in recs:
        check_schema(rec)
        assert rec["error"] is None
        gold = ground_truth[rec["id"]]["articleBody"]
        # The extracted text shares most of its words with the gold article.
        words = set(rec["text"].lower().split())
        gold_words = set(gold.lower().split())
        assert len(words & gold_words) > 0.6 * len(gold_words)


def test_directory_input_is_read_in_name_order(tmp_path, bench_html_files):
    d = tmp_path / "pages"
    d.mkdir()
    for p in reversed(bench_html_files[:3]):
        shutil.copy(p, d / p.name)
    shutil.copy(SAMPLE, d / "zz-sample.txt")
    (d / "notes.pdf").write_bytes(b"%PDF-1.4")
    out = tmp_path / "out.jsonl"
    proc = run_cli("clean", d, "-o", out)
    ids = [r["id"] for r in read_jsonl(out)]
    assert ids == sorted(p.name.split(".")[0] for p in bench_html_files[:3]) + ["zz-sample"]
    assert "notes.pdf" in proc.stderr  # the unsupported file is named


def _bench_records(n: int) -> list[dict]:
    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    return [{"id": k, "url": v["url"], "text": v["articleBody"]} for k, v in sorted(truth.items())[:n]]


def test_broken_jsonl_line_is_reported_and_the_rest_comes_through(tmp_path):
    recs = _bench_records(5)
    lines = [json.dumps(r, ensure_ascii=False) for r in recs]
    lines[2] = lines[2][: len(lines[2]) // 2]           # cut mid-record: id still readable
    lines.insert(4, '{"url": "https://x.example/", "text": ')  # broken, no id at all
    src = tmp_path / "pages.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = run_cli("clean", src, "-o", out)
    got = read_jsonl(out)
    assert [r["id"] for r in got] == [r["id"] for r in recs]
    assert [r["error"] is not None for r in got] == [False, False, True, False, False]
    assert f"{src}:3:" in got[2]["error"]
    assert f"{src}:5:" in proc.stderr  # the line with no id is named on stderr
    assert "5 pages, 1 with errors" in proc.stderr.splitlines()[-1]


def test_bad_records_become_error_records(tmp_path):
    src = tmp_path / "bad.jsonl"
    rows = [{"id": "no-text", "url": "https://a.example/1"},
            {"id": "binary", "text": "\x00\x01\x02\x03" * 100},
            {"id": "fine", "text": "A short but perfectly fine page of text."}]
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blob = tmp_path / "blob.html"
    blob.write_bytes(bytes(range(256)) * 40)
    out = tmp_path / "out.jsonl"
    proc = run_cli("clean", src, empty, blob, "-o", out)
    got = {r["id"]: r for r in read_jsonl(out)}
    assert "neither" in got["no-text"]["error"]
    assert "control" in got["binary"]["error"]
    assert got["empty"]["error"] == "empty input"
    assert "binary" in got["blob"]["error"]
    assert got["fine"]["error"] is None
    assert proc.returncode == 0
    strict = run_cli("clean", src, "-o", tmp_path / "s.jsonl", "--strict", check=False)
    assert strict.returncode == 1


def test_usage_errors_have_their_own_status(tmp_path):
    bad = tmp_path / "page.pdf"
    bad.write_bytes(b"%PDF")
    proc = run_cli("clean", bad, "-o", tmp_path / "o.jsonl", check=False)
    assert proc.returncode == 2 and "page.pdf" in proc.stderr and "unsupported" in proc.stderr
    proc = run_cli("clean", SAMPLE, "-o", tmp_path / "o.csv", check=False)
    assert proc.returncode == 2 and "o.csv" in proc.stderr
    proc = run_cli("clean", tmp_path / "missing.txt", "-o", tmp_path / "o.jsonl", check=False)
    assert proc.returncode == 2 and "missing.txt" in proc.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_two_workers_keep_input_order(tmp_path):
    recs = _bench_records(24)
    src = tmp_path / "pages.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    run_cli("clean", src, "-o", one, "--workers", "1", "-q")
    run_cli("clean", src, "-o", two, "--workers", "2", "-q")
    a, b = read_jsonl(one), read_jsonl(two)
    assert [r["id"] for r in b] == [r["id"] for r in recs]
    assert a == b


def test_stdout_output_and_steps_listing():
    proc = run_cli("clean", SAMPLE, "-o", "-", "-q")
    assert json.loads(proc.stdout)["id"] == "kancc-reminiscences"
    assert proc.stderr == ""
    steps = run_cli("steps").stdout.splitlines()
    assert steps[0].split()[1] == "input" and len(steps) >= 4


def test_killed_run_leaves_no_partial_output(tmp_path):
    # Enough pages that the run is still going when it is killed.
    recs = _bench_records(181) * 6
    src = tmp_path / "many.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for i, r in enumerate(recs):
            f.write(json.dumps({**r, "id": f"{r['id']}-{i}"}, ensure_ascii=False) + "\n")
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([*WEBMEND, "clean", str(src), "-o", str(out), "--workers", "1", "-q"],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not any(tmp_path.glob(".out.jsonl.tmp-*")):
        time.sleep(0.05)
    time.sleep(0.5)
    assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists()
