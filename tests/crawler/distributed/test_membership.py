"""A worker's membership of a run (crawler/distributed/membership.py), on a real Redis."""

from __future__ import annotations

import time

import pytest
from scrapy.statscollectors import MemoryStatsCollector

from crawler.distributed.link import RedisLink
from crawler.distributed.membership import LastWorker, Membership, WorkerIdInUse
from tests.crawler.distributed.conftest import other_worker
from tests.support.crawler import project_crawler


def _member(link: RedisLink, tmp_path, timeout: float = 30.0) -> Membership:  # type: ignore[no-untyped-def]
    return Membership(link, MemoryStatsCollector(project_crawler(tmp_path)), timeout)


def test_a_worker_id_is_held_by_one_live_worker(link: RedisLink, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = _member(link, tmp_path)
    first.join()
    assert first.registered and link.client.sismember(link.keys.workers, "w1")
    twin = _member(other_worker(link, "w1"), tmp_path)
    with pytest.raises(WorkerIdInUse, match="give each worker its own HEALTH_WORKER_ID"):
        twin.join()


def test_a_dead_workers_requests_go_back_to_the_queue_once(link: RedisLink, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dead = _member(other_worker(link, "dead"), tmp_path, timeout=0.2)
    dead.join()
    link.client.hset(link.keys.inflight("dead"), mapping={"1": "-5 request-a", "2": "0 request-b"})
    me = _member(link, tmp_path)
    me.join()
    me.reap_dead()
    assert me.requeued == 0  # its heartbeat is still fresh
    time.sleep(0.3)
    me.reap_dead()
    me.reap_dead()
    assert me.requeued == 2
    assert link.client.zrange(link.keys.requests, 0, -1, withscores=True) == [(b"request-a", -5.0),
                                                                              (b"request-b", 0.0)]
    assert not link.client.exists(link.keys.inflight("dead"))
    assert link.client.smembers(link.keys.workers) == {b"w1"}
    assert me.stats.get_value("health/distributed/requeued") == 2


def test_a_restarted_worker_takes_back_its_own_requests(link: RedisLink, tmp_path) -> None:  # type: ignore[no-untyped-def]
    link.client.hset(link.keys.inflight("w1"), mapping={"7": "0 mine"})  # from its previous life, heartbeat gone
    me = _member(link, tmp_path)
    me.join()
    assert me.requeued == 1 and link.client.zcard(link.keys.requests) == 1


def test_exactly_one_worker_is_the_last_to_leave(link: RedisLink, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first, second = _member(link, tmp_path), _member(other_worker(link, "w2"), tmp_path)
    first.join()
    second.join()
    link.client.hset(link.keys.stored, mapping={"w1": 3, "w2": 4})
    assert first.leave() is None  # w2 is still there
    assert second.leave() == LastWorker(pages_reported=7, workers=["w1", "w2"])
    assert second.leave() is None  # the end of the run is claimed once


def test_a_finished_run_leaves_nothing_in_redis(link: RedisLink, tmp_path) -> None:  # type: ignore[no-untyped-def]
    link.client.set(link.keys.current_run, link.keys.run_id)
    me = _member(link, tmp_path)
    me.join()
    link.client.hset(link.keys.stored, "w1", 2)
    last = me.leave()
    assert last is not None
    me.delete_finished_run(last.workers)
    assert link.client.keys(f"{link.keys.prefix}:*") == []
