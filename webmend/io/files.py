"""Opening local files, compressed or not, and naming pages after them."""
from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import BinaryIO

COMPRESSIONS = (".gz", ".zst")


def split_compression(name: str) -> tuple[str, str]:
    """('page.html', '.gz') for 'page.html.gz'; ('page.html', '') otherwise."""
    low = name.lower()
    for ext in COMPRESSIONS:
        if low.endswith(ext):
            return name[: -len(ext)], ext
    return name, ""


def page_id(path: str | Path) -> str:
    """A page read from a file is named by its file name without extensions.

    >>> page_id("html/04a6ff.html.gz"), page_id("notes.v2.txt")
    ('04a6ff', 'notes.v2')
    """
    name, _ = split_compression(Path(path).name)
    stem, dot, ext = name.rpartition(".")
    return stem if dot and ext.lower() in {"txt", "html", "htm", "text", "xhtml"} else name


def open_binary(path: str | Path) -> BinaryIO:
    """Open a file for reading bytes, decompressing .gz and .zst on the fly."""
    _, comp = split_compression(str(path))
    if comp == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if comp == ".zst":
        import zstandard

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True))
    return open(path, "rb")
