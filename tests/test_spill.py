"""Prepared pages kept on disk between the passes (engines/spill.py): each
page is extracted once, and the output is the same as when every page is
prepared again in the second pass, whatever part of the pages the spill holds."""
from __future__ import annotations

import gzip
import pickle
import uuid
from pathlib import Path

import pytest

from conftest import BENCH, read_jsonl, run_cli
from webmend.engines import runner
from webmend.engines.local import LocalEngine
from webmend.engines.spill import Spill
from webmend.engines.stream import Position
from webmend.extract import html as html_extraction
from webmend.io.warc import write_warc_pages
from webmend.pipeline import Options

PAGES = 9


@pytest.fixture(scope="module")
def warc(tmp_path_factory, ground_truth) -> Path:
    """Real benchmark pages in a WARC: eight on three hosts (the first pass
    prepares them) and one on a host of its own (prepared once, in the second)."""
    files = sorted(sorted((BENCH / "html").glob("*.html.gz"), key=lambda p: p.stat().st_size)[:PAGES])
    path = tmp_path_factory.mktemp("spill") / "pages.warc.gz"

    def url(k: int, page: Path) -> str:
        host = "alone.example" if k == PAGES - 1 else f"site{k % 3}.example"
        return f"https://{host}/" + ground_truth[page.name.split(".")[0]]["url"].split("/", 3)[-1]

    with open(path, "wb") as f:
        write_warc_pages(f, [(url(k, p), gzip.decompress(p.read_bytes()), "text/html; charset=utf-8",
                              str(uuid.UUID(int=k + 1))) for k, p in enumerate(files)])
    return path


def _mend(warc: Path, engine: LocalEngine) -> list[dict]:
    try:
        return [doc.to_record() for _, doc in runner.mend_stream(engine, [str(warc)], options=Options())]
    finally:
        engine.close()


def _counting_extractions(monkeypatch) -> list[int]:
    calls = [0]
    extract = html_extraction.extract_html

    def counted(*args, **kw):
        calls[0] += 1
        return extract(*args, **kw)

    monkeypatch.setattr(html_extraction, "extract_html", counted)
    return calls


def test_each_page_is_extracted_once_and_the_output_is_unchanged(warc, monkeypatch):
    calls = _counting_extractions(monkeypatch)
    again = _mend(warc, LocalEngine(workers=1, spill=False))
    assert calls[0] == 2 * (PAGES - 1) + 1  # the hosts' pages in both passes, the lone page once
    calls[0] = 0
    kept = _mend(warc, LocalEngine(workers=1))
    assert calls[0] == PAGES
    assert kept == again
    assert len(kept) == PAGES and all(r["text"] and not r.get("error") for r in kept)
    assert sum(bool(r["title"]) for r in kept) >= PAGES - 1  # the HTML's metadata came through the spill


def test_a_spill_holding_only_some_pages_gives_the_same_output(warc, monkeypatch):
    """A spill cut short (a full disk) or begun late (a resumed first pass):
    the pages it lacks are prepared again."""
    reference = _mend(warc, LocalEngine(workers=1, spill=False))

    class OddPagesOnly(Spill):
        def write(self, pos, blob):
            if pos.page % 2:
                super().write(pos, blob)

    monkeypatch.setattr(runner, "Spill", OddPagesOnly)
    calls = _counting_extractions(monkeypatch)
    out = _mend(warc, LocalEngine(workers=1))
    assert calls[0] == PAGES + (PAGES - 1) // 2  # and again those of the even positions but the lone page
    assert out == reference


def test_a_spill_file_cut_mid_record_ends_there(tmp_path):
    spill = Spill(str(tmp_path / "s.spill"))
    for i in range(3):
        spill.write(Position(0, i), pickle.dumps("page %d" % i) * 50)
    spill.reader().close()
    data = (tmp_path / "s.spill").read_bytes()
    (tmp_path / "s.spill").write_bytes(data[: len(data) - 40])
    from webmend.engines.spill import SpillReader

    pages = SpillReader(str(tmp_path / "s.spill"))
    assert [pages.take(Position(0, i)) is not None for i in range(4)] == [True, True, False, False]


def test_reprepare_switch_and_sharded_runs_give_the_same_output(warc, tmp_path):
    run_cli("clean", warc, "-o", tmp_path / "kept.jsonl", "-q", "--workers", "2")
    run_cli("clean", warc, "-o", tmp_path / "again.jsonl", "-q", "--workers", "1", "--reprepare")
    out = tmp_path / "sharded"
    run_cli("clean", warc, "-o", f"{out}/", "-q", "--workers", "2", "--shard-pages", "4")
    assert not (out / "_state").exists()  # the spill went with the run's state
    kept = read_jsonl(tmp_path / "kept.jsonl")
    assert kept == read_jsonl(tmp_path / "again.jsonl")
    assert [r for p in sorted(out.glob("part-*")) for r in read_jsonl(p)] == kept
