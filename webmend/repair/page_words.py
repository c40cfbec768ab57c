"""What the line repairs ask about a page's words: its lexicon (by the page's
own language, guessed here because the language step runs later) and whether a
frequent word is one the page never lets end a sentence ('at', 'the': a
paragraph or a page ending on it was cut)."""
from __future__ import annotations

import re

from webmend.document import Document
from webmend.lexicon.words import Lexicon, lexicon

_KEY = "repair_language"


def page_lexicon(doc: Document) -> Lexicon | None:
    """The lexicon of the page's language (cached on the document), or None."""
    if _KEY not in doc.meta:
        from webmend.annotate.language import identify

        try:
            lang, _ = identify(doc.text)
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
