"""A page's text as blocks (its non-empty lines), and taking blocks out.

Plain text carries no markup, so a line is the unit: in a text-only crawl each
HTML block became one line; in a text with blank lines between paragraphs
each paragraph line is a block just the same.

>>> [b.text for b in text_blocks("Home\\n\\n  First paragraph.  \\nSecond.")]
['Home', 'First paragraph.', 'Second.']
"""
from __future__ import annotations

import bisect
import functools
import re
from operator import itemgetter
from typing import Iterable, NamedTuple

from webmend.document import Change, Document, Removed


class Block(NamedTuple):
    start: int  # span of the whole line in the working text, newline excluded
    end: int
    text: str   # the line without its edge whitespace


_new_block = functools.partial(tuple.__new__, Block)  # Block((start, end, text)) without a Python frame


def text_blocks(text: str) -> list[Block]:
    """The non-empty lines of `text`, with their spans."""
    out = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        stripped = line.strip()
        if stripped:
            out.append(_new_block((pos, end, stripped)))
        pos = end + 1
    return out


def remove_blocks(doc: Document, drops: Iterable[tuple[Block, str]], blocks: list[Block] | None = None) -> int:
    """Take the given blocks (of `text_blocks(doc.text)`) out of `doc.text`,
    each with its reason (`blocks`, all of the text's blocks, if the caller has them).

    Neighbouring blocks with the same reason become one `Removed` entry. Each
    run of removed blocks is cut up to the next kept block, so no empty lines
    are left (layout only: no Edit is recorded). Returns blocks removed."""
    drops = sorted(drops, key=itemgetter(0))  # by block: by start (a block's end and text follow from it)
    if not drops:
        return 0
    text = doc.text
    dropped = {b.start for b, _ in drops}
    kept_starts = [b.start for b in (blocks if blocks is not None else text_blocks(text)) if b.start not in dropped]
    # one walk: neighbouring blocks with one reason become one Removed entry, and
    # runs of dropped blocks with nothing kept between them are cut as one change
    # (`k` walks the kept blocks' starts along; both lists are in text order)
    to_input, removed = doc.to_input, doc.removed
    changes: list[Change] = []
    n_kept = len(kept_starts)
    k = 0
    g_start = g_end = run_start = run_end = -1
    g_reason = ""
    g_texts: list[str] = []
    for block, reason in drops:
        if g_texts and g_reason == reason and not text[g_end:block.start].strip():
            g_end = block.end
            g_texts.append(block.text)
        else:
            if g_texts:
                removed.append(Removed("\n".join(g_texts), g_reason, *to_input(g_start, g_end)))
            g_start, g_end, g_reason, g_texts = block.start, block.end, reason, [block.text]
        if run_start >= 0:
            while k < n_kept and kept_starts[k] < run_end:
                k += 1
            if not (k < n_kept and kept_starts[k] < block.start):  # nothing kept in between
                run_end = block.end
                continue
            changes.append(_cut(text, run_start, run_end, kept_starts))
        run_start, run_end = block.start, block.end
    removed.append(Removed("\n".join(g_texts), g_reason, *to_input(g_start, g_end)))
    changes.append(_cut(text, run_start, run_end, kept_starts))
    doc.replace(changes, record=False)
    return len(drops)


def _cut(text: str, start: int, end: int, kept_starts: list[int]) -> Change:
    """The change removing a run of blocks [start, end): up to the next kept
    block, or, when none follows, from the end of the last kept one."""
    i = bisect.bisect_left(kept_starts, end)
    if i < len(kept_starts):
        return Change(start, kept_starts[i], "", kind="remove")
    before = text.rstrip()[:start].rstrip() if start else ""
    return Change(len(before), len(text), "", kind="remove")


_BLANKS = re.compile(r"\n{3,}|\A\n+|\n+\Z")


def tidy_blank_lines(doc: Document) -> None:
    """At most one blank line between blocks, none at the ends (layout only)."""
    doc.replace((Change(m.start(), m.end(), "" if m.start() == 0 or m.end() == len(doc.text) else "\n\n",
                        kind="layout") for m in _BLANKS.finditer(doc.text)), record=False)
