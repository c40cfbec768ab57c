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
from webmend.io.files import open_binary, page_id, split_compression

Report = Callable[[str], None]
DEFAULT_MAX_PAGE_BYTES = 64 * 1024 * 1024


class UnsupportedInput(ValueError):
    """A path webmend has no reader for."""


def _read_limited(path: Path, limit: int) -> bytes:
    with open_binary(path) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"page larger than the limit of {limit} bytes")
    return data


def read_text_file(path: Path, report: Report, max_bytes: int) -> Iterator[Document]:
    """One page of plain text."""
    yield _page_from_file(path, max_bytes, kind="text")


def read_html_file(path: Path, report: Report, max_bytes: int) -> Iterator[Document]:
    """One page of HTML."""
    yield _page_from_file(path, max_bytes, kind="html")


def _page_from_file(path: Path, max_bytes: int, kind: str) -> Document:
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


def read_jsonl(path: Path, report: Report, max_bytes: int, fields: dict[str, str] | None = None) -> Iterator[Document]:
    """One page a line: `id`, optional `url`, and `text` or `html` (names remappable
    with `fields`, e.g. {"text": "content"}). A broken line becomes an error record
    when its id can be found, else a report naming the file and line number."""
    f_id, f_url, f_text, f_html = (
        (fields or {}).get(k, k) for k in ("id", "url", "text", "html"))
    try:
        stream = open_binary(path)
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
            doc_id = rec.get(f_id)
            if doc_id is None or doc_id == "":
                report(f"{path}:{lineno}: record has no '{f_id}'")
                continue
            doc_id, url = str(doc_id), rec.get(f_url)
            url = url if isinstance(url, str) else None
            text, html = rec.get(f_text), rec.get(f_html)
            if isinstance(text, str) and text.strip():
                doc = Document(id=doc_id, url=url, source=text, meta=meta)
            elif isinstance(html, str) and html.strip():
                doc = Document(id=doc_id, url=url, source=html, source_kind="html", meta=meta)
            else:
                yield Document(id=doc_id, url=url, meta=meta,
                               error=f"{path}:{lineno}: record has neither '{f_text}' nor '{f_html}' text")
                continue
            try:
                check_text(doc.source)
            except NotText as exc:
                doc.error = f"{path}:{lineno}: {exc}"
            yield doc


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


def reader_for(path: Path) -> ReaderFn | None:
    name, _ = split_compression(path.name.lower())
    for suffix, fn in READERS.items():
        if name.endswith(suffix):
            return fn
    return None


def expand_inputs(inputs: Iterable[str | Path], report: Report) -> list[Path]:
    """Files to read, in order: each file as given, each directory's supported
    files sorted by path. An explicitly named unsupported or missing file raises
    UnsupportedInput; unsupported files inside a directory are reported, skipped."""
    out: list[Path] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file())
            for q in found:
                if reader_for(q):
                    out.append(q)
                elif not q.name.startswith("."):
                    report(f"{q}: skipped, unsupported file type")
        elif p.is_file():
            if reader_for(p) is None:
                supported = ", ".join(sorted(READERS))
                raise UnsupportedInput(f"{p}: unsupported file type (supported: {supported}, optionally .gz/.zst, or a directory)")
            out.append(p)
        else:
            raise UnsupportedInput(f"{p}: no such file or directory")
    return out


def read_inputs(paths: Iterable[Path], report: Report = lambda m: None,
                max_bytes: int = DEFAULT_MAX_PAGE_BYTES) -> Iterator[Document]:
    """Stream every page of the given files, in order."""
    for p in paths:
        fn = reader_for(p)
        if fn is None:
            report(f"{p}: unsupported file type")
            continue
        yield from fn(p, report, max_bytes)

