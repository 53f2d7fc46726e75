"""Extensions: the run manifest (and the run's end), and progress lines."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from cleaning.storage.manifests import RunManifestFile
from crawler.config import setting
from crawler.run_end import RunTotals, end_run, run_fields
from crawler.runs import RunContext, require_run

logger = logging.getLogger(__name__)


class RunManifest:
    """Writes OUTPUT_DIR/_runs/RUN_ID.json when the crawl starts (status running), and ends the run when
    it closes (crawler/run_end.py): clean its pages, judge it, finish the manifest, render the report.

    A crawl stopped by Ctrl-C (reason "shutdown") keeps its pages and is not cleaned: resume it with
    the same JOBDIR, or run `python -m cleaning run`. A distributed crawl replaces this extension with
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
    """Logs progress every HEALTH_PROGRESS_INTERVAL seconds: rates and what remains queued."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self._task: task.LoopingCall | None = None
        self._start = 0.0
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "Progress":
        interval = setting(crawler.settings, "HEALTH_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        return cls(crawler, interval)

    def spider_opened(self, spider: Spider) -> None:
        self._start = time.monotonic()
        self._task = task.LoopingCall(self.log)
        self._task.start(self.interval, now=False)

    def line(self) -> str:
        engine = self.crawler.engine
        pages = self.crawler.stats.get_value("health/pages/stored", 0)
        minutes = max((time.monotonic() - self._start) / 60, 1e-9)
        scheduler = engine.scheduler
        queued = len(scheduler) if hasattr(scheduler, "__len__") else "?"  # Scrapy's scheduler has one
        return (f"progress: {pages} pages stored ({pages / minutes:.0f}/min), {queued} requests queued, "
                f"{len(engine.downloader.active)} in progress")

    def log(self) -> None:
        logger.info("%s", self.line())

    def spider_closed(self, spider: Spider) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
