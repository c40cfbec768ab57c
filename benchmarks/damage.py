#!/usr/bin/env python3
"""Damage benchmark: make the public damaged corpus, mend it, score it.

    .venv/bin/python benchmarks/damage.py [--out DIR] [--seed N] [--workers N]

Runs ../shared/bench/damage/gen.py on the article-extraction gold texts, then
`webmend clean` on corpus.jsonl, then ../shared/bench/score.py damage, and
prints the score report (JSON). Figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "damage")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--truth", type=Path, default=SHARED / "bench" / "article-extraction" / "ground-truth.json")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    subprocess.run([py, str(SHARED / "bench" / "damage" / "gen.py"), str(args.truth), str(args.out),
                    "--seed", str(args.seed)], check=True, stdout=sys.stderr)
    mended = args.out / "mended.jsonl"
    subprocess.run([py, "-m", "webmend.cli", "clean", str(args.out / "corpus.jsonl"), "-o", str(mended),
                    "--workers", str(args.workers)], check=True)
    res = subprocess.run([py, str(SHARED / "bench" / "score.py"), "damage", str(args.out / "gold.jsonl"),
                          str(args.out / "corpus.jsonl"), str(mended)], check=True, capture_output=True, text=True)
    report = json.loads(res.stdout)
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
