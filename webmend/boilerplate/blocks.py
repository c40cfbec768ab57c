"""A page's text as blocks (its non-empty lines), and taking blocks out.

Plain text carries no markup, so a line is the unit: in a text-only crawl each
HTML block became one line; in a text with blank lines between paragraphs
each paragraph line is a block just the same.

>>> [b.text for b in text_blocks("Home\\n\\n  First paragraph.  \\nSecond.")]
['Home', 'First paragraph.', 'Second.']
"""
from __future__ import annotations

import re
from typing import Iterable, NamedTuple

from webmend.document import Change, Document, Removed


class Block(NamedTuple):
    start: int  # span of the whole line in the working text, newline excluded
    end: int
    text: str   # the line without its edge whitespace


def text_blocks(text: str) -> list[Block]:
    """The non-empty lines of `text`, with their spans."""
    out = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        line = text[pos:end]
        stripped = line.strip()
        if stripped:
            out.append(Block(pos, end, stripped))
        if nl < 0:
            break
        pos = nl + 1
    return out


def remove_blocks(doc: Document, drops: Iterable[tuple[Block, str]]) -> int:
    """Take the given blocks out of `doc.text`, each with its reason.

    Neighbouring blocks with the same reason become one `Removed` entry; the
    line breaks they leave are folded (layout only). Returns blocks removed."""
    drops = sorted(drops, key=lambda d: d[0].start)
    if not drops:
        return 0
    text = doc.text
    groups: list[list] = []  # [start, end, reason, [texts]]
    for block, reason in drops:
        if groups and groups[-1][2] == reason and not text[groups[-1][1]:block.start].strip():
            groups[-1][1] = block.end
            groups[-1][3].append(block.text)
        else:
            groups.append([block.start, block.end, reason, [block.text]])
    changes = []
    for start, end, reason, texts in groups:
        # take the line break after the block too, so no empty line is left
        cut_end = end + 1 if end < len(text) and text[end] == "\n" else end
        s, e = doc.to_input(start, end)
        doc.removed.append(Removed("\n".join(texts), reason, s, e))
        changes.append(Change(start, cut_end, "", kind="remove"))
    doc.replace(changes, record=False)
    tidy_blank_lines(doc)
    return len(drops)


_BLANKS = re.compile(r"\n{3,}|\A\n+|\n+\Z")


def tidy_blank_lines(doc: Document) -> None:
    """At most one blank line between blocks, none at the ends (layout only)."""
    doc.replace((Change(m.start(), m.end(), "" if m.start() == 0 or m.end() == len(doc.text) else "\n\n",
                        kind="layout") for m in _BLANKS.finditer(doc.text)), record=False)
