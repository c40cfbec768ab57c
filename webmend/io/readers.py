"""Readers: paths in, Documents out, streaming, one page at a time.

Each reader yields Documents; a page that cannot be read becomes a Document
with `error` set, so it is reported in the output and nothing else is lost.
A problem that has no page to attach to (a JSONL line with no recoverable id)
goes to the `report` callback with the file and line number.

Readers are listed in READERS by file suffix; `reader_for` picks one.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator

from webmend.document import Document
from webmend.io.decode import NotText, check_text, decode_bytes
from webmend.io.files import page_id, split_compression
from webmend.io.remote import Source, expand_local_glob, expand_remote, has_glob, is_url, open_input, source_name

Report = Callable[[str], None]
DEFAULT_MAX_PAGE_BYTES = 64 * 1024 * 1024


class UnsupportedInput(ValueError):
    """A path webmend has no reader for."""


def _read_limited(path: Source, limit: int) -> bytes:
    with open_input(path) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"page larger than the limit of {limit} bytes")
    return data


def read_text_file(path: Source, report: Report, max_bytes: int, **_) -> Iterator[Document]:
    """One page of plain text."""
    yield _page_from_file(path, max_bytes, kind="text")


def read_html_file(path: Source, report: Report, max_bytes: int, **_) -> Iterator[Document]:
    """One page of HTML."""
    yield _page_from_file(path, max_bytes, kind="html")


def _page_from_file(path: Source, max_bytes: int, kind: str) -> Document:
    doc_id = page_id(path)
    meta = {"file": str(path)}
    try:
        data = _read_limited(path, max_bytes)
        if not data.strip():
            return Document(id=doc_id, error="empty input", meta=meta)
        text = decode_bytes(data)
        check_text(text)
    except (OSError, EOFError, NotText, ValueError) as exc:
        return Document(id=doc_id, error=f"{path}: {exc}", meta=meta)
    if kind == "html":
        return Document(id=doc_id, source=text, source_kind="html", meta=meta)
    return Document(id=doc_id, source=text, meta=meta)


_ID_IN_BROKEN_LINE = re.compile(rb'"id"\s*:\s*"((?:[^"\\]|\\.){1,500})"')


def read_jsonl(path: Source, report: Report, max_bytes: int, fields: dict[str, str] | None = None,
               **_) -> Iterator[Document]:
    """One page a line: `id`, optional `url`, and `text` or `html` (names remappable
    with `fields`, e.g. {"text": "content"}). A broken line becomes an error record
    when its id can be found, else a report naming the file and line number."""
    f_id, f_url, f_text, f_html = (
        (fields or {}).get(k, k) for k in ("id", "url", "text", "html"))
    try:
        stream = open_input(path)
    except OSError as exc:
        report(f"{path}: cannot open: {exc}")
        return
    with stream:
        lineno = 0
        while True:
            try:
                raw = stream.readline(max_bytes + 1)
            except (OSError, EOFError, ValueError) as exc:  # truncated gzip, bad zstd frame
                report(f"{path}: unreadable after line {lineno}: {exc}")
                return
            if not raw:
                return
            lineno += 1
            meta = {"file": str(path), "line": lineno}
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                m = _ID_IN_BROKEN_LINE.search(raw[:4096])
                while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                    raw = stream.readline(1 << 20)
                msg = f"{path}:{lineno}: line longer than the limit of {max_bytes} bytes"
                if m:
                    yield Document(id=m.group(1).decode("utf-8", "replace"), error=msg, meta=meta)
                else:
                    report(msg)
                continue
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
                if not isinstance(rec, dict):
                    raise ValueError("not a JSON object")
            except ValueError as exc:
                m = _ID_IN_BROKEN_LINE.search(raw[:4096])
                msg = f"{path}:{lineno}: not a JSON object: {exc}"
                if m:
                    yield Document(id=m.group(1).decode("utf-8", "replace"), error=msg, meta=meta)
                else:
                    report(msg)
                continue
            doc = page_from_record(rec, (f_id, f_url, f_text, f_html), f"{path}:{lineno}", meta, max_bytes, report)
            if doc is not None:
                yield doc


def page_from_record(rec: dict, fields: tuple[str, str, str, str], where: str, meta: dict, max_bytes: int,
                     report: Report) -> Document | None:
    """The page of one JSONL record or Parquet row, given the names of its
    (id, url, text, html) fields. A record with no id is reported (None);
    one with neither text nor html, too large or not text becomes an error
    record. `where` names the record in messages (file and line or row)."""
    f_id, f_url, f_text, f_html = fields
    doc_id = rec.get(f_id)
    if doc_id is None or doc_id == "":
        report(f"{where}: record has no '{f_id}'")
        return None
    doc_id, url = str(doc_id), rec.get(f_url)
    url = url if isinstance(url, str) else None
    text, html = (v.decode("utf-8", "replace") if isinstance(v, bytes) else v
                  for v in (rec.get(f_text), rec.get(f_html)))
    if isinstance(text, str) and text.strip():
        doc = Document(id=doc_id, url=url, source=text, meta=meta)
    elif isinstance(html, str) and html.strip():
        doc = Document(id=doc_id, url=url, source=html, source_kind="html", meta=meta)
    else:
        return Document(id=doc_id, url=url, meta=meta,
                        error=f"{where}: record has neither '{f_text}' nor '{f_html}' text")
    if len(doc.source) > max_bytes:
        return Document(id=doc_id, url=url, meta=meta, error=f"{where}: page larger than the limit of {max_bytes} bytes")
    try:
        check_text(doc.source)
    except NotText as exc:
        doc.error = f"{where}: {exc}"
    return doc


ReaderFn = Callable[..., Iterator[Document]]

# suffix (after removing .gz/.zst) -> reader. The corpus readers add theirs here.
READERS: dict[str, ReaderFn] = {
    ".txt": read_text_file,
    ".text": read_text_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".xhtml": read_html_file,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
}


def _register_corpus_readers() -> None:
    """Web archives and Parquet (webmend/io/warc.py, webmend/io/parquet.py)."""
    from webmend.io.parquet import read_parquet
    from webmend.io.warc import read_arc, read_warc

    READERS.update({".warc": read_warc, ".wet": read_warc, ".arc": read_arc, ".parquet": read_parquet})


_register_corpus_readers()


def reader_for(path: Source, sniff: bool = False) -> ReaderFn | None:
    """The reader for a file, by its suffix; with `sniff`, a local file of no known
    suffix (`x.warc.gz.bad`) is still read as WARC if its first bytes say so."""
    name, _ = split_compression(source_name(path).lower())
    for suffix, fn in READERS.items():
        if name.endswith(suffix):
            return fn
    if sniff and not is_url(path):
        return _sniff_reader(Path(path))
    return None


def _sniff_reader(path: Path) -> ReaderFn | None:
    import gzip
    import zlib

    try:
        with open(path, "rb") as f:
            head = f.read(4096)
        if head[:2] == b"\x1f\x8b":
            head = zlib.decompressobj(31).decompress(head, 64)
    except (OSError, zlib.error, gzip.BadGzipFile):
        return None
    if head.startswith(b"WARC/"):
        return READERS[".warc"]
    if head.startswith(b"filedesc://"):
        return READERS[".arc"]
    return None


def expand_inputs(inputs: Iterable[str | Path], report: Report) -> list[Source]:
    """Files to read, in order: each file as given, each directory's or glob's
    supported files sorted by path; URLs (s3://, https:// ...) through fsspec,
    kept as strings. An explicitly named unsupported or missing file raises
    UnsupportedInput; unsupported files inside a directory are reported, skipped."""
    out: list[Source] = []
    for raw in inputs:
        if is_url(str(raw)):
            try:
                found_urls = expand_remote(str(raw))
            except (ImportError, OSError, ValueError) as exc:
                raise UnsupportedInput(f"{raw}: cannot list: {exc}") from None
            for u in found_urls:
                if reader_for(u):
                    out.append(u)
                else:
                    report(f"{u}: skipped, unsupported file type")
            if not found_urls:
                raise UnsupportedInput(f"{raw}: nothing matches")
            continue
        p = Path(raw[7:] if isinstance(raw, str) and raw.lower().startswith("file://") else raw)
        if not p.exists() and has_glob(str(p)):
            matches = expand_local_glob(str(p))
            if not matches:
                raise UnsupportedInput(f"{raw}: no file matches")
            for q in matches:
                if reader_for(q, sniff=True):
                    out.append(q)
                else:
                    report(f"{q}: skipped, unsupported file type")
            continue
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file())
            for q in found:
                if reader_for(q, sniff=True):
                    out.append(q)
                elif not q.name.startswith("."):
                    report(f"{q}: skipped, unsupported file type")
        elif p.is_file():
            if reader_for(p, sniff=True) is None:
                supported = ", ".join(sorted(READERS))
                raise UnsupportedInput(f"{p}: unsupported file type (supported: {supported}, optionally .gz/.zst, or a directory)")
            out.append(p)
        else:
            raise UnsupportedInput(f"{p}: no such file or directory")
    return out


def read_inputs(paths: Iterable[Source], report: Report = lambda m: None,
                max_bytes: int = DEFAULT_MAX_PAGE_BYTES, fields: dict[str, str] | None = None) -> Iterator[Document]:
    """Stream every page of the given files, in order. `fields` renames the
    record fields of JSONL and Parquet inputs ({"text": "content", ...})."""
    for p in paths:
        yield from read_file(p, report, max_bytes, fields)


def read_file(path: Source, report: Report = lambda m: None, max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
              fields: dict[str, str] | None = None) -> Iterator[Document]:
    """Stream the pages of one file."""
    fn = reader_for(path, sniff=True)
    if fn is None:
        report(f"{path}: unsupported file type")
        return
    yield from fn(path, report, max_bytes, fields=fields)

