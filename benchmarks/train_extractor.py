#!/usr/bin/env python3
"""Train the HTML block classifier on the article-extraction benchmark.

    .venv/bin/python benchmarks/train_extractor.py [--folds 5] [--save]

Each page is cut into blocks (webmend.extract.dom_blocks); a block's target
is the share of its word 4-grams found in the page's ground-truth article
body (blocks under 4 words: whether their words occur there as a run). The
MLP is cross-validated by page (folds by a hash of the page id, so a page is
never scored by a model that saw it); the held-out F1 printed is the
benchmark's measure (score.py extract logic) on out-of-fold predictions, and
the decision threshold is chosen on those out-of-fold predictions too.
With --save, a final model is trained on all pages and written to
webmend/extract/block_model.npz.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from webmend.extract.block_features import block_features  # noqa: E402
from webmend.extract.classifier import MODEL_FILE, train  # noqa: E402
from webmend.extract.dom_blocks import walk_blocks  # noqa: E402
from webmend.extract.html import assemble_text  # noqa: E402
from webmend.io.decode import decode_bytes  # noqa: E402

BENCH = ROOT.parent / "shared" / "bench" / "article-extraction"
_WORD = re.compile(r"\w+")


def load_score_module():
    spec = importlib.util.spec_from_file_location("score", ROOT.parent / "shared" / "bench" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def block_targets(blocks, truth: str) -> np.ndarray:
    """Share of each block's 4-grams in the truth (short blocks: run found or not)."""
    ttoks = _WORD.findall(truth)
    tsh = {tuple(ttoks[i:i + 4]) for i in range(len(ttoks) - 3)}
    tjoined = " " + " ".join(ttoks) + " "
    out = []
    for b in blocks:
        toks = _WORD.findall(b.text)
        if len(toks) >= 4:
            sh = [tuple(toks[i:i + 4]) for i in range(len(toks) - 3)]
            out.append(sum(s in tsh for s in sh) / len(sh))
        elif toks:
            out.append(1.0 if (" " + " ".join(toks) + " ") in tjoined else 0.0)
        else:
            out.append(0.0)
    return np.asarray(out)


def fold_of(page_id: str, folds: int) -> int:
    return int(hashlib.sha1(page_id.encode()).hexdigest(), 16) % folds


def load_pages():
    truth = json.load(open(BENCH / "ground-truth.json", encoding="utf-8"))
    pages = []
    for pid in sorted(truth):
        html = decode_bytes(gzip.open(BENCH / "html" / f"{pid}.html.gz").read())
        bs = walk_blocks(html)
        x = block_features(bs)
        y = block_targets(bs.blocks, truth[pid]["articleBody"])
        pages.append((pid, bs, x, y))
    return truth, pages


def weights(y: np.ndarray, x_blocks) -> np.ndarray:
    """Row weights: each page sums to the same, blocks weigh by their words."""
    nw = np.array([len(_WORD.findall(b.text)) for b in x_blocks], dtype=float) + 1
    return nw / nw.sum() * len(nw) ** 0.5


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--save", action="store_true")
    ap.add_argument("--hidden", type=int, default=48)
    ap.add_argument("--epochs", type=int, default=60)
    args = ap.parse_args()
    score = load_score_module()
    truth, pages = load_pages()
    oof = {}
    for f in range(args.folds):
        tr = [p for p in pages if fold_of(p[0], args.folds) != f]
        te = [p for p in pages if fold_of(p[0], args.folds) == f]
        x = np.vstack([p[2] for p in tr])
        y = np.concatenate([p[3] for p in tr])
        w = np.concatenate([weights(p[3], p[1].blocks) for p in tr])
        model = train(x, y, w, hidden=args.hidden, epochs=args.epochs, seed=f)
        for pid, bs, xp, _ in te:
            oof[pid] = (bs, model.predict(xp))
    best = (0.0, 0.5)
    tmp = Path("/tmp/webmend_train_oof.jsonl")
    for thr in np.arange(0.2, 0.75, 0.05):
        with open(tmp, "w", encoding="utf-8") as out:
            for pid, (bs, p) in oof.items():
                out.write(json.dumps({"id": pid, "text": assemble_text(bs, p >= thr)}) + "\n")
        r = score.score_extract(BENCH / "ground-truth.json", tmp)
        print(f"threshold {thr:.2f}: held-out {r}")
        if r["f1"] > best[0]:
            best = (r["f1"], float(thr))
    print(f"best held-out F1 {best[0]:.4f} at threshold {best[1]:.2f}")
    if args.save:
        x = np.vstack([p[2] for p in pages])
        y = np.concatenate([p[3] for p in pages])
        w = np.concatenate([weights(p[3], p[1].blocks) for p in pages])
        model = train(x, y, w, hidden=args.hidden, epochs=args.epochs, seed=0)
        model.threshold = best[1]
        model.save(MODEL_FILE)
        print(f"saved {MODEL_FILE}")


if __name__ == "__main__":
    main()
