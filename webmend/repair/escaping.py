"""Escaping damage: a filter put a symbol in place of (or into) the space
before certain words ('workers\\and peasants', 'Soviet\\union', 'Party
\\organization'). Learned per page and per host, never from a word list.

A *site* is a run of symbols glued to the front of a word; the run may end
in a quote ('workers\\'and': one symbol of two characters), except where
the quote makes a word written with an apostrophe ("it\\'s"), which the
magic-quotes step unescapes (backslashes.py). Sites are grouped
by their symbol (a doubled symbol counts as the same one) and by how they sit
(`replace`: glued to the previous word or mark, where a space belongs;
`insert`: after a space). For each group, every word-initial string of the
glued words is a candidate *key*. A filter may also have put its symbol in
place of the space *after* its words ('workers and\\peasants'): the words
before the `replace` sites are then the keys (`after`), whole, and their
counterexamples are the key words between plain spaces, before a letter.
A key is scored by

- hits h: sites whose word starts with the key, and the distinct words
  before them (damage hits many contexts; 'km/h' always follows 'km');
- counterexamples c: words starting with the key that follow a plain space,
  i.e. that the filter would have hit but did not (less those the lost-letter
  rules read as other words: 'or' where the site ate the f of 'for');
- gain: the binomial log-likelihood ratio of "every key word lost its space"
  against "the symbol precedes key words no more often than other words",
  plus the Poisson evidence that key words the language expects after a space
  are missing.

A group becomes a rule when its keys are consistent (c <= 10% of h), it has
an anchor key (many distinct contexts, or a frequent word of the language
gone missing after spaces) and its summed gain is large. URLs, paths, e-mail
addresses and hashtag-like runs are never sites. Sites of an accepted symbol
whose word has no consistent key are flagged, not edited.
"""
from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable

from webmend.document import Change, Document
from webmend.lexicon.words import Lexicon, apostrophe_parts, lexicon, per_lexicon
from webmend.pipeline import HostStats, Resources, Step
from webmend.repair import evidence as ev
from webmend.repair.entities import unescaped

FAMILY = "escaping"
# A symbol: a percent-encoded byte, '_', or any mark that is not a letter,
# digit, space, or the punctuation that ordinarily touches words (hyphens,
# dashes, apostrophes, quotes, brackets but an opening brace, '.', ',', ':' and
# '?'). ';' and '!' are symbols: prose puts a space after them, so one glued to a word is rare
# outside code, entities and URLs (which the sites leave out). A colon is no
# symbol. A doubled one is (`DOUBLE_COLON`), with the strongest anchor only,
# as an odd space: 'std::vector' and 'Foo::Bar' name things in code, and a
# page about code made a rule of them when any anchor would do; a filter's
# '::' stands before words the language expects after spaces and that are
# missing there ('workers::and', where ' and' never stands). A backtick is a symbol,
# but read as the quote or apostrophe it often stands for where it opens a
# quotation that something closes or makes a word written with an apostrophe
# ('don`t'); an opening brace that something closes on its line is a
# template's or code's ('{name}', '\\textbf{word}': `closed`).
# A space other than the plain one (a tab, a no-break space, a typographic
# space) is a symbol too, but only alone, after a letter or a mark, and only
# before a filter's words (no `after` rule: typography binds a word to the
# next with a no-break space, 'by\u00a0Name', 'w\u00a0domu'); a rule of one needs
# the strongest anchor: a word the language expects after spaces that is
# missing there ('Soviet\tunion', 'workers\u00a0and'; HTML's no-break spaces
# stand between words at random, a table's tabs after figures and in runs).
ODD_SPACES = "\t\u00a0\u2000-\u200a\u202f\u205f\u3000"
_SYMBOL_CHAR = rf"(?:[^\w\s\-'’‘.,:?\"“”„«»‹›()\[\]}}…–—‐‑]|[{ODD_SPACES}])"
DOUBLE_COLON = "::"
SYMBOL = rf"(?:%[0-9A-Fa-f]{{2}}|_|::|{_SYMBOL_CHAR})"
QUOTES = "'\""              # a quote may end a symbol run: '\\'' is one symbol of two characters
QUOTE_LIKE = QUOTES + "`"   # marks written for a quote or an apostrophe ('don`t', ``quoted'')
_CLOSING = ".,;:!?)]}”’»—–"  # marks a space may follow: a quote symbol may stand for that space
SITE_RE = re.compile(rf"(?P<sym>{SYMBOL}{{1,8}}['\"]?)(?P<word>[^\W\d_]+)")
# (a file name's extension starts with a letter: 'in/5.8', 'from/PM2.5' end in figures; a path has a name
# between its separators: '\\server\share', '/usr/bin', but ' \\in' is a doubled symbol before a word)
URLISH = re.compile(r"://|^www\.|^[A-Za-z]:[\\/]|@\w+\.\w|\.(?:[a-z]{2,6})[/\\?#]|^~?[/\\]{1,2}[^/\\\s]+[/\\]|\.[^\W\d_]\w{0,4}$", re.I)
CONTEXT = 80             # characters looked at around a site for its chunk
EPS = 0.05               # share of key words a consistent filter may miss
MAX_COUNTER = 0.10       # counterexamples allowed per hit
MIN_RULE_GAIN = 25.0     # nats a symbol's keys must add up to
MIN_HITS = 3
MIN_KEY_HITS = 2         # a key seen once is no evidence of a filter
MIN_CONTEXTS = 3         # distinct words before the sites of a rule
MIN_ANCHOR_DEFICIT = 3.0  # nats: a key the language expects after spaces is missing
MIN_ANCHOR_CONTEXTS = 5  # or: a key glued in this many distinct contexts
MIN_KNOWN = 0.7          # share of glued words the lexicon knows
MAX_SITES = 200_000
AFTER = "after"          # the mode of a rule whose symbol stands for the space after its words


@dataclass
class Site:
    start: int           # the symbol run
    sym_end: int
    end: int             # end of the glued word
    unit: str            # the symbol, repeats collapsed ('\\\\' -> '\\')
    mode: str            # "replace" (glued to what precedes) or "insert" (after a space)
    word: str            # the glued word as written
    left: str            # the word or mark before (lowercased), for context counts
    cut: bool = False    # the word is cut off ('\\uni…' in a shortened heading)


@dataclass
class Key:
    unit: str
    mode: str
    prefix: str
    whole: bool          # the key is a whole word, not a word start
    hits: int = 0
    contexts: set = field(default_factory=set)
    counter: int = 0
    expected: float = 0.0
    gain: float = 0.0
    known: bool = False  # one of its glued words is a word of the language (a filter's key is)

    @property
    def name(self) -> str:
        return f"{self.prefix}$" if self.whole else f"{self.prefix}*"

    def covers(self, word: str) -> bool:
        w = word.lower()
        return w == self.prefix if self.whole else w.startswith(self.prefix)


@dataclass
class Rule:
    unit: str
    mode: str            # "replace", "insert", or "after" (its keys are the words before `replace` sites)
    keys: list[Key]
    gain: float
    hits: int
    counter: int
    contexts: int
    scope: str

    def key_for(self, site: Site) -> Key | None:
        if self.mode == AFTER:
            if site.unit != self.unit or site.mode != "replace":
                return None
            return next((k for k in self.keys if k.prefix == site.left), None)
        if site.unit != self.unit or site.mode != self.mode:
            return None
        best = None
        for k in self.keys:
            if k.covers(site.word) and (best is None or len(k.prefix) > len(best.prefix)):
                best = k
        if best is None and site.cut:
            w = site.word.lower()
            best = next((k for k in self.keys if k.prefix.startswith(w)), None)
        return best


def symbol_unit(run: str) -> str:
    """The symbol of a run, repeats collapsed.

    >>> symbol_unit("\\\\\\\\"), symbol_unit("%20"), symbol_unit("%20%20"), symbol_unit("/+"), symbol_unit("::::")
    ('\\\\', '%20', '%20', '/+', '::')
    """
    n = len(run)
    if run == ":" * n:
        return DOUBLE_COLON  # (a colon is a symbol only doubled)
    for size in range(1, n // 2 + 1):
        if n % size == 0 and run[:size] * (n // size) == run:
            return run[:size]
    return run


def _chunk(text: str, start: int, end: int) -> str:
    """The whitespace-delimited chunk around [start, end), bounded."""
    lo = max(0, start - CONTEXT)
    hi = min(len(text), end + CONTEXT)
    left = text[lo:start]
    right = text[end:hi]
    i = max(left.rfind(" "), left.rfind("\n"), left.rfind("\t"))
    left = left[i + 1:]
    j = min((x for x in (right.find(" "), right.find("\n"), right.find("\t")) if x >= 0), default=len(right))
    return left + text[start:end] + right[:j]


def urlish(chunk: str) -> bool:
    """Whether a chunk looks like a URL, a path, an address or a file name
    (URLISH), tested only when it has what every such form needs: a ':' or a
    '.', or a leading '/', '\\' or '~'.

    >>> urlish("http://a.b/c"), urlish("C:\\\\dir"), urlish("~/x/y"), urlish("Soviet\\\\union,"), urlish("and/or")
    (True, True, True, False, False)
    >>> urlish("\\\\\\\\server\\\\share"), urlish("/usr/bin"), urlish("//cdn.x/a"), urlish("\\\\\\\\in"), urlish("//in")
    (True, True, True, False, False)
    """
    if ":" not in chunk and "." not in chunk and not chunk.startswith(("/", "\\", "~")):
        return False
    return URLISH.search(chunk) is not None


def glue_points(text: str, only: frozenset[str] | None = None) -> list[int]:
    """Where a letter follows a symbol unit, in text order: the word starts
    every site must have. The page's symbol characters are found first (at
    C speed: its UTF-8 bytes less the ASCII that is no symbol), then only
    those are searched for before a letter; '_', '%XX' and '::' are searched
    only when the text has them. A page without any has no sites at all.

    >>> t = "workers\\\\and the%20union, A_b, see 3/4, as follows:or::not"
    >>> [t[i] for i in glue_points(t)]
    ['a', 'u', 'b', 'n']
    """
    symbols = symbol_chars(text)
    if only is not None:  # only these symbols' glue points
        symbols &= only
    points = _letter_after(text, symbols) if symbols else []
    extra = []
    if "_" in text and (only is None or "_" in only):
        extra += [m.end() for m in _GLUE_UNDERSCORE.finditer(text)]
    if "%" in text and (only is None or "%" in only):
        extra += [m.end() for m in _GLUE_PERCENT.finditer(text)]
    if DOUBLE_COLON in text and (only is None or ":" in only):
        extra += [m.end() for m in _GLUE_COLONS.finditer(text)]
    if extra:
        points = sorted(set(points).union(extra))
    return points


_SYMBOL = re.compile(_SYMBOL_CHAR)
# ASCII bytes that are never symbols: letters, digits, whitespace and the punctuation excluded above.
_NO_SYMBOL_ASCII = bytes(c for c in range(128) if not _SYMBOL.match(chr(c)))
_LETTER_AHEAD = r"(?=[^\W\d_])"
_GLUE_UNDERSCORE = re.compile("_" + _LETTER_AHEAD)
_GLUE_PERCENT = re.compile("%[0-9A-Fa-f]{2}" + _LETTER_AHEAD)
_GLUE_COLONS = re.compile("::+['\"]?" + _LETTER_AHEAD)


def symbol_chars(text: str) -> frozenset[str]:
    """The symbol characters of a text (what SYMBOL's one-character class matches).

    >>> sorted(symbol_chars("AT&T, 3/4 – “quoted” ©"))
    ['&', '/', '©']
    """
    rest = text.encode("utf-8", "surrogatepass").translate(None, _NO_SYMBOL_ASCII)
    if not rest:
        return frozenset()
    return frozenset(_SYMBOL.findall(rest.decode("utf-8", "surrogatepass")))


@functools.lru_cache(maxsize=512)
def _glue_before(symbols: frozenset[str]) -> re.Pattern:
    """One of these symbols right before a letter (a small class: a fast scan)."""
    return re.compile("[%s]['\"]?" % "".join(re.escape(ch) for ch in sorted(symbols)) + _LETTER_AHEAD)


FIND_LOOP_MAX = 2000  # symbol occurrences looked at one by one; past it, one regex scan


def _letter_after(text: str, symbols: frozenset[str]) -> list[int]:
    """The positions right after one of `symbols` (and a quote after it, if
    one stands there) where a letter stands, in text order: each occurrence
    found by str.find (a page has few symbols), or by one regex scan when it
    has many.

    >>> _letter_after("a/b &c 3/4 / x\\\\'y", frozenset("/&\\\\"))
    [2, 5, 16]
    """
    if sum(map(text.count, symbols)) > FIND_LOOP_MAX:
        return [m.end() for m in _glue_before(symbols).finditer(text)]
    points = []
    n, find = len(text), text.find
    for ch in symbols:
        i = find(ch)
        while i >= 0:
            j = i + 1
            if j + 1 < n and text[j] in QUOTES:  # a two-character symbol: '\\'and'
                j += 1
            if j < n and text[j].isalnum() and not text[j].isdecimal():  # [^\W\d_]
                points.append(j)
            i = find(ch, i + 1)
    points.sort()
    return points


_RUN_REACH = 8 * 3  # the longest symbol run a site may have: 8 units of up to 3 characters


def _site_matches(text: str, limit: int, symbols: frozenset[str] | None = None):
    """The matches of SITE_RE in `text`, as `finditer` gives them, looked for
    only near glue points (a site's word starts at one, its run begins at most
    _RUN_REACH characters before); with `symbols`, only near theirs."""
    pos, n = 0, 0
    points = glue_points(text, symbols)
    i = 0
    while i < len(points) and n < limit:
        q = points[i]
        if q <= pos:
            i = bisect.bisect_right(points, pos, i)
            continue
        m = SITE_RE.search(text, max(pos, q - _RUN_REACH))
        while m is not None and m.start("word") < q:  # a site before q whose glue point was not asked for
            m = SITE_RE.search(text, m.end())
        if m is None:
            return
        yield m
        n += 1
        pos = m.end()
        i += 1


_HEX2 = re.compile("[0-9A-Fa-f]{2}")
_CLOSED_BY = {"{": "}", "`": "'’`´", "'": "'’", '"': '"'}  # the marks that close each opening one
CLOSE_REACH = 200  # characters after an opening mark its closing one is looked for in (on the same line)


def closed(text: str, pos: int, opener: str) -> bool:
    """Whether a mark that may open a quotation or a group (a quote, a
    backtick, a brace) is closed after `pos` on its line, within
    CLOSE_REACH: by its closing mark after a word (a quote's before a space,
    a mark or the end: 'it's' closes nothing).

    >>> closed("said `in time' and", 7, "`"), closed("workers `in it's rooms", 9, "`"), closed("a {name} b", 3, "{")
    (True, False, True)
    """
    end = text.find("\n", pos, pos + CLOSE_REACH)
    end = pos + CLOSE_REACH if end < 0 else end
    for ch in _CLOSED_BY.get(opener, ""):
        i = text.find(ch, pos, end)
        while i >= 0:
            if opener == "{" or i + 1 >= len(text) or not text[i + 1].isalnum():
                return True
            i = text.find(ch, i + 1, end)
    return False


def find_sites(text: str, limit: int = MAX_SITES, symbols: frozenset[str] | None = None) -> list[Site]:
    """Symbol runs glued to the front of a word, outside URLs and paths (with
    `symbols`, only those whose run ends in one of them).

    >>> [(s.unit, s.mode, s.word, s.left) for s in find_sites("workers\\\\and the Soviet\\\\union, see http://a.b/c")]
    [('\\\\', 'replace', 'and', 'workers'), ('\\\\', 'replace', 'union', 'soviet')]
    >>> [(s.word, s.left) for s in find_sites("dealings%5Cwith%5CUkraine, x%BETWEEN%the")][-1]
    ('the', 'between')
    >>> [(s.word, s.left) for s in find_sites("dealings%5Cwith%5CUkraine")]
    [('with', 'dealings'), ('Ukraine', 'with')]
    >>> t = "B&H's Card^or a refund; AT&T^and T-Mobile; functions._and workers_and"
    >>> [t[s.start:s.end] for s in find_sites(t, symbols=frozenset("^"))], [s.word for s in find_sites(t, symbols=frozenset("_"))]
    (['^or', '^and'], ['and', 'and'])
    """
    out: list[Site] = []
    for m in _site_matches(text, limit, symbols):
        start, sym_end = m.span("sym")
        before = text[start - 1] if start else "\n"
        mode = "insert" if before.isspace() else "replace"
        if m.group("sym")[-1].isspace() and (sym_end - start > 1 or before.isspace() or before.isdecimal()):
            continue  # odd spaces in a run, after a figure or a space, or at a line's start: a table's or indentation
        if m.group("sym") == "&" and text.startswith(";", m.end()):
            continue  # an HTML entity, not a space
        if (m.group("sym")[-1] in QUOTE_LIKE and not (before.isalnum() or before in _CLOSING)
                and closed(text, m.end(), m.group("sym")[-1])):
            continue  # a quotation's opening quote ('said \\"Yes', '(\\"Yes', closed after): only one glued to a
            # word or a closing mark is a symbol, or one that nothing closes (a filter's ' `in', ' `or')
        if "{" in m.group("sym") and closed(text, m.end(), "{"):
            continue  # a template's or code's brace ('{name}', '\\textbf{word}'), not a filter's
        if urlish(_chunk(text, start, m.end())):
            continue
        if mode == "replace":
            j = start
            while j > 0 and start - j < 30 and text[j - 1].isalnum():
                j -= 1
            if (j > 0 and text[j - 1] == "%" and _HEX2.match(text, j) and j + 2 < start
                    and text[start] == "%" and _HEX2.match(text, start + 1)):
                j += 2  # the word after a percent-encoded symbol ('%5Cwith%5Cthe': 'with', not '5cwith')
            left = text[j:start].lower() or before
        else:
            left = "\n" if before == "\n" else " "
            k = start - 1
            while k > 0 and text[k - 1] in " \t":
                k -= 1
            j = k
            while j > 0 and k - j < 30 and text[j - 1].isalnum():
                j -= 1
            left = text[j:k].lower() or left
        cut = text.startswith(("…", "..."), m.end())
        out.append(Site(start, sym_end, m.end(), symbol_unit(m.group("sym")), mode, m.group("word"), left, cut))
    return out


# The empty symbol: the space before a filter's words deleted ('workersand',
# 'Sovietunion': a second pass of unescaping that drops the backslashes a
# filter wrote). A site is a token that is no word of the language yet splits
# into two of its words, the second in lower case, or a word glued to a
# closing mark or a figure; looked for only on a page that misses one of the
# language's commonest words after its spaces. Its rules keep only keys that
# are missing themselves, and need some of their words glued to a mark
# (see `infer_rules`): a language's suffixes and compounds never are.
GLUE = ""
GLUE_MIN_ZIPF = 3.0      # both parts of a glued token are words this common
GLUE_MIN_TOKEN = 5       # letters of a token looked at, at least...
GLUE_MAX_TOKEN = 40      # ...and at most
GLUE_WORDS = 30          # the commonest words of the language a page is checked for
GLUE_MIN_EXPECTED = 5.0  # a word counts as missing if expected this often after spaces...
GLUE_MISSING_SHARE = 0.2  # ...and found there at most this share of it
GLUE_NOWORD_ZIPF = 2.0   # a token rarer than this is no word (typos of glued words stand in wordfreq at 1)
GLUE_COMMON_ZIPF = 5.0   # a name is split before so common a word only ('Paganiniand', not 'Canfora')
_NAME_MARKS = "./@_\\-'’"  # a token beside one of these is part of a name, a path or a compound
_GLUE_MARKS = ",.;:!?)]}”"  # closing marks a space follows (not an apostrophe, 'don’t', nor a straight quote)


def missing_common_words(text: str, lex: Lexicon | None, sites: list[Site] = ()) -> frozenset[str]:
    """The language's commonest words (GLUE_WORDS) that hardly ever follow a
    plain space on the page (nor one of its `sites`' symbols), where each is
    expected GLUE_MIN_EXPECTED times or more: none unless one of three
    letters or more among them stands as often elsewhere (glued to the words
    before it, as a filter that deletes the space leaves it; a page that
    never says 'you' has no 'you' at all, and two letters end too many words:
    'this', 'his'). A few `str.count`s.

    >>> t = "The workers and the peasants of the land went to a field in the north, and it is said that it was good. " * 20
    >>> missing_common_words(t, lexicon("en")), sorted(missing_common_words(t.replace(" and", "and"), lexicon("en")))
    (frozenset(), ['and'])
    """
    if lex is None or not lex.alphabetic:
        return frozenset()
    tokens = text.count(" ") + 1
    glued = Counter(s.word.lower() for s in sites)

    def missing(word: str, f: float) -> bool:
        return text.count(" " + word) + glued.get(word, 0) <= GLUE_MISSING_SHARE * tokens * f

    def shown(word: str, f: float) -> bool:  # ...its letters standing as often elsewhere
        return text.count(word) - text.count(" " + word) - glued.get(word, 0) >= (1 - GLUE_MISSING_SHARE) * tokens * f

    common = [(w, f) for w, f in _commonest(lex) if tokens * f >= GLUE_MIN_EXPECTED]
    if not any(len(w) >= 3 and missing(w, f) and shown(w, f) for w, f in common):
        return frozenset()  # (most pages: a few counts of the longer words)
    return frozenset(w for w, f in common if missing(w, f))


@per_lexicon()
def _commonest(lex: Lexicon) -> tuple[tuple[str, float], ...]:
    """The language's commonest words of two letters or more, with their frequencies, most frequent first."""
    return tuple((w, lex.freq(w)) for w in lex.top(GLUE_WORDS) if w.isalpha() and len(w) >= 2)


@functools.lru_cache(maxsize=256)
def _starts_within(begins: tuple[str, ...]) -> re.Pattern:
    """One of the starts after a letter, a closing mark or a figure (where a glued word may begin)."""
    alts = "|".join(re.escape(w) for w in sorted(begins, key=len, reverse=True))
    return re.compile(r"(?<=[^\W_]|[%s])(?:%s)" % (re.escape(_GLUE_MARKS), alts))


def glued_sites(text: str, lex: Lexicon | None, starts: frozenset[str], keys: list[Key] | None = None,
                limit: int = MAX_SITES) -> list[Site]:
    """Sites of the empty symbol (GLUE) whose word begins with one of
    `starts`: a word in lower case right after a closing mark or a figure
    (',and', '1998and'), and each way a token that is no word splits into
    two words of the language, the second in lower case ('workersand':
    'workers' + 'and'). With a rule's `keys` (`starts` their prefixes), the
    one split of each token whose second part a key covers, its first part
    any word or a name ('Paganiniand'). In text order.

    >>> [(s.left, s.word, s.start) for s in glued_sites("the Sovietunion and workersand peasants,or", lexicon("en"),
    ...                                                  frozenset({"and", "or", "un"}))]
    [('soviet', 'union', 10), ('workers', 'and', 27), (',', 'or', 40)]
    >>> keys = [Key(GLUE, "replace", "and", True), Key(GLUE, "replace", "or", False)]
    >>> text = "Paganiniand workersand, Portland, Canfora, standor"
    >>> [(s.left, s.word) for s in glued_sites(text, lexicon("en"), frozenset({"and", "or"}), keys)]
    [('paganini', 'and'), ('workers', 'and'), ('stand', 'or')]
    """
    if lex is None or not lex.alphabetic or not starts:
        return []
    out: list[Site] = []
    begins = tuple(sorted(starts))
    known = functools.partial(lex.is_word, min_zipf=GLUE_MIN_ZIPF)
    done = -1
    for occurrence in _starts_within(begins).finditer(text):  # a start glued to a letter, a mark or a figure
        a = occurrence.start()
        if a < done:
            continue  # in a token already looked at
        while a > done and text[a - 1].isalpha():
            a -= 1
        m = ev.LETTER_RUN.match(text, a)
        if m is None:
            continue
        token = m.group()
        b = done = m.end()
        before = text[a - 1] if a else " "
        if before in _GLUE_MARKS or before.isdecimal():  # the whole word glued to a mark or a figure
            if token.islower() and token.startswith(begins) and (
                    any(k.covers(token) for k in keys) if keys is not None else known(token)):
                if before == "." and (_in_address(text, a - 1, b) or not lex.is_word(token, GLUE_COMMON_ZIPF)):
                    continue  # 'www.usef.org', 'Browserbench.org': after a stop, only a common word is a sentence's
                out.append(Site(a, a, b, GLUE, "replace", token, before))
            continue
        after = text[b:b + 2]
        if (not GLUE_MIN_TOKEN <= len(token) <= GLUE_MAX_TOKEN or before in _NAME_MARKS or after[:1].isdecimal()
                or after and after[0] in _NAME_MARKS and not (after[0] == "." and not after[1:].isalpha())):
            continue  # part of a name, an address, a path or a compound (a sentence's end is none)
        low = token.lower()
        if not any(w in token for w in begins) or lex.is_word(low, GLUE_NOWORD_ZIPF):
            continue
        for i in range(len(token) - 1, 1, -1):  # shortest second part first: stand|or
            right = token[i:]
            if not (right.startswith(begins) and right.islower()):
                continue
            if keys is None:
                if known(right) and known(low[:i]):
                    out.append(Site(a + i, a + i, b, GLUE, "replace", right, low[:i]))
                continue
            if not (any(k.covers(right) for k in keys) and lex.is_word(right)):
                continue
            if (lex.is_word(low[:i]) if token[0].islower() else  # a word; capitalised, a common one or a name
                    lex.is_word(low[:i], GLUE_MIN_ZIPF) or i >= 3 and lex.is_word(right, GLUE_COMMON_ZIPF)):
                out.append(Site(a + i, a + i, b, GLUE, "replace", right, low[:i]))
                break
        if len(out) >= limit:
            break
    out.sort(key=lambda x: x.start)
    return out


def glued_to_mark(left: str) -> bool:
    """Whether a glued site's context is a closing mark or a figure (',and', '1998and').

    >>> glued_to_mark(","), glued_to_mark("7"), glued_to_mark("workers")
    (True, True, False)
    """
    return len(left) == 1 and (left in _GLUE_MARKS or left.isdecimal())


def _in_address(text: str, start: int, end: int) -> bool:
    """Whether the word after a '.' at [start, end) is part of a web or mail
    address ('www.usef.org', 'x@y.com', 'usef.org/x'), not a sentence glued to the last.

    >>> _in_address("see www.usef.org.", 12, 16), _in_address("the streets.and", 11, 15)
    (True, False)
    """
    chunk = _chunk(text, start, end).lower()
    return "://" in chunk or chunk.startswith("www.") or "@" in chunk or text[end:end + 1] == "/" or (
        text[end:end + 1] == "." and text[end + 1:end + 2].isalpha())


def page_sites(text: str, lex: Lexicon | None) -> list[Site]:
    """A page's sites: its symbols' (`find_sites`) and, on a page missing a
    common word after its spaces, the empty symbol's (`glued_sites`), in text order."""
    sites = find_sites(text)
    missing = missing_common_words(text, lex, sites)
    if missing:
        glued = glued_sites(text, lex, missing)
        if glued:
            sites = sorted(sites + glued, key=lambda s: s.start)
    return sites


def space_words(text: str) -> tuple[Counter, int]:
    """Lowercased words that follow a plain space (as `space_leads` gives
    them), and how many tokens there are.

    >>> c, n = space_words("Or else: the order, or\\nor")
    >>> sorted(c.items()), n
    ([(b'else', 1), (b'or', 1), (b'order', 1), (b'the ', 1)], 5)
    """
    low = text.lower()
    return Counter(space_leads(low)), low.count(" ") + 1


def space_leads(low: str, starts: frozenset[str] | None = None) -> list[bytes]:
    """The words right after a plain space in a lowercased text, as UTF-8
    (found at C speed on the bytes: a run of a-z and non-ASCII bytes, so a
    word may carry a non-ASCII mark that follows it, which `_prefix_counter`
    drops when it reads the word); with `starts`, only the words beginning
    with one of those. The first part of a compound is no such word: a
    filter that takes ' in ' leaves ' in-feed' ('in' is no counterexample).
    A word that a plain space and a letter follow carries that space
    (b'and '): there a filter that takes the space after its words would
    have struck (`after_counterexamples`); 'from/2015' and 'from $' it would
    not have.

    >>> space_leads("the café’s and 3 or_x in-feed")
    [b'caf\\xc3\\xa9\\xe2\\x80\\x99s ', b'and', b'or']
    >>> space_leads("the order and an orange or or-not", frozenset({"or", "o"}))
    [b'order ', b'orange ', b'or ']
    """
    pattern = _SPACE_LEAD if starts is None else _leads_starting(starts)
    return [w + sp for w, sp in pattern.findall(low.encode("utf-8", "surrogatepass"))]


def after_counterexamples(space: Counter, word: str) -> int:
    """How often `word` stands between plain spaces before a letter (from
    `space_leads`'s counts): where a filter that puts its symbol in place of
    the space after its words ('workers and|peasants') missed it.

    >>> after_counterexamples(Counter(space_leads("x from the x from/2015 from $ and from “a” from été")), "from")
    2
    """
    return space.get(word.encode("utf-8", "surrogatepass") + b" ", 0)


@functools.lru_cache(maxsize=1024)
def _leads_starting(starts: frozenset[str]) -> re.Pattern:
    """_SPACE_LEAD for the words with one of these starts (a site's word starts recur on a host)."""
    alts = "|".join(re.escape(st.encode("utf-8", "surrogatepass")).decode("latin-1") for st in sorted(starts))
    return re.compile(rb" ((?>(?:%s)[a-z\x80-\xff]*))(?!-[a-z])%s" % (alts.encode("latin-1"), _SPACE_AFTER))


# a word right after a plain space (lowercased UTF-8), not the first part of a compound ('in-feed')
# ...and the plain space after it, where a letter follows (a UTF-8 lead byte but those of marks: \xc2 starts
# Latin-1's '«', '°' and the no-break space, \xe2 the typographic quotes and dashes)
_SPACE_AFTER = rb"(?:(?=( )[a-z\xc3-\xe1\xe3-\xff])|)"
_SPACE_LEAD = re.compile(rb" ([a-z\x80-\xff]++)(?!-[a-z])" + _SPACE_AFTER)


# ------------------------------------------------------------ evidence
@dataclass
class Evidence:
    """What rule inference needs, from one page or pooled over a host."""

    sites: Counter        # (unit, mode, word lowercased, left) -> count
    space: Counter        # words after a plain space (`space_leads`: lowercased UTF-8) -> count
    tokens: int
    symbols: Counter = field(default_factory=Counter)  # each site symbol -> its occurrences in the text
    capitalised: Counter = field(default_factory=Counter)  # (unit, mode, word lowercased) -> glued capitalised
    start_tokens: Counter | None = None  # a host's: word start -> tokens of the pages that counted its space words

    def tokens_for(self, prefix: str) -> int:
        """The tokens the space words of a key were counted among."""
        if self.start_tokens is None:
            return self.tokens
        return max(self.start_tokens.get(prefix[:2], 0), 1)

    @classmethod
    def of_text(cls, text: str, sites: list[Site]) -> "Evidence":
        c = Counter((s.unit, s.mode, s.word.lower(), s.left) for s in sites)
        space, n = space_words(text) if sites else (Counter(), max(text.count(" "), 1))
        return cls(c, space, n, symbol_counts(text, sites), capitalised_sites(sites))


def space_starts(sites: list[Site]) -> frozenset[str]:
    """The starts of the words whose plain-space occurrences a page counts
    (`space_leads`) for its sites' keys: of the glued words, and of the words
    before `replace` sites (an `after` rule's keys); a one-letter word is its
    own start.

    >>> sorted(space_starts(find_sites("workers\\\\and peasants, bread a|butter")))
    ['a', 'an', 'bu', 'wo']
    """
    out = {s.word[:2].lower() for s in sites}
    out.update(s.left[:2] for s in sites if s.mode == "replace" and s.left.isalpha())
    return frozenset(out)


def capitalised_sites(sites: list[Site]) -> Counter:
    """(symbol, mode, word lowercased) -> how often the word is glued with a capital."""
    return Counter((s.unit, s.mode, s.word.lower()) for s in sites if s.word[:1].isupper())


def symbol_counts(text: str, sites: list[Site]) -> Counter:
    """How often each symbol of the sites stands in the text, glued or not.

    >>> symbol_counts("a\\\\b c\\\\d e\\\\ f", find_sites("a\\\\b c\\\\d e\\\\ f"))
    Counter({'\\\\': 3})
    """
    return Counter({u: text.count(u) for u in {s.unit for s in sites}})


def _prefix_counter(space: Counter, starts: set[str] | None = None):
    """Counts of the space-words (`space_leads`) that are, or begin with, a
    prefix; with `starts`, only prefixes beginning with one of those two
    letters are asked. Each word is read up to its first non-letter.

    >>> count = _prefix_counter(Counter({b"order": 2, b"or": 1, b"or\\xe2\\x80\\x94": 1, b"and": 5}), {"or"})
    >>> count("or", True), count("or", False), count("an", True)
    (2, 4, 0)
    """
    if starts is None:
        keys = list(space)
    else:
        lead = tuple(st.encode("utf-8", "surrogatepass") for st in starts)
        keys = [w for w in space if w.startswith(lead)]
    counts: Counter = Counter()
    for w in keys:
        m = ev.LETTER_RUN.match(w.decode("utf-8", "replace"))
        if m:
            counts[m.group()] += space[w]
    words = sorted(counts)
    cum = [0]
    for w in words:
        cum.append(cum[-1] + counts[w])

    def count(prefix: str, whole: bool) -> int:
        if whole:
            return counts.get(prefix, 0)
        lo = bisect.bisect_left(words, prefix)
        hi = bisect.bisect_left(words, prefix + "\U0010ffff")
        return cum[hi] - cum[lo]

    return count


def apostrophe_word(left: str, word: str, lexes: tuple[Lexicon, ...]) -> bool:
    """Whether `left'word` (lower case) is a word written with an apostrophe
    in one of the languages: a one-letter part (an elision, a clitic), a
    listed word, or a part that many listed words share (`apostrophe_parts`).
    A backslash before such an apostrophe is an escaped quote ("it\\'s"), no
    symbol standing for a space.

    >>> from webmend.lexicon.words import lexicon
    >>> en = (lexicon("en"),)
    >>> [apostrophe_word(l, w, en) for l, w in (("it", "s"), ("you", "ll"), ("chelsea", "s"), ("workers", "and"))]
    [True, True, True, False]
    """
    if len(left) < 2 or len(word) < 2:
        return True
    for lex in lexes:
        heads, tails = apostrophe_parts(lex)
        if word in tails or left in heads or lex.freq(f"{left}'{word}") > 0:
            return True
    return False


def infer_rules(evid: Evidence, lex: Lexicon | None, scope: str,
                known_by: tuple[Lexicon, ...] = (),
                explained: dict[str, float] | Callable[[], dict[str, float]] | None = None
                ) -> tuple[list[Rule], list[dict]]:
    """Rules with strong, consistent evidence, and the rejected groups (for
    --explain). A glued word is a known word when `lex` knows it, or one of
    `known_by` (the other languages of a host's pages). `explained`: forms
    another learned repair reads as other words, with how many of their
    occurrences it explains ('or' where 'for' lost its f): no
    counterexamples of a key that covers them. Given as a function, it is
    asked only for a key that its counterexamples alone make inconsistent."""
    lexes = tuple(x for x in (lex, *known_by) if x is not None)
    # an escaped apostrophe ("it\\'s") is no symbol for a space
    groups = symbol_groups(evid.sites, lambda unit, mode, word, left: mode == "replace" and unit[-1:] in tuple(QUOTE_LIKE)
                           and apostrophe_word(left, word, lexes))
    if not groups:
        return [], []
    rules, rejected = [], []
    viable = {}
    for group, items in groups.items():
        if group_viable(items):
            viable[group] = items
        elif sum(n for _, _, n in items) >= MIN_HITS:
            rejected.append(dict(symbol=group[0], mode=group[1], hits=0, counterexamples=0, gain=0.0,
                                 contexts=0, keys=[]))  # no key can gather enough hits
    if not viable:
        return rules, rejected
    count_leads = _prefix_counter(evid.space, {w[:2] for items in viable.values() for w, _, _ in items})
    letters = key_letters(lex) if lex is not None else ""
    for (unit, mode), items in viable.items():
        shapes = key_shapes if mode != AFTER else whole_shape
        spacing = strict_symbol(unit)  # anchored only by a missing word (ODD_SPACES, GLUE, DOUBLE_COLON)
        if unit == GLUE:  # the words glued to the page's symbols ('workers;and'), once
            elsewhere = Counter()
            for (u, _, w, _), n in evid.sites.items():
                if u != GLUE:
                    elsewhere[w] += n
        total = sum(n for _, _, n in items)
        g = min(max(total / evid.tokens, 1e-4), 0.5)
        keys: dict[tuple[str, bool], Key] = {}
        for word, left, n in items:
            known = not lexes or any(x.is_word(word, 1.5) for x in lexes)
            for k, whole in shapes(word, letters):
                key = keys.get((word[:k], whole))
                if key is None:
                    key = keys[(word[:k], whole)] = Key(unit, mode, word[:k], whole)
                key.hits += n
                key.contexts.add(left)
                key.known |= known
        for key in keys.values():
            # an `after` key's word is a counterexample between plain spaces, before a letter
            key.counter = (count_leads(key.prefix, key.whole) if mode != AFTER
                           else after_counterexamples(evid.space, key.prefix))
            if unit == GLUE:  # its word glued to a symbol ('workers;and') is missing after spaces for that symbol's sake
                key.counter += sum(n for w, n in elsewhere.items() if key.covers(w))
            if (explained is not None and mode != AFTER
                    and key.counter > MAX_COUNTER * key.hits >= MAX_COUNTER * MIN_KEY_HITS):
                if callable(explained):
                    explained = explained()
                key.counter = max(0, round(key.counter - sum(
                    n for form, n in explained.items() if (form == key.prefix if key.whole else form.startswith(key.prefix)))))
            h, c = key.hits, key.counter
            gain = h * math.log((1 - EPS) / g) + c * math.log(EPS / (1 - g))
            if lex is not None:
                f = lex.freq(key.prefix) if key.whole else _prefix_freq(lex, key.prefix)
                key.expected = evid.tokens_for(key.prefix) * f
                gain += ev.poisson_deficit(c, key.expected)
            key.gain = gain
        # each glued word is covered by its best consistent key
        chosen: dict[str, Key] = {}
        for word, _, _ in items:
            best = None
            for k, whole in shapes(word, letters):
                key = keys[(word[:k], whole)]
                if (key.hits < MIN_KEY_HITS or key.counter > MAX_COUNTER * key.hits or key.gain <= 0
                        or not key.known):  # a handle's start ('@NGRSenate'), not a filter's word
                    continue
                if all(any(ch.isdigit() for ch in left) for left in key.contexts):
                    continue  # glued only after figures: a unit ('0.03/kWh', '60/mph'), not a filter's word
                if spacing and (ev.poisson_deficit(key.counter, key.expected) < MIN_ANCHOR_DEFICIT
                                or unit != GLUE and not key.whole):
                    continue  # an odd space's or a glued token's key only where its word is missing after spaces
                    # (an odd space's, a whole word: no-break spaces stand before any word's start)
                if best is None or key.gain > best.gain:
                    best = key
            if best is not None:
                chosen[word] = best
        used = {id(k): k for k in chosen.values()}.values()
        hits = sum(n for w, _, n in items if w in chosen)
        contexts = {left for w, left, _ in items if w in chosen}
        gain = sum(k.gain for k in used)
        counter = sum(k.counter for k in used)
        anchor = any((ev.poisson_deficit(k.counter, k.expected) >= MIN_ANCHOR_DEFICIT and len(k.contexts) >= MIN_CONTEXTS)
                     or (not spacing and len(k.contexts) >= MIN_ANCHOR_CONTEXTS and k.hits >= 2 * MIN_ANCHOR_CONTEXTS)
                     for k in used)
        # (the words an `after` rule's symbol follows were lowercased by `find_sites`: a name's
        # capital, the word-list anchor's sign of a name, is not seen)
        anchor = anchor or mode != AFTER and not spacing and word_list_anchor(unit, mode, items, chosen, evid, lexes)
        known = (sum(n for w, _, n in items if w in chosen and any(x.is_word(w, 1.5) for x in lexes)) / max(hits, 1)
                 if lexes else 1.0)
        if unit == GLUE:  # the space deleted where a space must be too: after a comma, a stop, a figure
            # (a language's suffixes and compounds, 'sekadarnya', 'Krankenhausinformationen', never stand so)
            anchor = anchor and sum(n for w, left, n in items if w in chosen and glued_to_mark(left)) >= MIN_KEY_HITS
        ok = (hits >= MIN_HITS and len(contexts) >= MIN_CONTEXTS and gain >= MIN_RULE_GAIN
              and anchor and known >= MIN_KNOWN)
        entry = dict(symbol=unit, mode=mode, hits=hits, counterexamples=counter, gain=round(gain, 1),
                     contexts=len(contexts), keys=sorted(k.name for k in used))
        if ok and lexes:
            inside = inside_word_share([(w, left, n) for w, left, n in items if w in chosen], mode, lexes)
            if inside > MAX_INSIDE_SHARE:  # a mark that breaks words ('cir¬cumstances'), no space
                ok, entry["inside_words"] = False, round(inside, 2)
        if ok:
            singles = single_keys(unit, mode, items, chosen, count_leads, lexes, evid, g) if mode != AFTER else []
            rules.append(Rule(unit, mode, sorted(used, key=lambda k: -k.gain) + singles, gain, hits, counter,
                              len(contexts), scope))
        elif total >= MIN_HITS:
            rejected.append(entry)
    return rules, rejected


INSIDE_WORD_ZIPF = 2.5   # a joined form this usual is a word...
MAX_INSIDE_SHARE = 0.3   # ...and a symbol with more of its hits inside such words breaks words: no space


def inside_word_share(items: list[tuple[str, str, int]], mode: str, lexes: tuple[Lexicon, ...]) -> float:
    """The share of a group's hits (word, word before, count) where the symbol
    stands inside a word: the two sides join into a word of the language
    (INSIDE_WORD_ZIPF) as usual as its rarer side or more ('cir¬cumstances',
    'ma^chine': a line-end hyphen or a site's break mark). A filter's symbol
    stands between words, which seldom join into one ('workers\\and';
    'with\\in' is rarer than 'with').

    >>> from webmend.lexicon.words import lexicon
    >>> en = (lexicon("en"),)
    >>> inside_word_share([("cumstances", "cir", 2), ("chine", "ma", 1), ("and", "workers", 3)], "replace", en)
    0.5
    >>> inside_word_share([("in", "with", 4), ("and", "bread", 2)], "replace", en)
    0.0
    """
    inside = total = 0
    for word, other, n in items:
        joined = other + word if mode != AFTER else word + other
        total += n
        for lex in lexes:
            zj = lex.zipf(joined)
            if zj >= INSIDE_WORD_ZIPF and zj >= min(lex.zipf(word), lex.zipf(other)):
                inside += n
                break
    return inside / total if total else 0.0


@per_lexicon()
def key_letters(lex: Lexicon) -> str:
    """The letters that may stand as a filter's one-letter word: those of an
    alphabet (`Lexicon.alphabetic`), less the parts that follow an apostrophe
    in many of the language's words ('s', 't', 'd', 'm' in English: a symbol
    that an apostrophe became, 'Sweden�s', is no filter).

    >>> from webmend.lexicon.words import lexicon
    >>> letters = key_letters(lexicon("en")); "a" in letters, "s" in letters, key_letters(lexicon("ko"))
    (True, False, '')
    """
    if not lex.alphabetic:
        return ""
    tails = apostrophe_parts(lex)[1]
    return "".join(ch for ch in lex.alphabet if ch not in tails)


def key_shapes(word: str, letters: str = "") -> list[tuple[int, bool]]:
    """The keys that may cover a glued word, as (length, whole word): every
    start of two letters or more, and the word itself whole. A word of one
    letter, one of `letters` (an alphabet's: 'a' glued where a filter takes
    'a'; a Korean particle glued to a closing bracket is no such word), has
    only itself whole: a one-letter start would cover every word that begins so.

    >>> key_shapes("and"), key_shapes("a", "abc"), key_shapes("a")
    ([(2, False), (3, False), (3, True)], [(1, True)], [])
    """
    if len(word) == 1:
        return [(1, True)] if word in letters else []
    return [(k, False) for k in range(2, len(word) + 1)] + [(len(word), True)]


def whole_shape(word: str, letters: str = "") -> list[tuple[int, bool]]:
    """The one key that may cover the word before an `after` site: the word
    itself whole (a one-letter word only if one of `letters`, as `key_shapes`).

    >>> whole_shape("and"), whole_shape("a", "abc"), whole_shape("s", "abc")
    ([(3, True)], [(1, True)], [])
    """
    if len(word) == 1 and word not in letters:
        return []
    return [(len(word), True)]


MIN_LIST_KEYS = 3         # a filter's word list: this many keys glued every time...
MIN_LIST_CONTEXTS = 10    # ...in this many contexts together


def word_list_anchor(unit: str, mode: str, items, chosen: dict, evid: "Evidence", lexes) -> bool:
    """An anchor for a filter of rare words (SQL's 'select', 'delete',
    'update' in news): several keys whose words are glued every time they
    stand (no counterexample), always in lower case and known to the lexicon,
    each after more than one word, and together after many words of running
    text. Names and codes glued to a symbol ('AP/Getty', 'NBC/Universal',
    '/spln') are capitalised, unknown or always after the same word.

    >>> k = lambda p, before: Key("|", "replace", p, False, hits=4, contexts=set(before.split()))
    >>> keys = {"selected": k("sel", "the was has had"), "deleted": k("del", "been were are its"),
    ...         "updated": k("upd", "our their new old")}
    >>> from webmend.lexicon.words import lexicon
    >>> word_list_anchor("|", "replace", [(w, "x", 4) for w in keys], keys, Evidence(Counter(), Counter(), 1), (lexicon("en"),))
    True
    """
    spotless: dict[int, Key] = {}
    for word, _, _ in items:
        k = chosen.get(word)
        if k is None or k.counter or len(k.contexts) < 2 or evid.capitalised.get((unit, mode, word)):
            continue
        if not any(x.is_word(word, SINGLE_MIN_ZIPF) for x in lexes):
            return False  # a glued word no lexicon knows well: not a filter of words
        spotless[id(k)] = k
    contexts = set().union(*(k.contexts for k in spotless.values())) if spotless else set()
    return (len(spotless) >= MIN_LIST_KEYS and len(contexts) >= MIN_LIST_CONTEXTS
            and sum(c.isalpha() and c.islower() for c in contexts) >= 0.8 * len(contexts))


PURE_SHARE = 0.02        # share of a symbol's occurrences that may stand elsewhere than glued to a word
SINGLE_MIN_ZIPF = 3.0    # a word glued once is taken whole only when the lexicon knows it well


def single_keys(unit: str, mode: str, items, chosen: dict, count_space, lexes, evid: "Evidence", g: float) -> list[Key]:
    """Whole-word keys for the words an accepted rule's symbol is glued to only
    once ('European\\union' where 'union' occurs once): taken when the
    symbol stands nowhere but glued to words (at most PURE_SHARE of its
    occurrences elsewhere: a '\\' of a damaged page, not the '/' of dates and
    URLs), the word is known, and never follows a plain space here."""
    occurrences = evid.symbols.get(unit, 0)
    glued = sum(n for (u, _, _, _), n in evid.sites.items() if u == unit)
    if occurrences <= 0 or occurrences - glued > PURE_SHARE * occurrences:
        return []
    # a filter that lower-cased every word it hit did not glue a capitalised one ('Comcast/Xfinity')
    lowers = not any(evid.capitalised.get((unit, mode, w)) for w in chosen)
    out: dict[str, Key] = {}
    for word, left, n in items:
        if word in chosen or len(word) < 2 or word in out or count_space(word, True):
            continue
        if lowers and evid.capitalised.get((unit, mode, word)):
            continue
        if not any(x.is_word(word, SINGLE_MIN_ZIPF) for x in lexes):
            continue
        key = out[word] = Key(unit, mode, word, True, hits=n, contexts={left})
        key.gain = n * math.log((1 - EPS) / g)
    return list(out.values())


@per_lexicon(maxsize=65536)
def _prefix_freq(lex: Lexicon, prefix: str) -> float:
    return lex.prefix_freq(prefix)


# ------------------------------------------------------------ the step
def observe(doc: Document, stats: HostStats) -> None:
    """First pass: the page's glued sites and, if it has any, its space-words,
    in the text as the entities step will leave it (`entities.unescaped`)."""
    text = unescaped(doc.text)
    sites = page_sites(text, ev.page_lexicon(doc))
    stats.counter("escaping.tokens")["n"] += max(text.count(" "), 1)
    doc.notes[NOTE] = False  # for the second pass: whether the page may have rules of its own
    if not sites:
        return
    sites_seen = Counter((s.unit, s.mode, s.word.lower(), s.left) for s in sites)
    ev.add_capped(stats, "escaping.sites", Counter({"\x1f".join(k): v for k, v in sites_seen.items()}), SITES_CAP)
    ev.add_capped(stats, "escaping.symbols", symbol_counts(text, sites), SYMBOLS_CAP)
    capitalised = capitalised_sites(sites)
    if capitalised:
        ev.add_capped(stats, "escaping.capitalised", Counter({"\x1f".join(k): v for k, v in capitalised.items()}), SITES_CAP)
    low = text.lower()
    tokens = low.count(" ") + 1
    stats.counter("escaping.tokens")["with_sites"] += tokens
    # Counterexamples of a key are plain-space words that begin as the page's
    # glued words do: a page counts only those (a page that glues no 'or'
    # word says nothing of the filter that would have glued its ' or'), and
    # the tokens they were counted among, per word start.
    starts = space_starts(sites)
    if starts:
        ev.add_all_capped(stats, "escaping.space", space_leads(low, starts))
        ev.add_capped(stats, "escaping.start_tokens", dict.fromkeys(starts, tokens), SITES_CAP)
    doc.notes[NOTE] = could_be_rule(sites_seen)


NOTE = "escaping.page_may_have_rules"
SITES_CAP = 5000  # distinct glued sites a host keeps
# Pooled over a host's pages (in the engine's parent, page by page) the counters stay bounded too.
SYMBOLS_CAP = 500  # distinct site symbols a host counts the occurrences of
HostStats.caps.update({"escaping.sites": SITES_CAP, "escaping.space": ev.HOST_CAP, "escaping.symbols": SYMBOLS_CAP,
                       "escaping.capitalised": SITES_CAP, "escaping.start_tokens": SITES_CAP})


def host_evidence(stats: HostStats) -> Evidence:
    """The host's pooled evidence. A line that recurs on its pages (a related
    title, a footer: `evidence.recurring_lines`) gives its plain-space words
    as counterexamples once, not once a page: the site's software wrote it,
    not through the filter that damaged the author's text."""
    sites = Counter({tuple(k.split("\x1f")): v for k, v in stats.counter("escaping.sites").items()})
    capitalised = Counter({tuple(k.split("\x1f")): v for k, v in stats.counter("escaping.capitalised").items()})
    space = stats.counter("escaping.space")
    repeats: Counter = Counter()
    for line, extra in ev.recurring_lines(stats):
        for word in space_leads(line.lower()):
            if word in space:
                repeats[word] += extra
    if repeats:
        space = space - repeats
    return Evidence(sites, space, max(stats.counter("escaping.tokens")["with_sites"], 1),
                    stats.counter("escaping.symbols"), capitalised, stats.counter("escaping.start_tokens"))


def learn(doc: Document, res: Resources | None, sites: list[Site] | None = None) -> tuple[list[Rule], list[Site] | None]:
    """The rules for this page: from its host's pooled evidence when the host
    has several pages, else from the page alone (its `sites`, found here when
    not given, unless the first pass saw too few for a rule); and the page's
    sites, when they were found."""
    stats = res.host_stats(doc) if res is not None else None
    pooled = stats is not None and stats.pages > 1 and stats.counters.get("escaping.sites")
    if pooled:
        rules = _HOST_RULES.get(stats, lambda: _host_rules(stats, doc))
        if rules:
            return rules, sites
    if not doc.notes.get(NOTE, True):  # the first pass saw too few sites for a rule of the page's own
        return [], sites
    if sites is None:
        sites = page_sites(doc.text, ev.page_lexicon(doc))
    if not could_be_rule(Counter((s.unit, s.mode, s.word.lower(), s.left) for s in sites)):
        return [], sites
    from webmend.repair.lost_letters import explained_on_page

    rules, _ = infer_rules(Evidence.of_text(doc.text, sites), ev.page_lexicon(doc), "page",
                           explained=lambda: explained_on_page(doc, res))
    return rules, sites


def _host_rules(stats: HostStats, doc: Document) -> list[Rule]:
    """The host's rules, judged in the language of most of its words (a
    glued word counts as known in any language with a tenth of them): a
    Portuguese page on an English site shares the site's rules."""
    evid = host_evidence(stats)
    if not could_be_rule(evid.sites):
        return []
    langs = ev.host_languages(stats)
    if not langs:
        return infer_rules(evid, ev.page_lexicon(doc), "host")[0]
    main, *others = [lexicon(x) for x in langs]
    # 'or' after spaces where a site eats the f of 'for' is no counterexample of its filter's 'or'
    from webmend.repair.lost_letters import explained_forms

    return infer_rules(evid, main, "host", tuple(others), lambda: explained_forms(stats, main))[0]


_HOST_RULES = ev.HostCache()


def symbol_groups(sites: Counter, drop: Callable[[str, str, str, str], bool] | None = None
                  ) -> dict[tuple[str, str], list[tuple[str, str, int]]]:
    """The sites ((symbol, mode, word, word before) -> count) as (word, word
    before, count) items by symbol and mode; a `replace` site after a word of
    letters also as an `after` item (that word the key, a symbol after it),
    but for a strict symbol (typography keeps a word with the next by a
    no-break space, 'by\\u00a0Name', 'w\\u00a0domu'). `drop(symbol, mode,
    word, word before)`: the sites left out.

    >>> symbol_groups(Counter({("|", "replace", "and", "bread"): 2, ("\\t", "replace", "or", "x"): 1}))
    {('|', 'replace'): [('and', 'bread', 2)], ('|', 'after'): [('bread', 'and', 2)], ('\\t', 'replace'): [('or', 'x', 1)]}
    """
    groups: dict[tuple[str, str], list[tuple[str, str, int]]] = defaultdict(list)
    for (unit, mode, word, left), n in sites.items():
        if drop is not None and drop(unit, mode, word, left):
            continue
        groups[(unit, mode)].append((word, left, n))
        if mode == "replace" and left.isalpha() and not strict_symbol(unit):
            groups[(unit, AFTER)].append((left, word, n))
    return dict(groups)


def strict_symbol(unit: str) -> bool:
    """Whether a symbol makes a rule only where each key is a whole word
    missing after spaces, and no `after` rule: an odd space, none (a deleted
    space), a doubled colon ('by\u00a0Name', 'Foo::Bar' are typography and code).

    >>> [strict_symbol(u) for u in ("\\\\", "|", "\\t", "\\u00a0", "", "::")]
    [False, False, True, True, True, True]
    """
    return not unit.strip() or unit == DOUBLE_COLON


def group_viable(items: list[tuple[str, str, int]], whole: bool = False) -> bool:
    """Cheap gate for one group's (word, context, count) items: do the words
    a key could cover (sharing their first two letters, or with `whole` the
    word itself) gather enough hits in enough contexts? A key has two hits
    or more.

    >>> group_viable([("and", "x", 2), ("andes", "y", 1), ("and", "z", 1)]), group_viable([("and", "x", 3)])
    (True, False)
    >>> group_viable([("and", "x", 2), ("andes", "y", 1), ("and", "z", 1)], whole=True)
    False
    """
    buckets: dict = {}
    for word, left, n in items:
        if whole or len(word) >= 2:
            b = buckets.setdefault(word if whole else word[:2], [0, set()])
            b[0] += n
            b[1].add(left)
    hits, contexts = 0, set()
    for n, lefts in buckets.values():
        if n >= MIN_KEY_HITS:
            hits += n
            contexts |= lefts
    return hits >= MIN_HITS and len(contexts) >= MIN_CONTEXTS


def could_be_rule(sites: Counter) -> bool:
    """Cheap gate over a page's or host's sites (`group_viable` for each
    symbol and position, and for the words before `replace` sites, whole,
    as an `after` rule's keys).

    >>> s = lambda *words: Counter(("\\\\", "replace", w, f"x{i}") for i, w in enumerate(words))
    >>> could_be_rule(s("and", "and", "union")), could_be_rule(s("and", "and", "andes")), could_be_rule(s("s", "s", "t"))
    (False, True, False)
    >>> could_be_rule(Counter(("\\\\", "replace", w, "and") for w in ("peace", "war", "bread")))
    True
    """
    return any(group_viable(items, whole=mode == AFTER) for (_, mode), items in symbol_groups(sites).items())


def quote_symbol_runs(doc: Document, res: Resources | None) -> frozenset[int]:
    """Where a symbol ending in a quote stands for a space by the page's
    rules ('workers\\'and' on a site whose filter writes \\' for it): the
    start of each such run, for the magic-quotes step (backslashes.py),
    which must not read them as escaped quotes. Asked only of a page that
    has a backslash before a quote."""
    if "\\'" not in doc.text and '\\"' not in doc.text:
        return frozenset()
    rules = [r for r in learn(doc, res)[0] if r.unit[-1:] in tuple(QUOTES)]
    if not rules:
        return frozenset()
    changes, _, _ = repair_text(doc.text, rules, find_sites(doc.text, symbols=frozenset("\\")))
    return frozenset(c.start for c in changes)


def _tail_site(text: str, s: Site, unit: str) -> Site | None:
    """The site as `unit` alone when its run is other marks ending in `unit`
    ('@/the' where '/' stands for the space: '@' stays, glued to what precedes)."""
    run = text[s.start:s.sym_end]
    if s.unit == unit or not unit or not run.endswith(unit):
        return None
    k = len(run)
    while k >= len(unit) and run[k - len(unit):k] == unit:
        k -= len(unit)
    if k <= 0:
        return None
    return Site(s.start + k, s.sym_end, s.end, unit, "replace", s.word, run[:k])


def figure_sites(text: str, units: set[str]) -> list[Site]:
    """Where one of `units` stands between a word and a figure ('in/2016',
    'in|and|2 eggs'): no word is glued to it, so it is no site of
    `find_sites`, but where an `after` rule takes the word before it, the
    filter took the space after that word here too. The word must follow a
    space, a line's start or the symbol itself, outside URLs and paths
    ('x.org/in/2016' is a path; 'in/5.8 seconds' no file name).

    >>> t = "tour in/2020, see x.org/in/2016 and|3 in/5.8 s like||1978"
    >>> [(s.left, s.unit, t[s.start:s.sym_end]) for s in figure_sites(t, {"/", "|"})]
    [('in', '/', '/'), ('and', '|', '|'), ('in', '/', '/'), ('like', '|', '||')]
    """
    out = []
    for unit in units:
        u = re.escape(unit)
        for m in re.finditer(r"(?:(?<=\s)|^|(?<=%s))([^\W\d_]+)((?:%s)+)(?=\d)" % (u, u), text, re.M):
            if not urlish(_chunk(text, m.start(), m.end())):
                out.append(Site(m.start(2), m.end(2), m.end(2), unit, "replace", "", m.group(1).lower()))
    return sorted(out, key=lambda s: s.start)


def repair_text(text: str, rules: list[Rule], sites: list[Site] | None = None) -> tuple[list[Change], list, list[Site]]:
    """The changes the rules make to a text: each covered site's symbol run
    becomes a space (`replace`, `after`) or goes (`insert`). Returns the
    changes, the span of the repaired word inside each change (an `after`
    rule's change takes in the word before the symbol, its repaired word),
    and the sites left alone.

    >>> key = Key("|", AFTER, "and", True, hits=9)
    >>> changes, spans, _ = repair_text("bread and|butter", [Rule("|", AFTER, [key], 50.0, 9, 0, 5, "page")])
    >>> [(c.start, c.end, c.after) for c in changes], spans
    ([(6, 16, 'and butter')], [(0, 3, '|')])
    >>> both = [Rule("|", "replace", [Key("|", "replace", "and", True, hits=9)], 50.0, 9, 0, 5, "page"),
    ...         Rule("|", AFTER, [key], 50.0, 9, 0, 5, "page")]
    >>> changes, spans, _ = repair_text("bread|and|butter", both)
    >>> [(c.start, c.end, c.after) for c in changes], spans
    ([(5, 9, ' and'), (9, 16, ' butter')], [(1, 4, '|'), None])
    >>> [(c.start, c.end, c.after) for c in repair_text("bread|and|2 eggs", both)[0]]
    [(5, 9, ' and'), (9, 10, ' ')]
    """
    sites = find_sites(text) if sites is None else sites
    after_units = {r.unit for r in rules if r.mode == AFTER}
    if after_units:
        sites = sorted(sites + figure_sites(text, after_units), key=lambda s: s.start)
    changes, spans, left = [], [], []
    ends: list[tuple[int, str]] = []  # (change, symbol) of the changes before a word, for `closing_symbols`
    done = 0  # where the last change ended: an `after` change reaches back over the word before
    for s in sites:
        key = None
        for r in rules:
            key = r.key_for(s)
            if key is None:
                s2 = _tail_site(text, s, r.unit)
                if s2 is not None and (key := r.key_for(s2)) is not None:
                    s = s2
            if key is not None:
                break
        if key is None or s.start < done or key.mode == AFTER and s.start - len(s.left) < done < s.start:
            if s.word:  # (a figure's site, `figure_sites`, is no glued word left)
                left.append(s)  # (s.start < done: another split of a glued token that a change took)
            continue
        if key.mode == AFTER and done == s.start:  # the word before is the last change's: 'workers\\and\\peasants'
            start, after, span, where = s.start, " " + s.word, None, "after"
        elif key.mode == AFTER:
            start = s.start - len(s.left)
            after = text[start:s.start] + " " + s.word
            span = (0, len(s.left), s.unit)
            where = "after"
        else:
            start = s.start
            after = (" " if s.mode == "replace" else "") + s.word
            span = (len(after) - len(s.word), len(after), s.unit)
            where = "before"
        changes.append(Change(start, s.end, after, kind="escape",
                              evidence=f"{s.unit!r} stands for a space {where} {key.name}: {key.hits} hits, "
                                       f"{key.counter} counterexamples, gain {key.gain:.0f} nats ({r.scope})"))
        spans.append(span)
        if where == "before":
            ends.append((len(changes) - 1, s.unit))
        done = s.end
    for i, unit in closing_symbols(text, changes, ends):
        c = changes[i]
        changes[i] = Change(c.start, c.end + len(unit), c.after, kind=c.kind,
                            evidence=f"{c.evidence}; the filter closed the word with {unit!r} too")
    return changes, spans, left


CLOSING_MIN = 2       # repaired words a symbol closes on a page, at least...
CLOSING_SHARE = 0.8   # ...and this share of its repaired words


def closing_symbols(text: str, changes: list[Change], ends: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(change, symbol) of the repaired words that the filter's symbol closes
    too, before a space or a mark ('workers\\AND\\ peasants'): a filter that
    wraps its words. Only where it closes nearly all the words it opens
    (CLOSING_SHARE, CLOSING_MIN at least); a symbol glued to a word's end
    before a space is no prose.

    >>> t = "bread\\\\and\\\\ butter\\\\or\\\\ jam\\\\and\\\\, tea\\\\and\\\\ milk\\\\and coffee"
    >>> ch = [Change(m.start(), m.end(), " " + m.group(1)) for m in re.finditer(r"\\\\(and|or)\\b", t)]
    >>> closing_symbols(t, ch, [(i, "\\\\") for i in range(len(ch))])
    [(0, '\\\\'), (1, '\\\\'), (2, '\\\\'), (3, '\\\\')]
    """
    by_unit: dict[str, list[int]] = defaultdict(list)
    closed: dict[str, list[int]] = defaultdict(list)
    for i, unit in ends:
        if not unit or unit.isspace():
            continue
        by_unit[unit].append(i)
        e = changes[i].end
        after = e + len(unit)
        if text.startswith(unit, e) and (after == len(text) or text[after].isspace() or text[after] in _CLOSING):
            closed[unit].append(i)
    return [(i, unit) for unit, idx in closed.items()
            if len(idx) >= CLOSING_MIN and len(idx) >= CLOSING_SHARE * len(by_unit[unit]) for i in idx]


def repair_escaping(doc: Document, res: Resources) -> None:
    if not doc.text:
        return
    sites = None
    if NOTE not in doc.notes:  # no first pass: a page without sites is done
        sites = page_sites(doc.text, ev.page_lexicon(doc))
        if not sites and not (doc.title and SITE_RE.search(doc.title)):
            return
    rules, sites = learn(doc, res, sites)
    if not rules:
        return
    if sites is None:  # only the sites of the rules' symbols are looked for
        sites = find_sites(doc.text, symbols=frozenset("".join(r.unit for r in rules)))
    glue = [k for r in rules if r.unit == GLUE for k in r.keys]
    if glue:  # a glued token's one split that the rules' keys cover
        glued = glued_sites(doc.text, ev.page_lexicon(doc), frozenset(k.prefix for k in glue), glue)
        sites = sorted([x for x in sites if x.unit != GLUE] + glued, key=lambda x: x.start)
    if not sites and not (doc.title and SITE_RE.search(doc.title)):
        return
    for r in rules:
        doc.rules.append(ev.rule_entry(
            FAMILY, "the space before certain words deleted" if r.unit == GLUE else
            {"replace": f"{r.unit!r} in place of a space", AFTER: f"{r.unit!r} in place of the space after a word"
             }.get(r.mode, f"{r.unit!r} inserted after a space"),
            r.scope, keys=[k.name for k in r.keys][:20], hits=r.hits, counterexamples=r.counter,
            contexts=r.contexts, gain=r.gain))
    changes, spans, left = repair_text(doc.text, rules, sites)
    if changes:
        ev.replace_tracked(doc, changes, spans)
    units = {(r.unit, "replace" if r.mode == AFTER else r.mode) for r in rules}
    stray = Counter(s.word.lower() for s in left if (s.unit, s.mode) in units)
    for word, n in stray.most_common(5):
        doc.flags.append(f"escaping: {n} x symbol before {word!r} left as is (no consistent evidence)")
    if doc.title:
        tchanges, tspans, _ = repair_text(doc.title, rules)
        doc.meta["_learned_title_words"] = _apply_plain(doc, tchanges, tspans)


def _apply_plain(doc: Document, changes: list[Change], spans: list) -> list[tuple[int, int]]:
    """Apply changes to the title (no Edits); returns the repaired words' spans."""
    if not changes:
        return []
    parts, pos, out, acc = [], 0, [], 0
    for c, sp in sorted(zip(changes, spans), key=lambda x: x[0].start):
        parts.append(doc.title[pos:c.start])
        parts.append(c.after)
        new_start = c.start + acc
        if sp is not None:
            out.append((new_start + sp[0], new_start + sp[1]))
        acc += len(c.after) - (c.end - c.start)
        pos = c.end
    parts.append(doc.title[pos:])
    doc.title = "".join(parts)
    return out


STEP = Step("escaping", repair_escaping,
            "learned: a symbol standing for the space before certain words ('workers\\and' -> 'workers and')",
            family="repair", observe=observe)
