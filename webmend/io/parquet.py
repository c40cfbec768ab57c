"""Parquet in and out (pyarrow), streaming by record batches.

Reading: one page a row, like JSONL: `id`, optional `url`, and `text` or
`html` columns (names remappable with `fields`, the CLI's --id-field ...).
Only those columns are read, a batch of rows at a time.

Writing: the output record (docs/schema.md) as columns. Open-ended fields
(`signals`, `rules`) are JSON strings; `edits` and `removed` are lists of
structs. Rows are written in row groups of `ROW_GROUP` records; the file is
written beside its target and renamed onto it when complete.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, Iterator

from webmend.document import Document
from webmend.io.writers import AtomicWriter

Report = Callable[[str], None]
BATCH_ROWS = 256
ROW_GROUP = 2000


def read_parquet(path, report: Report, max_bytes: int, fields: dict[str, str] | None = None,
                 **_) -> Iterator[Document]:
    """Pages of a Parquet file, a record batch at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from webmend.io.readers import page_from_record  # imported here: readers registers this reader
    from webmend.io.remote import open_raw

    f_id, f_url, f_text, f_html = ((fields or {}).get(k, k) for k in ("id", "url", "text", "html"))
    try:
        raw = open_raw(path)
    except OSError as exc:
        report(f"{path}: cannot open: {exc}")
        return
    with raw:
        try:
            pf = pq.ParquetFile(raw)
            names = set(pf.schema_arrow.names)
        except (pa.ArrowException, OSError, ValueError) as exc:
            report(f"{path}: not a readable Parquet file: {exc}")
            return
        if f_id not in names or not ({f_text, f_html} & names):
            report(f"{path}: Parquet file needs an '{f_id}' column and a '{f_text}' or '{f_html}' column "
                   f"(it has: {', '.join(sorted(names))}); see --id-field/--text-field/--html-field")
            return
        columns = [c for c in (f_id, f_url, f_text, f_html) if c in names]
        row = 0
        try:
            for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=columns):
                cols = {c: batch.column(c).to_pylist() for c in columns}
                for i in range(batch.num_rows):
                    row += 1
                    doc = page_from_record({c: cols[c][i] for c in columns}, (f_id, f_url, f_text, f_html),
                                           f"{path}: row {row}", {"file": str(path), "row": row}, max_bytes, report)
                    if doc is not None:
                        yield doc
        except (pa.ArrowException, OSError, ValueError) as exc:
            report(f"{path}: unreadable after row {row}: {exc}")


# ---------------------------------------------------------------- writing
def output_schema(with_input: bool = False):
    import pyarrow as pa

    edit = pa.struct([("kind", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
                      ("before", pa.string()), ("after", pa.string()), ("evidence", pa.string())])
    removed = pa.struct([("text", pa.string()), ("reason", pa.string())])
    fields = [("id", pa.string()), ("url", pa.string()), ("title", pa.string()), ("author", pa.string()),
              ("date", pa.string()), ("language", pa.string()), ("text", pa.string()),
              ("truncated", pa.bool_()), ("lossy_encoding", pa.bool_()), ("edits", pa.list_(edit)),
              ("removed", pa.list_(removed)), ("signals", pa.string()), ("flags", pa.list_(pa.string())),
              ("rules", pa.string()), ("error", pa.string())]
    if with_input:
        fields.append(("input_text", pa.string()))
    return pa.schema(fields)


_JSON_COLUMNS = ("signals", "rules")


def to_row(record: dict[str, Any]) -> dict[str, Any]:
    """An output record as a Parquet row: open-ended fields as JSON strings.

    >>> to_row({"id": "a", "signals": {"words": 3}, "rules": []})["signals"]
    '{"words": 3}'
    """
    row = dict(record)
    for k in _JSON_COLUMNS:
        if k in row:
            row[k] = json.dumps(row[k], ensure_ascii=False)
    for e in row.get("edits") or ():
        e.setdefault("evidence", None)
    return row


def from_row(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row back as an output record (inverse of `to_row`)."""
    rec = dict(row)
    for k in _JSON_COLUMNS:
        if isinstance(rec.get(k), str):
            rec[k] = json.loads(rec[k])
    return rec


class ParquetWriter(AtomicWriter):
    """Write output records to a Parquet file; `close()` publishes, `abort()` drops."""

    def __init__(self, path: str):
        self.path = path
        self.count = 0
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
        self._rows: list[dict] = []
        self._writer = None
        self._schema = None

    def write(self, record: dict[str, Any]) -> None:
        self._rows.append(to_row(record))
        self.count += 1
        if len(self._rows) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._writer is None:
            self._schema = output_schema(with_input=any("input_text" in r for r in self._rows))
            self._writer = pq.ParquetWriter(self._tmp, self._schema, compression="zstd")
        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self._schema))
        self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()
        with open(self._tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        try:
            if self._writer is not None:
                self._writer.close()
        finally:
            self._tmp.unlink(missing_ok=True)


def iter_records(path) -> Iterator[dict[str, Any]]:
    """The output records of a Parquet file webmend wrote."""
    import pyarrow.parquet as pq

    from webmend.io.remote import open_raw

    with open_raw(path) as raw:
        for batch in pq.ParquetFile(raw).iter_batches(batch_size=BATCH_ROWS):
            for row in batch.to_pylist():
                yield from_row(row)
