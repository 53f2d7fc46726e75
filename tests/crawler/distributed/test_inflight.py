"""Acknowledging finished requests once their pages are on disk (crawler/distributed/inflight.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from scrapy import Request

from crawler.distributed.inflight import InFlightRequests
from crawler.distributed.link import RedisLink
from crawler.items import PageItem
from crawler.pipelines import PagesPipeline
from tests.support.crawler import open_spider, project_crawler


def _tracker(link: RedisLink, tmp_path: Path, ack_interval: float = 600) -> InFlightRequests:
    crawler = project_crawler(tmp_path, HEALTH_PAGES_FLUSH_ITEMS=100)
    open_spider(crawler)
    tracker = InFlightRequests(link, crawler.stats, ack_interval)
    tracker.pages = PagesPipeline.from_crawler(crawler)
    tracker.pages.open_spider()
    return tracker


def _popped(link: RedisLink, tracker: InFlightRequests, token: str, url: str) -> Request:
    request = Request(url)
    link.client.hset(link.keys.inflight("w1"), token, f"0 {url}")  # what the scheduler's POP script wrote
    tracker.popped(token, request)
    return request


def _page(url: str) -> PageItem:
    return PageItem(url=url, status=200, fetched_at=datetime.now(timezone.utc), site="x", kind="article",
                    body=b"<p>x</p>")


def test_a_request_is_acknowledged_once_finished_and_its_page_on_disk(link: RedisLink, tmp_path: Path) -> None:
    tracker = _tracker(link, tmp_path)
    a = _popped(link, tracker, "1", "https://a.org/a")
    _popped(link, tracker, "2", "https://a.org/b")
    tracker.collect_finished({a}, local_idle=False)  # b is done, a still in progress
    assert list(tracker.pending) == ["1"] and [t for t, _ in tracker.finished] == ["2"]
    tracker.pages.process_item(_page("https://a.org/b"))
    tracker.acknowledge()  # b's page is still buffered, and the ack interval has not passed
    assert link.client.hkeys(link.keys.inflight("w1")) == [b"1", b"2"]
    tracker.acknowledge(force=True)  # idle: flush and acknowledge now
    assert tracker.pages.buffered() == 0 and tracker.pages.rows_written == 1
    assert link.client.hkeys(link.keys.inflight("w1")) == [b"1"]
    assert tracker.busy  # a is still pending
    tracker.collect_finished(None, local_idle=True)  # an idle engine has finished everything
    tracker.acknowledge()
    assert not tracker.busy and link.client.hlen(link.keys.inflight("w1")) == 0
    assert tracker.stats.get_value("health/distributed/acknowledged") == 2


def test_finished_requests_wait_for_the_ack_interval_before_a_flush(link: RedisLink, tmp_path: Path) -> None:
    tracker = _tracker(link, tmp_path, ack_interval=0)
    _popped(link, tracker, "1", "https://a.org/a")
    tracker.pages.process_item(_page("https://a.org/a"))
    tracker.collect_finished(set(), local_idle=False)
    tracker.acknowledge()  # the interval (0 s) has passed: flushed and acknowledged
    assert tracker.pages.rows_written == 1 and link.client.hlen(link.keys.inflight("w1")) == 0


def test_without_the_engines_in_progress_set_nothing_is_assumed_finished(link: RedisLink, tmp_path: Path) -> None:
    tracker = _tracker(link, tmp_path)
    _popped(link, tracker, "1", "https://a.org/a")
    tracker.collect_finished(None, local_idle=False)
    assert list(tracker.pending) == ["1"] and not tracker.finished


def test_rows_written_are_reported_to_redis(link: RedisLink, tmp_path: Path) -> None:
    tracker = _tracker(link, tmp_path)
    tracker.pages.process_item(_page("https://a.org/a"))
    tracker.pages.flush()
    tracker.report_rows()
    tracker.report_rows()
    assert int(link.client.hget(link.keys.stored, "w1")) == 1
