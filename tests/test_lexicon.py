"""Word statistics: bounded memory however many languages a corpus brings."""
from __future__ import annotations

import gc
import weakref

import webmend
from webmend.lexicon import words
from webmend.lexicon.words import MAX_LEXICON_WORDS, MAX_LEXICONS, held_words, lexicon


def test_a_dropped_lexicon_is_freed_with_what_was_derived_from_it(ground_truth):
    # A German page through every repair step fills the caches derived from 'de'.
    german = next(v["articleBody"] for v in ground_truth.values() if " und " in v["articleBody"][:2000]
                  and " der " in v["articleBody"][:2000])
    doc = webmend.mend(text=german.replace(" von ", " vn ").replace("-", "- "))
    assert doc.error is None
    ref = weakref.ref(lexicon("de"))
    for lang in ["en", "fr", "es", "it", "pt", "nl", "sv", "pl", "ru", "ar"]:
        lexicon(lang)
        assert held_words() <= MAX_LEXICON_WORDS and len(words._HELD) <= MAX_LEXICONS
    gc.collect()
    assert "de" not in words._HELD
    assert ref() is None, "something still holds the evicted German lexicon"


def test_small_lexicons_share_the_room_of_a_big_one():
    """The bound is in words: many small lists stay held together."""
    for lang in ["ko", "id", "tr", "en"]:
        lexicon(lang)
    assert {"ko", "id", "tr", "en"} <= set(words._HELD)


def test_a_glance_at_function_words_holds_no_lexicon():
    """Other languages' commonest words are read without pushing out the lexicons in use."""
    words._HELD.clear()
    lexicon("en")
    for lang in ["de", "fr", "es", "it", "pt", "nl", "id", "tr", "pl", "sv"]:
        assert words.commonest(lang, 6.0)
    assert list(words._HELD) == ["en"]


def test_a_language_wordfreq_lacks_has_no_lexicon():
    assert lexicon("xx") is None and lexicon(None) is None


def test_spelling_tables_of_a_few_languages_stay_loaded_and_a_big_one_is_bounded():
    """A corpus of a few languages reads each dictionary once (with room for
    two, a run over English, German and French pages read them again and
    again: half a second a page); the bound is in stems, so Greek's big
    table pushes the others out instead of adding to them."""
    from webmend.lexicon import spelling

    spelling._HELD.clear()
    first = {lang: spelling.table(lang) for lang in ["en", "de", "fr", "es"]}
    assert all(first.values())
    assert all(spelling.table(lang) is t for lang, t in first.items())
    spelling.table("el")
    assert spelling.held_stems() <= spelling.MAX_TABLE_STEMS
    assert "el" in spelling._HELD and "en" not in spelling._HELD


def test_a_language_is_never_judged_by_another_languages_words(caplog, ground_truth):
    """wordfreq answers a language it lacks with its nearest match: Uzbek,
    Kazakh and Belarusian with Russian. A page judged by another language's
    words would miss that language's commonest words everywhere. Only a
    variant of the same language stands in ('no' -> 'nb'). A Korean page
    mis-decoded as Windows-1251 reads as Cyrillic to the language guesser
    (Uzbek) until its mojibake is repaired: no Russian list is read for it."""
    import logging

    import damage_variants
    from webmend.pipeline import mend

    assert lexicon("uz") is None and lexicon("kk") is None and lexicon("be") is None
    assert lexicon("no") is not None and lexicon("no").zipf("og") > 6  # Bokmål's list
    korean = [t for _, t in damage_variants.clean_articles(ground_truth)
              if sum(0xAC00 <= ord(c) <= 0xD7A3 for c in t) > 200]
    assert korean
    with caplog.at_level(logging.WARNING):
        for text in korean:
            doc = mend(text=damage_variants.damage_one(text, ["mojibake_cp1251"], 1)[0])
            assert doc.language == "ko" and any(e.kind == "mojibake" for e in doc.edits)
    assert not [r for r in caplog.records if "nearest match" in r.getMessage()]
