"""What a block of text shows about itself: length, end punctuation, stop-word
density, capitalised words, digits, script, chrome phrases.

A block is a line (or a paragraph) of a page. `block_features` is a pure
function from texts to `Features`, shared by the text path (this package) and
any HTML path that has its blocks' texts; it knows nothing of documents.

>>> f = block_features(["Home", "The soldiers crossed the river at night and waited for dawn."], lang="en")
>>> f[0].words, f[0].end_punct, f[1].words, f[1].end_punct, f[1].stop_ratio > 0.3
(1.0, False, 11.0, True, True)
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from webmend.annotate.dates import find_date
from webmend.boilerplate.lexicon import chrome_kind
from webmend.boilerplate.stopwords import SUFFIX_LANGS, _suffixes, stopwords

# Scripts a letter can belong to; a block is foreign when its letters are of a
# script other than the page's.
_SCRIPT_RANGES = [
    (0x0041, 0x024F, "latin"), (0x0370, 0x03FF, "greek"), (0x0400, 0x052F, "cyrillic"),
    (0x0590, 0x05FF, "hebrew"), (0x0600, 0x06FF, "arabic"), (0x0750, 0x077F, "arabic"),
    (0x0900, 0x097F, "devanagari"), (0x0980, 0x09FF, "bengali"), (0x0B80, 0x0BFF, "tamil"),
    (0x0E00, 0x0E7F, "thai"), (0x1100, 0x11FF, "hangul"), (0x1E00, 0x1EFF, "latin"),
    (0x3040, 0x30FF, "cjk"), (0x3130, 0x318F, "hangul"), (0x3400, 0x4DBF, "cjk"),
    (0x4E00, 0x9FFF, "cjk"), (0xAC00, 0xD7AF, "hangul"), (0xF900, 0xFAFF, "cjk"),
]
# Scripts written without spaces: every character counts as a fraction of a word.
_UNSPACED = frozenset({"cjk", "thai"})
CHARS_PER_WORD_UNSPACED = 1.7
MAX_DATE_LINE_WORDS = 20
MAX_BLOCK_CHARS = 100_000  # a longer "paragraph" is a blob (minified code, data), never prose
BLOB = "block too long to be prose"

_SENTENCE_END = frozenset(".!?。！？…؟।")
_CLOSERS = "\"'”’»)]）」』›*"
_INNER_SENTENCE = re.compile(r"[.!?。！？](?:[\"'”’»)]*)(?:\s+|(?=[^\s\d.]))\S")
_BULLET_FIRST = frozenset("•·●▪■□◆◇▶►▸›»-–—*+~0123456789")
_BULLET = re.compile(r"^(?:[•·●▪■□◆◇▶►▸›»\-–—*+~]|\d{1,2}[.)]\s)\s*")
_MAY_SEPARATE = re.compile(r"[|·•»›>:/]")
_SEPARATOR = re.compile(r"\s(?:\||·|•|»|›|>|>>|::|/)\s|\s?\|\s?")


def script_of(ch: str) -> str | None:
    """The script of a letter, or None for a character of no listed script.

    >>> script_of("a"), script_of("한"), script_of("Ж"), script_of("の"), script_of("1")
    ('latin', 'hangul', 'cyrillic', 'cjk', None)
    """
    o = ord(ch)
    if o < 0x41:
        return None
    for lo, hi, name in _SCRIPT_RANGES:
        if o < lo:
            return None
        if o <= hi:
            return name if ch.isalpha() else None
    return None


@dataclass(slots=True)
class Features:
    """What one block shows. `words` counts a spaced word as 1 and an unspaced
    script's characters as a fraction of a word each."""

    chars: int
    words: float
    alpha_words: int       # tokens of letters
    stop_ratio: float      # function words / words, -1 when the language has no list
    end_punct: bool        # ends a sentence (closing quotes and brackets aside)
    end_colon: bool
    sentences: int         # sentence ends inside the block, plus a final one
    cap_ratio: float       # capitalised / words of letters (cased scripts only)
    digit_ratio: float     # digits among the non-space characters
    script: str | None     # the script of most of its letters
    bullet: bool           # starts like a list item
    separators: int        # " | ", " › ", " / " ... between items
    chrome: str | None     # the kind of chrome phrase it contains, if any
    lower_start: bool      # starts with a lowercase letter (continues a sentence)
    date: bool             # a short block holding a date (a by-line, a post or comment header)
    headline_words: int    # capitalised words it starts with ("Man Bites Dog In Town" -> 5)
    table_row: bool        # cells separated by tabs


_SCRIPT_CACHE: dict[str, str] = {}


def _script(ch: str) -> str:
    sc = _SCRIPT_CACHE.get(ch)
    if sc is None:
        sc = _SCRIPT_CACHE[ch] = "digit" if ch.isdigit() else (script_of(ch) or "other")
    return sc


_WORD = re.compile(r"\w+")
_INITIAL = re.compile(r"(?<!\w)\w")
# bytes.translate table: every ASCII character that is not a word character (\w) becomes a space
_ASCII_NON_WORD = bytes(range(128)).translate(None, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_ASCII_NON_WORD_TO_SPACE = bytes.maketrans(_ASCII_NON_WORD, b" " * len(_ASCII_NON_WORD))
_ASCII_WORDS_LOWERCASED = bytes.maketrans(_ASCII_NON_WORD + b"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                          b" " * len(_ASCII_NON_WORD) + b"abcdefghijklmnopqrstuvwxyz")
_FIRST_UNSPACED = "\u0e00"  # any character from here on may be of an unspaced script
SCRIPT_SAMPLE_WORDS = 16
CASE_MIN_WORDS, CASE_MAX_WORDS = 3, 20  # where capitalisation is judged (title-like lines)
# str.translate tables deleting ASCII letters / capitals: what a count of them leaves
_ASCII_LETTERS_OUT = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER_OUT = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _ascii_word_stats(text: str, raw: bytes, stops: frozenset[str], suffixes: frozenset[str]):
    """`_word_stats` of an ASCII text (`raw`: its bytes), its words split in C,
    no regex: non-word characters become spaces, capitals lowercase."""
    ltoks = raw.translate(_ASCII_WORDS_LOWERCASED).decode("ascii").split()
    if not ltoks:
        return 0.0, 0, 0, 0, {}, 0, ltoks
    initials = "".join([w[0] for w in ltoks[:SCRIPT_SAMPLE_WORDS]])
    letters = len(initials) if initials.isalpha() else len(initials) - len(initials.translate(_ASCII_LETTERS_OUT))
    scripts: dict[str, int] = {"latin": letters} if letters else {}
    caps = cased = 0
    if CASE_MIN_WORDS <= len(ltoks) <= CASE_MAX_WORDS:
        firsts = "".join([w[0] for w in raw.translate(_ASCII_NON_WORD_TO_SPACE).decode("ascii").split()])
        caps = len(firsts) - len(firsts.translate(_ASCII_UPPER_OUT))
        cased = len(firsts) - len(firsts.translate(_ASCII_LETTERS_OUT))
    if suffixes:
        stop = len([w for w in ltoks if w in stops or (len(w) > 1 and w[-1] in suffixes)])
    else:
        stop = sum(map(stops.__contains__, ltoks)) if stops else 0
    return float(len(ltoks)), letters, stop, caps, scripts, cased, ltoks


def _word_stats(text: str, stops: frozenset[str], suffixes: frozenset[str]):
    """(words, alpha_words, stop hits, capitalised, script counts, cased words,
    lowercased words) of a text.

    Scripts are voted by the first letters of the first words; capitals are
    counted where they can tell (blocks of 3 to 20 words); a text with words
    of an unspaced script is counted character by character.

    >>> _word_stats("The Cat sat on 2 mats", stopwords("en"), frozenset())[:4]
    (6.0, 5, 2, 2)
    """
    if text.isascii():
        return _ascii_word_stats(text, text.encode("ascii"), stops, suffixes)
    ltoks = _WORD.findall(text.lower())
    if not ltoks:
        return 0.0, 0, 0, 0, {}, 0, ltoks
    initials = "".join([w[0] for w in ltoks[:SCRIPT_SAMPLE_WORDS]])
    scripts = {}
    if initials.isascii():
        letters = sum(map(str.isalpha, initials))
        if letters:
            scripts["latin"] = letters
    else:
        for ch in dict.fromkeys(initials):  # first met first: a tie goes to the first word's script
            sc = _script(ch)
            if sc != "digit":
                scripts[sc] = scripts.get(sc, 0) + initials.count(ch)
    alpha = sum(scripts.values())
    caps = cased = 0
    if CASE_MIN_WORDS <= len(ltoks) <= CASE_MAX_WORDS:
        firsts = "".join(_INITIAL.findall(text))
        caps = sum(map(str.isupper, firsts))
        cased = caps + sum(map(str.islower, firsts))
    if max(initials) < _FIRST_UNSPACED or _UNSPACED.isdisjoint(scripts):
        if suffixes:
            stop = len([w for w in ltoks if w in stops or (len(w) > 1 and w[-1] in suffixes)])
        else:
            stop = sum(map(stops.__contains__, ltoks)) if stops else 0
        return float(len(ltoks)), alpha, stop, caps, scripts, cased, ltoks
    words = 0.0
    stop = 0.0
    for tok in ltoks:
        sc = _script(tok[0])
        if sc in _UNSPACED:
            n = len(tok)
            words += n / CHARS_PER_WORD_UNSPACED
            if stops:
                stop += len([ch for ch in tok if ch in stops]) / CHARS_PER_WORD_UNSPACED
            continue
        words += 1
        if tok in stops or (suffixes and len(tok) > 1 and tok[-1] in suffixes):
            stop += 1
    return words, alpha, stop, caps, scripts, cased, ltoks


def _headline_words(text: str, limit: int = 12) -> int:
    """How many words at the start are capitalised (or a number, once), as
    in a headline written in title case; a second number ends them (a row
    of figures is no headline: 'DL Larry Ogunjobi 63 85% 1 tackle').

    >>> _headline_words("Tape Gaffe Ends Hamlin's Title RunDenny Hamlin's run was foiled.")
    7
    >>> _headline_words("Top 10 Things To Know Today"), _headline_words("DL Larry Ogunjobi 63 85% 1 tackle (1 combined).")
    (6, 4)
    """
    n = numbers = 0
    for w in text[:200].split(None, limit)[:limit]:  # the words of the first 200 characters
        w = w.lstrip("\"'“‘(")
        if not w or not (w[0].isupper() or w[0].isdigit()):
            break
        if w[0].isdigit():
            numbers += 1
            if numbers > 1:
                break
        n += 1
    return n


def features_of(text: str, lang: str | None = None) -> Features:
    """The features of one block (see `Features`)."""
    stops = stopwords(lang)
    suffixes = _suffixes(lang) if lang in SUFFIX_LANGS else frozenset()
    return _features(text, stops, suffixes, lang)


_STRIP_END = _CLOSERS + " "
_DIGIT = re.compile(r"\d")
_ASCII_DIGITS = b"0123456789"  # an ASCII text's \d and str.isdigit both
# four digits, a numeric date (1.3.21, 12/31/2021) or a CJK year: worth asking find_date
_DATE_DIGITS = re.compile(r"\d(?:\d{3}|\d?\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{2})")


def _date_like(t: str) -> bool:
    """Whether a text may hold a date (a cheap test before `find_date`).

    >>> _date_like("Jan 3, 2021"), _date_like("3.1.21"), _date_like("2021년"), _date_like("Call 555 12")
    (True, True, True, False)
    """
    return "년" in t or "年" in t or _DATE_DIGITS.search(t) is not None
HEADLINE_MIN_WORDS = 12  # shorter blocks are headings, not teasers


# The lines a post embedded in an article ends with: its photo link and its
# credit ('— NAME (@handle) November 15, 2019'), the oEmbed text of a post.
# The article's, not the page's chrome: no share button, no date line.
_EMBED_CREDIT = re.compile(r"^[—–-]\s*\S.{0,80}\(@\w{1,30}\)\s+\w+\.? \d{1,2}, \d{4}$")
_EMBED_PHOTO = re.compile(r"pic\.twitter\.com/\w+$")


def embedded_post_line(t: str) -> bool:
    """Whether a line is the credit or the photo link of a post embedded in the article.

    >>> embedded_post_line("— PFF CLE Browns (@PFF_Browns) November 15, 2019")
    True
    >>> embedded_post_line("*min. 25 snaps pic.twitter.com/PQqbN51wBW"), embedded_post_line("Follow us on Twitter @site")
    (True, False)
    """
    return _EMBED_CREDIT.match(t) is not None or _EMBED_PHOTO.search(t) is not None


def _features(text: str, stops: frozenset[str], suffixes: frozenset[str], lang: str | None) -> Features:
    t = text.strip()
    n = len(t)
    if n > MAX_BLOCK_CHARS:
        return Features(n, 0.0, 0, -1.0, False, False, 0, 0.0, 0.0, None, False, 0, BLOB, False, False, 0, False)
    if t.isascii():  # three blocks in four: words and digits counted on the bytes
        raw = t.encode("ascii")
        words, alpha, stop, caps, scripts, cased, ltoks = _ascii_word_stats(t, raw, stops, suffixes)
        head = raw[:400]
        digits = len(head) - len(head.translate(None, _ASCII_DIGITS))
        has_digit = digits > 0 or (n > 400 and _DIGIT.search(t, 400) is not None)
    else:
        words, alpha, stop, caps, scripts, cased, ltoks = _word_stats(t, stops, suffixes)
        has_digit = _DIGIT.search(t) is not None
        digits = sum(map(str.isdigit, t if n <= 400 else t[:400])) if has_digit else 0
    last = t.rstrip(_STRIP_END)[-1:]
    end = last in _SENTENCE_END
    embedded = ("@" in t or "pic.twitter.com/" in t) and embedded_post_line(t)  # a post the article embeds
    date = (has_digit and words <= MAX_DATE_LINE_WORDS and not embedded and _date_like(t)
            and find_date(t, lang) is not None)
    nonspace = n - t.count(" ")
    return Features(
        n,                                                           # chars
        words,
        alpha,                                                       # alpha_words
        (stop / words if words else 0.0) if stops else -1.0,         # stop_ratio
        end,                                                         # end_punct
        last == ":",                                                 # end_colon
        (len(_INNER_SENTENCE.findall(t)) if n > 40 else 0) + end,    # sentences
        caps / cased if cased else 0.0,                              # cap_ratio
        digits / min(nonspace, 400) if nonspace else 0.0,            # digit_ratio
        (next(iter(scripts)) if len(scripts) == 1 else max(scripts, key=scripts.__getitem__)) if scripts else None,
        t[:1] in _BULLET_FIRST and bool(_BULLET.match(t)),          # bullet
        len(_SEPARATOR.findall(t)) if n < 400 and _MAY_SEPARATE.search(t) else 0,  # separators
        None if embedded else chrome_kind(t, ltoks),                 # chrome
        t[:1].islower(),                                             # lower_start
        date,
        _headline_words(t) if words >= HEADLINE_MIN_WORDS else 0,   # headline_words
        "\t" in t and t.count("\t") >= 2,                            # table_row
    )


# Short blocks recur across pages (menus, buttons, footers, even across sites):
# their features are kept, per language, in a bounded cache.
CACHE_MAX_CHARS = 80
CACHE_SIZE = 50_000
_CACHE: dict[tuple[str | None, str], Features] = {}


def block_features(texts: list[str], lang: str | None = None) -> list[Features]:
    """Features of each block of a page, judged with the stop words of `lang`."""
    stops = stopwords(lang)
    suffixes = _suffixes(lang) if lang in SUFFIX_LANGS else frozenset()
    cache = _CACHE
    out = []
    for t in texts:
        short = len(t) <= CACHE_MAX_CHARS
        f = cache.get((lang, t)) if short else None
        if f is None:
            f = _features(t, stops, suffixes, lang)
            if short:
                if len(cache) >= CACHE_SIZE:
                    cache.clear()
                cache[(lang, t)] = f
        out.append(f)
    return out


def dominant_script(feats: list[Features]) -> tuple[str | None, float]:
    """The script of most of a page's words (weighted by words), and its share.

    >>> dominant_script(block_features(["Hello there my friend", "안녕"]))[0]
    'latin'
    """
    counts: dict[str, float] = {}
    for f in feats:
        if f.script:
            counts[f.script] = counts.get(f.script, 0.0) + f.words
    if not counts:
        return None, 0.0
    best = max(counts, key=counts.__getitem__)
    return best, counts[best] / sum(counts.values())
