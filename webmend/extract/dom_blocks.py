"""HTML -> text blocks with the features the block classifier reads.

The page is parsed with lexbor (selectolax), cheap junk (scripts, styles,
forms' widgets, hidden elements) is dropped in C, and one iterative walk over
the DOM cuts the text into blocks: a block is the text between two block-level
boundaries (a paragraph, a heading, a list item, a table cell, a div's loose
text ...). Each block keeps what a reader would judge it by: its tag and its
ancestors' tags, the class/id words of its ancestors (nav, comment, share ...),
how much of it is link text, and where it sits on the page. `container_scores`
then finds where the page's running prose is concentrated, readability-style,
so the classifier knows which blocks sit inside the main article.

The walk is iterative (no recursion limit on deeply nested pages) and linear
in the number of nodes.

>>> bs = walk_blocks("<body><nav><a href=/>Home</a></nav><p>Some <b>real</b> text.</p></body>")
>>> [(b.text, b.tag, b.link_chars) for b in bs.blocks]
[('Home', 'nav', 4), ('Some real text.', 'p', 0)]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Elements whose whole subtree is never page text.
SKIP_TAGS = ("script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
             "canvas", "select", "button", "input", "textarea", "video", "audio", "map", "head",
             "title", "link", "meta", "source", "picture", "dialog")

# Elements that start and end a block of text.
BLOCK_TAGS = frozenset("""p div section article main header footer nav aside li ul ol dl dt dd
h1 h2 h3 h4 h5 h6 table thead tbody tfoot tr td th caption blockquote pre figure figcaption form
fieldset legend address hr body html center details summary menu dir noframes frameset frame
hgroup output search""".split())

HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))

# Where a word of an element's class or id points to (readability's lists, split
# into groups so the classifier weighs each). Matched as substrings of the
# lowercased class+id string.
CLASS_GROUPS: dict[str, str] = {
    "nav": r"nav|menu|breadcrumb|skip|toolbar|masthead|topbar|pagination|pager",
    "footer": r"footer|copyright|legal|colophon",
    "header": r"header|banner|branding|logo",
    "side": r"sidebar|side-|aside|widget|rail|column",
    "comment": r"comment|disqus|discuss|reply|respond|forum",
    "share": r"share|social|sharing|facebook|twitter|tweet|whatsapp|linkedin|pinterest|email|print",
    "related": r"related|recommend|more-|popular|trending|outbrain|taboola|also|next|prev|teaser|promo|read-more|readmore|storylist|feed",
    "ad": r"\bad\b|ads|advert|sponsor|dfp|gpt|banner-ad|commercial|doubleclick|affiliate",
    "subscribe": r"newsletter|subscri|signup|sign-up|paywall|register|login|modal|popup|cookie|consent|gdpr",
    "meta": r"byline|author|dateline|timestamp|date|time|meta|kicker|eyebrow|label",
    "caption": r"caption|credit|figure|photo|image|img|media|gallery|video|slideshow",
    "tags": r"tags|tag-|keyword|topic|categor",
    "hidden": r"hidden|sr-only|visually-hidden|screen-reader|offscreen|collapse",
    "title": r"title|headline|heading|hed\b",
    "summary": r"summary|dek|standfirst|excerpt|intro|lede|subhead|description",
    "article": r"article|story|entry|post|blog|hentry",
    "body": r"body|content|text|prose|richtext|rich-text|paragraph|copy|main",
    "list": r"list|card|item|grid|tile",
}
_GROUP_RES = [(name, re.compile(pat)) for name, pat in CLASS_GROUPS.items()]
_ANY_GROUP = re.compile("|".join(f"(?P<g{i}>{pat})" for i, pat in enumerate(CLASS_GROUPS.values())))
GROUP_NAMES = tuple(CLASS_GROUPS)

# Tags an ancestor can have that matter (one bit each).
ANCESTOR_TAGS = ("article", "main", "header", "footer", "nav", "aside", "figure", "table", "ul", "ol",
                 "form", "blockquote", "a", "section", "li", "dl", "h", "time", "address", "menu")
_TAG_BIT = {t: 1 << i for i, t in enumerate(ANCESTOR_TAGS)}
for _h in HEADINGS:
    _TAG_BIT[_h] = _TAG_BIT["h"]
_TAG_BIT["figcaption"] = _TAG_BIT["figure"]

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACES = re.compile(r"\s+")


@dataclass(slots=True)
class Element:
    """An element on the walk's stack (kept for container scoring)."""

    tag: str
    parent: int  # index of the parent Element, -1 for the root
    depth: int
    tagbits: int  # own | ancestors' ANCESTOR_TAGS bits
    groups: int  # bits of CLASS_GROUPS matched by this element's own class/id
    groups_up: int  # bits matched by it or any ancestor
    first_block: int = -1
    last_block: int = -1
    score: float = 0.0  # readability-style prose score collected from blocks below


@dataclass(slots=True)
class Block:
    text: str
    tag: str  # nearest block-level ancestor's tag
    element: int  # index of that element
    tagbits: int
    groups_near: int  # class/id groups of the nearest block element and its parent
    groups_up: int
    link_chars: int
    index: int = 0
    char_pos: int = 0
    in_heading: bool = False
    lines: list[str] = field(default_factory=list)
    links: int = 0  # links that start in the block


@dataclass
class BlockSet:
    blocks: list[Block]
    elements: list[Element]
    title: str | None = None  # not filled by the walk; kept for callers that set it


def _class_groups(cls: str) -> int:
    """Bits of the CLASS_GROUPS that the words of a class/id string match
    (each word's bits memoised: class words repeat across a site's pages)."""
    bits = _CLASS_CACHE.get(cls)
    if bits is not None:
        return bits
    bits = 0
    for token in cls.split():
        tb = _GROUP_CACHE.get(token)
        if tb is None:
            tb = 0
            for m in _ANY_GROUP.finditer(token):  # one scan; overlapping matches are rare
                tb |= 1 << int(m.lastgroup[1:])
            if len(_GROUP_CACHE) < 200_000:
                _GROUP_CACHE[token] = tb
        bits |= tb
    if len(_CLASS_CACHE) < 100_000:
        _CLASS_CACHE[cls] = bits
    return bits


def parse(html: str, *, strip: bool = True):
    """A lexbor tree of the page, with never-text subtrees removed (unless
    `strip` is False: then call `strip_never_text` once metadata is read)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    if strip:
        strip_never_text(tree)
    return tree


def strip_never_text(tree) -> None:
    """Remove scripts, styles, widgets and other subtrees that are never text,
    and elements hidden by the `hidden` attribute, aria-hidden or an inline
    display:none / visibility:hidden (found by CSS in C, checked here), and
    the widespread conventions for text meant for screen readers only or for
    editors (Bootstrap's sr-only, WordPress's screen-reader-text, MediaWiki's
    [edit] links)."""
    tree.strip_tags(list(SKIP_TAGS))  # in C, faster than one query and a Python loop over the matches
    try:
        found = tree.css(_NEVER_TEXT_SELECTOR)
    except Exception:  # selector engine trouble on odd markup: keep everything
        return
    # Last first: a match inside another is removed before its ancestor, so
    # no removed (freed) node is ever touched again.
    for node in reversed(found):
        if node.tag in ("html", "body"):
            continue
        attrs = node.attributes
        classes = set((attrs.get("class") or "").split())
        if (classes & NEVER_TEXT_CLASSES or "hidden" in attrs or attrs.get("aria-hidden") == "true"
                or _HIDDEN_STYLE.search(attrs.get("style") or "")):
            node.decompose()

NEVER_TEXT_CLASSES = frozenset({"sr-only", "visually-hidden", "screen-reader-text", "mw-editsection"})
_NEVER_TEXT_SELECTOR = ", ".join([f".{c}" for c in sorted(NEVER_TEXT_CLASSES)] + [
    "[hidden]", '[aria-hidden="true"]', '[style*="none"]', '[style*="hidden"]'])
_GROUP_CACHE: dict[str, int] = {}
_CLASS_CACHE: dict[str, int] = {}


def walk_blocks(html_or_tree) -> BlockSet:
    """Cut a page into text blocks (see the module docstring)."""
    tree = parse(html_or_tree) if isinstance(html_or_tree, str) else html_or_tree
    title = None
    root = tree.body or tree.root
    blocks: list[Block] = []
    elements: list[Element] = [Element("body", -1, 0, 0, 0, 0)]
    if root is None:
        return BlockSet(blocks, elements, title)

    parts: list[str] = []
    link_chars = 0
    n_links = 0
    in_link = 0
    heading_depth = 0
    # stack entries: (node, element index or -1 for inline, was_link)
    block_stack: list[int] = [0]
    char_pos = 0

    def flush() -> None:
        nonlocal parts, link_chars, char_pos, n_links
        if not parts:
            return
        raw = "".join(parts)
        parts = []
        lines = [" ".join(ln.split()) for ln in raw.split("\n")] if "\n" in raw else [" ".join(raw.split())]
        lines = [ln for ln in lines if ln]
        lc, nl = link_chars, n_links
        link_chars = n_links = 0
        if not lines:
            return
        text = " ".join(lines)
        ei = block_stack[-1]
        el = elements[ei]
        parent_groups = elements[el.parent].groups if el.parent >= 0 else 0
        b = Block(text, el.tag, ei, el.tagbits, el.groups | parent_groups, el.groups_up,
                  min(lc, len(text)), len(blocks), char_pos, heading_depth > 0, lines, nl)
        char_pos += len(text)
        if el.first_block < 0:
            el.first_block = b.index
        el.last_block = b.index
        blocks.append(b)

    # the walk: enter a node, descend into its children, leave it when its
    # subtree is done; `kind` bits of an entered element: 1 block, 2 link, 4 heading
    stack: list[tuple[object, int]] = []
    node = root.child
    while node is not None:
        tag = node.tag
        if tag == "-text":
            t = node.text_content
            if t and (parts or not t.isspace()):
                parts.append(t.replace("\n", " "))
                if in_link:
                    link_chars += len(t.strip())
        elif tag == "br":
            parts.append("\n")
        elif tag and tag[0] not in "-_!":
            child = node.child
            if child is not None:
                kind = 0
                if tag in BLOCK_TAGS:
                    kind = 1
                    if parts:
                        flush()
                    pi = block_stack[-1]
                    parent = elements[pi]
                    attrs = node.attributes
                    g = 0
                    if attrs:
                        cls = ((attrs.get("class") or "") + " " + (attrs.get("id") or "")).lower()
                        if len(cls) > 1:
                            g = _CLASS_CACHE.get(cls)
                            if g is None:
                                g = _class_groups(cls)
                    elements.append(Element(tag, pi, parent.depth + 1, parent.tagbits | _TAG_BIT.get(tag, 0),
                                            g, parent.groups_up | g))
                    block_stack.append(len(elements) - 1)
                    if tag in HEADINGS:
                        kind |= 4
                        heading_depth += 1
                elif tag == "a":
                    kind = 2
                    in_link += 1
                    n_links += 1
                stack.append((node, kind))
                node = child
                continue
        nxt = node.next
        while nxt is None and stack:  # leave finished elements upwards
            node, kind = stack.pop()
            if kind:
                if kind & 1:
                    if parts:
                        flush()
                    block_stack.pop()
                if kind & 2:
                    in_link -= 1
                if kind & 4:
                    heading_depth -= 1
            nxt = node.next
        node = nxt
    flush()
    return BlockSet(blocks, elements, title)
