"""Cleaning while crawling: the first cleaning steps run on pages as soon as they are on disk.

`PrepareWhileCrawling` (an extension) hands every pages part file the crawl writes to background worker
processes (cleaning/preparer.py), which extract, detect the language and fingerprint its pages, and warm
the grammar cache, while the crawl goes on fetching; when the crawl ends, it waits for them, and the
run's cleaning (crawler/run_end.py) takes their results instead of computing them again. Wall time then
approaches the longer of fetching and cleaning, not their sum. With HEALTH_CLEAN_ON_CLOSE or
HEALTH_CLEAN_WHILE_CRAWLING off it does nothing; if it fails, cleaning does the work itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.conf import build_component_list

from crawler.config import setting
from crawler.interrupts import Interrupts
from crawler.runs import RunContext, records_run, require_run
from crawler.signals import pages_written

logger = logging.getLogger(__name__)


# Helpers the crawl command started before the crawler existed (`prestart`), for the extension to take.
_PRESTARTED: list[Any] = []


def _wanted(settings: Any) -> bool:
    return bool(setting(settings, "HEALTH_CLEAN_ON_CLOSE") and setting(settings, "HEALTH_CLEAN_WHILE_CRAWLING"))


def _helpers_wanted(settings: Any) -> tuple[int, int]:
    """(the run's cleaning workers, the preparing helpers beside the crawl)."""
    from cleaning.options import CleanOptions

    cleaning_workers = CleanOptions.from_settings(settings).workers or os.cpu_count() or 1
    return cleaning_workers, max(1, cleaning_workers - 1)  # one core stays with the crawl itself


def prestart(settings: Any) -> None:
    """Starts the helpers now, from the crawl command, if the extension will want them: their imports and models
    (~1.5 s of CPU) then overlap Scrapy's start-up (~0.4 s of one core otherwise idle) instead of beginning when
    the spider opens. Helpers nobody takes (the extension left out, other settings) end with `discard_prestarted`."""
    if not (records_run(settings) and _wanted(settings) and _enabled(settings)):
        return
    from cleaning.helper_pool import HelperPool
    from cleaning.preparer import preload

    pool = None
    try:
        pool = HelperPool(_helpers_wanted(settings)[1], preload)
        pool.start()
    except Exception as exc:  # noqa: BLE001 - the extension tries again when the spider opens, and says why
        if pool is not None:
            pool.stop()
        logger.debug("cleaning while crawling: helpers not started with the command: %s", exc)
        return
    _PRESTARTED.append(pool)


def _enabled(settings: Any) -> bool:
    """Whether EXTENSIONS (with its base) keeps this extension in. Read by name, not by loading every extension
    (Scrapy's remote control imports aiohttp: ~0.15 s that would delay the helpers' start)."""
    name = f"{__name__}.{PrepareWhileCrawling.__name__}"
    return any(c == name if isinstance(c, str) else c is PrepareWhileCrawling
               for c in build_component_list(settings.getwithbase("EXTENSIONS")))


def discard_prestarted() -> None:
    while _PRESTARTED:
        _PRESTARTED.pop().stop()


def _take_prestarted(workers: int) -> Any:
    pool = _PRESTARTED.pop() if _PRESTARTED else None
    discard_prestarted()
    if pool is not None and pool.size != workers:
        pool.stop()  # started for other settings (a spider's own): new ones are
        return None
    return pool


class PrepareWhileCrawling:
    def __init__(self, crawler: Crawler) -> None:
        require_run(crawler)
        if not _wanted(crawler.settings):
            raise NotConfigured
        self.crawler = crawler
        self.preparer: Any = None
        self.keep_helpers = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.pages_written, signal=pages_written)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "PrepareWhileCrawling":
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        from cleaning.flow import cleaning_steps
        from cleaning.prepared import PreparedPages, first_segment
        from cleaning.preparer import Preparer
        from cleaning.runner import CleanOptions
        from cleaning.steps import FixGrammar
        from cleaning.storage.datasets import dataset_files

        root = Path(setting(self.crawler.settings, "OUTPUT_DIR"))
        run_id = RunContext.of(self.crawler).run_id
        options = CleanOptions.from_settings(self.crawler.settings)
        # The very steps the run's cleaning will run (cleaning/flow.py): results are interchangeable.
        steps = cleaning_steps(root, run_id, root / "_staging" / run_id, options)
        segment = first_segment(steps)
        grammar = next((s for s in steps if isinstance(s, FixGrammar)), None)
        if grammar is not None and not grammar.can_warm_elsewhere():
            grammar = None  # a local LanguageTool starts with the cleaning; warming it up here would start two
        cleaning_workers, workers = _helpers_wanted(self.crawler.settings)
        # The run's cleaning borrows the helpers once the files are done, unless it cleans in one process.
        self.keep_helpers = cleaning_workers > 1
        pool = _take_prestarted(workers)
        logger.debug("cleaning while crawling: %d helper(s) %s", workers,
                     "started by the crawl command, given the run's steps" if pool is not None else "starting")
        self.preparer = Preparer(PreparedPages(root, run_id, segment), steps[0], segment, grammar, workers, pool=pool)
        for path in dataset_files(root, "pages", run_id):  # a resumed run: what the killed attempt stored
            self.preparer.submit(path)
        # Now, not with the first part file: the helpers' imports and models (seconds of CPU) then overlap
        # the crawl's start instead of adding to the backlog they have when it ends.
        self.preparer.start()

    def pages_written(self, paths: list[Path]) -> None:
        if self.preparer is not None:
            for path in paths:
                self.preparer.submit(path)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.preparer is None:
            return
        interrupts = Interrupts.of(self.crawler)
        if interrupts is not None and interrupts.forced:
            # Stopped by force: no cleaning follows. What was prepared stays on disk for the resume.
            self.preparer.stop()
            return
        interval = setting(self.crawler.settings, "HEALTH_PROGRESS_INTERVAL")
        # After one Ctrl-C too: the helpers ignore it (cleaning/preparer.py), and their work is the run's
        # cleaning's. A signal during the wait stops it at once, as during the cleaning (crawler/interrupts.py).
        try:
            with interrupts.stop_at_once() if interrupts is not None else contextlib.nullcontext():
                # The helpers that are up stay, warm, for the run's cleaning to lend (`helpers`), until the engine stops.
                self.preparer.finish(say=logger.info, interval=interval, keep=self.keep_helpers)
        except KeyboardInterrupt:
            self.preparer.stop()
            return
        stats = self.crawler.stats
        stats.set_value("health/prepared/files", self.preparer.files)
        stats.set_value("health/prepared/pages", self.preparer.rows)
        stats.set_value("health/prepared/files_after_crawl", self.preparer.here)
        stats.set_value("health/prepared/processes", len(self.preparer.processes))
        for error in self.preparer.errors:
            logger.warning("cleaning while crawling: %s (the run's cleaning does that part itself)", error)

    def helpers(self) -> Any:
        """The preparing helpers standing by once the crawl's files are done (cleaning/preparer.py: Standby), for
        the run's cleaning (crawler/run_end.py); None when there are none."""
        return self.preparer.standby if self.preparer is not None else None

    def engine_stopped(self) -> None:
        standby = self.helpers()
        if standby is not None:
            standby.close()
