"""Print hyphenation: a word split at a line end whose line break was lost
('cir-cumstances'), kept a space ('cir- cumstances') or kept the break
('cir-\\ncumstances').

A split is joined when the joined form is a word and the parts are not the
two words of a compound. The lexicon decides the clear cases: 'circumstances'
is a word, 'cumstances' is not. Where both parts are words ('under-standing',
'news-paper'), the page decides: the joined form used elsewhere on the page, or
a page (or host) with clear print hyphenation, tips it; a hyphenated form the
page repeats, a joined form rarer than its parts ('well-known', 'set-up'), or a
capitalised second part ('anti-Soviet') keeps the hyphen. Print hyphenation
elsewhere never joins a compound of two words whose joined form is no common
word ('bi-lingual', 'non-profit': authors write them so), unless the second
part is a suffix ('research-ing'). Compounds of three parts or more
('life-and-death') are never touched.
"""
from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from typing import NamedTuple

from webmend.document import Change, Document
from webmend.lexicon.words import Lexicon, per_lexicon
from webmend.pipeline import HostStats, Resources, Step, observed
from webmend.repair.page_words import page_lexicon

# The marks a split word may carry: the hyphen-minus, Unicode's hyphen and
# non-breaking hyphen, the en dash (print exports use them like '-'), the
# soft hyphen, which marks where a word may break and nothing else (one before
# a space or a line break is always joined), and the not sign, which OCR and
# print exports of German and older typesetting write for the hyphen at a line
# end ('Um¬ stände'), never inside a compound: always joined.
HYPHENS = "-\u2010\u2011\u2013\u00ad\u00ac"
SOFT_HYPHEN = "\u00ad"
LINE_END_HYPHEN = "\u00ac"
OTHER_HYPHENS = HYPHENS[1:]
# The marks that chain words into one compound ('life-and-death' is never a split). The en dash
# links names and ranges ('Electoral College–subversion'), not a compound's words: a split beside it is one.
CHAIN = HYPHENS.replace("\u2013", "").replace(LINE_END_HYPHEN, "")
# Found from the hyphen, the left part read backwards.
_RIGHT_ANY = re.compile(rf"[{HYPHENS}](?<=[^\W\d_]{{2}}[{HYPHENS}])( ?|\n)([^\W\d_]{{2,}})(?![{CHAIN}\w]|['’]\w\w)")
# The same from '-' alone: a literal the regex engine scans for fast (most pages have no other mark).
_RIGHT_MINUS = re.compile(rf"-(?<=[^\W\d_]{{2}}-)( ?|\n)([^\W\d_]{{2,}})(?![{CHAIN}\w]|['’]\w\w)")


def _split_matches(text: str) -> list[re.Match]:
    """The split pattern's matches in text order: from '-' by the regex
    engine's fast literal scan, from the other marks (rarer; an en dash is
    common between names and figures) by `str.find` and a match at each.

    >>> [m.group(2) for m in _split_matches("cir-cumstances and dis–tinguish, 1990–1995")]
    ['cumstances', 'tinguish']
    """
    out = list(_RIGHT_MINUS.finditer(text))
    extra = False
    for mark in OTHER_HYPHENS:
        i = text.find(mark)
        while i >= 0:
            m = _RIGHT_ANY.match(text, i)
            if m is not None:
                out.append(m)
                extra = True
            i = text.find(mark, i + 1)
    if extra:
        out.sort(key=lambda m: m.start())
    return out


def _has_split(text: str) -> bool:
    """Whether the text has a split of any mark (a gate before the work)."""
    if _RIGHT_MINUS.search(text):
        return True
    for mark in OTHER_HYPHENS:
        i = text.find(mark)
        while i >= 0:
            if _RIGHT_ANY.match(text, i):
                return True
            i = text.find(mark, i + 1)
    return False
_LETTERS_AHEAD = re.compile(r"[^\W\d_]{2,}")
_LEFT_WINDOW = 64


class Split(NamedTuple):
    start: int
    end: int
    a: str
    gap: str
    b: str
    mark: str = "-"


def has_hyphen(text: str) -> bool:
    """Whether the text has any of the marks a split may carry (a fast gate)."""
    return "-" in text or any(mark in text for mark in OTHER_HYPHENS)


def find_splits(text: str) -> list[Split]:
    """Every 'a-b', 'a- b', 'a-\\nb' of two letter runs that is not part of a
    longer hyphenated chain (with any of CHAIN).

    >>> [(s.a, s.gap, s.b) for s in find_splits("cir-cumstances, life-and-death, inter- national, x-ray")]
    [('cir', '', 'cumstances'), ('inter', ' ', 'national')]
    >>> [(s.a, s.gap, s.b, s.mark) for s in find_splits("finan\u2010cial, treat\u00ad ment")]
    [('finan', '', 'cial', '‐'), ('treat', ' ', 'ment', '\xad')]
    """
    out = []
    for m in _split_matches(text):
        i = m.start()
        lo = max(0, i - _LEFT_WINDOW)
        window = text[lo:i][::-1]  # the letters before the hyphen, read backwards
        left = _LETTERS_AHEAD.match(window)
        if left is None:
            continue
        n = left.end()
        if n == len(window) and lo > 0 or n < len(window) and (window[n].isalnum() or window[n] in "_" + CHAIN):
            continue  # the left part runs past the window, or is glued to digits or another hyphen
        out.append(Split(i - n, m.end(), text[i - n:i], m.group(1), m.group(2), text[i]))
    return out
SURE_MIN_ZIPF = 2.0     # the joined form must be a real word
SURE_MARGIN = 1.0       # ... clearly more usual than the rarer part
SURE_PART_MAX = 1.0     # ... which is hardly a word at all ('bi-lingual', 'inter-national' need page evidence)
PAGE_MIN_ZIPF = 2.0     # with page evidence: a known joined form
PAGE_MARGIN = 1.0       # ... not much rarer than the rarer part
PAGE_MAX_GAP = 2.0      # ... nor far rarer than the commoner one ('north-westerly')
RARER_MARGIN = 0.5      # ... unless clearly more usual than the rarer one (the commoner a function word: 'Or-leans')
GAP_MIN_ZIPF = 1.5      # 'feat- her': a hyphen before a space joins any known word
PART_WORD_ZIPF = 2.5    # a part this usual is a word: 'bi-lingual' may be the author's compound
OWN_WORD_ZIPF = 4.0     # ... then page or host hyphenation alone joins only a common word ('news-paper')
BOUND_RATIO = 50.0      # a part far more usual at the end of longer words than alone is a suffix ('-ing')
ENDING_MIN_ZIPF = 2.5   # the words an ending's use is summed over
MIN_PAGE_HITS = 2


def _zipfs(lex: Lexicon, a: str, b: str) -> tuple[float, float, float]:
    """Zipf of the joined form and of each part (cached: compounds recur across pages)."""
    return _zipfs_lower(lex, a.lower(), b.lower())


@per_lexicon(maxsize=65536)
def _zipfs_lower(lex: Lexicon, a: str, b: str) -> tuple[float, float, float]:
    return lex.zipf(a + b), lex.zipf(a), lex.zipf(b)


def is_sure_split(lex: Lexicon, a: str, b: str) -> bool:
    """A split the lexicon alone settles: the joined form is a word, clearly
    more usual than the rarer part.

    >>> from webmend.lexicon.words import lexicon
    >>> en = lexicon("en")
    >>> [is_sure_split(en, *w.split("-")) for w in ["cir-cumstances", "dis-tinguish", "bi-lingual", "well-known", "non-profit"]]
    [True, True, False, False, False]
    """
    if not b[0].islower() or (a[0].isupper() and not a[1:].islower()):
        return False
    zj, za, zb = _zipfs(lex, a, b)
    if zj > 0 and min(za, zb) == 0:  # a part no lexicon knows: 'vituperat-ion'
        return True
    return zj >= SURE_MIN_ZIPF and min(za, zb) <= min(zj - SURE_MARGIN, SURE_PART_MAX)


def is_likely_split(lex: Lexicon, a: str, b: str) -> bool:
    """On a page that shows print hyphenation: also joins both-word splits
    whose joined form is common ('every-thing', 'news-paper'), not ones whose
    joined form is much rarer than its parts ('set-up', 'well-known').

    >>> from webmend.lexicon.words import lexicon
    >>> en = lexicon("en")
    >>> [is_likely_split(en, *w.split("-")) for w in ["every-thing", "news-paper", "set-up", "well-known", "north-westerly"]]
    [True, True, False, False, False]
    """
    if not b[0].islower() or (a[0].isupper() and not a[1:].islower()):
        return False
    zj, za, zb = _zipfs(lex, a, b)
    return zj >= PAGE_MIN_ZIPF and zj >= min(za, zb) - PAGE_MARGIN and joined_is_usual(zj, za, zb)


def joined_is_usual(zj: float, za: float, zb: float) -> bool:
    """Whether a joined form is usual enough next to its parts: not far rarer
    than the commoner part, or clearly more usual than the rarer one (the
    commoner part may be a function word, whose frequency says nothing of the
    compound: 'Or-leans', 'applicati-on', 'in-creased').

    >>> joined_is_usual(4.21, 6.54, 3.27), joined_is_usual(2.27, 5.34, 3.04)   # Or-leans, north-westerly
    (True, False)
    """
    return zj >= max(za, zb) - PAGE_MAX_GAP or zj >= min(za, zb) + RARER_MARGIN


def sure_split_count(splits: list[Split], lex: Lexicon) -> int:
    """How many of a page's splits the lexicon alone settles."""
    return sum(1 for sp in splits if is_sure_split(lex, sp.a, sp.b))


def split_verdict(lex: Lexicon, a: str, gap: str, b: str, *, is_sure: bool, seen,
                  page_hyphenates: bool) -> str | None:
    """Why 'a-b' (with `gap` '', ' ' or a line break after the hyphen) is one
    word split in print, or None to keep it.

    A hyphen followed by a space or a line break is no compound's spelling, so
    there a known joined form is enough (unless the break may be a compound
    wrapped at its hyphen: then the joined form must be common). A name the
    lexicon lacks is joined when the page spells it whole elsewhere. `seen`
    (a count, or a function counting on demand) is how often it does.

    >>> from webmend.lexicon.words import lexicon
    >>> en = lexicon("en")
    >>> v = lambda a, gap, b, seen=0: split_verdict(en, a, gap, b, is_sure=is_sure_split(en, a, b), seen=seen, page_hyphenates=False)
    >>> v("feat", " ", "her"), v("well", "\\n", "known"), v("Vind", "", "man", seen=2), v("pre", " ", "and")
    ('a hyphen before a space is no compound', None, 'joined form used 2x on the page', None)
    """
    if not b[0].islower():
        return None
    if is_sure:
        return "joined form is a word, a part is not"
    zj, za, zb = _zipfs(lex, a, b)
    if gap == " " and zj >= GAP_MIN_ZIPF:
        return "a hyphen before a space is no compound"
    if gap == "\n" and zj >= SURE_MIN_ZIPF and joined_is_usual(zj, za, zb):
        return "a hyphen at a line end, joined form a common word"
    if is_likely_split(lex, a, b) or (zj < SURE_MIN_ZIPF and (gap or a[0].isupper())):
        n = seen() if callable(seen) else seen
        if n:
            return f"joined form used {n}x on the page"
    if page_hyphenates and is_likely_split(lex, a, b) and not is_word_compound(lex, a, b):
        return "page shows print hyphenation"
    return None


def is_word_compound(lex: Lexicon, a: str, b: str) -> bool:
    """Whether 'a-b' may well be the author's compound of two words: both
    parts are words (the second no suffix) and the joined form is no common
    word in its own right. Print hyphenation seen elsewhere on the page or
    host does not tell it from a split (authors write 'bi-lingual',
    'eco-system', 'co-operate'; nobody writes 'research-ing').

    >>> from webmend.lexicon.words import lexicon
    >>> en = lexicon("en")
    >>> [is_word_compound(en, *w.split("-")) for w in ["bi-lingual", "non-profit", "news-paper", "research-ing", "poli-tical"]]
    [True, True, False, False, False]
    """
    zj, za, zb = _zipfs(lex, a, b)
    return min(za, zb) >= PART_WORD_ZIPF and zj < OWN_WORD_ZIPF and not is_bound_ending(lex, b.lower())


@per_lexicon(maxsize=4096)
def is_bound_ending(lex: Lexicon, part: str) -> bool:
    """Whether `part` is a suffix rather than a word: the longer words ending
    in it are used far more (BOUND_RATIO times) than it is alone.

    >>> from webmend.lexicon.words import lexicon
    >>> en = lexicon("en")
    >>> [is_bound_ending(en, w) for w in ["ing", "ment", "lingual", "system", "ages"]]
    [True, True, False, False, False]
    """
    alone = lex.freq(part)
    if alone <= 0:
        return True
    words, cum = _ending_index(lex)
    rev = part[::-1]
    lo = bisect.bisect_left(words, rev)
    hi = bisect.bisect_left(words, rev + "\U0010ffff")
    return cum[hi] - cum[lo] - alone >= BOUND_RATIO * alone


@per_lexicon()
def _ending_index(lex: Lexicon) -> tuple[list[str], list[float]]:
    """The language's usual words spelt backwards, sorted, with their cumulative
    frequencies: the summed use of the words with an ending is two bisections."""
    floor = 10 ** (ENDING_MIN_ZIPF - 9)
    usual = itertools.takewhile(lambda w: lex.freq(w) >= floor, lex.ranked)
    words = sorted(w[::-1] for w in usual)
    return words, list(itertools.accumulate((lex.freq(w[::-1]) for w in words), initial=0.0))


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


def count_whole(text: str, word: str) -> int:
    """Occurrences of `word` in `text` not inside a longer word or hyphenated chain.

    >>> count_whole("newspaper, newspapers, news-paper; a newspaper", "newspaper")
    2
    """
    n, i = 0, text.find(word)
    while i >= 0:
        j = i + len(word)
        if (i == 0 or not _is_word_char(text[i - 1])) and (j == len(text) or not _is_word_char(text[j])):
            n += 1
        i = text.find(word, j)
    return n


def find_hyphenation(text: str, lex: Lexicon, host_hyphenates: bool = False) -> tuple[list[Change], int]:
    """Changes joining print-hyphenated words, and the page's sure splits.

    >>> from webmend.lexicon.words import lexicon
    >>> t = ("Under the cir-cumstances a well-known life-and-death anti-Soviet set-up. "
    ...      "The news-paper and the inter- national news-paper; a newspaper.")
    >>> [c.after for c in find_hyphenation(t, lexicon("en"))[0]]
    ['circumstances', 'newspaper', 'international', 'newspaper']
    >>> t = "A health emerg-ency, the e-book and e-book, “emerg-ency” levels."  # repeated: a spelling, unless a part is no word
    >>> [c.after for c in find_hyphenation(t, lexicon("en"))[0]]
    ['emergency', 'emergency']
    >>> [c.after for c in find_hyphenation("Under the cir\u00ac cumstances, Wester\u00acmann said.", lexicon("en"))[0]]
    ['circumstances', 'Westermann']
    """
    if not has_hyphen(text):
        return [], 0
    splits = find_splits(text)
    if not splits:
        return [], 0
    forms = Counter((sp.a + "-" + sp.b).lower() for sp in splits if not sp.gap)
    sure = [is_sure_split(lex, sp.a, sp.b) for sp in splits]
    n_sure = sum(sure)
    page_hyphenates = n_sure >= MIN_PAGE_HITS or host_hyphenates
    lowered: list[str] = []
    seen_cache: dict[str, int] = {}

    def seen(key: str) -> int:
        """How often the page writes the joined form whole (counted on demand)."""
        if key not in seen_cache:
            if not lowered:
                lowered.append(text.lower())
            seen_cache[key] = count_whole(lowered[0], key)
        return seen_cache[key]

    changes = []
    for sp, is_sure in zip(splits, sure):
        joined = sp.a + sp.b
        key = joined.lower()
        repeated = forms[(sp.a + "-" + sp.b).lower()] >= 2
        if sp.mark == SOFT_HYPHEN:  # inside a word, the invisible-characters step decides (`repair/encoding.py`)
            if sp.gap:
                changes.append(Change(sp.start, sp.end, joined, kind="hyphenation",
                                      evidence="a soft hyphen before a break: where the word may break, no hyphen of its own"))
            continue
        if sp.mark == LINE_END_HYPHEN:
            changes.append(Change(sp.start, sp.end, joined, kind="hyphenation",
                                  evidence="the not sign print exports write for a hyphen at a line end, never a compound's"))
            continue
        why = split_verdict(lex, sp.a, sp.gap, sp.b, is_sure=is_sure, seen=lambda: seen(key),
                            page_hyphenates=page_hyphenates)
        if why is None or (repeated and not is_sure and not seen(key)):
            continue  # a hyphenated form the page repeats and never writes whole is its spelling (unless a part is no word)
        if why.startswith("page shows"):
            why += f" ({n_sure} sure splits)" + (" / host" if host_hyphenates else "")
        changes.append(Change(sp.start, sp.end, joined, kind="hyphenation", evidence=why))
    return changes, n_sure


def observe_hyphenation(doc: Document, stats: HostStats) -> None:
    """Per host: pages with clear print hyphenation."""
    if not has_hyphen(doc.text) or not _has_split(doc.text):
        return
    lex = page_lexicon(doc)
    if lex is not None:
        splits = find_splits(doc.text)
        doc.notes[SPLITS_NOTE] = len(splits)
        n = sure_split_count(splits, lex)
        stats.add("hyphenation", ["pages_with_splits"] if n else [])
        stats.add("hyphenation", {"sure_splits": n})


SPLITS_NOTE = "hyphenation.splits"


def _host_hyphenates(doc: Document, res: Resources) -> bool:
    stats = res.host_stats(doc)
    if stats is None:
        return False
    c = stats.counter("hyphenation")
    return c["pages_with_splits"] >= 2 and c["sure_splits"] >= 4


def repair_hyphenation(doc: Document, res: Resources) -> None:
    if not has_hyphen(doc.text) or observed(doc, SPLITS_NOTE) == 0 or not _has_split(doc.text):
        return
    lex = page_lexicon(doc)
    if lex is None:
        return
    changes, n_sure = find_hyphenation(doc.text, lex, _host_hyphenates(doc, res))
    if changes:
        doc.replace(changes)
        doc.rules.append({"family": "hyphenation", "rule": "print hyphenation joined", "hits": len(changes),
                          "sure_splits": n_sure})


STEP = Step("hyphenation", repair_hyphenation,
            "join print-hyphenated words (cir-cumstances), keep compounds (well-known, life-and-death)",
            family="repair", observe=observe_hyphenation)
