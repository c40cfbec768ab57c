"""Shared ground of the learned repairs: words counted cheaply, the page's
lexicon, log-likelihood scores, bounded host counters, and the spans of words
a repair rewrote (so the case step can restore their capitals afterwards).

The learned repairs never consult a list of damaged words: they compare what a
page (or all pages of its host) contains with what its language's lexicon
expects, and accept a rule only when the difference is large and consistent.
"""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from typing import Iterable

from webmend.document import Change, Document
from webmend.lexicon.words import Lexicon, lexicon

# Punctuation that may stick to a word's edges in a whitespace-split token.
EDGE_PUNCT = "\"'`.,;:!?()[]{}<>«»‹›“”„‘’‚…–—-*_/\\|+#%&@=~^$"
LANG_SAMPLE = 6000      # characters of a page judged for its language
HOST_CAP = 20000        # distinct keys one host counter may hold
MEANINGFUL = re.compile(r"[^\W\d_]")


def words_of(text: str, caps: bool = True) -> Counter:
    """Lowercased words of a text and how often each occurs, split on white
    space and stripped of edge punctuation (fast: split and count in C, then
    clean each distinct token once).

    >>> sorted(words_of("The cat, the hat. (the)").items())
    [('cat', 1), ('hat', 1), ('the', 3)]
    >>> sorted(words_of("GE and ge", caps=False).items())   # upper-case words left out
    [('and', 1), ('ge', 1)]
    """
    raw = Counter((text if not caps else text.lower()).split())
    out: Counter = Counter()
    for tok, n in raw.items():
        w = tok.strip(EDGE_PUNCT)
        if w and w.isalpha():
            if not caps and len(w) > 1 and not any(ch.islower() for ch in w):
                continue
            out[w.lower()] += n
    return out


def page_language(doc: Document) -> str | None:
    """The page's language, judged on a sample of its text (cached on the
    document: the language step proper runs after the repairs)."""
    cached = doc.meta.get("_learned_lang", "?")
    if cached != "?":
        return cached
    from webmend.annotate.language import identify

    lang = doc.language or identify(doc.text[:LANG_SAMPLE])[0]
    doc.meta["_learned_lang"] = lang
    return lang


def page_lexicon(doc: Document) -> Lexicon | None:
    return lexicon(page_language(doc))


def poisson_deficit(observed: float, expected: float) -> float:
    """Evidence (nats) that a count fell short of its expectation: the Poisson
    log-likelihood ratio of `observed` under a rate equal to itself versus
    the expected rate; 0 when nothing is missing.

    >>> round(poisson_deficit(0, 12), 1), poisson_deficit(5, 3)
    (12.0, 0.0)
    """
    if expected <= 0 or observed >= expected:
        return 0.0
    if observed <= 0:
        return float(expected)
    return expected - observed + observed * math.log(observed / expected)


def poisson_excess(observed: float, expected: float) -> float:
    """Evidence (nats) that a count exceeds its expectation (0 if it does not).

    >>> round(poisson_excess(10, 0.1), 1)
    36.2
    """
    expected = max(expected, 1e-6)
    if observed <= expected:
        return 0.0
    return observed * math.log(observed / expected) - observed + expected


def add_capped(stats, name: str, items: dict | Counter, cap: int = HOST_CAP) -> None:
    """Add counts to a host counter without letting it grow past `cap` keys:
    known keys keep counting, new keys enter while there is room."""
    c = stats.counter(name)
    room = cap - len(c)
    for k, v in items.items():
        if k in c:
            c[k] += v
        elif room > 0:
            c[k] = v
            room -= 1


# ------------------------------------------------------------ tracked words
# Steps that rewrite a word whose case the damage destroyed list its span
# (working-text coordinates) in doc.meta; later edits shift them.
TRACK = "_learned_words"


def tracked_words(doc: Document) -> list[list]:
    return doc.meta.setdefault(TRACK, [])


def replace_tracked(doc: Document, changes: list[Change], word_at: list[tuple[int, int] | None]) -> int:
    """Apply changes; `word_at[i]` is the span, inside change i's `after`, of
    the repaired word whose case is to be restored (or None). Spans tracked
    by earlier steps are shifted so they keep pointing at their words."""
    order = sorted(range(len(changes)), key=lambda i: changes[i].start)
    changes = [changes[i] for i in order]
    word_at = [word_at[i] for i in order]
    old = tracked_words(doc)
    # shift the spans already tracked: by the changes that end before them
    ends, cum, acc = [], [0], 0
    for c in changes:
        acc += len(c.after) - (c.end - c.start)
        ends.append(c.end)
        cum.append(acc)

    def shift(pos: int) -> int:
        return pos + cum[bisect.bisect_right(ends, pos)]

    moved = [[shift(s), shift(e), *rest] for s, e, *rest in old]
    n = doc.replace(changes)
    acc = 0
    for c, w in zip(changes, word_at):
        new_start = c.start + acc
        if w is not None:
            moved.append([new_start + w[0], new_start + w[1], c.kind])
        acc += len(c.after) - (c.end - c.start)
    doc.meta[TRACK] = sorted(moved)
    return n


def rule_entry(family: str, rule: str, scope: str, **evidence) -> dict:
    """A doc.rules entry: what was learned, where (page or host), on what evidence."""
    out = {"family": family, "rule": rule, "scope": scope}
    for k, v in evidence.items():
        out[k] = round(v, 1) if isinstance(v, float) else v
    return out


def iter_limited(items: Iterable, limit: int):
    for i, x in enumerate(items):
        if i >= limit:
            return
        yield x
