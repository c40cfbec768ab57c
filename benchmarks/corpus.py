#!/usr/bin/env python3
"""Corpus-run benchmark: peak memory per process and pages/s on big WARCs.

    .venv/bin/python benchmarks/corpus.py [--gb 1.0] [--rate-pages 600] [--workers 1 2] [--tmp DIR]
    .venv/bin/python benchmarks/corpus.py --skip-big --compare-reprepare [--engine ray]
    .venv/bin/python benchmarks/corpus.py --hosts 4000 [--hosts-in-memory 500 1000000]

Builds, in a temporary directory (never committed), an uncompressed WARC of
about `--gb` GB by writing the article-extraction benchmark's 181 HTML pages into WARC
response records again and again (each copy its own record id and URL query,
so every record is a page), and a small WARC of the first `--rate-pages`
records. Then, for each worker count, `webmend clean` on the small WARC
gives pages/s; and `webmend clean` with the largest worker count on the big
WARC gives the peak resident memory of each process (the parent reading and
writing, and every worker), read from /proc/PID/status VmHWM while it runs.
`--compare-reprepare`: each pages/s run is followed by the same run with
`--reprepare` (every page of a host with several pages extracted in both
passes instead of once, engines/spill.py), and the ratio of their times,
and whether the two outputs are byte-identical. `--engine ray`: the pages/s
runs with the Ray engine (its first pass keeps the prepared pages in Ray's
object store instead of a spill file).
Prints one JSON object; figures go to docs/benchmarks.md "## Corpus runs".

`--hosts N`: instead, a WARC.gz of N records, each copy of a page on a host
of its own (`https://c7.example.com/...`), as in a crawl where nearly every
page is a new host; `webmend clean` on it once per `--hosts-in-memory`
value, with the peak memory of each process: what the first pass's per-host
statistics cost when they all stay in memory, and when they wait on disk.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench" / "article-extraction"
sys.path.insert(0, str(ROOT))


def bench_pages() -> list[tuple[str, bytes]]:
    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    return [(truth[f.name.split(".")[0]]["url"], gzip.decompress(f.read_bytes()))
            for f in sorted((BENCH / "html").glob("*.html.gz"))]


def write_warc(path: Path, pages: list[tuple[str, bytes]], *, target_bytes: int | None = None,
               max_records: int | None = None, gzip: bool = True, own_hosts: bool = False) -> tuple[int, int]:
    """Write pages round after round until `target_bytes` of payload or `max_records`
    (with `own_hosts`, each copy of a page on a host of its own)."""
    from webmend.io.warc import write_warc_pages

    def records():
        n = total = 0
        copy = 0
        while True:
            for url, body in pages:
                if (max_records is not None and n >= max_records) or (target_bytes and total >= target_bytes):
                    return
                sep = "&" if "?" in url else "?"
                where = url.replace("://", f"://c{copy}.", 1) if own_hosts else url
                yield f"{where}{sep}copy={copy}", body, "text/html", str(uuid.UUID(int=n + 1))
                n += 1
                total += len(body)
            copy += 1

    with open(path, "wb") as f:
        count = write_warc_pages(f, records(), gzip=gzip)
    return count, path.stat().st_size


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                kids = [int(x) for x in f.read().split()]
        except OSError:
            kids = []
        out += kids
        todo += kids
    return out


def _peak_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def run_clean(warc: Path, out: Path, workers: int, *extra: str) -> dict:
    """`webmend clean` with its processes' peak RSS sampled from /proc."""
    cmd = [sys.executable, "-m", "webmend.cli", "clean", str(warc), "-o", str(out), "--workers", str(workers), *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, int] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for p in [proc.pid, *_descendants(proc.pid)]:
                kb = _peak_kb(p)
                if kb:
                    peaks[p] = max(peaks.get(p, 0), kb)
            stop.wait(0.2)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, stderr = proc.communicate()
    stop.set()
    t.join()
    secs = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"webmend clean failed ({proc.returncode}):\n{stderr}")
    line = [ln for ln in stderr.splitlines() if " pages, " in ln][-1]
    pages = int(line.split("webmend: ", 1)[1].split(" pages")[0])
    parent = peaks.pop(proc.pid, 0)
    return {"workers": workers, "load_avg_1min_after": round(os.getloadavg()[0], 1), "pages": pages, "seconds": round(secs, 1), "pages_per_s": round(pages / secs, 2),
            "peak_rss_mb_parent": round(parent / 1024), "peak_rss_mb_workers": sorted(round(v / 1024) for v in peaks.values()),
            "summary": line}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gb", type=float, default=1.0, help="size of the big WARC's HTML payloads, in GB")
    ap.add_argument("--rate-pages", type=int, default=600, help="records in the WARC for pages/s")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--skip-big", action="store_true", help="only the pages/s runs")
    ap.add_argument("--compare-reprepare", action="store_true",
                    help="each pages/s run again with --reprepare (pages extracted in both passes), for the ratio")
    ap.add_argument("--tmp", type=Path, default=None, help="where to build the WARCs (default: a temp dir)")
    ap.add_argument("--hosts", type=int, default=0, help="instead: N records, each on a host of its own")
    ap.add_argument("--hosts-in-memory", type=int, nargs="+", default=[500, 1_000_000])
    ap.add_argument("--engine", choices=["local", "ray"], default="local", help="the pages/s runs' engine")
    args = ap.parse_args()
    engine = ["--engine", args.engine]
    pages = bench_pages()
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        tmp = Path(tmp)
        if args.hosts:
            warc = tmp / "hosts.warc.gz"
            n, size = write_warc(warc, pages, max_records=args.hosts, own_hosts=True)
            result = {"machine": f"{os.cpu_count()} cores", "warc": {"records": n, "bytes": size}, "runs": []}
            for m in args.hosts_in_memory:
                r = run_clean(warc, tmp / f"hosts-{m}.jsonl.gz", max(args.workers), "--hosts-in-memory", str(m))
                result["runs"].append({"hosts_in_memory": m, **r})
                print(json.dumps(result["runs"][-1]), file=sys.stderr)
            print(json.dumps(result, indent=1))
            return
        result: dict = {"machine": f"{os.cpu_count()} cores", "rate": []}
        small = tmp / "rate.warc.gz"
        n, size = write_warc(small, pages, max_records=args.rate_pages)
        result["rate_warc"] = {"records": n, "bytes": size}
        for w in args.workers:
            r = {"engine": args.engine, **run_clean(small, tmp / f"rate-{w}.jsonl.gz", w, *engine)}
            if args.compare_reprepare:  # the same run preparing every page in both passes, right after
                again = run_clean(small, tmp / f"rate-{w}-reprepare.jsonl.gz", w, *engine, "--reprepare")
                r["reprepare"] = {k: again[k] for k in ("seconds", "pages_per_s", "load_avg_1min_after")}
                r["speedup_vs_reprepare"] = round(again["seconds"] / r["seconds"], 2)
                r["same_output"] = (gzip.decompress((tmp / f"rate-{w}.jsonl.gz").read_bytes())
                                    == gzip.decompress((tmp / f"rate-{w}-reprepare.jsonl.gz").read_bytes()))
            result["rate"].append(r)
            print(json.dumps(r), file=sys.stderr)
        if not args.skip_big:
            big = tmp / "big.warc"
            t0 = time.perf_counter()
            n, size = write_warc(big, pages, target_bytes=int(args.gb * 1e9), gzip=False)
            result["big_warc"] = {"records": n, "bytes": size,
                                  "build_seconds": round(time.perf_counter() - t0, 1)}
            result["big"] = run_clean(big, tmp / "big.jsonl.gz", max(args.workers))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
