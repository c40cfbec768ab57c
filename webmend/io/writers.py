"""Writers: records out, atomically.

Output goes to a temporary file beside the target and is renamed onto it only
when the run completes, so an interrupted run never leaves a half-written file.
The format follows the suffix: .jsonl, .jsonl.gz, .jsonl.zst, .parquet
(webmend/io/parquet.py); '-' is stdout (JSONL).
"""
from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path
from typing import Any, BinaryIO

from webmend.io.files import split_compression


class UnsupportedOutput(ValueError):
    """An output path whose format webmend cannot write."""


SUFFIXES = (".jsonl", ".ndjson")
# Names of formats webmend does not write: refused rather than filled with JSON lines.
OTHER_FORMATS = (".csv", ".tsv", ".json", ".txt", ".text", ".html", ".htm", ".xml", ".md", ".xlsx",
                 ".arrow", ".feather", ".avro", ".orc", ".warc", ".wet", ".arc")


def check_output(path: str) -> None:
    """Raise UnsupportedOutput early, before any work, for an output named
    after a format webmend does not write. JSON lines go to `.jsonl` (`.gz`,
    `.zst`), Parquet to `.parquet`; a name with no format of its own (`out`,
    a `mktemp` file) gets plain JSON lines.

    >>> check_output("out.jsonl.gz"), check_output("/tmp/tmp.Xy7Qa2"), check_output("-")
    (None, None, None)
    >>> check_output("out.csv")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    UnsupportedOutput: out.csv: names a format webmend does not write
    """
    if path == "-":
        return
    name, comp = split_compression(Path(path).name.lower())
    if name.endswith(SUFFIXES) or (name.endswith(".parquet") and not comp):
        return
    if name.endswith(OTHER_FORMATS + (".parquet",)):
        raise UnsupportedOutput(f"{path}: names a format webmend does not write; use .jsonl, .jsonl.gz, "
                                ".jsonl.zst or .parquet (or '-', or a directory for sharded output)")


class AtomicWriter:
    """What every writer shares: used as a context manager, it publishes its
    output (`close`) when the block completes and drops it (`abort`) when it
    raises, so a failed run leaves the target as it was."""

    def close(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class JsonlWriter(AtomicWriter):
    """Write one JSON record a line; `close()` publishes the file, `abort()` drops it."""

    def __init__(self, path: str):
        check_output(path)
        self.path = path
        self.count = 0
        if path == "-":
            self._tmp = None
            self._raw: BinaryIO = sys.stdout.buffer
            self._out: BinaryIO = self._raw
            return
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
        self._raw = open(self._tmp, "wb")
        _, comp = split_compression(target.name)
        if comp == ".gz":
            self._out = gzip.GzipFile(fileobj=self._raw, mode="wb", compresslevel=6)  # type: ignore[assignment]
        elif comp == ".zst":
            import zstandard

            self._out = zstandard.ZstdCompressor(level=3).stream_writer(self._raw, closefd=False)  # type: ignore[assignment]
        else:
            self._out = self._raw

    def write(self, record: dict[str, Any]) -> None:
        self._out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        self.count += 1

    def close(self) -> None:
        """Finish and atomically publish the output."""
        if self._tmp is None:
            self._out.flush()
            return
        if self._out is not self._raw:
            self._out.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        """Drop the temporary file; the target is left as it was."""
        if self._tmp is None:
            return
        try:
            if self._out is not self._raw:
                self._out.close()
            self._raw.close()
        finally:
            self._tmp.unlink(missing_ok=True)


def open_writer(path: str):
    """A JsonlWriter or a ParquetWriter, by the output's suffix."""
    check_output(path)
    if path != "-" and path.lower().endswith(".parquet"):
        from webmend.io.parquet import ParquetWriter

        return ParquetWriter(path)
    return JsonlWriter(path)
