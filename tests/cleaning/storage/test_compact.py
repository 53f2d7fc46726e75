"""Compaction, on a small run written with the real writer."""

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from cleaning.storage.compact import compact
from cleaning.storage.datasets import PartitionedWriter
from tests.support.small_run import RUN
from tests.support.small_run import write_small_run as _write_run


def test_compaction_merges_and_keeps_rows(tmp_path: Path):
    _write_run(tmp_path)
    before = pd.read_parquet(tmp_path / "pages").sort_values("url").reset_index(drop=True)
    lines = list(compact(tmp_path, "pages"))
    assert lines and "3 files -> 1" in lines[0]
    files = list((tmp_path / "pages").rglob("*.parquet"))
    assert len(files) == 1
    after = pd.read_parquet(tmp_path / "pages").sort_values("url").reset_index(drop=True)
    pd.testing.assert_frame_equal(before, after)
    assert list(compact(tmp_path, "pages")) == []  # idempotent


def test_interrupted_compaction_is_finished_not_doubled(tmp_path: Path):
    _write_run(tmp_path)
    part_dir = tmp_path / "pages" / "crawl_date=2026-01-01"
    originals = {p: p.read_bytes() for p in part_dir.glob("*.parquet")}
    list(compact(tmp_path, "pages"))
    for p, data in originals.items():  # as if the process died before removing the parts
        p.write_bytes(data)
    list(compact(tmp_path, "pages"))
    assert len(pd.read_parquet(tmp_path / "pages")) == 5


def _pages(root: Path, n: int, start: int, tag: str = "0", run: str = RUN) -> None:
    w = PartitionedWriter(root, "pages", run, tag=tag, rows_per_file=2)
    for i in range(start, start + n):
        w.write({"url": f"https://e.org/{i}", "status": 200, "fetched_at": datetime.now(timezone.utc),
                 "run_id": run}, "2026-01-01")
    w.flush()


def _urls(root: Path) -> list[str]:
    return sorted(pd.read_parquet(root / "pages")["url"])


def test_parts_written_after_a_compaction_are_merged_not_deleted(tmp_path: Path):
    part_dir = tmp_path / "pages" / "crawl_date=2026-01-01"
    _write_run(tmp_path)
    list(compact(tmp_path, "pages"))
    _pages(tmp_path, 3, start=100)  # the run continues: its sequence numbers restart, reusing merged names
    _pages(tmp_path, 1, start=200, tag="w-1")  # a tag with '-' belongs to the same run
    new_parts = sorted(p.name for p in part_dir.glob("*.parquet") if "compacted" not in p.name)
    assert f"part-{RUN}-0-00000.parquet" in new_parts and len(new_parts) == 3
    expected = _urls(tmp_path)
    assert len(expected) == 9

    lines = list(compact(tmp_path, "pages"))
    assert lines == [f"pages/crawl_date=2026-01-01 run {RUN}: 3 new files + the merged file -> 1 (9 rows)"]
    assert [p.name for p in part_dir.glob("*.parquet")] == [f"part-{RUN}-compacted-00000.parquet"]
    assert _urls(tmp_path) == expected
    meta = pq.read_schema(part_dir / f"part-{RUN}-compacted-00000.parquet").metadata
    held = json.loads(meta[b"compacted_from"])
    assert len(held) == 6 and {e["name"] for e in held} >= set(new_parts)
    assert meta[b"dataset"] == b"pages" and b"schema_version" in meta
    assert list(compact(tmp_path, "pages")) == []


def test_interrupted_second_compaction_is_finished_not_doubled(tmp_path: Path):
    part_dir = tmp_path / "pages" / "crawl_date=2026-01-01"
    _write_run(tmp_path)
    list(compact(tmp_path, "pages"))
    _pages(tmp_path, 3, start=100)
    originals = {p: p.read_bytes() for p in part_dir.glob("*.parquet") if "compacted" not in p.name}
    list(compact(tmp_path, "pages"))
    for p, data in originals.items():  # died before removing the new parts
        p.write_bytes(data)
    lines = list(compact(tmp_path, "pages"))
    assert len(lines) == 1 and "finished an interrupted compaction" in lines[0]
    assert len(_urls(tmp_path)) == 8 == len(set(_urls(tmp_path)))
    assert len(list(part_dir.glob("*.parquet"))) == 1


def test_merged_file_without_a_record_keeps_new_parts(tmp_path: Path):
    """A merged file written before compacted_from existed: parts whose rows it holds go, others are merged."""
    part_dir = tmp_path / "pages" / "crawl_date=2026-01-01"
    _pages(tmp_path, 4, start=0)
    leftovers = {p: p.read_bytes() for p in part_dir.glob("*.parquet")}
    list(compact(tmp_path, "pages"))
    merged = part_dir / f"part-{RUN}-compacted-00000.parquet"
    table = pq.read_table(merged, partitioning=None)
    pq.write_table(table.replace_schema_metadata({b"dataset": b"pages"}), merged)  # the old format
    for p, data in leftovers.items():
        p.write_bytes(data)
    _pages(tmp_path, 2, start=100, tag="late")
    list(compact(tmp_path, "pages"))
    urls = _urls(tmp_path)
    assert urls == sorted([f"https://e.org/{i}" for i in range(4)] + ["https://e.org/100", "https://e.org/101"])
    assert len(list(part_dir.glob("*.parquet"))) == 1


def test_runs_are_compacted_separately(tmp_path: Path):
    other = "20260102T000000Z_def456"
    _pages(tmp_path, 4, start=0)
    _pages(tmp_path, 4, start=10, run=other)
    lines = list(compact(tmp_path, "pages"))
    assert len(lines) == 2
    names = sorted(p.name for p in (tmp_path / "pages").rglob("*.parquet"))
    assert names == [f"part-{RUN}-compacted-00000.parquet", f"part-{other}-compacted-00000.parquet"]
    assert len(_urls(tmp_path)) == 8
