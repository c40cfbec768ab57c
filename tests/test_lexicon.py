"""Word statistics: bounded memory however many languages a corpus brings."""
from __future__ import annotations

import gc
import weakref

import webmend
from webmend.lexicon.words import MAX_LEXICONS, lexicon


def test_a_dropped_lexicon_is_freed_with_what_was_derived_from_it(ground_truth):
    # A German page through every repair step fills the caches derived from 'de'.
    german = next(v["articleBody"] for v in ground_truth.values() if " und " in v["articleBody"][:2000]
                  and " der " in v["articleBody"][:2000])
    doc = webmend.mend(text=german.replace(" von ", " vn ").replace("-", "- "))
    assert doc.error is None
    ref = weakref.ref(lexicon("de"))
    for lang in ["en", "fr", "es", "it", "pt", "nl", "sv", "pl", "tr"][:MAX_LEXICONS]:
        lexicon(lang)
    gc.collect()
    assert lexicon.cache_info().currsize <= MAX_LEXICONS
    assert ref() is None, "something still holds the evicted German lexicon"


def test_a_language_wordfreq_lacks_has_no_lexicon():
    assert lexicon("xx") is None and lexicon(None) is None
