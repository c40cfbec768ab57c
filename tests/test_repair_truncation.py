"""Truncation: pages cut off mid-sentence are flagged and cut back to their last
whole sentence (gen.py's gold, sentence_cut); clean pages, pages ending with a
heading, a list item or a closing quote are left alone."""
from __future__ import annotations

import pytest

from damage_variants import clean_articles, damage_one, gen, mend_pages, token_errors
from webmend.document import Document
from webmend.pipeline import Resources
from webmend.repair import truncation

STEPS = [truncation.STEP]


@pytest.fixture(scope="module")
def articles(ground_truth) -> list[str]:
    return [t for _, t in clean_articles(ground_truth)]


def _host(articles, channel, start, n=10, host="site.example"):
    pages = [damage_one(t, [channel], seed=start + i) for i, t in enumerate(articles[start:start + n])]
    return pages, mend_pages([bad for bad, *_ in pages], STEPS, host=host)


def test_cut_pages_are_flagged_and_cut_back(articles):
    """gen.py's truncation (mid-word), one host: the flag and the gold text."""
    pages, docs = _host(articles, "truncate", start=40)
    hits = sum(d.truncated for d in docs)
    assert hits >= 9
    exact = sum(d.text == gold.strip() for d, (_, gold, *_) in zip(docs, pages))
    assert exact >= 9
    for d in docs:
        if d.truncated and d.removed:
            assert d.removed[-1].reason == "truncated fragment"


def test_cut_at_a_word_end_is_found_through_the_host(articles):
    """Cut after a whole word, no fragment to see: the host's pages, ending
    mid-sentence one after another, show it."""
    pages, docs = _host(articles, "truncate_word", start=60)
    assert sum(d.truncated for d in docs) >= 8
    alone = [mend_pages([bad], STEPS, host=None)[0] for bad, *_ in pages]
    assert sum(d.truncated for d in alone) < sum(d.truncated for d in docs)


def test_cut_after_the_first_letters_of_a_paragraph(articles):
    """A page cut right after the first letters of a new paragraph ends on a
    paragraph of one word (even a whole one: 'I', 'A'): on a host that cuts
    its pages it is cut back to its last sentence; on its own, left alone."""
    pages, _ = _host(articles, "truncate", start=40)
    # three pages of the host end on a new paragraph's first letters
    cut = [pages[0][1].strip() + "\n\nI", pages[1][1].strip() + "\n\nT", pages[2][1].strip() + "\n\n“Whi"]
    docs = mend_pages(cut + [bad for bad, *_ in pages[3:]], STEPS, host="site.example")
    for d, (_, gold, *_) in zip(docs[:3], pages):
        assert d.truncated and d.text == gold.strip()
    alone = mend_pages(cut[:1], STEPS, host=None)[0]
    assert not alone.truncated and alone.text == cut[0]


def test_a_cut_after_the_first_letter_of_a_short_paragraph_is_plain(articles):
    """A page cut right after the first letter of a word in a new short
    paragraph ('US officials s', 'Corbyn, a s', from a random probe set's
    host whose pages gen.py cut): 's' and 't' stand high in English's counts
    as the ends of 'it's' and 'don't', never alone, so the cut is plain on
    the page itself, and the host's other open endings follow. Before, each
    read as a heading ('s' at zipf 5.9 is no rare short word): 5 of the
    host's 6 cut pages kept their fragment."""
    pages, _ = _host(articles, "truncate", start=40, n=4)
    tails = ["US officials s", "Corbyn, a s", "They don’t t"]
    cut = [gold.strip() + "\n\n" + tail for (_, gold, *_), tail in zip(pages, tails)]
    for page in cut:
        alone = mend_pages([page], STEPS, host=None)[0]
        assert alone.truncated and not alone.text.endswith(tuple(tails))
    docs = mend_pages(cut + [pages[3][1].strip() + "\n\nHome De"], STEPS, host="site.example")
    assert all(d.truncated for d in docs)
    assert [d.text for d in docs] == [gold.strip() for _, gold, *_ in pages]


def test_a_word_of_another_script_is_no_fragment(articles):
    """A Russian benchmark page under a site's English footer ('Contact
    us'): the Russian lexicon cannot judge 'us', so it is no fragment and the
    page is not plainly cut. Before, 'us' read as a fragment: a random probe's
    host of such pages made itself a truncating host and cut a Russian
    page's closing vote list (95 token errors)."""
    from webmend.lexicon.words import lexicon

    russian = [t for t in articles if sum("а" <= ch <= "я" for ch in t.lower()) > len(t) / 3]
    assert russian
    for page in russian:
        assert truncation.page_ending(page + "\n\nContact us", lexicon("ru"))[0] == "open"


def test_a_host_whose_pages_end_on_their_source_url_is_not_cut(articles):
    """Every page of a host ends with a line that gives its source URL (no
    closing punctuation): no page is cut, none flagged."""
    pages = [t + f"\n\nRead the original story at https://www.example.com/news/story-{'abcdefgh'[i]}"
             for i, t in enumerate(articles[:8])]
    docs = mend_pages(pages, STEPS, host="site.example")
    assert not any(d.truncated for d in docs)
    assert all(d.text == p for d, p in zip(docs, pages))


def test_clean_pages_are_not_truncated(articles):
    docs = mend_pages(articles[:120], STEPS, host=None)
    flagged = [(d.id, d.text[-60:]) for d in docs if d.truncated]
    assert len(flagged) <= 1, flagged
    pooled = mend_pages(articles[:10], STEPS)  # a clean host
    assert not any(d.truncated for d in pooled)


@pytest.mark.parametrize("ending", ["\n\nFurther reading", "\n\n- the last item of a list",
                                    "\n\nShe said: “We will be back.”", "\n\n(Image credit: NASA)",
                                    "\n\nMore at www.example.com/news", "\n\nContributing: Jane Smith"])
def test_real_endings_stay(articles, ending):
    text = articles[3] + ending
    doc = mend_pages([text], STEPS, host=None)[0]
    assert not doc.truncated and doc.text == text.strip()


def test_sample_page_end(sample_text):
    """The sample's body ends '...who had lost all their men e' before its chrome."""
    body = sample_text[sample_text.index("\n6. “Let Us") + 1:sample_text.index("\n\n추천 0")]
    doc = mend_pages([body], STEPS, host=None)[0]
    assert doc.truncated
    assert token_errors(doc.text, gen.sentence_cut(body.strip())) == 0
    assert doc.removed[-1].text.endswith("all their men e")


def test_removal_is_recorded_against_the_input(articles):
    for i, text in enumerate(articles[50:60]):
        bad, gold, *_ = damage_one(text, ["truncate"], seed=i)
        doc = mend_pages([bad], STEPS, host=None)[0]
        if doc.truncated:
            break
    assert doc.truncated
    r = doc.removed[-1]
    assert doc.input_text[r.start:r.end].strip() == r.text
    assert token_errors(doc.text, gold) == 0


@pytest.mark.parametrize("text", ["", ",", "a", "word " * 200_000, "é" * 1000, "no sentence end here at all but"])
def test_bad_pages_pass(text):
    doc = Document(id="x", source=text)
    truncation.STEP.run(doc, Resources())
    assert doc.error is None
    again = doc.text
    truncation.STEP.run(doc, Resources())
    assert doc.text == again  # idempotent


def _chrome_host(articles, profile, start, n=10):
    """Pages of one host with the site's chrome around them (gen.py's
    footer, share buttons and related titles, cut at 80 characters)."""
    import random

    from damage_variants import damage, make_host

    rng = random.Random(start)
    host = make_host(start, profile, rng, [t.split("\n")[0][:80] for t in articles[100:140]])
    host["chrome_lang"], host["chrome_top"] = "en", gen.CHROME["en"]["top"][:4]
    host["chrome_bottom"] = gen.CHROME["en"]["bottom"][:]
    return [damage(t, host, rng) for t in articles[start:start + n]]


def test_cut_pages_under_the_sites_footer_are_found_through_the_host(articles):
    """Pages cut at a word end, then served inside the site's footer: the raw
    pages end on 'Contact us', so the host's endings are read from each
    page's own last paragraph (the last one no other page repeats: the
    related titles recur). Without the cut, the same host's pages are left
    whole."""
    from webmend.pipeline import STEPS as ALL

    steps = [s for s in ALL if s.name in ("templates", "chrome", "truncation")]
    pages = _chrome_host(articles, ["truncate_word", "chrome"], start=20)
    docs = mend_pages([bad for bad, *_ in pages], steps, host="site.example")
    assert sum(d.truncated for d in docs) >= 8
    assert sum(token_errors(d.text, gold) for d, (_, gold, *_) in zip(docs, pages)) <= 0.2 * sum(
        token_errors(bad, gold) for bad, gold, *_ in pages)
    whole = _chrome_host(articles, ["chrome"], start=20)
    docs = mend_pages([bad for bad, *_ in whole], steps, host="site.example")
    assert not any(d.truncated for d in docs)


def test_a_cut_the_site_marks_with_an_ellipsis_is_cut_back(articles):
    """A site that cuts its pages mid-word and writes an ellipsis where it
    cut ('their men e…', 'by Americ […]'): the ellipsis is no sentence's end
    there, the page is judged by what precedes it, and the fragment goes
    with it (before, the ellipsis ended the page's last sentence and nothing
    was flagged). A page alone whose author trails off after a whole word
    ('a long way home…') stays as it is."""
    import random

    from damage_variants import truncate_ellipsis

    cuts = [truncate_ellipsis(t, random.Random(i), {}) for i, t in enumerate(articles[40:50])]
    docs = mend_pages(cuts, STEPS, host="site.example")
    assert sum(d.truncated for d in docs) >= 9
    assert sum(d.text == gen.sentence_cut(c).strip() for d, c in zip(docs, cuts)) >= 9
    trailing = articles[0].rstrip() + "\n\nIt was, in the end, a long way home…"
    alone = mend_pages([trailing], STEPS, host=None)[0]
    assert not alone.truncated and alone.text == trailing


def test_a_cut_followed_by_the_sites_link_to_the_rest_is_cut_back(articles):
    """A site that cuts its pages mid-word and puts its link to the rest on
    the same line ('men e… Read more', 'e [Read more]'): the link is part
    of the cut's mark, and goes with the fragment."""
    import random

    from damage_variants import truncate_readmore

    cuts = [truncate_readmore(t, random.Random(i), {}) for i, t in enumerate(articles[60:70])]
    docs = mend_pages(cuts, STEPS, host="site.example")
    gold = [gen.sentence_cut(gen.truncate(t, random.Random(i), {})) for i, t in enumerate(articles[60:70])]
    assert sum(d.truncated for d in docs) >= 9
    assert sum(d.text == g.strip() for d, g in zip(docs, gold)) >= 9


def test_related_titles_cut_short_do_not_make_a_host_truncate(ground_truth, tmp_path):
    """A host whose pages end with the site's footer and a few related
    titles, each cut at 80 characters (gen.py's chrome), their articles
    whole: the pages' own last paragraphs are guessed behind the footer, and
    a title that stands on one page only reads as the page's own, cut short.
    Two such of the four pages the guess reached made the host one that cuts
    its pages (the random probe set of seed 7: three articles lost their
    closing lists and credits). The guess must show 60% of the pages cut now."""
    import json

    import damage_variants
    from webmend.pipeline import mend_all

    damage_variants.write_probe_corpus(ground_truth, tmp_path, 0, seed=7)
    gold = [json.loads(x) for x in (tmp_path / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    pages = [json.loads(x) for x in (tmp_path / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    chrome_host = {p["url"].split("/")[2] for p, g in zip(pages, gold)
                   if g["channels"] == ["esc1_replace_lower_join+table+or+limit_$", "chrome"]}
    assert len(chrome_host) == 1
    docs = [Document(id=p["id"], url=p["url"], source=p["text"]) for p in pages if p["url"].split("/")[2] in chrome_host]
    assert len(docs) >= 5
    out = list(mend_all(docs))
    assert not [d.id for d in out if d.truncated]
