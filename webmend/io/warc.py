"""Web archives in: WARC (.warc, .warc.gz, WET .wet.gz) and ARC (.arc, .arc.gz).

Which records become pages:
- `response` records (HTTP status 2xx, or none) whose payload is HTML, by the
  HTTP Content-Type, else by the WARC-Identified-Payload-Type, else by sniffing
  the first bytes: HTML pages, decoded with the charset from the HTTP header,
  then the page's <meta> tag, then a detector (UTF-8 is tried first: bytes that
  are valid UTF-8 are UTF-8 whatever the header says);
- `resource` records holding HTML (a browser-based crawler's captures): HTML pages;
- WET `conversion` records: text pages (UTF-8 by the WET format).
Requests, metadata, revisits, warcinfo and non-HTML payloads are skipped quietly.

Page ids (stable across runs and machines):
- WARC: the WARC-Record-ID without its `<urn:uuid:` ... `>` wrapping; for a WET
  conversion record, the id of the response it was converted from
  (WARC-Refers-To), so the same capture has the same id in a WARC and its WET;
- ARC (which has no record ids) and a WARC record without one: `arc-` or
  `rec-` and the first 32 hex digits of the SHA-1 of url, date and record number.

Malformed input is reported (file, record number) and skipped: a record that
cannot be decoded becomes a page with its `error` set; a file that cannot be
parsed past some point keeps the pages read before it. Nothing raises.

WARC files are read with FastWARC (fast, tolerant of non-member-wise gzip and of
wrong chunked encodings, decodes transfer and content encodings); ARC files with
warcio, which FastWARC does not read.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from webmend.document import Document
from webmend.io.decode import NotText, check_text, decode_bytes

Report = Callable[[str], None]
_SNIFF_BYTES = 2048

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
# WHATWG: these labels mean windows-1252 on the web.
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
                    "us-ascii": "cp1252", "ascii": "cp1252", "x-sjis": "shift_jis", "unicode": "utf-16",
                    "x-user-defined": "cp1252", "gb2312": "gb18030", "gbk": "gb18030"}


def _read_up_to(stream, n: int) -> bytes:
    """Up to `n` bytes, fewer only at the end of the stream (reads may come short)."""
    parts, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def charset_from_meta(head: bytes) -> str | None:
    """The charset a page declares in a <meta> tag of its first 4 KB.

    >>> charset_from_meta(b'<html><head><meta charset="koi8-r">')
    'koi8-r'
    >>> charset_from_meta(b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">')
    'shift_jis'
    """
    m = _META_CHARSET.search(head[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def web_charset(label: str | None) -> str | None:
    """A charset label as a Python codec name, with the web's aliases.

    >>> web_charset("ISO-8859-1"), web_charset("utf8"), web_charset("no-such-thing")
    ('cp1252', 'utf-8', None)
    """
    if not label:
        return None
    import codecs

    label = _CHARSET_ALIASES.get(label.strip().lower(), label.strip().lower())
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes, http_charset: str | None) -> tuple[str, str | None]:
    """Decode an HTML payload: UTF-8 if valid, else the HTTP charset, else the
    <meta> charset, else a detector. Returns the text and the declared charset.

    >>> decode_html("<p>caf\\u00e9".encode("cp1252"), "iso-8859-1")
    ('<p>café', 'cp1252')
    """
    declared = [c for c in (web_charset(http_charset), web_charset(charset_from_meta(data))) if c]
    if declared and not declared[0].startswith("utf"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            for cs in declared:
                try:
                    return data.decode(cs), cs
                except (LookupError, UnicodeDecodeError):
                    continue
    return decode_bytes(data, declared[0] if declared else None), (declared[0] if declared else None)


def looks_like_html(content_type: str | None, body: bytes) -> bool:
    """HTML by its media type, or (no media type, or a generic one) by its first bytes.

    >>> looks_like_html("text/html; charset=utf-8", b""), looks_like_html(None, b"  <!DOCTYPE html><p>x")
    (True, True)
    >>> looks_like_html("application/json", b"<html>"), looks_like_html(None, b"{}")
    (False, False)
    """
    ct = (content_type or "").split(";")[0].strip().lower()
    if ct in ("text/html", "application/xhtml+xml") or ct.endswith("+html"):
        return True
    if ct in ("", "unk", "unknown", "application/octet-stream", "text/plain", "application/http"):
        return bool(_HTML_START.match(body[:2048].lstrip(b"\xef\xbb\xbf")))
    return False


def clean_uri(uri: str | None) -> str | None:
    """A target URI as crawlers should have written it: no <> wrapping, no spaces.

    >>> clean_uri("<http://example.com/>"), clean_uri("http://e.com/a b")
    ('http://example.com/', 'http://e.com/a%20b')
    """
    if not uri:
        return None
    uri = uri.strip()
    if uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1].strip()
    return uri.replace(" ", "%20") or None


def record_uuid(record_id: str | None) -> str | None:
    """'<urn:uuid:2aab...>' -> '2aab...'; other ids lose only their <> wrapping.

    >>> record_uuid("<urn:uuid:2aabeff2-67f5-4608-8466-e87c6296e2b6>")
    '2aabeff2-67f5-4608-8466-e87c6296e2b6'
    """
    if not record_id:
        return None
    rid = record_id.strip().strip("<>").strip()
    if rid.lower().startswith("urn:uuid:"):
        rid = rid[9:]
    return rid or None


def derived_id(prefix: str, url: str | None, date: str | None, number: int) -> str:
    """An id for a record that has none: prefix + SHA-1 of url, date, record number.

    >>> derived_id("arc", "http://example.com/", "20140216050221", 1)[:12]
    'arc-0252fa33'
    """
    key = f"{url or ''}\n{date or ''}\n{number}".encode("utf-8", "replace")
    return f"{prefix}-{hashlib.sha1(key).hexdigest()[:32]}"


@dataclass
class _Tally:
    """What a file held besides pages, for the report at its end."""

    pages: int = 0
    records: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1

    def report_end(self, path, report: Report) -> None:
        if self.pages == 0:
            kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.skipped.items()))
            report(f"{path}: no HTML or text pages" + (f" (skipped: {kinds})" if kinds else ""))


def _page(*, kind: str, path, number: int, url: str | None, doc_id: str, body: bytes, truncated: bool,
          http_charset: str | None, date: str | None, offset: int | None, max_bytes: int) -> Document:
    meta = {"file": str(path), "record": number, "warc_date": date}
    if offset is not None:
        meta["offset"] = offset
    if truncated:
        return Document(id=doc_id, url=url, meta=meta,
                        error=f"{path}: record {number}: payload larger than the limit of {max_bytes} bytes")
    try:
        if kind == "text":
            text = body.decode("utf-8-sig", errors="replace")
            check_text(text)
            return Document(id=doc_id, url=url, source=text, meta=meta)
        text, declared = decode_html(body, http_charset)
        check_text(text)
        meta["charset"] = declared
        return Document(id=doc_id, url=url, source=text, source_kind="html", meta=meta)
    except (NotText, ValueError) as exc:
        return Document(id=doc_id, url=url, meta=meta, error=f"{path}: record {number}: {exc}")


def _open_for_warc(path):
    from webmend.io.remote import open_raw

    return open_raw(path)


def read_warc(path: Path | str, report: Report, max_bytes: int, **_) -> Iterator[Document]:
    """Pages of a WARC or WET file (plain, gzip, zstd or lz4), record by record."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    wanted = WarcRecordType.response | WarcRecordType.resource | WarcRecordType.conversion
    tally = _Tally()
    try:
        stream = _open_for_warc(path)
    except OSError as exc:
        report(f"{path}: cannot open: {exc}")
        return
    with stream:
        try:
            records = iter(ArchiveIterator(stream, record_types=wanted, auto_decode="all", parse_http=True))
        except (OSError, ValueError) as exc:
            report(f"{path}: not a readable WARC file: {exc}")
            return
        while True:
            try:
                rec = next(records)
            except StopIteration:
                break
            except (OSError, ValueError, EOFError) as exc:  # truncated file, broken gzip, bad header
                report(f"{path}: malformed WARC after record {tally.records}: {exc}; the rest of the file is skipped")
                break
            tally.records += 1
            try:
                doc = _warc_page(rec, path, tally, max_bytes)
            except (OSError, ValueError, EOFError) as exc:
                report(f"{path}: record {tally.records}: unreadable: {exc}")
                continue
            if doc is not None:
                tally.pages += 1
                yield doc
    tally.report_end(path, report)


def warc_record_urls(path: Path | str) -> Iterator[str | None]:
    """The target URL of every record `read_warc` may make a page of, from
    the record headers alone (no payload read: for counting pages per host).
    A superset of the pages' URLs: records `read_warc` skips (non-HTML,
    non-2xx) are listed too. Raises what a broken file raises.

    >>> from webmend.io.warc import write_warc_pages
    >>> import io, tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "x.warc.gz")
    >>> with open(p, "wb") as f: _ = write_warc_pages(f, [("https://a.example/1", b"<p>Hi</p>", "text/html", "1")])
    >>> list(warc_record_urls(p))
    ['https://a.example/1']
    """
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    wanted = WarcRecordType.response | WarcRecordType.resource | WarcRecordType.conversion
    with _open_for_warc(path) as stream:
        for rec in ArchiveIterator(stream, record_types=wanted, auto_decode="all", parse_http=False):
            yield clean_uri(rec.headers.get("WARC-Target-URI"))


def _warc_page(rec, path, tally: _Tally, max_bytes: int) -> Document | None:
    from fastwarc.warc import WarcRecordType

    rtype = rec.record_type
    headers = rec.headers
    url = clean_uri(headers.get("WARC-Target-URI"))
    date = headers.get("WARC-Date")
    number = tally.records
    if rtype == WarcRecordType.conversion:
        kind, ctype = "text", None
        doc_id = record_uuid(headers.get("WARC-Refers-To")) or record_uuid(rec.record_id)
    else:
        kind = "html"
        doc_id = record_uuid(rec.record_id)
        if rtype == WarcRecordType.response:
            if not rec.is_http:
                tally.skip("non-HTTP responses")
                return None
            status = rec.http_headers.status_code if rec.http_headers is not None else None
            if status is not None and not 200 <= status < 300:
                tally.skip(f"HTTP {status}")
                return None
            ctype = rec.http_content_type or headers.get("WARC-Identified-Payload-Type")
        else:
            ctype = headers.get("Content-Type")
    head = _read_up_to(rec.reader, _SNIFF_BYTES)  # a video or an image is skipped unread
    if kind == "html" and not looks_like_html(ctype, head):
        tally.skip(f"non-HTML ({(ctype or 'unknown').split(';')[0].strip()})")
        return None
    body = head + _read_up_to(rec.reader, max_bytes + 1 - len(head))
    if not body.strip():
        tally.skip("empty payloads")
        return None
    doc_id = doc_id or derived_id("rec", url, date, number)
    return _page(kind=kind, path=path, number=number, url=url, doc_id=doc_id, body=body[:max_bytes],
                 truncated=len(body) > max_bytes, http_charset=rec.http_charset if kind == "html" else None,
                 date=date, offset=rec.stream_pos, max_bytes=max_bytes)


# ---------------------------------------------------------------- ARC (warcio)
logging.getLogger("warcio").setLevel(logging.ERROR)  # it logs each respaced URI


def read_arc(path: Path | str, report: Report, max_bytes: int, **_) -> Iterator[Document]:
    """Pages of an ARC file (plain or gzip), read with warcio."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    class QuietIterator(ArchiveIterator):
        INC_RECORD = ""  # warcio writes this warning to stderr; we count err_count instead

    tally = _Tally()
    try:
        stream = _open_for_warc(path)
    except OSError as exc:
        report(f"{path}: cannot open: {exc}")
        return
    with stream:
        it = QuietIterator(stream, arc2warc=True)
        records = iter(it)
        while True:
            try:
                rec = next(records)
            except StopIteration:
                break
            except (ArchiveLoadFailed, OSError, ValueError, EOFError) as exc:
                report(f"{path}: malformed ARC after record {tally.records}: {str(exc).strip().splitlines()[0]}; "
                       "the rest of the file is skipped")
                break
            tally.records += 1
            if rec.rec_type != "response":
                tally.skip(rec.rec_type)
                continue
            try:
                doc = _arc_page(rec, path, tally, max_bytes)
            except (ArchiveLoadFailed, OSError, ValueError, EOFError) as exc:
                report(f"{path}: record {tally.records}: unreadable: {exc}")
                continue
            if doc is not None:
                tally.pages += 1
                yield doc
        if it.err_count:
            report(f"{path}: {it.err_count} records with an invalid length (not followed by a blank line)")
    tally.report_end(path, report)


def _arc_page(rec, path, tally: _Tally, max_bytes: int) -> Document | None:
    url = clean_uri(rec.rec_headers.get_header("WARC-Target-URI"))
    date = rec.rec_headers.get_header("WARC-Date")
    h = rec.http_headers
    status = h.get_statuscode() if h is not None else None
    if status and status.isdigit() and not 200 <= int(status) < 300:
        tally.skip(f"HTTP {status}")
        return None
    ctype = h.get_header("Content-Type") if h is not None else rec.rec_headers.get_header("Content-Type")
    stream = rec.content_stream()
    head = _read_up_to(stream, _SNIFF_BYTES)
    if not head.strip():
        tally.skip("empty payloads")
        return None
    if not looks_like_html(ctype, head):
        tally.skip(f"non-HTML ({(ctype or 'unknown').split(';')[0].strip()})")
        return None
    body = head + _read_up_to(stream, max_bytes + 1 - len(head))
    charset = None
    if ctype and "charset=" in ctype.lower():
        charset = ctype.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    return _page(kind="html", path=path, number=tally.records, url=url,
                 doc_id=derived_id("arc", url, date, tally.records), body=body[:max_bytes],
                 truncated=len(body) > max_bytes, http_charset=charset, date=date, offset=None,
                 max_bytes=max_bytes)


# ---------------------------------------------------------------- writing (tests, benchmarks)
def write_warc_pages(stream, pages, *, gzip: bool = True) -> int:
    """Write HTML pages as WARC response records (one gzip member each) to a
    binary `stream`; `pages` yields (url, html_bytes, content_type) or
    (url, html_bytes, content_type, record_id). Returns the number written."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(stream, gzip=gzip)
    n = 0
    for page in pages:
        url, body, ctype = page[:3]
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                                protocol="HTTP/1.1")
        headers = {"WARC-Record-ID": f"<urn:uuid:{page[3]}>"} if len(page) > 3 else None
        rec = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                        warc_headers_dict=headers)
        writer.write_record(rec)
        n += 1
    return n
