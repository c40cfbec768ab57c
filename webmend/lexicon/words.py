"""Word statistics of a language, from wordfreq's lists (shipped in its package).

`lexicon(lang)` gives a Lexicon, or None for a language wordfreq lacks (it
raises LookupError for those; we never guess with another language's list).
Lookups are dictionary reads on lowercased words, cheap enough for every token.
"""
from __future__ import annotations

import functools
import math
from collections import Counter, OrderedDict

from webmend.lexicon import hold


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

    @property
    def alphabetic(self) -> bool:
        """Whether the language writes with an alphabet (a few dozen letters),
        not a syllabary or CJK characters, where one character is a word or a
        particle as often as a letter.

        >>> lexicon("en").alphabetic, lexicon("ko").alphabetic
        (True, False)
        """
        return len(self.alphabet) <= MAX_ALPHABET


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


MAX_ALPHABET = 80  # letters an alphabet has at most (a syllabary or CJK has hundreds or thousands)

# Languages held at once are bounded by their words (each some 100 bytes in
# memory: 'en' 321,000 words and 41 MB, 'ru' 713,000 and 110 MB, 'ko' 30,000),
# so a worker's memory stays bounded however many languages a corpus brings,
# while small lists do not take a big one's room. The least recently used
# language goes first; it is read again (0.01-0.5 s) when needed again.
MAX_LEXICON_WORDS = 3_000_000
MAX_LEXICONS = 16
_HELD: "OrderedDict[str, Lexicon | None]" = OrderedDict()


def lexicon(lang: str | None) -> Lexicon | None:
    """The Lexicon of an ISO 639-1 language, or None when wordfreq has no list for it.

    Held while the languages held stay within MAX_LEXICON_WORDS words and
    MAX_LEXICONS languages; past that the least recently used is dropped."""
    if not lang:
        return None

    def make() -> Lexicon | None:
        freqs = _frequencies(lang)
        return Lexicon(lang, freqs) if freqs else None

    return hold(_HELD, lang, make, lambda lex: len(lex._freqs), MAX_LEXICON_WORDS, MAX_LEXICONS)


def held_words() -> int:
    """Words of the lexicons held now."""
    return sum(len(lex._freqs) for lex in _HELD.values() if lex is not None)


SAME_LANGUAGE_DISTANCE = 10  # langcodes' distance within one language ('no' -> 'nb' 1, 'hr' -> 'sh' 9)


@functools.lru_cache(maxsize=None)
def wordfreq_language(lang: str) -> str | None:
    """The language of wordfreq's that is `lang`: itself, or a variant of
    the same language ('no' -> 'nb', 'sr' and 'hr' -> 'sh', 'tl' -> 'fil');
    None for any other. wordfreq itself would answer Uzbek, Kazakh or
    Belarusian with Russian, another language's words: a page judged by
    them would show Russian's commonest words missing everywhere.

    >>> [wordfreq_language(x) for x in ("en", "no", "hr", "tl", "uz", "kk", "be", "xx")]
    ['en', 'nb', 'sh', 'fil', None, None, None, None]
    """
    import langcodes
    import wordfreq

    available = sorted(wordfreq.available_languages(wordlist="best"))
    if lang in available:
        return lang
    try:
        return langcodes.closest_supported_match(lang, available, max_distance=SAME_LANGUAGE_DISTANCE)
    except (ValueError, LookupError):  # not a language tag
        return None


def _frequencies(lang: str) -> dict[str, float]:
    import wordfreq

    code = wordfreq_language(lang)
    if code is None:
        return {}
    try:
        return wordfreq.get_frequency_dict(code, wordlist="best")
    except LookupError:
        return {}
    finally:  # wordfreq keeps every list it read: ours is to be the only copy
        wordfreq.get_frequency_dict.cache_clear()
        wordfreq.get_frequency_list.cache_clear()


MIN_APOSTROPHE_WORDS = 20  # words of the language sharing a part before or after their apostrophe


@per_lexicon()
def apostrophe_parts(lex: Lexicon) -> tuple[frozenset[str], frozenset[str]]:
    """The parts before and after the apostrophe that MIN_APOSTROPHE_WORDS or
    more of the language's listed words share: elisions ('dell'' in Italian)
    and clitics ('s', 'll', 're' in English).

    >>> from webmend.lexicon.words import lexicon
    >>> heads, tails = apostrophe_parts(lexicon("en")); sorted({"s", "ll", "re", "and"} & tails)
    ['ll', 're', 's']
    """
    heads: Counter = Counter()
    tails: Counter = Counter()
    for w in lex.ranked:
        if "'" in w:
            head, _, tail = w.partition("'")
            heads[head] += 1
            tails[tail.rpartition("'")[2]] += 1
    return (frozenset(h for h, n in heads.items() if n >= MIN_APOSTROPHE_WORDS),
            frozenset(t for t, n in tails.items() if n >= MIN_APOSTROPHE_WORDS))


def commonest(lang: str, min_zipf: float) -> frozenset[str]:
    """A language's words at `min_zipf` or more, read from wordfreq's list
    without holding (or building) the language's lexicon: for a glance at
    other languages' function words, which must not push out the lexicons
    in use.

    >>> {"der", "und", "nicht"} <= commonest("de", 6.6), "haus" in commonest("de", 6.6)
    (True, False)
    >>> commonest("de", 6.0) == frozenset(w for w in lexicon("de").top(1000) if lexicon("de").zipf(w) >= 6.0)
    True
    """
    lex = _HELD.get(lang)
    if lex is not None:
        return frozenset(w for w in lex.top(1000) if lex.zipf(w) >= min_zipf)
    import wordfreq

    code = wordfreq_language(lang)
    if code is None:
        return frozenset()
    try:
        buckets = wordfreq.get_frequency_list(code, wordlist="best")
    except LookupError:
        return frozenset()
    finally:
        wordfreq.get_frequency_list.cache_clear()
    # bucket i holds the words of frequency 10 ** (-i / 100): zipf 9 - i / 100
    return frozenset(w for i, bucket in enumerate(buckets) if round(9 - i / 100, 2) >= min_zipf for w in bucket)
