"""The run manifest extension and progress lines (crawler/extensions.py)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from crawler.extensions import Progress, RunManifest
from crawler.runs import RunContext
from tests.support.crawler import open_spider, project_crawler


def test_the_manifest_says_running_at_start_and_the_outcome_at_the_end(tmp_path: Path) -> None:
    crawler = project_crawler(tmp_path, HEALTH_CLEAN_ON_CLOSE=False)
    spider = open_spider(crawler, start_urls="https://a.org/,https://b.org/")
    extension = crawler.get_extension(RunManifest)
    run_id = RunContext.of(crawler).run_id
    path = tmp_path / "_runs" / f"{run_id}.json"
    extension.spider_opened(spider)
    started = json.loads(path.read_text())
    assert started["status"] == "running" and started["kind"] == "crawl" and started["spider"] == "health"
    assert started["start_urls"] == ["https://a.org/", "https://b.org/"] and started["site"] == spider.site
    assert started["settings"]["OUTPUT_DIR"] == str(tmp_path)
    spider.failed_urls["https://a.org/x"] = "timeout"
    crawler.stats.set_value("health/pages/stored", 4)
    extension.spider_closed(spider, "finished")
    ended = json.loads(path.read_text())
    assert ended["status"] == "succeeded" and ended["failed_urls"] == {"https://a.org/x": "timeout"}
    assert ended["attempts"][-1]["status"] == "succeeded"
    assert crawler.stats.get_value("health/run_status") == "succeeded"


def test_an_interrupted_crawl_is_recorded_as_such(tmp_path: Path) -> None:
    crawler = project_crawler(tmp_path)
    spider = open_spider(crawler)
    extension = crawler.get_extension(RunManifest)
    extension.spider_opened(spider)
    extension.spider_closed(spider, "shutdown")
    manifest = json.loads((tmp_path / "_runs" / f"{spider.run_id}.json").read_text())
    assert manifest["status"] == "interrupted"
    assert manifest["crawl_stats"]["health/clean/status"] == "skipped: the crawl ended with shutdown"


def test_progress_lines_say_what_is_stored_queued_and_in_progress(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    crawler = project_crawler(tmp_path, HEALTH_PROGRESS_INTERVAL=5)
    progress = crawler.get_extension(Progress)
    engine = SimpleNamespace(scheduler=[object()] * 3, downloader=SimpleNamespace(active={1, 2}))
    monkeypatch.setattr(type(crawler), "engine", property(lambda self: engine))
    crawler.stats.set_value("health/pages/stored", 12)
    assert progress.line().startswith("progress: 12 pages stored (")
    assert progress.line().endswith("/min), 3 requests queued, 2 in progress")


def test_progress_lines_can_be_turned_off(tmp_path: Path) -> None:
    assert project_crawler(tmp_path, HEALTH_PROGRESS_INTERVAL=0).get_extension(Progress) is None
