"""HTML -> the page's main text and metadata, with our own extractor.

lexbor (selectolax) parses the page; `dom_blocks` cuts it into text blocks;
`block_features` describes each block; a small shipped MLP (`classifier`)
says which blocks are the page's own text. Kept blocks become paragraphs
separated by blank lines; a heading, a list item, a line broken by <br> stays
on its own line. Title, author, date and language come from the page's
metadata (`html_metadata`). See docs/extraction.md for the measured F1 and
speed against trafilatura.

>>> ex = extract_html("<html lang=en><head><title>T</title></head><body><nav><ul><li><a href=/>Home</a>"
...     "</li><li><a href=/a>About</a></li></ul></nav><article><h1>Rivers</h1><p>The river rose in the "
...     "night, and by morning the lower town, its mills and its bridge, stood in water.</p><p>Nobody "
...     "was hurt, the mayor said, though the bakery lost its ovens and most of its flour.</p></article>"
...     "<footer><p>© 2024 Town Gazette. All rights reserved.</p></footer></body></html>")
>>> print(ex.text)  # the headline is metadata (ex.title), as in the benchmark's ground truth
The river rose in the night, and by morning the lower town, its mills and its bridge, stood in water.
<BLANKLINE>
Nobody was hurt, the mayor said, though the bakery lost its ovens and most of its flour.
>>> ex.language
'en'
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from webmend.extract.dom_blocks import BlockSet


@dataclass
class Extracted:
    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    language: str | None = None
    removed: list[str] = field(default_factory=list)  # the blocks left out, in page order


def assemble_text(bs: BlockSet, keep) -> str:
    """The kept blocks as text: paragraphs apart by a blank line, list items
    of one list and <br>-broken lines on lines of their own."""
    out: list[str] = []
    prev = -1
    tags, parent, element, lines, texts = bs.el_tags, bs.el_parent.tolist(), bs.element, bs.lines, bs.texts
    for i, k in enumerate(keep.tolist() if hasattr(keep, "tolist") else keep):
        if not k:
            continue
        if prev >= 0:
            e, pe = element[i], element[prev]
            same_list = tags[e] == "li" and tags[pe] == "li" and parent[e] == parent[pe]
            out.append("\n" if same_list else "\n\n")
        out.append("\n".join(lines[i]) if i in lines else texts[i])
        prev = i
    return "".join(out)


def classify_blocks(bs: BlockSet, model=None) -> np.ndarray:
    """Probability, for each block, that it is the page's own text."""
    from webmend.extract.block_features import block_features
    from webmend.extract.classifier import default_model

    model = model or default_model()
    return model.predict(bs, block_features(bs))


def extract_html(html: str, url: str | None = None) -> Extracted:
    """Main text and metadata of an HTML page (empty text if none is found)."""
    from webmend.extract.classifier import default_model
    from webmend.extract.dom_blocks import NEVER_TEXT_SELECTOR, parse, strip_never_text, walk_blocks
    from webmend.extract.html_metadata import METADATA_SELECTOR, page_metadata

    tree = parse(html, strip=False)
    try:  # one query for the metadata and the hidden elements (one pass in C)
        found = tree.css(METADATA_SELECTOR + ", " + NEVER_TEXT_SELECTOR)
    except Exception:  # selector engine trouble on odd markup: each its own query
        found = None
    meta = page_metadata(tree, url, html, found)
    strip_never_text(tree, found)
    bs = walk_blocks(tree)
    if not bs.texts:
        return Extracted(text="", title=meta.title, author=meta.author, date=meta.date, language=meta.language)
    model = default_model()
    keep = classify_blocks(bs, model) >= model.threshold
    return Extracted(text=assemble_text(bs, keep), title=meta.title or bs.title, author=meta.author,
                     date=meta.date, language=meta.language,
                     removed=[t for t, k in zip(bs.texts, keep.tolist()) if not k])
