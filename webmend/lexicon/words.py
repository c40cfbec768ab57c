"""Word statistics of a language, from wordfreq's lists (shipped in its package).

`lexicon(lang)` gives a Lexicon, or None for a language wordfreq lacks (it
raises LookupError for those; we never guess with another language's list).
Lookups are dictionary reads on lowercased words, cheap enough for every token.
"""
from __future__ import annotations

import functools
import math


class Lexicon:
    """Expected word frequencies of one language, on the Zipf scale
    (log10 of occurrences per billion words: 'the' ~ 7.7, a rare word ~ 1-2,
    0 for a word not in the list).

    >>> en = lexicon("en")
    >>> en.zipf("from") > 6 > en.zipf("rom"), en.is_word("circumstances"), en.is_word("cumstances")
    (True, True, False)
    """

    def __init__(self, lang: str, freqs: dict[str, float]):
        self.lang = lang
        self._freqs = freqs
        self._memo: dict = {}  # what `per_lexicon` functions derived from this lexicon

    def freq(self, word: str) -> float:
        """Relative frequency of a word (0.0 if unknown), case-insensitive."""
        f = self._freqs.get(word)
        if f is None:
            f = self._freqs.get(word.lower(), 0.0)
        return f

    def zipf(self, word: str) -> float:
        f = self.freq(word)
        return round(math.log10(f) + 9, 2) if f > 0 else 0.0

    def is_word(self, word: str, min_zipf: float = 1.0) -> bool:
        return self.zipf(word) >= min_zipf

    def __contains__(self, word: str) -> bool:
        return self.freq(word) > 0

    @functools.cached_property
    def ranked(self) -> list[str]:
        """All listed words, most frequent first."""
        return sorted(self._freqs, key=self._freqs.__getitem__, reverse=True)

    def top(self, n: int) -> list[str]:
        return self.ranked[:n]

    @functools.cached_property
    def _prefix_index(self) -> tuple[list[str], list[float]]:
        import itertools

        words = sorted(self._freqs)
        get = self._freqs.__getitem__
        return words, list(itertools.accumulate(map(get, words), initial=0.0))

    def prefix_freq(self, prefix: str) -> float:
        """Summed relative frequency of the words that start with `prefix`
        (how often a word of the language begins so).

        >>> en = lexicon("en")
        >>> en.prefix_freq("or") > en.freq("or") > 0, en.prefix_freq("qzx")
        (True, 0.0)
        """
        import bisect

        words, cum = self._prefix_index
        p = prefix.lower()
        lo = bisect.bisect_left(words, p)
        hi = bisect.bisect_left(words, p + "\U0010ffff")
        return max(cum[hi] - cum[lo], 0.0)

    @functools.cached_property
    def alphabet(self) -> str:
        """The letters of the language: those of its 2,000 most frequent words."""
        return "".join(sorted({ch for w in self.top(2000) for ch in w if ch.isalpha()}))


def per_lexicon(maxsize: int | None = None):
    """Cache `fn(lex, *args)` on the Lexicon itself, at most `maxsize` results a
    lexicon (cleared when full), so what is derived from a lexicon is dropped
    with it instead of keeping it alive in a module-level cache.

    >>> @per_lexicon()
    ... def first(lex): return lex.top(1)[0]
    >>> first(lexicon("en")), first(lexicon("en")) is first(lexicon("en"))
    ('the', True)
    """
    def decorate(fn):
        @functools.wraps(fn)
        def cached(lex: Lexicon, *args):
            memo = lex._memo.setdefault(fn, {})
            try:
                return memo[args]
            except KeyError:
                pass
            if maxsize is not None and len(memo) >= maxsize:
                memo.clear()
            value = memo[args] = fn(lex, *args)
            return value
        return cached
    return decorate


MAX_LEXICONS = 8  # languages held at once (~50 MB each): a worker's memory stays bounded


@functools.lru_cache(maxsize=MAX_LEXICONS)
def lexicon(lang: str | None) -> Lexicon | None:
    """The Lexicon of an ISO 639-1 language, or None when wordfreq has no list for it.

    At most MAX_LEXICONS are held; the least recently used is dropped (and read
    again, in a fraction of a second, when it is needed again), so a corpus in
    many languages cannot grow a worker past its memory bound."""
    if not lang:
        return None
    import wordfreq

    try:
        freqs = wordfreq.get_frequency_dict(lang, wordlist="best")
    except LookupError:
        return None
    finally:  # wordfreq keeps every list it read: ours is to be the only copy
        wordfreq.get_frequency_dict.cache_clear()
        wordfreq.get_frequency_list.cache_clear()
    return Lexicon(lang, freqs) if freqs else None
