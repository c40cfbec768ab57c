#!/usr/bin/env python3
"""HTML extraction: webmend's extractor against trafilatura, same run, one core.

    .venv/bin/python benchmarks/extract_html.py [--resiliparse] [--pipeline] [--limit N]

On ../shared/bench/article-extraction (181 pages): every page is read and
decoded first (not timed); then each extractor runs over all pages in this one
process (numpy held to one thread), timed in CPU seconds (process time), interleaved page by page; its output is
scored with score.py's `extract` measure (4-word-shingle F1). Prints, per
extractor, F1 / precision / recall and pages/s, and webmend's speed ratio
over trafilatura. webmend's figure includes its metadata (title, author,
date, language); trafilatura runs as `trafilatura.extract(html)`, its
defaults (no metadata).

--pipeline also scores webmend's whole pipeline on the HTML pages
(`webmend.pipeline.mend(html=...)`: extraction, then the text steps), with
and without the page-structure steps (`--skip structure`), to show whether
the text path helps or hurts after extraction.
"""
from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import gzip  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH = ROOT.parent / "shared" / "bench" / "article-extraction"


def load_score_module():
    spec = importlib.util.spec_from_file_location("score", ROOT.parent / "shared" / "bench" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def time_interleaved(fns: dict, pages) -> tuple[dict, dict]:
    """Run every extractor on each page in turn (the order rotating from page
    to page), so a change in the machine's load hits them alike. Returns the
    outputs and the CPU seconds (process time) of each extractor."""
    names = list(fns)
    for name in names:  # warm up: imports, model load
        fns[name](pages[0][1], pages[0][2])
    outs = {n: [] for n in names}
    secs = dict.fromkeys(names, 0.0)
    for i, (pid, html, url) in enumerate(pages):
        for name in names[i % len(names):] + names[:i % len(names)]:
            t0 = time.process_time()
            text = fns[name](html, url)
            secs[name] += time.process_time() - t0
            outs[name].append((pid, text))
    return outs, secs


def score_outputs(name, outs, secs, pages, truth_path, score) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for pid, text in outs:
            f.write(json.dumps({"id": pid, "text": text or ""}) + "\n")
    if len(pages) < 181:  # score only the pages run
        truth = json.load(open(truth_path, encoding="utf-8"))
        keep = {pid for pid, _, _ in pages}
        sub = Path(f.name).with_suffix(".truth.json")
        sub.write_text(json.dumps({k: v for k, v in truth.items() if k in keep}))
        truth_path = sub
    r = score.score_extract(truth_path, f.name)
    os.unlink(f.name)
    r["pages_per_s"] = round(len(pages) / secs, 1) if secs else 0.0
    print(f"{name:<34} F1 {r['f1']:.4f}  P {r['precision']:.4f}  R {r['recall']:.4f}  "
          f"{r['pages_per_s']:7.1f} pages/s", flush=True)
    return r


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resiliparse", action="store_true", help="also resiliparse main_content")
    ap.add_argument("--pipeline", action="store_true", help="also the whole pipeline, with and without structure")
    ap.add_argument("--no-trafilatura", action="store_true")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    except (AttributeError, OSError):
        pass
    from webmend.io.decode import decode_bytes

    score = load_score_module()
    truth_path = BENCH / "ground-truth.json"
    truth = json.load(open(truth_path, encoding="utf-8"))
    ids = sorted(truth)[: args.limit or None]
    pages = [(pid, decode_bytes(gzip.open(BENCH / "html" / f"{pid}.html.gz").read()), truth[pid]["url"]) for pid in ids]
    results = {}

    from webmend.extract.html import extract_html

    fns = {"webmend extract_html": lambda h, u: extract_html(h, u).text}
    if not args.no_trafilatura:
        import trafilatura

        fns[f"trafilatura {trafilatura.__version__}"] = lambda h, u: trafilatura.extract(h, url=u)
    if args.resiliparse:
        from resiliparse.extract.html2text import extract_plain_text

        fns["resiliparse main_content"] = lambda h, u: extract_plain_text(h, main_content=True)
    outs, secs = time_interleaved(fns, pages)
    for name in fns:
        results[name] = score_outputs(name, outs[name], secs[name], pages, truth_path, score)
    if not args.no_trafilatura:
        ours, theirs = list(results.values())[:2]
        print(f"speed ratio webmend / trafilatura: {ours['pages_per_s'] / theirs['pages_per_s']:.2f}x "
              "(CPU time, same run, interleaved page by page, one core)")
    print("note: the shipped block model was trained on these pages; its held-out F1 is printed by "
          "benchmarks/train_extractor.py (5-fold cross-validation by page)")
    if args.pipeline:
        from webmend.pipeline import STEPS, Options, mend

        variants = {"webmend pipeline": Options()}
        if any(s.family == "structure" for s in STEPS):
            variants["webmend pipeline --skip structure"] = Options(skip=frozenset({"structure"}))
        else:
            print("(no 'structure' steps in the pipeline yet)")
        for name, opts in variants.items():
            fn = lambda h, u, o=opts: mend(html=h, url=u, options=o).text  # noqa: E731
            o, sc = time_interleaved({name: fn}, pages)
            results[name] = score_outputs(name, o[name], sc[name], pages, truth_path, score)


if __name__ == "__main__":
    main()
