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
from itertools import filterfalse
from webmend.document import Change, Document
from webmend.lexicon.words import Lexicon, lexicon

# Punctuation that may stick to a word's edges in a whitespace-split token.
EDGE_PUNCT = "\"'`.,;:!?()[]{}<>«»‹›“”„‘’‚…–—-*_/\\|+#%&@=~^$"
HOST_CAP = 20000        # distinct keys one host counter may hold
LETTER_RUN = re.compile(r"[^\W\d_]+")  # a run of letters: no digit, no underscore


def words_of(text: str, caps: bool = True) -> Counter:
    """Lowercased words (runs of letters) of a text and how often each
    occurs; with `caps=False`, upper-case words (acronyms) are left out.
    Counted in C: one regex scan and a Counter, then each distinct word once.

    >>> sorted(words_of("The cat, the hat. (the)").items())
    [('cat', 1), ('hat', 1), ('the', 3)]
    >>> sorted(words_of("GE and ge", caps=False).items())   # upper-case words left out
    [('and', 1), ('ge', 1)]
    """
    out = _letter_runs(text.lower())
    if not caps:
        for w, n in Counter(_CAPS.findall(text)).items():
            low = w.lower()
            out[low] -= n
            if out[low] <= 0:
                del out[low]
    return out


_LETTERS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# ASCII letters and the apostrophe stay, every other ASCII byte becomes a
# space; the bytes of other characters stay (mostly letters, in UTF-8).
_CHUNK_TABLE = bytes(c if (65 <= c <= 90 or 97 <= c <= 122 or c == 39 or c >= 128) else 32 for c in range(256))


def _letter_runs(text: str) -> Counter:
    """`Counter(_LETTERS.findall(text))`, counted in C: the text's non-ASCII
    characters that end a word (dashes, quotes) become spaces, the chunks
    between ASCII marks, digits and spaces are counted (bytes.translate and
    split), a chunk of letters only is one word as it stands, and only the
    few others (an apostrophe, a '²') are read by the regex, once each.

    >>> t = "l'été — “it's” 3x4 ’tis x²"
    >>> _letter_runs(t) == Counter(_LETTERS.findall(t))
    True
    """
    raw = text.encode("utf-8", "surrogatepass")
    foreign = raw.translate(None, _ASCII)
    if foreign:
        for ch in set(foreign.decode("utf-8", "surrogatepass")):
            if (not ch.isalnum() or ch.isdecimal()) and ch != "’":  # not in a run of _LETTERS
                text = text.replace(ch, " ")
        raw = text.encode("utf-8", "surrogatepass")
    chunks = Counter(raw.translate(_CHUNK_TABLE).split())
    out = Counter(dict(zip(map(bytes.decode, chunks), chunks.values())))
    for chunk in list(filterfalse(str.isalpha, out)):
        n = out.pop(chunk)
        for w in _LETTERS.findall(chunk):
            out[w] += n
    return out


_ASCII = bytes(range(128))
_CAPS = re.compile(r"\b[A-ZÀ-ÖØ-Þ]{2,}\b")


def page_language(doc: Document, counts: Counter | None = None) -> str | None:
    """The page's language, guessed once per document and shared by every
    repair step (see `page_words.page_language`); `counts` is accepted for
    callers that have the page's words at hand, and not needed."""
    return _page_words().page_language(doc)


def page_lexicon(doc: Document) -> Lexicon | None:
    return lexicon(page_language(doc))


def _page_words():
    from webmend.repair import page_words

    return page_words


HOST_LANGUAGE_SHARE = 0.1  # a language with this share of a host's words is one of its languages


def host_languages(stats) -> list[str]:
    """The languages of a host's pages, most words first (as the first pass
    counted them for lost letters), those with a tenth of its words or more.

    >>> from webmend.pipeline import HostStats
    >>> s = HostStats(); s.counter("lost_letters.tokens").update({"en": 9000, "pt": 1500, "ko": 200})
    >>> host_languages(s)
    ['en', 'pt']
    """
    tokens = stats.counters.get("lost_letters.tokens")
    if not tokens:
        return []
    total = sum(tokens.values())
    return [lang for lang, n in tokens.most_common() if n >= HOST_LANGUAGE_SHARE * total]


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
    if len(items) <= room:  # everything fits: one C-speed update
        c.update(items)
        return
    for k, v in items.items():
        if k in c:
            c[k] += v
        elif room > 0:
            c[k] = v
            room -= 1


def add_all_capped(stats, name: str, items: list, cap: int = HOST_CAP) -> None:
    """`add_capped` for a list of keys, each counting once: counted into the
    host counter in C (`Counter.update` of an iterable) when they all fit,
    which a mapping's update (a Python loop) is not.

    >>> from webmend.pipeline import HostStats
    >>> s = HostStats(); add_all_capped(s, "w", ["a", "b", "a"]); add_all_capped(s, "w", ["c", "a"], cap=2)
    >>> sorted(s.counter("w").items())
    [('a', 3), ('b', 1)]
    """
    c = stats.counter(name)
    if len(items) <= cap - len(c):
        c.update(items)
    else:
        add_capped(stats, name, Counter(items), cap)


# ------------------------------------------------------------ a host's recurring lines
# The first pass keeps each host's long lines with the number of its pages
# showing each (counted by the lost-letter step). A line that recurs across
# pages (menus, related links, footers: template text, not the author's)
# counts once in the learned repairs' evidence, so a template line written
# as the site's software wrote it cannot hide a loss or an escape that the
# author's text shows everywhere.
HOST_LINES = "lost_letters.lines"
TEMPLATE_LINE = (24, 200)  # lines this long are checked for recurring on other pages
LINES_CAP = 500            # lines a host keeps


def observe_long_lines(text: str, stats) -> None:
    """Count the page's long lines (each once) into its host's."""
    lo, hi = TEMPLATE_LINE
    add_all_capped(stats, HOST_LINES, list({line: 1 for line in text.split("\n") if lo <= len(line) <= hi}),
                   LINES_CAP)


def recurring_lines(stats) -> list[tuple[str, int]]:
    """The host's long lines that stand on two pages or more, each with the
    number of pages beyond its first.

    >>> from webmend.pipeline import HostStats
    >>> s = HostStats()
    >>> for _ in range(3): observe_long_lines("Related: the river and the town\\nA page's own line, long enough", s)
    >>> observe_long_lines("Another page's own line, long enough", s)
    >>> recurring_lines(s)
    [('Related: the river and the town', 2), ("A page's own line, long enough", 2)]
    """
    lines = stats.counters.get(HOST_LINES) or {}
    return [(line, n - 1) for line, n in lines.items() if n >= 2]


# ------------------------------------------------------------ tracked words
# Steps that rewrite a word whose case the damage destroyed list its span
# (working-text coordinates) in doc.meta; later edits shift them.
TRACK = "_learned_words"


def tracked_words(doc: Document) -> list[list]:
    return doc.meta.setdefault(TRACK, [])


def replace_tracked(doc: Document, changes: list[Change], word_at: list[tuple[int, int] | None]) -> int:
    """Apply changes; `word_at[i]` is the span, inside change i's `after`, of
    the repaired word whose case is to be restored (or None), with what else
    the step tells of it (escaping: the filter's symbol). Spans tracked
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
    acc, added = 0, []
    for c, w in zip(changes, word_at):
        new_start = c.start + acc
        if w is not None:
            added.append([new_start + w[0], new_start + w[1], c.kind, *w[2:]])
        acc += len(c.after) - (c.end - c.start)
    doc.meta[TRACK] = sorted(_one_per_word(moved, added))
    return n


def _one_per_word(old: list[list], new: list[list]) -> list[list]:
    """The tracked spans, a word rewritten by two steps once: an earlier
    step's span that a new one overlaps takes the new bounds and keeps what
    the earlier step told of it (escaping's symbol: '\\x07nd' -> ' nd' by
    escaping, then 'nd' -> 'and' by lost letters is one word, 'and').

    >>> _one_per_word([[3, 6, "escape", "|"], [9, 11, "escape", "|"]], [[3, 6, "lost_letter"], [20, 23, "lost_letter"]])
    [[3, 6, 'escape', '|'], [9, 11, 'escape', '|'], [20, 23, 'lost_letter']]
    """
    if not old or not new:
        return old + new
    starts = sorted((s, e, i) for i, (s, e, *_) in enumerate(old))
    keys = [s for s, _, _ in starts]
    out, merged = [], set()
    for span in new:
        s, e = span[0], span[1]
        k = bisect.bisect_left(keys, s)
        hit = next((i for j in (k - 1, k) if 0 <= j < len(starts)
                    for a, b, i in [starts[j]] if a < e and s < b and i not in merged), None)
        if hit is None:
            out.append(span)
        else:
            merged.add(hit)
            old[hit] = [s, e, *old[hit][2:]]
    return old + out


def rule_entry(family: str, rule: str, scope: str, **evidence) -> dict:
    """A doc.rules entry: what was learned, where (page or host), on what evidence."""
    out = {"family": family, "rule": rule, "scope": scope}
    for k, v in evidence.items():
        out[k] = round(v, 1) if isinstance(v, float) else v
    return out


class WordMatch:
    """A found word: `start`, `end` and `group(0)`, like a regex match."""

    __slots__ = ("start_", "end_", "text")

    def __init__(self, start: int, end: int, text: str):
        self.start_, self.end_, self.text = start, end, text

    def start(self) -> int:
        return self.start_

    def end(self) -> int:
        return self.end_

    def group(self, _: int = 0) -> str:
        return self.text


def find_word(text: str, word: str, edges: str = ""):
    """Standalone occurrences of `word` in lower, Capitalised or UPPER case, in
    text order; a letter, digit, '_' or one of `edges` next to it makes it part
    of a longer word. Literal searches (str.find), fast on huge pages.

    >>> [m.group(0) for m in find_word("From rom ROM prom rom's", "rom", "'")]
    ['rom', 'ROM']
    """
    forms = dict.fromkeys([word, word[:1].upper() + word[1:], word.upper()])
    n = len(word)
    out = []
    for f in forms:
        i = text.find(f)
        while i >= 0:
            j = i + n
            before = text[i - 1] if i else " "
            after = text[j] if j < len(text) else " "
            if not (before.isalnum() or before == "_" or before in edges
                    or after.isalnum() or after == "_" or after in edges):
                out.append(WordMatch(i, j, f))
            i = text.find(f, i + 1)
    out.sort(key=lambda m: m.start_)
    return out


class HostCache:
    """Rules inferred from a host's pooled counts, kept per host for the run
    (every page of the host would otherwise infer them again)."""

    def __init__(self, size: int = 512):
        self.size = size
        self.items: dict = {}

    def get(self, stats, make, variant: str | None = None):
        """The cached result for this host (and `variant`, e.g. the page's
        language, when the inference depends on it), made once."""
        key = (stats.uid, stats.pages, variant)
        if key not in self.items:
            if len(self.items) >= self.size:
                self.items.pop(next(iter(self.items)))
            self.items[key] = make()
        return self.items[key]

