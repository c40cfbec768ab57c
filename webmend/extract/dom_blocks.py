"""HTML -> text blocks with the features the block classifier reads.

The page is parsed with lexbor (selectolax), hidden elements are removed
(found by CSS in C), and one iterative walk over the DOM, passing scripts,
styles and widgets by, cuts the text into blocks: a block is the text between two block-level
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

import numpy as np

# Elements whose whole subtree is never page text.
SKIP_TAGS = ("script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
             "canvas", "select", "button", "input", "textarea", "video", "audio", "map", "head",
             "title", "link", "meta", "source", "picture", "dialog")
SKIP_SET = frozenset(SKIP_TAGS)
BR = "\x00"  # a <br> in a block's text while it is collected (the parser drops NUL from text)

# Elements that start and end a block of text.
BLOCK_TAGS = frozenset("""p div section article main header footer nav aside li ul ol dl dt dd
h1 h2 h3 h4 h5 h6 table thead tbody tfoot tr td th caption blockquote pre figure figcaption form
fieldset legend address hr body html center details summary menu dir noframes frameset frame
hgroup output search""".split())

HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))

# Where a word of an element's class or id points to (readability's lists, split
# into groups so the classifier weighs each). Matched as substrings of the
# lowercased class+id string; each pattern a literal, with \b at its ends at
# most (they are compiled into one trie-shaped regex, `trie_regex`).
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
GROUP_NAMES = tuple(CLASS_GROUPS)


def trie_regex(alternatives: list[tuple[str, bool, bool, int]]) -> tuple[re.Pattern, list[int]]:
    """One regex for many literal alternatives, as a trie, with the matches of
    the plain alternation `a|b|c...` (at a position, the first alternative in
    the list that matches wins), but far faster: Python's regex engine skips
    a branch that starts with a literal in one step, so only the branches of
    the position's own characters are tried. `alternatives`: (literal, word
    boundary before, word boundary after, value). Returns the regex and the
    value of each of its groups (a match's `lastindex`).

    >>> rx, values = trie_regex([("nav", False, False, 1), ("navbar", False, False, 2), ("ad", True, True, 3),
    ...                          ("ads", False, False, 4)])
    >>> [values[m.lastindex] for m in rx.finditer("navbar ad ads load")]
    [1, 3, 4]
    """
    root: dict = {}
    for idx, (lit, before, after, value) in enumerate(alternatives):
        node = root
        for ch in lit:
            node = node.setdefault(ch, {})
        node.setdefault(None, []).append((idx, lit, before, after, value))

    def emit(node: dict) -> tuple[int, str, list[int]]:
        # (first alternative below, source, group values in textual order). Of
        # the branches below a node only one can match (they differ in their
        # next character) besides alternatives ending here; so trying them by
        # their first alternative keeps the alternation's priority.
        opts = []
        for ch, sub in node.items():
            if ch is None:
                for idx, lit, before, after, value in sub:
                    cond = (r"(?<=\b" + re.escape(lit) + ")" if before else "") + (r"\b" if after else "")
                    opts.append((idx, f"({cond})", [value]))
            else:
                first, src, values = emit(sub)
                opts.append((first, re.escape(ch) + src, values))
        opts.sort(key=lambda o: o[0])
        src = opts[0][1] if len(opts) == 1 else "(?:" + "|".join(o[1] for o in opts) + ")"
        return opts[0][0], src, [v for o in opts for v in o[2]]

    _, src, values = emit(root)
    return re.compile(src), [0] + values


def _group_alternatives() -> list[tuple[str, bool, bool, int]]:
    out = []
    for i, pat in enumerate(CLASS_GROUPS.values()):
        for alt in pat.split("|"):
            before, after = alt.startswith(r"\b"), alt.endswith(r"\b")
            lit = alt[2 if before else 0:len(alt) - 2 if after else None]
            if not re.fullmatch(r"[\w-]+", lit):
                raise ValueError(f"CLASS_GROUPS: {alt!r} is not a literal (with \\b at its ends at most)")
            out.append((lit, before, after, 1 << i))
    return out


# any CLASS_GROUPS pattern; the value of each group is its CLASS_GROUPS bit
_ANY_GROUP, _GROUP_BIT = trie_regex(_group_alternatives())

# Tags an ancestor can have that matter (one bit each).
ANCESTOR_TAGS = ("article", "main", "header", "footer", "nav", "aside", "figure", "table", "ul", "ol",
                 "form", "blockquote", "a", "section", "li", "dl", "h", "time", "address", "menu")
_TAG_BIT = {t: 1 << i for i, t in enumerate(ANCESTOR_TAGS)}
for _h in HEADINGS:
    _TAG_BIT[_h] = _TAG_BIT["h"]
_TAG_BIT["figcaption"] = _TAG_BIT["figure"]

# What the walk does with a node, by tag (one lookup a node): odd kinds are
# block-level (5 a heading), 2 a link, 0 inline, 7 never text, 8 text, 9 <br>.
_KIND = {t: 1 for t in BLOCK_TAGS} | {t: 5 for t in HEADINGS} | {"a": 2} | {t: 7 for t in SKIP_TAGS} | {
    "-text": 8, "br": 9, "-comment": 7}

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACES = re.compile(r"\s+")


@dataclass(slots=True)
class Block:
    """One block, as a record (a view of a BlockSet's columns, for callers
    and tests; the extractor itself reads the columns)."""

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
    """A page's blocks and block-level elements, by column (one list entry a
    block, one array row an element; elements in document order, so the
    subtree of element i is i..el_end[i])."""

    texts: list[str]
    lines: dict[int, list[str]]  # the lines of the blocks broken by <br> into several, by block
    element: list[int]  # the block's nearest block-level element
    link_chars: list[int]
    links: list[int]  # links that start in the block
    in_heading: list[bool]
    el_tags: list[str]
    el_parent: np.ndarray  # -1 for the root
    el_depth: np.ndarray
    el_tagbits: np.ndarray  # own | ancestors' ANCESTOR_TAGS bits
    el_groups: np.ndarray  # CLASS_GROUPS bits of the element's own class/id
    el_groups_up: np.ndarray  # ... of it or any ancestor
    el_end: np.ndarray  # the last element of its subtree
    title: str | None = None  # not filled by the walk; kept for callers that set it

    def __len__(self) -> int:
        return len(self.texts)

    def block_lines(self, i: int) -> list[str]:
        return self.lines.get(i) or [self.texts[i]]

    @property
    def blocks(self) -> list[Block]:
        """The blocks as records (built on each call)."""
        out, pos = [], 0
        par = self.el_parent
        for i, (t, e) in enumerate(zip(self.texts, self.element)):
            near = int(self.el_groups[e]) | (int(self.el_groups[par[e]]) if par[e] >= 0 else 0)
            out.append(Block(t, self.el_tags[e], e, int(self.el_tagbits[e]), near, int(self.el_groups_up[e]),
                             self.link_chars[i], i, pos, self.in_heading[i], self.block_lines(i), self.links[i]))
            pos += len(t)
        return out


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
                tb |= _GROUP_BIT[m.lastindex]
            if len(_GROUP_CACHE) < 200_000:
                _GROUP_CACHE[token] = tb
        bits |= tb
    if len(_CLASS_CACHE) < 100_000:
        _CLASS_CACHE[cls] = bits
    return bits


def parse(html: str, *, strip: bool = True):
    """A lexbor tree of the page, with hidden subtrees removed (unless
    `strip` is False: then call `strip_never_text` once metadata is read).
    Scripts, styles and the other SKIP_TAGS stay in the tree: the walk
    passes them by."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    if strip:
        strip_never_text(tree)
    return tree


def strip_never_text(tree, found=None) -> None:
    """Remove the elements hidden by the `hidden` attribute, aria-hidden or
    an inline display:none / visibility:hidden (found by CSS in C, checked
    here), and the widespread conventions for text meant for screen readers
    only or for editors (Bootstrap's sr-only, WordPress's screen-reader-text,
    MediaWiki's [edit] links). Scripts, styles and widgets (SKIP_TAGS) are
    not removed: `walk_blocks` skips them, which costs less. `found`: the
    matches of a query that included NEVER_TEXT_SELECTOR (others are checked
    and kept), instead of querying again."""
    if found is None:
        try:
            found = tree.css(NEVER_TEXT_SELECTOR)
        except Exception:  # selector engine trouble on odd markup: keep everything
            return
    # Last first: a match inside another is removed before its ancestor, so
    # no removed (freed) node is ever touched again.
    for node in reversed(found):
        tag = node.tag
        if tag in SKIP_SET or tag == "html" or tag == "body":  # never walked anyway (or never removed)
            continue
        attrs = node.attributes
        classes = set((attrs.get("class") or "").split())
        if (classes & NEVER_TEXT_CLASSES or "hidden" in attrs or attrs.get("aria-hidden") == "true"
                or _HIDDEN_STYLE.search(attrs.get("style") or "")):
            node.decompose()

NEVER_TEXT_CLASSES = frozenset({"sr-only", "visually-hidden", "screen-reader-text", "mw-editsection"})
NEVER_TEXT_SELECTOR = ", ".join([f".{c}" for c in sorted(NEVER_TEXT_CLASSES)] + [
    "[hidden]", '[aria-hidden="true"]', '[style*="none"]', '[style*="hidden"]'])
_GROUP_CACHE: dict[str, int] = {}
_CLASS_CACHE: dict[str, int] = {}


def walk_blocks(html_or_tree) -> BlockSet:
    """Cut a page into text blocks (see the module docstring).

    The per-node work is kept small (this loop is most of the extractor's
    Python time): never-text subtrees are skipped here rather than removed
    first, an element's class/id is read only for block-level elements, and
    blocks and elements are collected as tuples and columns, not objects."""
    tree = parse(html_or_tree) if isinstance(html_or_tree, str) else html_or_tree
    root = tree.body or tree.root
    e_tags = ["body"]
    e_rows = [(-1, 0, 0, 0, 0)]  # parent, depth, tagbits, groups, groups_up
    e_end = [0]
    texts: list[str] = []
    lines_of: dict[int, list[str]] = {}
    b_el: list[int] = []
    b_link: list[int] = []
    b_links: list[int] = []
    b_head: list[bool] = []
    if root is None:
        return _block_set(texts, lines_of, b_el, b_link, b_links, b_head, e_tags, e_rows, e_end)

    parts: list[str] = []
    link_chars = n_links = in_link = heading_depth = 0
    # the current block-level element: (index, tagbits, groups, groups_up, depth)
    cur = (0, 0, 0, 0, 0)
    block_stack = [cur]

    def flush() -> None:
        nonlocal link_chars, n_links
        raw = "".join(parts)
        parts.clear()
        if BR in raw:
            lines = [ln for ln in (" ".join(part.split()) for part in raw.split(BR)) if ln]
            text = " ".join(lines)
            if len(lines) < 2:
                lines = None
        else:
            text = " ".join(raw.split())
            lines = None
        if text:
            if lines:
                lines_of[len(texts)] = lines
            texts.append(text)
            b_el.append(cur[0])
            b_link.append(min(link_chars, len(text)))
            b_links.append(n_links)
            b_head.append(heading_depth > 0)
        link_chars = n_links = 0

    # the walk: enter a node, descend into its children, leave it when its
    # subtree is done; `kind` bits of an entered element: 1 block, 2 link, 4 heading
    stack: list[tuple[object, int]] = []
    node = root.child
    while node is not None:
        tag = node.tag
        k = _KIND.get(tag, 0)
        if k == 8:
            t = node.text_content
            if t and (parts or not t.isspace()):
                parts.append(t)
                if in_link:
                    link_chars += len(t.strip())
        elif k == 9:
            parts.append(BR)
        elif k < 6 and (k or (tag and tag[0] not in "-_!")):
            child = node.child
            if child is not None and k and child.tag in SKIP_SET:
                child = _first_kept(child)  # an element with nothing but scripts, icons ... is empty
            if child is not None:
                if k & 1:
                    kind = k
                    if parts:
                        flush()
                    pi, pbits, _, pup, pdepth = cur
                    attrs = node.attributes
                    g = 0
                    if attrs:
                        cls = ((attrs.get("class") or "") + " " + (attrs.get("id") or "")).lower()
                        if len(cls) > 1:
                            g = _CLASS_CACHE.get(cls)
                            if g is None:
                                g = _class_groups(cls)
                    ei = len(e_tags)
                    bits = pbits | _TAG_BIT.get(tag, 0)
                    cur = (ei, bits, g, pup | g, pdepth + 1)
                    e_tags.append(tag)
                    e_rows.append((pi, pdepth + 1, bits, g, pup | g))
                    e_end.append(ei)
                    block_stack.append(cur)
                    if k == 5:
                        heading_depth += 1
                elif k == 2:
                    kind = 2
                    in_link += 1
                    n_links += 1
                else:
                    kind = 0
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
                    e_end[cur[0]] = len(e_tags) - 1
                    block_stack.pop()
                    cur = block_stack[-1]
                    if kind & 4:
                        heading_depth -= 1
                else:
                    in_link -= 1
            nxt = node.next
        node = nxt
    if parts:
        flush()
    e_end[0] = len(e_tags) - 1
    return _block_set(texts, lines_of, b_el, b_link, b_links, b_head, e_tags, e_rows, e_end)


def _first_kept(node):
    """`node` or its first later sibling that is not a SKIP_TAGS element (None if none)."""
    while node is not None and node.tag in SKIP_SET:
        node = node.next
    return node


def _block_set(texts, lines_of, b_el, b_link, b_links, b_head, e_tags, e_rows, e_end) -> BlockSet:
    cols = np.array(e_rows, dtype=np.int64).reshape(-1, 5)
    return BlockSet(texts, lines_of, b_el, b_link, b_links, b_head, e_tags, cols[:, 0], cols[:, 1], cols[:, 2],
                    cols[:, 3], cols[:, 4], np.array(e_end, dtype=np.int64))
