"""Extensions: the run manifest, cleaning when the crawl ends, and progress lines."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from cleaning.redact import redact_settings
from cleaning.storage.manifests import RunManifestFile, jsonable
from crawler.config import setting
from crawler.runs import retire_run_id

logger = logging.getLogger(__name__)

CLEANING_REASONS = {"finished", "closespider_itemcount", "closespider_pagecount", "closespider_timeout",
                    "closespider_errorcount"}


class CleanOnClose:
    """Runs the cleaning chain over the run's pages once the crawl ends.

    A crawl stopped by Ctrl-C (reason "shutdown") keeps its pages and is not
    cleaned: resume it with the same JOBDIR, or run `python -m cleaning run`.
    """

    def __init__(self, crawler: Crawler) -> None:
        if not setting(crawler.settings, "HEALTH_CLEAN_ON_CLOSE"):
            raise NotConfigured
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CleanOnClose":
        return cls(crawler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        from cleaning.runner import CleanOptions, clean_from

        stats = self.crawler.stats
        if reason not in CLEANING_REASONS:
            stats.set_value("health/clean/status", f"skipped: crawl ended with {reason}")
            logger.warning("crawl ended with %r: pages are stored; cleaning skipped (resume the crawl or run "
                           "`python -m cleaning run --run-id %s`)", reason, spider.run_id)
            return
        settings = self.crawler.settings
        options = CleanOptions.from_settings(settings)
        try:
            # Later runs (a resumed old run finishing after newer ones) are re-cleaned after it.
            report = clean_from(Path(setting(settings, "OUTPUT_DIR")), spider.run_id, options)[0]
        except Exception as exc:  # recorded as a failed run; pages stay stored for a later re-clean
            logger.exception("cleaning failed for run %s", spider.run_id)
            stats.set_value("health/clean/status", f"failed: {type(exc).__name__}: {exc}")
            return
        stats.set_value("health/clean/status", "ok")
        for key, value in report.counts.items():
            stats.set_value(f"health/clean/{key}", value)
        self.crawler.health_clean_report = report  # type: ignore[attr-defined]


class RunManifest:
    """Writes OUTPUT_DIR/_runs/RUN_ID.json at start (running) and at the end (final status)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.manifest: RunManifestFile | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RunManifest":
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        root = Path(setting(self.crawler.settings, "OUTPUT_DIR"))
        self.manifest = RunManifestFile.open(root, spider.run_id)
        self.manifest.start(
            kind="crawl",
            spider=spider.name,
            site=getattr(spider, "site", ""),
            start_urls=list(getattr(spider, "profile").start_urls),
            scrapyd_job=getattr(spider, "_job", None),
            settings=redact_settings(self.crawler.settings.copy_to_dict()),
        )
        logger.info("run %s: manifest %s", spider.run_id, self.manifest.path)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.manifest is None:
            return
        stats = {k: jsonable(v) for k, v in self.crawler.stats.get_stats().items()}
        report = getattr(self.crawler, "health_clean_report", None)
        # Re-read: clean_run recorded its own section ("cleaning": status, counts, files) meanwhile.
        self.manifest = RunManifestFile.open(self.manifest.path.parent.parent, spider.run_id)
        status, problems = _judge(stats, reason)
        self.crawler.stats.set_value("health/run_status", status)
        if status == "succeeded":
            retire_run_id(self.crawler.settings.get("JOBDIR"), spider.run_id)
        self.manifest.finish(
            status=status,
            problems=problems,
            close_reason=reason,
            crawl_stats=stats,
            failed_urls=getattr(spider, "failed_urls", {}),
        )
        summary = (f"run {spider.run_id} {status}: {stats.get('downloader/response_count', 0)} responses, "
                   f"{stats.get('health/pages/stored', 0)} pages stored, "
                   f"{stats.get('health/clean/articles', 0)} articles written, "
                   f"{stats.get('health/clean/duplicates', 0)} duplicates, "
                   f"{stats.get('health/clean/dropped', 0)} pages dropped "
                   f"{dict(report.dropped_reasons) if report is not None else {}}, "
                   f"{len(getattr(spider, 'failed_urls', {}))} failed URLs; manifest {self.manifest.path}")
        (logger.info if status == "succeeded" else logger.error)(summary)
        try:
            from cleaning.report import render_report

            logger.info("run %s: report %s", spider.run_id, render_report(self.manifest.path.parent.parent, spider.run_id))
        except Exception as exc:  # a report is a convenience; never fail a finished run over it
            logger.error("run %s: could not render the report: %s", spider.run_id, exc)
        for problem in problems:
            logger.error("run %s: %s", spider.run_id, problem)


def _judge(stats: dict[str, Any], reason: str) -> tuple[str, list[str]]:
    problems = []
    if not stats.get("health/pages/stored"):
        problems.append("no page was fetched and stored")
    if stats.get("health/output_error"):
        problems.append(f"output error: {stats['health/output_error']}")
    clean = str(stats.get("health/clean/status", ""))
    if clean.startswith("failed"):
        problems.append(f"cleaning {clean}")
    if reason == "shutdown":
        return "interrupted", problems
    return ("failed" if problems else "succeeded"), problems




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

    def log(self) -> None:
        stats = self.crawler.stats
        minutes = max((time.monotonic() - self._start) / 60, 1e-9)
        pages = stats.get_value("health/pages/stored", 0)
        slot = getattr(self.crawler.engine, "_slot", None)
        queued = len(slot.scheduler) if slot is not None and hasattr(slot.scheduler, "__len__") else "?"
        logger.info("progress: %d pages stored (%.0f/min), %s requests queued, %d in progress",
                    pages, pages / minutes, queued,
                    len(getattr(self.crawler.engine.downloader, "active", ())))

    def spider_closed(self, spider: Spider) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
