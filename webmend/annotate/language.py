"""The language of the page's own text (ISO 639-1), from py3langid, whose model
ships inside the package (nothing is downloaded).

Judged on the letters of the text, not its digits and punctuation; a text too
short or too mixed to judge gets no language rather than a guess.
"""
from __future__ import annotations

import functools

from webmend.document import Document
from webmend.pipeline import Resources, Step

MIN_LETTERS = 20
MIN_CONFIDENCE = 0.5
SAMPLE_CHARS = 20_000  # enough for a confident answer, bounded for huge pages


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str | None, float]:
    """(ISO 639-1 code, confidence) for a text, or (None, 0.0) when unsure.

    >>> identify("The soldiers crossed the river at night and waited for dawn.")[0]
    'en'
    """
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None, 0.0
    lang, prob = _identifier().classify(sample)
    prob = float(prob)
    return (lang, prob) if prob >= MIN_CONFIDENCE else (None, prob)


def detect_language(doc: Document, res: Resources) -> None:
    lang, prob = identify(doc.text)
    doc.language = lang
    doc.signals["language_score"] = round(prob, 4)


STEP = Step("language", detect_language, "language of the page's own text (py3langid, model shipped in the package)")
