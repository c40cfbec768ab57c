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

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
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

from webmend.extract.block_features import block_features, context_features  # noqa: E402
from webmend.extract.classifier import MODEL_FILE, TwoStageModel, train  # noqa: E402
from webmend.extract.dom_blocks import walk_blocks  # noqa: E402
from webmend.extract.html import assemble_text  # noqa: E402
from webmend.io.decode import decode_bytes  # noqa: E402

BENCH = ROOT.parent / "shared" / "bench" / "article-extraction"
_WORD = re.compile(r"\w+")
AUGMENT = "--no-augment" not in sys.argv


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


def fold_of(page_id: str, folds: int, salt: str = "") -> int:
    """A page's fold, from a hash of its id (a variant 'id#...' goes with its page)."""
    base = page_id.split("#")[0]
    return int(hashlib.sha1((base + salt).encode()).hexdigest(), 16) % folds


def with_prose_links(bs, y: np.ndarray, seed: str):
    """A variant of a page whose article paragraphs are link-heavy, as on wikis:
    each article block of 15+ words gets links over 20-75% of its characters.
    It teaches the classifier that links inside running prose do not make it
    page chrome (the benchmark's news pages rarely show that)."""
    import copy

    rng = np.random.default_rng(int(hashlib.sha1(seed.encode()).hexdigest()[:8], 16))
    out = copy.copy(bs)
    out.link_chars, out.links = list(bs.link_chars), list(bs.links)
    for i, (text, t) in enumerate(zip(bs.texts, y)):
        words = len(text.split())
        if t >= 0.5 and words >= 15:
            out.link_chars[i] = max(out.link_chars[i], int(len(text) * rng.uniform(0.2, 0.75)))
            out.links[i] = max(out.links[i], int(words * rng.uniform(0.05, 0.25)))
    return out


def load_pages():
    truth = json.load(open(BENCH / "ground-truth.json", encoding="utf-8"))
    pages = []
    for pid in sorted(truth):
        html = decode_bytes(gzip.open(BENCH / "html" / f"{pid}.html.gz").read())
        bs = walk_blocks(html)
        x = block_features(bs)
        y = block_targets(bs.blocks, truth[pid]["articleBody"])
        pages.append((pid, bs, x, y))
        if AUGMENT and fold_of(pid, 10, "/augment") < 4:  # 40% of the pages get a variant
            bs2 = with_prose_links(bs, y, pid)
            pages.append((pid + "#links", bs2, block_features(bs2), y))
    return truth, pages


def weights(y: np.ndarray, x_blocks) -> np.ndarray:
    """Row weights: each page sums to the same, blocks weigh by their words."""
    nw = np.array([len(_WORD.findall(b.text)) for b in x_blocks], dtype=float) + 1
    return nw / nw.sum() * len(nw) ** 0.5


def stage_one_oof(pages, folds: int, args, seed: int) -> list[np.ndarray]:
    """Stage-one probabilities of `pages`, each from a model that did not see it."""
    out: list[np.ndarray | None] = [None] * len(pages)
    for f in range(folds):
        idx_tr = [i for i, p in enumerate(pages) if fold_of(p[0], folds, "/inner") != f]
        idx_te = [i for i, p in enumerate(pages) if fold_of(p[0], folds, "/inner") == f]
        m1 = fit(pages, idx_tr, args, seed + f)
        for i in idx_te:
            out[i] = m1.predict(pages[i][2])
    return out


def fit(pages, idx, args, seed, second: list | None = None):
    """Train one stage on pages[idx]; `second` gives stage-one probabilities
    (then the rows get the context features and the stage-two model is fit)."""
    xs, ys, ws = [], [], []
    for j, i in enumerate(idx):
        pid, bs, x, y = pages[i]
        if second is not None:
            x = np.hstack([x, context_features(bs, second[j])])
        xs.append(x)
        ys.append(y)
        ws.append(weights(y, bs.blocks))
    return train(np.vstack(xs), np.concatenate(ys), np.concatenate(ws), hidden=args.hidden,
                 epochs=args.epochs, seed=seed)


def fit_two_stage(pages, idx, args, seed) -> TwoStageModel:
    sub = [pages[i] for i in idx]
    p1 = stage_one_oof(sub, args.inner, args, seed * 100)
    first = fit(pages, idx, args, seed)
    second = fit(pages, idx, args, seed + 50, second=p1)
    return TwoStageModel(first, second)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--inner", type=int, default=4, help="folds for stage two's training probabilities")
    ap.add_argument("--save", action="store_true")
    ap.add_argument("--hidden", type=int, default=48)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--one-stage", action="store_true", help="score stage one alone")
    ap.add_argument("--no-augment", action="store_true", help="no link-heavy variants of pages in training")
    ap.add_argument("--save-only", type=float, default=None, metavar="THRESHOLD",
                    help="skip the cross-validation; save a model with this threshold")
    args = ap.parse_args()
    score = load_score_module()
    truth, pages = load_pages()
    if args.save_only is not None:
        model = fit_two_stage(pages, list(range(len(pages))), args, 0)
        model.second.threshold = args.save_only
        model.save(MODEL_FILE)
        print(f"saved {MODEL_FILE} (threshold {args.save_only}, no cross-validation run)")
        return
    oof = {}
    for f in range(args.folds):
        tr = [i for i, p in enumerate(pages) if fold_of(p[0], args.folds) != f]
        te = [i for i, p in enumerate(pages) if fold_of(p[0], args.folds) == f and "#" not in p[0]]
        if args.one_stage:
            m = fit(pages, tr, args, f)
            for i in te:
                oof[pages[i][0]] = (pages[i][1], m.predict(pages[i][2]))
        else:
            model = fit_two_stage(pages, tr, args, f)
            for i in te:
                oof[pages[i][0]] = (pages[i][1], model.predict(pages[i][1], pages[i][2]))
        print(f"fold {f} done", flush=True)
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
        model = fit_two_stage(pages, list(range(len(pages))), args, 0)
        model.second.threshold = best[1]
        model.save(MODEL_FILE)
        print(f"saved {MODEL_FILE}")


if __name__ == "__main__":
    main()
