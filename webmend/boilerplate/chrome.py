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
from webmend.repair.lines import MIN_INNER_LINES, MIN_WIDTH, first_word_len, host_wrap_width, page_wrap_width, wrap_width

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


MIN_WRAPPED_SHARE = 0.5   # of the long inner lines, those of the wrapped shape (see `wrapped_width`)
MAX_WRAPPED_CHARS = MAX_BLOCK_CHARS // 2  # a longer run of wrapped lines is judged in parts
MIN_CONTINUED_SHARE = 0.25  # of the wrapped lines, those the next continues in lower case (titles, rows: none)


def _wrapped_shape(a: str, b: str, width: int) -> bool:
    """Whether line `a`, followed by `b`, ends where a text wrapped at `width`
    breaks: `a` fits and `b`'s first word would not have fitted after it."""
    return len(a) <= width <= len(a) + first_word_len(b)


def wrapped_width(lines: list[str], host_width: int | None = None) -> int | None:
    """The width a page's text is hard-wrapped at, for judging its blocks: the
    hard_wraps step's width (`lines.page_wrap_width`), or, since a paragraph
    judged whole is no edit, one shown on less evidence: lists among the
    paragraphs (lines too short to judge), German nouns starting half the
    lines. Lines of a list of titles or of a table, which nearly never go on
    in lower case (capitals, digits), never count.

    >>> import textwrap
    >>> para = "Die Regierung hat am Montag neue Regeln für die Banken des Landes beschlossen. " * 6
    >>> lines = (textwrap.fill(para, 60) + "\\n\\n1. Eins\\n2. Zwei\\n3. Drei").split("\\n")
    >>> wrapped_width(lines) is not None
    True
    >>> titles = ["Storms close schools across the region", "Markets rally as the central bank waits",
    ...           "Council votes to rebuild the old bridge", "Farmers count the cost of a dry summer",
    ...           "Museum reopens its doors after repairs", "Police appeal for witnesses to a crash",
    ...           "Minister resigns over a housing scandal"]
    >>> wrap_width(titles)[:2], wrapped_width(titles)  # six lines of the shape at 44, all before a capital
    ((44, 6), None)
    """
    width, fits, judged = wrap_width(lines)
    shown = fits >= MIN_INNER_LINES and width >= MIN_WIDTH and fits >= MIN_WRAPPED_SHARE * judged
    if shown or host_width:  # else page_wrap_width, which asks for more, finds no width either
        repair_width, _ = page_wrap_width(lines, host_width)
        if repair_width is not None:
            return repair_width
    if not shown:
        return None
    longer = wrapped = continued = 0
    for a, b in zip(lines, lines[1:]):
        if a and b:
            longer += len(a) > width
            if _wrapped_shape(a, b, width):
                wrapped += 1
                continued += b[0].isalpha() and not b[0].isupper()  # lower case, or an uncased script
    if longer > 0.1 * judged or continued < MIN_CONTINUED_SHARE * wrapped:
        return None
    return width


def wrapped_paragraphs(text: str, blocks: list[Block], host_width: int | None = None) -> list[Block]:
    """`blocks` with each hard-wrapped paragraph made one block (its lines
    joined by newlines, as they stand in the text).

    A page wrapped at a fixed width W (`lines.page_wrap_width`, or the host's
    width) breaks every paragraph into lines just under W, and a line ends
    there because the next line's first word would not have fitted. One by
    one such lines look like chrome (short, no sentence end, a chrome phrase
    cut out of a sentence: "... secondary share sale"); taken together they
    are the paragraph they were cut from. Only consecutive lines of that shape
    are joined, so a menu's short lines, which had room for the next entry,
    stay blocks of their own; so do lines of one word starting a run
    (encoded data cut at the margin), and a run longer than MAX_WRAPPED_CHARS
    is cut there.

    >>> import textwrap
    >>> para = "The river rose all night, and by dawn the whole town was under water. " * 4
    >>> text = "Home\\nNews\\n\\n" + textwrap.fill(para, 50) + "\\n\\n" + textwrap.fill(para, 50) + "\\n\\nShare"
    >>> [b.text.count("\\n") + 1 for b in wrapped_paragraphs(text, text_blocks(text))]
    [1, 1, 6, 6, 1]
    >>> import base64
    >>> data = base64.encodebytes(bytes(range(256)) * 4).decode()  # lines of 76 columns, no space
    >>> len(wrapped_paragraphs(data, text_blocks(data))) == data.count("\\n")
    True
    """
    if len(blocks) <= MIN_INNER_LINES:
        return blocks
    width = wrapped_width(text.split("\n"), host_width)
    if width is None:
        return blocks
    out: list[Block] = []
    run = [blocks[0]]
    spaced = " " in blocks[0].text  # a run starts on a line of words (encoded data has none)
    for a, b in zip(blocks, blocks[1:]):
        if (spaced and b.start == a.end + 1 and b.end - run[0].start <= MAX_WRAPPED_CHARS
                and _wrapped_shape(text[a.start:a.end], text[b.start:b.end], width)):
            run.append(b)
            continue
        out.append(run[0] if len(run) == 1 else Block(run[0].start, run[-1].end, "\n".join(x.text for x in run)))
        run = [b]
        spaced = " " in b.text
    out.append(run[0] if len(run) == 1 else Block(run[0].start, run[-1].end, "\n".join(x.text for x in run)))
    return out


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


# Reasons a block may be dropped for its shape alone: an article's own lists
# and subheadings have that shape too (and repeat: 'Photo:', 'Ingredients').
SHAPE_ONLY = frozenset({"navigation", "short text outside the article", "title-like line", "separator",
                        "repeated on the page"})


def keep_inner_runs(keep: list[bool], scored: list[tuple[float, str, float]]) -> list[bool]:
    """Keep a run of dropped blocks that lies inside the article (kept text
    before and after it) when nothing but its shape speaks against it: no
    chrome phrase, no site template, no barrier. Short unpunctuated lines
    between two paragraphs of the article are its list or its subheadings
    ('NOT SCARY / Writing a blog post / ...'), which may repeat ('Photo:');
    a menu or an advertisement inside an article brings a chrome phrase.

    >>> weak, ad = (-1.0, "navigation", 0.0), (-3.0, "advertisement", 0.0)
    >>> keep_inner_runs([True, False, False, True], [(3, "", 0), weak, weak, (3, "", 0)])
    [True, True, True, True]
    >>> keep_inner_runs([True, False, False, True], [(3, "", 0), weak, ad, (3, "", 0)])
    [True, False, False, True]
    >>> keep_inner_runs([False, True, False], [weak, (3, "", 0), weak])  # before and after: not inside
    [False, True, False]
    """
    out = list(keep)
    i, n = 0, len(keep)
    while i < n:
        if out[i]:
            i += 1
            continue
        j = i
        while j < n and not keep[j]:
            j += 1
        inside = i > 0 and j < n
        if inside and all(r in SHAPE_ONLY and b == 0 for _, r, b in scored[i:j]):
            out[i:j] = [True] * (j - i)
        i = j
    return out


LEAD_IN_SCORE = 3.0   # a paragraph this clearly prose, just before the article...
LEAD_IN_GAP = 3       # ...and at most this many shape-only blocks from it, opens the article


def keep_lead_in(keep: list[bool], scored: list[tuple[float, str, float]]) -> list[bool]:
    """Keep the paragraph that opens the article when the path began it
    later, with a table or a list: a block of clear prose (nothing against it
    but its place) that only a few shape-only blocks part from the article's
    first kept block, itself no clear prose ('Below, we analyze the snap
    counts...' / 'Defensive Line' / a table's header / the table's rows). A
    lone intro pays the path more to bridge than it brings, so the path
    leaves it out. Before an article that opens with prose, such a block is
    a standfirst or a caption ('An artist's illustration of...' / '(Image: ©
    NASA)'), and stays out.

    >>> head, intro, weak = (-4.0, "login", 2.0), (3.7, "short text outside the article", 0.0), (-3.7, "navigation", 0.0)
    >>> row, prose = (1.8, "", 0.0), (5.6, "", 0.0)
    >>> keep_lead_in([False, False, False, True], [head, intro, weak, row])
    [False, True, True, True]
    >>> keep_lead_in([False, False, False, True], [intro, head, weak, row])  # a login line between
    [False, False, False, True]
    >>> keep_lead_in([False, False, False, True], [head, intro, weak, prose])  # the article opens with prose
    [False, False, False, True]
    """
    first = next((i for i, k in enumerate(keep) if k), None)
    if not first or scored[first][0] >= LEAD_IN_SCORE:
        return keep
    i = first - 1
    while i >= 0 and first - i <= LEAD_IN_GAP and scored[i][0] < LEAD_IN_SCORE:
        s, r, b = scored[i]
        if r not in SHAPE_ONLY or b:
            return keep
        i -= 1
    if i < 0 or scored[i][0] < LEAD_IN_SCORE or scored[i][1] not in SHAPE_ONLY or scored[i][2]:
        return keep
    return keep[:i] + [True] * (first - i) + keep[first:]


LOST_LETTERS_SHARE = 0.3  # of a page's letters lost to '?', past which its blocks cannot be judged
LOST_LETTERS_SAMPLE = 100_000  # characters it is judged on (a huge page is judged by its start)
_LETTER = re.compile(r"[^\W\d_]")


def letters_lost(text: str) -> bool:
    """Whether much of a page's letters were lost to '?' (a lossy export of a
    page in another script: '???? ?????? ????.'): neither its words nor their
    shape can tell its prose from its chrome any more.

    >>> letters_lost("? ????????????? ????? ??????? ????????? ??????? ? ???? ?? ???? ???. " * 3)
    True
    >>> letters_lost("The caf? was closed? Yes, on Monday, and the na?ve owner left. " * 3)
    False
    """
    sample = text[:LOST_LETTERS_SAMPLE]
    lost = sample.count("?")
    if lost < 20:
        return False
    return lost >= LOST_LETTERS_SHARE * (lost + len(_LETTER.findall(sample)))


def remove_chrome(doc: Document, res: Resources) -> None:
    """Chrome out of a text page (an HTML page's extractor already judged its blocks)."""
    if doc.source_kind == "html":
        return
    if letters_lost(doc.text):  # do no harm: what cannot be judged stays
        doc.flags.append("structure: not judged: the page's letters were lost to '?'")
        return
    blocks = text_blocks(doc.text)
    blocks = wrapped_paragraphs(doc.text, blocks, host_wrap_width(doc, res))
    if not blocks:
        doc.flags.append("structure: the page has no text")
        return
    lang = page_language(blocks)
    if doc.language is None:
        doc.language = lang  # provisional: the language step judges the final text
    texts = [b.text.replace("\n", " ") for b in blocks]  # a wrapped paragraph judged whole
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
    keep = keep_lead_in(keep_inner_runs(keep, scored), scored)
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
