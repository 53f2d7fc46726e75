from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from cleaning.storage.datasets import OutputError, PartitionedWriter, dataset_files, ensure_writable, read_rows
from cleaning.storage.schemas import ARTICLES, DATASETS, SCHEMA_VERSION


def _article(i: int) -> dict:
    return {"article_id": f"{i:016x}", "version": 1, "url": f"https://e.org/{i}", "run_id": "r1",
            "published_date": date(2023, 1, 1) if i % 2 else None, "languages": [], "flags": [],
            "crawled_at": datetime(2023, 1, 1, tzinfo=timezone.utc), "word_count": 3}


def test_writer_casts_to_schema_and_partitions(tmp_path: Path):
    w = PartitionedWriter(tmp_path, "articles", "r1", rows_per_file=2)
    for i in range(5):
        w.write(_article(i), "2023-01-01")
    w.flush()
    assert w.rows_written == 5 and len(w.files) == 3
    f = pq.ParquetFile(tmp_path / w.files[0])
    assert f.schema_arrow.remove_metadata().equals(ARTICLES)
    assert f.schema_arrow.metadata[b"schema_version"] == SCHEMA_VERSION.encode()
    df = pd.read_parquet(tmp_path / "articles")
    assert len(df) == 5 and set(df["crawl_date"].astype(str)) == {"2023-01-01"}
    assert ds.dataset(tmp_path / "articles", partitioning="hive").count_rows() == 5
    n = duckdb.sql(f"select count(*) from read_parquet('{tmp_path}/articles/**/*.parquet', hive_partitioning=true)").fetchall()[0][0]
    assert n == 5


def test_all_null_batch_keeps_types(tmp_path: Path):
    w = PartitionedWriter(tmp_path, "hot_picks", "r1")
    w.write({"article_id": "a", "rank": 1, "run_id": "r1"}, "2023-01-01")
    w.flush()
    schema = pq.read_schema(tmp_path / w.files[0])
    assert str(schema.field("published_date").type) == "date32[day]"
    assert str(schema.field("teaser").type) == "string"


def test_sequence_continues_after_existing_files(tmp_path: Path):
    w1 = PartitionedWriter(tmp_path, "pages", "r1", tag="crawl")
    w1.write({"url": "u", "status": 200, "fetched_at": datetime.now(timezone.utc), "run_id": "r1"}, "2023-01-01")
    w1.flush()
    w2 = PartitionedWriter(tmp_path, "pages", "r1", tag="crawl")  # a resumed crawl
    w2.write({"url": "v", "status": 200, "fetched_at": datetime.now(timezone.utc), "run_id": "r1"}, "2023-01-01")
    w2.flush()
    assert w1.files != w2.files
    assert sorted(r["url"] for r in read_rows(tmp_path, "pages")) == ["u", "v"]


def test_every_dataset_schema_is_declared():
    assert set(DATASETS) == {"pages", "articles", "hot_picks", "duplicates", "grammar_edits"}


def test_unwritable_output_names_the_path(tmp_path: Path):
    target = tmp_path / "file"
    target.write_text("not a directory")
    with pytest.raises(OutputError, match=str(target)):
        ensure_writable(target / "out")


def test_corrupt_file_names_the_path(tmp_path: Path):
    bad = tmp_path / "articles" / "crawl_date=2023-01-01" / "part-x-0-00000.parquet"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"not parquet")
    with pytest.raises(OutputError, match="part-x-0-00000.parquet"):
        list(read_rows(tmp_path, "articles"))


def test_temporary_files_are_invisible_to_readers(tmp_path: Path):
    w = PartitionedWriter(tmp_path, "pages", "r1")
    w.write({"url": "u", "status": 200, "fetched_at": datetime.now(timezone.utc), "run_id": "r1"}, "2023-01-01")
    w.flush()
    (tmp_path / "pages" / "crawl_date=2023-01-01" / ".part-r1-0-00001.parquet.tmp-1").write_bytes(b"partial")
    assert len(pd.read_parquet(tmp_path / "pages")) == 1
    assert ds.dataset(tmp_path / "pages", partitioning="hive").count_rows() == 1


def _damage_first_data_page(path: Path) -> None:
    """Flips bytes inside the first column's data, past its page header: only a checksum can tell."""
    import pyarrow.parquet as pq

    column = pq.read_metadata(path).row_group(0).column(0)
    start = column.data_page_offset + column.total_compressed_size - 24  # the end of the last data page
    data = bytearray(path.read_bytes())
    for k in range(start, start + 16):
        data[k] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_damaged_page_is_caught_by_its_checksum_and_quarantined(tmp_path: Path):
    import pyarrow.parquet as pq

    w = PartitionedWriter(tmp_path, "pages", "20260101T000000Z_crc")
    for i in range(200):
        w.write({"url": f"https://a.example/{i}", "status": 200, "fetched_at": datetime(2026, 1, 1, tzinfo=timezone.utc),
                 "body": b"<p>text</p>" * 50, "run_id": "20260101T000000Z_crc"}, "2026-01-01")
    w.flush()
    [path] = dataset_files(tmp_path, "pages")
    pq.read_metadata(path)  # the footer is fine before and after
    _damage_first_data_page(path)
    pq.read_metadata(path)
    with pytest.raises(OutputError, match="corrupt dataset file .*(checksum|CRC).*moved to .*_quarantine"):
        list(read_rows(tmp_path, "pages"))
    assert not path.exists() and (tmp_path / "_quarantine" / path.relative_to(tmp_path)).is_file()
    assert list(read_rows(tmp_path, "pages")) == []  # the rest of the dataset reads on


def test_a_garbage_file_is_named_and_set_aside_at_start(tmp_path: Path):
    from cleaning.storage.datasets import check_readable

    bad = tmp_path / "hot_picks" / "crawl_date=2026-01-01" / "part-x-clean-00000.parquet"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(OutputError, match="hot_picks.*moved to"):
        check_readable(tmp_path, ["pages", "hot_picks"])
    check_readable(tmp_path, ["pages", "hot_picks"])  # quarantined: the next start is clean


def test_a_parquet_file_of_another_dataset_is_named_and_set_aside(tmp_path: Path):
    """Valid Parquet, not ours (another tool's export dropped into pages/): set aside by every command."""
    import subprocess
    import sys

    import pyarrow as pa

    from cleaning.storage.datasets import check_readable

    foreign = tmp_path / "pages" / "crawl_date=2026-01-01" / "part-20260101T000000Z_xx-crawl-00000.parquet"
    foreign.parent.mkdir(parents=True)
    pq.write_table(pa.table({"a": [1, 2]}), foreign)
    with pytest.raises(OutputError, match="not a file of the pages dataset: no column fetched_at, status, url"):
        check_readable(tmp_path, ["pages"])
    assert not foreign.exists() and (tmp_path / "_quarantine" / foreign.relative_to(tmp_path)).is_file()

    pq.write_table(pa.table({"a": [1, 2]}), foreign)  # again, for the cleaning's command line
    proc = subprocess.run([sys.executable, "-m", "cleaning", "run", "--output-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "not a file of the pages dataset" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not foreign.exists()
