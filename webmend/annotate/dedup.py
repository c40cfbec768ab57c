"""Exact and near-duplicate pages: each page gets its cluster and whether it
is the cluster's kept representative (the first page of the cluster in
output order).

Two halves, so the costly part runs in the workers:

- `signature` (a Step, in the workers): the xxh64 hash of the page's
  normalised text (NFKC, case-folded, words only) and its MinHash (datasketch,
  NUM_PERM permutations with a fixed seed, over the hashes of word 5-gram
  shingles, made in numpy from one xxh64 a distinct word), kept in
  `doc.meta` (not in the output) as 4 bytes a permutation.
- `start` (a CorpusStep, in the parent, in output order): a page whose hash
  was seen is an exact duplicate; else the MinHash LSH index of the
  representatives so far gives candidates, and the first whose estimated
  Jaccard similarity is at least THRESHOLD takes the page into its cluster;
  else the page starts a cluster and joins the index.

Signals: `dup_cluster` (the representative's id), `dup_kept` (True for the
representative), `exact_dup` (the same normalised text as an earlier page), `near_dup`
(similar to the representative, not equal), `dup_similarity` (estimated
Jaccard with the representative; 1.0 for its exact copies), `text_hash`.

Memory in the parent grows with the number of clusters only (duplicates add
nothing): per representative its hash (dict entry, ~100 bytes), its signature
(NUM_PERM x 4 bytes = 512 bytes) and its LSH entries (one 8-byte band hash in
each of the LSH's bands, ~1 KB with dict overhead): about 1.7 KB a unique page.
Same seeds and the same order give the same clusters on every engine.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Callable

import numpy as np

from webmend.document import Document
from webmend.pipeline import Options, Resources, Step

NUM_PERM = 128
SEED = 1
SCHEME = "affine32"  # datasketch's 32-bit hashing: 4 bytes a permutation
SHINGLE = 5
THRESHOLD = 0.8
MAX_SHINGLES = 200_000  # a huge page is judged on its first 200k shingles
_WORDS = re.compile(r"\w+")


def normalised_words(text: str) -> list[str]:
    """The words of a text, NFKC-normalised and case-folded.

    >>> normalised_words("The  CAFÉ, the café!")
    ['the', 'café', 'the', 'café']
    """
    return _WORDS.findall(unicodedata.normalize("NFKC", text).casefold())


def text_hash(words: list[str]) -> str:
    """xxh64 of the normalised words: equal for texts that differ only in case,
    spacing, punctuation or Unicode form."""
    import xxhash

    return xxhash.xxh64_hexdigest(" ".join(words).encode("utf-8"))


def shingle_hashes(words: list[str], n: int = SHINGLE) -> np.ndarray:
    """32-bit hashes of the word n-grams (a text shorter than n is one
    shingle), made in numpy from one xxh64 per distinct word: a rolling
    polynomial over the n word hashes, modulo 2**64, folded to 32 bits. Equal
    n-grams hash equal, whatever page they are on.

    >>> h = shingle_hashes("a b c d e a b c d e".split())
    >>> len(h), bool(h[0] == h[5]), bool(h[0] == h[1])
    (6, True, False)
    """
    import xxhash

    if not words:
        return np.zeros(0, dtype=np.uint64)
    ids = {w: xxhash.xxh64_intdigest(w.encode("utf-8", "surrogatepass")) for w in dict.fromkeys(words)}
    wh = np.fromiter(map(ids.__getitem__, words), dtype=np.uint64, count=len(words))
    m = max(min(len(words) - n + 1, MAX_SHINGLES), 1)
    h = np.zeros(m, dtype=np.uint64)
    for k in range(min(n, len(words))):  # wraps modulo 2**64, as meant
        h = h * _ROLL + wh[k:k + m]
    return (h ^ (h >> np.uint64(32))) & np.uint64(0xFFFFFFFF)


_ROLL = np.uint64(0x100000001B3)  # the FNV-1a 64-bit prime, an odd multiplier


@functools.lru_cache(maxsize=1)
def _permutations():
    """The seed's permutations, drawn once a process (datasketch draws them for every MinHash)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


_BATCH = 16_384  # shingles a MinHash update takes at once (datasketch makes a batch x NUM_PERM table)


def minhash_signature(words: list[str]) -> np.ndarray:
    """The MinHash signature (uint32, NUM_PERM values) of a text's shingles:
    datasketch's MinHash, given each shingle's hash (`shingle_hashes`), in
    batches so its table stays small on a long page."""
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=int, permutations=_permutations())
    hashes = shingle_hashes(words)
    for i in range(0, len(hashes), _BATCH):
        m.update_batch(hashes[i:i + _BATCH].tolist())
    return m.hashvalues.astype(np.uint32)


def signature(doc: Document, res: Resources) -> None:
    """Worker half: hash and MinHash of the page's final text, in doc.meta."""
    words = normalised_words(doc.text)
    if not words:
        return
    doc.meta["dedup_hash"] = text_hash(words)
    doc.meta["dedup_minhash"] = minhash_signature(words).tobytes()


def _band_hash(data: bytes) -> bytes:
    import xxhash

    return xxhash.xxh64_digest(data)


class DedupIndex:
    """The parent half: clusters of pages seen so far, in output order.

    >>> ix = DedupIndex()
    >>> a = " ".join(f"word{i}" for i in range(200))
    >>> for i, t in enumerate([a, a.upper(), a.replace("word50 ", "other "), "something else entirely"]):
    ...     d = Document(id=f"p{i}", source=t); signature(d, None); ix.add(d)
    ...     print(d.id, d.signals["dup_cluster"], d.signals["dup_kept"], d.signals["exact_dup"], d.signals["near_dup"])
    p0 p0 True False False
    p1 p0 False True False
    p2 p0 False False True
    p3 p3 True False False
    """

    def __init__(self, threshold: float = THRESHOLD) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.exact: dict[str, tuple[str, float]] = {}  # text hash -> (representative id, similarity)
        self.signatures: dict[str, np.ndarray] = {}  # representative id -> signature (in insertion order)
        self.order: dict[str, int] = {}  # representative id -> its rank, to break ties the same way everywhere
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, hashfunc=_band_hash)

    def add(self, doc: Document) -> None:
        h = doc.meta.pop("dedup_hash", None)
        raw = doc.meta.pop("dedup_minhash", None)
        s = doc.signals
        if h is None or raw is None or doc.signals.get("filtered"):
            # no words, or filtered out of the run: in no cluster
            s.update(dup_cluster=None, dup_kept=not s.get("filtered"), exact_dup=False, near_dup=False,
                     dup_similarity=None)
            return
        s["text_hash"] = h
        known = self.exact.get(h)
        if known is not None:
            rep, sim = known
            s.update(dup_cluster=rep, dup_kept=False, exact_dup=True, near_dup=sim < 1.0, dup_similarity=sim)
            return
        sig = np.frombuffer(raw, dtype=np.uint32)
        best, best_sim = None, 0.0
        for cand in self.lsh.query(self._minhash(sig)):
            sim = float(np.mean(self.signatures[cand] == sig))
            if sim >= self.threshold and (best is None or sim > best_sim or
                                          (sim == best_sim and self.order[cand] < self.order[best])):
                best, best_sim = cand, sim
        if best is not None:
            self.exact[h] = (best, round(best_sim, 4))
            s.update(dup_cluster=best, dup_kept=False, exact_dup=False, near_dup=True,
                     dup_similarity=round(best_sim, 4))
            return
        key = doc.id if doc.id not in self.signatures else f"{doc.id}#{len(self.signatures)}"
        self.exact[h] = (key, 1.0)
        self.order[key] = len(self.order)
        self.signatures[key] = sig
        self.lsh.insert(key, self._minhash(sig))
        s.update(dup_cluster=key, dup_kept=True, exact_dup=False, near_dup=False, dup_similarity=None)

    @staticmethod
    def _minhash(sig: np.ndarray):
        from datasketch import MinHash

        return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashvalues=sig)


def start(options: Options) -> Callable[[Document], None]:
    """A fresh index for one run; returns the function applied to each page."""
    return DedupIndex().add


SIGNATURE = Step("dedup-signature", signature,
                 "hash and MinHash of the final text, for the duplicate clusters", family="dedup")


def corpus_step():
    """The CorpusStep (built on demand: the pipeline module imports this one
    while it is itself being built)."""
    from webmend.pipeline import CorpusStep

    return CorpusStep("dedup", start, "exact and near-duplicate clusters (MinHash LSH), first page kept",
                      family="dedup")
