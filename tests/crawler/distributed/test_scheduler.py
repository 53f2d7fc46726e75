"""The shared Redis frontier (crawler/distributed/scheduler.py): one fetch per URL, nothing lost on a kill."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from crawler.distributed import signals
from crawler.distributed.addon import redis_link
from crawler.distributed.scheduler import RedisScheduler
from crawler.signals import requests_requeued
from tests.crawler.distributed.conftest import RedisServer
from tests.support.crawler import open_spider, project_crawler

_prefixes = itertools.count()


def _scheduler(tmp_path: Path, redis_server: RedisServer) -> tuple[RedisScheduler, list[tuple[str, Any]]]:
    crawler = project_crawler(tmp_path, HEALTH_REDIS_URL=redis_server.url, HEALTH_REDIS_PREFIX=f"sched{next(_prefixes)}",
                              HEALTH_WORKER_ID="w1", HEALTH_RUN_ID="20260101T000000Z_abcdef")
    spider = open_spider(crawler, start_urls="https://a.org/")
    popped: list[tuple[str, Any]] = []

    def on_popped(token: str, request: Any) -> None:
        popped.append((token, request))

    crawler.signals.connect(on_popped, signal=signals.request_popped, weak=False)
    scheduler = RedisScheduler.from_crawler(crawler)
    scheduler.open(spider)
    return scheduler, popped


def test_a_url_is_queued_once_by_the_whole_crawl(tmp_path: Path, redis_server: RedisServer) -> None:
    scheduler, _ = _scheduler(tmp_path, redis_server)
    spider = scheduler.spider
    assert scheduler.enqueue_request(spider.request_for("https://a.org/x", "article"))
    assert not scheduler.enqueue_request(spider.request_for("https://a.org/x", "article"))  # a duplicate
    retry = spider.request_for("https://a.org/x", "article").replace(dont_filter=True)
    assert scheduler.enqueue_request(retry)  # a retry is queued again on purpose
    assert len(scheduler) == 2 and scheduler.has_pending_requests()
    stats = scheduler.stats
    assert stats.get_value("scheduler/enqueued") == 2 and stats.get_value("dupefilter/filtered") == 1


def test_a_popped_request_stays_in_flight_until_acknowledged(tmp_path: Path, redis_server: RedisServer) -> None:
    scheduler, popped = _scheduler(tmp_path, redis_server)
    spider, link = scheduler.spider, redis_link(scheduler.crawler)
    scheduler.enqueue_request(spider.request_for("https://a.org/low", "article"))
    high = spider.request_for("https://a.org/high", "article")
    high.priority = 10
    scheduler.enqueue_request(high)
    request = scheduler.next_request()
    assert request.url == "https://a.org/high" and request.callback == spider.parse  # by priority, callbacks kept
    assert [(t, r.url) for t, r in popped] == [("1", "https://a.org/high")]  # the coordinator is told
    assert link.client.hkeys(link.keys.inflight("w1")) == [b"1"] and len(scheduler) == 1
    assert scheduler.next_request().url == "https://a.org/low"
    assert scheduler.next_request() is None


def test_an_unreadable_entry_is_dropped_not_fatal(tmp_path: Path, redis_server: RedisServer) -> None:
    scheduler, popped = _scheduler(tmp_path, redis_server)
    link = redis_link(scheduler.crawler)
    link.client.zadd(link.keys.requests, {b"\x80 not json": 0})
    assert scheduler.next_request() is None
    assert scheduler.stats.get_value("health/distributed/unreadable") == 1
    assert link.client.hlen(link.keys.inflight("w1")) == 0 and popped == []


def test_a_request_that_cannot_be_stored_is_dropped(tmp_path: Path, redis_server: RedisServer) -> None:
    scheduler, _ = _scheduler(tmp_path, redis_server)
    request = scheduler.spider.request_for("https://a.org/x", "article", health_thing={1, 2})
    assert not scheduler.enqueue_request(request)
    assert scheduler.stats.get_value("health/distributed/unserializable") == 1


def test_a_pop_after_a_dead_workers_requests_came_back_says_so_first(tmp_path: Path, redis_server: RedisServer) -> None:
    scheduler, _ = _scheduler(tmp_path, redis_server)
    spider, link = scheduler.spider, redis_link(scheduler.crawler)
    told: list[int] = []
    scheduler.crawler.signals.connect(lambda: told.append(len(scheduler)), signal=requests_requeued, weak=False)
    for n in range(3):
        scheduler.enqueue_request(spider.request_for(f"https://a.org/{n}", "article"))
    scheduler.next_request()
    assert told == []  # no worker died: nothing to look at again
    # Worker w9 took a request and died (no heartbeat key): a reap puts it back and counts it.
    link.client.hset(link.keys.inflight("w9"), "99", "0 " + link.client.zrange(link.keys.requests, 0, 0)[0].decode())
    link.client.zpopmin(link.keys.requests)
    assert link.reap("w9") == 1
    request = scheduler.next_request()
    assert request is not None and len(told) == 1  # told by the time the request is handed on
    scheduler.next_request()
    assert len(told) == 1  # once per re-queue, not per pop
