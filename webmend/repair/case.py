"""Case: a word whose capitals the damage destroyed (the escaping filter and
the lost-letter damage lowercase what they touch) gets them back from the
page's own evidence and the word's position. Only words that a learned
repair rewrote are considered; every other word keeps its case.

In order of precedence:

1. the word kept capitals past its first letter ('orGANIZATION', the damage
   lowercased only its start) -> upper case throughout;
2. the word starts a sentence or a line -> capitalised ('. And', 'From');
3. the page's own undamaged evidence: how the same word is written
   mid-sentence elsewhere (Capitalised at least twice as often as lower-case,
   and at least twice, -> Capitalised; lower-case seen -> kept);
4. a proper-noun-phrase cue: the word before is capitalised mid-sentence, the
   word is not one of the language's most frequent words (zipf < 5.5, so
   'and', 'or' stay lower-case) and the pair repeats among the repairs or
   the next word is capitalised too ('Soviet Union', 'European Union').

Otherwise the word stays as the repair left it (lower-case).
"""
from __future__ import annotations

import functools
import re
from collections import Counter

from webmend.document import Change, Document
from webmend.lexicon.words import lexicon
from webmend.pipeline import Resources, Step
from webmend.repair import evidence as ev

FAMILY = "case"
FUNCTION_WORD_ZIPF = 5.5
NAME_RUN_ZIPF = 5.0
SUFFIX_LEN = 4
SUFFIX_MIN_WORD = 6
SUFFIX_SAMPLE = 300_000   # characters read for suffix habits (plenty; bounded on huge pages)
OPENERS = "\"'“‘«„([{¿¡*"
CLOSERS = "\"'”’»)]}"
MAX_WORDS_CHECKED = 40


def capitalise(word: str) -> str:
    return word[:1].upper() + word[1:]


def sentence_initial(text: str, start: int) -> bool:
    """Whether the word at `start` begins a sentence or a line.

    >>> t = "He left. and then (or so) U.S. and Co.\\nwhere"
    >>> [sentence_initial(t, t.index(w)) for w in ("and then", "or so", "and Co", "where")]
    [True, False, False, True]
    """
    i = start - 1
    while i >= 0 and text[i] in " \t" + OPENERS:
        i -= 1
    if i < 0 or text[i] == "\n":
        return True
    while i >= 0 and text[i] in CLOSERS:
        i -= 1
    if i < 0 or text[i] not in ".!?":
        return False
    if text[i] != ".":
        return True
    # an abbreviation's dot ('U.S.', 'e.g.', 'Co.') does not end a sentence
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "."):
        j -= 1
    prev = text[j:i]
    core = prev.replace(".", "")
    if "." in prev or len(core) <= 2 and core.isalpha():
        return False
    return True


def _prev_word(text: str, start: int) -> tuple[str, int]:
    """The word just before `start` (across spaces only) and its start."""
    i = start - 1
    while i >= 0 and text[i] == " ":
        i -= 1
    j = i + 1
    while i >= 0 and text[i].isalpha():
        i -= 1
    return text[i + 1:j], i + 1


def _next_word(text: str, end: int) -> str:
    i = end
    while i < len(text) and text[i] == " ":
        i += 1
    j = i
    while j < len(text) and text[j].isalpha():
        j += 1
    return text[i:j]


def page_forms(text: str, words: set[str], skip: set[int]) -> dict[str, Counter]:
    """How each word is written mid-sentence on the page, outside the repaired
    spans (whose starts are in `skip`): counts of 'lower' and 'capital'."""
    out: dict[str, Counter] = {}
    for w in list(words)[:MAX_WORDS_CHECKED]:
        c = Counter()
        for m in ev.find_word(text, w):
            if m.start() in skip or sentence_initial(text, m.start()):
                continue
            tok = m.group(0)
            if tok.islower():
                c["lower"] += 1
            elif tok[:1].isupper() and (len(tok) == 1 or not tok.isupper()):
                c["capital"] += 1
        out[w.lower()] = c
    return out


def decide(text: str, start: int, end: int, forms: dict[str, Counter], pairs: Counter, lex,
           suffixes: dict[str, Counter] | None = None) -> tuple[str, str]:
    """(new form, reason) for the repaired word at [start, end)."""
    word = text[start:end]
    if not word or not word[:1].isalpha():
        return word, ""
    rest = word[1:]
    if sum(ch.isupper() for ch in rest) >= max(2, len(rest) // 2):
        return word.upper(), "capitals kept past the damaged start"
    if word[:1].isupper():
        return word, ""
    if sentence_initial(text, start):
        return capitalise(word), "starts a sentence"
    f = forms.get(word.lower(), Counter())
    if f["capital"] >= 2 and f["capital"] >= 2 * f["lower"]:
        return capitalise(word), f"written capitalised {f['capital']}x mid-sentence on the page"
    if f["lower"]:
        return word, ""
    if suffixes is not None and len(word) >= SUFFIX_MIN_WORD:
        c = suffixes.get(word[-SUFFIX_LEN:].lower())
        if c and c["capital"] >= 5 and c["capital"] >= 4 * c["lower"]:
            return capitalise(word), f"words ending in {word[-SUFFIX_LEN:]!r} are capitalised on the page ({c['capital']}x)"
    prev, pstart = _prev_word(text, start)
    if _capitalised(prev) and not sentence_initial(text, pstart):
        zipf = _zipf(word, lex)
        nxt = _next_word(text, end)
        prev2, p2start = _prev_word(text, pstart)
        if zipf < FUNCTION_WORD_ZIPF and (pairs[(prev.lower(), word.lower())] >= 2 or _capitalised(nxt)):
            return capitalise(word), f"name: follows capitalised {prev!r}"
        if zipf < NAME_RUN_ZIPF and _capitalised(prev2) and p2start < pstart:
            return capitalise(word), f"name: ends the capitalised run {prev2 + ' ' + prev!r}"
    return word, ""


def _zipf(word: str, lex) -> float:
    """How common a word is: in the page's language, or in English, the web's
    lingua franca (an English name on a German page keeps its 'and')."""
    en = lexicon("en")
    return max(lex.zipf(word) if lex is not None else 0.0, en.zipf(word) if en is not None else 0.0)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


def suffix_forms(text: str, skip: set[int] = frozenset(), suffixes: frozenset[str] | None = None) -> dict[str, Counter]:
    """How words of 6+ letters are written mid-sentence on the page, by their
    last letters: a language that capitalises nouns shows it ('-ität', '-ung').
    With `suffixes` (lower-case), only words with those endings are looked at.

    >>> suffix_forms("die Universität, eine Kapazität und Qualität; die Zeit")["ität"]
    Counter({'capital': 3})
    >>> list(suffix_forms("die Universität, eine Kapazität und Qualität; die Zeitung", suffixes=frozenset({"tung"})))
    ['tung']
    """
    out: dict[str, Counter] = {}
    for m in (_MID_WORD if suffixes is None else _ending_in(suffixes)).finditer(text):
        if m.start(1) in skip or not m.start() or not (text[m.start() - 1].isalnum() or text[m.start() - 1] in ",;"):
            continue
        w = m.group(1)
        c = out.setdefault(w[-SUFFIX_LEN:].lower(), Counter())
        if w.islower():
            c["lower"] += 1
        elif _capitalised(w):
            c["capital"] += 1
    return out


_MID_WORD = re.compile(r" ([^\W\d_]{%d,})" % SUFFIX_MIN_WORD)


@functools.lru_cache(maxsize=256)
def _ending_in(suffixes: frozenset[str]) -> re.Pattern:
    """_MID_WORD for the words with one of these endings only (one scan, few matches)."""
    ends = "|".join(map(re.escape, sorted(suffixes)))
    return re.compile(r" ([^\W\d_]{%d,}(?i:%s))(?![^\W\d_])" % (SUFFIX_MIN_WORD - SUFFIX_LEN, ends))


def restore_case(doc: Document, res: Resources) -> None:
    spans = doc.meta.get(ev.TRACK) or []
    text = doc.text
    if spans:
        lex = ev.page_lexicon(doc)
        words = {text[s:e].lower() for s, e, *_ in spans if text[s:e].isalpha()}
        skip = {s for s, *_ in spans}
        forms = page_forms(text, words, skip)
        pairs = Counter((_prev_word(text, s)[0].lower(), text[s:e].lower()) for s, e, *_ in spans)
        endings = frozenset(text[s:e][-SUFFIX_LEN:].lower() for s, e, *_ in spans if e - s >= SUFFIX_MIN_WORD)
        suffixes = suffix_forms(text[:SUFFIX_SAMPLE], skip, endings) if endings else {}
        changes = []
        for s, e, *_ in spans:
            if not (0 <= s < e <= len(text)):
                continue
            new, why = decide(text, s, e, forms, pairs, lex, suffixes)
            if new != text[s:e]:
                changes.append(Change(s, e, new, kind="case", evidence=why))
        if changes:
            doc.replace(changes)
            doc.rules.append(ev.rule_entry(FAMILY, "capitals restored on repaired words", "page",
                                           hits=len(changes), words=len(spans)))
    doc.meta[ev.TRACK] = []
    _restore_title(doc)


def _restore_title(doc: Document) -> None:
    spans = doc.meta.pop("_learned_title_words", None)
    if not spans or not doc.title:
        return
    title = doc.title
    lex = ev.page_lexicon(doc)
    body_pairs = Counter()
    for s, e in spans:
        body_pairs[(_prev_word(title, s)[0].lower(), title[s:e].lower())] += 2  # a title repeats the body
    forms = page_forms(doc.text, {title[s:e].lower() for s, e in spans}, set())
    parts, pos = [], 0
    for s, e in sorted(spans):
        if not (0 <= s < e <= len(title)):
            continue
        new, _ = decide(title, s, e, forms, body_pairs, lex)
        parts.append(title[pos:s])
        parts.append(new)
        pos = e
    parts.append(title[pos:])
    doc.title = "".join(parts)


STEP = Step("case", restore_case,
            "learned: capitals the damage took from repaired words, from the page's evidence and position",
            family="repair")
