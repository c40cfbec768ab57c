"""The data model: edits located in the input text, whatever the order of steps."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from webmend.document import Change, Document




def test_edit_offsets_point_into_the_input_on_the_sample(sample_text):
    doc = Document(id="s", source=sample_text)
    # Two rounds of changes, the second after the text has shifted.
    first = [Change(m, m + 1, " ", kind="t1") for m in range(len(doc.text)) if doc.text[m] == "\\"][:50]
    doc.replace(first)
    pos = doc.text.index("cir-cumstances")
    doc.replace([Change(pos, pos + len("cir-cumstances"), "circumstances", kind="t2")])
    last = doc.edits[-1]
    assert sample_text[last.start:last.end] == "cir-cumstances"
    for e in doc.edits:
        assert sample_text[e.start:e.end] == e.before


@st.composite
def change_rounds(draw):
    src = draw(st.text(alphabet="ab \n\\", max_size=40))
    rounds = draw(st.lists(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 3),
                                              st.sampled_from(["", "X", "YY", "\n"])), max_size=5),
                           min_size=1, max_size=4))
    return src, rounds


@settings(max_examples=300, deadline=None)
@given(change_rounds())
def test_offset_map_keeps_unchanged_text_aligned(case):
    src, rounds = case
    doc = Document(id="h", source=src)
    for spec in rounds:
        changes, last = [], -1
        for start, length, after in sorted(spec):
            start = min(start, len(doc.text))
            end = min(start + length, len(doc.text))
            if start < last:
                continue
            changes.append(Change(start, end, after))
            last = end if end > start else start + 1
        doc.replace(changes)
    pos = 0
    for seg in doc._map.segments:  # segments tile the working text, in input order
        assert seg.work == pos
        pos += seg.wlen
        if seg.verbatim:
            assert doc.text[seg.work:seg.work + seg.wlen] == src[seg.inp:seg.inp + seg.ilen]
    assert pos == len(doc.text)
    for e in doc.edits:
        assert 0 <= e.start <= e.end <= len(src)


def test_overlapping_changes_are_refused():
    doc = Document(id="x", source="abcdef")
    try:
        doc.replace([Change(0, 3, "X"), Change(2, 4, "Y")])
    except ValueError:
        return
    raise AssertionError("overlapping changes were accepted")


def test_remove_records_the_block_with_input_offsets(sample_text):
    doc = Document(id="s", source=sample_text)
    start = doc.text.index("추천 0")
    doc.remove(start, len(doc.text), "page chrome")
    assert doc.removed[0].reason == "page chrome"
    assert sample_text[doc.removed[0].start:].startswith("추천 0")
    assert not doc.edits  # removals are listed in `removed`, not as edits
    assert doc.text.endswith("their men e\n\n")


def _layout_by_regex(text: str) -> list[tuple[int, int, str]]:
    from webmend.extract.text_input import _LAYOUT, _REPLACEMENT

    return [(m.start(), m.end(), _REPLACEMENT[m.lastgroup]) for m in _LAYOUT.finditer(text)]


def _layout(text: str) -> list[tuple[int, int, str]]:
    from webmend.extract.text_input import layout_changes

    return [(c.start, c.end, c.after) for c in layout_changes(text)]


def test_layout_changes_are_the_layout_regexs_on_crawled_pages(sample_text):
    """The string-method layout pass finds exactly what the one regex finds,
    on the sample page and on the benchmark's text-only crawl (all visible
    text: spaces at line edges, runs of blank lines)."""
    import gzip
    import json

    from conftest import BENCH

    with gzip.open(BENCH / "wet.jsonl.gz", "rt", encoding="utf-8") as f:
        texts = [sample_text] + [json.loads(line)["text"] for line in f]
    busy = 0
    for text in texts:
        want = _layout_by_regex(text)
        assert _layout(text) == want
        busy += bool(want)
    assert busy > 100  # most crawled pages have layout to fix: the test saw real work


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=["a", " ", "\n", "\t", "\r", "\u00a0", "\u3000", "\u2009", "\x1c", "\f", "\u2028"],
               max_size=30))
def test_layout_changes_are_the_layout_regexs_on_any_whitespace(text):
    assert _layout(text) == _layout_by_regex(text)
