"""The `chrome` step: take page chrome out of a text page, keep the page's own text.

Each non-empty line is a block; `classify.page_path` (the core of
`classify_blocks`) decides which are the page's own text from what they show.
Dropped blocks go to `doc.removed`
with the reason (navigation, share buttons, comments, copyright ...). The
page's heading, when the text repeats it right above the article, is taken
out as `title` (the metadata step reads it from there), and so are lines of
the article's by-line.

A page with no text, or nothing but chrome, ends with an empty text and a flag
saying why.
"""
from __future__ import annotations

import heapq
import re
from collections import Counter

from webmend.annotate.language import sample_of
from webmend.boilerplate.blocks import Block, remove_blocks, text_blocks
from webmend.boilerplate.classify import page_path
from webmend.boilerplate.features import MAX_BLOCK_CHARS, Features, block_features
from webmend.boilerplate.stopwords import guess_language
from webmend.boilerplate.templates import TEMPLATE_REASON
from webmend.document import Document
from webmend.pipeline import Resources, Step

TITLE_REASON = "title"
_KEY = re.compile(r"[\W_]+")
_FIRST_ALNUM = re.compile(r"[^\W_]")
MIN_TITLE_KEY = 12  # alphanumeric characters a repeated heading must have


def heading_key(text: str) -> str:
    """What two occurrences of one heading share: letters and digits, lowercased
    (escapes, quotes, spacing and a trailing '…' differ between them).

    >>> heading_key("[News] Chapter\\u00a021 “Let Us\\\\go…")
    'newschapter21letusgo'
    """
    return _KEY.sub("", text.rstrip("…").rstrip(".").lower())


LANGUAGE_SAMPLE_CHARS = 1000


def page_language(blocks: list[Block]) -> str | None:
    """The language of a page's function words, judged on its longest blocks
    (most likely its own text); the `language` step judges the final text."""
    longest = heapq.nlargest(8, [b.text for b in blocks], key=len)  # as sorted(..., reverse=True)[:8]
    return guess_language(sample_of(longest, LANGUAGE_SAMPLE_CHARS))


def repeated_heading(blocks: list[Block], first_kept: int, score: float) -> bool:
    """Whether the first kept block (`score`: its own, as classify's decisions
    round it) repeats a heading met above it: the page's title written again
    over its text (the first occurrence, a browser title with the site name, or
    one cut short with '…', does not count as text)."""
    key = heading_key(blocks[first_kept].text)
    if len(key) < MIN_TITLE_KEY or score > 6:
        return False
    for b in blocks[:first_kept]:
        if len(b.text) < MIN_TITLE_KEY:
            continue  # its key, no longer than the text, is too short
        first = _FIRST_ALNUM.search(b.text)
        if first is None or (first.group() not in "Σİ" and first.group().lower() != key[0]):
            continue  # its key starts with another letter (Σ and İ lowercase by context or to two)
        k = heading_key(b.text)
        if len(k) >= MIN_TITLE_KEY and (k.startswith(key) or key.startswith(k)):
            return True
    return False


MIN_CHROME_EVIDENCE = 3  # a page showing less of site chrome than this is left whole
MENU_RUN = 3             # consecutive short unpunctuated lines that make a menu
MENU_LINE_WORDS = 4


def chrome_evidence(feats: list[Features], repeats: list[int], templated: bool) -> int:
    """How much a page shows of a site's chrome: the blocks made of chrome
    phrases (skip links, share buttons, copyright ...), plus one for lines the
    site repeats on its pages (removed by the templates step), plus one for a
    run of short unpunctuated lines (a menu) or a short line the page repeats
    — but those two only count beside a chrome phrase, since an article's own
    lists and tables look just like them.

    A page that shows less than MIN_CHROME_EVIDENCE is a bare article: an
    article's own lists, captions and headings look like chrome one by one, and
    with no chrome around them there is nothing to remove (do no harm).

    >>> fs = block_features(["Home", "News", "Sport", "Log in", "A sentence of the text."], "en")
    >>> chrome_evidence(fs, [1] * 5, False)  # 'Home' and 'Log in' are chrome phrases, and a menu run
    3
    >>> fs = block_features(["Results", "Smith 12", "Jones 10", "Brown 9", "A sentence of the text."], "en")
    >>> chrome_evidence(fs, [1] * 5, False)  # a list in an article
    0
    """
    phrases = sum(1 for f in feats if f.chrome)
    run = 0
    listing = False
    for f, n in zip(feats, repeats):
        short = f.words <= MENU_LINE_WORDS
        listing = listing or (short and n > 1)
        run = run + 1 if short and not f.end_punct else 0
        listing = listing or run >= MENU_RUN
    return phrases + int(templated) + int(listing and phrases > 0)


def remove_chrome(doc: Document, res: Resources) -> None:
    """Chrome out of a text page (an HTML page's extractor already judged its blocks)."""
    if doc.source_kind == "html":
        return
    blocks = text_blocks(doc.text)
    if not blocks:
        doc.flags.append("structure: the page has no text")
        return
    lang = page_language(blocks)
    if doc.language is None:
        doc.language = lang  # provisional: the language step judges the final text
    texts = [b.text for b in blocks]
    counts = Counter(texts)
    repeats = [counts[t] for t in texts]
    feats = block_features(texts, lang)
    templated = any(r.reason == TEMPLATE_REASON for r in doc.removed)
    evidence = chrome_evidence(feats, repeats, templated)
    doc.signals["chrome_evidence"] = evidence
    if evidence < MIN_CHROME_EVIDENCE and any(f.alpha_words for f in feats):
        doc.signals["chrome_blocks"] = 0
        return  # a bare article (a page with no word at all is judged below)
    keep, scored = page_path(texts, feats, repeats)
    kept = [i for i, k in enumerate(keep) if k]
    drops = [(b, sc[1]) for b, k, sc in zip(blocks, keep, scored) if not k]
    if kept and repeated_heading(blocks, kept[0], round(scored[kept[0]][0], 3)):
        drops.append((blocks[kept[0]], TITLE_REASON))
        kept = kept[1:]
    doc.signals["chrome_blocks"] = len(drops)
    remove_blocks(doc, drops, blocks)
    if not kept:
        if any(len(b.text) > MAX_BLOCK_CHARS for b in blocks):
            doc.flags.append("structure: no text of the page's own (a block too long to be prose)")
        else:
            doc.flags.append("structure: no text of the page's own (only chrome)")


STEP = Step("chrome", remove_chrome,
            "page chrome out (navigation, share buttons, comments, related lists, footers), from text alone",
            family="structure")
