"""Plain counts of the final text, the base of every quality signal."""
from __future__ import annotations

import re

from webmend.document import Document
from webmend.pipeline import Resources, Step

_WORD = re.compile(r"\w+")


def count_signals(doc: Document, res: Resources) -> None:
    """chars, words, lines and paragraphs of `text`, and the share of the input kept.

    >>> d = Document(id="x", source="One two.\\n\\nThree."); count_signals(d, None)
    >>> d.signals["words"], d.signals["paragraphs"]
    (3, 2)
    """
    text = doc.text
    doc.signals["chars"] = len(text)
    doc.signals["words"] = sum(1 for _ in _WORD.finditer(text))
    doc.signals["lines"] = text.count("\n") + 1 if text else 0
    doc.signals["paragraphs"] = sum(1 for p in text.split("\n\n") if p.strip())
    doc.signals["kept_share"] = round(len(text) / len(doc.input_text), 4) if doc.input_text else 0.0


STEP = Step("counts", count_signals, "chars, words, lines, paragraphs and share of the input kept")
