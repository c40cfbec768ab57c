"""Text-only page structure on the article-extraction benchmark's text pages.

    .venv/bin/python benchmarks/extract_text.py [--skip repair] [--workers N] [--no-cli] [--repeat N]

1. Runs `webmend clean` over ../shared/bench/article-extraction/wet.jsonl.gz
   (the 181 benchmark pages as a text-only crawl keeps them) and scores the
   output with `score.py extract` against ground-truth.json (shingle F1).
2. Times the structure steps alone (templates, chrome, metadata, layout,
   language) on the same pages in this process: pages/s per core (CPU time,
   the best of N runs, each with cold caches: the machine is shared, and CPU
   time of a loaded machine still varies by a quarter), and each step's CPU
   milliseconds in its best run.

Prints both and the command lines, for docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = (ROOT / ".." / "shared" / "bench").resolve()
WET = BENCH / "article-extraction" / "wet.jsonl.gz"
TRUTH = BENCH / "article-extraction" / "ground-truth.json"
SCORE = BENCH / "score.py"


def score_cli(skip: list[str], workers: int) -> dict:
    """F1 of `webmend clean` on the benchmark's text pages."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        cmd = [str(ROOT / ".venv" / "bin" / "webmend"), "clean", str(WET), "-o", str(out), "-q",
               "--workers", str(workers)]
        for s in skip:
            cmd += ["--skip", s]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True)
        wall = time.perf_counter() - t0
        rep = subprocess.run([sys.executable, str(SCORE), "extract", str(TRUTH), str(out)],
                             check=True, capture_output=True, text=True)
        report = json.loads(rep.stdout)
        report["cli_seconds"] = round(wall, 1)
        report["command"] = " ".join(["webmend"] + cmd[1:3] + ["-o", "out.jsonl"] + cmd[6:])
        return report


def time_structure_steps(repeat: int = 5) -> dict:
    """Pages/s per core (CPU time, best of `repeat` runs) of the structure steps
    on the WET pages after the preparing steps (input, normalize): the
    templates' first pass, templates, chrome and metadata together (the issue's
    figure), and with layout and language added."""
    from webmend.annotate import language, metadata
    from webmend.boilerplate import chrome, features, layout, templates
    from webmend.document import Document
    from webmend.extract import text_input
    from webmend.pipeline import HostStats, Resources

    rows = [json.loads(line) for line in gzip.open(WET, "rt", encoding="utf-8")]
    core = [templates.STEP, chrome.STEP, metadata.STEP]
    extra = [layout.STEP, language.STEP]
    best_core = best_all = float("inf")
    best_steps: dict[str, float] = {}
    clock = time.process_time
    for i in range(repeat + 1):  # the first run loads models and tables
        docs = []
        for r in rows:
            d = Document(id=r["id"], url=r.get("url"), source=r["text"])
            text_input.normalize_layout(d, None)
            docs.append(d)
        features._CACHE.clear()  # each run starts cold: no page is known yet
        hosts: dict[str, HostStats] = {}
        steps = dict.fromkeys(["templates (first pass)"] + [s.name for s in core + extra], 0.0)
        t0 = clock()
        for d in docs:  # first pass, as the engine does
            st = hosts.setdefault(d.host_key, HostStats())
            st.pages += 1
            templates.observe_lines(d, st)
        steps["templates (first pass)"] = clock() - t0
        res = Resources(hosts=hosts)

        def run_timed(step_list) -> None:
            for d in docs:
                for s in step_list:
                    t1 = clock()
                    s.run(d, res)
                    steps[s.name] += clock() - t1

        run_timed(core)
        t_core = clock() - t0
        run_timed(extra)
        t_all = clock() - t0
        if i:
            if t_core < best_core:
                best_steps = steps
            best_core, best_all = min(best_core, t_core), min(best_all, t_all)
    n = len(rows)
    return {"pages": n,
            "templates_chrome_metadata_pages_per_s_per_core": round(n / best_core, 1),
            "with_layout_and_language_pages_per_s_per_core": round(n / best_all, 1),
            "runs": repeat,
            "cpu_ms_by_step_in_best_run": {k: round(v * 1000) for k, v in best_steps.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skip", action="append", default=[], help="passed to webmend clean --skip")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-cli", action="store_true", help="only time the structure steps")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of the structure steps (the best counts)")
    args = ap.parse_args()
    if not args.no_cli:
        print(json.dumps({"extract": score_cli(args.skip, args.workers)}, ensure_ascii=False, indent=1))
    print(json.dumps({"structure_speed": time_structure_steps(args.repeat)}, indent=1))


if __name__ == "__main__":
    main()
