#!/usr/bin/env python3
"""Held-out style damage: variants of gen.py's mechanical channels, scored like the public corpus.

    .venv/bin/python benchmarks/damage_variants.py [--learned | --probe N | --random] [--out DIR] [--seed N] [--workers N]

Builds a corpus from the article-extraction gold texts with the variant
channels of tests/damage_variants.py (double mojibake, Latin-1, entities
escaped twice or as numbers, JSON-encoded text, hyphenation with a space or a
line break, other wrap widths, page breaks after any word, U+FFFD, truncation
at a word end, invisible characters), mends it with `webmend clean` and prints
`score.py damage`'s report. Figures go to docs/benchmarks.md.

With --learned, the variants of the learned families instead (seed 23 unless
given): other symbols for the escaped space ('|', '/', '^', '~', '#', '+',
'%20', '_', a doubled backslash) or one inserted after it, other keyword sets
(SQL words, 'the', 'of'), case kept, other letters eaten like the f of 'from'
('that', 'to', 'the', 'not', 'new', 'but', 'by', 'really', 'right'), and a
host of non-English pages; one host per variant, so each is a row of the report.

With --probe N (1-15), probe set N of tests/damage_variants.py (PROBE_SETS:
variants first run in the ninth to fourteenth sessions (sets 9-11 the mechanical
families, 12 and 14 both, 13 and 15 the learned ones again), English pages only;
seed 1 unless given, the docs give seeds 1 and 2).

With --random, a probe set of the learned families drawn by --seed from pools
of filter words, symbols, modes, cases and eaten words (random_probe_set):
no variant picked by hand.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def main() -> None:
    spec = importlib.util.spec_from_file_location("damage_variants", ROOT / "tests" / "damage_variants.py")
    variants = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(variants)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--learned", action="store_true", help="the learned families' variants (escaping, lost letters, case)")
    ap.add_argument("--probe", type=int, choices=sorted(variants.PROBE_SETS), default=None,
                    help="a probe set of the learned families (tests/damage_variants.py PROBE_SETS)")
    ap.add_argument("--random", action="store_true",
                    help="a probe set of the learned families drawn at random by --seed (random_probe_set)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if args.random:
        args.probe = 0
    if args.seed is None:
        args.seed = 1 if args.probe is not None else variants.LEARNED_SEED if args.learned else 11
    if args.out is None:
        name = (f"damage-random-seed{args.seed}" if args.random else f"damage-probe{args.probe}-seed{args.seed}"
                if args.probe else "damage-variants-learned" if args.learned else "damage-variants")
        args.out = ROOT / "out" / name
    truth = json.loads((SHARED / "bench" / "article-extraction" / "ground-truth.json").read_text(encoding="utf-8"))
    if args.probe is not None:
        n = variants.write_probe_corpus(truth, args.out, args.probe, seed=args.seed)
    else:
        n = variants.write_corpus(truth, args.out, seed=args.seed, learned=args.learned)
    print(f"{n} pages -> {args.out}", file=sys.stderr)
    py = sys.executable
    mended = args.out / "mended.jsonl"
    subprocess.run([py, "-m", "webmend.cli", "clean", str(args.out / "corpus.jsonl"), "-o", str(mended),
                    "--workers", str(args.workers), "-q"], check=True, cwd=ROOT)
    res = subprocess.run([py, str(SHARED / "bench" / "score.py"), "damage", str(args.out / "gold.jsonl"),
                          str(args.out / "corpus.jsonl"), str(mended)], check=True, capture_output=True, text=True)
    print(json.dumps(json.loads(res.stdout), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
