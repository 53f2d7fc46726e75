"""Extensions: the run manifest (and the run's end), and progress lines."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from cleaning.storage.manifests import RunManifestFile
from crawler.config import setting
from crawler.run_end import RunTotals, end_run, run_fields
from crawler.run_verdict import HANDLED_WITHOUT_STORING
from crawler.runs import RunContext, require_run
from crawler.scrapy_compat import downloads_in_progress

logger = logging.getLogger(__name__)


class RunManifest:
    """Writes OUTPUT_DIR/_runs/RUN_ID.json when the crawl starts (status running), and ends the run when
    it closes (crawler/run_end.py): clean its pages, judge it, finish the manifest, render the report.

    A crawl stopped by one Ctrl-C or SIGTERM (reason "shutdown") is cleaned as far as it got and is
    `partial`; a second signal stops it by force, uncleaned and `interrupted` (crawler/interrupts.py):
    the same command with the same JOBDIR resumes either. A distributed crawl replaces this extension with
    crawler.distributed.coordinator.Coordinator, which ends the run the same way in its last worker.
    """

    def __init__(self, crawler: Crawler) -> None:
        require_run(crawler)
        self.crawler = crawler
        self.manifest: RunManifestFile | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RunManifest":
        return cls(crawler)

    @property
    def run_id(self) -> str:
        return RunContext.of(self.crawler).run_id

    def spider_opened(self, spider: Spider) -> None:
        self.manifest = RunManifestFile.open(Path(setting(self.crawler.settings, "OUTPUT_DIR")), self.run_id)
        self.manifest.start(**run_fields(self.crawler, spider))
        logger.info("run %s: manifest %s", self.run_id, self.manifest.path)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.manifest is None:
            return
        totals = RunTotals.of_crawl(self.crawler.stats, getattr(spider, "failed_urls", {}))
        end_run(self.crawler, self.run_id, reason, totals)




class Progress:
    """Logs progress every HEALTH_PROGRESS_INTERVAL seconds: pages stored, the rate overall and lately,
    what remains queued and in progress, and, where sitemaps gave the number of articles, about how long
    is left. Without a sitemap the total is unknown (links are found as pages are read): no estimate."""

    def __init__(self, crawler: Crawler, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.crawler = crawler
        self.interval = interval
        self.clock = clock
        self._task: task.LoopingCall | None = None
        self._start = clock()
        self._last: tuple[float, int] = (self._start, 0)  # (when, pages stored) at the last line
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "Progress":
        interval = setting(crawler.settings, "HEALTH_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        return cls(crawler, interval)

    def spider_opened(self, spider: Spider) -> None:
        self._start = self.clock()
        self._last = (self._start, 0)
        self._task = task.LoopingCall(self.log)
        self._task.start(self.interval, now=False)

    def line(self) -> str:
        engine = self.crawler.engine
        stats = self.crawler.stats
        now = self.clock()
        pages = int(stats.get_value("health/pages/stored", 0))
        rate = pages / max((now - self._start) / 60, 1e-9)
        then, pages_then = self._last
        recent = (pages - pages_then) / max((now - then) / 60, 1e-9) if now > then else rate
        self._last = (now, pages)
        scheduler = engine.scheduler
        queued = len(scheduler) if hasattr(scheduler, "__len__") else None  # Scrapy's scheduler has one
        active = downloads_in_progress(engine)
        text = (f"progress: {pages} pages stored ({rate:.0f}/min, {recent:.0f}/min lately), "
                f"{'?' if queued is None else queued} requests queued, {active} in progress")
        listed = int(stats.get_value("health/sitemap/urls", 0))
        if listed:
            done = int(stats.get_value("health/pages/kind/article", 0)) + sum(
                int(stats.get_value(key, 0)) for key in HANDLED_WITHOUT_STORING)
            # The sitemap's articles not yet done, or what is queued if more (listings, links found).
            left = max(listed - done, (queued or 0) + active, 0)
            speed = recent or rate
            eta = f"about {_minutes(left / speed)} to go" if speed else "no estimate yet"
            text += f"; sitemaps list {listed} articles, {min(done, listed)} done: {eta}"
        return text

    def log(self) -> None:
        logger.info("%s", self.line())

    def spider_closed(self, spider: Spider) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()


def _minutes(minutes: float) -> str:
    if minutes < 1.5:
        return f"{max(minutes * 60, 1):.0f} s"
    return f"{minutes:.0f} min" if minutes < 90 else f"{minutes / 60:.1f} h"
