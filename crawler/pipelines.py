"""Item pipelines: thin adapters from Scrapy items to the datasets."""

from __future__ import annotations

import logging
import secrets
import time
from pathlib import Path

from scrapy import Spider
from scrapy.crawler import Crawler

from scrapy.utils.defer import deferred_from_coro

from cleaning.storage.datasets import OutputError, PartitionedWriter, ensure_writable
from cleaning.storage.pandas_probe import answer_pandas_probe
from crawler.config import setting
from crawler.items import PageItem
from crawler.runs import RunContext, require_run
from crawler.signals import pages_written

logger = logging.getLogger(__name__)


class PagesPipeline:
    """Writes every fetched page, raw, to the `pages` dataset.

    Pages are flushed every HEALTH_PAGES_FLUSH_ITEMS items (and at close), so a
    killed crawl loses at most that many fetches, which a resumed crawl
    re-fetches because they never reached the ledger. A distributed worker finds
    it with `crawler.get_item_pipeline(PagesPipeline)` to flush before it
    acknowledges finished requests (crawler/distributed/inflight.py).
    """

    def __init__(self, crawler: Crawler) -> None:
        require_run(crawler)  # `scrapy parse` and friends show items; only a crawl stores them
        self.crawler = crawler
        self.root = Path(setting(crawler.settings, "OUTPUT_DIR"))
        self.flush_items = setting(crawler.settings, "HEALTH_PAGES_FLUSH_ITEMS")
        self.writer: PartitionedWriter | None = None
        self._last_flush = time.monotonic()
        self._announced = 0  # writer.files already sent with the pages_written signal

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "PagesPipeline":
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        ensure_writable(self.root)
        # Now that every pipeline of the crawl is loaded: one of the user's that imports pandas keeps pyarrow's probe
        answer_pandas_probe()
        # A tag per process: several workers (or attempts) of one run never write the same file name.
        tag = setting(self.crawler.settings, "HEALTH_WORKER_ID") or f"crawl{secrets.token_hex(3)}"
        self.writer = PartitionedWriter(self.root, "pages", RunContext.of(self.crawler).run_id, tag=tag,
                                        rows_per_file=self.flush_items)

    def process_item(self, item: PageItem, spider: Spider | None = None) -> PageItem:
        assert self.writer is not None
        row = dict(item)
        row["run_id"] = self.writer.run_id
        try:
            self.writer.write(row, partition=row["fetched_at"].date().isoformat())
            # A slow crawl still reaches disk regularly, not only every N items.
            if time.monotonic() - self._last_flush > 30:
                self.flush()
            self._announce()
        except OutputError as exc:
            self._stop(exc)
        self._count_stored()
        self.crawler.stats.inc_value(f"health/pages/kind/{row.get('kind') or 'unknown'}")  # progress estimates
        return item

    def buffered(self) -> int:
        """Pages fetched and not yet in a file."""
        return self.writer.buffered() if self.writer is not None else 0

    @property
    def rows_written(self) -> int:
        """Pages durably in files so far."""
        return self.writer.rows_written if self.writer is not None else 0

    def flush(self) -> None:
        """Writes the buffered pages now (OutputError if they cannot be written; they stay buffered)."""
        if self.writer is not None:
            self.writer.flush()
            self._count_stored()
            self._announce()
        self._last_flush = time.monotonic()

    def _count_stored(self) -> None:
        # "stored" means rows durably in a part file, counted once: a page still buffered (or lost to a
        # failed write) is not stored, and the run's totals must equal the rows in pages/.
        if self.writer is not None:
            self.crawler.stats.set_value("health/pages/stored", self.writer.rows_written)

    def _announce(self) -> None:
        """Tells who listens (cleaning while crawling, crawler/prepare.py) which part files are complete."""
        assert self.writer is not None
        new = self.writer.files[self._announced:]
        if new:
            self._announced = len(self.writer.files)
            self.crawler.signals.send_catch_log(signal=pages_written, paths=[self.root / f for f in new])

    def _stop(self, exc: OutputError) -> None:
        """Fetching on while pages cannot be stored would only lose them: stop the crawl."""
        if self.crawler.stats.get_value("health/output_error"):
            return
        self.crawler.stats.set_value("health/output_error", str(exc))
        logger.error("stopping the crawl: %s (pages already written stay readable)", exc)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="output_error"))

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.writer is None:
            return
        try:
            self.writer.flush()
        except OutputError as exc:
            self.crawler.stats.set_value("health/output_error", str(exc))
            logger.error("%d fetched pages could not be stored: %s", self.writer.buffered(), exc)
        self._count_stored()
        self._announce()
        self.crawler.stats.set_value("health/pages/files", len(self.writer.files))
