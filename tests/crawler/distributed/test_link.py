"""Redis keys, and what a worker does when Redis fails (crawler/distributed/link.py)."""

from __future__ import annotations

import pytest
import redis
from scrapy.signalmanager import SignalManager

from crawler.distributed import signals
from crawler.distributed.link import RedisLink, RedisUnavailable, RunKeys, redis_client
from tests.crawler.distributed.conftest import free_port


def test_key_names() -> None:
    keys = RunKeys("health", "R1")
    assert (keys.current_run, keys.start_urls) == ("health:run", "health:start_urls")
    assert keys.requests == "health:run:R1:requests" and keys.inflight("w") == "health:run:R1:inflight:w"
    assert keys.run_keys(["w"]) == ["health:run:R1:requests", "health:run:R1:dupefilter", "health:run:R1:workers",
                                    "health:run:R1:stored", "health:run:R1:seq", "health:run:R1:requeued",
                                    "health:run:R1:inflight:w", "health:run:R1:alive:w"]


def test_the_first_redis_error_stops_every_later_call_and_is_signalled() -> None:
    url = f"redis://:s3cret@127.0.0.1:{free_port()}/0"  # nothing listens there
    manager = SignalManager()
    told: list[str] = []

    def failed(message: str) -> None:
        told.append(message)

    manager.connect(failed, signal=signals.redis_failed)
    link = RedisLink(url, RunKeys("p", "R"), "w1", redis_client(url, {"retry": None}), signals=manager)
    with pytest.raises(RedisUnavailable):
        link.call("reading the queue length", link.client.zcard, link.keys.requests)
    assert link.failed and told == [link.failure]
    assert "is unavailable (ConnectionError" in link.failure and "worker w1 stops" in link.failure
    assert "s3cret" not in link.failure  # the password never reaches logs or manifests
    calls = []
    with pytest.raises(RedisUnavailable):
        link.call("anything", lambda: calls.append(1))
    assert calls == [] and len(told) == 1  # no further call, told once


def test_calls_pass_through_while_redis_is_up(link: RedisLink) -> None:
    assert link.call("writing", link.client.set, "x:" + link.keys.prefix, "1") is True
    assert not link.failed
    link.client.delete("x:" + link.keys.prefix)
    assert isinstance(link.client, redis.Redis)
