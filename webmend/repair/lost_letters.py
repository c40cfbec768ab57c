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
the rule edits only if nearly all of them are surplus, and otherwise is
flagged; in a language with word-pair counts (English, lexicon/bigrams.py)
each occurrence is then read by its neighbours (`in_context`). A form that
is no word and abounds is damage by itself (`abounding_forms`); a rule that
edits proves its lost letter for the others (`mechanisms`). Upper-case
occurrences (ROM) are never edited.
"""
from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections import Counter
from dataclasses import dataclass

from webmend.document import Change, Document
from webmend.lexicon.bigrams import bigrams
from webmend.lexicon.words import Lexicon, per_lexicon
from webmend.pipeline import HostStats, Resources, Step
from webmend.pipeline import observed as pipeline_observed
from webmend.repair import evidence as ev
from webmend.repair.page_words import rough_tokens, rough_words

FAMILY = "lost_letters"
MIN_DEFICIT = 3.0        # nats: w missing
MIN_EXCESS = 8.0         # nats: d in surplus
MIN_EVIDENCE = 25.0      # nats: both together
COMMON_ZIPF = 4.0        # a damaged form this frequent is a word in its own right ('rally', 'hat')...
MIN_DEFICIT_COMMON = 10.0  # ...so the missing word must be missing beyond doubt
MIN_EXPECTED = 3.0       # w must be expected at least this often
MIN_WORD_ZIPF = 5.0      # and be a frequent word of the language (stable counts; content words are bursty)
MIN_SURPLUS_SHARE = 0.85  # share of d's occurrences that must be surplus to edit
PLACED_MIN_EXPECTED = 5.0  # a word absent where expected this often may be proven by the place of its letter
GONE_EXPECTED = 20.0      # a word expected this often and not written once is gone, not avoided (`LostRule.gone`)
OTHER_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "id", "tr", "pl", "sv")
FOREIGN_ZIPF = 6.0       # a function word of another language
FOREIGN_MARK_ZIPF = 4.5  # another language's word that marks its text: `lang` uses it less than this
FOREIGN_TEXT_RATIO = 2.0  # its text brings that language's other function words, far more than the one


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
    suspected: bool = False  # inferred from the mechanism alone, its form a common word: flagged (read by context)
    # the letter it loses is lost where another rule of its page or host edits (a mechanism):
    # a common form it cannot edit by counts is then read by its neighbours
    proven: bool = False
    # the site passes a word's capital on to the form when it takes the first letter ('This' -> 'His'),
    # as its rare forms show ('Hese'): a capitalised common form may be damage too
    capital_kept: bool = False
    # taken on its form's overwhelming surplus, its word's deficit short of proof (`overwhelming`):
    # read only where the neighbours lean to the word ('ill be'; 'the rally' stays)
    by_neighbours: bool = False
    # its word absent, its letter lost at the place in the word where a rule whose form is no word loses
    # one (`places`): a mechanism less sure than the same letter's, which holds where the host leans
    placed: bool = False
    # the form's neighbours lean to the word across the host (`leaning`): read where they lean to it
    # (`in_context`), on any page, not only on pages where they lean clearly (`by_neighbours`)
    host_leans: bool = False

    @property
    def editable(self) -> bool:
        return self.surplus_share >= MIN_SURPLUS_SHARE and not self.suspected

    @property
    def gone(self) -> bool:
        """Whether the word is gone beyond any site's habit: not written
        once where GONE_EXPECTED occurrences are expected. A site's voice may
        avoid a word ('your' never on a charity's reports, 10 expected there);
        a word that frequent is not avoided but taken ('for' absent where 29
        are expected, 'or' in surplus)."""
        return self.counter == 0 and self.expected >= GONE_EXPECTED


def foreign_text(d: str, lang: str, get, extra: float) -> bool:
    """Whether the surplus of d may be text of another widespread language
    that has d among its commonest words ('dan', 'hat', 'wie'): that
    language's other commonest words (those `lang` does not use as much)
    stand in the counts (`get(word, 0)`) at least FOREIGN_TEXT_RATIO times as
    often as d's surplus. 'hat' in surplus beside 'der', 'und', 'ist' is
    German; 'hat' in surplus with none of them is 'that' damaged.

    >>> de_text = {"hat": 20, "der": 30, "und": 25, "ist": 12}
    >>> foreign_text("hat", "en", de_text.get, 20), foreign_text("hat", "en", {"hat": 20}.get, 20)
    (True, False)
    """
    d = d.lower()
    for other in OTHER_LANGUAGES:
        if other != lang and d in _commonest_words(other):
            if sum(get(w, 0) for w in _foreign_marks(other, lang)) >= FOREIGN_TEXT_RATIO * extra:
                return True
    return False


@functools.lru_cache(maxsize=None)
def _foreign_marks(other: str, lang: str) -> tuple[str, ...]:
    """The commonest words of `other` that `lang` uses far less (they mark text in `other`)."""
    from webmend.lexicon.words import lexicon

    lex = lexicon(lang)
    return tuple(w for w in sorted(_commonest_words(other)) if lex is None or lex.zipf(w) < FOREIGN_MARK_ZIPF)


@functools.lru_cache(maxsize=None)
def _commonest_words(lang: str) -> frozenset[str]:
    """A language's words at FOREIGN_ZIPF or more (a few dozen function words),
    kept on their own: the whole lexicon need not stay loaded for them."""
    from webmend.lexicon.words import commonest

    return commonest(lang, FOREIGN_ZIPF)


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


@per_lexicon()
def frequent_words(lex: Lexicon) -> tuple[tuple[str, float, tuple[tuple[str, float, bool], ...]], ...]:
    """The words a lost letter is looked for in, most frequent first: each
    with its frequency and its one-letter-short forms (with their frequency
    and whether they are common words themselves). Made once per language."""
    out = []
    for w in lex.ranked:
        f_w = lex.freq(w)
        if f_w < 10 ** (MIN_WORD_ZIPF - 9):
            break
        if len(w) < 2 or not w.isalpha():
            continue
        forms = tuple((d, lex.freq(d), lex.zipf(d) >= COMMON_ZIPF) for d in deletions(w))
        out.append((w, f_w, forms))
    return tuple(out)


@per_lexicon()
def _words_short_of(lex: Lexicon) -> dict[str, tuple[int, ...]]:
    """Each one-letter-short form -> the places in `frequent_words` of the
    words it is short of."""
    out: dict[str, list[int]] = {}
    for i, (_, _, forms) in enumerate(frequent_words(lex)):
        for d, _, _ in forms:
            out.setdefault(d, []).append(i)
    return {d: tuple(ws) for d, ws in out.items()}


def _words_with_forms(counts, index: dict[str, tuple[int, ...]]) -> list[int]:
    """The places in `frequent_words`, most frequent first, of the words one of
    whose forms in `index` stands twice or more in `counts` (only such a word
    can make a rule: walking these is walking all, minus words that would be
    skipped)."""
    get = counts.get
    return sorted({i for d in index.keys() & counts.keys() if get(d, 0) >= 2 for i in index[d]})


def infer_rules(counts, tokens: int, lex: Lexicon, scope: str, spread=None) -> list[LostRule]:
    """Lost-letter rules supported by strong evidence in `counts` (a mapping
    word -> occurrences).

    Walks the language's words from the most frequent down to those expected
    fewer than MIN_EXPECTED times here (those with a one-letter-short form
    standing twice or more, the others can make no rule); a missing one whose
    one-letter-short form is in surplus makes a rule. For a host,
    `spread(d, f_w)` says whether d stands on as many of its pages as w would
    (`host_spread`)."""
    if lex is None or tokens <= 0 or not lex.alphabetic:
        return []
    min_freq = max(MIN_EXPECTED / tokens, 10 ** (MIN_WORD_ZIPF - 9))
    rules: dict[str, LostRule] = {}
    suspects: list[LostRule] = []
    gone: list[LostRule] = []  # suspects whose word is gone (`LostRule.gone`) and form in surplus
    unproven: list[LostRule] = []
    kin: list[LostRule] = []  # rare forms of missing words, each too weak alone
    overwhelmed: list[LostRule] = []  # common forms standing far beyond their words' deficits (`overwhelming`)
    get = counts.get
    words = frequent_words(lex)
    for i in _words_with_forms(counts, _words_short_of(lex)):
        w, f_w, forms = words[i]
        if f_w < min_freq:
            break
        e_w = tokens * f_w
        k_w = get(w, 0)
        if k_w >= e_w:
            continue
        deficit = ev.poisson_deficit(k_w, e_w)
        if deficit < MIN_DEFICIT:
            continue
        for d, f_d, common in forms:
            k = get(d, 0)
            if k < 2:
                continue
            e_d = tokens * f_d
            excess = ev.poisson_excess(k, e_d)
            extra = k - e_d
            if excess < MIN_EXCESS or k < 3 * e_d + 2:
                if common and k_w == 0 and (spread(d, f_w) if spread is not None else e_w >= GONE_EXPECTED):
                    suspect = suspected_form(w, f_w, d, f_d, k, tokens, scope)
                    if suspect is not None:
                        suspects.append(suspect)
                        if suspect.gone and excess >= MIN_DEFICIT and extra >= 0.15 * e_w:
                            gone.append(suspect)  # its form in surplus beyond chance too
                continue
            missing = e_w - k_w
            # a form that overwhelms where its word is gone may stand far beyond the word's expected count:
            # a news site writes 'said' ten times as often as English does ('aid' 45 times, 5 'said' expected;
            # 'sai', a rare word, 40 times where 3.4 are)
            over = overwhelming(k, e_d, k_w, lex)
            beyond = extra > (8 if not common else 3) * missing + 3
            if extra < 0.15 * missing or beyond and not over:
                continue  # ...else a common word's surplus may be the page's topic or voice ('our')
            if k_w > 0.25 * (k_w + extra):   # w mostly intact: not lost "everywhere"
                continue
            # ...so its word must be missing beyond doubt, unless proven, or gone while its form overwhelms
            weak = common and (deficit < MIN_DEFICIT_COMMON or beyond)
            if foreign_text(d, lex.lang, get, extra):
                continue
            gain = extra * (math.log(f_w) - math.log(max(f_d, 1e-9)))
            rule = LostRule(d, w, k, k_w, round(e_w, 1), round(gain, 1), extra / k, scope)
            rule.evidence = round(deficit + excess, 1)
            rule.common = common
            rule.by_neighbours = weak and over  # if no other rule proves its letter
            # a form that is no word, on pages of a host that never writes its word, needs to stand
            # on fewer of them: no page's topic explains it ('peple' on 4 of 14 pages, 'people' on none)
            share = NONWORD_SPREAD if k_w == 0 and f_d < 10 ** (NONWORD_ZIPF - 9) else MIN_SPREAD
            alone = deficit + excess >= MIN_EVIDENCE and (spread is None or spread(d, f_w, share))
            if not alone:  # too weak alone ('hen' for 'then' on 3 pages of 12): perhaps with its kind
                if not common and k_w == 0 and (spread is None or spread(d, f_w, 0.0)):
                    kin.append(rule)
                continue
            # one damaged form per word: a rare form explains a deficit better
            # than a common word that happens to abound ('tis', not 'his', for 'this')
            rank = (not rule.common, rule.evidence)
            if weak:
                # a form beyond its word's deficit proves no mechanism, even with another missing word
                # (a site without 'she' makes no 'said' of every real 'aid'), but may be proven by one
                (overwhelmed if beyond else unproven).append(rule)
            elif w not in rules or rank > (not rules[w].common, rules[w].evidence):
                rules[w] = rule
    for rule in abounding_forms(counts, tokens, lex, scope, rules, spread):
        rules.setdefault(rule.word, rule)
    # Where another rule that edits loses the same letter at the same place,
    # a common form is taken on less evidence: its word missing with less
    # certainty ('y' for 'by' where one 'by' is left, beside 'ut' for 'but');
    # or, on a host that never writes the word, suspected (flagged; read by its
    # neighbours where the language has word pairs: 'as' for 'has' beside 'ave').
    proven = mechanisms(rules.values(), common=True) | joint_mechanisms([*rules.values(), *unproven, *suspects, *kin])
    for rule in sorted(unproven + overwhelmed + kin, key=lambda r: -r.evidence) + sorted(suspects, key=lambda r: -r.evidence):
        if lost_at(rule.word, rule.damaged) in proven:
            rules.setdefault(rule.word, dataclasses.replace(rule, by_neighbours=False))
    placed = places(rules.values())
    for rule in sorted(kin, key=lambda r: -r.evidence):  # a rare form of a word missing altogether, its letter lost
        if lost_place(rule.word, rule.damaged) in placed:  # where the site takes others' ('ther' beside 'he' for 'the')
            rules.setdefault(rule.word, dataclasses.replace(rule, placed=True))
    for rule in unproven + overwhelmed:  # unproven, but its form overwhelms where its word is gone: read by its neighbours
        if rule.by_neighbours:
            rules.setdefault(rule.word, rule)
        elif rule.counter == 0 and rule.expected >= PLACED_MIN_EXPECTED and lost_place(rule.word, rule.damaged) in placed:
            rules.setdefault(rule.word, dataclasses.replace(rule, placed=True))  # (its word absent: see below)
    for rule in sorted(gone, key=lambda r: -r.evidence):  # unproven, but its word gone: read by its neighbours
        if lost_at(rule.word, rule.damaged) not in proven:
            rules.setdefault(rule.word, dataclasses.replace(rule, by_neighbours=True))
    for rule in same_mechanism(mechanisms(rules.values()), rules, counts, tokens, lex, scope, spread):
        rules.setdefault(rule.word, rule)
    for r in rules.values():
        if r.common and not r.suspected and r.counter == 0 and r.expected >= PLACED_MIN_EXPECTED:
            # its word absent, losing its letter at the place in the word (first, last) where a rule whose
            # form is no word loses one: the site's filter takes words' first letters ('nly' for 'only'; then
            # 'or' is 'for', 'ore' is 'more', 'bout' is 'about'), but a word expected a few times only may be
            # absent by chance where a topic's word abounds ('ad', 'bad');
            # and as that proof is weaker than a letter's, the neighbours must lean to the word across the
            # host (`leaning`: a site's voice writes 'our' and never 'your')
            r.placed = lost_place(r.word, r.damaged) in places(rules.values(), but=r)
            r.by_neighbours = r.by_neighbours and not r.placed
        r.proven = r.suspected or bool(_lost_elsewhere(r, rules.values()))
        if r.common and not r.editable and not r.proven and not r.placed and r.gone:
            r.by_neighbours = True  # its word gone, part of its form real: read by its neighbours
    by_form: dict[str, LostRule] = {}
    for r in rules.values():
        if r.damaged not in by_form or r.gain > by_form[r.damaged].gain:
            by_form[r.damaged] = r
    return sorted(by_form.values(), key=lambda r: -r.gain)


OVERWHELMING_HITS = 8      # a common form standing this often...
OVERWHELMING_RATIO = 50.0  # ...this many times as often as the language uses it, its word gone altogether


def overwhelming(k: int, e_d: float, k_w: int, lex: Lexicon) -> bool:
    """Whether a form that is a word of its own overwhelms where its word is
    gone: OVERWHELMING_HITS or more, OVERWHELMING_RATIO times what the
    language expects, and not one occurrence of the word left ('ill' 25 times
    on a host that never writes 'will', where 0.1 'ill' and 9 'will' are
    expected). A page's topic makes a word abound too ('rally' 8 times on a
    host of rallies that never says 'really'), so the rule is taken in a
    language with word pairs only, and reads an occurrence only where its
    neighbours lean to the word (`LostRule.by_neighbours`: 'ill be' -> 'will
    be'; 'ill patients', 'the rally' stay).

    >>> from webmend.lexicon.words import lexicon
    >>> overwhelming(25, 0.08, 0, lexicon("en")), overwhelming(25, 0.08, 1, lexicon("en")), overwhelming(20, 4.0, 0, lexicon("en"))
    (True, False, False)
    """
    return (k_w == 0 and k >= OVERWHELMING_HITS and k >= OVERWHELMING_RATIO * e_d
            and bigrams(lex.lang) is not None)


RELAXED_MIN_EXPECTED = 0.2  # a rarer word the same mechanism took need only be expected this often...
NONWORD_ZIPF = 3.0         # ...when its damaged form is no word (wordfreq knows fragments like 'ight' at 2.96)


MIN_ABOUNDING = 4  # a form that is no word, standing this often where its one word stands not once, is damage


def abounding_form(d: str, k: int, index: dict, get) -> tuple[str, float] | None:
    """The word `d` is damage of, by its form alone: `d` is no word of the
    language (below NONWORD_ZIPF), one letter short of one frequent word
    only, stands MIN_ABOUNDING times or more, and that word not once ('eally'
    nine times on a page without 'really'). None when the form could be short
    of several words ('ight': right, might, night...), or is a word."""
    entry = index.get(d)
    if entry is None or k < MIN_ABOUNDING:
        return None
    f_d, common, words = entry
    if common or f_d >= 10 ** (NONWORD_ZIPF - 9) or len(words) != 1 or get(words[0][0], 0):
        return None
    return words[0]


def abounding_forms(counts, tokens: int, lex: Lexicon, scope: str, taken, spread=None) -> list[LostRule]:
    """Rules for forms that are damage by their form alone (`abounding_form`),
    however rarely the page or host would use their word (expected
    RELAXED_MIN_EXPECTED times at least, so its deficit proves little): a
    token that is no word yet abounds. Such a rule edits, so it proves its
    mechanism for the rarer words (`same_mechanism`: the 'ight' of 'right'
    once 'eally' showed the r lost at the start).

    >>> from webmend.lexicon.words import lexicon
    >>> [(r.damaged, r.word) for r in abounding_forms({"eally": 9, "ight": 3}, 2400, lexicon("en"), "page", {})]
    [('eally', 'really')]
    """
    if tokens <= 0:
        return []
    index, get, out = _form_index(lex), counts.get, []
    for d in index.keys() & counts.keys():
        k = counts[d]
        found = abounding_form(d, k, index, get)
        if found is None or found[0] in taken:
            continue
        w, f_w = found
        f_d, e_w = index[d][0], tokens * found[1]
        excess = ev.poisson_excess(k, tokens * f_d)
        if e_w < RELAXED_MIN_EXPECTED or excess < MIN_EVIDENCE:
            continue
        if spread is not None and not spread(d, f_w):
            continue
        rule = LostRule(d, w, k, 0, round(e_w, 1), round(k * (math.log(f_w) - math.log(max(f_d, 1e-9))), 1), 1.0, scope)
        rule.evidence = round(ev.poisson_deficit(0, e_w) + excess, 1)
        out.append(rule)
    return out


def lost_at(word: str, damaged: str) -> tuple[int, str]:
    """Where `word` lost a letter to become `damaged`, and which: (position, letter).

    >>> lost_at("from", "rom"), lost_at("really", "realy")
    ((0, 'f'), (4, 'l'))
    """
    i = next((i for i in range(len(damaged)) if damaged[i] != word[i]), len(damaged))
    return i, word[i]


def lost_place(word: str, damaged: str) -> str | None:
    """Where in its word the letter was lost: "first", "last", or None (inside).

    >>> lost_place("from", "rom"), lost_place("been", "bee"), lost_place("really", "realy")
    ('first', 'last', None)
    """
    i = lost_at(word, damaged)[0]
    return "first" if i == 0 else "last" if i == len(word) - 1 else None


def places(rules, but: LostRule | None = None) -> set[str]:
    """The places in a word (`lost_place`) where rules able to edit, whose
    forms are no words ('nly' for 'only', 'rom' for 'from') or whose evidence
    is beyond doubt (LETTER_PROOF: 'he' for 'the', 283 expected), lose a letter:
    a filter that takes words' first letters takes any word's, whatever the
    letter. A common form gone where its word is ('or' where 'for' is never
    written) is proven by it (`LostRule.placed`); never by itself (`but`)."""
    return {p for r in _best_per_form(rules) if r is not but and r.editable and not r.placed
            and (not r.common or r.evidence >= LETTER_PROOF)
            and len(r.damaged) > 1 and (p := lost_place(r.word, r.damaged)) is not None}


def _lost_elsewhere(rule: LostRule, rules) -> set[tuple[int, str]]:
    """The letter `rule` loses, where rules other than it, able to edit, lose
    theirs too (none: the rule has no mechanism besides its own counts)."""
    mine = lost_at(rule.word, rule.damaged)
    return {mine} & mechanisms([r for r in rules if r is not rule], common=True)


def mechanisms(rules, common: bool = False) -> set[tuple[int, str]]:
    """The letters lost, and where, that rules able to edit establish (with
    `common`, also those whose damaged form is a common word). A one-letter
    form establishes one only on evidence far beyond a rule's (LETTER_PROOF
    nats: 'f' for 'of' standing 186 times where 'of' is missing): a letter
    stands alone where words split at marks ('i.e.', 'e-commerce' count an
    'e'), and its rule may never edit. A form read as one word proves only
    that word's letter (`tha`, read as `that`, proves no n lost from `than`),
    and a rule proven by the place of its letter proves none."""
    return {lost_at(r.word, r.damaged) for r in _best_per_form(rules)
            if r.editable and not r.placed and (common or not r.common) and (len(r.damaged) > 1 or r.evidence >= LETTER_PROOF)}


def _best_per_form(rules) -> list[LostRule]:
    """Of rules reading the same form as different words, the one of most gain."""
    best: dict[str, LostRule] = {}
    for r in rules:
        if r.damaged not in best or r.gain > best[r.damaged].gain:
            best[r.damaged] = r
    return list(best.values())


LETTER_PROOF = 4 * MIN_EVIDENCE  # nats a one-letter form's rule needs to prove its mechanism
JOINT_PROOF = 2 * MIN_EVIDENCE   # nats that words missing altogether, each too weak alone, prove a mechanism with


def joint_mechanisms(candidates) -> set[tuple[int, str]]:
    """The letters lost, and where, that two or more words missing altogether
    show together, none strongly enough alone: their forms' rules, each
    short of proof ('his' a common word, 'hen' on too few pages), lose the
    same letter at the same place and their evidence adds up to JOINT_PROOF
    nats ('this' 59 times expected and absent, 'his' doubled; 'then' absent,
    'hen' four times). One missing word proves nothing by itself however
    strong: a site may never say it.

    >>> his = LostRule("his", "this", 59, 0, 59.4, 0.0, 0.5, "host", evidence=71.0)
    >>> hen = LostRule("hen", "then", 4, 0, 10.6, 0.0, 1.0, "host", evidence=25.8)
    >>> joint_mechanisms([his, hen]), joint_mechanisms([his])
    ({(0, 't')}, set())
    """
    words: dict[tuple[int, str], dict[str, float]] = {}
    for r in candidates:
        if r.counter == 0 and len(r.damaged) > 1:
            of = words.setdefault(lost_at(r.word, r.damaged), {})
            of[r.word] = max(of.get(r.word, 0.0), r.evidence)
    return {m for m, of in words.items() if len(of) >= 2 and sum(of.values()) >= JOINT_PROOF}


def same_mechanism(mechs: set[tuple[int, str]], taken, counts, tokens: int, lex: Lexicon, scope: str,
                   spread=None) -> list[LostRule]:
    """Rarer words that lost the same letter at the same place (`mechs`) as
    the words of rules already accepted (which establish the mechanism: an
    escape that eats the r of every word it precedes takes 'right' often
    enough to prove itself, and 'really' too rarely to be proved alone).
    Such a word (not among `taken`, which have their rules) needs only to be
    expected RELAXED_MIN_EXPECTED times and to be missing altogether, while
    its damaged form stands twice or more and is no word of the language
    (below NONWORD_ZIPF: 'eally'). Only rules that edit establish a mechanism.

    >>> from webmend.lexicon.words import lexicon
    >>> mechs = mechanisms([LostRule("ight", "right", 12, 0, 6.0, 90.0, 1.0, "page")])
    >>> [(r.damaged, r.word) for r in same_mechanism(mechs, {"right"}, {"ight": 12, "eally": 3}, 4000,
    ...                                              lexicon("en"), "page")]
    [('eally', 'really')]
    """
    if not mechs or tokens <= 0:
        return []
    out = []
    min_freq = RELAXED_MIN_EXPECTED / tokens
    get, words = counts.get, frequent_words(lex)
    for i in _words_with_forms(counts, _words_short_of(lex)):
        w, f_w, forms = words[i]
        if f_w < min_freq:
            break
        if w in taken or get(w, 0):
            continue
        for d, f_d, common in forms:
            k = get(d, 0)
            if k < 2 or lost_at(w, d) not in mechs:
                continue
            if common or f_d >= 10 ** (NONWORD_ZIPF - 9):
                suspect = suspected_form(w, f_w, d, f_d, k, tokens, scope)
                if suspect is not None:
                    out.append(suspect)
                    break
                continue
            if spread is not None and not spread(d, f_w):
                continue
            e_w = tokens * f_w
            gain = k * (math.log(f_w) - math.log(max(f_d, 1e-9)))
            rule = LostRule(d, w, k, 0, round(e_w, 1), round(gain, 1), 1.0, scope)
            rule.evidence = round(ev.poisson_deficit(0, e_w) + ev.poisson_excess(k, tokens * f_d), 1)
            out.append(rule)
            break
    return out


def suspected_form(w: str, f_w: float, d: str, f_d: float, k: int, tokens: int, scope: str) -> LostRule | None:
    """A word of the language's own that the mechanism would make of a
    missing word ('as' of 'was', 'his' of 'this', 'or' of 'for'), while that
    word is missing altogether (MIN_DEFICIT nats at least: where the
    mechanism is proven, the word's occurrences must be among the form's,
    however noisy the form's own count, and however far below its
    expected count the site writes the form itself). The counts cannot tell
    which of its 'as' were 'was', so the rule is flagged, and read by the
    neighbours where the language has word pairs (`in_context`), from a
    prior share of damage of its surplus share or, if more, of the share
    the two words' expected counts give (e_w / (e_w + e_d): a site that
    writes 'as' less than most still had its 'was' turned into it). None
    when the word is not missing beyond chance.

    >>> round(suspected_form("was", 6.6e-3, "as", 5.9e-3, 119, 8700, "host").surplus_share, 2)
    0.57
    >>> round(suspected_form("was", 6.6e-3, "as", 5.9e-3, 60, 8700, "host").surplus_share, 2)
    0.53
    >>> suspected_form("was", 6.6e-3, "as", 5.9e-3, 3, 300, "page") is None  # 'was' expected 2
    True
    """
    e_w, e_d = tokens * f_w, tokens * f_d
    deficit, excess = ev.poisson_deficit(0, e_w), ev.poisson_excess(k, e_d)
    extra = k - e_d
    if deficit < MIN_DEFICIT:
        return None
    share = max(extra / k, e_w / (e_w + e_d))
    rule = LostRule(d, w, k, 0, round(e_w, 1), round(max(extra, 0.0) * (math.log(f_w) - math.log(f_d)), 1), share, scope)
    rule.evidence, rule.common, rule.suspected = round(deficit + excess, 1), True, True
    return rule


# ------------------------------------------------------------ first pass
# A host's word counts pool its pages' rough counts (page_words.rough_tokens:
# C-speed), of the words a rule may ask about, lower-case and Capitalised
# forms read as one word and acronyms left out (`asked_words`). A line that
# recurs across its pages counts once (`evidence.recurring_lines`, kept by
# this step's first pass): the rules subtract the repeats. A page whose own counts show a
# possible rule (necessary conditions, loosened) records the damaged form, so
# the second pass counts words exactly only on pages that contain one.
LINES_CAP = ev.LINES_CAP  # long lines a host keeps (evidence.observe_long_lines)
FORMS_CAP = 64           # candidate damaged forms a host keeps
FORM_PAGES_CAP = 5000    # one-letter-short forms a host counts the pages of
# Pooled over a host's pages (in the engine's parent, page by page) the counters stay bounded too.
LEANS_CAP = 256         # (form, word) pairs a host counts its neighbours' leaning for
HostStats.caps.update({"lost_letters.leans.*": LEANS_CAP})
HostStats.caps.update({ev.HOST_LINES: LINES_CAP, "lost_letters.forms.*": FORMS_CAP, "lost_letters.capitalised.*": FORMS_CAP,
                       "lost_letters.form_pages.*": FORM_PAGES_CAP, "lost_letters.words.*": ev.HOST_CAP})
ROUGH_SLACK = 0.5        # the page-level candidate test asks this share of the rule's evidence


def template_repeats(stats: HostStats) -> Counter:
    """Rough word counts of the host's recurring lines beyond their first page."""
    out: Counter = Counter()
    for line, extra in ev.recurring_lines(stats):
        for word, k in rough_words(line).items():
            out[word] += k * extra
    return out


def host_rules(stats: HostStats, lex: Lexicon) -> list[LostRule]:
    """Rules from the host's pooled counts, its template lines counted once."""
    repeats = template_repeats(stats)
    tokens = stats.counter("lost_letters.tokens")[lex.lang] - sum(repeats.values())
    counts = _less(stats.counter(f"lost_letters.words.{lex.lang}"), case_folded(repeats, lex))
    return infer_rules(counts, max(tokens, 1), lex, "host", host_spread(stats, lex.lang))


MIN_SPREAD = 0.5  # of the pages expected to use w, the share that must show d
NONWORD_SPREAD = 0.25  # ...when d is no word and w stands on none of the host's pages


def host_spread(stats: HostStats, lang: str):
    """`spread(d, f_w)`: whether the damaged form d stands on at least half the
    host's pages that would each be expected to use w (of frequency f_w) at
    least once, and on two pages at least. A site's damage is on all its
    pages; a word in surplus on one page about it ('ad' on a page about ads,
    beside a host that rarely says 'had') is that page's topic.

    >>> s = HostStats(); s.pages = 4
    >>> s.counter("lost_letters.page_sizes.en").update({11: 4})  # four pages of 1,024-2,047 words
    >>> s.counter("lost_letters.form_pages.en").update({"rom": 4, "ad": 1})
    >>> spread = host_spread(s, "en"); spread("rom", 2e-3), spread("ad", 1e-3)
    (True, False)
    """
    pages_with = stats.counter(f"lost_letters.form_pages.{lang}")
    sizes = stats.counter(f"lost_letters.page_sizes.{lang}")

    def spread(d: str, f_w: float, share: float = MIN_SPREAD) -> bool:
        # pages of 2**(b-1) .. 2**b - 1 tokens: expected to use w 1 - exp(-tokens * f_w) of the time
        expected = sum(n * (1 - math.exp(-(1.5 * 2 ** (b - 1)) * f_w)) for b, n in sizes.items())
        return pages_with.get(d, 0) >= max(2.0, share * expected)

    return spread


def case_folded(counts, lex: Lexicon) -> Counter:
    """Rough counts (`rough_words`: UTF-8 keys, case kept) of the words a rule
    may ask about (the frequent words and their one-letter-short forms), each
    read as its lower and Capitalised forms (an all-capitals form is an
    acronym: left out).

    >>> from webmend.lexicon.words import lexicon
    >>> case_folded({b"from": 2, b"From": 1, b"FROM": 5, b"zzz": 3}, lexicon("en"))
    Counter({'from': 3})
    """
    words = _key_words(lex)
    out: Counter = Counter()
    for k in counts.keys() & words.keys():
        out[words[k]] += counts[k]
    return out


def asked_words(tokens: list[bytes], lex: Lexicon) -> list[str]:
    """The tokens (`rough_tokens`) a rule may ask about, each read as its word
    (`case_folded`, token by token), in text order; filtered and mapped in C.

    >>> from webmend.lexicon.words import lexicon
    >>> asked_words(rough_tokens("From the FROM rom zzz"), lexicon("en"))
    ['from', 'the', 'rom']
    """
    return list(filter(None, map(_key_words(lex).get, tokens)))  # every word is a non-empty string


def _less(counts, minus) -> dict[str, int]:
    """`counts` less `minus`, keeping the words still counted."""
    if not minus:
        return counts
    out = dict(counts)
    for w in minus.keys() & out.keys():
        n = out[w] - minus[w]
        if n > 0:
            out[w] = n
        else:
            del out[w]
    return out


@per_lexicon()
def _key_words(lex: Lexicon) -> dict[bytes, str]:
    """The lower-case and Capitalised UTF-8 forms (`rough_words` keys) of the
    frequent words and their one-letter-short forms -> the word."""
    out: dict[bytes, str] = {}
    for w, _, forms in frequent_words(lex):
        for word in (w, *(d for d, _, _ in forms)):
            for key in _utf8_forms(word):
                out.setdefault(key, word)
    for other in OTHER_LANGUAGES:  # what tells another language's text (`foreign_text`)
        if other != lex.lang:
            for word in _foreign_marks(other, lex.lang):
                for key in _utf8_forms(word):
                    out.setdefault(key, word)
    return out


def _utf8_forms(word: str) -> tuple[bytes, bytes]:
    """The lower-case and Capitalised forms of a word, in UTF-8; a one-letter
    word only in lower case (a capital letter alone is an initial: 'J. Smith', 'U.S.').

    >>> _utf8_forms("rom"), _utf8_forms("o")
    ((b'rom', b'Rom'), (b'o', b'o'))
    """
    low = word.encode("utf-8", "surrogatepass")
    if len(word) == 1:
        return low, low
    return low, (word[:1].upper() + word[1:]).encode("utf-8", "surrogatepass")


@per_lexicon()
def _form_index(lex: Lexicon) -> dict[str, tuple]:
    """Every one-letter-short form of a frequent word -> (its frequency,
    whether it is a common word, and its words with their frequency)."""
    index: dict[str, list] = {}
    for w, f_w, forms in frequent_words(lex):
        for d, f_d, common in forms:
            index.setdefault(d, [f_d, common, []])[2].append((w, f_w))
    return {d: (f_d, common, tuple(ws)) for d, (f_d, common, ws) in index.items()}


def candidate_forms(counts, tokens: int, lex: Lexicon, slack: float = ROUGH_SLACK) -> set[str]:
    """Damaged forms the rough counts (`asked_words`, counted) might support a
    rule for: `infer_rules`' tests with every evidence threshold times `slack`
    and the count ratios loosened (a cheap test of one page, never an edit).

    >>> from webmend.lexicon.words import lexicon
    >>> words = asked_words(rough_tokens("He came rom the town and went rom there. " * 20), lexicon("en"))
    >>> sorted(candidate_forms(Counter(words), 400, lexicon("en")))
    ['rom']
    """
    if tokens <= 0:
        return set()
    index = _form_index(lex)
    get = counts.get
    out = set()
    for d in index.keys() & counts.keys():
        f_d, common, words = index[d]
        k = counts[d]
        if k < 2:
            continue  # (a form standing once is neither abounding nor in surplus)
        if k >= MIN_ABOUNDING and abounding_form(d, k, index, get) is not None:
            out.add(d)
            continue
        e_d = tokens * f_d
        if k < 1.5 * e_d + 2:
            continue
        excess = ev.poisson_excess(k, e_d)
        if excess < MIN_EXCESS * slack:
            continue
        extra = k - e_d
        for w, f_w in words:
            e_w = tokens * f_w
            if e_w < MIN_EXPECTED * slack:
                continue
            k_w = get(w, 0)
            deficit = ev.poisson_deficit(k_w, e_w)
            if (deficit >= (MIN_DEFICIT_COMMON if common else MIN_DEFICIT) * slack
                    and deficit + excess >= MIN_EVIDENCE * slack and k_w <= 0.5 * (k_w + extra)):
                out.add(d)
                break
    return out


def observe(doc: Document, stats: HostStats) -> None:
    lex = ev.page_lexicon(doc)
    if lex is None or not lex.alphabetic:
        return
    words = rough_tokens(doc.text)
    # Only the words a rule may ask about are counted (the frequent words and
    # their one-letter-short forms: some 10,000 keys per language, under
    # HOST_CAP, so the host's pooled counts never drop one); filtered and
    # counted in C.
    asked = asked_words(words, lex)
    ev.add_all_capped(stats, f"lost_letters.words.{lex.lang}", asked)  # counted into the host's in C
    counts, tokens = Counter(asked), len(words)
    ev.observe_long_lines(doc.text, stats)
    stats.counter("lost_letters.tokens")[lex.lang] += tokens
    stats.counter(f"lost_letters.page_sizes.{lex.lang}")[tokens.bit_length()] += 1
    ev.add_all_capped(stats, f"lost_letters.form_pages.{lex.lang}", list(_form_index(lex).keys() & counts.keys()),
                      FORM_PAGES_CAP)
    forms = candidate_forms(counts, tokens, lex)
    if forms:
        ev.add_capped(stats, f"lost_letters.forms.{lex.lang}", dict.fromkeys(forms, 1), FORMS_CAP)
        index = _form_index(lex)
        capitalised = {d: words.count(_utf8_forms(d)[1]) for d in forms if not index[d][1] and len(d) > 1}
        ev.add_capped(stats, f"lost_letters.capitalised.{lex.lang}", {d: n for d, n in capitalised.items() if n},
                      FORMS_CAP)
        ev.add_capped(stats, f"lost_letters.spaced.{lex.lang}", spaced_forms(doc.text, forms), FORMS_CAP)
    ev.add_capped(stats, f"lost_letters.leans.{lex.lang}", observe_leans(doc.text, counts, tokens, lex), LEANS_CAP)
    # the page's own rules, for the second pass (only a page with a candidate can have one)
    doc.notes[NOTE] = infer_rules(counts, tokens, lex, "page") if forms else []


NOTE = "lost_letters.page_rules"


# ------------------------------------------------------------ second pass
def learn(doc: Document, res: Resources | None) -> list[LostRule]:
    """The rules for this page: its own (counted exactly, when the first pass
    saw a candidate on the host that the page contains, or when there was no
    first pass), then its host's for the forms the page has. A host whose
    first pass found nothing in any language is done without even guessing
    the page's language."""
    stats = res.host_stats(doc) if res is not None else None
    # A page alone whose text changed since the first pass (its chrome gone)
    # is counted again: its words were counted with the chrome's, and mending
    # the mended page must find the same rules.
    recount = (stats is None or stats.pages <= 1) and NOTE in doc.notes and pipeline_observed(doc, NOTE) is None
    if stats is not None and not recount and _HOST_QUIET.get(stats, lambda: host_is_quiet(stats)):
        return []
    lex = ev.page_lexicon(doc)
    if lex is None or not lex.alphabetic:
        return []
    observed = stats is not None and f"lost_letters.words.{lex.lang}" in stats.counters
    rules: list[LostRule] = []
    pooled: list[LostRule] = []
    if NOTE in doc.notes and not recount:  # the first pass found the page's own rules
        rules = [r for r in doc.notes[NOTE] if _occurs(doc.text, r.damaged)]
    elif recount or not observed or any(d in doc.text for d in stats.counter(f"lost_letters.forms.{lex.lang}")):
        counts = ev.words_of(doc.text, caps=False)
        rules = infer_rules(counts, sum(counts.values()), lex, "page")
    if observed and stats.pages > 1:
        pooled = _HOST_RULES.get(stats, lambda: host_rules(stats, lex), lex.lang)
        # the host's evidence outweighs a page's own too weak to edit with (a common form, part surplus),
        # or one reading the form as another word ('ould' as 'would' on a page whose 'would' is missing,
        # where the host proves 'could' lost its c)
        # (and a page's rule read by its neighbours only gives way to its host's for the same form)
        firm = {r.damaged: r.word for r in pooled if r.editable}
        rules = [r for r in rules
                 if r.damaged not in firm or r.editable and not r.by_neighbours and firm[r.damaged] == r.word]
        # the host proves the letter lost where the page alone cannot
        proven = {(r.damaged, r.word) for r in pooled if r.proven}
        rules = [dataclasses.replace(r, proven=True) if (r.damaged, r.word) in proven else r for r in rules]
        placed = {(r.damaged, r.word) for r in pooled if r.placed}  # ...or the place where words lose theirs
        rules = [dataclasses.replace(r, placed=True, by_neighbours=False) if (r.damaged, r.word) in placed else r
                 for r in rules]
        have = {r.damaged for r in rules}
        rules += [r for r in pooled if r.damaged not in have and _occurs(doc.text, r.damaged)]
        mechs = mechanisms(pooled)
        if mechs:  # the host's damage, on words too rare on its other pages to be proved there
            counts = ev.words_of(doc.text, caps=False)
            taken, forms = {r.word for r in rules}, {r.damaged for r in rules}
            rules += [r for r in same_mechanism(mechs, taken, counts, sum(counts.values()), lex, "page")
                      if r.damaged not in forms and _occurs(doc.text, r.damaged)]
    rules = [r for r in rules if not stands_whole(doc.text, r)]
    leans = stats.counters.get(f"lost_letters.leans.{lex.lang}", {}) if observed and stats.pages > 1 else None
    own: list[Counter] = []  # a page alone's own leaning, counted once when first asked

    def counted() -> dict:
        if leans is not None:
            return leans
        if not own:
            words = rough_tokens(doc.text)
            own.append(observe_leans(doc.text, Counter(asked_words(words, lex)), len(words), lex))
        return own[0]

    # a rule proven by the place of its letter, or read by its neighbours, where they lean to the word across
    # the host (a page alone: across the page) is read where they lean on any page; one proven by its place
    # where they do not, only on pages where they lean clearly (the site's voice may never write the word)
    # (a common form only flagged, its word absent but its surplus short of editing, too: 'no' for 'not')
    rules = [r if r.proven or not (r.placed or leans is not None and (
                 r.by_neighbours or r.common and not r.editable and not r.suspected and r.counter == 0))
             else dataclasses.replace(r, host_leans=True) if leaning(r, counted())
             else dataclasses.replace(r, placed=False, by_neighbours=r.by_neighbours or r.placed) for r in rules]
    capitalised = stats.counter(f"lost_letters.capitalised.{lex.lang}") if observed else {}
    if any(r.common for r in rules) and (first_capital_kept(doc.text, rules + pooled, capitalised) or any(
            r.common and (r.proven or r.host_leans or r.editable) and lost_place(r.word, r.damaged) == "first"
            and leaning(r, counted(), "capital ") for r in rules)):
        # (or its capitalised common forms' neighbours lean to the word: 'He president', 'Or example')
        rules = [dataclasses.replace(r, capital_kept=True) if r.common else r for r in rules]
    return rules


CAPITAL_KEPT_MIN = 2  # capitalised occurrences of rare forms that show a site keeps the capital of a first letter lost


def first_capital_kept(text: str, rules: list[LostRule], host_capitalised) -> bool:
    """Whether the site passes the capital of a word whose first letter it
    takes on to the form ('These' -> 'Hese', where gen.py's filter writes
    'hese'): its rare forms that lost their first letter stand capitalised
    CAPITAL_KEPT_MIN times or more, on the host (`host_capitalised`, counted
    by the first pass) or on the page.

    >>> r = LostRule("hese", "these", 9, 0, 8.0, 30.0, 1.0, "page")
    >>> first_capital_kept("Hese are. Hese were. hese", [r], {}), first_capital_kept("hese are. Hese", [r], {})
    (True, False)
    """
    n = 0
    for r in {r.damaged: r for r in rules}.values():
        if not r.common and r.editable and len(r.damaged) > 1 and lost_at(r.word, r.damaged)[0] == 0:
            n += host_capitalised.get(r.damaged, 0) or sum(
                m.group(0)[0].isupper() and not m.group(0).isupper() for m in word_matches(text, r.damaged))
            if n >= CAPITAL_KEPT_MIN:
                return True
    return False


def stands_whole(text: str, rule: LostRule) -> bool:
    """Whether the rule's word stands whole on the page as the earlier steps
    left it, in any case, too often for a word lost everywhere (the first
    pass counted a filter's upper-case 'AND' as an acronym, not as 'and', and
    took 'ad' on a page about ads for its damage).

    >>> r = LostRule("ad", "and", 2, 0, 3.0, 12.0, 1.0, "page")
    >>> stands_whole("the AND ad AND ad AND", r), stands_whole("the ad ad ad", r)
    (True, False)
    """
    k_w = len(ev.find_word(text, rule.word))
    return k_w > 0.25 * (k_w + rule.hits)


def host_is_quiet(stats: HostStats) -> bool:
    """Whether a host observed in the first pass shows no candidate form on
    any page and, pooled, no rule in any of its languages."""
    langs = stats.counter("lost_letters.tokens")
    if not langs:
        return False  # not observed: each page is judged on its own
    if any(stats.counters.get(f"lost_letters.forms.{lang}") for lang in langs):
        return False
    if stats.pages <= 1:
        return True
    from webmend.lexicon.words import lexicon

    for lang in langs:
        lex = lexicon(lang)
        if lex is not None and _HOST_RULES.get(stats, lambda: host_rules(stats, lex), lang):
            return False
    return True


_HOST_QUIET = ev.HostCache()


def explained_forms(stats: HostStats, lex: Lexicon) -> dict[str, float]:
    """The damaged forms that the host's lost-letter rules (those that edit,
    or whose lost letter another rule proves) read as words, each with how
    many of its occurrences they explain (its surplus): 'or' standing where
    'for' lost its f. Another family's counts of such a form (escaping's
    counterexamples: 'or' after a plain space) are not the author's words.

    >>> from webmend.lexicon.words import lexicon
    >>> s = HostStats(); s.pages = 2  # a host whose pages were not observed: no rule
    >>> explained_forms(s, lexicon("en"))
    {}
    """
    if stats.pages <= 1 or f"lost_letters.words.{lex.lang}" not in stats.counters:
        return {}
    return _explained(_HOST_RULES.get(stats, lambda: host_rules(stats, lex), lex.lang))


MAX_EXPLAIN_RECOUNT = 1_000_000  # characters: a page without first-pass notes larger than this is not counted for it


def explained_on_page(doc: Document, res: Resources | None) -> dict[str, float]:
    """`explained_forms` for a page judged on its own: its own rules (`learn`).
    A page the first pass never saw (no notes) is counted for it only up to
    MAX_EXPLAIN_RECOUNT characters (a refinement of another step's evidence
    is not worth a second count of a 10 MB line; a corpus run observes every
    page first)."""
    if NOTE not in doc.notes and len(doc.text) > MAX_EXPLAIN_RECOUNT:
        return {}
    return _explained(learn(doc, res))


def _explained(rules: list[LostRule]) -> dict[str, float]:
    return {r.damaged: r.hits * r.surplus_share for r in rules if r.editable or r.proven or r.placed or r.host_leans}


def _occurs(text: str, word: str) -> bool:
    """Whether `word` stands in the text as a word it may be damage of, other
    than in capitals ('rom', 'Rom', not 'ROM')."""
    return word in text.lower() and any(not m.group(0).isupper() or len(word) == 1
                                        for m in word_matches(text, word))


_CONTRACTION = re.compile(r"['’](?:s|d|t|m|ll|re|ve)(?![^\W\d_])")  # 'that’s', 'that'll': the word ends at the mark
_NAME_BEFORE = "./@"    # 'nbc.com', '/com', 'user@com': part of a name, not a word
_ALONE_AFTER = " \t\n,;:!?)\"'”’"  # a one-letter word ends so ('o the', 'y air,'), not 'i.e.'


def _ends_alone(text: str, e: int) -> bool:
    """Whether a one-letter word ends at `e`: at the text's end, before a
    space or a closing mark, or before a full stop that ends a sentence
    ('about t.' for 'about it.'), not one inside an abbreviation ('i.e.')."""
    if e == len(text) or text[e] in _ALONE_AFTER:
        return True
    return text[e] == "." and (e + 1 == len(text) or text[e + 1] in " \t\n\"'”’)")


def word_matches(text: str, word: str) -> list:
    """`find_word`'s occurrences of `word` that stand as words of running
    text: not glued to a name's dot or slash ('nbc.com' is no 'come'), nor to
    an apostrophe except a contraction's ('hat’s' is 'that’s'), and,
    for a one-letter form, after a space or an opening mark and before a
    space or a closing mark ('i.e.' and 'J. Smith' hold no damaged 'we').

    >>> [m.start() for m in word_matches("go o the shop, see nbc.com, i.e. fine; o", "o")]
    [3, 39]
    >>> [m.start() for m in word_matches("i.e. e.g. what about t. then", "t")]
    [21]
    >>> [m.start() for m in word_matches("t’s late, at o'clock; o’s", "t") + word_matches("at o'clock; o’s", "o")]
    [0, 12]
    >>> [m.start() for m in word_matches("came rom the town; www.rom.org; hat’s it; o'clock", "rom")]
    [5]
    >>> [m.group(0) for m in word_matches("hat’s it, hat's all, hat'sy, 'hat", "hat")]
    ['hat', 'hat']
    """
    out = []
    for m in ev.find_word(text, word, "-"):
        s, e = m.start(), m.end()
        before = text[s - 1] if s else " "
        if before in _NAME_BEFORE or before in "'’":
            continue
        contraction = e < len(text) and text[e] in "'’"
        if contraction and not _CONTRACTION.match(text, e):
            continue  # 'rom's' may be a word of its own, 'o'clock' is no 'of'; 'hat’s' is 'that’s', 't’s' 'it’s'
        if len(word) == 1 and not ((before.isspace() or before in "(\"'“‘") and (contraction or _ends_alone(text, e))):
            continue
        out.append(m)
    return out


_HOST_RULES = ev.HostCache()
CONTRACTION_ZIPF = 3.0   # 'that's' is a word of the language, 'the's' is not


def _contraction(text: str, at: int) -> str | None:
    """The contraction at text[at:] as the lexicon writes it ("'s" for '’s'), or None."""
    m = _CONTRACTION.match(text, at)
    return "'" + m.group(0)[1:].lower() if m else None


def _takes(word: str, text: str, at: int, lex: Lexicon | None) -> bool:
    """Whether `word` takes the contraction at text[at:] ('’s' after 'that')."""
    tail = _contraction(text, at)
    return tail is not None and lex is not None and lex.zipf(word + tail) >= CONTRACTION_ZIPF


CONTRACTION_FLOOR = 1.0  # zipf of a contracted form wordfreq lacks ('here'll')


def contraction_log_odds(text: str, at: int, w: str, d: str, lex: Lexicon | None) -> float:
    """What a contraction right after the form (text[at:]: '’s', '’ll') says
    of reading `w` for `d`: log P(contraction | w) - log P(contraction | d),
    from wordfreq's counts of the contracted words against the bare ones
    (0 when there is no contraction there).

    >>> from webmend.lexicon.words import lexicon
    >>> en = lexicon("en")
    >>> contraction_log_odds("here'll be", 4, "there", "here", en) > 4    # 'there'll': wordfreq lacks "here'll"
    True
    >>> contraction_log_odds("here's to", 4, "there", "here", en) < 1 # "here's" and "there's" both common
    True
    """
    tail = _contraction(text, at) if lex is not None else None
    if tail is None:
        return 0.0
    zipf = lambda word: max(lex.zipf(word + tail), CONTRACTION_FLOOR) - lex.zipf(word)
    return (zipf(w) - zipf(d)) * math.log(10)


def _cased_like(token: str, word: str) -> str:
    return word[:1].upper() + word[1:] if token[:1].isupper() else word


def _next_word(text: str, end: int) -> str:
    m = _NEXT.match(text, end)
    return m.group(1).lower() if m else ""


_NEXT = re.compile(r"[ \t]+([^\W\d_]+)")


def _prev_word(text: str, start: int) -> str:
    m = _PREV.search(text, max(0, start - 40), start)
    return m.group(1).lower() if m else ""


_PREV = re.compile(r"([^\W\d_]+)[ \t]+$")
ABSENT_SHARE = 0.05  # a proven rule's word left this share of its expected count at most: missing altogether
MIN_UNSURE_ODDS = 1.0  # nats: the log-odds a rule the counts do not make editable needs to read a form


def neighbours_lean(r: LostRule, text: str, matches, pairs) -> bool:
    """Whether the neighbours of the form's occurrences on the page lean to
    the word more often than against it (pairs that say nothing left out; a
    lean is NEIGHBOUR_ODDS at least): the test a rule
    taken on its form's surplus alone (`LostRule.by_neighbours`) must pass on
    a page. 'ill be', 'ill take' lean to 'will'; 'the rally in' against 'really'.

    >>> from webmend.lexicon.bigrams import bigrams
    >>> r = LostRule("ill", "will", 3, 0, 9.0, 30.0, 1.0, "host", common=True, by_neighbours=True)
    >>> t = "It ill be fine. They ill take it. The mentally ill people."
    >>> neighbours_lean(r, t, list(re.finditer(r"\\bill\\b", t)), bigrams("en"))
    True
    """
    lean = against = 0
    for m in matches:
        odds = pairs.context_log_odds(_prev_word(text, m.start()), _next_word(text, m.end()), r.word, r.damaged)
        lean += odds >= NEIGHBOUR_ODDS
        against += odds < 0
    return lean >= 1 and lean > against


NEIGHBOUR_ODDS = 2.0  # nats the neighbours alone give the word where they lean to it clearly
LEAN_MIN_EXPECTED = 0.5  # a word absent from a page is asked about where it is expected this often
LEAN_MAX_ASKED = 100  # occurrences of a form a page asks its neighbours about, at most


def observe_leans(text: str, counts, tokens: int, lex: Lexicon) -> Counter:
    """First pass: for each common form the page writes more than usual
    (in lower case or capitalised) whose word, absent from the page and no
    rarer than the form, it may stand for (expected LEAN_MIN_EXPECTED times
    or more), how many of its occurrences (the first LEAN_MAX_ASKED) the
    neighbours lean to the word (NEIGHBOUR_ODDS nats) and how many against
    it, keyed 'form word lean' and 'form word against' (joined by \\x1f),
    'form word capital lean' and '... capital against' for its capitalised
    occurrences (`counts`: the page's `asked_words`, counted). Pooled over a host they
    tell a word lost everywhere from a site's voice (`leaning`), and a site
    that keeps the capital of a word whose first letter it takes ('He
    president') from one that lowers it.

    >>> from webmend.lexicon.words import lexicon
    >>> t = "We wait or the bus. She paid or the meal. It is good or you. Tea or coffee? Red or blue."
    >>> leans = observe_leans(t, Counter(asked_words(rough_tokens(t), lexicon("en"))), 200, lexicon("en"))
    >>> leans["or\\x1ffor\\x1flean"], leans["or\\x1ffor\\x1fagainst"]
    (2, 2)
    """
    pairs = bigrams(lex.lang)
    if pairs is None:
        return Counter()
    index = _form_index(lex)
    asked: dict[str, list[str]] = {}
    doubtful = set()  # forms in surplus beside an absent word: perhaps damaged themselves
    for d in index.keys() & counts.keys():
        f_d, common, words = index[d]
        if common and counts[d] > 1.5 * tokens * f_d + 1:  # (a form the page writes no more than usual says little)
            # (a form more frequent than its word hides the word's loss in its own count: 'the' for 'they')
            absent = [w for w, f_w in words if counts.get(w, 0) == 0 and tokens * f_w >= LEAN_MIN_EXPECTED
                      and f_w >= f_d]
            if absent:
                asked[d] = absent
                if counts[d] > 2 * tokens * f_d + 2:
                    doubtful.add(d)
    out: Counter = Counter()
    for d, absent in asked.items():
        for m in word_matches(text, d)[:LEAN_MAX_ASKED]:
            tok = m.group(0)
            if tok.islower():
                case = ""
            elif tok[:1].isupper() and (len(tok) == 1 or tok[1:].islower()):
                case = "capital "  # ('He president', where a site keeps the capital of 'The')
            else:
                continue
            # a neighbour that may be damaged itself says nothing ('or he Google', where 'the' is absent, 'he' abounds)
            prev, nxt = _prev_word(text, m.start()), _next_word(text, m.end())
            prev, nxt = "" if prev in doubtful else prev, "" if nxt in doubtful else nxt
            for w in absent:
                odds = pairs.context_log_odds(prev, nxt, w, d)
                if odds >= NEIGHBOUR_ODDS:
                    out[f"{d}\x1f{w}\x1f{case}lean"] += 1
                elif odds < 0:
                    out[f"{d}\x1f{w}\x1f{case}against"] += 1
    return out


MIN_LEANING = 2  # occurrences across a host whose neighbours lean clearly to the word, at least...
MIN_LEAN_SHARE = 0.25  # ...and this share of those whose neighbours lean either way


def leaning(r: LostRule, leans, case: str = "") -> bool:
    """Whether the neighbours lean to the rule's word across the host
    (`leans`: its pooled `observe_leans`; a page alone's own):
    clearly (NEIGHBOUR_ODDS) at MIN_LEANING of the form's occurrences at
    least, a quarter of those where they lean either way. Where a site lost
    a word everywhere they do, on a third to two thirds ('or' for 'for': 19
    leaning, 11 against, on six benchmark pages so damaged; 'ore' for
    'more', 5 and 10: 'the ore' is English too); where its voice never
    writes the word they do not ('our' beside no 'your' on fourteen: 0 and
    39), nor often where the form is real (2 of 19 real 'or').

    >>> r = LostRule("or", "for", 9, 0, 30.0, 30.0, 0.7, "host", common=True)
    >>> leaning(r, {"or\\x1ffor\\x1flean": 19, "or\\x1ffor\\x1fagainst": 11}), leaning(r, {})
    (True, False)
    """
    key = f"{r.damaged}\x1f{r.word}\x1f{case}"
    lean, against = leans.get(key + "lean", 0), leans.get(key + "against", 0)
    return lean >= MIN_LEANING and lean >= MIN_LEAN_SHARE * (lean + against)


def in_context(r: LostRule, text: str, m: re.Match, pairs, lex: Lexicon | None = None,
               through: dict[str, str] | None = None, clearly: bool = False) -> tuple[bool, float]:
    """Whether the common form at `m` is read as the damaged word, and the
    log-odds of that reading: the rule's prior (the share of the form's
    occurrences that are surplus) plus its neighbours' evidence
    (`Bigrams.context_log_odds`) and a contraction's after it
    (`contraction_log_odds`: 'here’ll' is 'there’ll'); a neighbour that is
    the form of a rule in `through` counts as that rule's word ('or he
    Google' is 'or the Google' where 'he' stands for 'the'). A rule the counts make editable (nearly
    all of the form surplus), or one whose word is missing altogether where
    another rule proves the letter lost ('for' never written, 'or' a fifth
    real, beside 'rom'), reads it wherever the odds favour the word (its
    neighbours may veto); any other only where the neighbours lean to the
    word and the odds reach MIN_UNSURE_ODDS (when unsure, leave it); one taken
    on its form's surplus alone (`LostRule.by_neighbours`) only where the
    neighbours alone lean to the word (on a page where they lean clearly:
    `neighbours_lean`; where they lean across the host, `LostRule.host_leans`,
    on any other page too where they lean `clearly`)."""
    share = min(max(r.surplus_share, 0.01), 0.99)
    prev, nxt = _prev_word(text, m.start()), _next_word(text, m.end())
    if through:  # a neighbour that is another rule's form is read as its word ('or he Google': 'or the')
        prev, nxt = through.get(prev, prev), through.get(nxt, nxt)
    context = pairs.context_log_odds(prev, nxt, r.word, r.damaged)
    context += contraction_log_odds(text, m.end(), r.word, r.damaged, lex)
    odds = math.log(share / (1 - share)) + context
    if r.by_neighbours or r.host_leans and not r.placed:  # (taken on its form's surplus alone)
        return (context >= NEIGHBOUR_ODDS if clearly else context > 0), odds
    decisive = r.editable or (r.proven and r.counter <= ABSENT_SHARE * r.expected
                              and (not r.suspected or r.surplus_share >= MIN_SURPLUS_SHARE))
    return (odds > 0 if decisive else context > 0 and odds >= MIN_UNSURE_ODDS), odds


# a sentence's end on the same line (a word of three letters or more before the dot: 'Mr.', 'vs.' abbreviate),
# then the spaces and opening marks before the next word
_SENTENCE_END = r"(?:[^\W\d_]{3}\.|[!?])[\"'”’)\]]*[ \t]+[\"'“‘(\[]*"
_SENTENCE_START = re.compile(_SENTENCE_END + r"([^\W\d_]+)")  # ...and the word that starts the next sentence
_SENTENCE_END_BEFORE = re.compile(_SENTENCE_END + "$")  # ...right before a word
MIN_SENTENCE_STARTS = 5     # sentence starts a page needs to show its habit of capitals
CAPITALISED_STARTS = 0.9    # share of them capitalised, the damaged forms left out


def capitalises_sentences(text: str, forms: set[str]) -> bool:
    """Whether the page writes its sentences' first words with a capital
    (90% or more of the words after a sentence's end on the same line, not
    counting `forms`, the damaged forms whose case is in question).

    >>> capitalises_sentences("It rained. So did they. Then it ended. Why? Because it did. More came. he left.", {"he"})
    True
    >>> capitalises_sentences("it rained. he came. so did we. then it ended. why? because.", set())
    False
    """
    starts = [w for w in _SENTENCE_START.findall(text) if w.lower() not in forms]
    return len(starts) >= MIN_SENTENCE_STARTS and sum(w[0].isupper() for w in starts) >= CAPITALISED_STARTS * len(starts)


def lower_at_sentence_start(text: str, m: re.Match) -> bool:
    """Whether the match is a lower-case word right after a sentence's end
    on the same line ('passing. he would'; a line's start is left out, since
    hard-wrapped lines start in lower case).

    >>> t = "the passing. he would, Mr. he said. He did\\nhe"
    >>> [lower_at_sentence_start(t, m) for m in re.finditer(r"\\bhe\\b", t, re.I)]
    [True, False, False, False]
    """
    if not m.group(0)[:1].islower():
        return False
    return _SENTENCE_END_BEFORE.search(text, max(0, m.start() - 16), m.start()) is not None


def repair_text(text: str, rules: list[LostRule], lex: Lexicon | None = None,
                spaced: dict[str, int] | None = None) -> tuple[list[Change], list]:
    """The changes that read each damaged form as its word.

    A rare damaged form ('rom') is damage wherever it stands (upper-case
    'ROM' excepted). A damaged form that is a common word itself ('he' for
    'the') is damage only in lower case (a first letter lost lowercases; 'He' is the
    real word) or, where the letter was lost inside the word, capitalised too
    ('Te' for 'The'), and, in a language with pair counts (lexicon/bigrams.py),
    only where its neighbours make the word likelier than the form (`in_context`:
    'in he city' -> 'the', 'he said' stays; where the site keeps the capital
    of a word whose first letter it takes, `LostRule.capital_kept`, a
    capitalised form too: 'His is' -> 'This is'); without them, not before a word
    that the page shows after the real, capitalised one ('He was' -> 'he was'
    is real), and never for a rule only suspected. A form before a
    contraction's apostrophe is damage only where the word takes that
    contraction in `lex` ('hat’s' -> 'that’s'; 'he’s' is no 'the’s'). A
    control character or line break before a form may stand for the space
    the damage took with the letter (`break_for_space`; `spaced`: how often
    the host's other pages show each form after a plain space)."""
    changes, spans = [], []
    pairs = bigrams(lex.lang) if lex is not None and any(r.common for r in rules) else None
    through = {r.damaged: r.word for r in rules if r.editable}  # neighbours read as the words they mostly were
    capitalised: list[bool] = []  # whether the page capitalises its sentences (asked once, when needed)
    for r in rules:
        if r.suspected and pairs is None:
            continue  # flagged only
        matches = word_matches(text, r.damaged)
        # a first letter lost leaves the word in lower case ('The' -> 'he'); one
        # lost inside keeps its capital ('The' -> 'Te'), so a capital is no sign of the real word
        capital_kept = r.capital_kept or lost_at(r.word, r.damaged)[0] > 0
        broken = break_for_space(text, matches, (spaced or {}).get(r.damaged, 0))
        real_next: Counter = Counter()
        lean = True  # (whether the page's neighbours lean to the word, for a rule read by them)
        if r.common and pairs is not None:
            if not r.editable and not r.proven and not r.host_leans and not r.by_neighbours:
                continue  # flagged only: the form's surplus may be the site's voice ('our' beside no 'your')
            lean = not r.by_neighbours or neighbours_lean(r, text, matches, pairs)
            if not lean and not r.host_leans:
                continue  # the page's topic, not damage ('the rally', 'a rally in')
        elif r.common:
            real_next = Counter(_next_word(text, m.end()) for m in matches
                                if m.group(0)[:1].isupper() and not m.group(0).isupper() and not capital_kept)
            real_next.pop("", None)
            if not real_next and not r.editable:
                continue
        elif not r.editable:
            continue
        # one taken on its form's surplus alone that the host's neighbours lean to: on a page where they
        # do not lean clearly, read only where they lean clearly
        clearly = r.by_neighbours and not lean
        for m in matches:
            tok = m.group(0)
            if len(tok) > 1 and tok.isupper() or len(tok) == 1 and not tok.islower():
                continue  # 'ROM' is a word of its own; a capital letter alone an initial
            if r.common and (not (tok.islower() or capital_kept and tok[1:].islower())
                             or _next_word(text, m.end()) in real_next):
                continue
            if m.end() < len(text) and text[m.end()] in "'’" and not _takes(r.word, text, m.end(), lex):
                continue
            context = ""
            if r.common and pairs is not None and not capital_kept and lower_at_sentence_start(text, m):
                # in lower case where the page writes a capital: the filter that took the first letter
                # lowered it ('passing. he would'; one that keeps the capital, or a letter lost inside, did not)
                if not capitalised:
                    capitalised.append(capitalises_sentences(text, {x.damaged for x in rules}))
                if capitalised[0]:
                    context = "; in lower case at a sentence's start, where the page writes capitals"
            if r.common and pairs is not None and not context:
                read, odds = in_context(r, text, m, pairs, lex, through, clearly)
                if not read:
                    continue
                context = f"; its neighbours: log-odds {odds:.1f}"
            start, word = m.start(), _cased_like(tok, r.word)
            after = word
            if start in broken:  # the line break or control character the escape left for the space
                start, after = start - 1, " " + word
                context += f"; {text[start]!r} in place of the space before it"
            changes.append(Change(start, m.end(), after, kind="lost_letter",
                                  evidence=f"{r.damaged!r} for {r.word!r}: {r.word!r} {r.counter} times where "
                                           f"{r.expected:.0f} expected, {r.damaged!r} {r.hits} times; gain "
                                           f"{r.gain:.0f} nats ({r.scope}){context}"))
            spans.append((len(after) - len(word), len(after)))
    return changes, spans


NEWLINE_MIN = 2       # forms after a line break (none after a space) that show the break is damage
FRAGMENT_WORDS = 8    # words of a line that ends mid-sentence: a sentence's start, not a heading
CONTROL_SPACES = "\x0b\x0c"  # vertical tab, form feed ('\\v', '\\f' read as escapes): never between words


def break_for_space(text: str, matches, spaced: int = 0) -> set[int]:
    """Starts of the damaged forms whose line break or control character
    before them stands for a space: an escape that ate the letter left a
    control character in the space's place ('could\\not' -> 'could' + a
    line break + 'ot', 'says\\from' -> 'says' + a form feed + 'rom').

    A form feed or vertical tab after a word always does. A line break does
    where the damage takes the space with the letter: the form stands after
    no plain space, on the page or (`spaced`) on its host's other pages; a
    site that keeps the space ('came rom') loses the letter at a line's start
    too ('Amsterdam' + a line break + 'rom hundreds' is a heading, then a
    paragraph). Then two or more forms after single line breaks do, and one alone
    where the line before breaks off mid-sentence (FRAGMENT_WORDS or more,
    ending on a letter or a comma: a heading is shorter, a paragraph ends on a mark).

    >>> t = "they could\\not go, did\\not stay.\\nNot now.\\n\\not here"
    >>> sorted(break_for_space(t, [m for m in re.finditer(r"\\bot\\b", t)]))
    [11, 22]
    >>> t = "Part two\\not yet. Right!\\fot"
    >>> sorted(break_for_space(t, [m for m in re.finditer(r"\\bot\\b", t)]))
    [24]
    >>> t = "The house they had built over the years could\\not stand."
    >>> sorted(break_for_space(t, [m for m in re.finditer(r"\\bot\\b", t)]))
    [46]
    >>> t = "they could\\not go, did\\not stay, and ot yet"
    >>> sorted(break_for_space(t, [m for m in re.finditer(r"\\bot\\b", t)]))
    []
    """
    feeds = {m.start() for m in matches if m.start() >= 2 and text[m.start() - 1] in CONTROL_SPACES
             and not text[m.start() - 2].isspace()}
    if spaced or any(m.start() and text[m.start() - 1] in " \t" for m in matches):
        return feeds
    at = {m.start() for m in matches if m.start() >= 2 and text[m.start() - 1] == "\n"
          and not text[m.start() - 2].isspace()}
    if len(at) >= NEWLINE_MIN:
        return feeds | at
    return feeds | {s for s in at if _breaks_off(text, s - 1)}


def spaced_forms(text: str, forms) -> Counter:
    """How often each of `forms` stands as a word after a plain space.

    >>> spaced_forms("came rom the town,\\nrom there; romance", ["rom", "ot"])
    Counter({'rom': 1})
    """
    pattern = r"(?<= )(%s)(?![^\W\d_])" % "|".join(map(re.escape, sorted(forms, key=len, reverse=True)))
    return Counter(m.group(1).lower() for m in re.finditer(pattern, text, re.IGNORECASE))


def _breaks_off(text: str, newline: int) -> bool:
    """Whether the line ending at `newline` breaks off mid-sentence: it ends on
    a letter or a comma and has FRAGMENT_WORDS words or more."""
    last = text[newline - 1]
    if not (last.isalpha() or last == ","):
        return False
    start = text.rfind("\n", 0, newline) + 1
    return text.count(" ", start, newline) >= FRAGMENT_WORDS - 1


def repair_lost_letters(doc: Document, res: Resources) -> None:
    if not doc.text:
        return
    rules = learn(doc, res)
    if not rules:
        return
    lex = ev.page_lexicon(doc)
    stats = res.host_stats(doc) if res is not None else None
    spaced = stats.counters.get(f"lost_letters.spaced.{lex.lang}") if stats is not None and lex is not None else None
    changes, spans = repair_text(doc.text, rules, lex, spaced)
    edited = Counter(doc.text[c.start:c.end].lstrip().lower() for c in changes)  # (a change may take the break before)
    by_context = lex is not None and any(r.common for r in rules) and bigrams(lex.lang) is not None
    for r in rules:
        doc.rules.append(ev.rule_entry(FAMILY, f"{r.damaged!r} -> {r.word!r}", r.scope, hits=r.hits,
                                       counterexamples=r.counter, expected=r.expected, gain=r.gain, evidence=r.evidence,
                                       surplus_share=round(r.surplus_share, 2), applied=edited[r.damaged] > 0,
                                       **({"by_context": edited[r.damaged]} if r.common and by_context else {})))
        share = f"{r.surplus_share:.0%} of {r.damaged!r} " + ("estimated damage" if r.suspected else "surplus")
        if r.common and by_context and not r.editable and (r.proven or r.host_leans or r.by_neighbours):
            doc.flags.append(f"lost_letters: {r.damaged!r} may stand for {r.word!r} ({r.word!r} {r.counter} times "
                             f"where {r.expected:.0f} expected, {share}); "
                             f"{edited[r.damaged]} read as {r.word!r} where its neighbours say so, the others left "
                             f"as they are")
        elif r.suspected:
            doc.flags.append(f"lost_letters: {r.damaged!r} may stand for {r.word!r} (the letter this site loses from "
                             f"other words; {r.word!r} missing, {share}); "
                             f"not edited: {r.damaged!r} is a word of its own")
        elif not r.editable:
            doc.flags.append(f"lost_letters: {r.damaged!r} may stand for {r.word!r} "
                             f"({r.surplus_share:.0%} of its occurrences are surplus); not edited")
    if changes:
        ev.replace_tracked(doc, changes, spans)
    if doc.title:
        tchanges, tspans = repair_text(doc.title, rules, lex)
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
