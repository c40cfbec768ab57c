"""A page that is its own host is prepared once, not twice: `mend_alone`
observes a copy of the prepared page as the first pass would, and the output
is the same, edit for edit, as both passes over it. A corpus run counts the
pages of each host first (a census of the URLs) and leaves the hosts of one
page out of the first pass; the output is the same as observing every page."""
from __future__ import annotations

import gzip
import json

import pytest

from conftest import BENCH, SHARED
from webmend.document import Document
from webmend.pipeline import Options, Resources, collect_host_stats, mend_alone, run_steps

SAMPLE = SHARED / "samples" / "kancc-reminiscences-ch21-6.txt"


def _both_passes(make) -> Document:
    hosts = collect_host_stats([make()], Options())
    return run_steps(make(), Resources(options=Options(), hosts=hosts))


def _same(a: Document, b: Document) -> None:
    assert a.text == b.text
    assert [(e.kind, e.start, e.end, e.before, e.after) for e in a.edits] == \
           [(e.kind, e.start, e.end, e.before, e.after) for e in b.edits]
    assert a.flags == b.flags and a.rules == b.rules and a.title == b.title
    assert [(r.reason, r.text) for r in a.removed] == [(r.reason, r.text) for r in b.removed]


def test_sample_page_alone_equals_both_passes():
    text = SAMPLE.read_text(encoding="utf-8")
    make = lambda: Document(id="kancc", url="http://kancc.example/board/1", source=text)  # noqa: E731
    alone = mend_alone(make(), Options())
    _same(alone, _both_passes(make))
    assert alone.edits and alone.rules  # a damaged page: the equality is not of two empty outputs


@pytest.mark.parametrize("k", range(0, 181, 30))
def test_html_pages_alone_equal_both_passes(k, ground_truth):
    files = sorted((BENCH / "html").glob("*.html.gz"))
    f = files[k]
    html = gzip.decompress(f.read_bytes()).decode("utf-8", "replace")
    url = ground_truth[f.name.split(".")[0]]["url"]
    make = lambda: Document(id=f.name, url=url, source=html, source_kind="html")  # noqa: E731
    _same(mend_alone(make(), Options()), _both_passes(make))


class _Counting:
    """An engine as given, but without a census (every page through the first
    pass, as before), or counting the pages its first pass observes."""

    def __init__(self, engine, census: bool):
        self.engine, self.observed = engine, 0
        if census:
            self.census = engine.census

    def observe(self, *args, **kw):
        for item in self.engine.observe(*args, **kw):
            self.observed += 1
            yield item

    def mend(self, *args, **kw):
        return self.engine.mend(*args, **kw)


def _engine(kind: str):
    if kind == "ray":
        pytest.importorskip("ray")
        from webmend.engines.ray_engine import RayEngine

        return RayEngine(2)
    from webmend.engines.local import LocalEngine

    return LocalEngine(int(kind[-1]))


@pytest.mark.parametrize("kind", ["local1", "local2", "ray"])
def test_census_leaves_hosts_of_one_page_out_of_the_first_pass(tmp_path, kind):
    """The crawled benchmark pages (many hosts of one page, some of several)
    plus three pages on one host: the first pass observes only the pages of
    hosts with several, and the output equals observing every page (local
    engine with 1 and 2 workers, Ray)."""
    from webmend.engines import runner

    with gzip.open(BENCH / "wet.jsonl.gz", "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f][:40]
    for i, r in enumerate(records[:3]):  # a host of three pages
        r["url"] = f"https://one-site.example/page/{i}"
    path = tmp_path / "pages.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    outputs, observed = [], []
    for census in (True, False):
        engine = _engine(kind)
        counting = _Counting(engine, census)
        got: list[dict] = []
        w = type("W", (), {"write": lambda self, rec: got.append(rec)})()
        try:
            runner.run_to_writer(counting, [str(path)], w, options=Options())
        finally:
            engine.close()
        outputs.append([(r["id"], r["text"], r["edits"], r["flags"]) for r in got])
        observed.append(counting.observed)
    assert outputs[0] == outputs[1] and len(outputs[0]) == len(records)
    from collections import Counter

    hosts = Counter(Document(id="", url=r["url"], source="").host_key for r in records)
    assert observed[1] == len(records)  # without a census, every page
    several = sum(n for n in hosts.values() if n > 1)
    assert observed[0] == several < len(records) // 2  # with it, only the pages of hosts with several


def test_mend_all_prepares_hosts_of_one_page_once_with_the_same_output():
    """`mend_all` (the library's corpus call) leaves hosts of one page out of
    its first pass too: the same output as observing every page."""
    from webmend.pipeline import mend_all

    with gzip.open(BENCH / "wet.jsonl.gz", "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f][:30]
    for i, r in enumerate(records[:4]):  # a host of four pages among hosts of one
        r["url"] = f"https://one-site.example/page/{i}"

    def docs() -> list[Document]:
        return [Document(id=str(r.get("id", k)), url=r["url"], source=r["text"]) for k, r in enumerate(records)]

    every = docs()
    hosts = collect_host_stats(every, Options())
    before = [run_steps(d, Resources(options=Options(), hosts=hosts)) for d in docs()]
    after = list(mend_all(docs()))
    for a, b in zip(after, before):
        _same(a, b)


def test_census_from_warc_headers_counts_every_page(tmp_path):
    """The local engine counts a WARC's hosts from its record headers alone:
    on the Common Crawl sample, the real malformed and unusual archives, and
    benchmark pages on shared hosts, every host the pages show several times
    is counted several times (records that make no page may add to a count,
    never take from it), and a broken file is counted as its reader reads it."""
    from collections import Counter

    from webmend.engines.local import LocalEngine
    from webmend.engines.stream import iter_file_pages
    from webmend.io.warc import write_warc_pages

    files = sorted((SHARED / "samples" / "warc-edge-cases").glob("*")) + \
        sorted((SHARED / "samples" / "commoncrawl").glob("*.gz"))
    shared = tmp_path / "shared-hosts.warc.gz"
    pages = sorted((BENCH / "html").glob("*.html.gz"))[:12]
    with open(shared, "wb") as f:
        write_warc_pages(f, [(f"https://site{k % 3}.example/{k}", gzip.decompress(p.read_bytes()), "text/html", str(k))
                             for k, p in enumerate(pages)])
    engine = LocalEngine(1)
    checked = 0
    for path in [*files, shared]:
        if path.name == "LICENSE":
            continue
        census = engine.census([str(path)])
        counts = Counter(doc.host_key for _, doc in iter_file_pages(str(path), 0))
        for host, n in counts.items():
            if n > 1:
                assert census.several(host), (path.name, host)
                checked += 1
        if path == shared:
            assert checked >= 3 and all(census.several(h) for h in counts)
    assert checked >= 3
