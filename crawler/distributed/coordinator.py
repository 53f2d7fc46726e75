"""What one worker of a distributed crawl does besides fetching: the `Coordinator` extension.

A thread renews the worker's heartbeat from join to leave (membership.py). Every tick (about a
second) a worker
- re-queues the in-flight requests of workers whose heartbeat expired (membership.py);
- acknowledges the requests it finished whose pages are durably written (inflight.py);
- takes start URLs pushed to PREFIX:start_urls (start_urls.py);
- closes (reason "finished") once the whole crawl has been idle for HEALTH_REDIS_IDLE_TIMEOUT
  seconds (idle.py).

At close each worker writes OUTPUT_DIR/_runs/RUN_ID.workers/WORKER.json (manifests.py), and only
then leaves the run (one atomic Redis script, so exactly one worker learns it is the last, and every
other worker's manifest is final by then). The last worker to leave the run ends it the way a
single-machine crawl ends (crawler/run_end.py), over the totals of every worker: when HEALTH_CLEAN_ON_CLOSE is on and OUTPUT_DIR holds the pages of every
worker (shared storage), it cleans the run once over the merged pages, so dedup sees every
worker's pages; otherwise it says which command does that merge step. A finished crawl then
leaves nothing in Redis.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from cleaning.redact import redact_settings
from cleaning.storage.manifests import RunManifestFile
from crawler.config import setting
from crawler.distributed import signals as distributed_signals
from crawler.distributed.addon import redis_link
from crawler.distributed.idle import IdleWatch
from crawler.distributed.inflight import InFlightRequests
from crawler.distributed.link import RedisUnavailable
from crawler.distributed.manifests import end_distributed_run, finish_worker_manifest, worker_manifest
from crawler.distributed.membership import LastWorker, Membership, WorkerIdInUse
from crawler.distributed.start_urls import PushedStartUrls
from crawler.pipelines import PagesPipeline
from crawler.scrapy_compat import engine_idle, requests_in_progress

logger = logging.getLogger(__name__)

REDIS_UNAVAILABLE = "redis_unavailable"
COORDINATION_FAILED = "coordination_failed"
WORKER_ID_IN_USE = "worker_id_in_use"


class Coordinator:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.link = redis_link(crawler)
        settings = crawler.settings
        self.root = Path(setting(settings, "OUTPUT_DIR"))
        worker_timeout = setting(settings, "HEALTH_REDIS_WORKER_TIMEOUT")
        self.tick_interval = min(1.0, max(0.2, worker_timeout / 4))
        self.membership = Membership(self.link, crawler.stats, worker_timeout)
        self.in_flight = InFlightRequests(self.link, crawler.stats, setting(settings, "HEALTH_REDIS_ACK_INTERVAL"))
        self.idle = IdleWatch(self.link, setting(settings, "HEALTH_REDIS_IDLE_TIMEOUT"))
        self.start_urls = PushedStartUrls(crawler, self.link)
        self.closing = False  # this worker decided to close (finished, or Redis failed)
        self.closed = False  # spider_closed has started
        self.manifest: RunManifestFile | None = None
        self._loop: task.LoopingCall | None = None
        crawler.signals.connect(self.in_flight.popped, signal=distributed_signals.request_popped)
        crawler.signals.connect(self.redis_failed, signal=distributed_signals.redis_failed)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "Coordinator":
        return cls(crawler)

    @property
    def worker(self) -> str:
        return self.link.worker_id

    @property
    def run_id(self) -> str:
        return self.link.keys.run_id

    # --- open ------------------------------------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        self.manifest = worker_manifest(self.root, self.run_id, self.worker)
        self.manifest.start(kind="crawl-worker", worker=self.worker, spider=spider.name,
                            site=getattr(spider, "site", ""), redis=self.link.display_url,
                            settings=redact_settings(self.crawler.settings.copy_to_dict()))
        if self.link.failed:
            self.closing = True
            raise CloseSpider(REDIS_UNAVAILABLE)
        try:
            self.membership.join()
        except WorkerIdInUse as exc:
            logger.error("%s", exc)
            self.closing = True
            raise CloseSpider(WORKER_ID_IN_USE) from None
        except RedisUnavailable:
            self.closing = True
            raise CloseSpider(REDIS_UNAVAILABLE) from None
        self.membership.start_heartbeat()
        self.in_flight.pages = self.crawler.get_item_pipeline(PagesPipeline)
        logger.info("worker %s joined run %s on %s (frontier %s; idle timeout %.1fs, worker timeout %.1fs)",
                    self.worker, self.run_id, self.link.display_url, self.link.keys.requests,
                    self.idle.idle_timeout, self.membership.ttl_ms / 1000)
        self._loop = task.LoopingCall(self.tick)
        self._loop.start(self.tick_interval, now=False).addErrback(
            lambda f: logger.error("distributed tick failed: %s", f.getTraceback()))

    # --- every tick ------------------------------------------------------------------------------

    def tick(self) -> None:
        if self.closing or self.closed or self.link.failed:
            return
        try:
            self.membership.check_rejoined()
            engine = self.crawler.engine
            local_idle = engine_idle(engine)
            self.in_flight.collect_finished(requests_in_progress(engine), local_idle)
            self.in_flight.acknowledge(force=local_idle)
            self.in_flight.report_rows()
            self.membership.reap_dead()
            self.start_urls.feed(engine)
            if self.idle.crawl_over(engine, self.in_flight.busy):
                self._close("finished")
        except RedisUnavailable:
            return
        except Exception as exc:  # a worker whose coordination broke must stop, not wait for ever
            logger.exception("distributed coordination failed in worker %s; it stops", self.worker)
            self.crawler.stats.set_value("health/distributed/error", f"{type(exc).__name__}: {exc}")
            self._close(COORDINATION_FAILED)

    def _close(self, reason: str) -> None:
        if self.closed:
            return
        self.closing = True
        d = deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))
        d.addErrback(lambda f: logger.error("closing the worker failed: %s", f.getTraceback()))

    def redis_failed(self, message: str) -> None:
        self.crawler.stats.set_value("health/distributed/error", message)
        if self.membership.registered and not self.closed:
            self._close(REDIS_UNAVAILABLE)

    def spider_idle(self, spider: Spider) -> None:
        # The worker closes when the whole crawl is idle (see tick), not when its own engine is.
        if not (self.closing or self.link.failed):
            raise DontCloseSpider

    # --- close -----------------------------------------------------------------------------------

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.closed = True
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        try:
            status, last = self._leave(spider, reason)
        finally:
            self.membership.stop_heartbeat()
        if last is not None:
            status = end_distributed_run(self.crawler, spider, self.link, reason, last)
            if reason == "finished":
                self.membership.delete_finished_run(last.workers)
        self.crawler.stats.set_value("health/run_status", status)

    def _leave(self, spider: Spider, reason: str) -> tuple[str, LastWorker | None]:
        """Finishes this worker's manifest, then leaves the run: in that order, so the last worker, which
        merges every manifest, never reads one still being written (the heartbeat keeps this worker a
        member until it has left). Returns this worker's status, and what the last worker learns."""
        leaving = self.membership.registered and not self.link.failed
        if leaving:
            try:
                self.in_flight.collect_finished(None, local_idle=True)  # the engine waited for all
                self.in_flight.acknowledge(force=True)
                self.in_flight.report_rows()
                self.membership.check_rejoined()
            except RedisUnavailable:
                leaving = False
        stats = self.crawler.stats
        stats.set_value("health/distributed/worker", self.worker)
        status, problems = self._judge_worker(reason)
        if self.manifest is not None:
            finish_worker_manifest(self.manifest, self.crawler.stats, spider, reason, status, problems,
                                   self.membership.requeued)
        if not leaving:
            return status, None
        try:
            return status, self.membership.leave()
        except RedisUnavailable:
            return status, None

    def _judge_worker(self, reason: str) -> tuple[str, list[str]]:
        stats = self.crawler.stats
        if self.link.failed:
            return "failed", [self.link.failure or "Redis unavailable"]
        if reason == WORKER_ID_IN_USE:
            return "failed", [f"worker id {self.worker} is in use by a live worker"]
        if reason == COORDINATION_FAILED:
            return "failed", [f"coordination failed: {stats.get_value('health/distributed/error')}"]
        if stats.get_value("health/output_error"):
            return "failed", [f"output error: {stats.get_value('health/output_error')}"]
        if reason == "shutdown":
            # A graceful stop: this worker's pages are stored and what it had not fetched stays in the
            # run's frontier for the other workers (or the same command run again).
            received = stats.get_value("health/interrupt/signals") or "a signal"
            return "partial", [(f"shutdown: this worker was stopped by {received}; the requests it had not "
                                "fetched stay in the run's frontier for the other workers")]
        return "succeeded", []

    def forced_stop(self, spider: Spider) -> None:
        """A second signal stopped the reactor before spider_closed: this worker's manifest says so (the
        run's manifest is the last worker's to write; this worker's requests go back to the frontier once
        its heartbeat lapses)."""
        self.membership.stop_heartbeat()
        if self.manifest is not None and self.manifest.data.get("status") == "running":
            finish_worker_manifest(self.manifest, self.crawler.stats, spider, "shutdown", "interrupted",
                                   [("stopped at once by a second signal; its unfinished requests go back to "
                                     "the run's frontier when its heartbeat lapses")], self.membership.requeued)
