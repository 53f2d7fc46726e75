"""scrapy-redis's scheduler and duplicate filter, made safe against a worker being killed.

- Scheduling marks the fingerprint seen and queues the request in one Lua
  script: a SIGKILL between the two can no longer leave a URL "seen" but never
  queued (which plain scrapy-redis can).
- Popping moves the request into the worker's in-flight hash in the same
  script, and sends `request_popped`; the coordinator removes it once the
  request is finished and its page is durably in the `pages` dataset
  (crawler/distributed/inflight.py), and re-queues the hash of a worker whose
  heartbeat stopped (crawler/distributed/membership.py).
- A pop that finds the run's re-queue counter grown (a dead worker's requests put back) says so first
  (`crawler.signals.requests_requeued`): the pages that worker stored before it died are answered from
  disk (IncrementalFetchMiddleware), not fetched and stored a second time.
- Requests are stored as JSON (crawler.distributed.serializer), not pickle.
- Any Redis error stops the worker cleanly (see RedisLink) instead of raising
  into the engine loop.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.distributed.addon import redis_link
from crawler.distributed.link import ENQUEUE, POP, RedisLink, RedisUnavailable
from crawler.distributed.serializer import decode_request, encode_request
from crawler.distributed.signals import request_popped
from crawler.signals import requests_requeued

logger = logging.getLogger(__name__)


class RedisDupeFilter(RFPDupeFilter):
    """scrapy-redis's fingerprint set, shared by all workers of a run, never cleared by a worker.

    Fingerprints are scrapy-redis's (method + canonical URL + body); the crawl
    canonicalises URLs before scheduling (CanonicalUrlMiddleware), so one
    canonical URL is fetched once by the whole crawl.
    """

    def close(self, reason: str = "") -> None:  # scrapy-redis deletes the set here; it belongs to the run
        return None


class RedisScheduler:
    """The shared Redis frontier (scrapy-redis layout: a sorted set by priority and a fingerprint set)."""

    def __init__(self, crawler: Crawler, link: RedisLink) -> None:
        self.crawler = crawler
        self.link = link
        self.stats = crawler.stats
        self.spider: Spider | None = None
        self.df: RedisDupeFilter | None = None
        self._requeued_seen: int | None = None  # the run's re-queue counter at this worker's last pop

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RedisScheduler":
        return cls(crawler, redis_link(crawler))

    def open(self, spider: Spider) -> None:
        self.spider = spider
        keys = self.link.keys
        self.df = RedisDupeFilter(self.link.client, key=keys.dupefilter,
                                  debug=self.crawler.settings.getbool("DUPEFILTER_DEBUG"))
        if self.link.failed:
            return
        try:
            queued = len(self)
        except RedisUnavailable:
            return
        if queued:
            logger.info("joining run %s: %d requests already queued in Redis", keys.run_id, queued)

    def close(self, reason: str) -> None:
        # The queue and fingerprints belong to the whole run (scrapy-redis SCHEDULER_PERSIST): a worker that
        # closes leaves them to the others; the last worker of a finished crawl deletes them.
        return None

    def __len__(self) -> int:
        if self.spider is None or self.link.failed:
            return 0
        try:
            return int(self.link.call("reading the queue length", self.link.client.zcard, self.link.keys.requests))
        except RedisUnavailable:
            return 0

    def has_pending_requests(self) -> bool:
        return len(self) > 0

    def enqueue_request(self, request: Request) -> bool:
        assert self.df is not None
        if self.link.failed:
            return False
        try:
            data = encode_request(request, self.spider)
        except (TypeError, ValueError) as exc:
            logger.error("cannot store %s in Redis, dropped: %s", request, exc)
            self.stats.inc_value("health/distributed/unserializable")
            return False
        fp = self.df.request_fingerprint(request)
        try:
            added = self.link.run_script("scheduling a request", "enqueue", ENQUEUE,
                                         [self.df.key, self.link.keys.requests],
                                         [fp, -request.priority, data, int(bool(request.dont_filter))])
        except RedisUnavailable:
            return False
        if not added:
            self.df.log(request, self.spider)
            self.stats.inc_value("dupefilter/filtered")
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.stats.inc_value("scheduler/enqueued")
        return True

    def next_request(self) -> Request | None:
        if self.spider is None or self.link.failed:
            return None
        keys = self.link.keys
        try:
            popped = self.link.run_script("taking a request from the queue", "pop", POP,
                                          [keys.requests, keys.inflight(self.link.worker_id), keys.seq,
                                           keys.requeued], [])
        except RedisUnavailable:
            return None
        if not popped:
            return None
        token, data, requeued = popped
        requeued = int(requeued)
        if requeued != self._requeued_seen:
            # Before this request reaches the downloader: it may be one the dead worker had stored.
            self._requeued_seen = requeued
            if requeued:
                self.crawler.signals.send_catch_log(signal=requests_requeued)
        token = token.decode() if isinstance(token, bytes) else str(token)
        try:
            request = decode_request(data, self.spider)
        except Exception as exc:  # a foreign or corrupt entry: drop it, do not crash the engine loop
            logger.error("dropped an unreadable request from Redis: %s", exc)
            self.stats.inc_value("health/distributed/unreadable")
            try:
                self.link.call("dropping an unreadable request", self.link.client.hdel,
                               keys.inflight(self.link.worker_id), token)
            except RedisUnavailable:
                pass
            return None
        self.crawler.signals.send_catch_log(signal=request_popped, token=token, request=request)
        self.stats.inc_value("scheduler/dequeued/redis")
        self.stats.inc_value("scheduler/dequeued")
        return request
