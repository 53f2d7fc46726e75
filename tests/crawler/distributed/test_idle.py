"""The end of a distributed crawl: the whole crawl idle for the idle timeout (crawler/distributed/idle.py)."""

from __future__ import annotations

import time

import pytest

from crawler.distributed.idle import IdleWatch
from crawler.scrapy_compat import engine_idle
from crawler.distributed.link import RedisLink


class _Engine:
    """What IdleWatch asks an engine: is it idle, does it have room."""

    def __init__(self, idle: bool = True) -> None:
        self.idle = idle

    def spider_is_idle(self) -> bool:
        if self.idle is None:
            raise RuntimeError("Engine slot not assigned")
        return self.idle

    def needs_backout(self) -> bool:
        return False


def test_the_crawl_is_over_once_idle_everywhere_for_the_timeout(link: RedisLink) -> None:
    watch, engine = IdleWatch(link, idle_timeout=0.2), _Engine()
    assert not watch.crawl_over(engine, busy_here=False)  # idle from now on
    assert not watch.crawl_over(engine, busy_here=False)
    time.sleep(0.25)
    assert watch.crawl_over(engine, busy_here=False)


def test_any_work_anywhere_restarts_the_wait(link: RedisLink) -> None:
    watch, engine = IdleWatch(link, idle_timeout=0.0), _Engine()
    client, keys = link.client, link.keys
    client.zadd(keys.requests, {"queued": 0})
    assert not watch.crawl_over(engine, busy_here=False)  # a queued request
    client.delete(keys.requests)
    client.sadd(keys.workers, "w2")
    client.hset(keys.inflight("w2"), "1", "0 x")
    assert not watch.crawl_over(engine, busy_here=False)  # another worker has one in flight
    client.delete(keys.inflight("w2"))
    client.rpush(keys.start_urls, "https://a.org/")
    assert not watch.crawl_over(engine, busy_here=False)  # a pushed start URL waits
    client.delete(keys.start_urls)
    assert not watch.crawl_over(engine, busy_here=True)  # this worker has unacknowledged requests
    assert not watch.crawl_over(_Engine(idle=False), busy_here=False)  # this worker's engine is busy
    assert watch.idle_since is None
    assert not watch.crawl_over(engine, busy_here=False)
    assert watch.crawl_over(engine, busy_here=False)


def test_an_engine_without_an_open_spider_is_not_idle() -> None:
    assert engine_idle(_Engine(idle=None)) is False  # type: ignore[arg-type]
    assert engine_idle(_Engine(idle=True)) is True


def test_an_engine_that_cannot_answer_is_an_error_not_a_busy_engine() -> None:
    """Were Scrapy to rename what the adapter calls, a worker must fail, not wait forever for idle."""

    class Renamed:
        pass

    with pytest.raises(AttributeError):
        engine_idle(Renamed())
