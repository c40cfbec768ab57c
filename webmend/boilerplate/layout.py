"""The `layout` step: the page's text laid out as paragraphs.

After the line repairs have joined what belongs together, every line left is a
block of its own: paragraphs and headings are separated by a blank line, list
items stay on their own lines one under the other. A line that plainly
continues the one before (no sentence end, lowercase start) is not split off.
Layout only: no word changes, nothing recorded as an edit.

>>> from webmend.document import Document
>>> d = Document(id="x", source="Title\\nFirst paragraph.\\n- one\\n- two\\nLast paragraph.")
>>> lay_out_paragraphs(d, None); print(d.text)
Title
<BLANKLINE>
First paragraph.
<BLANKLINE>
- one
- two
<BLANKLINE>
Last paragraph.
"""
from __future__ import annotations

import re

from webmend.document import Change, Document
from webmend.pipeline import Resources, Step

_LIST_ITEM = re.compile(r"^\s*(?:[•·●▪■◦‣∙*\-–—+]|\d{1,3}[.)]|[a-zA-Z][.)])\s+\S")
_SENTENCE_END = re.compile(r"[.!?。！？…:;]['\"”’»)\]]*\s*$")


def _continues(prev: str, nxt: str) -> bool:
    """Whether line `nxt` continues the sentence of line `prev`."""
    return bool(nxt[:1].islower()) and not _SENTENCE_END.search(prev)


def lay_out_paragraphs(doc: Document, res: Resources) -> None:
    text = doc.text
    if "\n" not in text:
        return
    changes = []
    pos = 0
    prev = None
    while True:
        nl = text.find("\n", pos)
        if nl < 0:
            break
        line = text[pos:nl]
        nxt_end = text.find("\n", nl + 1)
        nxt = text[nl + 1: nxt_end if nxt_end >= 0 else len(text)]
        if line.strip() and nxt.strip():
            both_items = _LIST_ITEM.match(line) and _LIST_ITEM.match(nxt)
            if not both_items and not _continues(line, nxt):
                changes.append(Change(nl, nl + 1, "\n\n", kind="layout"))
        prev = line
        pos = nl + 1
    del prev
    doc.replace(changes, record=False)


STEP = Step("layout", lay_out_paragraphs,
            "paragraphs separated by a blank line, headings and list items on their own lines",
            family="structure")
