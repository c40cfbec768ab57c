"""HTML extraction on real pages: benchmark F1 on a sample of pages, the Common
Crawl capture of an.wikipedia.org/wiki/Escopete, metadata, awkward markup."""
from __future__ import annotations

import gzip
import json
import time

import pytest

from webmend.extract.dom_blocks import walk_blocks
from webmend.extract.html import extract_html
from webmend.io.decode import decode_bytes

from conftest import BENCH, SHARED, run_cli, score_module

WARC = SHARED / "samples" / "commoncrawl" / "whirlwind.warc.gz"
ESCOPETE = "https://an.wikipedia.org/wiki/Escopete"


@pytest.fixture(scope="module")
def escopete_html() -> str:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    with open(WARC, "rb") as f:
        for rec in ArchiveIterator(f, record_types=WarcRecordType.response):
            if rec.headers.get("WARC-Target-URI") == ESCOPETE:
                return decode_bytes(rec.reader.read())
    raise AssertionError("no Escopete response record")


def test_f1_on_a_sample_of_benchmark_pages(ground_truth, tmp_path):
    """Every 6th page (31 pages): the benchmark's F1 stays above a floor (the
    held-out 5-fold figure is 0.97; trafilatura's on all pages is 0.953)."""
    ids = sorted(ground_truth)[::6]
    out = tmp_path / "out.jsonl"
    with open(out, "w", encoding="utf-8") as f:
        for pid in ids:
            html = decode_bytes(gzip.open(BENCH / "html" / f"{pid}.html.gz").read())
            f.write(json.dumps({"id": pid, "text": extract_html(html, ground_truth[pid]["url"]).text}) + "\n")
    truth = tmp_path / "truth.json"
    truth.write_text(json.dumps({k: ground_truth[k] for k in ids}), encoding="utf-8")
    r = score_module().score_extract(truth, out)
    assert r["missing"] == 0
    assert r["f1"] >= 0.94, r
    assert r["precision"] >= 0.92 and r["recall"] >= 0.92, r


def test_escopete_without_menus(escopete_html):
    ex = extract_html(escopete_html, ESCOPETE)
    for chrome in ("Ir al contenido", "Menú principal", "Navego", "Creyar cuenta", "Descargar como PDF",
                   "Politica de privacidat"):
        assert chrome not in ex.text
    assert "Escopete ye un municipio d'a provincia de Guadalachara" in ex.text
    assert "[editar" not in ex.text  # MediaWiki's edit links are never text
    assert ex.title.startswith("Escopete") and ex.language == "an"


def test_escopete_through_the_cli(tmp_path):
    out = tmp_path / "out.jsonl"
    run_cli("clean", WARC, "-o", out, "--workers", "1")
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    page = next(r for r in recs if r["url"] == ESCOPETE)
    assert "Ir al contenido" not in page["text"] and "Menú principal" not in page["text"]


def test_paragraphs_lists_and_headings_on_their_own_lines():
    html = ("<body><article><h2>Fiestas</h2><p>First paragraph of the article, with a few words.</p>"
            "<ul><li>one item of the list</li><li>another item of it</li></ul>"
            "<p>A line<br>broken in two.</p></article></body>")
    bs = walk_blocks(html)
    from webmend.extract.html import assemble_text

    assert assemble_text(bs, [True] * len(bs.blocks)) == (
        "Fiestas\n\nFirst paragraph of the article, with a few words.\n\n"
        "one item of the list\nanother item of it\n\nA line\nbroken in two.")


def test_hidden_and_script_text_is_never_extracted():
    html = ("<body><script>var x = 'script text';</script><style>p{}</style><p hidden>hidden text</p>"
            "<div style='display: none'>invisible text</div><p>Visible text of the page, a sentence.</p></body>")
    texts = [b.text for b in walk_blocks(html).blocks]
    assert texts == ["Visible text of the page, a sentence."]


@pytest.mark.parametrize("html", ["", "<html></html>", "<script>only()</script>", "\x00\x01 not html",
                                  "<p>" * 20_000 + "deep" + "</p>" * 20_000,
                                  "<div>" * 5_000 + "nested text" + "</div>" * 5_000])
def test_awkward_markup_does_not_raise(html):
    ex = extract_html(html)
    assert isinstance(ex.text, str)


def test_huge_single_line_page_is_linear():
    html = "<html><body><p>" + ("word, " * 1_500_000) + "</p></body></html>"  # 9 MB, one line
    t0 = time.process_time()
    ex = extract_html(html)
    assert time.process_time() - t0 < 20
    assert len(ex.text) > 8_000_000


def test_an_element_of_nothing_but_never_text_is_no_block_boundary():
    """Scripts, icons and widgets are skipped by the walk (not removed first):
    an element holding only them is empty, as if they had been removed — it
    neither splits the text around it nor counts as a link."""
    html = ("<body><div>Some words before <div><iframe src=x></iframe><script>x()</script></div> and after."
            "</div><p>Read <a href=/x><svg><path d=M0/></svg></a> the <a href=/y>whole</a> story.</p></body>")
    bs = walk_blocks(html)
    assert bs.texts == ["Some words before and after.", "Read the whole story."]
    assert bs.links == [0, 1] and bs.link_chars == [0, 5]


def test_class_words_match_as_with_the_plain_alternation(ground_truth):
    """The trie-shaped regex of CLASS_GROUPS finds the groups the plain
    alternation of the patterns finds, on every class/id word of a sample of
    benchmark pages."""
    import re

    from webmend.extract.dom_blocks import _ANY_GROUP, _GROUP_BIT, CLASS_GROUPS

    plain = re.compile("|".join(f"(?P<g{i}>{pat})" for i, pat in enumerate(CLASS_GROUPS.values())))
    words = set()
    for pid in sorted(ground_truth)[::4]:
        html = decode_bytes(gzip.open(BENCH / "html" / f"{pid}.html.gz").read())
        for m in re.finditer(r'\b(?:class|id)="([^"]{1,300})"', html):
            words.update(m.group(1).lower().split())
    assert len(words) > 2000
    for w in words:
        want = sum({1 << int(m.lastgroup[1:]) for m in plain.finditer(w)})
        got = 0
        for m in _ANY_GROUP.finditer(w):
            got |= _GROUP_BIT[m.lastindex]
        assert got == want, w
