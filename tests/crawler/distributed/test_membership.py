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
    twin = _member(other_worker(link, "w1"), tmp_path, timeout=0.3)  # waits the timeout, then gives up
    with pytest.raises(WorkerIdInUse, match="give each worker its own HEALTH_WORKER_ID"):
        twin.join()


def test_a_worker_restarted_after_a_kill_waits_for_its_old_heartbeat_to_lapse(link: RedisLink, tmp_path) -> None:  # type: ignore[no-untyped-def]
    killed = _member(other_worker(link, "w2"), tmp_path, timeout=0.5)
    killed.join()  # and then never renews its heartbeat, as after a SIGKILL
    again = _member(other_worker(link, "w2"), tmp_path, timeout=0.5)
    started = time.monotonic()
    again.join()
    assert again.registered and time.monotonic() - started >= 0.2


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


def test_a_worker_busy_closing_is_not_taken_for_dead(link: RedisLink, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # w2 closes slowly (its reactor waits for downloads and flushes, no tick runs): its heartbeat thread
    # keeps it a member, so w1 leaving before it is not the last and w2 is not reaped.
    first = _member(link, tmp_path, timeout=0.3)
    second = _member(other_worker(link, "w2"), tmp_path, timeout=0.3)
    first.join()
    second.join()
    second.start_heartbeat()
    try:
        time.sleep(0.9)  # three worker timeouts without any tick
        assert first.leave() is None
        assert link.client.sismember(link.keys.workers, "w2")
        assert second.leave() == LastWorker(pages_reported=0, workers=[])
    finally:
        second.stop_heartbeat()
    assert not link.client.exists(link.keys.alive("w2"))  # the thread stopped before leaving: nothing renews it


def test_a_worker_taken_for_dead_registers_again_and_the_last_is_still_the_last(link: RedisLink, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = _member(link, tmp_path)
    slow = _member(other_worker(link, "w2"), tmp_path, timeout=0.2)
    first.join()
    slow.join()
    link.client.hset(link.keys.inflight("w2"), "1", "0 request-a")
    time.sleep(0.3)  # w2 stalled longer than its timeout
    first.reap_dead()
    assert not link.client.sismember(link.keys.workers, "w2") and first.requeued == 1
    slow.heartbeat()  # w2 was only slow: its next heartbeat makes it a member again
    assert link.client.sismember(link.keys.workers, "w2")
    slow.check_rejoined()
    assert slow.stats.get_value("health/distributed/rejoined") == 1
    assert first.leave() is None  # so w1 is not the last while w2 still crawls
    assert slow.leave() is not None


def test_the_last_to_leave_reaps_members_that_died_and_takes_back_their_requests(link: RedisLink, tmp_path) -> None:  # type: ignore[no-untyped-def]
    me = _member(link, tmp_path)
    dead = _member(other_worker(link, "dead"), tmp_path, timeout=0.1)
    me.join()
    dead.join()
    link.client.hset(link.keys.inflight("dead"), "4", "-1 request-d")
    time.sleep(0.2)
    last = me.leave()
    assert last is not None  # the dead member does not keep the run from ending
    assert me.requeued == 1 and link.client.zrange(link.keys.requests, 0, -1) == [b"request-d"]
    assert me.stats.get_value("health/distributed/workers_reaped") == 1
    assert link.client.smembers(link.keys.workers) == set()


def test_workers_leaving_at_once_elect_exactly_one_last(redis_server, link: RedisLink, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import threading

    members = [_member(link if i == 0 else other_worker(link, f"w{i + 1}"), tmp_path) for i in range(8)]
    for m in members:
        m.join()
    results: list[LastWorker | None] = []
    gate = threading.Barrier(len(members))

    def leave(m: Membership) -> None:
        gate.wait()
        results.append(m.leave())

    threads = [threading.Thread(target=leave, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(results) == 8 and sum(r is not None for r in results) == 1
