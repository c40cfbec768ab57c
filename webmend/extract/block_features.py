"""Blocks -> a feature matrix for the block classifier (one row a block).

Features a reader would use to tell an article's text from a page's chrome:
the block's own text (length, words, link share, sentence punctuation,
digits, capitalised words), its tag and its ancestors' tags, the class/id
words of its ancestors by group (nav, comment, share ...), where it sits
(position on the page, inside the container where the page's prose is
concentrated or not), and the same for its neighbours, so a short line
between two paragraphs of the article is read in its context.

Everything is vectorised per page with numpy; the cost is linear in blocks.
"""
from __future__ import annotations

import re
from math import log1p

import numpy as np

from webmend.extract.dom_blocks import ANCESTOR_TAGS, GROUP_NAMES, HEADINGS, BlockSet

_WORD = re.compile(r"\w+")
TERMINAL_CHARS = ".!?。！？…:;\"'”’»)]"
_SENTENCE_END = re.compile(r"[.!?。！？](?:\s|$)")
COPYRIGHT_PHRASES = ("©", "(c)", "copyright", "all rights reserved", "terms of use", "terms of service",
                     "privacy policy")
_SEPARATORS = re.compile(r"[|•·»›/]")
_DATE_LIKE = re.compile(r"[12][09][0-9][0-9](?![0-9])|[0-9]{1,2}[:/.][0-9]{1,2}(?![0-9])")
_CAPWORD = re.compile(r"[A-Z\u00c0-\u00de](?<!\w[A-Z\u00c0-\u00de])")
_NON_DIGITS = re.compile(r"[^0-9]+")

BLOCK_TAG_CLASSES = ("p", "div", "li", "h", "td", "blockquote", "pre", "figcaption", "dd", "section", "other")
_TAG_CLASS = {"p": 0, "div": 1, "li": 2, "td": 4, "th": 4, "blockquote": 5, "pre": 6, "figcaption": 7,
              "caption": 7, "dd": 8, "dt": 8, "section": 9, "article": 9, "main": 9}
for _h in HEADINGS:
    _TAG_CLASS[_h] = 3

PROSE_TAGS = frozenset(("p", "div", "td", "pre", "blockquote", "section", "article", "main", "dd", "li", "font", "span"))
LEAF_TAGS = frozenset(("p", "pre", "blockquote", "li", "td", "dd", "h1", "h2", "h3", "h4", "h5", "h6"))


def container_scores(bs: BlockSet) -> np.ndarray:
    """Readability-style score of every element: each prose-like block adds
    1 + commas + its length/100 (at most 3) to its container and half to the
    container's parent; an element's score is then scaled by its text's
    non-link share. Returns the scores by element index."""
    els = bs.elements
    n = len(els)
    score = np.zeros(n)
    chars = np.zeros(n)
    links = np.zeros(n)
    for b in bs.blocks:
        chars[b.element] += len(b.text)
        links[b.element] += b.link_chars
        own_chars = len(b.text) - b.link_chars  # prose is judged by its words outside links
        if own_chars < 25 or b.link_chars > 0.75 * len(b.text):
            continue
        s = 1.0 + b.text.count(",") + b.text.count("，") + min(own_chars / 100.0, 3.0)
        el = els[b.element]
        cont = el.parent if el.tag in LEAF_TAGS and el.parent >= 0 else b.element
        score[cont] += s
        gp = els[cont].parent
        if gp >= 0:
            score[gp] += s / 2
    for i in range(n - 1, 0, -1):  # subtree sums: parents come before children
        p = els[i].parent
        chars[p] += chars[i]
        links[p] += links[i]
    ld = np.divide(links, chars, out=np.zeros(n), where=chars > 0)
    return score * (1 - ld), chars


def subtree_ends(bs: BlockSet) -> np.ndarray:
    """Index of the last element in each element's subtree (pre-order)."""
    els = bs.elements
    end = np.arange(len(els))
    for i in range(len(els) - 1, 0, -1):
        p = els[i].parent
        if end[i] > end[p]:
            end[p] = end[i]
    return end


def _bits(values: list[int], width: int) -> np.ndarray:
    arr = np.asarray(values, dtype=np.int64)[:, None]
    return ((arr >> np.arange(width)) & 1).astype(np.float32)


def _shift(x: np.ndarray, k: int, fill: float = 0.0) -> np.ndarray:
    """Rows moved down by k (k>0: the previous row's values), padded with fill."""
    out = np.full_like(x, fill)
    if k > 0:
        out[k:] = x[:-k]
    elif k < 0:
        out[:k] = x[-k:]
    else:
        out[:] = x
    return out


def phrase_counts(text: str, starts: np.ndarray, phrases: tuple[str, ...]) -> np.ndarray:
    """How often any of `phrases` occurs in each block of `text` (blocks begin
    at `starts`), by plain substring search (much faster than a regex).

    >>> phrase_counts("a (c) b\\nno\\n© x", np.array([0, 8, 11]), ("©", "(c)")).tolist()
    [1.0, 0.0, 1.0]
    """
    pos: list[int] = []
    for ph in phrases:
        i = text.find(ph)
        while i >= 0:
            pos.append(i)
            i = text.find(ph, i + len(ph))
    idx = np.searchsorted(starts, np.asarray(pos, dtype=np.int64), side="right") - 1
    return np.bincount(idx, minlength=len(starts)).astype(np.float64)


def block_features(bs: BlockSet) -> np.ndarray:
    """The feature matrix of a page's blocks (float32, blocks x FEATURES)."""
    blocks = bs.blocks
    n = len(blocks)
    if n == 0:
        return np.zeros((0, n_features()), dtype=np.float32)
    els = bs.elements
    score_a, chars_a = container_scores(bs)
    best = int(np.argmax(score_a)) if score_a.max() > 0 else 0
    best_score = max(float(score_a[best]), 1e-9)
    ratio = (score_a / best_score).tolist()
    log_chars = np.log1p(chars_a).tolist()
    best_end = int(subtree_ends(bs)[best])

    texts = [b.text for b in blocks]
    nc = np.fromiter(map(len, texts), dtype=np.float64, count=n)
    total_chars = float(nc.sum()) or 1.0
    log_total = log1p(total_chars)
    # regex counts over the whole page at once, assigned to blocks by offset
    big = "\n".join(texts)
    starts = np.concatenate([[0], np.cumsum(nc[:-1] + 1)])

    def per_block(rx: re.Pattern) -> np.ndarray:
        pos = np.fromiter((m.start() for m in rx.finditer(big)), dtype=np.int64)
        return np.bincount(np.searchsorted(starts, pos, side="right") - 1, minlength=n).astype(np.float64)

    words = np.fromiter((len(t.split()) for t in texts), dtype=np.float64, count=n)
    digits = np.fromiter((len(_NON_DIGITS.sub("", t)) for t in texts), dtype=np.float64, count=n)
    capwords = np.fromiter((len(_CAPWORD.findall(t)) for t in texts), dtype=np.float64, count=n)
    commas = np.fromiter((t.count(",") + t.count("，") for t in texts), dtype=np.float64, count=n)
    word_chars = nc - np.fromiter((t.count(" ") for t in texts), dtype=np.float64, count=n)
    text_counts: dict[str, int] = {}
    for t in texts:
        text_counts[t] = text_counts.get(t, 0) + 1
    first_h1 = next((b.index for b in blocks if b.tag == "h1"), -1)

    # per element: parent (the root its own), depth, best ancestor score ratio within 6 hops
    ne = len(els)
    up_el = np.fromiter((max(e.parent, 0) for e in els), dtype=np.int64, count=ne)
    depth = np.fromiter((e.depth for e in els), dtype=np.float64, count=ne)
    ratio_a = np.asarray(ratio)
    anc = ratio_a.copy()
    cur = np.arange(ne)
    for _ in range(5):
        cur = up_el[cur]
        np.maximum(anc, ratio_a[cur], out=anc)
    # per block, in one pass
    rows = [(b.element, _TAG_CLASS.get(b.tag, 10), b.in_heading, len(b.lines), b.char_pos, b.link_chars,
             t[-1:] in TERMINAL_CHARS, t[:1].isupper() or t[:1] in "\"“'‘«", text_counts[t])
            for b, t in zip(blocks, texts)]
    cols = np.array(rows, dtype=np.float64)
    el_idx = cols[:, 0].astype(np.int64)
    tag_class = cols[:, 1].astype(np.int64)
    parent = up_el[el_idx]
    parent = np.where(el_idx == 0, 0, parent)
    log_chars_a = np.asarray(log_chars)
    loop = np.column_stack([
        cols[:, 6], cols[:, 7], cols[:, 2], np.log1p(cols[:, 3]), cols[:, 4] / total_chars,
        ((el_idx >= best) & (el_idx <= best_end)).astype(np.float64), anc[el_idx],
        log_chars_a[parent] - log_total, np.minimum(depth[el_idx], 40) / 40.0,
        np.minimum(cols[:, 8] - 1, 3) / 3.0,
        ((np.arange(n) > first_h1) & (first_h1 >= 0)).astype(np.float64),
    ])
    link = cols[:, 5]
    w1 = words + 1
    own_m = np.column_stack([
        np.log1p(nc), np.log1p(words), link / np.maximum(nc, 1), loop[:, 0],
        per_block(_SENTENCE_END) / w1, commas / w1, digits / (nc + 1),
        capwords / w1, word_chars / np.maximum(words, 1), loop[:, 1], loop[:, 2], loop[:, 3],
        np.arange(n) / n, loop[:, 4], np.minimum(phrase_counts(big.lower(), starts, COPYRIGHT_PHRASES), 1), per_block(_SEPARATORS) / w1,
        np.minimum(per_block(_DATE_LIKE), 1), loop[:, 5], loop[:, 6], loop[:, 7], loop[:, 8], loop[:, 9],
        loop[:, 10], np.full(n, 1.0 if first_h1 < 0 else 0.0),
    ]).astype(np.float32)
    tags = np.zeros((n, len(BLOCK_TAG_CLASSES)), dtype=np.float32)
    tags[np.arange(n), tag_class] = 1
    anc = _bits([b.tagbits for b in blocks], len(ANCESTOR_TAGS))
    near = _bits([b.groups_near for b in blocks], len(GROUP_NAMES))
    up = _bits([b.groups_up for b in blocks], len(GROUP_NAMES))
    # the block against the rest of its page: length against the longest
    # block, link share against the page's, same container as the longest block
    longest = int(np.argmax(nc))
    parents = parent_index(bs)
    page_link = float(link.sum()) / total_chars
    nlinks = np.fromiter((b.links for b in blocks), dtype=np.float64, count=n)
    rel = np.column_stack([
        np.log1p(np.maximum(nc - link, 0)), np.log1p(nlinks), link / np.maximum(nlinks, 1) / np.maximum(nc, 1),
        np.log1p(nc) - log1p(float(nc[longest])),
        link / np.maximum(nc, 1) - page_link,
        (parents == parents[longest]).astype(np.float64),
        np.bincount(parents, minlength=len(els))[parents] / n,
    ]).astype(np.float32)
    base = np.hstack([own_m, tags, anc, near, up, rel])
    # neighbours: a few of their own features (length, link share, terminal
    # punctuation, in the best container, anc_ratio) at distances -2..2
    ctx_cols = own_m[:, [0, 2, 3, 17, 18]]
    ctx = [_shift(ctx_cols, k) for k in (2, 1, -1, -2)]
    # the same, averaged over a window of 7
    win = np.zeros_like(ctx_cols)
    for k in range(-3, 4):
        win += _shift(ctx_cols, k)
    win /= 7
    return np.hstack([base] + ctx + [win]).astype(np.float32)


def parent_index(bs: BlockSet) -> np.ndarray:
    """Each block's container: the parent of its nearest block element."""
    els = bs.elements
    return np.fromiter((max(els[b.element].parent, 0) for b in bs.blocks), dtype=np.int64, count=len(bs.blocks))


def context_features(bs: BlockSet, p: np.ndarray) -> np.ndarray:
    """Second-stage features from the first stage's probabilities `p`: the
    neighbours' (at -3..3), and the length-weighted mean over the blocks that
    share the block's container, its container's parent and grandparent, and
    the whole page. A line the first stage doubted, amid kept paragraphs of
    the same container, is read as part of them (and a lone 'good' block in a
    sidebar as what it is)."""
    n = len(bs.blocks)
    if n == 0:
        return np.zeros((0, 12), dtype=np.float32)
    els = bs.elements
    logit = np.log(np.clip(p, 1e-4, 1 - 1e-4) / np.clip(1 - p, 1e-4, 1))
    cols = [logit] + [_shift(logit[:, None], k)[:, 0] for k in (3, 2, 1, -1, -2, -3)]
    nc = np.fromiter((len(b.text) for b in bs.blocks), dtype=np.float64, count=n) + 1
    key = parent_index(bs)
    ne = len(els)
    up = np.fromiter((max(e.parent, 0) for e in els), dtype=np.int64, count=ne)
    for _ in range(3):
        num = np.bincount(key, weights=p * nc, minlength=ne)
        den = np.bincount(key, weights=nc, minlength=ne)
        cols.append(num[key] / den[key])
        key = up[key]
    cols.append(np.full(n, float((p * nc).sum() / nc.sum())))
    cols.append(np.full(n, float((p >= 0.5).mean())))
    return np.column_stack(cols).astype(np.float32)


def n_features() -> int:
    return 31 + len(BLOCK_TAG_CLASSES) + len(ANCESTOR_TAGS) + 2 * len(GROUP_NAMES) + 5 * 5
