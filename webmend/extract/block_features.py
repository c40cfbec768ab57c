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

import functools
import re
from collections import Counter
from itertools import repeat
from math import log1p

import numpy as np

from webmend.extract.dom_blocks import ANCESTOR_TAGS, GROUP_NAMES, HEADINGS, BlockSet

_WORD = re.compile(r"\w+")
TERMINAL_CHARS = ".!?。！？…:;\"'”’»)]"
_QUOTES = "\"“'‘«"  # a block that starts with one reads as starting a sentence
COPYRIGHT_PHRASES = ("©", "(c)", "copyright", "all rights reserved", "terms of use", "terms of service",
                     "privacy policy")

BLOCK_TAG_CLASSES = ("p", "div", "li", "h", "td", "blockquote", "pre", "figcaption", "dd", "section", "other")
_TAG_CLASS = {"p": 0, "div": 1, "li": 2, "td": 4, "th": 4, "blockquote": 5, "pre": 6, "figcaption": 7,
              "caption": 7, "dd": 8, "dt": 8, "section": 9, "article": 9, "main": 9}
for _h in HEADINGS:
    _TAG_CLASS[_h] = 3

PROSE_TAGS = frozenset(("p", "div", "td", "pre", "blockquote", "section", "article", "main", "dd", "li", "font", "span"))
LEAF_TAGS = frozenset(("p", "pre", "blockquote", "li", "td", "dd", "h1", "h2", "h3", "h4", "h5", "h6"))


def container_scores(bs: BlockSet, nc: np.ndarray, link: np.ndarray, commas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Readability-style score of every element: each prose-like block adds
    1 + commas + its length/100 (at most 3) to its container and half to the
    container's parent; an element's score is then scaled by its text's
    non-link share. `nc`, `link`, `commas`: each block's characters, link
    characters and commas. Returns the scores and the characters of each
    element's subtree, by element index."""
    parent = bs.el_parent
    ne = len(parent)
    el = np.asarray(bs.element, dtype=np.int64)
    own_chars = nc - link  # prose is judged by its words outside links
    prose = (own_chars >= 25) & ~(link > 0.75 * nc)
    s = (1.0 + commas + np.minimum(own_chars / 100.0, 3.0))[prose]
    pel = el[prose]
    leaf = np.fromiter((bs.el_tags[e] in LEAF_TAGS for e in pel.tolist()), dtype=bool, count=len(pel))
    cont = np.where(leaf & (parent[pel] >= 0), parent[pel], pel)
    score = np.bincount(cont, weights=s, minlength=ne)
    gp = parent[cont]
    up = gp >= 0
    score += np.bincount(gp[up], weights=s[up] / 2, minlength=ne)
    # subtree sums: elements are in document order, element i's subtree is i..el_end[i]
    first = np.arange(ne)
    end = bs.el_end + 1
    cum_chars = np.concatenate([[0.0], np.cumsum(np.bincount(el, weights=nc, minlength=ne))])
    cum_links = np.concatenate([[0.0], np.cumsum(np.bincount(el, weights=link, minlength=ne))])
    chars = cum_chars[end] - cum_chars[first]
    links = cum_links[end] - cum_links[first]
    ld = np.divide(links, chars, out=np.zeros(ne), where=chars > 0)
    return score * (1 - ld), chars


def _bits(values, width: int) -> np.ndarray:
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


# Character classes, one bit each, looked up for every character of a page
# at once (numpy) instead of a regex pass per feature.
_DIGIT, _SPACE, _COMMA, _SENT_PUNCT, _SEPARATOR, _CAPITAL, _TERMINAL, _DATE_SEP, _BLANK, _WORDCH, _UPPER_START = (
    1 << i for i in range(11))


@functools.lru_cache(maxsize=1)
def _char_table() -> np.ndarray:
    """Class bits of every code point of the Basic Multilingual Plane (built
    once; characters beyond it have none but those of `_astral_bits`)."""
    table = np.zeros(0x10000, dtype=np.uint16)
    every = "".join(map(chr, range(0x10000)))

    def mark(chars, bit: int) -> None:
        table[[ord(c) for c in chars]] |= bit

    mark("0123456789", _DIGIT)
    mark(" ", _SPACE)
    mark(",，", _COMMA)
    mark(".!?。！？", _SENT_PUNCT)
    mark("|•·»›/", _SEPARATOR)
    table[0x41:0x5B] |= _CAPITAL  # [A-Z\u00c0-\u00de], as a capitalised word's first letter
    table[0xC0:0xDF] |= _CAPITAL
    mark(TERMINAL_CHARS, _TERMINAL)
    mark(":/.", _DATE_SEP)
    mark(" \n", _BLANK)
    table[[m.start() for m in re.finditer(r"\w", every)]] |= _WORDCH
    table[[i for i, c in enumerate(every) if c.isupper()]] |= _UPPER_START
    mark(_QUOTES, _UPPER_START)
    return table


def _astral_bits(code: int) -> int:
    c = chr(code)
    return (_WORDCH if re.match(r"\w", c) else 0) | (_UPPER_START if c.isupper() else 0)


def code_points(text: str) -> np.ndarray:
    """The code points of `text`, one byte each when they all fit (most
    pages: the arrays stay small), else four."""
    try:
        return np.frombuffer(text.encode("latin-1"), dtype=np.uint8)
    except UnicodeEncodeError:
        return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def char_classes(codes: np.ndarray) -> np.ndarray:
    """Class bits of each code point."""
    if codes.dtype == np.uint8:
        return _char_table()[:256][codes]
    cls = _char_table()[np.minimum(codes, 0xFFFF)]
    astral = np.flatnonzero(codes > 0xFFFF)
    if len(astral):
        cls[astral] = [_astral_bits(c) for c in codes[astral].tolist()]
    return cls


def char_counts(codes: np.ndarray, cls: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per block (blocks begin at `starts` in the page's code points `codes`,
    one '\\n' apart): digits, spaces, commas, sentence ends (. ! ? before a
    space or the end), separators (| • · » › /), capitalised words (a capital
    not after a word character), and date-like strings (1999, 2020, 12:30,
    3/11 ...: 1 if any).

    >>> t = "The year 2019. Done, OK|Yes\\nno 12:30\\nx"
    >>> c = np.array([ord(ch) for ch in t], dtype=np.uint32)
    >>> char_counts(c, char_classes(c), np.array([0, t.index("no"), len(t) - 1])).tolist()
    [[4.0, 4.0, 1.0, 1.0, 1.0, 4.0, 1.0], [4.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]
    """
    size = len(codes)
    marks = np.zeros((7, size), dtype=np.int32)  # one row a count: rows reduce fast
    pad = np.zeros(size + 5, dtype=np.uint16)  # classes with 5 empty characters after the end
    pad[:size] = cls
    digit = (pad & _DIGIT) != 0
    marks[0] = digit[:size]
    marks[1] = (cls & _SPACE) != 0
    marks[2] = (cls & _COMMA) != 0
    # a sentence end: its punctuation before a space, a block's end or the page's
    nxt = pad[1:size + 1]
    marks[3] = ((cls & _SENT_PUNCT) != 0) & (((nxt & _BLANK) != 0) | (np.arange(size) == size - 1))
    marks[4] = (cls & _SEPARATOR) != 0
    caps = np.flatnonzero(cls & _CAPITAL)
    if len(caps):
        prev_word = np.zeros(len(caps), dtype=bool)
        inner = caps > 0
        prev_word[inner] = (cls[caps[inner] - 1] & _WORDCH) != 0
        marks[5, caps[~prev_word]] = 1
    # [12][09][0-9][0-9](?![0-9]) | [0-9]{1,2}[:/.][0-9]{1,2}(?![0-9]), at any start
    c1 = np.zeros(size + 5, dtype=codes.dtype)
    c1[:size] = codes
    year = (((c1[:size] == 49) | (c1[:size] == 50)) & ((c1[1:size + 1] == 48) | (c1[1:size + 1] == 57))
            & digit[2:size + 2] & digit[3:size + 3] & ~digit[4:size + 4])
    prev_digit = np.zeros(size, dtype=bool)
    prev_digit[1:] = digit[:size - 1]
    clock = (((cls & _DATE_SEP) != 0) & prev_digit & digit[1:size + 1] & ~(digit[2:size + 2] & digit[3:size + 3]))
    marks[6] = year | clock
    counts = np.add.reduceat(marks, starts, axis=1).T.astype(np.float64)
    counts[:, 6] = np.minimum(counts[:, 6], 1)
    return counts


def block_features(bs: BlockSet) -> np.ndarray:
    """The feature matrix of a page's blocks (float32, blocks x FEATURES)."""
    texts = bs.texts
    n = len(texts)
    if n == 0:
        return np.zeros((0, n_features()), dtype=np.float32)
    nc_i = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    nc = nc_i.astype(np.float64)
    total_chars = float(nc.sum()) or 1.0
    log_total = log1p(total_chars)
    # counts over the whole page at once, assigned to blocks by offset
    big = "\n".join(texts)
    starts_i = np.zeros(n, dtype=np.int64)
    np.cumsum(nc_i[:-1] + 1, out=starts_i[1:])
    starts = starts_i

    codes = code_points(big)
    cls = char_classes(codes)
    digits, spaces, commas, sentence_ends, separators, capwords, date_like = char_counts(codes, cls, starts_i).T
    words = spaces + 1  # block texts are words apart by single spaces
    word_chars = nc - spaces
    link = np.asarray(bs.link_chars, dtype=np.float64)
    score_a, chars_a = container_scores(bs, nc, link, commas)
    best = int(np.argmax(score_a)) if score_a.max() > 0 else 0
    best_score = max(float(score_a[best]), 1e-9)
    ratio_a = score_a / best_score
    log_chars_a = np.log1p(chars_a)
    best_end = int(bs.el_end[best])
    counts = Counter(texts)
    repeats = np.fromiter(map(counts.__getitem__, texts), dtype=np.float64, count=n)
    tags = list(map(bs.el_tags.__getitem__, bs.element))
    first_h1 = tags.index("h1") if "h1" in tags else -1

    # per element: parent (the root its own), depth, best ancestor score ratio within 6 hops
    up_el = np.maximum(bs.el_parent, 0)
    depth = bs.el_depth
    anc = ratio_a.copy()
    cur = np.arange(len(up_el))
    for _ in range(5):
        cur = up_el[cur]
        np.maximum(anc, ratio_a[cur], out=anc)
    el_idx = np.asarray(bs.element, dtype=np.int64)
    parent = np.where(el_idx == 0, 0, up_el[el_idx])
    ends = starts_i + nc_i - 1
    n_lines = np.ones(n)
    for i, lines in bs.lines.items():
        n_lines[i] = len(lines)
    w1 = words + 1
    rows = np.arange(n)
    # one matrix, filled column by column (the order is the model's)
    f = np.empty((n, n_features()), dtype=np.float32)
    f[:, 0] = np.log1p(nc)
    f[:, 1] = np.log1p(words)
    f[:, 2] = link / np.maximum(nc, 1)
    f[:, 3] = (cls[ends] & _TERMINAL) != 0
    f[:, 4] = sentence_ends / w1
    f[:, 5] = commas / w1
    f[:, 6] = digits / (nc + 1)
    f[:, 7] = capwords / w1
    f[:, 8] = word_chars / np.maximum(words, 1)
    f[:, 9] = (cls[starts_i] & _UPPER_START) != 0
    f[:, 10] = bs.in_heading
    f[:, 11] = np.log1p(n_lines)
    f[:, 12] = rows / n
    f[1:, 13] = np.cumsum(nc[:-1]) / total_chars  # where the block starts on the page
    f[0, 13] = 0.0
    f[:, 14] = np.minimum(phrase_counts(big.lower(), starts, COPYRIGHT_PHRASES), 1)
    f[:, 15] = separators / w1
    f[:, 16] = date_like
    f[:, 17] = (el_idx >= best) & (el_idx <= best_end)
    f[:, 18] = anc[el_idx]
    f[:, 19] = log_chars_a[parent] - log_total
    f[:, 20] = np.minimum(depth[el_idx], 40) / 40.0
    f[:, 21] = np.minimum(repeats - 1, 3) / 3.0
    f[:, 22] = (rows > first_h1) & (first_h1 >= 0)
    f[:, 23] = 1.0 if first_h1 < 0 else 0.0
    col = 24
    tag_class = np.fromiter(map(_TAG_CLASS.get, tags, repeat(10, n)), dtype=np.int64, count=n)
    f[:, col:col + len(BLOCK_TAG_CLASSES)] = 0
    f[rows, col + tag_class] = 1
    col += len(BLOCK_TAG_CLASSES)
    el_par = bs.el_parent[el_idx]
    near_bits = bs.el_groups[el_idx] | np.where(el_par >= 0, bs.el_groups[np.maximum(el_par, 0)], 0)
    for values, width in ((bs.el_tagbits[el_idx], len(ANCESTOR_TAGS)), (near_bits, len(GROUP_NAMES)),
                          (bs.el_groups_up[el_idx], len(GROUP_NAMES))):
        f[:, col:col + width] = (values[:, None] >> np.arange(width)) & 1
        col += width
    # the block against the rest of its page: length against the longest
    # block, link share against the page's, same container as the longest block
    longest = int(np.argmax(nc))
    parents = up_el[el_idx]
    page_link = float(link.sum()) / total_chars
    nlinks = np.asarray(bs.links, dtype=np.float64)
    f[:, col] = np.log1p(np.maximum(nc - link, 0))
    f[:, col + 1] = np.log1p(nlinks)
    f[:, col + 2] = link / np.maximum(nlinks, 1) / np.maximum(nc, 1)
    f[:, col + 3] = np.log1p(nc) - log1p(float(nc[longest]))
    f[:, col + 4] = link / np.maximum(nc, 1) - page_link
    f[:, col + 5] = parents == parents[longest]
    f[:, col + 6] = np.bincount(parents, minlength=len(up_el))[parents] / n
    col += 7
    # neighbours: a few of their own features (length, link share, terminal
    # punctuation, in the best container, anc_ratio) at distances -2..2
    ctx_cols = f[:, [0, 2, 3, 17, 18]]
    for k in (2, 1, -1, -2):
        f[:, col:col + 5] = _shift(ctx_cols, k)
        col += 5
    # the same, averaged over a window of 7
    win = np.zeros_like(ctx_cols)
    for k in range(-3, 4):
        win += _shift(ctx_cols, k)
    win /= 7
    f[:, col:col + 5] = win
    return f


def parent_index(bs: BlockSet) -> np.ndarray:
    """Each block's container: the parent of its nearest block element."""
    return np.maximum(bs.el_parent, 0)[np.asarray(bs.element, dtype=np.int64)]


def context_features(bs: BlockSet, p: np.ndarray) -> np.ndarray:
    """Second-stage features from the first stage's probabilities `p`: the
    neighbours' (at -3..3), and the length-weighted mean over the blocks that
    share the block's container, its container's parent and grandparent, and
    the whole page. A line the first stage doubted, amid kept paragraphs of
    the same container, is read as part of them (and a lone 'good' block in a
    sidebar as what it is)."""
    n = len(bs.texts)
    out = np.zeros((n, 12), dtype=np.float64)
    if n == 0:
        return out.astype(np.float32)
    logit = np.log(np.clip(p, 1e-4, 1 - 1e-4) / np.clip(1 - p, 1e-4, 1))
    out[:, 0] = logit
    for col, k in enumerate((3, 2, 1, -1, -2, -3), start=1):  # the neighbour k blocks before (k>0) or after
        if k > 0:
            out[k:, col] = logit[:-k]
        else:
            out[:k, col] = logit[-k:]
    nc = np.fromiter(map(len, bs.texts), dtype=np.float64, count=n) + 1
    pnc = p * nc
    key = parent_index(bs)
    up = np.maximum(bs.el_parent, 0)
    ne = len(up)
    for col in (7, 8, 9):
        num = np.bincount(key, weights=pnc, minlength=ne)
        den = np.bincount(key, weights=nc, minlength=ne)
        out[:, col] = num[key] / den[key]
        key = up[key]
    out[:, 10] = pnc.sum() / nc.sum()
    out[:, 11] = np.count_nonzero(p >= 0.5) / n
    return out.astype(np.float32)


def n_features() -> int:
    return 31 + len(BLOCK_TAG_CLASSES) + len(ANCESTOR_TAGS) + 2 * len(GROUP_NAMES) + 5 * 5
