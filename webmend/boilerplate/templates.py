"""The `templates` step: lines a site repeats on many of its pages are its chrome.

First pass (`observe`): each page adds a hash of each of its distinct lines to
its host's counter (8 bytes a line, never the text; at most `MAX_LINES_PER_PAGE`
lines a page, and the host's counter is pruned to its most frequent
`MAX_HASHES_PER_HOST` entries, so memory is bounded however many pages a host
has). Second pass (`run`): a line found on at least `MIN_SHARE` of the host's
pages (and on `MIN_PAGES` pages or more) is removed as a site template, unless
it is the page's own heading: the last template line right above the page's
first paragraph, a heading the site may well share between pages (a series,
a thread's pages).

The template lines also frame the page: its own text is the longest stretch
between them. A stretch outside it with no paragraph of prose (the related
titles a site shows between its share buttons and its footer, which change
from page to page and so are not templates themselves) goes too, as
`FRAME_REASON`.
"""
from __future__ import annotations

import zlib

from webmend.boilerplate.blocks import Block, remove_blocks, text_blocks
from webmend.boilerplate.features import features_of
from webmend.document import Document
from webmend.pipeline import HostStats, Resources, Step

COUNTER = "structure.line_hashes"
MAX_LINES_PER_PAGE = 1000
MAX_LINE_CHARS = 1000         # longer lines are paragraphs; a site does not repeat them
MAX_HASHES_PER_HOST = 20_000
MIN_PAGES = 3
MIN_SHARE = 0.3
HEADING_MAX_WORDS = 25
PARAGRAPH_MIN_WORDS = 12
FRAME_SHARE, FRAME_MIN_PAGES = 0.9, 5  # a line on this share of a host's pages (of 5+) is its frame
TEMPLATE_REASON = "site template"
FRAME_REASON = "outside the site template's frame"


def line_hash(text: str) -> int:
    """A stable 64-bit hash of a line, blind to case and spacing (two 32-bit
    checksums side by side: stable across processes and runs, unlike hash()).

    >>> line_hash("Share  this") == line_hash("share this"), line_hash("a") == line_hash("b")
    (True, False)
    """
    key = " ".join(text.lower().split()).encode("utf-8", "surrogatepass")
    return zlib.crc32(key) << 32 | zlib.adler32(key)


def _page_hashes(doc: Document) -> set[int]:
    """`line_hash` of each distinct line of a page (each of at most
    MAX_LINE_CHARS; the first MAX_LINES_PER_PAGE of them on a longer page), the
    page lowercased at once (a line lowercases alone as it does in its page)."""
    text = doc.text
    distinct = dict(zip(text.split("\n"), text.lower().split("\n")))  # line -> lowercased, in page order
    out: set[int] = set()
    for line, low in distinct.items():
        if len(line) > MAX_LINE_CHARS and len(line.strip()) > MAX_LINE_CHARS:
            continue
        key = low.strip()
        if not key:
            continue
        if not key.isprintable() or "  " in key:  # else no space to fold: the only printable one is " "
            key = " ".join(key.split())
        raw = key.encode("utf-8", "surrogatepass")
        out.add(zlib.crc32(raw) << 32 | zlib.adler32(raw))
        if len(out) >= MAX_LINES_PER_PAGE:
            break
    return out


HostStats.caps[COUNTER] = MAX_HASHES_PER_HOST  # pooled counts stay bounded when merged


def observe_lines(doc: Document, stats: HostStats) -> None:
    """First pass: count the page's distinct lines for its host (text pages)."""
    if doc.source_kind != "html":
        stats.add(COUNTER, _page_hashes(doc))


def template_lines(doc: Document, stats: HostStats | None,
                   blocks: list[Block] | None = None) -> list[tuple[Block, int]]:
    """The page's lines that are its host's template, with the pages they are on
    (`blocks`: the text's blocks, if the caller has them)."""
    if stats is None or stats.pages < MIN_PAGES:
        return []
    c = stats.counters.get(COUNTER)
    if not c:
        return []
    need = max(MIN_PAGES, MIN_SHARE * stats.pages)
    out = []
    for b in blocks if blocks is not None else text_blocks(doc.text):
        if len(b.text) <= MAX_LINE_CHARS:
            n = c.get(line_hash(b.text), 0)
            if n >= need:
                out.append((b, n))
    return out


def _own_heading(blocks: list[Block], templates: list[tuple[Block, int]], lang: str | None,
                 pages: int = 0) -> Block | None:
    """The template line that heads the page's first paragraph of its own, if
    any: a heading some of the host's pages share (a series, a thread's
    pages). A line on (nearly) every page of a host of `pages` is its frame's
    (a section label, 'Business'), never the heading: the heading is the last
    template line above the paragraph that is no frame line."""
    on_pages = {b.start: n for b, n in templates}
    above: list[Block] = []  # the template lines before the first paragraph
    for b in blocks:
        if b.start in on_pages:
            above.append(b)
            continue
        f = features_of(b.text, lang)
        if f.words >= PARAGRAPH_MIN_WORDS and f.end_punct:
            break
    else:
        return None
    frame = FRAME_SHARE * pages if pages >= FRAME_MIN_PAGES else float("inf")
    heading = next((b for b in reversed(above) if on_pages[b.start] < frame), None)
    if heading is None:
        return None
    f = features_of(heading.text, lang)
    if f.words <= HEADING_MAX_WORDS and not f.chrome and not f.end_punct:
        return heading
    return None


TITLE_MAX_CHARS = 150  # a related title is shorter; prose longer than this is a paragraph


def holds_text(stretch: list[Block], lang: str | None) -> bool:
    """Whether a stretch of blocks outside the page's own holds text of the
    page: a prose paragraph longer than a title (or of two sentences), or
    prose in most of its blocks. A list of related titles may hold one that
    reads as a sentence ('LOS ANGELES (AP) — To LeBron James, triple-doubles
    are not a goal.') among others cut short or unpunctuated; it is a list.

    >>> bs = text_blocks("A title that reads as a whole sentence of twelve words, with its stop.\\n"
    ...                  "Another title cut short at the site's limit of eighty cha")
    >>> holds_text(bs, "en"), holds_text(bs[:1], "en")
    (False, True)
    """
    prose = 0
    for b in stretch:
        f = features_of(b.text, lang)
        if f.words >= PARAGRAPH_MIN_WORDS and f.end_punct:
            if len(b.text) > TITLE_MAX_CHARS or f.sentences >= 2:
                return True
            prose += 1
    return 2 * prose > len(stretch)


def outside_frame(blocks: list[Block], template_starts: set[int], lang: str | None) -> list[Block]:
    """Blocks of the stretches between template lines other than the page's own
    (the stretch with the most text), when a stretch holds no text of the
    page (`holds_text`).

    >>> bs = text_blocks("Menu\\nThe article's one long paragraph, with enough words to count as prose here.\\n"
    ...                  "Share\\nAnother story's title\\nFooter")
    >>> [b.text for b in outside_frame(bs, {bs[0].start, bs[2].start, bs[4].start}, "en")]
    ["Another story's title"]
    """
    stretches: list[list[Block]] = [[]]
    for b in blocks:
        if b.start in template_starts:
            if stretches[-1]:
                stretches.append([])
        else:
            stretches[-1].append(b)
    stretches = [s for s in stretches if s]
    if len(stretches) < 2:
        return []
    own = max(stretches, key=lambda s: sum(len(b.text) for b in s))
    return [b for s in stretches if s is not own and not holds_text(s, lang) for b in s]


def remove_templates(doc: Document, res: Resources) -> None:
    """Site-template lines out of a text page (HTML pages are left to their extractor)."""
    if doc.source_kind == "html":
        return
    stats = res.host_stats(doc)
    if stats is None or stats.pages < MIN_PAGES:
        return
    blocks = text_blocks(doc.text)
    templates = template_lines(doc, stats, blocks)
    if not templates:
        return
    heading = _own_heading(blocks, templates, doc.language, stats.pages)
    drops = [(b, TEMPLATE_REASON) for b, n in templates if heading is None or b.start != heading.start]
    doc.signals["template_lines"] = len(drops)
    framed = outside_frame(blocks, {b.start for b, _ in drops}, doc.language)
    remove_blocks(doc, drops + [(b, FRAME_REASON) for b in framed], blocks)


STEP = Step("templates", remove_templates,
            "lines the site repeats on many of its pages (counted in a first pass, as hashes) removed",
            family="structure", observe=observe_lines)
