"""A full disk, an unwritable output folder or a corrupt file: a clear error naming the path, nothing lost.

The pages pipeline's own reaction to a full disk is in test_pipelines.py."""

from __future__ import annotations

import errno
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cleaning.storage.datasets import OutputError, PartitionedWriter
from tests.conftest import run_crawl


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_failed_write_keeps_rows_buffered(tmp_path: Path, monkeypatch):
    w = PartitionedWriter(tmp_path, "pages", "r1", rows_per_file=100)
    w.write({"url": "u", "status": 200, "fetched_at": datetime.now(timezone.utc), "run_id": "r1"}, "2026-01-01")
    monkeypatch.setattr(pq, "write_table", _disk_full)
    with pytest.raises(OutputError, match="No space left on device") as err:
        w.flush()
    assert "pages/crawl_date=2026-01-01/part-r1-" in str(err.value)
    assert w.buffered() == 1 and not list(tmp_path.rglob("*.tmp-*"))
    monkeypatch.undo()
    w.flush()  # space again: the same rows are written, once
    assert len(pd.read_parquet(tmp_path / "pages")) == 1


def test_unwritable_output_fails_at_once(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run_crawl(blocker / "out", check=False)
    assert proc.returncode == 2
    assert f"output directory {blocker / 'out'} is not writable" in proc.stderr


def test_a_disk_already_full_at_the_start_fails_at_once_with_one_line(tmp_path: Path):
    """An empty file needs no free block: the check writes a few bytes, so a full disk (here a file size
    limit of 1 KiB, which cuts writes short as a full disk fails them) stops the crawl before it starts."""
    import resource
    import subprocess
    import sys

    from tests.conftest import REPO

    out, job = tmp_path / "out", tmp_path / "job"
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "health", "-a", "start_urls=http://127.0.0.1:9/",
         "-s", f"OUTPUT_DIR={out}", "-s", f"JOBDIR={job}"], cwd=REPO, capture_output=True, text=True, timeout=120,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024)))
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert f"output directory {out} is not writable" in proc.stderr and "Traceback" not in proc.stderr
    assert not list(out.rglob("*.json"))  # no run was started, so none is left `running`


def test_corrupt_file_is_named_and_earlier_data_stays_readable(tmp_path: Path):
    out = tmp_path / "out"
    run_crawl(out, "-s", "HEALTH_GRAMMAR_BACKEND=none")
    bad = out / "pages" / "crawl_date=2026-01-01" / "part-other-x-00000.parquet"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"garbage from somewhere else")
    proc = run_crawl(out, check=False)
    assert proc.returncode == 2
    assert str(bad) in proc.stderr
    assert len(pd.read_parquet(out / "articles")) > 40
