"""The first steps: the page's input text, and its whitespace laid out plainly.

`input` turns an HTML page into text (its metadata too) and fixes the input
text that every Edit offset refers to. `normalize` unifies line endings, strips
spaces at line ends and starts, and folds runs of blank lines, without
recording Edits: layout only, the words are untouched.
"""
from __future__ import annotations

import re

from webmend.document import Change, Document
from webmend.pipeline import Resources, Step


def take_input(doc: Document, res: Resources) -> None:
    """HTML -> text (webmend.extract.html: lexbor + block classifier); a text page is its own input text."""
    if doc.source_kind == "html":
        from webmend.extract.html import extract_html

        ex = extract_html(doc.source, doc.url)
        doc.set_input_text(ex.text)
        doc.title = doc.title or ex.title
        doc.author = doc.author or ex.author
        doc.date = doc.date or ex.date
        if ex.language:
            doc.meta["html_language"] = ex.language  # declared by the page; `language` judges the text
        if not ex.text.strip():
            doc.flags.append("no main text found in the HTML")


# Leading whitespace of the page; \r\n and lone \r; spaces at a line's end or
# start (not newlines); runs of 3+ newlines.
_SPACE_CHARS = " \t\f\v\u00a0\u3000"
_SPACE = f"[{_SPACE_CHARS}]"
_LAYOUT = re.compile(rf"(?P<lead>\A\s+)|(?P<cr>\r\n?)|{_SPACE}+(?=\n|\Z)|(?<=\n){_SPACE}+|(?P<blank>\n{{3,}})")
_REPLACEMENT = {"lead": "", "cr": "\n", "blank": "\n\n", None: ""}


def normalize_layout(doc: Document, res: Resources) -> None:
    """Plain layout: \\n line ends, no edge spaces on lines, at most one blank line.

    Two passes, since \\r\\n must become \\n before blank-line runs are seen."""
    for _ in range(2):
        doc.replace(layout_changes(doc.text), record=False)
    end = len(doc.text.rstrip())
    if end < len(doc.text):
        doc.replace([Change(end, len(doc.text), "", kind="layout")], record=False)


_EDGES = tuple(c + "\n" for c in _SPACE_CHARS) + tuple("\n" + c for c in _SPACE_CHARS)
_BLANKS = re.compile(r"\n{3,}")


def layout_changes(text: str) -> list[Change]:
    """The matches of _LAYOUT as Changes, found with string methods where the
    text has no \\r: the spaces at each line's edges (`str.strip`), and runs
    of blank lines; a page without spaces at a line's edge (most extracted
    pages) costs a few substring tests.

    >>> [(c.start, c.end, c.after) for c in layout_changes(" a  \\n  b\\n\\n\\n c\\t")]
    [(0, 1, ''), (2, 4, ''), (5, 7, ''), (8, 11, '\\n\\n'), (11, 12, ''), (13, 14, '')]
    """
    if "\r" in text:
        return [Change(m.start(), m.end(), _REPLACEMENT[m.lastgroup], kind="layout") for m in _LAYOUT.finditer(text)]
    out = []
    lead = len(text) - len(text.lstrip())
    if lead:
        out.append(Change(0, lead, "", kind="layout"))
    if text.endswith(tuple(_SPACE_CHARS)) or any(e in text for e in _EDGES):
        pos = lead
        for line in text[lead:].split("\n"):
            end = pos + len(line)
            left = end - len(line.lstrip(_SPACE_CHARS))
            if left == end:  # a line of spaces only (or none): one run
                if end > pos:
                    out.append(Change(pos, end, "", kind="layout"))
            else:
                right = pos + len(line.rstrip(_SPACE_CHARS))
                if left > pos:
                    out.append(Change(pos, left, "", kind="layout"))
                if right < end:
                    out.append(Change(right, end, "", kind="layout"))
            pos = end + 1
    if "\n\n\n" in text:
        out.extend(Change(m.start(), m.end(), "\n\n", kind="layout") for m in _BLANKS.finditer(text, lead))
        out.sort(key=lambda c: c.start)
    return out


STEP = Step("input", take_input, "HTML pages: main text (block classifier) and metadata; text pages: taken as they are",
            prepare=True)
NORMALIZE = Step("normalize", normalize_layout,
                 "line endings, spaces at line edges, runs of blank lines (layout only, not recorded as edits)",
                 prepare=True)
