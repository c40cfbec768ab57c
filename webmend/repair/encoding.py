"""Encoding repairs: mojibake, invisible characters inside words, the lossy flag.

Mojibake is UTF-8 text decoded as Windows-1252 or Latin-1 (once or more):
'it’s' shows as 'itâ€™s', or 'itÃ¢â‚¬â„¢s' after a second round. A cheap
detector finds the byte patterns UTF-8 leaves behind (a lead character followed
by the right number of continuation characters); only those spans go through
ftfy, configured to fix the encoding and nothing else (no quote uncurling, no
width folding, no ligature splitting), so each repair is a small local Edit.

Invisible characters (soft hyphens, zero-width spaces, word joiners, stray
byte-order marks) inside a word are removed; elsewhere they are left alone
(a zero-width joiner inside an emoji, a zero-width space between Thai words).

Text whose non-ASCII characters were replaced by '?' (or U+FFFD) cannot be
restored: it is only flagged `lossy_encoding`.
"""
from __future__ import annotations

import functools
import re
from collections import Counter

from webmend.document import Change, Document
from webmend.pipeline import HostStats, Resources, Step, observed

# ---------------------------------------------------------------- mojibake

# What the bytes 0x80-0xBF (UTF-8 continuation bytes) become when read as
# Windows-1252, or as Latin-1 where Windows-1252 leaves a byte undefined.
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_CONT = "[\x80-\xbf" + _CP1252_HIGH + "]"
# A UTF-8 sequence read one byte per character: lead + 1, 2 or 3 continuations.
_SEQUENCE = re.compile(rf"(?:[\xc2-\xdf]{_CONT}|[\xe0-\xef]{_CONT}{{2}}|[\xf0-\xf4]{_CONT}{{3}})+")
_ANY_LEAD = re.compile(rf"[\xc2-\xf4]{_CONT}")  # the cheap detector: a lead and one continuation
# Leads that stand alone in ordinary Latin text (accented lower-case letters,
# ß, ×, Ø ...) are trusted only with support elsewhere on the page; 'Â', 'Ã',
# 'Ä', 'Å', 'Ð', 'Ñ' followed by a continuation are the classic mojibake.
_STRONG_LEAD = set("ÂÃÄÅÐÑ")


@functools.lru_cache(maxsize=1)
def _ftfy_config():
    from ftfy import TextFixerConfig

    return TextFixerConfig(unescape_html=False, remove_terminal_escapes=False, fix_encoding=True,
                           restore_byte_a0=False, replace_lossy_sequences=False,
                           decode_inconsistent_utf8=True, fix_c1_controls=False,
                           fix_latin_ligatures=False, fix_character_width=False, uncurl_quotes=False,
                           fix_line_breaks=False, fix_surrogates=False, remove_control_chars=False,
                           normalization=None, explain=False)


_BYTE_OF = {ch: b for b in range(0x80, 0x100) if (ch := bytes([b]).decode("cp1252", "ignore") or chr(b))}


def utf8_of(span: str) -> str:
    """The span's characters as the single bytes Windows-1252 (or Latin-1,
    where it leaves a byte undefined) gives them, decoded as UTF-8; the span
    itself when those bytes are no valid UTF-8 or decode to control characters.

    >>> utf8_of("ì–´ë–¤"), utf8_of("ê±´"), utf8_of("ìx")
    ('어떤', '건', 'ìx')
    """
    try:
        fixed = bytes(_BYTE_OF[ch] if ch in _BYTE_OF else ord(ch) for ch in span).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return span
    if any(ord(ch) < 32 or 0x7f <= ord(ch) < 0xa0 for ch in fixed):
        return span
    return fixed


@functools.lru_cache(maxsize=4096)
def decode_mojibake(span: str) -> str:
    """The text a mojibake span stood for, or the span itself if ftfy sees no fix.

    >>> decode_mojibake("â€™"), decode_mojibake("Ã¢â‚¬â„¢"), decode_mojibake("Ã©")
    ('’', '’', 'é')
    >>> decode_mojibake("â\\x80\\x99")  # read as Latin-1
    '’'
    """
    from ftfy import fix_encoding

    fixed = fix_encoding(span, _ftfy_config())
    # A span that decodes to control characters or replacement marks was not mojibake.
    if any(ord(ch) < 32 or 0x7f <= ord(ch) < 0xa0 or ch == "\ufffd" for ch in fixed):
        return span
    return fixed


def find_mojibake(text: str) -> list[Change]:
    """Changes that decode each mojibake span of `text`.

    A weak span (a single two-character sequence with a lead letter common in
    Latin text, like 'ß»') is repaired only when the page has other mojibake.

    >>> [c.after for c in find_mojibake("It‚Äôs")]  # Mac Roman, not ours
    []
    >>> [(c.start, c.after) for c in find_mojibake("cafÃ© and itâ€™s")]
    [(3, 'é'), (12, '’')]
    >>> find_mojibake("Fuß» und Åre")
    []
    """
    if text.isascii() or b"\xc3" not in text.encode("utf-8", "surrogatepass") or not _ANY_LEAD.search(text):
        return []  # no character of U+00C0-U+00FF (UTF-8 lead 0xC3), so no lead
    spans = [m for m in _SEQUENCE.finditer(text)]
    if not spans:
        return []
    strong = [m for m in spans if len(m.group()) > 2 or m.group()[0] in _STRONG_LEAD]
    if not strong:
        return []
    changes = []
    strong_set = {m.group() for m in strong}
    for m in spans:
        span = m.group()
        if len(spans) < 3 and m not in strong:
            continue
        fixed = decode_mojibake(span)
        if fixed == span and len(spans) >= 3 and span in strong_set:
            fixed = utf8_of(span)  # a page full of mojibake: what ftfy doubts ('ì–´ë–¤', its dash a byte) decodes whole
        if fixed != span:
            changes.append(Change(m.start(), m.end(), fixed, kind="mojibake",
                                  evidence=f"UTF-8 read as a single-byte charset ({len(spans)} spans on the page)"))
    return changes


# ---------------------------------------------------------------- mojibake of other charsets

# The other single-byte charsets ftfy knows how to undo (Cyrillic, Central
# European, Greek, Turkish, Baltic Windows code pages, Mac Roman, the DOS code
# page): in each, the characters UTF-8's lead and continuation bytes become.
OTHER_CHARSETS = ("sloppy-windows-1250", "sloppy-windows-1251", "sloppy-windows-1253", "sloppy-windows-1254",
                  "sloppy-windows-1257", "iso-8859-2", "macroman", "cp437")
OTHER_SHARE = 0.5   # of a page's non-ASCII characters, the share such sequences must cover
OTHER_MIN_SPANS = 3
OTHER_SAMPLE = 2000  # non-ASCII characters the cheap bound is counted over


def non_ascii(text: str) -> str:
    """The text's characters beyond ASCII, in order (taken out at C speed).

    >>> non_ascii("café – ok")
    'é–'
    """
    return text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")


def _foreign_left(text: str, changes: list[Change]) -> bool:
    """Whether the text, outside the Windows-1252 mojibake spans `changes`
    decodes, has a character neither Windows-1252 nor Latin-1 has: the page
    may be UTF-8 read as another charset, whose sequences Windows-1252 reads
    only in part ('â€ś' is '“' in Windows-1250; Windows-1252 has no 'ś').

    >>> t = "itâ€™s â€śgoodâ€ť"
    >>> _foreign_left(t, find_mojibake(t)), _foreign_left("itâ€™s cafÃ©", find_mojibake("itâ€™s cafÃ©"))
    (True, False)
    """
    pos, rest = 0, []
    for c in changes:
        rest.append(text[pos:c.start])
        pos = c.end
    rest.append(text[pos:])
    left = "".join(rest)
    return not left.isascii() and any(ord(ch) > 0xff and ch not in _BYTE_OF for ch in set(left))


class Charset:
    """How UTF-8 bytes look when read in one single-byte charset."""

    def __init__(self, name: str):
        import ftfy.bad_codecs  # noqa: F401  (registers the 'sloppy-' codecs)

        self.name = name
        char = {b: bytes([b]).decode(name, "replace") for b in range(0x80, 0x100)}
        self.byte_of = {ch: b for b, ch in char.items() if ch != "\ufffd"}
        conts = "".join(char[b] for b in range(0x80, 0xC0))
        self.leads = frozenset(char[b] for b in range(0xC2, 0xF5))
        self.conts = frozenset(conts)
        cls = "[%s]" % re.escape(conts)
        lead = lambda lo, hi: "[%s]" % re.escape("".join(char[b] for b in range(lo, hi + 1)))  # noqa: E731
        self.sequence = re.compile(rf"(?:{lead(0xC2, 0xDF)}{cls}|{lead(0xE0, 0xEF)}{cls}{{2}}|{lead(0xF0, 0xF4)}{cls}{{3}})+")

    def utf8_of(self, span: str) -> str | None:
        """The span's characters as this charset's bytes, decoded as UTF-8 (None if they are not UTF-8)."""
        try:
            fixed = bytes(self.byte_of[ch] if ord(ch) > 127 else ord(ch) for ch in span).decode("utf-8")
        except (KeyError, ValueError):
            return None
        return None if any(ord(ch) < 32 or 0x7f <= ord(ch) < 0xa0 for ch in fixed) else fixed


@functools.lru_cache(maxsize=None)
def charsets() -> tuple[Charset, ...]:
    return tuple(Charset(name) for name in OTHER_CHARSETS)


@functools.lru_cache(maxsize=None)
def _roles() -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
    """Character -> (the charsets it is a lead of, those it is a continuation of), by index."""
    out: dict[str, tuple[list, list]] = {}
    for i, cs in enumerate(charsets()):
        for ch in cs.leads:
            out.setdefault(ch, ([], []))[0].append(i)
        for ch in cs.conts:
            out.setdefault(ch, ([], []))[1].append(i)
    return {ch: (tuple(a), tuple(b)) for ch, (a, b) in out.items()}


def find_other_mojibake(text: str) -> tuple[list[Change], str | None]:
    """Changes that decode UTF-8 read as another single-byte charset than
    Windows-1252 ('Đ§Ń‚Đľ' for 'Что', cp1250; '‚Äôs' for '’s', Mac Roman),
    and the charset. A page qualifies only when such sequences cover most of
    its non-ASCII characters (OTHER_SHARE) and decode as UTF-8: clean Czech
    or Russian text has a few pairs that look like one, never most of its
    letters. Each span is decoded by ftfy, or from its bytes where ftfy
    doubts a span taken alone.

    >>> [c.after for c in find_other_mojibake("Đ§Ń‚Đľ Đ˛Đ°Ń\\x81 Đ˛Đ´ĐľŃ…Đ˝ĐľĐ˛Đ¸Đ»Đľ")[0]]
    ['Что', 'вас', 'вдохновило']
    >>> find_other_mojibake("It‚Äôs the cafÃ©, it‚Äôs ‚Äúgood‚Äù")[1]
    'macroman'
    >>> find_other_mojibake("Что вас вдохновило на создание"), find_other_mojibake("Příliš žluťoučký kůň úpěl")
    (([], None), ([], None))
    """
    rest = non_ascii(text)
    if len(rest) < 2 * OTHER_MIN_SPANS:
        return [], None
    sample = rest[:OTHER_SAMPLE]
    roles = _roles()
    leads, conts = [0] * len(charsets()), [0] * len(charsets())
    for ch, n in Counter(sample).items():
        role = roles.get(ch)
        if role:
            for i in role[0]:
                leads[i] += n
            for i in role[1]:
                conts[i] += n
    need = OTHER_SHARE * len(rest)
    for i, cs in enumerate(charsets()):
        # A sequence is a lead and one to three continuations: the counts of
        # each (in the first OTHER_SAMPLE non-ASCII characters) bound what
        # sequences can cover.
        lead, cont = leads[i], conts[i]
        if min(lead + cont, 2 * cont, 4 * lead) < OTHER_SHARE * len(sample) or min(lead, cont) < OTHER_MIN_SPANS:
            continue
        # The non-ASCII characters alone, run together, hold every sequence
        # and some false ones: a closer bound, scanned at a fraction of the
        # text's length.
        if sum(m.end() - m.start() for m in cs.sequence.finditer(rest)) < need:
            continue
        spans = list(cs.sequence.finditer(text))
        covered = sum(m.end() - m.start() for m in spans)
        if len(spans) < OTHER_MIN_SPANS or covered < OTHER_SHARE * len(rest):
            continue
        decoded = [(m, cs.utf8_of(m.group())) for m in spans]
        if sum(fixed is not None for _, fixed in decoded) < OTHER_SHARE * len(spans):
            continue
        changes = []
        for m, raw in decoded:
            fixed = decode_mojibake(m.group())
            if fixed == m.group():
                fixed = raw
            if fixed and fixed != m.group():
                changes.append(Change(m.start(), m.end(), fixed, kind="mojibake",
                                      evidence=f"UTF-8 read as {cs.name.replace('sloppy-', '')} "
                                               f"({len(spans)} spans, {covered}/{len(rest)} non-ASCII characters)"))
        if changes:
            return changes, cs.name
    return [], None


def repair_mojibake(doc: Document, res: Resources) -> None:
    """Windows-1252 (or Latin-1) mojibake, unless another charset's sequences
    cover more of the page: charsets share characters, so a page of UTF-8
    read as Windows-1250 also shows Windows-1252 spans, a part of its own."""
    changes, charset = find_mojibake(doc.text), "cp1252/latin-1"
    if not doc.text.isascii():
        cover = sum(c.end - c.start for c in changes)
        # Windows-1252 explains the page when its spans cover much of it and leave no character it lacks
        # (a span or two of it in a page of Mac Roman's '‚Äô' is a chance: 'Ä¶' of '‚Ä¶')
        if not changes or _foreign_left(doc.text, changes) or cover < OTHER_SHARE * len(non_ascii(doc.text)):
            other, name = find_other_mojibake(doc.text)
            if other and sum(c.end - c.start for c in other) > cover:
                changes, charset = other, name
    if changes:
        doc.replace(changes)
        doc.rules.append({"family": "encoding", "rule": f"mojibake: UTF-8 read as {charset.replace('sloppy-', '')}",
                          "hits": len(changes)})
    c1 = find_c1_controls(doc.text)
    if c1:
        doc.replace(c1)
        doc.rules.append({"family": "encoding", "rule": "C1 controls for Windows-1252 punctuation", "hits": len(c1)})


_C1 = re.compile("[\x80-\x9f]")


def find_c1_controls(text: str) -> list[Change]:
    """Changes reading the C1 control characters left in a text (once its
    mojibake is decoded) as the Windows-1252 characters of the same bytes:
    text in that charset read as Latin-1 ('don\\x92t' -> 'don’t',
    '\\x93Yes\\x94' -> '“Yes”'). No text means the controls themselves; the
    five bytes Windows-1252 leaves undefined stay.

    >>> [c.after for c in find_c1_controls("don\x92t \x93Yes\x94 \x81")]
    ['’', '“', '”']
    """
    if text.isascii() or not _C1.search(text):
        return []
    out = []
    for m in _C1.finditer(text):
        ch = bytes([ord(m.group())]).decode("cp1252", "ignore")
        if ch:
            out.append(Change(m.start(), m.end(), ch, kind="mojibake",
                              evidence="a C1 control: Windows-1252 text read as Latin-1"))
    return out


# ---------------------------------------------------------------- invisible characters

_LATIN_ISH = r"A-Za-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
# Soft hyphen, word joiner and byte-order mark inside any word; a soft hyphen
# before a line break marks a word split at the line end; zero-width space,
# non-joiner and joiner only between Latin/Greek/Cyrillic letters (in other
# scripts they do real work).
_INVISIBLE = re.compile(
    r"(?<=\w)\u00ad\n(?=\w)"
    r"|(?<=\w)[\u00ad\u2060\ufeff]+(?=\w)"
    rf"|(?<=[{_LATIN_ISH}])[\u200b\u200c\u200d\u00ad\u2060\ufeff]+(?=[{_LATIN_ISH}])")
_INVISIBLE_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"


SOFT_HYPHEN_SHARE = 0.03  # of a page's long words, the share soft hyphens must split to be damage
LONG_WORD = re.compile(r"[^\W\d_]{8,}")


def find_invisible(text: str) -> tuple[list[Change], int]:
    """Changes removing invisible characters from inside words, and how many
    soft hyphens were kept. A soft hyphen is also an author's (or a CMS's)
    hyphenation hint ('Not\\u00adfall\\u00addaten\\u00adsatz', invisible when
    rendered): soft hyphens inside words are taken out only when they split
    at least SOFT_HYPHEN_SHARE of the page's long words (damage strews them),
    or where a line break follows one; otherwise they are kept (and flagged).

    >>> [(c.start, c.end) for c in find_invisible("Not\\u00adfall da\\u200bta 🏳\\ufe0f\\u200d🌈")[0]]
    [(3, 4), (11, 12)]
    >>> page = "Laut Gesetz soll die Patientenakte den Not\\u00adfall\\u00addaten\\u00adsatz enthalten. " + "Verschiedene Informationen bleiben gespeichert. " * 20
    >>> find_invisible(page)
    ([], 3)
    """
    if text.isascii() or not any(ch in text for ch in _INVISIBLE_CHARS):
        return [], 0
    matches = list(_INVISIBLE.finditer(text))
    soft = [m for m in matches if m.group() == "\u00ad"]
    if soft:
        split = len({text.rfind(" ", 0, m.start()) for m in soft})  # words with a soft hyphen
        long_words = len(LONG_WORD.findall(text.replace("\u00ad", "")))
        if split < SOFT_HYPHEN_SHARE * max(long_words, 1):
            matches = [m for m in matches if m.group() != "\u00ad"]
        else:
            soft = []
    changes = [Change(m.start(), m.end(), "", kind="invisible",
                      evidence=f"U+{ord(m.group()[0]):04X} inside a word")
               for m in matches]
    return changes, len(soft)


def repair_invisible(doc: Document, res: Resources) -> None:
    changes, kept = find_invisible(doc.text)
    doc.replace(changes)
    if kept:
        doc.flags.append(f"invisible: {kept} soft hyphens inside words kept (too few to be damage: hyphenation hints)")


# ---------------------------------------------------------------- lossy encoding

_QUESTION_RUN = re.compile(r"\?+")
_URL_MARKS = ("/", "=", "www.", ".php", ".asp", "&")
_NON_ASCII_LETTER = re.compile(r"[^\x00-\x7f\W\d_]")
LOSSY_MIN_HITS = 3


def _in_url(text: str, pos: int) -> bool:
    """Whether the '?' at `pos` sits in a URL-like token (a query string)."""
    start = max(text.rfind(" ", 0, pos), text.rfind("\n", 0, pos)) + 1
    end = len(text)
    for sep in (" ", "\n"):
        i = text.find(sep, pos)
        if 0 <= i < end:
            end = i
    token = text[start:end]
    return any(mark in token for mark in _URL_MARKS)


def lossy_evidence(text: str, enough: int | None = None) -> int:
    """How many places show a character lost to '?' or U+FFFD (URLs excluded);
    with `enough`, counting stops once that many are found.

    >>> lossy_evidence("The caf? didn?t open ? it was ?closed?.")  # 'caf?' reads as a question
    3
    >>> lossy_evidence("Visit index.php?id=3 now? Yes? Maybe? x = a ? b : c")
    0
    """
    hits = 0 if text.isascii() else text.count("\ufffd")
    if "?" in text:
        for m in _QUESTION_RUN.finditer(text):
            if enough is not None and hits >= enough:
                break
            hits += _lost_char(text, m.start(), m.end())
    return hits


def _lost_char(text: str, start: int, end: int) -> bool:
    """Whether the run of '?' at [start, end) stands where characters were lost:
    between letters ('don?t'), alone between spaces ('2004 ? 2014', not a
    ternary 'a ? b : c'), opening a word ('?Hello'), or a word of its own
    ('??? ??'); never inside a URL."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before.isascii() and before.isalpha() and after.isascii() and after.isalpha():
        lost = end - start == 1
    elif before.isspace() and after.isspace() and end - start == 1:
        lost = " : " not in text[end:end + 60].split("\n", 1)[0]
    elif before.isspace():
        lost = (after.isascii() and after.isalpha()) or (end - start >= 2 and (after.isspace() or after in ".,"))
    else:
        lost = False
    return lost and not _in_url(text, start)


def _has_non_ascii_letters(text: str) -> bool:
    """Whether a non-ASCII letter stands in the text (found among its
    distinct non-ASCII characters, taken out at C speed).

    >>> _has_non_ascii_letters("“Quoted” – plain"), _has_non_ascii_letters("Ça va")
    (False, True)
    """
    if text.isascii():
        return False
    rest = non_ascii(text)
    return any(_NON_ASCII_LETTER.match(ch) for ch in set(rest))


_ASCII_BYTES = bytes(range(128))


def observe_lossy(doc: Document, stats: HostStats) -> None:
    """Per host: pages showing lost characters, and pages that are plain ASCII."""
    hits = doc.notes[LOSSY_NOTE] = lossy_evidence(doc.text, LOSSY_MIN_HITS)
    stats.add("lossy_pages", ["lossy" if hits >= LOSSY_MIN_HITS else "intact" if _has_non_ascii_letters(doc.text) else "ascii"])


LOSSY_NOTE = "lossy_flag.hits"


def flag_lossy(doc: Document, res: Resources) -> None:
    """Flag a page whose non-ASCII characters were replaced, never guess them back.

    A plain-ASCII page without enough evidence of its own is flagged too when
    its host's other pages show the loss and none of them kept a non-ASCII
    letter: the same lossy export served them all, so whatever non-ASCII the
    page had is gone too (the flag says the text may be lossy, nothing is edited)."""
    hits = observed(doc, LOSSY_NOTE)
    if hits is None:
        hits = lossy_evidence(doc.text, LOSSY_MIN_HITS)
    reason = None
    if hits >= LOSSY_MIN_HITS or "\ufffd" in doc.text:
        hits = lossy_evidence(doc.text)
        reason = f"{hits} characters replaced by '?' or U+FFFD"
    else:
        stats = res.host_stats(doc)
        if stats is not None and doc.text.isascii():
            pages = stats.counter("lossy_pages")
            if pages["lossy"] >= 2 and pages["intact"] == 0:
                reason = (f"host: {pages['lossy']} pages lost characters to '?', none kept any; "
                          f"this page is plain ASCII ({hits} '?' in words)")
    if reason:
        doc.lossy_encoding = True
        doc.flags.append(f"lossy_encoding: {reason}")


MOJIBAKE = Step("mojibake", repair_mojibake, "UTF-8 read as Windows-1252/Latin-1, once or twice (ftfy on the spans only)",
                family="repair")
INVISIBLE = Step("invisible", repair_invisible, "soft hyphens, zero-width characters inside words", family="repair")
LOSSY = Step("lossy_flag", flag_lossy, "flag pages whose non-ASCII characters were replaced by '?' (never guessed)",
             family="repair", observe=observe_lossy)
