"""The run manifest extension and progress lines (crawler/extensions.py)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from crawler.extensions import Progress, RunManifest
from crawler.interrupts import Interrupts
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


def test_a_crawl_stopped_by_force_is_recorded_interrupted(tmp_path: Path) -> None:
    crawler = project_crawler(tmp_path)
    spider = open_spider(crawler)
    extension = crawler.get_extension(RunManifest)
    extension.spider_opened(spider)
    crawler.get_extension(Interrupts).received[:] = ["SIGINT", "SIGINT"]  # Ctrl-C twice
    extension.spider_closed(spider, "shutdown")
    manifest = json.loads((tmp_path / "_runs" / f"{spider.run_id}.json").read_text())
    assert manifest["status"] == "interrupted"
    assert manifest["crawl_stats"]["health/clean/status"] == "skipped: the crawl was stopped by force (a second signal)"


def test_progress_lines_say_what_is_stored_queued_and_in_progress(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    crawler = project_crawler(tmp_path, HEALTH_PROGRESS_INTERVAL=5)
    progress = crawler.get_extension(Progress)
    engine = SimpleNamespace(scheduler=[object()] * 3, downloader=SimpleNamespace(active={1, 2}))
    monkeypatch.setattr(type(crawler), "engine", property(lambda self: engine))
    crawler.stats.set_value("health/pages/stored", 12)
    assert progress.line().startswith("progress: 12 pages stored (")
    assert progress.line().endswith("/min lately), 3 requests queued, 2 in progress")  # no sitemap: no estimate


def test_progress_estimates_the_time_left_from_the_sitemaps_count(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    crawler = project_crawler(tmp_path, HEALTH_PROGRESS_INTERVAL=5)
    progress = Progress(crawler, 5, clock=lambda: now[0])
    engine = SimpleNamespace(scheduler=[object()] * 4, downloader=SimpleNamespace(active={1}))
    monkeypatch.setattr(type(crawler), "engine", property(lambda self: engine))
    stats = crawler.stats
    stats.set_value("health/sitemap/urls", 300)
    now[0] += 60
    stats.set_value("health/pages/stored", 60)  # 50 articles, 10 listings in the first minute
    stats.set_value("health/pages/kind/article", 50)
    stats.set_value("health/incremental/unchanged_lastmod", 10)  # done without a fetch
    line = progress.line()
    assert line.startswith("progress: 60 pages stored (60/min, 60/min lately), 4 requests queued, 1 in progress")
    assert line.endswith("; sitemaps list 300 articles, 60 done: about 4 min to go")  # 240 left at 60/min
    now[0] += 60  # the next minute is slower: the estimate follows the recent rate
    stats.set_value("health/pages/stored", 90)
    stats.set_value("health/pages/kind/article", 80)
    line = progress.line()
    assert "(45/min, 30/min lately)" in line and line.endswith("300 articles, 90 done: about 7 min to go")
    stats.set_value("health/pages/kind/article", 400)  # more articles than listed (found by links)
    now[0] += 60
    engine.scheduler = [object()] * 20
    # Nothing stored this minute: the overall rate stands in; what is left is what is queued (20 + 1).
    assert progress.line().endswith("300 articles, 300 done: about 42 s to go")


def test_progress_lines_can_be_turned_off(tmp_path: Path) -> None:
    assert project_crawler(tmp_path, HEALTH_PROGRESS_INTERVAL=0).get_extension(Progress) is None
