"""Backslash damage: slash-escaped quotes and literal escape sequences.

Slash quotes (PHP's magic quotes): every quote got a backslash (`It\\'s`,
`\\"word\\"`) and every backslash a second one. Undone only when the page shows
it consistently (escaped quotes, hardly any bare ones), and only what the
escaper did: `\\'`, `\\"` and `\\\\` lose one backslash per round of escaping;
any other backslash (`workers\\and`) is left for the learned repairs.

Literal escapes: text encoded twice as a string literal shows `\\n`, `\\t`,
`\\"` and `\\u2019` as characters. `\\uXXXX` (and `\\UXXXXXXXX`) is decoded
wherever it names a real non-ASCII character; a run of `\\xNN` where it is
the UTF-8 of real characters (a bytes object printed: `It\\xe2\\x80\\x99s`),
or, beside other proof, Latin-1 letters (`caf\\xe9`) and ASCII (`\\x27`);
`\\n` and company only on a page whose escapes are evidently structural
(at sentence ends, before capitals or other escapes, on a page without real
line breaks), and even then not where a backslash is glued before a
lower-case word that is a better word with the escape letter kept
(`the\\nation`, `was\\not`: the learned repairs' kind of damage).
"""
from __future__ import annotations

import re
import unicodedata

from webmend.document import Change, Document
from webmend.lexicon.words import lexicon
from webmend.pipeline import Step
from webmend.repair.escaping import quote_symbol_runs

# ---------------------------------------------------------------- slash quotes

_QUOTE_RUN = re.compile(r"\\+['\"]|\\{2,}")
_STRIP_ONE = re.compile(r"\\([\\'\"])")


def strip_slashes(run: str, rounds: int) -> str:
    """Undo `rounds` rounds of magic quotes on a run of backslashes and a quote.

    >>> strip_slashes("\\\\'", 1), strip_slashes("\\\\\\\\\\\\'", 2), strip_slashes("\\\\\\\\", 1)
    ("'", "'", '\\\\')
    """
    for _ in range(rounds):
        run = _STRIP_ONE.sub(r"\1", run)
    return run


def find_slash_quotes(text: str, skip: frozenset[int] = frozenset()) -> tuple[list[Change], dict | None]:
    """Changes undoing magic quotes, when the page shows them consistently;
    the runs starting at `skip` are no escaped quotes (a filter's symbol
    standing for a space, `escaping.quote_symbol_runs`): neither evidence
    nor undone.

    >>> ch, rule = find_slash_quotes('It\\\\\\'s a \\\\"test\\\\" of C:\\\\\\\\dir and workers\\\\and')
    >>> [c.after for c in ch], rule["rounds"]
    (["'", '"', '"', '\\\\'], 1)
    >>> find_slash_quotes("Soviet\\\\\\\\union and it's \\"fine\\"")[0]
    []
    >>> find_slash_quotes("odd \\\\\\\\'")[0]  # two backslashes before a quote: no round of escaping does that
    []
    """
    if "\\" not in text:
        return [], None
    runs = [m for m in _QUOTE_RUN.finditer(text) if m.start() not in skip]
    # a quote after 2**k - 1 backslashes is what k rounds of escaping make; other counts are no evidence
    quoted = [m for m in runs if m.group()[-1] in "'\"" and (len(m.group()) & (len(m.group()) - 1)) == 0]
    if not quoted:
        return [], None
    raw = text.count("'") + text.count('"') - text.count("\\'") - text.count('\\"')  # quotes without a backslash
    if raw * 4 > len(quoted):
        return [], None
    # n backslashes before a quote after k rounds: 2**k - 1; the page's depth is the least seen.
    least = min(len(m.group()) - 1 for m in quoted)
    rounds = max(1, (least + 1).bit_length() - 1)
    changes = []
    for m in runs:
        if m.group()[-1] in "'\"" and len(m.group()) - 1 != 2 ** rounds - 1:
            continue  # not what `rounds` rounds of escaping make of a quote: leave it
        after = strip_slashes(m.group(), rounds)
        if after != m.group():
            changes.append(Change(m.start(), m.end(), after, kind="slash_quote",
                                  evidence=f"{len(quoted)} slash-escaped quotes, {raw} bare ones"))
    rule = {"family": "escaping", "rule": f"magic quotes x{rounds}: \\' \\\" \\\\ unescaped", "hits": len(quoted),
            "counterexamples": raw, "rounds": rounds}
    return changes, rule


def repair_slash_quotes(doc: Document, res) -> None:
    """Undo magic quotes (`find_slash_quotes`), except where a learned
    escaping rule reads a backslash and a quote as a symbol standing for a
    space ('workers\\'and peasants' on a site that writes \\' for it)."""
    if "\\" not in doc.text:
        return
    changes, rule = find_slash_quotes(doc.text, quote_symbol_runs(doc, res))
    if changes:
        doc.replace(changes)
        if rule:
            doc.rules.append(rule)


# ---------------------------------------------------------------- literal escapes

_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?|U[0-9a-fA-F]{8}"
                     r"|x[0-9a-fA-F]{2}(?:\\x[0-9a-fA-F]{2})*|[\\nrt\"'/])")
_SIMPLE = {"n": "\n", "t": "\t", "r": "", '"': '"', "'": "'", "/": "/", "\\": "\\"}
# A '\n' that is plainly structure: after a sentence end or another escape, or
# before a capital, a digit, a quote, another escape or the end.
_STRUCTURAL_NL = re.compile(r"(?:(?<=[.!?:;\"”)\]])|(?<=\\n)|(?<=\\r))\\n|\\n(?=\\|[A-Z0-9\"“'(\[]|$)")


def _unicode_char(hi: str, lo: str | None) -> str | None:
    cp = int(hi, 16)
    if lo is not None and 0xD800 <= cp <= 0xDBFF:
        cp = 0x10000 + ((cp - 0xD800) << 10) + (int(lo, 16) - 0xDC00)
    if cp < 0x80 or 0xD800 <= cp <= 0xDFFF or cp > 0x10FFFF:
        return None
    ch = chr(cp)
    return ch if _real_char(ch) else None


def _real_char(ch: str) -> bool:
    """Not a control, unassigned, surrogate or private-use character."""
    return unicodedata.category(ch) not in ("Cc", "Cn", "Cs", "Co")


def hex_escapes(run: str) -> tuple[str | None, str]:
    """What a run of `\\xNN` escapes stands for, and how strong a sign it is:
    "utf-8" for the bytes of UTF-8 characters (a bytes object printed by
    Python: `It\\xe2\\x80\\x99s`; no text makes such a run by chance),
    "latin-1" for characters from U+00A0 to U+00FF (a string printed by
    Python: `caf\\xe9`), "ascii" for printable ASCII (`\\x27`, JavaScript's
    quote); None for anything else (control bytes, broken UTF-8).

    >>> hex_escapes(r"\\xe2\\x80\\x99"), hex_escapes(r"\\xe9"), hex_escapes(r"\\x27"), hex_escapes(r"\\xe2\\x80")
    (('’', 'utf-8'), ('é', 'latin-1'), ("'", 'ascii'), (None, ''))
    """
    data = bytes.fromhex(run.replace("\\x", ""))
    if max(data) < 0x80:
        return (data.decode("ascii"), "ascii") if all(0x20 <= b < 0x7F for b in data) else (None, "")
    if len(data) >= 2:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if all(map(_real_char, text)):
                return text, "utf-8"
    if all(b >= 0xA0 for b in data):
        return data.decode("latin-1"), "latin-1"
    return None, ""


_CLOSES = ".,;:!?)]"


def escaped_quotes_only(text: str) -> bool:
    """Whether the text's paragraphs are string literals of their own (JSON's:
    no single quote escaped): every double quote is backslash-escaped, and
    the escaped ones stand where quotes stand, opening a word after a space
    and closing one before a space or a mark (a filter's symbol glued
    between two words does neither).

    >>> escaped_quotes_only('He said \\\\"no,\\\\" and left. \\\\"Why?\\\\" she asked.')
    True
    >>> escaped_quotes_only('workers\\\\"and peasants\\\\"or soldiers'), escaped_quotes_only('\\\\"a\\\\" and "b"')
    (False, False)
    """
    n = text.count('\\"')
    if n < 2 or text.count('"') != n or "\\'" in text:  # magic quotes escape both (see `find_slash_quotes`)
        return False
    opening = closing = 0
    for m in re.finditer(r'\\"', text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if (before.isspace() or before in "([") and not after.isspace():
            opening += 1
        elif not before.isspace() and (after.isspace() or after in _CLOSES):
            closing += 1
    return opening >= 1 and closing >= 1 and opening + closing >= 0.8 * n


def _glued_word_escape(text: str, m: re.Match) -> bool:
    """True when `\\n` (or `\\t`, `\\r`) glued to a lower-case word reads better
    as the word with the letter kept ('the\\nation' -> 'nation'), i.e. it is the
    learned repairs' backslash-for-space damage, not an escape."""
    letter = m.group()[1]
    if m.start() == 0 or text[m.start() - 1].isspace():
        return False
    word = re.match(r"[a-z]+", text[m.end():m.end() + 40])
    if not word:
        return False
    en = lexicon("en")
    rest = word.group()
    joined = en.zipf(letter + rest)
    return joined >= 3.0 and joined >= en.zipf(rest)


def find_literal_escapes(text: str) -> tuple[list[Change], dict | None]:
    """Changes decoding literal escape sequences the page evidently carries.

    >>> ch, rule = find_literal_escapes("It\\\\u2019s here.\\\\nNext line.\\\\n\\\\nAnd the\\\\nation\\\\t\\\\\\"ok\\\\\\"")
    >>> "".join(c.after for c in ch), rule["structural_newlines"]
    ('’\\n\\n\\n\\t""', 3)
    >>> find_literal_escapes("the Soviet\\\\union and workers\\\\not rom")[0]
    []
    >>> "".join(c.after for c in find_literal_escapes("\\\\uc798\\\\ubabb\\\\ub41c and It\\\\xe2\\\\x80\\\\x99s")[0])
    '잘못된’'
    """
    if "\\" not in text:
        return [], None
    total_nl = text.count("\\n")
    structural = len(_STRUCTURAL_NL.findall(text)) if total_nl else 0
    literal_mode = structural >= 2 and ("\n" not in text or structural * 2 >= total_nl)
    quoted = not literal_mode and escaped_quotes_only(text)
    literal_mode = literal_mode or quoted
    unicode_hits = 0
    changes = []
    ascii_hex, lettered = [], []  # decoded only beside other proof (below)
    for m in _ESCAPE.finditer(text):
        s = m.group()
        kind_letter = s[1]
        if kind_letter == "x":
            ch, sign = hex_escapes(s)
            if sign == "utf-8":  # proof by itself
                unicode_hits += 2
            elif sign == "latin-1":
                unicode_hits += 1
            elif sign == "ascii":  # only beside other proof (below)
                ascii_hex.append(Change(m.start(), m.end(), ch, kind="literal_escape", evidence="\\x escape of ASCII"))
                continue
            else:
                continue
            changes.append(Change(m.start(), m.end(), ch, kind="literal_escape", evidence=f"\\x escapes of {sign}"))
        elif kind_letter == "U":
            ch = _unicode_char(s[2:10], None)
            if ch is None:
                continue
            unicode_hits += 1
            changes.append(Change(m.start(), m.end(), ch, kind="literal_escape", evidence="\\U escape of a non-ASCII character"))
        elif kind_letter == "u":
            hi = s[2:6]
            lo = s[8:12] if len(s) > 6 else None
            ch = _unicode_char(hi, lo)
            if ch is None and lo is not None:  # a lone escape followed by another
                ch, m_end = _unicode_char(hi, None), m.start() + 6
            else:
                m_end = m.end()
            if ch is None:
                continue
            change = Change(m.start(), m_end, ch, kind="literal_escape", evidence="\\u escape of a non-ASCII character")
            if not literal_mode and not any(c.isdigit() for c in hi):
                lettered.append(change)  # '\uface' may be a word after a backslash
                continue
            unicode_hits += 1
            changes.append(change)
        elif literal_mode:
            if kind_letter in "ntr" and _glued_word_escape(text, m):
                continue
            why = ("string literals: every double quote escaped, standing as quotes" if quoted else
                   f"literal escapes: {structural} structural \\n of {total_nl}")
            changes.append(Change(m.start(), m.end(), _SIMPLE[kind_letter], kind="literal_escape", evidence=why))
    if ascii_hex and (literal_mode or unicode_hits >= 2):
        changes += ascii_hex
    if lettered and unicode_hits >= 2:  # the page's other escapes show it escaped ('잘\ubabb된')
        changes += lettered
    changes.sort(key=lambda c: c.start)
    if not changes:
        return [], None
    if not literal_mode and unicode_hits < 2:
        # one \uXXXX alone counts only glued to a word ('It\u2019s', '\u201cOur')
        c = changes[0]
        if not (c.start > 0 and text[c.start - 1].isalnum() or c.end < len(text) and text[c.end].isalnum()):
            return [], None
    kinds = " (\\\" quotes, \\n ...)" if quoted else " (\\n, \\t, \\\" ...)" if literal_mode else " (\\uXXXX, \\xNN)"
    rule = {"family": "escaping", "rule": "literal escape sequences" + kinds,
            "hits": len(changes), "structural_newlines": structural}
    return changes, rule


MAX_ESCAPE_LEVELS = 3  # text encoded as a string literal up to this many times over


# A JSON escape whose backslash a filter took ('Itu2019s', 'cafu00e9'); a surrogate pair's halves both ('ud83dude00')
_STRIPPED = re.compile(r"u([0-9a-f]{4})(?:u(d[c-f][0-9a-f]{2}))?")
_HEX_RUN = re.compile(r"[0-9a-f]*")
MIN_STRIPPED = 3  # such escapes a page needs (a hash or an ID has one, in a run of hex)


def find_stripped_escapes(text: str) -> list[Change]:
    """Changes decoding JSON escapes whose backslash was taken ('Itu2019s' ->
    'It’s', 'u201cYesu201d' -> '“Yes”'): a 'u' and four hexadecimal digits
    standing for a character beyond ASCII (not a control, a surrogate alone or
    unassigned), not after '_' (a name in code). A page needs MIN_STRIPPED
    *plain* ones, neither after a digit nor before more hexadecimal digits
    ('a1u2019', 'u2019ab9f' in a hash); then those too are decoded
    ('60,000u20a9', 'u20182018' for '‘2018').

    >>> [c.after for c in find_stripped_escapes("Itu2019s a cafu00e9, u201cYesu201d, said u0041 in u20182018.")]
    ['’', 'é', '“', '”', '‘']
    >>> find_stripped_escapes("id u2019ab9f and u2019, u201c, 1u2019")
    []
    """
    found, plain = [], 0
    for m in _STRIPPED.finditer(text):
        start, end = m.span()
        if start and text[start - 1] == "_":
            continue
        ch = _unicode_char(m.group(1), m.group(2))
        if ch is None:
            continue
        found.append((m, ch))
        if not (start and text[start - 1].isdigit()) and not any(c.isdigit() for c in _HEX_RUN.match(text, end).group()):
            plain += 1
    if plain < MIN_STRIPPED:
        return []
    return [Change(m.start(), m.end(), ch, kind="literal_escape",
                   evidence=f"a JSON escape without its backslash ({len(found)} on the page)") for m, ch in found]


def repair_literal_escapes(doc: Document, res) -> None:
    """Decode the page's literal escapes, level by level: text encoded twice
    over ('\\\\n', '\\\\u2019') shows its next level once the first is
    decoded, and mending the mended text must change nothing. Then the JSON
    escapes a filter took the backslash of ('Itu2019s')."""
    for _ in range(MAX_ESCAPE_LEVELS):
        changes, rule = find_literal_escapes(doc.text)
        if not changes:
            break
        doc.replace(changes)
        if rule:
            doc.rules.append(rule)
    stripped = find_stripped_escapes(doc.text)
    if stripped:
        doc.replace(stripped)
        doc.rules.append({"family": "escapes", "rule": "JSON escapes without their backslash", "hits": len(stripped)})


LITERAL_ESCAPES = Step("literal_escapes", repair_literal_escapes,
                       "literal escape sequences of text encoded twice (\\u2019, \\xe2\\x80\\x99, and \\n \\t \\\" "
                       "on pages that show them)",
                       family="repair")
SLASH_QUOTES = Step("slash_quotes", repair_slash_quotes, "magic quotes: \\' \\\" \\\\ on pages escaped consistently",
                    family="repair")
