"""A worker's membership of a distributed run: joining, its heartbeat, re-queueing dead workers' requests,
leaving, and which worker is the last to leave.

A worker's heartbeat key expires HEALTH_REDIS_WORKER_TIMEOUT seconds after the worker stops renewing it
(SIGKILL, power cut); the next live worker to notice puts the dead worker's in-flight requests back
into the queue (one Lua script, crawler/distributed/link.py): nothing a dead worker had taken is lost,
and what it had durably stored is not fetched again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from scrapy.statscollectors import StatsCollector

from crawler.distributed.link import DELETE_IF, RedisLink, RedisUnavailable

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

    @property
    def worker(self) -> str:
        return self.link.worker_id

    def join(self) -> None:
        """Registers this worker; WorkerIdInUse if a live worker has its id (RedisUnavailable if Redis fails)."""
        client, keys = self.link.client, self.link.keys
        if self.link.call("checking the worker id", client.exists, keys.alive(self.worker)):
            raise WorkerIdInUse(f"worker id {self.worker!r} is in use by a live worker of run {keys.run_id}: give "
                                "each worker its own HEALTH_WORKER_ID (or leave it unset)")
        # A worker restarted under the same id takes back what its previous life had in flight.
        self._note_requeued(self.link.reap(self.worker), self.worker)
        self.heartbeat("registering the worker")
        self.link.call("registering the worker", client.sadd, keys.workers, self.worker)
        self.registered = True

    def heartbeat(self, doing: str = "renewing the heartbeat") -> None:
        self.link.call(doing, self.link.client.set, self.link.keys.alive(self.worker), "1", px=self.ttl_ms)

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
        """Deregisters; the last worker of the run (exactly one) gets what every worker reported storing."""
        client, keys = self.link.client, self.link.keys
        remaining = self.link.leave()
        self.link.call("leaving the crawl", client.delete, keys.alive(self.worker))
        if remaining:
            self.reap_dead()  # workers that died idle never leave by themselves
            remaining = int(self.link.call("counting workers", client.scard, keys.workers))
        if remaining:
            logger.info("worker %s left run %s; %d other worker(s) still registered", self.worker, keys.run_id,
                        remaining)
            return None
        if not self.link.call("claiming the end of the run", client.set, keys.key("closer"), self.worker,
                              nx=True, ex=86400):
            return None
        stored = self.link.call("reading stored pages", client.hgetall, keys.stored)
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
