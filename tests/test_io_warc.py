"""WARC, WET and ARC readers on real archives: the Common Crawl capture, every
edge-case file of warcio's test suite, and benchmark pages written into WARC
records here (in legacy charsets too); fsspec over a local HTTP server."""
from __future__ import annotations

import functools
import gzip
import http.server
import threading
import uuid
from pathlib import Path

import pytest

from conftest import BENCH, SHARED, read_jsonl, run_cli
from webmend.io.readers import expand_inputs, read_file, read_inputs
from webmend.io.warc import write_warc_pages

CC = SHARED / "samples" / "commoncrawl"
EDGE = SHARED / "samples" / "warc-edge-cases"
ESCOPETE = "https://an.wikipedia.org/wiki/Escopete"


def _read(path, max_bytes: int = 64 << 20):
    reports: list[str] = []
    docs = list(read_file(path, reports.append, max_bytes))
    return docs, reports


def _bench_pages(n: int, ground_truth: dict) -> list[tuple[str, bytes]]:
    files = sorted((BENCH / "html").glob("*.html.gz"))[:n]
    return [(ground_truth[f.name.split(".")[0]]["url"], gzip.decompress(f.read_bytes())) for f in files]


# ------------------------------------------------------------ Common Crawl
@pytest.mark.parametrize("name", ["whirlwind.warc.gz", "whirlwind.warc.wet.gz"])
def test_commoncrawl_warc_and_wet_give_the_escopete_page_without_menus(name):
    out = read_jsonl_from_cli(CC / name)
    assert [r["url"] for r in out] == [ESCOPETE]
    page = out[0]
    assert page["id"] == "2aabeff2-67f5-4608-8466-e87c6296e2b6" and page["error"] is None
    assert "Escopete" in page["text"] and "Guadalachara" in page["text"]
    for menu in ("Ir al contenido", "Menú principal"):
        assert menu not in page["text"]


def read_jsonl_from_cli(path: Path) -> list[dict]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        run_cli("clean", path, "-o", out, "-q", "--workers", "1")
        return read_jsonl(out)


def test_wet_conversion_record_is_a_text_page_with_the_responses_id():
    (wet,), reports = _read(CC / "whirlwind.warc.wet.gz")
    (html,), _ = _read(CC / "whirlwind.warc.gz")
    assert reports == []
    assert wet.source_kind == "text" and html.source_kind == "html"
    assert wet.url == html.url == ESCOPETE
    assert wet.id == html.id  # WARC-Refers-To: the same capture has the same id in both
    assert wet.source.startswith("Escopete - Biquipedia")
    assert html.meta["charset"] == "utf-8" and "<html" in html.source[:200]


def test_wat_metadata_only_file_is_reported_not_crashed():
    docs, reports = _read(CC / "whirlwind.warc.wat.gz")
    assert docs == [] and any("no HTML or text pages" in r for r in reports)


# ------------------------------------------------------------ edge cases
@pytest.mark.parametrize("path", sorted(p for p in EDGE.iterdir() if p.name != "LICENSE"), ids=lambda p: p.name)
def test_every_edge_case_file_is_processed_or_reported(path: Path):
    docs, reports = _read(path)
    assert docs or reports, f"{path.name}: neither pages nor a report"
    for d in docs:
        assert d.id and (d.error or d.source.strip())
        assert d.url and " " not in d.url and not d.url.startswith("<")
        if not d.error:
            assert d.source_kind == "html" and "<" in d.source


def test_edge_cases_through_the_cli_no_traceback(tmp_path):
    proc = run_cli("clean", EDGE, "-o", tmp_path / "out.jsonl", "--workers", "1")
    assert "Traceback" not in proc.stderr
    out = read_jsonl(tmp_path / "out.jsonl")
    assert out and all(r["error"] is None for r in out)
    assert "LICENSE: skipped" in proc.stderr
    # the sniffed .gz.bad file: its example.com?example=1 capture is read
    assert any(r["url"] == "http://example.com?example=1" for r in out)


def test_malformed_files_report_where_and_keep_what_came_before():
    docs, reports = _read(EDGE / "example-trunc.warc")
    assert len(docs) == 1 and any("malformed WARC" in r for r in reports)
    docs, reports = _read(EDGE / "bad.arc")
    assert docs == [] and reports


def test_chunked_and_gzip_http_payloads_are_decoded():
    (chunked,), _ = _read(EDGE / "example-iana.org-chunked.warc")
    assert chunked.source.lstrip().lower().startswith("<!doctype html>")
    assert "\r\n0\r\n" not in chunked.source
    (gz,), _ = _read(EDGE / "example.warc.gz")  # Content-Encoding: gzip in the record
    assert "Example Domain" in gz.source


def test_arc_ids_are_stable_and_urls_cleaned():
    (a,), _ = _read(EDGE / "example.arc")
    (b,), _ = _read(EDGE / "example.arc.gz")
    (again,), _ = _read(EDGE / "example.arc")
    assert a.id.startswith("arc-") and a.id == again.id == b.id  # same capture, same id
    (spaced,), _ = _read(EDGE / "example-space-in-url.arc")
    assert "%20" in spaced.url and " " not in spaced.url
    (wget,), _ = _read(EDGE / "example-wget-bad-target-uri.warc.gz")
    assert wget.url == "http://example.com/" and wget.id == "FD8A6D04-AF8A-4A36-A889-8094487CDF2D"


# ------------------------------------------------------------ WARCs made here
def test_benchmark_pages_in_a_warc_keep_urls_order_and_text(tmp_path, ground_truth):
    pages = _bench_pages(5, ground_truth)
    ids = [str(uuid.uuid4()) for _ in pages]
    path = tmp_path / "bench.warc.gz"
    with open(path, "wb") as f:
        write_warc_pages(f, [(u, b, "text/html; charset=utf-8", i) for (u, b), i in zip(pages, ids)])
    docs, reports = _read(path)
    assert reports == []
    assert [d.id for d in docs] == ids and [d.url for d in docs] == [u for u, _ in pages]
    assert [d.source for d in docs] == [b.decode("utf-8") for _, b in pages]


def _ru_page(ground_truth) -> tuple[str, str]:
    for f in sorted((BENCH / "html").glob("*.html.gz")):
        html = gzip.decompress(f.read_bytes()).decode("utf-8")
        if sum("а" <= c <= "я" for c in html[:200_000]) > 2000:
            return ground_truth[f.name.split(".")[0]]["url"], html
    pytest.skip("no Russian page in the benchmark")


@pytest.mark.parametrize("how", ["http-header", "meta-only", "undeclared"])
def test_legacy_charsets_from_header_meta_or_detector(tmp_path, ground_truth, how):
    import re

    url, html = _ru_page(ground_truth)
    # the page re-encoded in windows-1251: declared in HTTP, in <meta> only, or nowhere
    html = re.sub(r"<meta[^>]*charset[^>]*>", "", html, flags=re.I)
    keep = "".join(c for c in html if c.encode("cp1251", "ignore"))
    if how == "meta-only":
        keep = keep.replace("<head>", '<head><meta charset="windows-1251">', 1)
    ctype = "text/html; charset=windows-1251" if how == "http-header" else "text/html"
    path = tmp_path / "ru.warc.gz"
    with open(path, "wb") as f:
        write_warc_pages(f, [(url, keep.encode("cp1251"), ctype)])
    (doc,), _ = _read(path)
    assert doc.error is None
    assert doc.source == keep


def test_page_over_the_size_limit_is_an_error_record(tmp_path, ground_truth):
    url, body = _bench_pages(1, ground_truth)[0]
    path = tmp_path / "big.warc"
    with open(path, "wb") as f:
        write_warc_pages(f, [(url, body, "text/html")], gzip=False)
    (doc,), _ = _read(path, max_bytes=1000)
    assert doc.error and "limit" in doc.error and doc.url == url


# ------------------------------------------------------------ globs and URLs
def test_local_glob_expands_sorted(tmp_path):
    import shutil

    for name in ("b.warc.gz", "a.warc.gz", "c.txt"):
        shutil.copy(EDGE / "example.warc.gz", tmp_path / name)
    found = expand_inputs([str(tmp_path / "*.warc.gz")], lambda m: None)
    assert [Path(p).name for p in found] == ["a.warc.gz", "b.warc.gz"]


@pytest.fixture()
def http_dir(tmp_path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_https_style_url_inputs_through_fsspec(http_dir, ground_truth):
    root, base = http_dir
    (root / "crawl").mkdir()
    pages = _bench_pages(3, ground_truth)
    with open(root / "crawl" / "part1.warc.gz", "wb") as f:
        write_warc_pages(f, [(u, b, "text/html") for u, b in pages[:2]])
    with open(root / "crawl" / "part2.warc.gz", "wb") as f:
        write_warc_pages(f, [(u, b, "text/html") for u, b in pages[2:]])
    (root / "crawl" / "one.html").write_bytes(pages[0][1])
    listed = expand_inputs([f"{base}/crawl/"], lambda m: None)
    assert [str(p).rsplit("/", 1)[1] for p in listed] == ["one.html", "part1.warc.gz", "part2.warc.gz"]
    remote = list(read_inputs(listed))
    local = list(read_inputs(expand_inputs([root / "crawl"], lambda m: None)))
    assert [(d.id, d.url, d.source) for d in remote] == [(d.id, d.url, d.source) for d in local]
    assert len(remote) == 4
