"""Case set by a filter: certain words written in capitals, or capitalised,
wherever they stand ('workers AND peasants', 'bread And butter'), with no
symbol beside them. Learned, not listed: a common word of the language that
the page (or its host) writes mid-sentence only in one such case, three times
or more and never in lower case, on two words or more (a filter has a list;
one word alone may be an acronym the page never writes otherwise: 'US').
Each occurrence of such a word is lowered, or capitalised where it starts a
sentence; one inside a run of capitals ('TERMS AND CONDITIONS') stays.

A page is looked at only when one regex over it finds such a word, twice,
in capitals or capitalised right after a lower-case word or a comma.
"""
from __future__ import annotations

import functools
import re
from collections import Counter

from webmend.document import Change, Document
from webmend.lexicon import spelling
from webmend.lexicon.words import Lexicon, commonest, per_lexicon
from webmend.pipeline import HostStats, Resources, Step
from webmend.repair import evidence as ev
from webmend.repair.case import sentence_initial

FAMILY = "case"
MIN_OCCURRENCES = 3   # mid-sentence occurrences of a word, all in the filter's case
MIN_WORDS = 2         # words the filter's case shows on
MIN_ZIPF = 6.0        # the words are function words of the language (names are made of rarer ones: 'United States')
FORMS = ("upper", "title")
TITLE_TOP = 12        # the commonest words, one of which a capitalising filter's words must include
ACRONYM_PAGES = 3     # pages of a host a word that may be an acronym must stand in capitals on (see filter_words)
COUNTS_CAP = 5000     # (word, case) pairs and words a host counts (a few hundred words may be a filter's)
HostStats.caps["cased_words.*"] = COUNTS_CAP  # every language's counts, and their pages'


def form_of(word: str) -> str:
    """'upper', 'title', 'lower' or 'mixed'.

    >>> [form_of(w) for w in ("AND", "And", "and", "aNd")]
    ['upper', 'title', 'lower', 'mixed']
    """
    if word.isupper():
        return "upper"
    if word.islower():
        return "lower"
    if word[0].isupper() and word[1:].islower():
        return "title"
    return "mixed"


@per_lexicon()
def _commonest(lex: Lexicon) -> frozenset[str]:
    """The language's TITLE_TOP commonest words: one of a capitalising filter's words must be (a language
    may capitalise a common word by convention, Indonesian 'Anda', never one of these)."""
    return frozenset(lex.top(TITLE_TOP))


@per_lexicon()
def _filterable(lex: Lexicon) -> frozenset[str]:
    """The words that may be a filter's: common (zipf >= MIN_ZIPF) and written only in lower case by the dictionary."""
    return frozenset(w for w in commonest(lex.lang, MIN_ZIPF) if w.isalpha() and len(w) >= 2
                     and spelling.lower_case_only(w, lex.lang))


# A word in capitals or capitalised after a lower-case letter or a comma and a space (ASCII: the gate)
_MID_CASED = re.compile(r"[a-z,;] ([A-Z][A-Za-z]+)(?=[ ,.;:!?])")


def candidates(text: str, lex: Lexicon | None) -> set[str]:
    """The words that may be a filter's (`_filterable`) that the page
    writes in capitals or capitalised right after a lower-case word or a
    comma, twice or more in all (the gate: one regex).

    >>> from webmend.lexicon.words import lexicon
    >>> sorted(candidates("the workers AND peasants, Or the poor And the rich", lexicon("en")))
    ['and', 'or']
    """
    if lex is None or not lex.alphabetic:
        return set()
    common = _filterable(lex)
    found = [w for w in map(str.lower, _MID_CASED.findall(text)) if w in common]
    return set(found) if len(found) >= 2 else set()


def mid_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` follows a lower-case word or a comma on its line."""
    i = start - 1
    while i >= 0 and text[i] == " ":
        i -= 1
    return i >= 0 and i < start - 1 and (text[i].islower() or text[i] in ",;")


@functools.lru_cache(maxsize=256)
def _any_of(words: tuple[str, ...]) -> re.Pattern:
    """One of these words, whole, in any case."""
    return re.compile(r"\b(?:%s)\b" % "|".join(map(re.escape, words)), re.IGNORECASE)


def word_forms(text: str, words: set[str]) -> Counter:
    """(word, form) -> mid-sentence occurrences of each word, by its case
    form; a word the text writes in lower case after a space is counted
    once in lower case, and no further.

    >>> sorted(word_forms("a AND b, AND c and d. And e", {"and"}).items()), sorted(word_forms("a AND b, AND c", {"and"}).items())
    ([(('and', 'lower'), 1)], [(('and', 'upper'), 2)])
    """
    out: Counter = Counter()
    written = {w for w in words if f" {w} " in text}  # in lower case after a space: no filter's word here
    out.update({(w, "lower"): 1 for w in written})  # (one is enough to say so; the host's sum keeps it)
    words = set(words) - written
    if not words:
        return out
    for m in _any_of(tuple(sorted(words))).finditer(text):
        if mid_sentence(text, m.start()):
            out[(m.group().lower(), form_of(m.group()))] += 1
    return out


def filter_words(forms: Counter, lex, pages: Counter | None = None) -> tuple[str, list[str]]:
    """The case a filter wrote and its words: for each form, the words
    written so mid-sentence MIN_OCCURRENCES times or more and never
    otherwise, and that the language's dictionary writes only in lower case
    (a month, 'May', a name, 'Will', is no filter's); a form with
    MIN_WORDS such words or more, and for capitalised words one of the
    language's TITLE_TOP commonest among them (Indonesian writes 'Anda' and
    'Indonesia' capitalised, and its dictionary lists them in lower case)
    ('', [] when none, and for a language without a dictionary).
    A word the language's dictionary also writes in capitals ('US', 'OR',
    'WHO') is a filter's word in capitals only on a host that writes it so
    on ACRONYM_PAGES of its pages or more (`pages`: word -> pages): a page
    about the US may never say 'us', and its 'US' is the country; a
    filter's 'OR' stands on most pages.

    >>> from webmend.lexicon.words import lexicon
    >>> en = lexicon("en")
    >>> filter_words(Counter({("and", "upper"): 30, ("not", "upper"): 4, ("us", "upper"): 9}), en)
    ('upper', ['and', 'not'])
    >>> filter_words(Counter({("and", "title"): 9, ("or", "title"): 4, ("or", "lower"): 1}), en)
    ('', [])
    >>> filter_words(Counter({("and", "upper"): 30, ("not", "upper"): 4, ("or", "upper"): 9}), en, Counter({"or": 5}))
    ('upper', ['and', 'not', 'or'])
    """
    words = {w for w, _ in forms}
    for form in FORMS:
        mine = sorted(w for w in words if forms[(w, form)] >= MIN_OCCURRENCES
                      and sum(n for (x, f), n in forms.items() if x == w and f != form) == 0
                      and spelling.lower_case_only(w, lex.lang)
                      and not (form == "upper" and spelling.written_in_capitals(w, lex.lang)
                               and (pages is None or pages[w] < ACRONYM_PAGES)))
        if len(mine) >= MIN_WORDS and (form == "upper" or set(mine) & _commonest(lex)):
            return form, mine
    return "", []


def in_capitals(text: str, start: int, end: int) -> bool:
    """Whether the word at [start, end) stands between words in capitals
    ('TERMS AND CONDITIONS'; not 'NASA AND its').

    >>> t = "TERMS AND CONDITIONS, NASA AND its"
    >>> in_capitals(t, 6, 9), in_capitals(t, 27, 30)
    (True, False)
    """
    before = ev.LETTER_RUN.findall(text[max(0, start - 40):start])
    after = ev.LETTER_RUN.match(text, end + 1) if text[end:end + 1] == " " else None
    return bool(before and after) and all(len(w) >= 2 and w.isupper() for w in (before[-1], after.group()))


def repair_changes(text: str, form: str, words: list[str], lex) -> list[Change]:
    """The changes lowering the filter's words (capitalised where a sentence starts)."""
    out = []
    for m in _any_of(tuple(words)).finditer(text):
        w = m.group()
        if form_of(w) != form or (form == "upper" and in_capitals(text, m.start(), m.end())):
            continue
        new = w.capitalize() if sentence_initial(text, m.start(), lex) else w.lower()
        if new != w:
            out.append(Change(m.start(), m.end(), new, kind="case",
                              evidence=f"a filter writes {', '.join(words)} in {form} case wherever they stand"))
    return out


# ------------------------------------------------------------ the step
def observe(doc: Document, stats: HostStats) -> None:
    lex = ev.page_lexicon(doc)
    words = candidates(doc.text, lex)
    if words:
        forms = word_forms(doc.text, words)
        ev.add_capped(stats, f"cased_words.{lex.lang}", Counter({f"{w}\x1f{f}": n for (w, f), n in forms.items()}),
                      COUNTS_CAP)
        ev.add_capped(stats, f"cased_words.pages.{lex.lang}", Counter({w for (w, f) in forms if f == "upper"}),
                      COUNTS_CAP)


def learn(doc: Document, res: Resources | None, lex) -> tuple[str, list[str], str]:
    """(form, words, scope): the host's filter where it has several pages, else the page's."""
    stats = res.host_stats(doc) if res is not None else None
    if stats is not None and stats.pages > 1:
        pooled = stats.counter(f"cased_words.{lex.lang}")
        if not pooled:
            return "", [], "host"
        form, words = _HOST.get(stats, lambda: filter_words(
            Counter({tuple(k.split("\x1f")): v for k, v in pooled.items()}), lex,
            stats.counter(f"cased_words.pages.{lex.lang}")), lex.lang)
        return form, words, "host"
    return (*filter_words(word_forms(doc.text, candidates(doc.text, lex)), lex), "page")


_HOST = ev.HostCache()


def repair_cased_words(doc: Document, res: Resources) -> None:
    lex = ev.page_lexicon(doc)
    if not doc.text or lex is None or not lex.alphabetic:
        return
    form, words, scope = learn(doc, res, lex)
    if not words:
        return
    changes = repair_changes(doc.text, form, words, lex)
    if changes:
        doc.rules.append(ev.rule_entry(FAMILY, f"a filter writes certain words in {form} case", scope,
                                       keys=words, hits=len(changes)))
        doc.replace(changes)


STEP = Step("cased_words", repair_cased_words,
            "learned: common words a filter writes in capitals or capitalised wherever they stand ('workers AND peasants')",
            family="repair", observe=observe)
