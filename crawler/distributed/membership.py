"""A worker's membership of a distributed run: joining, its heartbeat, re-queueing dead workers' requests,
leaving, and which worker is the last to leave.

A worker's heartbeat key expires HEALTH_REDIS_WORKER_TIMEOUT seconds after the worker stops renewing it
(SIGKILL, power cut); the next live worker to notice puts the dead worker's in-flight requests back
into the queue (one Lua script, crawler/distributed/link.py): nothing a dead worker had taken is lost,
and what it had durably stored is not fetched again.

The heartbeat is renewed by a thread of its own, not by the reactor: a worker whose reactor is busy for a
few seconds (a loaded machine, a pages flush, closing: waiting for downloads, flushing, cleaning helpers)
is alive, and must not be taken for dead, which would re-queue requests it is still fetching and let
another worker believe it is the last. The thread stops only when the worker leaves.

End-of-run protocol: a worker first writes its own manifest, then leaves with one atomic script (LEAVE in
link.py) that removes it, reaps members whose heartbeat expired, and tells it whether the set is now
empty; the one that empties it is the last and ends the run, after every other worker's manifest is final.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from scrapy.statscollectors import StatsCollector

from crawler.distributed.link import DELETE_IF, Departure, RedisLink, RedisUnavailable

logger = logging.getLogger(__name__)


class WorkerIdInUse(RuntimeError):
    """A live worker of the run already has this worker id."""


@dataclass(frozen=True)
class LastWorker:
    """What the last worker of a run learns when it leaves: the pages rows each worker reported storing."""

    pages_reported: int
    workers: list[str]


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class Membership:
    def __init__(self, link: RedisLink, stats: StatsCollector, worker_timeout: float) -> None:
        self.link = link
        self.stats = stats
        self.ttl_ms = int(worker_timeout * 1000)
        self.requeued = 0  # requests of dead workers this worker put back in the queue
        self.registered = False
        self._beating: threading.Thread | None = None
        self._stop_beating = threading.Event()
        self._rejoined = 0  # times the heartbeat found this worker taken for dead (read by check_rejoined)
        self._rejoined_seen = 0

    @property
    def worker(self) -> str:
        return self.link.worker_id

    def join(self) -> None:
        """Registers this worker; WorkerIdInUse if a live worker has its id (RedisUnavailable if Redis fails)."""
        client, keys = self.link.client, self.link.keys
        # A worker restarted right after a kill finds its previous life's heartbeat still there: a dead
        # worker's expires within the timeout, a live worker's is renewed and never does.
        deadline, said = time.monotonic() + self.ttl_ms / 1000 + 1.0, False
        while self.link.call("checking the worker id", client.exists, keys.alive(self.worker)):
            if time.monotonic() > deadline:
                raise WorkerIdInUse(f"worker id {self.worker!r} is in use by a live worker of run {keys.run_id}: "
                                    "give each worker its own HEALTH_WORKER_ID (or leave it unset)")
            if not said:
                logger.info("worker id %r has a fresh heartbeat: waiting up to %.0f s for it to lapse (this "
                            "worker's previous life, if it was killed)", self.worker, self.ttl_ms / 1000 + 1.0)
                said = True
            time.sleep(min(0.5, self.ttl_ms / 4000))
        # A worker restarted under the same id takes back what its previous life had in flight.
        self._note_requeued(self.link.reap(self.worker), self.worker)
        self.heartbeat("registering the worker")
        self.registered = True

    def heartbeat(self, doing: str = "renewing the heartbeat") -> None:
        """Renews the heartbeat now (and registers this worker again if it had been taken for dead)."""
        if self.link.call(doing, self.link.heartbeat, self.ttl_ms) and self.registered:
            self._rejoined += 1

    def start_heartbeat(self) -> None:
        """Renews the heartbeat from a thread, every quarter of the worker timeout, until the worker leaves."""
        if self._beating is not None:
            return
        interval = max(0.05, min(1.0, self.ttl_ms / 4000))
        self._stop_beating.clear()
        self._beating = threading.Thread(target=self._beat, args=(interval,), name=f"heartbeat-{self.worker}",
                                         daemon=True)
        self._beating.start()

    def _beat(self, interval: float) -> None:
        import redis

        while not self._stop_beating.wait(interval):
            try:
                if self.link.failed:
                    return  # the reactor reports the failure and stops the worker
                if self.link.heartbeat(self.ttl_ms):
                    self._rejoined += 1
            except redis.RedisError as exc:  # the reactor's next Redis call fails and stops the worker
                logger.debug("heartbeat of worker %s failed: %s", self.worker, exc)
            except Exception:  # a thread that died would get a live worker reaped: keep beating
                logger.exception("heartbeat of worker %s failed", self.worker)

    def stop_heartbeat(self) -> None:
        """Stops the heartbeat thread (before leaving, so it cannot register the worker again)."""
        self._stop_beating.set()
        if self._beating is not None:
            self._beating.join(timeout=30)  # a beat in progress ends within the client's timeouts
            self._beating = None

    def check_rejoined(self) -> None:
        """Says, from the reactor, that this worker was taken for dead (its requests re-queued) and is back."""
        new = self._rejoined - self._rejoined_seen
        if new > 0:
            self._rejoined_seen += new
            self.stats.inc_value("health/distributed/rejoined", new)
            logger.warning("worker %s had been taken for dead (no heartbeat for %.1fs): it is registered again; "
                           "requests it had in flight were re-queued and may be fetched twice", self.worker,
                           self.ttl_ms / 1000)

    def reap_dead(self) -> None:
        """Re-queues the in-flight requests of every worker whose heartbeat expired."""
        for member in self.link.call("listing workers", self.link.client.smembers, self.link.keys.workers):
            other = _text(member)
            if other != self.worker:
                self._note_requeued(self.link.reap(other), other)

    def _note_requeued(self, n: int, worker: str) -> None:
        if n > 0:
            self.requeued += n
            self.stats.inc_value("health/distributed/requeued", n)
            logger.warning("worker %s stopped sending heartbeats: re-queued the %d requests it had in flight",
                           worker, n)
        if n >= 0 and worker != self.worker:
            self.stats.inc_value("health/distributed/workers_reaped")

    def leave(self) -> LastWorker | None:
        """Deregisters, atomically (LEAVE): the last worker of the run (exactly one, once every other member
        has left or died) gets what every worker reported storing."""
        self.stop_heartbeat()
        departure: Departure = self.link.leave()
        self.registered = False
        if departure.requeued:
            self.requeued += departure.requeued
            self.stats.inc_value("health/distributed/requeued", departure.requeued)
        for _ in departure.reaped:
            self.stats.inc_value("health/distributed/workers_reaped")
        if departure.reaped or departure.requeued:
            logger.warning("worker %s left run %s: workers found dead %s; %d request(s) re-queued for a later "
                           "crawl of the run", self.worker, self.link.keys.run_id, departure.reaped or "none",
                           departure.requeued)
        if not departure.last:
            if departure.remaining:
                logger.info("worker %s left run %s; %d other worker(s) still registered", self.worker,
                            self.link.keys.run_id, departure.remaining)
            return None
        stored = self.link.call("reading stored pages", self.link.client.hgetall, self.link.keys.stored)
        return LastWorker(sum(int(v) for v in stored.values()), sorted(_text(k) for k in stored))

    def delete_finished_run(self, workers: list[str]) -> None:
        """The last worker of a finished crawl leaves nothing in Redis: the next crawl starts a new run."""
        client, keys = self.link.client, self.link.keys
        try:
            if self.link.call("reading the queue length", client.zcard, keys.requests):
                return  # someone pushed work meanwhile: leave it for the workers that take it
            self.link.call("deleting the finished run", client.delete,
                           *keys.run_keys(sorted(set(workers) | {self.worker})), keys.key("closer"))
            self.link.run_script("ending the run", "delete_if", DELETE_IF, [keys.current_run], [keys.run_id])
        except RedisUnavailable:
            pass
