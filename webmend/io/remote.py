"""Where inputs live: local paths and globs, or fsspec URLs (s3://, gs://, https:// ...).

An input is a `Path` for a local file or a `str` URL ("scheme://...") for a
remote one; `open_raw` gives its bytes as stored, `open_input` decompresses
.gz and .zst on the fly. Globs (`*`, `?`, `[...]`, `**`) are expanded, sorted,
locally and remotely; a remote "directory" is listed recursively.
"""
from __future__ import annotations

import glob as globmod
import gzip
import io
import posixpath
import re
from pathlib import Path
from typing import BinaryIO, Union

from webmend.io.files import split_compression

Source = Union[Path, str]
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GLOB = re.compile(r"[*?\[]")


def is_url(src: str | Path) -> bool:
    """True for 'scheme://...' (but not for file:// which is a local path).

    >>> is_url("s3://bucket/a.warc.gz"), is_url("https://h/x"), is_url("data/a.warc"), is_url("file:///tmp/x")
    (True, True, False, False)
    """
    return isinstance(src, str) and bool(_URL.match(src)) and not src.lower().startswith("file://")


def has_glob(src: str) -> bool:
    """True for a pattern with glob characters.

    >>> has_glob("crawl/*.warc.gz"), has_glob("crawl/a.warc.gz")
    (True, False)
    """
    return bool(_GLOB.search(src))


def source_name(src: Source) -> str:
    """The file name of a path or URL (without a URL's query).

    >>> source_name("https://h/dir/CC-1.warc.gz?x=1"), source_name(Path("a/b.jsonl"))
    ('CC-1.warc.gz', 'b.jsonl')
    """
    if isinstance(src, Path):
        return src.name
    return posixpath.basename(src.split("?", 1)[0].split("#", 1)[0].rstrip("/"))


def local_path(src: str) -> Path:
    return Path(src[7:]) if src.lower().startswith("file://") else Path(src)


def open_raw(src: Source) -> BinaryIO:
    """The stored bytes of a local file or URL (not decompressed)."""
    if is_url(src):
        import fsspec

        try:
            return fsspec.open(str(src), "rb").open()
        except (ImportError, ValueError) as exc:  # unknown protocol, missing optional driver
            raise OSError(f"cannot open {src}: {exc}") from exc
    return open(src if isinstance(src, Path) else local_path(src), "rb")


def open_input(src: Source) -> BinaryIO:
    """The bytes of a local file or URL, decompressing .gz and .zst by suffix."""
    raw = open_raw(src)
    _, comp = split_compression(source_name(src))
    if comp == ".gz":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if comp == ".zst":
        import zstandard

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, closefd=True))
    return raw


def expand_remote(url: str) -> list[str]:
    """The files a URL names: itself, a glob's matches, or a directory's files (sorted)."""
    import fsspec

    fs, _, _ = fsspec.get_fs_token_paths(url)
    protocol = url.split("://", 1)[0]

    def as_url(p: str) -> str:
        return p if _URL.match(p) else f"{protocol}://{p.lstrip('/')}" if protocol not in ("http", "https") else p

    if has_glob(url.split("://", 1)[1]):
        return sorted(as_url(p) for p in fs.glob(url))
    if protocol in ("http", "https"):  # only a URL ending in / is listed: isdir would fetch a file whole
        return sorted(as_url(p) for p in fs.find(url)) if url.endswith("/") else [url]
    try:
        if fs.isdir(url):
            return sorted(as_url(p) for p in fs.find(url))
    except (OSError, ValueError):
        pass
    return [url]


def expand_local_glob(pattern: str) -> list[Path]:
    """Files matching a local glob (with ** for any depth), sorted."""
    return sorted(Path(p) for p in globmod.glob(pattern, recursive=True) if Path(p).is_file())
