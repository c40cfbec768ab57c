"""The language of the page's own text (ISO 639-1), from py3langid, whose model
ships inside the package (nothing is downloaded).

Judged on a sample of the text's paragraphs, longest first (the page's own
prose, not its menus), bounded so a huge page costs no more than a short one;
a text too short or too mixed to judge gets no language rather than a guess.
"""
from __future__ import annotations

import functools
from typing import Iterable

from webmend.document import Document
from webmend.pipeline import Resources, Step

MIN_LETTERS = 20
MIN_CONFIDENCE = 0.5
SAMPLE_CHARS = 800  # enough for a confident answer on prose, bounded for speed


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def sample_of(paragraphs: Iterable[str], limit: int = SAMPLE_CHARS) -> str:
    """The first paragraphs given, joined, up to `limit` characters (each
    paragraph contributes at most a third of it, so one long quote in another
    language cannot decide alone).

    >>> sample_of(["a" * 1000, "b" * 10], limit=300) == "a" * 100 + "\\n" + "b" * 10
    True
    """
    out, n = [], 0
    share = max(1, limit // 3)
    for p in paragraphs:
        p = p.strip()[:share]
        if not p:
            continue
        out.append(p)
        n += len(p) + 1
        if n >= limit:
            break
    return "\n".join(out)[:limit]


def identify(text: str) -> tuple[str | None, float]:
    """(ISO 639-1 code, confidence) for a text, or (None, 0.0) when unsure.

    >>> identify("The soldiers crossed the river at night and waited for dawn.")[0]
    'en'
    """
    sample = text[:SAMPLE_CHARS * 4]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None, 0.0
    lang, prob = _identifier().classify(sample)
    prob = float(prob)
    return (lang, prob) if prob >= MIN_CONFIDENCE else (None, prob)


def detect_language(doc: Document, res: Resources) -> None:
    """The language of `doc.text`, from its longest paragraphs."""
    paras = sorted((p for p in doc.text.split("\n") if p.strip()), key=len, reverse=True)
    lang, prob = identify(sample_of(paras))
    doc.language = lang
    doc.signals["language_score"] = round(prob, 4)


STEP = Step("language", detect_language, "language of the page's own text (py3langid, model shipped in the package)")
