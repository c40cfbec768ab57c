"""Function words of each language, the base of stop-word density.

The lists are the most frequent words of wordfreq's lists (the words every
sentence of a language is full of and a menu, a title or a tag cloud lacks),
shipped in `data/stopwords.json` so loading them costs nothing at run time.
`python -m webmend.boilerplate.stopwords` rebuilds the file from wordfreq.

Languages written without spaces (Chinese, Japanese, Thai) are counted by
character; Korean words carry their particles, so a Korean word counts when
it is a listed word or ends in a listed one-syllable particle.

>>> sw = stopwords("en"); "the" in sw and "government" not in sw
True
>>> is_stopword("ko", "정부는"), is_stopword("ko", "정부")
(True, False)
"""
from __future__ import annotations

import functools
import json
import re
from collections import Counter
from itertools import chain, repeat
from pathlib import Path

DATA = Path(__file__).with_name("data") / "stopwords.json"
TOP_WORDS = 150
SUFFIX_LANGS = frozenset({"ko"})  # languages whose function morphemes end words


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, list[str]]:
    try:
        return json.loads(DATA.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@functools.lru_cache(maxsize=None)
def stopwords(lang: str | None) -> frozenset[str]:
    """The function words of `lang` (lowercase), empty for an unknown language."""
    return frozenset(_table().get(lang or "", ()))


@functools.lru_cache(maxsize=None)
def _suffixes(lang: str) -> frozenset[str]:
    return frozenset(w for w in stopwords(lang) if len(w) == 1) if lang in SUFFIX_LANGS else frozenset()


def is_stopword(lang: str | None, word: str) -> bool:
    """Whether `word` is a function word of `lang` (for Korean: ends in a particle)."""
    w = word.lower()
    if w in stopwords(lang):
        return True
    return bool(lang in SUFFIX_LANGS and len(w) > 1 and w[-1] in _suffixes(lang))


@functools.lru_cache(maxsize=1)
def _votes() -> dict[str, tuple[str, ...]]:
    """word -> the languages listing it as a function word."""
    out: dict[str, list[str]] = {}
    for lang, words in _table().items():
        if lang in ("zh", "ja"):
            continue
        for w in words:
            out.setdefault(w, []).append(lang)
    return {w: tuple(ls) for w, ls in out.items()}


_WORD = re.compile(r"\w+")
_SCRIPT_LANGS = [(re.compile(r"[\u3040-\u30ff]"), "ja"), (re.compile(r"[가-힣]"), "ko"),
                 (re.compile(r"[\u4e00-\u9fff]"), "zh"), (re.compile(r"[\u0e00-\u0e7f]"), "th")]
_SCRIPT_LETTER = re.compile("|".join(p.pattern for p, _ in _SCRIPT_LANGS))
MIN_VOTES = 3
SCRIPT_SHARE = 0.3  # of the letters, for a script to tell the language


def guess_language(text: str) -> str | None:
    """A quick guess of the language of `text` for judging function words: by
    script for the languages one script tells, else the language whose
    function words occur most. Not the page's declared language (py3langid
    judges that); close languages may be confused, which changes little here.

    >>> guess_language("The river rose all night and the town was under water."), guess_language("정부는 오늘")
    ('en', 'ko')
    >>> guess_language("Die Stadtwerke wollen bis zum Ende des Jahrzehnts die Hälfte der Haushalte versorgen.")
    'de'
    """
    head = text[:2000]
    if not head.isascii() and _SCRIPT_LETTER.search(head):  # a letter of one of these scripts is there
        letters = sum(map(str.isalpha, head)) or 1
        for pattern, lang in _SCRIPT_LANGS:
            if len(pattern.findall(head)) >= SCRIPT_SHARE * letters:
                return lang
    # each word votes for the languages listing it (counted in C, first voted first listed)
    table = _votes()
    votes = Counter(chain.from_iterable(map(table.get, _WORD.findall(text.lower()), repeat(()))))
    if not votes:
        return None
    best = max(votes, key=votes.__getitem__)
    return best if votes[best] >= MIN_VOTES else None


def available() -> list[str]:
    return sorted(_table())


def build(top: int = TOP_WORDS) -> dict[str, list[str]]:
    """The table from wordfreq: each language's `top` most frequent words made of
    letters (single characters for languages written without spaces)."""
    import wordfreq

    table = {}
    for lang in sorted(wordfreq.available_languages("best")):
        words = [w for w in wordfreq.top_n_list(lang, top * 4) if w.isalpha()]
        if lang in ("zh", "ja"):
            words = [w for w in words if len(w) == 1]
        table[lang] = words[:top]
    return table


if __name__ == "__main__":
    DATA.parent.mkdir(exist_ok=True)
    DATA.write_text(json.dumps(build(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {DATA}")
