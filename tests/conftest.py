"""Shared fixtures: paths to the real inputs the tests run on."""
from __future__ import annotations

import functools
import gzip
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLE = ROOT / "examples" / "kancc-reminiscences.txt"
BENCH = SHARED / "bench" / "article-extraction"
WEBMEND = [sys.executable, "-m", "webmend.cli"]


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def bench_html_files() -> list[Path]:
    """A few real pages of the article-extraction benchmark (sorted, first 4)."""
    return sorted((BENCH / "html").glob("*.html.gz"))[:4]


@pytest.fixture(scope="session")
def ground_truth() -> dict:
    return json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))


def run_cli(*args: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([*WEBMEND, *map(str, args)], capture_output=True, text=True, env=env, cwd=ROOT, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"webmend {' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stderr}")
    return proc


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@functools.lru_cache(maxsize=1)
def score_module():
    """The shared benchmark scorer (../shared/bench/score.py), loaded as a module."""
    spec = importlib.util.spec_from_file_location("bench_score", SHARED / "bench" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
