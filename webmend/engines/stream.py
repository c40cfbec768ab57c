"""The stream of input pages, each with its position, startable at a position.

A page's position is (file index, page number within its file), both from 0,
in the order the inputs were listed: the same for every run over the same
inputs, since the readers are deterministic. A resumed run starts the stream
at the position after the last page it had finished: earlier files are not
opened at all, earlier pages of the starting file are read and dropped
(without their reports, which the first run gave already).
"""
from __future__ import annotations

from typing import Callable, Iterator, NamedTuple, Sequence

from webmend.document import Document
from webmend.io.readers import DEFAULT_MAX_PAGE_BYTES, read_file, reader_for
from webmend.io.remote import Source

Report = Callable[[str], None]


class Position(NamedTuple):
    file: int
    page: int

    def next(self) -> "Position":
        """The position just after this page.

        >>> Position(2, 5).next()
        Position(file=2, page=6)
        """
        return Position(self.file, self.page + 1)


START = Position(0, 0)


def iter_file_pages(path: Source, index: int, skip: int = 0, report: Report = lambda m: None,
                    max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
                    fields: dict[str, str] | None = None) -> Iterator[tuple[Position, Document]]:
    """The pages of one file with their positions, the first `skip` dropped."""
    n = 0

    def report_unless_skipping(msg: str) -> None:
        if n >= skip:
            report(msg)

    for doc in read_file(path, report_unless_skipping, max_bytes, fields):
        if n >= skip:
            yield Position(index, n), doc
        n += 1


def iter_pages(paths: Sequence[Source], start: Position = START, report: Report = lambda m: None,
               max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
               fields: dict[str, str] | None = None) -> Iterator[tuple[Position, Document]]:
    """Every page of `paths` from position `start` on, in order."""
    for i in range(start.file, len(paths)):
        yield from iter_file_pages(paths[i], i, start.page if i == start.file else 0, report, max_bytes, fields)


def file_host_keys(path: Source, index: int, max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
                   fields: dict[str, str] | None = None) -> list[str]:
    """The host key of every page of one file, for counting pages per host: a
    WARC's from its record headers alone (records that make no page add to a
    count, never take from it); a broken WARC, and any other file, as its
    reader reads it."""
    from webmend.io.warc import read_warc, warc_record_urls

    if reader_for(path, sniff=True) is read_warc:
        try:
            return [Document(id="", url=url, source="").host_key for url in warc_record_urls(path)]
        except Exception:  # a broken file: its pages as the reader gives them, up to the break
            pass
    return [doc.host_key for _, doc in iter_file_pages(path, index, 0, lambda m: None, max_bytes, fields)]
