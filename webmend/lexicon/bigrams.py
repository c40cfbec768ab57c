"""Word-pair counts of a language, to judge a word by its neighbours.

A damaged form that is a word of its own ('he' for 'the', 'as' for 'was')
cannot be told from the real word by counts alone: the page has both. Its
neighbours tell: 'he said' is the pronoun, 'in he city' a lost 't'. The
pair counts are SymSpell's English bigram list (symspellpy's package data,
242,342 pairs of lower-case words counted in a large English corpus, each
seen 6.4 million times or more there); loaded once per process, on first
use, and only for a language that has such a list (English; other
languages keep the page-level decision).

`context_log_odds(prev, nxt, w, d)` is how much more likely the neighbours
make `w` than `d` at one place, against how often each stands in general
(a pointwise mutual information difference, in nats), from a first-order
model of the text: P(prev, x, next) = P(prev) P(x | prev) P(next | x). A
pair missing from the list counted under the list's cut, so it stands at
the lesser of that cut and what independence would give; a side where both
pairs are missing says nothing (0).
"""
from __future__ import annotations

import functools
import importlib.util
import math
import os
from dataclasses import dataclass

_FILES = {"en": "frequency_bigramdictionary_en_243_342.txt"}


@dataclass
class Bigrams:
    pairs: dict[str, int]   # "a b" -> count
    right: dict[str, int]   # a -> count of all pairs "a *" (a as the left word)
    left: dict[str, int]    # b -> count of all pairs "* b"
    total: int
    cut: int                # the least count the list keeps

    def count(self, a: str, b: str) -> int | None:
        return self.pairs.get(a + " " + b)

    def _floor(self, a: str, b: str) -> float:
        """What a missing pair stands at: under the cut, at most what independence gives."""
        return min(self.cut, self.right.get(a, 1) * self.left.get(b, 1) / self.total)

    def context_log_odds(self, prev: str, nxt: str, w: str, d: str) -> float:
        """log [P(w | prev, next) / P(d | prev, next)] - log [P(w) / P(d)]:
        the neighbours' evidence for reading `w` where `d` stands. Empty
        `prev`/`nxt`: no neighbour on that side (a sentence start, a mark).

        >>> en = bigrams("en")
        >>> en.context_log_odds("in", "city", "the", "he") > 3    # 'in he city': 'the'
        True
        >>> en.context_log_odds("", "said", "the", "he") < -3     # 'he said': the pronoun
        True
        >>> en.context_log_odds("", "", "the", "he")
        0.0
        """
        out = 0.0
        if prev:  # P(x | prev) / P(x), with x standing to the right
            out += self._side((prev, w), (prev, d), self.left.get(w, 1), self.left.get(d, 1))
        if nxt:  # P(next | x)
            out += self._side((w, nxt), (d, nxt), self.right.get(w, 1), self.right.get(d, 1))
        return out

    def _side(self, pair_w: tuple[str, str], pair_d: tuple[str, str], norm_w: int, norm_d: int) -> float:
        """log (pair_w / norm_w) - log (pair_d / norm_d), a missing pair at its
        floor; 0 when both pairs are missing (nothing known on that side)."""
        cw, cd = self.count(*pair_w), self.count(*pair_d)
        if cw is None and cd is None:
            return 0.0
        return (math.log(cw if cw is not None else self._floor(*pair_w)) - math.log(norm_w)
                - math.log(cd if cd is not None else self._floor(*pair_d)) + math.log(norm_d))


@functools.lru_cache(maxsize=None)
def bigrams(lang: str) -> Bigrams | None:
    """The language's pair counts, or None when webmend has none for it."""
    name = _FILES.get(lang)
    spec = importlib.util.find_spec("symspellpy") if name else None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], name)
    try:
        with open(path, encoding="utf-8") as f:
            rows = [line.split() for line in f]
    except OSError:
        return None
    pairs: dict[str, int] = {}
    right: dict[str, int] = {}
    left: dict[str, int] = {}
    for row in rows:
        if len(row) != 3 or not row[2].isdigit():
            continue
        a, b, n = row[0], row[1], int(row[2])
        pairs[a + " " + b] = n
        right[a] = right.get(a, 0) + n
        left[b] = left.get(b, 0) + n
    if not pairs:
        return None
    return Bigrams(pairs, right, left, sum(pairs.values()), min(pairs.values()))
