"""Broken lines: hard-wrapped paragraphs, and paragraphs split by a page break.

Hard wraps. A text wrapped at a fixed width W has a tell-tale line shape: each
line inside a paragraph is at most W long, and the next line's first word would
not have fitted after it (len(line) + 1 + len(next word) > W). The page's W is
the width at which most of its inner lines have that shape (found in one sweep
over the line lengths); a host whose pages are all wrapped at one width lends
it to a page too short to show it. Only lines of that shape are joined, so
lists, headings, poems and addresses (short lines that would have had room for
the next word) keep their breaks.

Page breaks. A paragraph cut in two by a print page break ('some\\n\\ncomrades',
'incident at\\n\\nLake Khasan') is rejoined when the first part ends without
any punctuation and either the second part starts with a lower-case word, or
the first part ends on a very frequent word that this page never lets end a
sentence ('at', 'the').
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from itertools import repeat

import numpy as np

from webmend.document import Change, Document
from webmend.pipeline import HostStats, Resources, Step, observed
from webmend.repair.page_words import never_ends_sentence, page_lexicon

MIN_INNER_LINES = 5
MIN_SHARE = 0.75
MIN_WIDTH = 30
LONG_SHARE = 0.6         # lines shorter than this share of the width are not judged
MAX_CAPITAL_SHARE = 0.5  # wrapped prose continues mostly in lower case; verse and lists do not
_LIST_MARK = re.compile(r"(?:[-*•·▪◦>#|+]|\d{1,3}[.)]|[A-Za-z][.)]|\(\w{1,3}\))(?:\s|$)")
_BULLET = re.compile(r"(?:[-*•·▪◦>#|+]|\d{1,3}[.)])(?:\s|$)")  # what starts a list item in wrapped text
_URL_START = re.compile(r"(?:https?://|www\.|@|#)", re.IGNORECASE)


def _inner_breaks(text: str) -> int:
    """About how many line breaks fall inside paragraphs (cheap: two counts).

    >>> _inner_breaks("a\\nb\\nc\\n\\nd")
    2
    """
    return text.count("\n") - 2 * text.count("\n\n")


def first_word_len(line: str) -> int:
    i = line.find(" ")
    return len(line) if i < 0 else i


def wrap_width(lines: list[str], *, width: int | None = None, indents: list[int] | None = None) -> tuple[int, int, int]:
    """(W, lines with the wrapped shape at W, lines long enough to judge at W).

    An inner line (a non-blank line followed by a non-blank one) has the
    wrapped shape at W when len <= W < len + 1 + len(first word of the next
    line). Lines shorter than LONG_SHARE * W are not judged: at that width
    they are real breaks (a table row, a short list item), not wraps. With
    `width` given, counts at that width; otherwise picks the width where the
    shape holds for the most lines while covering at least MIN_SHARE of the
    judged ones (the widest of equals: the strictest for short lines).

    >>> import textwrap
    >>> text = "The soldiers crossed the river at night and waited for the dawn. " * 8
    >>> w, fits, judged = wrap_width(textwrap.fill(text, 40).split("\\n")); (w >= 40, fits == judged)
    (True, True)
    >>> wrap_width(["Roses are red", "violets are blue", "sugar is sweet", "and so are you"])
    (17, 3, 3)

    Which is why `page_wrap_width` asks for more than the shape (see there).
    """
    lo, hi = _spans(lines, indents)  # W in [la, la + nxt] for each inner line
    if not len(lo):
        return 0, 0, 0
    if width is not None:
        floor = LONG_SHARE * width
        return width, int(((lo <= width) & (width <= hi)).sum()), int((lo >= floor).sum())
    if hi.max() > 100_000:  # a huge line: not a wrapped page
        return 0, 0, len(lo)
    # The number of spans covering W (`run`) is constant between events; within
    # such a stretch the judged lines only get fewer as W grows, so its widest W
    # is the one the sweep over every width would keep: only those are tried,
    # all at once.
    events = np.unique(np.concatenate([lo, hi + 1]))
    lo_sorted, ends_sorted = np.sort(lo), np.sort(hi + 1)
    starts, w = events[:-1], events[1:] - 1  # each stretch [start, next event), and its widest W
    run = np.searchsorted(lo_sorted, starts, "right") - np.searchsorted(ends_sorted, starts, "right")
    judged = len(lo) - np.searchsorted(lo_sorted, np.ceil(LONG_SHARE * w), "left")
    for mask in ((run > 0) & (run >= MIN_SHARE * judged), run > 0):  # the best, else the fallback
        idx = np.flatnonzero(mask)
        if len(idx):
            i = idx[len(idx) - 1 - int(np.argmax(run[idx][::-1]))]  # the most lines; of equals, the widest
            return int(w[i]), int(run[i]), int(judged[i])
    return 0, 0, 0


def _spans(lines: list[str], indents: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """For each inner line (a non-blank line followed by a non-blank one): its
    printed length (with its indent, see `line_indents`), and that plus the
    next line's first word (in C: the lengths and first spaces of all lines
    at once). Before a line that starts a paragraph by its indent
    (`paragraph_starts`), a line is no inner line.

    >>> [a.tolist() for a in _spans(["ab cd", "efg h", "", "x"])]
    [[5], [8]]
    >>> [a.tolist() for a in _spans(["ab cd", "efg h", "ij", "x"], [4, 0, 0, 2])]
    [[9, 5], [12, 7]]
    """
    lens = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    first = np.fromiter(map(str.find, lines, repeat(" ")), dtype=np.int64, count=len(lines))
    first = np.where(first < 0, lens, first)
    inner = (lens[:-1] > 0) & (lens[1:] > 0)
    if indents is not None:
        inner &= ~np.asarray(paragraph_starts(lines, indents)[1:], dtype=bool)
        lens = lens + np.asarray(indents, dtype=np.int64)
    lo = lens[:-1][inner]
    return lo, lo + first[1:][inner]


def _pairs(lines: list[str], indents: list[int] | None):
    """(printed length of a, a, b) for each inner line a and the line b after it."""
    ind = indents or repeat(0)
    starts = paragraph_starts(lines, indents)[1:] if indents else repeat(False)
    for a, b, i, start in zip(lines, lines[1:], ind, starts):
        if a and b and not start:
            yield i + len(a), a, b


def _longer_than(lines: list[str], width: int, indents: list[int] | None = None) -> int:
    return sum(1 for la, _, _ in _pairs(lines, indents) if la > width)


def _capital_share(lines: list[str], width: int, indents: list[int] | None = None) -> float:
    """Among lines of the wrapped shape at `width`, the share whose next line
    starts with a capital letter (high for verse and lists, low for prose)."""
    n = caps = 0
    for la, _, b in _pairs(lines, indents):
        if la <= width <= la + first_word_len(b):
            n += 1
            caps += b[0].isupper()
    return caps / n if n else 1.0


_WORD_START = re.compile(r"(?<![^\W\d_])[^\W\d_]")
CAPITAL_MARGIN = 0.3  # line starts may be capitalised this much more often than the page's words are


def _capital_limit(lines: list[str]) -> float:
    """How often the lines of wrapped prose may start with a capital: a line
    starts on any word, so a page of names (news: 'Blossom\\nMusic Center',
    'Tom Johnston,\\nPatrick Simmons') starts more of them capitalised; verse
    and lists start nearly all.

    >>> round(_capital_limit(["Roses are red", "violets are blue"]), 2), round(_capital_limit(["Tom Johnston and Patrick Simmons met at the show"]), 2)
    (0.5, 0.74)
    """
    starts = _WORD_START.findall("\n".join(lines))
    share = sum(ch.isupper() for ch in starts) / len(starts) if starts else 0.0
    return max(MAX_CAPITAL_SHARE, share + CAPITAL_MARGIN)


def own_wrap_width(lines: list[str], indents: list[int] | None = None) -> tuple[int | None, str]:
    """The width the page's own lines show it was wrapped at, or None; and the evidence.

    >>> own_wrap_width(["Roses are red", "violets are blue", "sugar is sweet", "and so are you"])
    (None, '')
    """
    w, fits, judged = wrap_width(lines, indents=indents)
    if (fits >= MIN_INNER_LINES and w >= MIN_WIDTH and fits >= MIN_SHARE * judged
            and _longer_than(lines, w, indents) <= 0.1 * judged
            and _capital_share(lines, w, indents) <= _capital_limit(lines)):
        return w, f"{fits} of {judged} long inner lines wrapped at {w}"
    return None, ""


def page_wrap_width(lines: list[str], host_width: int | None = None,
                    own: tuple[int | None, str] | None = None,
                    indents: list[int] | None = None) -> tuple[int | None, str]:
    """The width the page was wrapped at, or None; and the evidence: its own
    (`own_wrap_width`, unless given as `own`), else its host's when its lines
    fit that too.

    >>> page_wrap_width(["Roses are red", "violets are blue", "sugar is sweet", "and so are you"])
    (None, '')
    """
    own = own or own_wrap_width(lines, indents)
    if own[0] is not None:
        return own
    if host_width:
        _, fits, judged = wrap_width(lines, width=host_width, indents=indents)
        if (fits >= 2 and fits >= 0.5 * judged and _longer_than(lines, host_width, indents) <= 0.1 * judged
                and _capital_share(lines, host_width, indents) <= _capital_limit(lines)):
            return host_width, f"host wraps at {host_width}; {fits} of {judged} long inner lines here"
    return None, ""


def find_wrap_joins(text: str, host_width: int | None = None,
                    own: tuple[int | None, str] | None = None,
                    indents: list[int] | None = None) -> tuple[list[Change], int | None, str]:
    """Changes joining the hard-wrapped lines of `text` (`own`: its own wrap
    width and evidence when known, see `own_wrap_width`; `indents`: how far
    each line was indented, see `line_indents`).

    >>> import textwrap
    >>> para = "The soldiers crossed the well-known river at night, and they waited there for dawn. " * 6
    >>> wrapped = textwrap.fill(para.strip(), 50) + "\\n\\nA list:\\n- one\\n- two"
    >>> changes, w, _ = find_wrap_joins(wrapped)
    >>> w >= 50, all(c.after in (" ", "") for c in changes), len(changes) == wrapped.split("\\n\\n")[0].count("\\n")
    (True, True, True)
    """
    if _inner_breaks(text) < (2 if host_width else MIN_INNER_LINES) or (own and own[0] is None and not host_width):
        return [], None, ""
    lines = text.split("\n")
    width, evidence = page_wrap_width(lines, host_width, own, indents)
    if width is None:
        return [], None, ""
    changes = []
    pos = 0
    starts = paragraph_starts(lines, indents) if indents else None
    for k, (a, b) in enumerate(zip(lines, lines[1:])):
        nl = pos + len(a)
        pos = nl + 1
        if not (a and b):
            continue
        la = len(a)
        if starts:
            if starts[k + 1]:  # a paragraph starts: its break is one
                if not _LIST_MARK.match(b):
                    changes.append(Change(nl, nl + 1, "\n\n", kind="paragraph_break",
                                          evidence=f"{evidence}; the line after it indented"))
                continue
            la += indents[k]
        nxt = first_word_len(b)
        if not la <= width <= la + nxt or _BULLET.match(b):
            continue
        if len(a) >= 2 and a[-1] == "-" and a[-2].isalpha() and b[0].isalpha():
            sep = ""  # a word broken at its hyphen: keep it, hyphenation decides
        elif la == width and len(a) - (a.rfind(" ") + 1) + nxt > width:
            sep = ""  # a word too long for any line, cut at the margin
        else:
            sep = " "
        changes.append(Change(nl, nl + 1, sep, kind="line_join", evidence=evidence))
    return changes, width, evidence


def paragraph_starts(lines: list[str], indents: list[int]) -> list[bool]:
    """Which lines start a paragraph by their indent: a line indented more
    than the one before, or one at the page's paragraph indent (that of
    lines followed by flush ones, their paragraph going on, seen twice or
    more), even after another such line (a paragraph of one line).

    >>> paragraph_starts(["Long first", "rest", "Second one", "rest", "One line", "Next one"], [2, 0, 2, 0, 2, 2])
    [False, False, True, False, True, True]
    """
    firsts = Counter(i for a, b, i, j in zip(lines, lines[1:], indents, indents[1:]) if a and b and i > 0 and j == 0)
    indent, n = firsts.most_common(1)[0] if firsts else (None, 0)
    indent = indent if n >= 2 else None
    return [False] + [j > i or j == indent for i, j in zip(indents, indents[1:])]


def line_indents(doc: Document) -> list[int] | None:
    """How far each line of the page's text was indented in its input (the
    layout step took the spaces away; a tab counts 8), or None when no line
    was: a plain-text export that indents its paragraphs' first lines prints
    them that much shorter.

    >>> from webmend.extract.text_input import normalize_layout
    >>> d = Document(id="p", source="    First line of it\\nand the rest\\n\\n  Next")
    >>> normalize_layout(d, None); line_indents(d)
    [4, 0, 0, 2]
    """
    src = doc.input_text
    if "\n " not in src and "\n\t" not in src and not src.startswith((" ", "\t")):
        return None
    out, pos = [], 0
    for line in doc.text.split("\n"):
        out.append(0 if line[:1] in (" ", "\t") else _indent_before(doc, pos, src))  # else counted in its length
        pos += len(line) + 1
    return out if any(out) else None


def _indent_before(doc: Document, pos: int, src: str) -> int:
    """The spaces (a tab counts 8) that stood in the input before the line
    starting at working position `pos`, when they began their input line."""
    start = doc.to_input(pos, pos)[0]
    while start < len(src) and src[start] in " \t":  # the map may point before the spaces taken
        start += 1
    k = start
    while k > 0 and src[k - 1] in " \t":
        k -= 1
    return sum(8 if c == "\t" else 1 for c in src[k:start]) if k == 0 or src[k - 1] == "\n" else 0


def observe_wraps(doc: Document, stats: HostStats) -> None:
    """Per host: the widths its pages are evidently wrapped at."""
    if _inner_breaks(doc.text) >= MIN_INNER_LINES:
        own = doc.notes[WRAP_NOTE] = own_wrap_width(doc.text.split("\n"), line_indents(doc))
        if own[0]:
            stats.add("wrap_width", [own[0]])


WRAP_NOTE = "hard_wraps.own_width"


def host_wrap_width(doc: Document, res: Resources | None) -> int | None:
    """The width most of the host's pages are wrapped at (noted by this step's
    first pass), or None."""
    stats = res.host_stats(doc) if res is not None else None
    widths = stats.counters.get("wrap_width") if stats is not None else None
    if not widths:
        return None
    w, n = widths.most_common(1)[0]
    return w if n >= 2 and n >= 0.5 * sum(widths.values()) else None


def join_hard_wraps(doc: Document, res: Resources) -> None:
    if _inner_breaks(doc.text) < 2:
        return
    changes, width, evidence = find_wrap_joins(doc.text, host_wrap_width(doc, res), observed(doc, WRAP_NOTE),
                                               line_indents(doc))
    if changes:
        doc.replace(changes)
        doc.rules.append({"family": "lines", "rule": f"hard wrap at {width} columns", "hits": len(changes),
                          "evidence": evidence})


# ---------------------------------------------------------------- page breaks

# A paragraph break after a letter, ',' or '-' (found from the literal break: a fast scan).
_BREAK = re.compile(r"\n\n(?<=(?:[^\W\d_]|[,-])\n\n)(?=[^\n])")
_LAST_WORD_REVERSED = re.compile(r"(-?)([^\W\d_]+)")


def _last_word(line: str) -> tuple[str, str] | None:
    """(the last word of a line, '-' if a hyphen follows it, else ''), within
    its last 100 characters, or None when the line does not end on a word.

    >>> _last_word("broken at cir-"), _last_word("the end."), _last_word("at")
    (('cir', '-'), None, ('at', ''))
    """
    m = _LAST_WORD_REVERSED.match(line[-100:][::-1])
    return (m.group(2)[::-1], m.group(1)) if m else None
_FIRST_WORD = re.compile(r"[^\W\d_]+(?=[\s,;:.!?'’)-]|$)")  # a word, whole or a compound's first ('half-surprised')


def _words(line: str) -> int:
    """How many words a line has, up to 6 (the rules ask for at most 5): a
    paragraph-long line is not split whole.

    >>> _words("a b c"), _words("one two three four five six seven eight")
    (3, 6)
    """
    return len(line.split(None, 5))


COMMONEST_ZIPF = 6.5  # a word this common ('from', 'an', 'on') is never an ending on two sightings already

# A paragraph the author opened so ('… keep reading', '— he said') follows a break of the author's.
_DELIBERATE_OPENERS = ("…", "...", "—", "–")


def page_break_join(before: str, after: str, text: str, lex, cache: dict, at_end: bool = False) -> str | None:
    """The separator to put between two paragraphs a page break split, or None
    when the boundary is a real one. `before`/`after` are the last line of the
    first paragraph and the first line of the second (`at_end`: the last line of the page).

    >>> from webmend.lexicon.words import lexicon
    >>> t = "The time we spent was good and the time we lost was long, and time goes on " * 2
    >>> page_break_join("we lost at the same time", "we had come to the end of it.", t, lexicon("en"), {})
    ' '
    >>> page_break_join("we lost at the same time", "… keep reading. I will show you how.", t, lexicon("en"), {}) is None
    True
    >>> page_break_join("when she learned it, she was only", "half-surprised: it made sense", t, lexicon("en"), {})
    ' '
    """
    if (_words(before) < 2 or _URL_START.match(after) or _LIST_MARK.match(after) or _LIST_MARK.match(before)
            or after.startswith(_DELIBERATE_OPENERS)
            or (_words(after) < 2 and not (at_end or after[-1] in ".!?\"”’)"))):
        return None
    last = before[-1]
    if not (last.isalpha() or last in ",-"):
        return None
    first = _FIRST_WORD.match(after)
    m = _last_word(before)
    if m and m[1]:  # 'cir-' + 'cumstances': a word broken at a page end
        return "" if first and after[0].islower() else None
    if first and after[0].islower() and first.group().islower() and (_words(before) >= 3 or _words(after) >= 4):
        return " "
    if last == "," and _words(before) >= 5:
        return " "
    if m and _words(after) >= 3 and m[0].islower():
        word = m[0]
        if word not in cache:
            lx = lex() if callable(lex) else lex
            # the commonest words need less of the page to show it (a 'from' seen twice, never at an end)
            cache[word] = lx is not None and (never_ends_sentence(text, word, lx) or never_ends_sentence(
                text, word, lx, min_zipf=COMMONEST_ZIPF, min_seen=2))
        if cache[word]:
            return " "
    return None


def find_page_break_joins(text: str, lex) -> list[Change]:
    """Changes rejoining paragraphs split mid-sentence.

    >>> from webmend.lexicon.words import lexicon
    >>> t = ("We met at dawn and talked at length at the camp. He came at noon.\\n\\n"
    ...      "When we were operating in the zone at Xiaowangqing, some\\n\\ncomrades told me of the incident at\\n\\n"
    ...      "Lake Khasan. It was over.\\n\\nChapter Two\\n\\nThe end came at last.")
    >>> [t[c.start - 6:c.end + 4] for c in find_page_break_joins(t, lexicon("en"))]
    [', some\\n\\ncomr', 'ent at\\n\\nLake']
    """
    if "\n\n" not in text:
        return []
    changes = []
    cache: dict = {}
    running = None  # what the page's number paragraphs show (`running_lines`, asked when one is met)
    taken = 0  # where the last page number's change ended (the break after the number is in it)
    for m in _BREAK.finditer(text):
        if m.start() < taken:
            continue
        prev = text[m.start() - 1] if m.start() else "\n"
        if not (prev.isalpha() or prev in ",-"):  # after anything else it is no split
            continue
        a = text.rfind("\n", 0, m.start()) + 1
        b = text.find("\n", m.end())
        before, after = text[a:m.start()], text[m.end():b if b >= 0 else len(text)]
        if b >= 0 and _page_line(after):  # 'some\n\n12\n\ncomrades': the printed page's number between the halves
            if running is None:
                running = running_lines(text)
            sep = _page_number_inside(text, before, after, b, running)
            if sep is not None:
                changes.append(Change(m.start(), b + 2, sep, kind="page_number", evidence=(
                    f"page number {after.strip()!r} inside a sentence: " + repr(before[-20:]) + " | "
                    + repr(text[b + 2:b + 22]))))
                taken = b + 2
                continue
        sep = page_break_join(before, after, text, lex, cache, at_end=b < 0)
        evidence = "paragraph ends mid-sentence: " + repr(before[-20:]) + " | " + repr(after[:20])
        if sep is None and _lone_word_inside(text, before, after, b):  # '…a different\n\nperson\n\ntogether, she said'
            sep = " "
            evidence = "a paragraph of one lower-case word inside a sentence: " + repr(before[-20:]) + " | " + repr(after)
            changes.append(Change(b, b + 2, " ", kind="paragraph_join", evidence=evidence))
        if sep is not None:
            changes.append(Change(m.start(), m.end(), sep, kind="paragraph_join", evidence=evidence))
    changes.sort(key=lambda c: c.start)
    return changes


_PAGE_NUMBER = re.compile(r"[-–— ]*\d{1,4}[-–— ]*")
# a paragraph that is a number, or a number beside a short text (a running head: 'REMINISCENCES 231', '232 REMINISCENCES')
_PAGE_LINE = re.compile(r"[-–— ]*(\d{1,4})[-–— ]*|(\d{1,4}) +([^\d\s][^\n]{0,59}?)|([^\d\s][^\n]{0,59}?) +(\d{1,4})")
_PAGE_LINE_PARAGRAPH = re.compile(r"\n\n(%s)(?=\n\n)" % _PAGE_LINE.pattern)
_OPENING = re.compile(r"[\"'“‘(\[–—-]* *")  # what may open the half after a page number: '(optional)', '“best', '– both'
MIN_NUMBER_RUN = 3  # page lines in sequence that show a page's printed page numbers
PROSE_BEFORE_NUMBER = 6  # words of the line before a page number ahead of a capitalised word (a heading has fewer)


def _page_line(line: str) -> tuple[int, str] | None:
    """(the number, the text beside it: '' for a number alone) of a paragraph
    that may be a printed page's number or running head, else None.

    >>> _page_line("- 12 -"), _page_line("REMINISCENCES 231"), _page_line("232 The Long March"), _page_line("It was 1990")
    ((12, ''), (231, 'REMINISCENCES'), (232, 'The Long March'), (1990, 'It was'))
    """
    if len(line) > 70 or not (line[:1].isdigit() or line[-1:].isdigit() or line[:1] in "-–— "):
        return None  # (a cheap test first: most paragraphs are long, or neither begin nor end with a figure)
    m = _PAGE_LINE.fullmatch(line)
    if m is None:
        return None
    if m.group(1):
        return int(m.group(1)), ""
    return (int(m.group(2)), m.group(3)) if m.group(2) else (int(m.group(5)), m.group(4))


def running_lines(text: str) -> tuple[bool, frozenset[str]]:
    """What the page's paragraphs of a number (alone, or beside a short text)
    show: whether its numbers alone run in sequence, each one or two past
    the one before, MIN_NUMBER_RUN times or more (the printed pages'
    numbers, left between the paragraphs of a text exported from print),
    and the texts that stand beside numbers so running (the running heads).

    >>> running_lines("a\\n\\n12\\n\\nb\\n\\n13\\n\\nc\\n\\n15\\n\\nd"), running_lines("a\\n\\n12\\n\\nb\\n\\n7\\n\\nc\\n\\n2019\\n\\nd")
    ((True, frozenset()), (False, frozenset()))
    >>> running_lines("a\\n\\nTHE WAR 31\\n\\nb\\n\\n32 THE WAR\\n\\nc\\n\\nTHE WAR 33\\n\\nd\\n\\nIn 1990\\n\\ne")
    (False, frozenset({'THE WAR'}))
    """
    numbers: dict[str, list[int]] = {}
    for m in _PAGE_LINE_PARAGRAPH.finditer(text):
        number, head = _page_line(m.group(1))
        numbers.setdefault(head, []).append(number)

    def runs(seq: list[int]) -> bool:
        return sum(0 < b - a <= 2 for a, b in zip(seq, seq[1:])) + 1 >= MIN_NUMBER_RUN

    return runs(numbers.get("", [])), frozenset(h for h, seq in numbers.items() if h and runs(seq))


def _page_number_inside(text: str, before: str, after: str, end: int,
                        running: tuple[bool, frozenset[str]] = (False, frozenset())) -> str | None:
    """The separator for a sentence a page break split, leaving the printed
    page's number (or its running head: a text beside numbers in sequence,
    `running_lines`) between its halves as a paragraph of its own: the
    paragraph before ends on a lower-case word (or a comma, or a word broken
    at a hyphen: joined without a space), the one after the number (from
    `end`) begins with a lower-case word, or, where the page's numbers run
    in sequence, with any word after a line of prose
    ('trafficker\\n\\n230\\n\\nJeffrey'). None otherwise (a list's numbers
    follow a sentence's end or a heading).

    >>> t = "some of the\\n\\n12\\n\\ncomrades told me; the cir-\\n\\n- 13 -\\n\\ncumstances were"
    >>> _page_number_inside(t, "some of the", "12", t.index("\\n\\ncomrades"))
    ' '
    >>> _page_number_inside(t, "told me; the cir-", "- 13 -", t.index("\\n\\ncumstances"))
    ''
    >>> _page_number_inside("It ended.\\n\\n12\\n\\nthen", "It ended.", "12", 13) is None
    True
    """
    line = _page_line(after)
    if line is None or not text.startswith("\n\n", end) or _words(before) < 2:
        return None  # (a label of one word beside its figure: 'Goals\\n\\n3\\n\\nassists')
    numbers_run, heads = running
    if line[1] and line[1] not in heads:
        return None  # a number beside text that no other page line repeats: the author's
    # a running head goes whatever follows it (no list's number stands beside a text repeated in sequence);
    # a number alone, before a lower-case word, or before any after a line of prose where the numbers run
    # (a heading's words may precede a list's number: 'Our top picks\\n\\n1')
    nxt = _FIRST_WORD.match(text, end + 2 + len(_OPENING.match(text, end + 2).group()))
    if not line[1] and (not nxt or not nxt.group().islower()
                        and not (numbers_run and _words(before) >= PROSE_BEFORE_NUMBER)):
        return None
    if before.endswith(","):
        return " "
    last = _last_word(before)
    if not last:
        return None
    if last[1]:
        return ""
    return " " if last[0].islower() else None


def _lone_word_inside(text: str, before: str, after: str, end: int) -> bool:
    """Whether `after`, a paragraph of one lower-case word, sits inside a
    sentence that two page breaks split: the paragraph before it ends on a
    lower-case word, the one after it (from `end`) begins with one.

    >>> t = "and we built a different\\n\\nperson\\n\\ntogether, she said."
    >>> _lone_word_inside(t, "and we built a different", "person", t.index("\\n\\ntogether"))
    True
    """
    if not (after.isalpha() and after.islower()) or not text.startswith("\n\n", end) or _words(before) < 3:
        return False
    last = _last_word(before)
    nxt = _FIRST_WORD.match(text, end + 2)
    line_end = text.find("\n", end + 2)
    next_line = text[end + 2:] if line_end < 0 else text[end + 2:line_end]
    return bool(last and not last[1] and last[0].islower() and nxt and nxt.group().islower()
                and _words(next_line) >= 3)


_BLOCK = re.compile(r"(?m)^[^\n]++(?:\n[^\n]++)+")  # lines between blank lines, two or more
LIST_LINE_WORDS = 8  # a block of three lines or more is one split paragraph only if its lines average this many words


def find_line_break_joins(text: str, lex=None) -> list[Change]:
    """Changes rejoining a paragraph that page breaks split with single line
    breaks, on a page whose paragraphs stand between blank lines: a block
    whose every line break stands mid-sentence by `page_break_join`, of two
    lines, or of more whose lines are prose (LIST_LINE_WORDS words on
    average) and whose last ends a sentence; a list, an address, a verse stay.
    A break after a hyphen is the hyphenation step's (`cir-` + `cumstances`).
    Without `lex` (a Lexicon or a function giving one), the second part must
    begin in lower case or the first end on a comma.

    >>> t = ("We met at dawn and talked at length at the camp. He came at noon and the\\nday went on slowly. It ended.\\n\\n"
    ...      "salt and pepper to taste\\nolive oil for the pan\\nfresh herbs\\n\\nHe said: the end of it all\\nwas near.")
    >>> [t[c.start - 4:c.end + 4] for c in find_line_break_joins(t)]
    [' the\\nday ', ' all\\nwas ']
    """
    if not _LONE_BREAK.search(text):  # (one C-speed scan: most pages have no line break between words)
        return []
    changes, cache = [], {}
    for block in _BLOCK.finditer(text):
        lines = block.group().split("\n")
        joins, pos = [], block.start()
        for before, after in zip(lines, lines[1:]):
            pos += len(before)
            last, first = before[-1:], after[:1]
            if last == "-" and first.isalpha():  # a word broken at the line's end: the hyphenation step's
                pos += 1
                continue
            sep = None
            if (last.isalpha() or last == ",") and first.isalpha():
                sep = page_break_join(before, after, text, lex, cache, at_end=block.end() == len(text))
            if sep is None:
                break
            joins.append(Change(pos, pos + 1, sep, kind="paragraph_join", evidence=(
                "a line break mid-sentence between blank-line paragraphs: " + repr(before[-20:]) + " | "
                + repr(after[:20]))))
            pos += 1
        else:
            if len(lines) == 2 or (sum(len(x.split()) for x in lines) >= LIST_LINE_WORDS * len(lines)
                                   and _SENTENCE_CLOSE.search(lines[-1])):
                changes += joins
    return changes


# a line break between a word (or a comma) and a word (the line break first: a fast literal scan)
_LONE_BREAK = re.compile(r"\n(?=[^\W\d_])(?<=[^\W\d_\n]\n|,\n)")
_SENTENCE_CLOSE = re.compile(r"[.!?…][\"'”’)\]]*\s*$")


LONE_PAGE_MIN = 3       # a page's own line breaks mid-sentence that show its site splitting paragraphs so...
LONE_HOST_PAGES = 3     # ...or its host's pages with one or more, at least this many
LONE_HOST_SHARE = 0.5   # ...and this share of the host's pages (an author's odd line break is one page's)


def observe_line_breaks(doc: Document, stats: HostStats) -> None:
    """Per host: the pages with a line break mid-sentence between blank-line
    paragraphs (`find_line_break_joins`): a site's page breaks split its
    paragraphs on page after page; an author's line break in a quotation or
    a citation is one page's."""
    if "\n\n" in doc.text and find_line_break_joins(doc.text, functools.partial(page_lexicon, doc)):
        stats.counter("lines.line_breaks")["pages"] += 1


def splits_with_line_breaks(doc: Document, res: Resources | None, found: int) -> bool:
    """Whether the page's `found` line breaks mid-sentence are its site's
    page breaks: LONE_PAGE_MIN on the page, or its host's pages show them
    (LONE_HOST_PAGES, LONE_HOST_SHARE of the pages)."""
    if found >= LONE_PAGE_MIN:
        return True
    stats = res.host_stats(doc) if res is not None else None
    if stats is None:
        return False
    pages = stats.counters.get("lines.line_breaks", {}).get("pages", 0)
    return pages >= LONE_HOST_PAGES and pages >= LONE_HOST_SHARE * stats.pages


def join_page_breaks(doc: Document, res: Resources) -> None:
    lex = functools.partial(page_lexicon, doc)
    changes = find_page_break_joins(doc.text, lex)
    if "\n\n" in doc.text:  # paragraphs between blank lines: a lone line break may be a page break's
        lone = find_line_break_joins(doc.text, lex)  # (between two words: never one of the changes above)
        if lone and splits_with_line_breaks(doc, res, len(lone)):
            changes = sorted(changes + lone, key=lambda c: c.start)
    if changes:
        doc.replace(changes)
        doc.rules.append({"family": "lines", "rule": "paragraph split mid-sentence by a page break",
                          "hits": len(changes)})


HARD_WRAPS = Step("hard_wraps", join_hard_wraps,
                  "rejoin lines hard-wrapped at a fixed width (page's or host's width); an indented line starts a paragraph",
                  family="repair", observe=observe_wraps)
PAGE_BREAKS = Step("page_breaks", join_page_breaks,
                   "rejoin paragraphs split mid-sentence by a page break (a blank line; a single line break where "
                   "the site splits so)", family="repair", observe=observe_line_breaks)
