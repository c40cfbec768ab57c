"""Lost letters: a frequent word that lost a letter everywhere on a page or
site ('rom' for 'from'). Learned from word counts against the lexicon's
expectations, never from a list of words.

A rule `d -> w` (w with one letter deleted gives d) is proposed when

- w is a frequent word of the page's language that is (nearly) missing:
  the page or host shows k_w occurrences where the lexicon expects e_w, and
  the Poisson evidence of that deficit is large;
- d is far more frequent on the page than the language expects (a token rare
  in the language yet frequent on the page), and its surplus is of the same
  order as w's deficit;

and accepted when both pieces of evidence are strong. The gain reported is
the page's unigram log-likelihood improvement from reading d as w. When d is
itself a common word (so that only part of its occurrences can be damage),
the rule edits only if nearly all of them are surplus; otherwise it is
flagged. Upper-case occurrences (ROM) are never edited.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from webmend.document import Change, Document
from webmend.lexicon.words import Lexicon
from webmend.pipeline import HostStats, Resources, Step
from webmend.repair import evidence as ev

FAMILY = "lost_letters"
MIN_DEFICIT = 3.0        # nats: w missing
MIN_EXCESS = 8.0         # nats: d in surplus
MIN_EVIDENCE = 25.0      # nats: both together
COMMON_ZIPF = 4.5        # a damaged form this frequent is a word in its own right...
MIN_DEFICIT_COMMON = 10.0  # ...so the missing word must be missing beyond doubt
MIN_EXPECTED = 3.0       # w must be expected at least this often
MIN_WORD_ZIPF = 5.0      # and be a frequent word of the language (stable counts; content words are bursty)
MIN_SURPLUS_SHARE = 0.85  # share of d's occurrences that must be surplus to edit
OTHER_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "id", "tr", "pl", "sv")
FOREIGN_ZIPF = 6.0       # a function word of another language
MAX_ALPHABET = 80        # alphabetic scripts only (not syllabaries, not CJK)


@dataclass
class LostRule:
    damaged: str          # d
    word: str             # w
    hits: int             # occurrences of d
    counter: int          # occurrences of w left
    expected: float       # of w
    gain: float
    surplus_share: float
    scope: str
    evidence: float = 0.0
    common: bool = False  # the damaged form is a common word in its own right

    @property
    def editable(self) -> bool:
        return self.surplus_share >= MIN_SURPLUS_SHARE


def foreign_common_word(d: str, lang: str) -> bool:
    """Whether d is one of the commonest words of another widespread language
    ('dan', 'da', 'wie'): on a page that mixes languages its surplus is that
    language's text, not damage. Lexicons are loaded only for such candidates.

    >>> foreign_common_word("dan", "en"), foreign_common_word("rom", "en")
    (True, False)
    """
    from webmend.lexicon.words import lexicon

    for other in OTHER_LANGUAGES:
        if other != lang:
            lex = lexicon(other)
            if lex is not None and lex.zipf(d) >= FOREIGN_ZIPF:
                return True
    return False


def deletions(w: str) -> list[str]:
    """The forms of w with one letter deleted.

    >>> deletions("from")
    ['rom', 'fom', 'frm', 'fro']
    """
    out = []
    for i in range(len(w)):
        d = w[:i] + w[i + 1:]
        if d not in out:
            out.append(d)
    return out


def infer_rules(counts: Counter, tokens: int, lex: Lexicon, scope: str) -> list[LostRule]:
    """Lost-letter rules supported by strong evidence in `counts`.

    Walks the language's words from the most frequent down to those expected
    fewer than MIN_EXPECTED times here; a missing one whose one-letter-short
    form is in surplus makes a rule."""
    if lex is None or tokens <= 0 or len(lex.alphabet) > MAX_ALPHABET:
        return []
    min_freq = max(MIN_EXPECTED / tokens, 10 ** (MIN_WORD_ZIPF - 9))
    rules: dict[str, LostRule] = {}
    for w in lex.ranked:
        f_w = lex.freq(w)
        if f_w < min_freq:
            break
        if len(w) < 2 or not w.isalpha():
            continue
        e_w = tokens * f_w
        k_w = counts.get(w, 0)
        deficit = ev.poisson_deficit(k_w, e_w)
        if deficit < MIN_DEFICIT:
            continue
        for d in deletions(w):
            k = counts.get(d, 0)
            if k < 2 or len(d) < 2:
                continue
            f_d = lex.freq(d)
            e_d = tokens * f_d
            excess = ev.poisson_excess(k, e_d)
            extra = k - e_d
            if excess < MIN_EXCESS or k < 3 * e_d + 2:
                continue
            missing = e_w - k_w
            if not (0.15 * missing <= extra <= 8 * missing + 3):
                continue
            if k_w > 0.25 * (k_w + extra):   # w mostly intact: not lost "everywhere"
                continue
            if lex.zipf(d) >= COMMON_ZIPF and (deficit < MIN_DEFICIT_COMMON or extra > 3 * missing + 3):
                continue  # a common word's surplus may be the page's topic or voice ('our')
            if deficit + excess < MIN_EVIDENCE or foreign_common_word(d, lex.lang):
                continue
            gain = extra * (math.log(f_w) - math.log(max(f_d, 1e-9)))
            rule = LostRule(d, w, k, k_w, round(e_w, 1), round(gain, 1), extra / k, scope)
            rule.evidence = round(deficit + excess, 1)
            rule.common = lex.zipf(d) >= COMMON_ZIPF
            # one damaged form per word: a rare form explains a deficit better
            # than a common word that happens to abound ('tis', not 'his', for 'this')
            rank = (not rule.common, rule.evidence)
            if w not in rules or rank > (not rules[w].common, rules[w].evidence):
                rules[w] = rule
    by_form: dict[str, LostRule] = {}
    for r in rules.values():
        if r.damaged not in by_form or r.gain > by_form[r.damaged].gain:
            by_form[r.damaged] = r
    return sorted(by_form.values(), key=lambda r: -r.gain)


def deglued(text: str) -> str:
    """The text with escaping-damage symbols turned into spaces, so glued
    words count as words (for the first pass, which sees unrepaired text)."""
    from webmend.repair.escaping import SITE_RE

    if not SITE_RE.search(text):
        return text
    return SITE_RE.sub(lambda m: " " + m.group("word"), text)


def observe(doc: Document, stats: HostStats) -> None:
    counts = ev.words_of(deglued(doc.text), caps=False)
    lang = ev.page_language(doc, counts)
    if not lang:
        return
    ev.add_capped(stats, f"lost_letters.words.{lang}", counts)
    stats.counter("lost_letters.tokens")[lang] += sum(counts.values())


def learn(doc: Document, res: Resources | None) -> list[LostRule]:
    counts = ev.words_of(doc.text, caps=False)
    lex = ev.lexicon(ev.page_language(doc, counts))
    if lex is None:
        return []
    rules = infer_rules(counts, sum(counts.values()), lex, "page")
    stats = res.host_stats(doc) if res is not None else None
    if stats is not None and stats.pages > 1:
        hc = stats.counter(f"lost_letters.words.{lex.lang}")
        host_rules = _HOST_RULES.get(stats, lambda: infer_rules(
            hc, stats.counter("lost_letters.tokens")[lex.lang], lex, "host"), lex.lang)
        have = {r.damaged for r in rules}
        rules += [r for r in host_rules if r.damaged not in have and counts.get(r.damaged)]
    return rules


_HOST_RULES = ev.HostCache()


def _cased_like(token: str, word: str) -> str:
    return word[:1].upper() + word[1:] if token[:1].isupper() else word


def _next_word(text: str, end: int) -> str:
    m = _NEXT.match(text, end)
    return m.group(1).lower() if m else ""


_NEXT = re.compile(r"[ \t]+([^\W\d_]+)")


def repair_text(text: str, rules: list[LostRule]) -> tuple[list[Change], list]:
    """The changes that read each damaged form as its word.

    A rare damaged form ('rom') is damage wherever it stands (upper-case
    'ROM' excepted). A damaged form that is a common word itself ('he' for
    'the') is damage only in lower case (the damage lowercases; 'He' is the
    real word), and not before a word that the page shows after the real,
    capitalised one ('He was' -> 'he was' is real)."""
    changes, spans = [], []
    for r in rules:
        matches = ev.find_word(text, r.damaged, "-'’")
        real_next: Counter = Counter()
        if r.common:
            real_next = Counter(_next_word(text, m.end()) for m in matches
                                if m.group(0)[:1].isupper() and not m.group(0).isupper())
            real_next.pop("", None)
            if not real_next and not r.editable:
                continue
        elif not r.editable:
            continue
        for m in matches:
            tok = m.group(0)
            if len(tok) > 1 and tok.isupper():
                continue  # 'ROM' is a word of its own
            if r.common and (not tok.islower() or _next_word(text, m.end()) in real_next):
                continue
            after = _cased_like(tok, r.word)
            changes.append(Change(m.start(), m.end(), after, kind="lost_letter",
                                  evidence=f"{r.damaged!r} for {r.word!r}: {r.word!r} {r.counter} times where "
                                           f"{r.expected:.0f} expected, {r.damaged!r} {r.hits} times; gain "
                                           f"{r.gain:.0f} nats ({r.scope})"))
            spans.append((0, len(after)))
    return changes, spans


def repair_lost_letters(doc: Document, res: Resources) -> None:
    if not doc.text:
        return
    rules = learn(doc, res)
    if not rules:
        return
    for r in rules:
        doc.rules.append(ev.rule_entry(FAMILY, f"{r.damaged!r} -> {r.word!r}", r.scope, hits=r.hits,
                                       counterexamples=r.counter, expected=r.expected, gain=r.gain, evidence=r.evidence,
                                       surplus_share=round(r.surplus_share, 2), applied=r.editable))
        if not r.editable:
            doc.flags.append(f"lost_letters: {r.damaged!r} may stand for {r.word!r} "
                             f"({r.surplus_share:.0%} of its occurrences are surplus); not edited")
    changes, spans = repair_text(doc.text, rules)
    if changes:
        ev.replace_tracked(doc, changes, spans)
    if doc.title:
        tchanges, tspans = repair_text(doc.title, rules)
        if tchanges:
            from webmend.repair.escaping import _apply_plain

            old = doc.meta.get("_learned_title_words", [])
            doc.meta["_learned_title_words"] = _shift_spans(old, tchanges) + _apply_plain(doc, tchanges, tspans)


def _shift_spans(spans: list, changes: list[Change]) -> list:
    out = []
    for s, e in spans:
        d = sum(len(c.after) - (c.end - c.start) for c in changes if c.end <= s)
        out.append((s + d, e + d))
    return out


STEP = Step("lost_letters", repair_lost_letters,
            "learned: a frequent word missing where its one-letter-short form abounds ('rom' -> 'from')",
            family="repair", observe=observe)
