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
   and at least twice, -> Capitalised; lower-case seen -> kept); then a
   name in camel case whose start the filter lowered ('orbitBeyond' ->
   'OrbitBeyond'; not 'iPhone', 'macOS': see `camel_case_name`);
4. the language's spelling dictionary (`lexicon/spelling.py`: Hunspell's
   stems and how each is written) has the word only capitalised: a name ('andrew',
   'indiana', 'orion') or a German noun ('inhalte'); asked only where the
   word's lower-case neighbours are words of that dictionary (a page's
   language guessed wrong is not believed);
5. the word stands in a title-cased line ('What Does Stadia offer?'), or
   after a first name and an initial ('Dianna E. anderson');
6. how the page writes words with the same ending mid-sentence: the longest
   ending (3 to 7 letters) the page shows at least twice, all capitalised,
   and the more often the shorter it is (a language that capitalises nouns:
   '-skette', '-ität', '-ung');
7. a noun's slot: the word the page puts right before the repaired word is
   followed by a capitalised word most of the time ('die', 'der', 'von' on
   a German page: NOUN_SLOT_MIN times at least, NOUN_SLOT_RATIO to one), or,
   if the page writes that word too rarely, the words sharing its last three
   letters are ('fehlende', 'übergreifende'); only followers that are common
   words of the page's language count (rare names, capitalised in every
   language, are left out), and none followed by a capitalised word (an adjective's slot:
   'der internationale Standard'); the repaired word itself is in no
   adjective's slot, and no ending of it is mostly lower-case on the page.
   A language that does not capitalise nouns writes its articles before
   lower-case words ('the'), so its words never pass. The same word is then
   capitalised at its other mid-sentence repairs too (a noun always is);
8. a proper-noun-phrase cue: the word before is capitalised mid-sentence, the
   word is not one of the language's most frequent words (zipf < 5.5, so
   'and', 'or' stay lower-case) and the next word is capitalised too, or the
   pair repeats among the repairs, or the word before is a common word
   (zipf >= 5: 'New', 'Blue') the page also writes in lower case, while the
   word before is no name on its own
   elsewhere on the page ('Soviet Union', 'European Union', 'New Orleans';
   not 'WeWork executives', where the page writes 'WeWork said').

9. the first word of a name: the next word is a name the page writes
   nowhere but right after the same repaired word, twice or more, and the
   repaired word is no function word ('new York'; see `starts_a_name`).

Then, for the words still lower-case: a compound's start, shared with two
words the page writes capitalised mid-sentence up to a joint
('informationsquelle' beside 'Informationskette', 'Informationssysteme';
see `compound_heads`).

Otherwise the word stays as the repair left it (lower-case).
"""
from __future__ import annotations

import functools
import os
import re
from collections import Counter

from webmend.document import Change, Document
from webmend.lexicon import spelling
from webmend.lexicon.words import lexicon
from webmend.pipeline import Resources, Step, observed
from webmend.repair import evidence as ev
from webmend.repair.evidence import find_word
from webmend.repair.lines import LONG_SHARE, WRAP_NOTE, host_wrap_width, line_indents, page_wrap_width

FAMILY = "case"
FUNCTION_WORD_ZIPF = 5.5
NAME_RUN_ZIPF = 5.0
SUFFIX_LEN = 4
SUFFIX_MIN_WORD = 6
SUFFIX_SAMPLE = 300_000   # characters read for suffix habits (plenty; bounded on huge pages)
OPENERS = "\"'“‘«„([{¿¡*"
CLOSERS = "\"'”’»)]}"
QUOTES = "\"'“‘«„"              # openers that open a quotation
MAX_WORDS_CHECKED = 40
SENTENCE_END_ZIPF = 6.0   # a two-letter word this frequent ends a sentence before a dot ('me.'); rarer ones abbreviate ('vs.')
NOUN_SLOT_MIN = 4         # followers of the word before (or of its ending) a noun's slot is judged on
NOUN_SLOT_RATIO = 3       # capitalised followers per lower-case one, at least
NOUN_SLOT_ZIPF = 2.0      # a follower counts if this common in the page's language (names left out)
NOUN_SLOT_LOOKUPS = 200   # words before repairs (and endings) a page's noun slots are counted for, at most
NOUN_SLOT_ENDING = 3      # letters of the word before that stand for it when the page writes it rarely
COMPOUND_START = 8        # letters a repaired word shares with capitalised compounds, at least
COMPOUND_TAIL = 4         # letters each goes on with past the shared start, at least
TITLE_LINE_MAX = 160      # characters: a title-cased line is a heading, not prose
ENDING_LENS = range(7, 2, -1)  # ending lengths tried, longest first
ENDING_EVIDENCE = 7       # words an ending of n letters needs, all capitalised: 7 - n (a short ending says less), 2 at least
NAME_PART_ZIPF = 5.0      # a word this common, capitalised mid-sentence, is part of a name ('New', 'Blue')
GLUE_ZIPF = 6.6           # the commonest words ('the', 'a', 'to'): a word followed by them is a function word,
                          # and no name, whatever a dictionary says (en_US has 'As', arsenic, and no 'as')
PAIR_SURE = 3             # a repaired pair this frequent is a name whatever else the page shows


def capitalise(word: str) -> str:
    return word[:1].upper() + word[1:]


def continues_wrapped_line(text: str, start: int, width: int | None) -> bool:
    """Whether the word at `start` opens a line that a hard wrap at `width`
    broke off mid-sentence: the line before (no blank line between) is as
    long as the page's wrapped lines are (`lines.LONG_SHARE` of the width or
    more, and no longer) and ends on a lower-case letter or a comma.

    >>> t = "It came, as the workers said, from the town\\nrom the north.\\nChapter two\\nFrom here."
    >>> [continues_wrapped_line(t, t.index(w) + 1, 44) for w in ("\\nrom", "\\nChapter", "\\nFrom")]
    [True, False, False]
    >>> continues_wrapped_line(t, t.index("\\nrom") + 1, None)
    False
    """
    if not width or start < 2 or text[start - 1] != "\n" or not (text[start - 2].islower() or text[start - 2] == ","):
        return False
    n = start - 1 - (text.rfind("\n", 0, start - 1) + 1)
    return LONG_SHARE * width <= n <= width


def sentence_initial(text: str, start: int, lex=None) -> bool:
    """Whether the word at `start` begins a sentence or a line.

    >>> t = "He left. and then (or so) U.S. and Co.\\nwhere it came to me. not vs. here, ‘low.’ ” instead. Isn’t. they"
    >>> [sentence_initial(t, t.index(w)) for w in ("and then", "or so", "and Co", "where", "not", "here", "instead", "they")]
    [True, False, False, True, True, False, True, True]
    >>> t = 'He said: “the plan is set,” and, "the rest" (the end)'
    >>> [sentence_initial(t, t.index(w)) for w in ("the plan", "the rest", "the end")]
    [True, False, False]
    """
    i = start - 1
    quoted = False
    while i >= 0 and text[i] in " \t" + OPENERS:
        quoted = quoted or text[i] in QUOTES
        i -= 1
    if i < 0 or text[i] == "\n" or quoted and text[i] == ":":
        return True  # a quotation opened after a colon starts a sentence ('said: “The'; after a comma, 40% do not)
    while i >= 0 and text[i] in CLOSERS + " ":  # closing quotes, perhaps spaced ('low.’ ”')
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
    if "." in prev:
        return False
    if j > 0 and text[j - 1] in "'’":
        return True  # a contraction ends the sentence ('aren’t.')
    if len(core) <= 2 and core.isalpha():  # 'Co.', 'vs.' abbreviate; a frequent word ('me.', 'it.') ends a sentence
        return core.islower() and _zipf(core, lex) >= SENTENCE_END_ZIPF
    return True


def after_colon(text: str, start: int) -> bool:
    """Whether the word at `start` follows a colon and a space ('right: the').

    >>> after_colon("He is right: the end", 13), after_colon("at 10:30 the", 9)
    (True, False)
    """
    return start >= 2 and text[start - 1] == " " and text[start - 2] == ":"


_DATELINE = re.compile(r"[A-ZÀ-Þ][A-ZÀ-Þ .'’-]{2,}(?:,[^—–\n]{0,30}?)?(?:\s*\([^()\n]{1,15}\))?\s*[—–-]+\s*")


def after_dateline(text: str, start: int) -> bool:
    """Whether the word at `start` follows a news dateline at the start of
    its line ('VIENNA — the house', 'HAYWARD, Calif. (AP) — the Latest'): a
    place in capitals, perhaps a region and an agency, then a dash. In the
    benchmark's articles, 25 of the 25 words after one (a web address aside)
    are capitalised.

    >>> t = "VIENNA — the house\\nHAYWARD, Calif. (AP) — the Latest\\nIt was — the end"
    >>> [after_dateline(t, m.start()) for m in re.finditer("the", t)]
    [True, True, False]
    """
    if start < 2 or text[start - 1] not in " —–-":
        return False
    line = text.rfind("\n", 0, start) + 1
    return start - line <= 60 and _DATELINE.fullmatch(text, line, start) is not None


COLON_HABIT = 2   # capitalised common words after a colon (and twice the lower-case ones) that show the habit


def colon_starts_sentences(text: str, skip: set[int], lex, cache: dict | None = None) -> bool:
    """Whether the page begins what follows a colon with a capital: of the
    common words (zipf >= FUNCTION_WORD_ZIPF) written after ': ' that no
    repair touched, COLON_HABIT or more capitalised and twice as many as in
    lower case. Authors differ ('right: The Chargers', 'right: the
    Chargers'); in the benchmark's articles, a page with the habit writes 41
    of its 44 such words capitalised, a page without it 26 of 59.

    >>> t = "Note: The one. Rule: It holds. Then: the end. Also: the rest"
    >>> colon_starts_sentences(t, {t.index("the end")}, lexicon("en")), colon_starts_sentences(t, set(), lexicon("en"))
    (True, False)
    """
    if cache is not None:
        if "colon" not in cache:
            cache["colon"] = colon_starts_sentences(text, skip, lex)
        return cache["colon"]
    upper = lower = 0
    for m in _AFTER_COLON.finditer(text):
        word = m.group(1)
        if m.start(1) in skip or _zipf(word.lower(), lex) < FUNCTION_WORD_ZIPF:
            continue
        if word[0].isupper() and not word.isupper():
            upper += 1
        elif word.islower():
            lower += 1
    return upper >= COLON_HABIT and upper >= 2 * lower


_AFTER_COLON = re.compile(r"[^\s:\d]: ([^\W\d_]+)")


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


NEIGHBOURS = 2            # lower-case words each side of a word that tell its language


def neighbours(text: str, start: int, end: int, span: int = 60) -> list[str]:
    """The lower-case words next to [start, end) (NEIGHBOURS each side, within
    `span` characters), which show what language the word stands in.

    >>> t = "Sheffield 19 points and 3 steals, Kelli Howard"
    >>> neighbours(t, t.index("and"), t.index("and") + 3)
    ['points', 'steals']
    """
    lo, hi = max(0, start - span), min(len(text), end + span)
    before = list(ev.LETTER_RUN.finditer(text, lo, start))
    if before and before[0].start() == lo > 0 and text[lo - 1].isalpha():
        before.pop(0)  # a word the window cuts
    after = list(ev.LETTER_RUN.finditer(text, end, hi))
    if after and after[-1].end() == hi < len(text) and text[hi].isalpha():
        after.pop()
    return ([m.group() for m in before if m.group().islower()][-NEIGHBOURS:]
            + [m.group() for m in after if m.group().islower()][:NEIGHBOURS])


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
           suffixes: dict[str, Counter] | None = None, skip: set[int] = frozenset(),
           alone: dict | None = None, slots: dict | None = None, wrap: int | None = None) -> tuple[str, str]:
    """(new form, reason) for the repaired word at [start, end); `skip` holds
    the starts of the other repaired words, `alone` caches `stands_alone`,
    `starts_a_name` and `after_abbreviation`, `slots` caches `noun_slot`
    counts (none asked without it); `wrap` is the width the page's lines were
    hard-wrapped at, if they were (a word opening a wrapped line mid-sentence
    starts no sentence)."""
    word = text[start:end]
    if not word or not word[:1].isalpha():
        return word, ""
    rest = word[1:]
    if sum(ch.isupper() for ch in rest) >= max(2, len(rest) // 2):
        return word.upper(), "capitals kept past the damaged start"
    if word[:1].isupper():
        return word, ""
    if (sentence_initial(text, start, lex) and not after_abbreviation(text, start, alone)
            and not continues_wrapped_line(text, start, wrap)):
        return capitalise(word), "starts a sentence"
    if after_colon(text, start) and colon_starts_sentences(text, skip, lex, alone):
        return capitalise(word), "follows a colon, after which the page writes capitals"
    if after_dateline(text, start):
        return capitalise(word), "starts the sentence after a dateline"
    f = forms.get(word.lower(), Counter())
    if f["capital"] >= 2 and f["capital"] >= 2 * f["lower"] and _zipf(word, lex) < GLUE_ZIPF:
        # (one of the commonest words capitalised mid-sentence is a title's, 'The Washington Post': no habit)
        return capitalise(word), f"written capitalised {f['capital']}x mid-sentence on the page"
    if f["lower"]:
        return word, ""
    if camel_case_name(word):
        return capitalise(word), "a name in camel case: the damage lowered only its start"
    if (lex is not None and spelling.capitalised_only(word, lex.lang) and lex.zipf(word.lower()) < GLUE_ZIPF
            and spelling.writes_in(neighbours(text, start, end), lex.lang)):
        return capitalise(word), "the language's spelling dictionary has it only capitalised"
    zipf = _zipf(word, lex)
    if title_case_line(text, start, end, lex, skip):
        return capitalise(word), "stands in a title-cased line"
    if zipf < FUNCTION_WORD_ZIPF and after_initial(text, start):
        return capitalise(word), "name: follows a first name and an initial"
    if suffixes is not None and len(word) >= SUFFIX_MIN_WORD:
        c = suffixes.get(word[-SUFFIX_LEN:].lower())
        if c and c["capital"] >= 5 and c["capital"] >= 4 * c["lower"]:
            return capitalise(word), f"words ending in {word[-SUFFIX_LEN:]!r} are capitalised on the page ({c['capital']}x)"
        ending, c = longest_ending(word, suffixes)
        if c is not None and c["capital"] >= max(2, ENDING_EVIDENCE - len(ending)) and not c["lower"]:
            return capitalise(word), f"words ending in {ending!r} are all capitalised on the page ({c['capital']}x)"
    prev, pstart = _prev_word(text, start)
    if slots is not None and zipf < FUNCTION_WORD_ZIPF and prev:
        why = noun_slot(text, start, end, prev, pstart, lex, skip, slots, suffixes)
        if why:
            return capitalise(word), why
    if _capitalised(prev) and not sentence_initial(text, pstart, lex):
        nxt = _next_word(text, end)
        prev2, p2start = _prev_word(text, pstart)
        if zipf < FUNCTION_WORD_ZIPF and (_capitalised(nxt) or _pair_is_name(text, prev, word, pairs, skip, alone)
                                          or _common_word_in_name(text, prev, lex, skip, alone)):
            return capitalise(word), f"name: follows capitalised {prev!r}"
        if (zipf < NAME_RUN_ZIPF and _capitalised(prev2) and p2start < pstart
                and not sentence_initial(text, p2start, lex) and not phrase_goes_on(text, f"{prev} {word}")):
            return capitalise(word), f"name: ends the capitalised run {prev2 + ' ' + prev!r}"
    nxt = _next_word_spaced(text, end)
    if (lex is not None and zipf < NAME_RUN_ZIPF and _capitalised(nxt) and spelling.unknown(word, lex.lang)
            and spelling.writes_in(neighbours(text, start, end), lex.lang)):
        return capitalise(word), f"name: a word the dictionary lacks, before capitalised {nxt!r}"
    if lex is not None and starts_a_name(text, start, end, lex, skip, alone):
        return capitalise(word), f"name: the page writes {_next_word(text, end)!r} only after it"
    return word, ""


def camel_case_name(word: str) -> bool:
    """Whether a lower-case start goes on into a capitalised part ('orbitBeyond',
    'youTube'): a name in camel case whose first capital a filter lowered
    with its word ('or', 'you'). A start of one letter ('iPhone', 'eBay') or a
    part in capitals after it ('macOS') is how such names are written.

    >>> [camel_case_name(w) for w in ("orbitBeyond", "youTube", "iPhone", "macOS", "android", "unionPay")]
    [True, True, False, False, False, True]
    """
    i = next((k for k, ch in enumerate(word) if ch.isupper()), 0)
    return i >= 2 and i + 1 < len(word) and word[i + 1].islower() and word[:i].isalpha()


def starts_a_name(text: str, start: int, end: int, lex, skip: set[int], cache: dict | None = None) -> bool:
    """Whether the repaired word at [start, end) is the first word of a name
    ('new York', 'new Zealand'):

    - the next word is a name: the language's spelling dictionary has it
      only capitalised, in a language that does not capitalise its nouns;
    - the page writes that name twice or more, each time right after the
      same repaired word, and nowhere else ('the new Ukrainian president'
      beside 'Ukrainian officials' is no name 'New Ukrainian');
    - the repaired word is no function word: not one of the language's
      commonest words itself (GLUE_ZIPF: 'the', 'and', 'from'; 'via Moscow
      and Paris' twice is no name 'And Paris'), and none of its repairs on
      the page is followed by one of them, as a preposition's or a
      conjunction's are ('into the', 'or a').

    `cache` (a dict) keeps the answer for each pair of words on the page.

    >>> t = "She moved to new York. In new York the rents are high."
    >>> starts_a_name(t, 13, 16, lexicon("en"), {13, 26}), starts_a_name(t + " York is big.", 13, 16, lexicon("en"), {13, 26})
    (True, False)
    """
    nxt = _next_word(text, end)
    if not (len(nxt) > 1 and nxt[0].isupper() and nxt[1:].islower() and text[end:end + 1] == " "):
        return False
    if not spelling.capitalised_only(nxt.lower(), lex.lang) or spelling.capitalises_nouns(lex.lang):
        return False
    word = text[start:end].lower()
    if lex.zipf(word) >= GLUE_ZIPF:
        return False
    if cache is not None:  # one answer per pair on a page (each scan reads the whole page)
        key = ("name", word, nxt)
        if key not in cache:
            cache[key] = starts_a_name(text, start, end, lex, skip)
        return cache[key]
    n = 0
    for m in re.finditer(r"(?<![\w-])%s(?![\w-])" % re.escape(nxt), text):
        prev, pstart = _prev_word(text, m.start())
        if pstart not in skip or prev.lower() != word:
            return False
        n += 1
    if n < 2:
        return False
    for m in re.finditer(r"(?<![\w-])%s(?![\w-])" % re.escape(word), text, re.IGNORECASE):
        if m.start() in skip and lex.zipf(_next_word(text, m.end()).lower()) >= GLUE_ZIPF:
            return False
    return True


def noun_slot(text: str, start: int, end: int, prev: str, pstart: int, lex, skip: set[int],
              cache: dict, suffixes: dict[str, Counter] | None = None) -> str:
    """Why the repaired word at [start, end), after `prev` (at `pstart`),
    stands where the page writes nouns capitalised ('' if it does not): see
    `slot_followers`; the word itself is not followed by a capitalised word
    (an adjective's slot), no ending of it is mostly lower-case on the page,
    and `prev` is lower-case or starts a sentence.

    >>> t = ("Die Daten der Praxis, der Arzt sagt, der Patient geht, der Befund kommt, "
    ...      "der Termin ist, der industrie fehlt, der internationale Standard.")
    >>> repaired = {t.index(w) for w in ("industrie", "internationale")}
    >>> [noun_slot(t, t.index(w), t.index(w) + len(w), "der", t.index(w) - 4, lexicon("de"), repaired, {})
    ...  for w in ("industrie", "internationale")]
    ["capitalised words follow 'der' on the page (5x, lower-case 0x)", '']
    """
    if not (prev.islower() or sentence_initial(text, pstart, lex)):
        return ""
    if _capitalised(_next_word_spaced(text, end)):
        return ""
    if suffixes:
        ending, c = longest_ending(text[start:end], suffixes)
        if c is not None and c["lower"] > c["capital"]:
            return ""
    low = prev.lower()
    key = ("word", low)
    if key not in cache:
        if len(cache) >= NOUN_SLOT_LOOKUPS:
            return ""  # bounded work on a page with many repairs
        sample = cache.setdefault(("sample",), text[:SUFFIX_SAMPLE])
        cache[key] = slot_followers(text, find_word(sample, low), skip, lex)
    c, what = cache[key], repr(prev)
    if c["capital"] + c["lower"] < NOUN_SLOT_MIN and len(prev) > NOUN_SLOT_ENDING + 1:
        ending = low[-NOUN_SLOT_ENDING:]
        key = ("ending", ending)
        if key not in cache:
            words = (m for m in _ending_words(ending).finditer(text, 0, SUFFIX_SAMPLE) if m.group().islower())
            cache[key] = slot_followers(text, words, skip, lex)
        c, what = cache[key], f"words ending in {ending!r}"
    if c["capital"] >= NOUN_SLOT_MIN and c["capital"] >= NOUN_SLOT_RATIO * c["lower"]:
        return f"capitalised words follow {what} on the page ({c['capital']}x, lower-case {c['lower']}x)"
    return ""


def slot_followers(text: str, matches, skip: set[int], lex) -> Counter:
    """How the page writes the word right after each match (a space between):
    'capital' and 'lower' counts, of followers no repair touched (starts not
    in `skip`), common in the page's language (zipf >= NOUN_SLOT_ZIPF: names
    left out) and not followed by a capitalised word themselves.

    >>> t = "der Arzt kam, der neue Arzt, der Xqzvw said, der Befund"
    >>> slot_followers(t, find_word(t, "der"), set(), lexicon("de"))
    Counter({'capital': 2})
    """
    out = Counter()
    for m in matches:
        i = m.end()
        if i >= len(text) or text[i] != " ":
            continue
        j = i + 1
        k = j
        while k < len(text) and text[k].isalpha():
            k += 1
        if k == j or j in skip or (k < len(text) and (text[k].isalnum() or text[k] in "-_")):
            continue
        follower = text[j:k]
        form = "lower" if follower.islower() else "capital" if _capitalised(follower) else None
        if form is None or _capitalised(_next_word_spaced(text, k)):
            continue
        if (lex or lexicon("en")).zipf(follower.lower()) < NOUN_SLOT_ZIPF:
            continue
        out[form] += 1
    return out


@functools.lru_cache(maxsize=256)
def _ending_words(ending: str) -> re.Pattern:
    """Lower-case words of five letters or more ending in `ending`, a space after them."""
    return re.compile(r"(?<![\w-])[^\W\d_]{2,}%s(?= )" % re.escape(ending))


def _next_word_spaced(text: str, end: int) -> str:
    """The word after `end` if one space alone separates them ('' otherwise)."""
    if end >= len(text) or text[end] != " ":
        return ""
    j = k = end + 1
    while k < len(text) and text[k].isalpha():
        k += 1
    return text[j:k]


_DOT_BEFORE = re.compile(r"([^\W\d_]{1,4})\.[\"'”’)\]\s]*$")


def after_abbreviation(text: str, start: int, cache: dict | None = None) -> bool:
    """Whether the word at `start` follows a short capitalised word and a dot
    that the page uses as an abbreviation elsewhere: before a number or a
    lower-case word ('Nov. 12', 'Inc. said'), so 'Nov. that' goes on a sentence.

    >>> t = "on Nov. 12 and on Nov. that day. Then in May. the rest"
    >>> after_abbreviation(t, t.index("that")), after_abbreviation(t, t.index("the rest"))
    (True, False)
    """
    m = _DOT_BEFORE.search(text, max(0, start - 12), start)
    if m is None or not _capitalised(m.group(1)):
        return False
    key = ("abbreviation", m.group(1))
    if cache is not None and key in cache:
        return cache[key]
    pattern = re.compile(r"(?<![\w.])%s\. (?=\d|[^\W\d_])" % re.escape(m.group(1)))
    found = any(text[x.end()].isdigit() or text[x.end()].islower()
                for x in pattern.finditer(text) if x.end() != start)
    if cache is not None:
        cache[key] = found
    return found


def _common_word_in_name(text: str, prev: str, lex, skip: set[int], alone: dict[str, int] | None) -> bool:
    """Whether `prev` is a common word of the language that the page writes
    in lower case elsewhere, here capitalised mid-sentence, and never ending
    a name: the first part of a name ('New orleans', 'Blue origin'), not a
    word always capitalised ('Earth orbit', 'American companies') nor a noun
    of a language that capitalises them ('Patienten intensiv' where the page
    has 'Patienten sind').

    >>> t = "a new car, New orleans, the Earth orbit, blue sky. Blue origin"
    >>> repaired = {t.index(w) for w in ("orleans", "orbit", "origin")}
    >>> [_common_word_in_name(t, w, None, repaired, None) for w in ("New", "Earth", "Blue")]
    [True, False, True]
    """
    if len(prev) < 2 or _zipf(prev, lex) < NAME_PART_ZIPF:
        return False
    low = prev.lower()
    if re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(low), text) is None:
        return False
    return not _alone(text, prev, skip, alone)


def _alone(text: str, prev: str, skip: set[int], alone: dict[str, int] | None) -> int:
    """`stands_alone`, cached in `alone`."""
    if alone is None:
        return stands_alone(text, prev, skip)
    if prev not in alone:
        alone[prev] = stands_alone(text, prev, skip)
    return alone[prev]


def _pair_is_name(text: str, prev: str, word: str, pairs: Counter, skip: set[int], alone: dict[str, int] | None) -> bool:
    """Whether the repaired pair 'prev word' repeats as a name: often, or
    twice while `prev` never stands alone before a lower-case word."""
    n = pairs[(prev.lower(), word.lower())]
    if n >= PAIR_SURE:
        return True
    return n >= 2 and not _alone(text, prev, skip, alone) and not phrase_goes_on(text, f"{prev} {word}")


def phrase_goes_on(text: str, pair: str) -> bool:
    """Whether every occurrence of `pair` goes on with the same lower-case
    word: the repeat is a lower-case phrase's ('Registrazione originale
    rimasterizzata' twice), not a name's ('European union stressed',
    'European union's').

    >>> phrase_goes_on("Registrazione originale rimasterizzata (Vinile), Registrazione originale rimasterizzata", "Registrazione originale")
    True
    >>> phrase_goes_on("the European union stressed; the European union's", "European union")
    False
    >>> phrase_goes_on("the European union stressed", "European union")  # once says nothing
    False
    """
    followers, seen = set(), 0
    i = text.find(pair)
    while i >= 0 and len(followers) < 2:
        nxt = _next_word_spaced(text, i + len(pair))
        if not nxt.islower() or (i and text[i - 1].isalnum()):
            return False
        followers.add(nxt)
        seen += 1
        i = text.find(pair, i + 1)
    return seen >= 2 and len(followers) == 1


_LINE_WORD = re.compile(r"(?<![\w'’])[^\W\d_]{2,}")


def title_case_line(text: str, start: int, end: int, lex=None, skip: set[int] = frozenset()) -> bool:
    """Whether the word at [start, end) stands in a short title-cased line:
    the line's other words (its first, acronyms and the other repaired words
    in `skip` aside) are all capitalised, two at least. A frequent word
    ('of', 'the') is capitalised only where the line capitalises frequent
    words too ('What Does Stadia offer?', not 'The Rise of the Machines').

    >>> t = "What Does Stadia offer?\\nThe Rise of the Machines\\nIt was an offer we took."
    >>> [title_case_line(t, t.index(w), t.index(w) + len(w)) for w in ("offer", "of the", "the Mach", "offer we")]
    [True, False, False, False]
    """
    lo = text.rfind("\n", max(0, start - TITLE_LINE_MAX), start) + 1
    hi = text.find("\n", end, end + TITLE_LINE_MAX)
    if (lo == 0 and start > TITLE_LINE_MAX) or hi < 0 and len(text) - end > TITLE_LINE_MAX:
        return False  # no line start or end near: prose, not a heading
    hi = len(text) if hi < 0 else hi
    others = [m.group() for m in list(_LINE_WORD.finditer(text, lo, hi))[1:]
              if m.start() != start and m.start() not in skip and not m.group().isupper()]
    if len(others) < 2 or not all(_capitalised(w) for w in others):
        return False
    word = text[start:end]
    return _zipf(word, lex) < FUNCTION_WORD_ZIPF or any(_zipf(w, lex) >= FUNCTION_WORD_ZIPF for w in others)


_INITIAL = re.compile(r"([^\W\d_]{2,}) ([^\W\d_])\. $")


def after_initial(text: str, start: int) -> bool:
    """Whether the word at `start` follows a capitalised word and an initial ('Dianna E. anderson').

    >>> t = "by Dianna E. anderson and the U.S. and E. coli"
    >>> after_initial(t, t.index("anderson")), after_initial(t, t.index("and E")), after_initial(t, t.index("coli"))
    (True, False, False)
    """
    m = _INITIAL.search(text, max(0, start - 40), start)
    return m is not None and m.group(2).isupper() and _capitalised(m.group(1)) and m.group(1)[1:].islower()


def stands_alone(text: str, name: str, skip: set[int] = frozenset()) -> int:
    """How often the page writes `name` right before a lower-case word that
    no repair touched (starts in `skip`): a name complete on its own ('WeWork
    said'), not the first half of one ('Soviet' before the repaired 'union').

    >>> stands_alone("WeWork said so; WeWork executives; the Soviet union", "WeWork"), stands_alone("the Soviet union", "Soviet", {11})
    (2, 0)
    """
    n = 0
    for m in re.finditer(r"(?<![\w-])%s (?=[^\W\d_])" % re.escape(name), text):
        if text[m.end()].islower() and m.end() not in skip:
            n += 1
    return n


def longest_ending(word: str, endings: dict[str, Counter]) -> tuple[str, Counter | None]:
    """The longest ending of `word` (ENDING_LENS, and three letters shorter
    than the word at most) that `endings` shows at least twice, with its counts.

    >>> longest_ending("informationskette", {"ette": Counter(capital=2), "kette": Counter(capital=1)})
    ('ette', Counter({'capital': 2}))
    """
    low = word.lower()
    for n in ENDING_LENS:
        if n <= len(low) - 3:
            c = endings.get(low[-n:])
            if c is not None and c["capital"] + c["lower"] >= 2:
                return low[-n:], c
    return "", None


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
    With `suffixes` (lower-case, three to seven letters), only words with
    those endings are looked at (of five letters or more), counted under
    each of them they end with.

    >>> suffix_forms("die Universität, eine Kapazität und Qualität; die Zeit")["ität"]
    Counter({'capital': 3})
    >>> sorted(suffix_forms("die Universität, eine Kapazität und Qualität; die Zeitung", suffixes=frozenset({"tung", "ung"})))
    ['tung', 'ung']
    """
    out: dict[str, Counter] = {}
    pattern = _MID_WORD if suffixes is None else _ending_in(frozenset(e[-3:] for e in suffixes))
    for m in pattern.finditer(text):
        if m.start(1) in skip or not m.start() or not (text[m.start() - 1].isalnum() or text[m.start() - 1] in ",;"):
            continue
        w = m.group(1)
        low = w.lower()
        keys = [low[-SUFFIX_LEN:]] if suffixes is None else [low[-n:] for n in range(3, 8) if low[-n:] in suffixes]
        form = "lower" if w.islower() else "capital" if _capitalised(w) else None
        if form is None:
            continue
        for key in keys:
            out.setdefault(key, Counter())[form] += 1
    return out


_MID_WORD = re.compile(r" ([^\W\d_]{%d,})" % SUFFIX_MIN_WORD)


@functools.lru_cache(maxsize=256)
def _ending_in(suffixes: frozenset[str]) -> re.Pattern:
    """Mid-sentence words of five letters or more with one of these endings
    only (one scan, few matches)."""
    ends = "|".join(map(re.escape, sorted(suffixes)))
    return re.compile(r" ([^\W\d_]{2,}(?i:%s))(?![^\W\d_])" % ends)


FILTER_CASE_SHARE = 0.8   # of the glued words, the share in the filter's case that shows it set it
FILTER_CASE_WORDS = 3     # ... among them, common words (zipf >= 6) that no author writes so mid-sentence


# the cases a filter may write its words in, and how a word (two letters or more) shows each
FILTER_CASES = (("upper", lambda w: w[:2].isupper()), ("title", lambda w: w[0].isupper() and w[1].islower()))


def filter_case(text: str, spans, lex) -> dict[str, str]:
    """For each escaping filter (its symbol) that set the case of the words
    it glued ('workers\\AND peasants', 'Soviet\\Union and\\Or'), as gen.py's
    sets lower case: 'upper' or 'title', when FILTER_CASE_SHARE of its words
    are in that case, FILTER_CASE_WORDS of them common words mid-sentence
    ('AND', 'Or'). A filter that keeps the author's case shows a mix; each
    filter of a page is judged apart (a site may run two: '\\' lower-casing
    'and', '#' title-casing 'the').

    >>> t = "a|AND b, c|OR d|WHERE e|ORder f"
    >>> sp = [[m.start() + 1, m.end(), "escape", "|"] for m in re.finditer(r"[|]\\w+", t)]
    >>> filter_case(t, sp, lexicon("en")), filter_case(t.lower(), sp, lexicon("en"))
    ({'|': 'upper'}, {})
    """
    groups: dict[str, list] = {}
    for s, _, w, unit in _glued_words(text, spans):
        if len(w) >= 2:
            groups.setdefault(unit, []).append((s, w))
    out = {}
    for unit, words in groups.items():
        if len(words) < FILTER_CASE_WORDS:
            continue
        for mode, test in FILTER_CASES:
            hits = [(s, w) for s, w in words if test(w)]
            if len(hits) < FILTER_CASE_SHARE * len(words):
                continue
            common = sum(1 for s, w in hits if _zipf(w.lower(), lex) >= COMMON_MID_ZIPF and not sentence_initial(text, s, lex))
            if common >= FILTER_CASE_WORDS:
                out[unit] = mode
                break
    return out


COMMON_MID_ZIPF = 6.0
HOST_CASE_WORDS = 6       # the host's glued common words that show its filter's case where a page's are too few


def host_filter_case(doc: Document, res: Resources | None, lex) -> dict[str, bool]:
    """For each escaping filter (its symbol) of the page's host: whether it
    capitalised the words it glued, on the host's pooled sites (the escaping
    step's first pass): HOST_CASE_WORDS or more of them common words
    (COMMON_MID_ZIPF), FILTER_CASE_SHARE of those capitalised. A filter that
    lower-cases its words leaves none so; one that keeps the author's case,
    a sentence's first words only."""
    stats = res.host_stats(doc) if res is not None else None
    if stats is None or stats.pages < 2 or lex is None or "escaping.capitalised" not in stats.counters:
        return {}
    return _HOST_CASE.get(stats, lambda: _host_filter_case(stats, lex), lex.lang)


def _host_filter_case(stats, lex) -> dict[str, bool]:
    glued, capital = Counter(), Counter()
    for key, n in stats.counter("escaping.sites").items():
        unit, _, word, _ = key.split("\x1f")
        if _zipf(word, lex) >= COMMON_MID_ZIPF:
            glued[unit] += n
    for key, n in stats.counter("escaping.capitalised").items():
        unit, _, word = key.split("\x1f")
        if _zipf(word, lex) >= COMMON_MID_ZIPF:
            capital[unit] += n
    return {u: glued[u] >= HOST_CASE_WORDS and capital[u] >= FILTER_CASE_SHARE * glued[u] for u in glued}


_HOST_CASE = ev.HostCache()
_MIXED_CASE = re.compile(r"[a-zß-ÿ][A-ZÀ-Þ]")  # a capital right after a small letter


def page_filter_case(text: str, spans, host: dict[str, bool]) -> dict[str, str]:
    """The case each filter its host shows capitalising (`host_filter_case`)
    set on the page: 'upper' or 'title', as FILTER_CASE_SHARE of the page's
    words it glued are written ('Or', 'Between': 'title').

    >>> t = "a|Or b, c|Between d"
    >>> sp = [[m.start() + 1, m.end(), "escape", "|"] for m in re.finditer(r"[|]\\w+", t)]
    >>> page_filter_case(t, sp, {"|": True}), page_filter_case(t, sp, {"|": False})
    ({'|': 'title'}, {})
    """
    groups: dict[str, list[str]] = {}
    for _, _, w, unit in _glued_words(text, spans):
        if len(w) >= 2 and host.get(unit) and not _MIXED_CASE.search(w):  # 'kWh', 'iPhone': written so
            groups.setdefault(unit, []).append(w)
    out = {}
    for unit, words in groups.items():
        for mode, test in FILTER_CASES:
            if sum(map(test, words)) >= FILTER_CASE_SHARE * len(words):
                out[unit] = mode
                break
    return out


def _glued_words(text: str, spans):
    """(start, end, word, symbol) of the words the escaping step rewrote, letters only."""
    return [(s, e, text[s:e], kind[1] if len(kind) > 1 else "") for s, e, *kind in spans
            if kind and kind[0] == "escape" and text[s:e].isalpha()]


def undo_filter_case(text: str, spans, modes: dict[str, str]) -> list[Change]:
    """Changes taking back each filter's case (`filter_case`) from the words
    it glued: the leading capitals ('ORganization' -> 'organization', 'AND'
    -> 'and'), or the first letter ('Or' -> 'or'); the case rules then decide afresh."""
    out = []
    for s, e, word, unit in _glued_words(text, spans):
        mode = modes.get(unit)
        if mode == "upper" and word[:2].isupper():
            n = next((i for i, ch in enumerate(word) if not ch.isupper()), len(word))  # the leading capitals
            new = word[:n].lower() + word[n:]
        elif mode == "title" and word[0].isupper():
            new = word[0].lower() + word[1:]
        else:
            continue
        if new != word:
            out.append(Change(s, e, new, kind="case", evidence=f"the filter's {mode} case taken back"))
    return out


def page_wrap(doc: Document, res: Resources | None) -> int | None:
    """The width the page's lines were hard-wrapped at, or None: its own (as
    the hard-wraps step's first pass noted it, or found now), else its host's
    where its lines fit it (`lines.page_wrap_width`)."""
    width, _ = page_wrap_width(doc.text.split("\n"), host_wrap_width(doc, res), observed(doc, WRAP_NOTE),
                               line_indents(doc))
    return width


def restore_case(doc: Document, res: Resources) -> None:
    spans = doc.meta.get(ev.TRACK) or []
    text = doc.text
    if spans:
        lex = ev.page_lexicon(doc)
        undo = []
        modes = {u: (m, "page") for u, m in filter_case(text, spans, lex).items()}
        host = host_filter_case(doc, res, lex)
        if any(host.values()):  # the host's evidence where the page's own is too thin
            modes.update({u: (m, "host") for u, m in page_filter_case(text, spans, host).items() if u not in modes})
        for unit, (mode, scope) in modes.items():
            mine = undo_filter_case(text, spans, {unit: mode})
            if mine:
                undo += mine
                doc.rules.append(ev.rule_entry(FAMILY, f"the filter wrote its words in {mode} case", scope,
                                               symbol=unit, hits=len(mine), words=len(spans)))
        if undo:
            doc.replace(undo)  # same lengths: the spans still point at their words
            text = doc.text
        words = {text[s:e].lower() for s, e, *_ in spans if text[s:e].isalpha()}
        skip = {s for s, *_ in spans}
        forms = page_forms(text, words, skip)
        pairs = Counter((_prev_word(text, s)[0].lower(), text[s:e].lower()) for s, e, *_ in spans)
        endings = frozenset(text[s:e][-n:].lower() for s, e, *_ in spans if e - s >= SUFFIX_MIN_WORD
                            for n in (SUFFIX_LEN, *(n for n in ENDING_LENS if n <= e - s - 3)))
        suffixes = suffix_forms(text[:SUFFIX_SAMPLE], skip, endings) if endings else {}
        alone: dict[str, int] = {}
        slots: dict = {}
        changes, named, nouns = [], set(), set()
        wrap = page_wrap(doc, res) if any(0 < s and text[s - 1] == "\n" for s, *_ in spans) else None
        for s, e, *_ in spans:
            if not (0 <= s < e <= len(text)):
                continue
            new, why = decide(text, s, e, forms, pairs, lex, suffixes, skip, alone, slots, wrap)
            if new != text[s:e]:
                changes.append(Change(s, e, new, kind="case", evidence=why))
                if why.startswith("name: follows"):
                    named.add((_prev_word(text, s)[0], text[s:e].lower()))
                elif why.startswith("capitalised words follow"):
                    nouns.add(text[s:e])
        if named:
            changes += same_name_elsewhere(text, spans, named, {c.start for c in changes})
        if nouns:
            changes += same_noun_elsewhere(text, spans, nouns, {c.start for c in changes}, lex)
        changes += compound_heads(text, spans, skip, {c.start: c.after for c in changes}, lex)
        if changes:
            doc.replace(changes)
            doc.rules.append(ev.rule_entry(FAMILY, "capitals restored on repaired words", "page",
                                           hits=len(changes), words=len(spans)))
    doc.meta[ev.TRACK] = []
    _restore_title(doc)


def same_name_elsewhere(text: str, spans, named: set[tuple[str, str]], done: set[int]) -> list[Change]:
    """Changes capitalising the repaired words of a name found mid-sentence
    ('Jedi: Fallen Order') where the same name starts a sentence ('. Fallen order')."""
    out = []
    for s, e, *_ in spans:
        if s in done or not (0 <= s < e <= len(text)) or not text[s:e].islower():
            continue
        prev = _prev_word(text, s)[0]
        if (prev, text[s:e]) in named:
            out.append(Change(s, e, capitalise(text[s:e]), kind="case",
                              evidence=f"name: {prev + ' ' + capitalise(text[s:e])!r} mid-sentence elsewhere on the page"))
    return out


def same_noun_elsewhere(text: str, spans, nouns: set[str], done: set[int], lex=None) -> list[Change]:
    """Changes capitalising the other mid-sentence repairs of words found in
    a noun's slot ('die Interoperabilität' makes 'hohe interoperabilität'
    one too): a language that capitalises nouns does so everywhere.

    >>> t = "die interoperabilität und hohe interoperabilität. interoperabilität"
    >>> spans = [(m.start(), m.end()) for m in re.finditer("interoperabilität", t)]
    >>> [c.start for c in same_noun_elsewhere(t, spans, {"interoperabilität"}, {spans[0][0]})] == [spans[1][0]]
    True
    """
    out = []
    for s, e, *_ in spans:
        if (s in done or not (0 <= s < e <= len(text)) or text[s:e] not in nouns
                or sentence_initial(text, s, lex)):
            continue
        out.append(Change(s, e, capitalise(text[s:e]), kind="case",
                          evidence=f"a noun: {capitalise(text[s:e])!r} in a noun's slot elsewhere on the page"))
    return out


def compound_heads(text: str, spans, skip: set[int], decided: dict[int, str], lex=None) -> list[Change]:
    """Changes capitalising the repaired words still in lower case that
    begin as two other words of the page do, written capitalised
    mid-sentence (here or by this step), up to a joint: a shared start of
    COMPOUND_START letters or more, each going on with COMPOUND_TAIL letters
    or more ('informationsquelle' beside 'Informationskette' and
    'Informationssysteme'), and no such word in lower case. A language that
    writes compounds as one capitalised word shows it; English words sharing
    a long start differ in a short ending ('investigation', 'investigators').

    >>> t = "die Informationskette, die Informationssysteme und informationsquelle"
    >>> s = t.index("informationsquelle")
    >>> [c.after for c in compound_heads(t, [(s, s + 18)], {s}, {})]
    ['Informationsquelle']
    """
    out, found = [], {}
    for s, e, *_ in spans:
        word = text[s:e] if 0 <= s < e <= len(text) else ""
        if (len(word) < COMPOUND_START + COMPOUND_TAIL or s in decided or not word.isalpha() or not word.islower()
                or sentence_initial(text, s, lex)):
            continue
        start = word[:COMPOUND_START]
        if start not in found:
            if len(found) >= NOUN_SLOT_LOOKUPS:
                continue  # bounded work on a page with many repairs
            pattern = re.compile(r"(?<![\w-])(?i:%s)[^\W\d_]*" % re.escape(start))
            found[start] = [(m.start(), m.group()) for m in pattern.finditer(text, 0, SUFFIX_SAMPLE)]
        capital, lower = set(), 0
        for at, other in found[start]:
            other = decided.get(at, other)
            joint = len(os.path.commonprefix([word, other.lower()]))
            if (at == s or len(word) - joint < COMPOUND_TAIL or len(other) - joint < COMPOUND_TAIL
                    or (at in skip and at not in decided) or sentence_initial(text, at, lex)):
                continue
            if other.islower():
                lower += 1
            elif _capitalised(other):
                capital.add(other)
        if len(capital) >= 2 and not lower:
            out.append(Change(s, e, capitalise(word), kind="case",
                              evidence=f"a compound: the page writes {', '.join(sorted(capital)[:3])} capitalised"))
    return out


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
