"""What the line repairs ask about a page's words: its lexicon (by the page's
own language, guessed here because the language step runs later) and whether a
frequent word is one the page never lets end a sentence ('at', 'the': a
paragraph or a page ending on it was cut)."""
from __future__ import annotations

import functools
import re

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


_LATIN_WORD = re.compile(r"[a-z]+")
ENGLISH_SHARE = 0.3   # English prose has ~40-50% of its tokens among the 100 commonest words


@functools.lru_cache(maxsize=1)
def _english_commonest() -> frozenset[str]:
    return frozenset(lexicon("en").top(100))


def looks_english(sample: str) -> bool:
    """A cheap first guess: English if its commonest words make up much of the sample.

    >>> looks_english("The soldiers crossed the river at night and waited for the dawn to come.")
    True
    >>> looks_english("Nesta página você terá sempre a classificação atualizada da NASCAR.")
    False
    """
    words = _LATIN_WORD.findall(sample.lower())[:400]
    if len(words) < 8:
        return False
    common = _english_commonest()
    return sum(w in common for w in words) >= ENGLISH_SHARE * len(words)


def page_lexicon(doc: Document) -> Lexicon | None:
    """The lexicon of the page's language (cached on the document), or None.

    English is recognised by its commonest words (cheap); other pages go to the
    language identifier, on a short sample."""
    if _KEY not in doc.meta:
        sample = _sample(doc.text)
        if looks_english(sample):
            lang = "en"
        else:
            from webmend.annotate.language import identify

            try:
                lang, _ = identify(sample[:IDENTIFY_CHARS])
            except Exception:
                lang = None
        doc.meta[_KEY] = lang
    return lexicon(doc.meta[_KEY])


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
    seen = ended = 0
    for m in re.finditer(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])(\s*[.!?;:,)]|\s*$)?", text, re.IGNORECASE):
        seen += 1
        if m.group(1) is not None and m.end() < len(text.rstrip()):
            ended += 1
    return ended == 0 and seen >= min_seen
