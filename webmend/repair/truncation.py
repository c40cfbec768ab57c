"""A page cut off mid-sentence: flagged `truncated`, its dangling fragment removed
so the text ends at its last whole sentence.

A page is judged by its last paragraph (page chrome is gone by now). It is cut
when that paragraph ends without closing punctuation and its last word shows
the cut: a fragment the lexicon does not know ('men e', 'the gover'), a very
frequent word the page never lets end a sentence ('at', 'the'), or a comma.
A page ending with a heading, a list item, a caption or a closing quote is
left alone: short last lines need a plain fragment, and any closing mark
counts as an ending, except an ellipsis right after the last word, which a
site writes where it cut the text ('all their men e…'): the page is judged
by what precedes it, and the fragment goes with it.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter

from webmend.document import Document
from webmend.lexicon.words import Lexicon, apostrophe_parts, per_lexicon
from webmend.pipeline import HostStats, Resources, Step, observed
from webmend.repair import evidence as ev
from webmend.repair.page_words import never_ends_sentence, page_lexicon

# A sentence end: terminal punctuation, closing quotes/brackets, then a space or the end.
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’)\]»]*(?=\s|$)")
_LAST_WORD = re.compile(r"([^\W\d_]+)$")
# An ellipsis right after a word at the page's end, where the site cut the text ('all their men e…', 'e [...]'),
# perhaps with its link to the rest, a few words ('men e… Read more'); or that link alone, in brackets
_LINK = r"[\[(]?[^\W\d_]+(?: [^\W\d_]+){0,2}[\])]?[ »›→>]*"
_CUT_MARK = re.compile(r"(?<=[^\W\d_])(?:(?: ?\[(?:…|\.\.\.)\]|…|\.\.\.)(?: *%s)?| \[[^\W\d_]+(?: [^\W\d_]+){0,2}\])\s*\Z"
                       % _LINK)
_PROSE_TOKEN = re.compile(r"[\"'“‘(«]*(?:[^\W\d_]+['’-])*[^\W\d_]+,?")
_SPACED_SCRIPT = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]+")
PROSE_WORDS = 6          # a last paragraph this long is prose, not a heading or an item
SHORT_WORD_ZIPF = 5.5    # a 1-2 letter last word rarer than this is a fragment ('e', 'th')
FRAGMENT_ZIPF = 1.5      # a longer last word rarer than this is a fragment
PREFIX_MAX_ZIPF = 3.5    # ... or one this rare that begins a word PREFIX_MARGIN commoner ('whic' -> 'which')
PREFIX_MARGIN = 2.0
PREFIX_VOCABULARY = 50_000
HOST_PROSE_WORDS = 6     # an open ending counts for the host only in a paragraph this long
HOST_CUT_SHARE = 0.5     # ... and the host cuts pages when this share of them end cut, one plainly
HOST_OPEN_SHARE = 0.7    # ... or this share, none plainly (cut at word ends)
OWN_CUT_SHARE = 0.6      # the share asked of the pages' own last paragraphs (`own_endings`), a guess behind
# a footer: a related title cut short that stands on one page only reads as the page's own, and cut


@per_lexicon()
def _alphabetical(lex: Lexicon) -> tuple[list[str], list[float]]:
    """The lexicon's commonest words, in alphabetical order (for prefix
    ranges), and their Zipf values in the same order."""
    words = sorted(w for w in lex.top(PREFIX_VOCABULARY) if w.isalpha())
    return words, [lex.zipf(w) for w in words]


COMPLETIONS_LOOKED_AT = 5000  # longer words starting with it a word's best completion is found among


def _best_completion(word: str, lex: Lexicon) -> float:
    """Zipf of the commonest longer word that starts with `word` (0 if none).

    >>> from webmend.lexicon.words import lexicon
    >>> _best_completion("whic", lexicon("en")) == lexicon("en").zipf("which"), _best_completion("qzxv", lexicon("en"))
    (True, 0.0)
    """
    words, zipfs = _alphabetical(lex)
    i = bisect.bisect_right(words, word)
    j = min(bisect.bisect_left(words, word + "\U0010ffff", i), i + COMPLETIONS_LOOKED_AT)
    return max(zipfs[i:j], default=0.0)


def _script(ch: str) -> str:
    """The script a letter is written in, as Unicode names it ('LATIN', 'CYRILLIC', 'GREEK')."""
    return unicodedata.name(ch, "").split(" ", 1)[0]


@per_lexicon()
def main_script(lex: Lexicon) -> str:
    """The script most of the language's commonest words are written in.

    >>> from webmend.lexicon.words import lexicon
    >>> main_script(lexicon("en")), main_script(lexicon("ru"))
    ('LATIN', 'CYRILLIC')
    """
    most = Counter(_script(w[0]) for w in lex.top(2000) if w[:1].isalpha()).most_common(1)
    return most[0][0] if most else ""


def is_fragment(word: str, lex: Lexicon) -> bool:
    """True for a word cut short: unknown to the lexicon, a rare 1-2 letter
    one or one that the language writes only after an apostrophe ('s', 't'
    and 'll' stand high in English's counts as the ends of 'it's', 'don't',
    'I'll', never alone: `apostrophe_parts`), or a rare lower-case one that
    begins a far commoner word ('whic').

    >>> from webmend.lexicon.words import lexicon
    >>> en = lexicon("en")
    >>> [is_fragment(w, en) for w in ["e", "a", "US", "th", "of", "whic", "men", "circumstanc", "unforgettable"]]
    [True, False, False, True, False, True, False, True, False]
    >>> [is_fragment(w, en) for w in ["s", "t", "ll", "I", "S"]]
    [True, True, True, False, False]
    >>> is_fragment("us", lexicon("ru")), is_fragment("юр", lexicon("ru"))  # a Latin word the Russian lexicon cannot judge
    (False, True)
    """
    if not _SPACED_SCRIPT.fullmatch(word):  # Latin, Greek, Cyrillic: scripts whose words the lexicon lists
        return False
    if _script(word[0]) != main_script(lex):  # another script's word ('Contact us' in a Russian page's footer)
        return False
    low = word.lower()
    z = lex.zipf(low)
    if len(word) <= 2:
        return (z < SHORT_WORD_ZIPF or word.islower() and low in apostrophe_parts(lex)[1]) and not word.isupper()
    if z < FRAGMENT_ZIPF:
        return True
    return word.islower() and z < PREFIX_MAX_ZIPF and _best_completion(low, lex) >= z + PREFIX_MARGIN


def page_ending(text: str, lex) -> tuple[str, str]:
    """How the page ends (`lex`: a Lexicon, None, or a function giving one):
    ('sure', why) when it was plainly cut mid-sentence, ('open', why) when it
    merely lacks closing punctuation after a word (a cut, or a heading, a
    name, a list item: the host decides), ('closed', '') otherwise.

    >>> from webmend.lexicon.words import lexicon
    >>> en = lexicon("en")
    >>> page_ending("It was over. I heard later that the officers had lost all their men e", en)
    ('sure', "last word 'e' is a fragment")
    >>> page_ending("He left.\\n\\nFurther reading", en)[0], page_ending('He said: "We go home"', en)[0]
    ('open', 'closed')
    >>> page_ending("More at www.autoracing.com.br", en)[0], page_ending("We hope to see you soon!\\n\\nI", en)[0]
    ('open', 'open')
    >>> page_ending("It was over. I heard that the officers had lost all their men e…", en)
    ('sure', "last word 'e' is a fragment, then an ellipsis")
    """
    body = text[:cut_mark(text)].rstrip()
    marked = len(body) < len(text.rstrip())
    if not body or not (body[-1].isalpha() or body[-1] == ","):
        return "closed", ""
    last_para = body[body.rfind("\n") + 1:]
    n_words = len(last_para.split())
    if body[-1] == ",":
        return ("sure", "ends with a comma") if n_words >= 4 else ("closed", "")
    m = _LAST_WORD.search(body, max(0, len(body) - 100))  # anchored at the end: look only there
    word = m.group(1) if m else ""
    if not _PROSE_TOKEN.fullmatch(last_para.split()[-1]):  # a URL, a handle, a code: the host decides
        return "open", f"ends on {last_para.split()[-1][-40:]!r}, no prose"
    if callable(lex):  # resolved only for a page that ends on a word
        lex = lex()
    if lex is not None and word and is_fragment(word, lex) and (n_words >= PROSE_WORDS or n_words >= 2 and word.islower()):
        return "sure", f"last word {word!r} is a fragment" + (", then an ellipsis" if marked else "")
    if lex is not None and word and n_words >= 3 and never_ends_sentence(body[:m.start()], word, lex):
        return "sure", f"ends on {word!r}, which never ends a sentence on this page"
    # No closing punctuation: a cut, or a heading, a name, an item (the host decides);
    # also a paragraph of one word ('Spoon', 'I', '“Digis': a new paragraph cut after its first letters).
    return "open", f"no closing punctuation after {word!r}"


def cut_mark(text: str) -> int:
    """Where an ellipsis right after the page's last word begins (the site's
    mark of a cut: 'men e…', 'the gover [...]', with its link to the rest
    perhaps: 'men e… Read more'), or such a link in brackets ('men e [Read
    more]'), else the text's length.

    >>> t = "He left. They had lost all their men e […]"
    >>> t[:cut_mark(t)], cut_mark("He said so...") == len("He said so..."), cut_mark("Wait… no.") == 9
    ('He left. They had lost all their men e', False, True)
    >>> [t[:cut_mark(t)] for t in ("the gover… Continue reading »", "the gover [Read more]", "It ended. Then…")]
    ['the gover', 'the gover', 'It ended. Then']
    """
    tail = text[-40:]
    if "…" not in tail and "..." not in tail and "[" not in tail:
        return len(text)  # (a cheap test first: no mark, no cut)
    m = _CUT_MARK.search(text, max(0, len(text) - 40))
    return m.start() if m else len(text)


def truncation_point(text: str, lex, host_truncates: bool = False,
                     ending: tuple[str, str] | None = None) -> tuple[int, str] | None:
    """(where the dangling fragment starts, why) for a page cut mid-sentence, else None.

    >>> from webmend.lexicon.words import lexicon
    >>> en = lexicon("en")
    >>> t = "The war ended. The number of casualties was high. I heard later that the officers had lost all their men e"
    >>> i, why = truncation_point(t, en); t[:i], why
    ('The war ended. The number of casualties was high.', "last word 'e' is a fragment")
    >>> truncation_point("He left.\\n\\nFurther reading\\n\\nChapter Two", en) is None
    True
    >>> truncation_point("He left.\\n\\nFurther reading\\n\\nChapter Two", en, host_truncates=True)[0]
    8
    """
    kind, why = ending or page_ending(text, lex)
    if kind == "closed" or (kind == "open" and not host_truncates):
        return None
    if kind == "open":
        why += "; the host's pages are cut off"
    ends = None
    for ends in _SENTENCE_END.finditer(text, 0, cut_mark(text)):
        pass
    return (ends.end() if ends else 0), why


def observe_ending(doc: Document, stats: HostStats) -> None:
    """Per host: how its pages end (a host that cuts pages cuts them all).

    Observed before chrome is removed, so an 'open' ending counts only when it
    is a long prose paragraph: a menu or footer line ('Contact us') is short,
    and a line ending on a URL ('Source: https://...') is no prose. The page's
    last prose paragraphs are noted too (`own_endings`): where a footer of
    the site's own follows the text, the host's endings are read from them."""
    ending = doc.notes[ENDING_NOTE] = page_ending(doc.text, lambda: page_lexicon(doc))
    kind = _host_kind(doc.text, ending[0])
    stats.add("page_ends", [kind])
    if kind == "open_short" or kind == "closed":
        tail = last_paragraphs(doc.text, lambda: page_lexicon(doc))
        if tail:
            ev.add_capped(stats, "page_tails", {"|".join(f"{k}:{h}" for k, h in tail): 1}, TAILS_CAP)
            ev.add_capped(stats, "tail_lines", dict.fromkeys({h for _, h in tail}, 1), HostStats.caps["tail_lines"])


ENDING_NOTE = "truncation.page_ending"
TAILS_CAP = 64           # pages whose last paragraphs a host keeps (enough to tell how it ends)
TAIL_PARAGRAPHS = 6      # last prose paragraphs noted per page
TAIL_BLOCKS_LOOKED = 200  # blocks looked at from the end for them (a page of short lines stops there)
HostStats.caps.update({"page_tails": TAILS_CAP, "tail_lines": 8 * TAILS_CAP})  # merged hosts stay bounded too


def _host_kind(text: str, kind: str) -> str:
    if kind == "open":
        body = text[:cut_mark(text)].rstrip()
        words = body[body.rfind("\n") + 1:].split()
        prose = len(words) >= HOST_PROSE_WORDS and _PROSE_TOKEN.fullmatch(words[-1])
        kind = "open_prose" if prose else "open_short"
    return kind


def last_paragraphs(text: str, lex) -> list[tuple[str, str]]:
    """(how it ends, a checksum of it) for the page's last TAIL_PARAGRAPHS
    blocks (between blank lines) of HOST_PROSE_WORDS words or more, last first: the page's
    own last paragraph is the first whose text no other page of the host
    repeats (a related title, a footer line are repeated).

    >>> from webmend.lexicon.words import lexicon
    >>> [k for k, _ in last_paragraphs("One two three four five six seven cut\\n\\nShare\\n\\nA much longer line ends here.", lexicon("en"))]
    ['closed', 'open_prose']
    """
    import zlib

    out, end, looked = [], len(text), 0
    while end > 0 and len(out) < TAIL_PARAGRAPHS and looked < TAIL_BLOCKS_LOOKED:
        looked += 1
        start = text.rfind("\n\n", 0, end)  # blocks, not lines: a hard-wrapped paragraph is one
        para = text[start + 2 if start >= 0 else 0:end].strip()
        end = start
        if len(para.split()) < HOST_PROSE_WORDS:
            continue
        kind = _host_kind(para, page_ending(para, lex)[0])
        out.append((kind, f"{zlib.crc32(para.encode('utf-8', 'surrogatepass')):08x}"))
    return out


def own_endings(stats: HostStats) -> Counter:
    """How the host's pages end, read from each page's own last prose
    paragraph: the last one no other page repeats."""
    seen = stats.counters.get("tail_lines", Counter())
    ends: Counter = Counter()
    for tail, n in stats.counters.get("page_tails", Counter()).items():
        for item in tail.split("|"):
            kind, h = item.split(":")
            if seen.get(h, 0) <= 1:
                ends[kind] += n
                break
    return ends


def host_truncates(ends: Counter, share: float = HOST_CUT_SHARE) -> bool:
    """Whether a host's page endings show that it cuts its pages off: most of
    them (`share`) end mid-sentence in prose, and some plainly so.

    >>> host_truncates(Counter(sure=3, open_prose=5, closed=2)), host_truncates(Counter(sure=1, closed=9))
    (True, False)
    """
    total = sum(ends.values())
    cut = ends["sure"] + ends["open_prose"]
    return total >= 3 and cut >= share * total and (ends["sure"] >= 1 or cut >= HOST_OPEN_SHARE * total)


def _host_truncates(doc: Document, res: Resources) -> bool:
    stats = res.host_stats(doc)
    if stats is None:
        return False
    return host_truncates(stats.counter("page_ends")) or _OWN.get(
        stats, lambda: host_truncates(own_endings(stats), OWN_CUT_SHARE))


_OWN = ev.HostCache()


def cut_truncated(doc: Document, res: Resources) -> None:
    point = truncation_point(doc.text, lambda: page_lexicon(doc), _host_truncates(doc, res),
                             observed(doc, ENDING_NOTE))
    if point is None:
        return
    start, why = point
    doc.truncated = True
    if start == 0:  # no whole sentence to keep: flag only
        doc.flags.append(f"truncated: {why}; no whole sentence to end on")
        return
    doc.remove(start, len(doc.text), reason="truncated fragment")
    doc.rules.append({"family": "truncation", "rule": "cut mid-sentence", "evidence": why,
                      "removed_chars": len(doc.removed[-1].text)})


STEP = Step("truncation", cut_truncated, "flag a page cut mid-sentence and drop the dangling fragment",
            family="repair", observe=observe_ending)
