#!/usr/bin/env python3
"""Time of every step of the pipeline, page by page, one core.

    .venv/bin/python benchmarks/pipeline_steps.py [--input FILE.jsonl[.gz]] [--repeat N] [--html]

Each page is mended on its own (its own host: no first pass), as `webmend
clean` mends a single page; every step of `webmend steps` is timed. The
input is the public damage corpus (`--input`, default /tmp/dmg/corpus.jsonl,
made by benchmarks/damage.py or gen.py) or, with `--html`, the benchmark's
181 HTML pages. Best of `--repeat` runs per step (the machine is shared).
Prints JSON: pages, MB, total seconds, MB/s and pages/s, and each step's
milliseconds, slowest first.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH = ROOT.parent / "shared" / "bench" / "article-extraction"

from webmend.document import Document  # noqa: E402
from webmend.pipeline import STEPS, Resources  # noqa: E402


def text_pages(path: Path) -> list[Document]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [Document(id=r["id"], url=r.get("url"), source=r["text"]) for r in rows]


def html_pages() -> list[Document]:
    out = []
    for i, path in enumerate(sorted((BENCH / "html").glob("*.html.gz"))):
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
            out.append(Document(id=path.name, url=f"https://h{i}.example.com/a", source=f.read(), source_kind="html"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", type=Path, default=Path("/tmp/dmg/corpus.jsonl"))
    ap.add_argument("--html", action="store_true", help="the benchmark's HTML pages instead")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    make = html_pages if args.html else (lambda: text_pages(args.input))
    first = make()
    size = sum(len(d.source.encode("utf-8")) for d in first)
    for d in first[:10]:  # warm-up: lexicons, models
        for s in STEPS:
            s.run(d, Resources())
    best: dict[str, float] = defaultdict(lambda: float("inf"))
    for _ in range(args.repeat):
        spent: dict[str, float] = defaultdict(float)
        for d in make():
            res = Resources()
            for s in STEPS:
                t = time.perf_counter()
                s.run(d, res)
                spent[s.name] += time.perf_counter() - t
        for k, v in spent.items():
            best[k] = min(best[k], v)
    total = sum(best.values())
    print(json.dumps({
        "pages": len(first), "mb": round(size / 1e6, 3), "seconds": round(total, 3),
        "mb_per_s": round(size / 1e6 / total, 2), "pages_per_s": round(len(first) / total, 1),
        "step_ms": {k: round(v * 1000, 1) for k, v in sorted(best.items(), key=lambda kv: -kv[1])},
    }, indent=1))


if __name__ == "__main__":
    main()
