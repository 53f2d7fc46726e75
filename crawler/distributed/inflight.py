"""This worker's in-flight requests: acknowledged once finished and durably stored.

The scheduler moves every request it pops into the worker's in-flight hash in Redis (and sends
`request_popped`). A request is acknowledged (removed from the hash) once the engine has finished
it (its page reached the pages pipeline, its links the shared frontier) and its page is in a
Parquet file: pages still buffered are flushed after HEALTH_REDIS_ACK_INTERVAL seconds, or at once
when the worker is idle. Until then a killed worker's requests are re-queued (membership.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Set

from scrapy import Request
from scrapy.statscollectors import StatsCollector

from crawler.distributed.link import RedisLink
from crawler.pipelines import PagesPipeline

logger = logging.getLogger(__name__)


class InFlightRequests:
    def __init__(self, link: RedisLink, stats: StatsCollector, ack_interval: float) -> None:
        self.link = link
        self.stats = stats
        self.ack_interval = ack_interval
        self.pages: PagesPipeline | None = None  # set when the spider opens
        self.pending: dict[str, Request] = {}  # popped by this worker, not finished yet
        self.finished: list[tuple[str, float]] = []  # finished (token, when); acknowledged once durable
        self.reported_rows = 0

    @property
    def busy(self) -> bool:
        return bool(self.pending or self.finished)

    def popped(self, token: str, request: Request) -> None:
        """`request_popped` handler."""
        self.pending[token] = request

    def collect_finished(self, in_progress: Set[Request] | None, local_idle: bool) -> None:
        """Moves the requests the engine no longer has in progress to `finished` (all of them when idle)."""
        if in_progress is None and not local_idle:
            return  # cannot tell which are finished: wait for the worker to be idle
        now = time.monotonic()
        for token, request in list(self.pending.items()):
            if local_idle or request not in in_progress:  # type: ignore[operator]
                del self.pending[token]
                self.finished.append((token, now))

    def acknowledge(self, force: bool = False) -> None:
        """Removes finished requests from the in-flight hash once their pages are on disk."""
        if not self.finished:
            return
        if self.pages is not None and self.pages.buffered():
            if not (force or time.monotonic() - self.finished[0][1] >= self.ack_interval):
                return
            try:
                self.pages.flush()
            except Exception as exc:  # the pipeline reports write errors itself at close
                logger.error("could not flush pages to acknowledge finished requests: %s", exc)
                return
        tokens = [t for t, _ in self.finished]
        self.link.call("acknowledging finished requests", self.link.client.hdel,
                       self.link.keys.inflight(self.link.worker_id), *tokens)
        self.finished.clear()
        self.stats.inc_value("health/distributed/acknowledged", len(tokens))

    def report_rows(self) -> None:
        """Adds the pages rows written since the last report to this worker's count in Redis."""
        rows = self.pages.rows_written if self.pages is not None else 0
        if rows > self.reported_rows:
            self.link.call("reporting stored pages", self.link.client.hincrby, self.link.keys.stored,
                           self.link.worker_id, rows - self.reported_rows)
            self.reported_rows = rows
