"""Parquet in and out, and JSONL/Parquet field names from the command line,
on benchmark pages."""
from __future__ import annotations

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq

from conftest import read_jsonl, run_cli
from webmend.io.parquet import iter_records
from webmend.io.readers import read_file


def _pages(bench_html_files, ground_truth):
    return [{"page_id": f.name.split(".")[0], "link": ground_truth[f.name.split(".")[0]]["url"],
             "content": gzip.decompress(f.read_bytes()).decode("utf-8")} for f in bench_html_files[:3]]


def test_parquet_input_with_renamed_fields_matches_jsonl_input(tmp_path, bench_html_files, ground_truth):
    rows = _pages(bench_html_files, ground_truth)
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "pages.parquet", row_group_size=2)
    with open(tmp_path / "pages.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    fields = ["--id-field", "page_id", "--url-field", "link", "--html-field", "content"]
    run_cli("clean", tmp_path / "pages.parquet", "-o", tmp_path / "from_parquet.jsonl", "-q", "--workers", "1", *fields)
    run_cli("clean", tmp_path / "pages.jsonl", "-o", tmp_path / "from_jsonl.jsonl", "-q", "--workers", "1", *fields)
    a, b = read_jsonl(tmp_path / "from_parquet.jsonl"), read_jsonl(tmp_path / "from_jsonl.jsonl")
    assert [r["id"] for r in a] == [r["page_id"] for r in rows]
    assert [r["url"] for r in a] == [r["link"] for r in rows]
    assert a == b
    assert all(r["text"] for r in a)


def test_parquet_output_round_trips_the_records(tmp_path, bench_html_files):
    src = tmp_path / "in"
    src.mkdir()
    for f in bench_html_files[:3]:
        (src / f.name).write_bytes(f.read_bytes())
    (src / "notes.txt").write_text("A short page.\n\nWith two paragraphs.", encoding="utf-8")
    run_cli("clean", src, "-o", tmp_path / "out.parquet", "-q", "--workers", "1", "--explain", "--with-input")
    run_cli("clean", src, "-o", tmp_path / "out.jsonl", "-q", "--workers", "1", "--explain", "--with-input")
    from_parquet = list(iter_records(tmp_path / "out.parquet"))
    from_jsonl = read_jsonl(tmp_path / "out.jsonl")
    assert len(from_parquet) == 4
    assert from_parquet == from_jsonl
    schema = pq.read_schema(tmp_path / "out.parquet")
    assert schema.field("text").type == pa.string() and "input_text" in schema.names


def test_parquet_without_the_needed_columns_or_broken_is_reported(tmp_path):
    pq.write_table(pa.table({"x": [1, 2]}), tmp_path / "odd.parquet")
    reports: list[str] = []
    assert list(read_file(tmp_path / "odd.parquet", reports.append)) == []
    assert "--id-field" in reports[0]
    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({"id": ["a"], "text": ["Some text here."]}), good)
    (tmp_path / "cut.parquet").write_bytes(good.read_bytes()[:-20])
    reports.clear()
    assert list(read_file(tmp_path / "cut.parquet", reports.append)) == []
    assert reports and "Parquet" in reports[0]
    proc = run_cli("clean", tmp_path / "cut.parquet", "-o", tmp_path / "o.jsonl", "--workers", "1")
    assert "Traceback" not in proc.stderr


def test_rows_without_id_or_text_are_reported_or_error_records(tmp_path):
    pq.write_table(pa.table({"id": ["a", None, "c"], "text": ["Fine text.", "orphan", None]}), tmp_path / "p.parquet")
    reports: list[str] = []
    docs = list(read_file(tmp_path / "p.parquet", reports.append))
    assert [d.id for d in docs] == ["a", "c"]
    assert docs[0].error is None and docs[1].error and "row 3" in docs[1].error
    assert len(reports) == 1 and "row 2" in reports[0]
