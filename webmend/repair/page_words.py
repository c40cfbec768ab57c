"""What the repairs ask about a page's words, answered once per page: its
language and lexicon (guessed here because the language step runs later),
cheap word counts, and whether a frequent word is one the page never lets end
a sentence ('at', 'the': a paragraph or a page ending on it was cut).

Every repair step asks `page_lexicon(doc)`; the guess is made once per
document and kept in `doc.meta`, so the steps of a pass share it.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from itertools import chain, repeat

from webmend.document import Document
from webmend.lexicon.words import Lexicon, lexicon

_KEY = "repair_language"


IDENTIFY_CHARS = 800  # what the (slower) language identifier reads of it
SAMPLE = 1200  # characters the language is guessed from: enough for a lexicon choice


def _sample(text: str) -> str:
    """The start and the middle of the text (a long page's head may be a list or a table)."""
    if len(text) <= SAMPLE:
        return text
    mid = len(text) // 2
    return text[:SAMPLE // 2] + "\n" + text[mid:mid + SAMPLE // 2]


ENGLISH_SHARE = 0.3   # English prose has ~40-50% of its tokens among the 100 commonest words
# Bytes a-z stay, every other byte becomes a space: the runs of [a-z] of a UTF-8 text.
_LATIN_TABLE = bytes(c if 97 <= c <= 122 else 32 for c in range(256))


@functools.lru_cache(maxsize=1)
def _english_commonest() -> frozenset[bytes]:
    return frozenset(w.encode() for w in lexicon("en").top(100))


def looks_english(sample: str) -> bool:
    """A cheap first guess: English if its commonest words make up much of the sample.

    >>> looks_english("The soldiers crossed the river at night and waited for the dawn to come.")
    True
    >>> looks_english("Nesta página você terá sempre a classificação atualizada da NASCAR.")
    False
    """
    words = sample.lower().encode("utf-8", "surrogatepass").translate(_LATIN_TABLE).split()[:400]  # runs of [a-z]
    if len(words) < 8:
        return False
    return sum(map(_english_commonest().__contains__, words)) >= ENGLISH_SHARE * len(words)


SURE_VOTES = 12    # function words of the leading language, at least...
SURE_MARGIN = 1.5  # ...and this many times the runner-up's (close languages: 'id'/'ms', 'ru'/'uk')


@functools.lru_cache(maxsize=1)
def _function_word_votes() -> dict[str, tuple[str, ...]]:
    """word -> the languages listing it among their function words
    (boilerplate/stopwords.py; languages written without spaces left out)."""
    from webmend.boilerplate import stopwords

    out: dict[str, list[str]] = {}
    for lang in stopwords.available():
        if lang not in ("zh", "ja"):
            for w in stopwords.stopwords(lang):
                out.setdefault(w, []).append(lang)
    return {w: tuple(ls) for w, ls in out.items()}


_WORD = re.compile(r"\w+")


def function_word_language(sample: str) -> str | None:
    """The language whose function words a sample is full of, when it leads
    clearly (else None: the identifier decides). Counted in C: each word votes
    for the languages listing it. On the benchmark pages it agrees with
    py3langid wherever it is sure, at a fraction of the cost.

    >>> function_word_language("Die Stadtwerke wollen bis zum Ende des Jahrzehnts die Hälfte der Haushalte "
    ...                        "mit Strom aus Wind und Sonne versorgen, sagte der Bürgermeister am Montag in der Stadt.")
    'de'
    >>> function_word_language("Kuala Lumpur") is None
    True
    """
    table = _function_word_votes()
    votes = Counter(chain.from_iterable(map(table.get, _WORD.findall(sample.lower()), repeat(()))))
    top = votes.most_common(2)
    if not top or top[0][1] < SURE_VOTES:
        return None
    if len(top) > 1 and top[0][1] < SURE_MARGIN * top[1][1]:
        return None
    return top[0][0]


def guess_language(text: str) -> str | None:
    """The language of a text: English when English's commonest words cover
    much of a sample of it (cheap), else the language whose function words
    clearly lead (cheap), else py3langid on a short sample.

    >>> guess_language("The cat sat on the mat and looked at the birds in the garden for a while.")
    'en'
    """
    sample = _sample(text)
    if looks_english(sample):
        return "en"
    sure = function_word_language(sample)
    if sure is not None:
        return sure
    from webmend.annotate.language import identify

    try:
        return identify(sample[:IDENTIFY_CHARS])[0]
    except Exception:
        return None


def page_language(doc: Document) -> str | None:
    """The page's language, guessed once per document (kept in doc.meta: the
    language step proper runs after the repairs). The first pass notes its
    guess for the second (`doc.notes`), which then need not guess again, and
    must not guess otherwise: the host's counts were kept under the first
    pass's language (the chrome step's provisional `doc.language`, set in
    between, is read from other cues)."""
    if _KEY not in doc.meta:
        if _KEY in doc.notes:
            doc.meta[_KEY] = doc.notes[_KEY]
        elif doc.language:
            doc.meta[_KEY] = doc.language
        else:
            doc.meta[_KEY] = doc.notes[_KEY] = guess_language(doc.text)
    return doc.meta[_KEY]


def page_lexicon(doc: Document) -> Lexicon | None:
    """The lexicon of the page's language, or None."""
    return lexicon(page_language(doc))


# ASCII letters and the apostrophe stay, every other ASCII byte becomes a
# space; the bytes of other characters stay (mostly letters, in UTF-8).
_ROUGH_TABLE = bytes(c if (65 <= c <= 90 or 97 <= c <= 122 or c == 39 or c >= 128) else 32 for c in range(256))


def rough_tokens(text: str) -> list[bytes]:
    """The words of a text as `rough_words` reads them, in text order (UTF-8, case kept).

    >>> rough_tokens("The cat, the hat.")
    [b'The', b'cat', b'the', b'hat']
    """
    return text.encode("utf-8", "surrogatepass").translate(_ROUGH_TABLE).split()


def rough_words(text: str) -> Counter:
    """The words of a text as UTF-8 bytes, case kept, and how often each
    occurs: a word is what lies between spaces, ASCII marks and digits.
    C-speed counts (no regex over the text) for statistics pooled over many
    pages; a word touching a non-ASCII mark (a curly quote, a dash) is missed.

    >>> sorted(rough_words("The cat, the hat. (The) 3 well-known cats").items())
    [(b'The', 2), (b'cat', 1), (b'cats', 1), (b'hat', 1), (b'known', 1), (b'the', 1), (b'well', 1)]
    """
    return Counter(rough_tokens(text))


def never_ends_sentence(text: str, word: str, lex: Lexicon, *, min_zipf: float = 6.2, min_seen: int = 3) -> bool:
    """True for a very frequent word that the page uses often but never right
    before a sentence or clause end: a text that stops on it stopped mid-sentence.

    >>> from webmend.lexicon.words import lexicon
    >>> t = "He looked at it. We met at noon at the gate; at last. It was done."
    >>> never_ends_sentence(t, "at", lexicon("en")), never_ends_sentence(t, "it", lexicon("en"))
    (True, False)
    """
    if not word.isalpha() or not word.islower() or lex.zipf(word) < min_zipf:
        return False
    low = text.lower()  # the word as a literal: a fast scan, where IGNORECASE is a slow one
    if low.count(word) < min_seen:
        return False
    seen = ended = 0
    end = len(low.rstrip())
    for m in re.finditer(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])(\s*[.!?;:,)]|\s*$)?", low):
        seen += 1
        if m.group(1) is not None and m.end() < end:
            ended += 1
            break
    return ended == 0 and seen >= min_seen
