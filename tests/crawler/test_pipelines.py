"""PagesPipeline: every fetched page to the `pages` dataset, in small atomic files; a full disk stops the crawl."""

from __future__ import annotations

import errno
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from crawler.items import PageItem
from crawler.pipelines import PagesPipeline
from crawler.runs import RunContext
from tests.support.crawler import open_spider, project_crawler

RUN = "20260101T000000Z_abcdef"


def _page(i: int) -> PageItem:
    return PageItem(url=f"http://e.org/{i}", status=200, fetched_at=datetime.now(timezone.utc), site="x",
                    kind="article", content_type="text/html", etag=None, last_modified=None, body=b"<p>x</p>")


def _pipeline(tmp_path: Path, **settings) -> PagesPipeline:  # type: ignore[no-untyped-def]
    crawler = project_crawler(tmp_path, HEALTH_RUN_ID=RUN, **settings)
    open_spider(crawler)
    pipeline = PagesPipeline.from_crawler(crawler)
    pipeline.open_spider()
    return pipeline


def test_pages_are_written_in_files_of_the_flush_size_with_the_run_id(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path, HEALTH_PAGES_FLUSH_ITEMS=2, HEALTH_WORKER_ID="w1")
    for i in range(3):
        pipeline.process_item(_page(i))
    assert pipeline.rows_written == 2 and pipeline.buffered() == 1
    assert pipeline.crawler.stats.get_value("health/pages/stored") == 2  # rows in files, not pages buffered
    pipeline.close_spider()
    pages = pd.read_parquet(tmp_path / "pages")
    assert sorted(pages["url"]) == [f"http://e.org/{i}" for i in range(3)]
    assert set(pages["run_id"]) == {RunContext.of(pipeline.crawler).run_id} == {RUN}
    files = sorted(p.name for p in (tmp_path / "pages").rglob("*.parquet"))
    assert len(files) == 2 and all(f.startswith(f"part-{RUN}-w1-") for f in files)  # the worker id tags them
    assert pipeline.crawler.stats.get_value("health/pages/stored") == 3
    assert pipeline.crawler.stats.get_value("health/pages/files") == 2


def test_flush_writes_what_is_buffered_now(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path, HEALTH_PAGES_FLUSH_ITEMS=100)
    pipeline.process_item(_page(1))
    assert pipeline.buffered() == 1 and not (tmp_path / "pages").exists()
    pipeline.flush()
    assert pipeline.buffered() == 0 and pipeline.rows_written == 1
    assert len(pd.read_parquet(tmp_path / "pages")) == 1


# --- a full disk ------------------------------------------------------------------------------------

_real_write_table = pq.write_table


def _run(coro) -> None:  # type: ignore[no-untyped-def]
    try:
        coro.send(None)
    except StopIteration:
        pass


def _disk_full(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise OSError(errno.ENOSPC, "No space left on device")


class _Engine:
    def __init__(self) -> None:
        self.reasons: list[str] = []

    async def close_spider_async(self, *, reason: str) -> None:
        self.reasons.append(reason)


def test_a_full_disk_stops_the_crawl_and_keeps_earlier_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import crawler.pipelines as pipelines

    pipeline = _pipeline(tmp_path, HEALTH_PAGES_FLUSH_ITEMS=2)
    engine = _Engine()
    monkeypatch.setattr(type(pipeline.crawler), "engine", property(lambda self: engine))
    monkeypatch.setattr(pipelines, "deferred_from_coro", _run)
    for i in range(2):
        pipeline.process_item(_page(i))
    monkeypatch.setattr(pq, "write_table", _disk_full)
    for i in range(2, 6):
        pipeline.process_item(_page(i))
    assert "No space left" in pipeline.crawler.stats.get_value("health/output_error")
    assert engine.reasons == ["output_error"]  # the crawl is stopped, once
    assert len(pd.read_parquet(tmp_path / "pages")) == 2  # what was written stays readable
    with pytest.raises(Exception, match="No space left"):
        pipeline.flush()  # an explicit flush says so too; the pages stay buffered
    assert pipeline.buffered() == 4
    assert pipeline.crawler.stats.get_value("health/pages/stored") == 2  # fetched is not stored
    monkeypatch.setattr(pq, "write_table", _real_write_table)
    pipeline.close_spider()
    assert len(pd.read_parquet(tmp_path / "pages")) == 6  # buffered pages reach disk once it has room
    assert pipeline.crawler.stats.get_value("health/pages/stored") == 6
