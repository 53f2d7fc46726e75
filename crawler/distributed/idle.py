"""When a distributed crawl is over: the whole crawl idle for HEALTH_REDIS_IDLE_TIMEOUT seconds.

A worker never closes just because its own engine has nothing to do: other workers may still
discover links. The crawl is idle when the shared queue is empty, no worker has a request in
flight, this worker is idle and no pushed start URL is waiting.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from crawler.distributed.link import RedisLink
from crawler.scrapy_compat import engine_idle, wake_engine

logger = logging.getLogger(__name__)


class IdleWatch:
    def __init__(self, link: RedisLink, idle_timeout: float) -> None:
        self.link = link
        self.idle_timeout = idle_timeout
        self.idle_since: float | None = None

    def crawl_over(self, engine: Any, busy_here: bool) -> bool:
        """True once the whole crawl has been idle for the idle timeout; `busy_here`: this worker has
        requests not yet acknowledged."""
        client, keys = self.link.client, self.link.keys
        queued = int(self.link.call("reading the queue length", client.zcard, keys.requests))
        if queued and not engine.needs_backout():
            wake_engine(engine)  # take work now, not at the engine's next 5-second heartbeat
        busy = queued > 0 or busy_here or not engine_idle(engine)
        if not busy:
            busy = self.anyone_in_flight() or bool(
                self.link.call("reading pushed start URLs", client.llen, keys.start_urls))
        if busy:
            self.idle_since = None
            return False
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
            return False
        if now - self.idle_since < self.idle_timeout:
            return False
        logger.info("the crawl of run %s has been idle for %.1fs (no queued request, none in flight): "
                    "worker %s closes", keys.run_id, now - self.idle_since, self.link.worker_id)
        return True

    def anyone_in_flight(self) -> bool:
        client, keys = self.link.client, self.link.keys
        members = self.link.call("listing workers", client.smembers, keys.workers)

        def lengths() -> list[int]:
            pipe = client.pipeline(transaction=False)
            for m in members:
                pipe.hlen(keys.inflight(m.decode() if isinstance(m, bytes) else str(m)))
            return pipe.execute()

        return any(self.link.call("reading in-flight requests", lengths))
