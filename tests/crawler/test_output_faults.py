"""A full disk, an unwritable output folder or a corrupt file: a clear error naming the path, nothing lost."""

from __future__ import annotations

import errno
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from scrapy.utils.test import get_crawler

from cleaning.storage.datasets import OutputError, PartitionedWriter
from crawler.items import PageItem
from crawler.pipelines import PagesPipeline
from crawler.spiders.health import HealthSpider
from tests.conftest import run_crawl


def _page(i: int) -> PageItem:
    return PageItem(url=f"http://e.org/{i}", status=200, fetched_at=datetime.now(timezone.utc), site="x",
                    kind="article", content_type="text/html", etag=None, last_modified=None, body=b"<p>x</p>")


_real_write_table = pq.write_table


def _run(coro) -> None:
    try:
        coro.send(None)
    except StopIteration:
        pass


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


class _Engine:
    def __init__(self) -> None:
        self.reasons: list[str] = []

    async def close_spider_async(self, *, reason: str) -> None:
        self.reasons.append(reason)


def test_pages_pipeline_stops_on_full_disk_and_keeps_earlier_files(tmp_path: Path, monkeypatch):
    import crawler.pipelines as pipelines

    crawler = get_crawler(HealthSpider, {"OUTPUT_DIR": str(tmp_path), "HEALTH_PAGES_FLUSH_ITEMS": 2})
    engine = _Engine()
    monkeypatch.setattr(type(crawler), "engine", property(lambda self: engine))
    monkeypatch.setattr(pipelines, "deferred_from_coro", _run)
    crawler.spider = HealthSpider.from_crawler(crawler)
    pipeline = PagesPipeline.from_crawler(crawler)
    pipeline.open_spider()
    for i in range(2):
        pipeline.process_item(_page(i))
    monkeypatch.setattr(pq, "write_table", _disk_full)
    for i in range(2, 6):
        pipeline.process_item(_page(i))
    assert "No space left" in crawler.stats.get_value("health/output_error")
    assert engine.reasons == ["output_error"]  # the crawl is stopped, once
    assert len(pd.read_parquet(tmp_path / "pages")) == 2  # what was written stays readable
    monkeypatch.setattr(pq, "write_table", _real_write_table)
    pipeline.close_spider()
    assert len(pd.read_parquet(tmp_path / "pages")) == 6  # buffered pages reach disk once it has room
    crawler.spider._stop_demo()


def test_unwritable_output_fails_at_once(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run_crawl(blocker / "out", check=False)
    assert proc.returncode == 2
    assert f"output directory {blocker / 'out'} is not writable" in proc.stderr


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
