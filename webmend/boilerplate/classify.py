"""Keep or drop each block of a page: the page's own text against its chrome.

Each block gets a score, the log-odds that it is the author's text, from what
it shows (`features.Features`): long blocks of sentences full of function
words score high; short title-like lines, lines of another script than the
page's, chrome phrases, lines repeated on the page or on the site score low.
A two-state path over the blocks (own text / chrome) then decides, paying a
price for each switch: a short heading between paragraphs stays with them, a
lone sentence inside a menu stays with the menu. That is the whole decision;
it is a pure function of the blocks' texts, so an HTML extractor can call it
with its own blocks.

>>> lines = ["Home", "News", "Sport", "Log in",
...          "The river rose all night, and by dawn the town was under water.",
...          "Families waited on roofs while boats went from street to street.",
...          "Share", "Tweet", "© 2021 Example News. All rights reserved."]
>>> [d.keep for d in classify_blocks(lines, lang="en")]
[False, False, False, False, True, True, False, False, False]
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

from webmend.boilerplate.features import BLOB, Features, block_features, dominant_script
from webmend.boilerplate.lexicon import LONG_BLOCK_KINDS

SWITCH_COST = 1.0  # price of entering or leaving the page's own text
PAUSE_COST = 3.0   # price of pausing it for chrome inside it, and of resuming it
NO_END_PENALTY = 1.3  # a block of 6-24 words that ends no sentence: a headline, a menu entry
DATE_PENALTY = 3.0
REPEAT_PENALTY = 1.0
STOP_CENTER, STOP_SCALE = 0.3, 5.0  # function-word share of a neutral block, and its weight
SPACER_MAX_CHARS = 5
SPACER_SCORE = -0.3


@dataclass(slots=True)
class Decision:
    keep: bool
    reason: str   # why a dropped block is chrome ("" when kept)
    score: float  # the block's own log-odds of being the page's text


def length_score(words: float) -> float:
    """Log-odds from length alone: 1-2 words are chrome-like, 7 neutral, 30+ text-like.

    >>> round(length_score(1), 1), round(length_score(7), 1), round(length_score(40), 1)
    (-3.0, 0.0, 3.5)
    """
    if words <= 0:
        return -3.0
    return max(-3.0, min(3.5, 1.6 * math.log2(words / 7.0)))


# How strongly a kind of chrome ends the article when met after it: comments,
# related articles and the footer follow the text; an advertisement sits inside.
BARRIER = {"comments": 4.0, "copyright": 4.0, "related articles": 3.0, "share buttons": 2.0,
           "login": 2.0, "tags": 2.0, "pagination": 2.0, "subscribe": 1.5, "date line": 1.5}
KEEP_BARRIER = 1.0  # share of a barrier's strength paid when crossed while keeping
GAP_LINE_COST = 0.5  # each chrome line inside the article makes coming back dearer


def block_score(f: Features, *, page_script: str | None, script_share: float, repeats: int = 1,
                template: bool = False) -> tuple[float, str, float]:
    """(score, the strongest chrome reason, barrier strength) of one block given its page."""
    if f.chrome == BLOB:
        return -100.0, BLOB, 0.0
    if f.alpha_words == 0 and f.chars <= SPACER_MAX_CHARS and not f.words:
        return SPACER_SCORE, "separator", 0.0  # "***", "—", a stray symbol: layout, not evidence
    s = length_score(f.words)
    reasons: list[tuple[float, str]] = []
    w = f.words
    barrier = 0.0
    if f.end_punct:
        s += 1.0 if w >= 4 else 0.3
    elif f.end_colon:
        s += 0.3
    elif w < 25:
        s -= 0.8 if w < 6 else NO_END_PENALTY
    if f.sentences >= 2:
        s += 0.5
    if f.stop_ratio >= 0 and w >= 3:
        s += max(-1.5, min(1.0, STOP_SCALE * (f.stop_ratio - STOP_CENTER)))
    if f.cap_ratio > 0.7 and 3 <= w < 20 and not f.end_punct:
        s -= 0.8
        reasons.append((0.8, "title-like line"))
    if f.table_row:
        s = max(s, 0.5)
    if f.headline_words >= 5:
        s -= 2.5
        reasons.append((2.5, "teaser of another article"))
    if f.date:
        s -= DATE_PENALTY
        reasons.append((2.0, "date line"))
        barrier = BARRIER["date line"]
    elif f.digit_ratio > 0.3:
        s -= 0.3
        reasons.append((1.0, "numbers and dates"))
    if f.script and page_script and f.script != page_script and script_share > 0.6:
        s -= 3.0
        reasons.append((3.0, "line in another script than the page"))
    if f.chrome and (w <= 12 or f.chrome in LONG_BLOCK_KINDS):
        pen = 5.0 if f.chrome in LONG_BLOCK_KINDS else 3.0 if w <= 6 else 1.5
        s -= pen
        reasons.append((pen + 0.5, f.chrome))
        barrier = max(barrier, BARRIER.get(f.chrome, 0.0))
    if repeats > 1:
        pen = REPEAT_PENALTY if w < 20 else 0.8
        s -= pen
        reasons.append((pen, "repeated on the page"))
    if template:
        s -= 4.0
        reasons.append((4.0, "site template"))
    if f.separators >= 2 and w < 30:
        s -= 1.5
        reasons.append((1.5, "breadcrumb or menu"))
    if not reasons:
        reasons.append((0.0, "navigation" if w < 7 else "short text outside the article"))
    return s, max(reasons)[1], barrier


COMMENT_ZONE_AFTER = 8.0   # content score seen before a comments marker starts the comments
COMMENT_ZONE_PENALTY = 4.0


_NO_COMMENTS = re.compile(r"(?<![\d,.])0(?![\d,.])|\bno\b|\bnone\b|없|\bkeine\b|\bsin\b|\bнет\b|\baucun|\bnessun|\bsem\b")
_BY = re.compile(r"^(?:by|von|por|par|di|door|av|автор|작성자)\b", re.I)


def _starts_comments(text: str, f: Features) -> bool:
    """Whether a comments marker opens a list of comments (not "0 comments",
    not a by-line's comment count)."""
    if f.chrome != "comments" or f.date or f.words > 12 or (f.end_punct and f.words >= 5):
        return False  # not a marker, or a sentence that mentions comments ("declined to comment.")
    return not _NO_COMMENTS.search(text.lower()) and not _BY.match(text)


def _mark_comment_zone(scored: list, feats: list[Features], texts: Sequence[str]) -> None:
    """Below a comments marker (a "12 comments" heading, a "NAME says:" header)
    that follows the article's first paragraphs, blocks are comments: lower
    their scores so the comments, however long, are not taken for the text."""
    seen = 0.0
    for i, (f, (s, r, b)) in enumerate(zip(feats, scored)):
        if seen >= COMMENT_ZONE_AFTER and _starts_comments(texts[i], f):
            for j in range(i, len(scored)):
                s2, r2, b2 = scored[j]
                scored[j] = (s2 - COMMENT_ZONE_PENALTY, r2 if s2 < 0 or feats[j].chrome else "comments", b2)
            return
        if s >= 3:
            seen += s


# States of the path: before the article, in it (kept), a gap of chrome inside
# it (dropped, the article may resume), after it (dropped for good).
PRE, KEEP, GAP, POST = range(4)


def best_path(scores: Sequence[float], barriers: Sequence[float] | None = None,
              switch_cost: float | None = None, gap_cost: float | None = None,
              pause_cost: float | None = None) -> list[bool]:
    """The keep/drop sequence maximising kept scores minus the costs of entering,
    pausing and leaving the article; a pause costs `gap_cost` a line, and each
    barrier met inside the article (kept or paused) costs its strength, so the
    article resumes after an advertisement but not after the comments began.
    Viterbi over four states.

    >>> best_path([-2, 4, -1, 5, -3])
    [False, True, True, True, False]
    >>> best_path([-2, 1, -4, -4, 6])
    [False, False, False, False, True]
    >>> best_path([5, 5, -2, -2, -2, -2, 4], [0, 0, 0, 4, 0, 0, 0])
    [True, True, False, False, False, False, False]
    """
    n = len(scores)
    if not n:
        return []
    barriers = barriers or [0.0] * n
    neg = float("-inf")
    c = SWITCH_COST if switch_cost is None else switch_cost
    p = PAUSE_COST if pause_cost is None else pause_cost
    gap_cost = GAP_LINE_COST if gap_cost is None else gap_cost
    resume = max(0.0, c - p)  # leaving from a pause: the pause already paid part of it
    pre, keep, gap, post = 0.0, scores[0] - c, neg, neg
    # back pointers of KEEP, GAP, POST at each block, packed as kp | gp << 2 | pp << 4 (PRE comes from PRE)
    back = [0] * n
    for i in range(1, n):
        s, b = scores[i], barriers[i]
        # best predecessor of each state; on a tie the order of the original tuples' comparisons
        k_pre, k_gap = pre - c, gap - p
        if keep >= k_pre and keep >= k_gap:
            new_keep, kp = keep, KEEP
        elif k_pre >= k_gap:
            new_keep, kp = k_pre, PRE
        else:
            new_keep, kp = k_gap, GAP
        g_keep = keep - p
        if g_keep >= gap:
            new_gap, gp = g_keep, KEEP
        else:
            new_gap, gp = gap, GAP
        p_keep, p_gap = keep - c, gap - resume  # max() of (value, state): a tie goes to the higher state
        new_post, pp = post, POST
        if p_gap > new_post:
            new_post, pp = p_gap, GAP
        if p_keep > new_post:
            new_post, pp = p_keep, KEEP
        keep = new_keep + s - KEEP_BARRIER * b
        gap = new_gap - (gap_cost + b)
        post = new_post
        back[i] = kp | gp << 2 | pp << 4
    ends = [(pre, PRE), (keep - c, KEEP), (gap - resume, GAP), (post, POST)]
    state = max(ends)[1]
    path = [False] * n
    for i in range(n - 1, -1, -1):
        path[i] = state == KEEP
        if state != PRE:
            state = back[i] >> (2 * (state - 1)) & 3
    return path


def page_path(texts: Sequence[str], feats: list[Features], repeats: Sequence[int] | None = None,
              template: Sequence[bool] | None = None) -> tuple[list[bool], list[tuple[float, str, float]]]:
    """Whether each block is kept, and each block's (score, reason, barrier):
    `classify_blocks` without building its decisions (the chrome step's way in)."""
    page_script, share = dominant_script(feats)
    memo: dict[tuple[int, int, bool], tuple[float, str, float]] = {}  # blocks a page repeats
    scored = []
    for i, f in enumerate(feats):
        key = (id(f), repeats[i] if repeats else 1, bool(template and template[i]))
        sc = memo.get(key)
        if sc is None:
            sc = memo[key] = block_score(f, page_script=page_script, script_share=share,
                                         repeats=key[1], template=key[2])
        scored.append(sc)
    _mark_comment_zone(scored, feats, texts)
    return best_path([s for s, _, _ in scored], [b for _, _, b in scored]), scored


def classify_blocks(texts: Sequence[str], *, lang: str | None = None, repeats: Sequence[int] | None = None,
                    template: Sequence[bool] | None = None, feats: list[Features] | None = None) -> list[Decision]:
    """Keep/drop each block of a page. `repeats[i]` is how many times block i's
    text occurs on the page; `template[i]` whether it recurs across the site."""
    feats = feats if feats is not None else block_features(list(texts), lang)
    path, scored = page_path(texts, feats, repeats, template)
    return [Decision(k, "" if k else r, round(s, 3)) for k, (s, r, _) in zip(path, scored)]
