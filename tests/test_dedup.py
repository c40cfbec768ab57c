"""Duplicate clusters on real benchmark texts with copies made from them."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from webmend.annotate.dedup import DedupIndex, minhash_signature, normalised_words, signature
from webmend.document import Document
from webmend.pipeline import Options, mend_all

from conftest import ROOT


def change_words(text: str, n: int) -> str:
    """A copy with `n` words, spread evenly over the text, replaced by another word."""
    words = text.split(" ")
    step = max(len(words) // n, 1)
    return " ".join("changed" if i % step == step // 2 else w for i, w in enumerate(words))


@pytest.fixture(scope="module")
def bodies(ground_truth) -> list[tuple[str, str]]:
    """30 real article bodies of 150+ words."""
    out = [(k, v["articleBody"]) for k, v in sorted(ground_truth.items()) if len(v["articleBody"].split()) >= 150]
    return out[:30]


def run_index(docs: list[Document]) -> dict[str, dict]:
    ix = DedupIndex()
    for d in docs:
        signature(d, None)
        ix.add(d)
    return {d.id: d.signals for d in docs}


def test_originals_are_all_kept(bodies):
    sig = run_index([Document(id=k, source=t) for k, t in bodies])
    assert all(s["dup_kept"] and s["dup_cluster"] == k for k, s in sig.items())


def test_exact_and_near_copies_join_the_first_page(bodies):
    docs = [Document(id=k, source=t) for k, t in bodies]
    (a, ta), (b, tb) = bodies[0], bodies[1]
    docs.append(Document(id="exact", source="  " + ta.upper().replace(" ", "  ") + "\n"))  # case, spacing
    docs.append(Document(id="near", source=change_words(tb, 4)))  # a few words changed
    docs.append(Document(id="far", source=change_words(tb, len(tb.split()) // 3)))  # 1 word in 3: another text
    sig = run_index(docs)
    assert sig["exact"]["dup_cluster"] == a
    assert sig["exact"]["exact_dup"] and not sig["exact"]["dup_kept"] and sig["exact"]["dup_similarity"] == 1.0
    assert sig["near"]["dup_cluster"] == b and sig["near"]["near_dup"] and not sig["near"]["exact_dup"]
    assert 0.8 <= sig["near"]["dup_similarity"] < 1.0
    assert sig["far"]["dup_kept"] and sig["far"]["dup_cluster"] == "far"
    assert sig[a]["dup_kept"] and sig[b]["dup_kept"]


def test_order_decides_the_representative(bodies):
    k, t = bodies[2]
    sig = run_index([Document(id="copy-first", source=change_words(t, 3)), Document(id=k, source=t)])
    assert sig["copy-first"]["dup_kept"] and sig[k]["dup_cluster"] == "copy-first"


def test_signature_does_not_depend_on_the_process(bodies):
    """Same bytes under another hash seed: local and Ray workers agree."""
    text = bodies[3][1]
    here = minhash_signature(normalised_words(text)).tobytes().hex()
    code = ("import sys; from webmend.annotate.dedup import minhash_signature, normalised_words;"
            "print(minhash_signature(normalised_words(sys.stdin.read())).tobytes().hex())")
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    there = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, env=env,
                           check=True).stdout.strip()
    assert here == there


def test_pages_without_words_are_in_no_cluster():
    sig = run_index([Document(id="empty", source="... !!!"), Document(id="empty2", source="... !!!")])
    assert sig["empty"]["dup_cluster"] is None and sig["empty2"]["dup_cluster"] is None


def test_through_the_pipeline(bodies):
    (a, ta), (b, tb) = bodies[4], bodies[5]
    docs = [Document(id=a, source=ta), Document(id=b, source=tb), Document(id="again", source=ta)]
    out = {d.id: d.signals for d in mend_all(docs, Options(skip=frozenset({"repair", "structure"})))}
    assert out["again"]["dup_cluster"] == a and out["again"]["exact_dup"] and out[a]["dup_kept"]
    assert "dedup_minhash" not in docs[0].meta  # signatures do not outlive the corpus step
