"""`scrapy crawl` with clear argument errors, one writer per OUTPUT_DIR, and an exit status that means something.

Exit codes (docs/operations.md): 0 the run succeeded; 1 it failed or could not start; 2 bad arguments or
settings, or OUTPUT_DIR is in use by another run; 3 the run is partial (cut short by a limit, a budget or
one Ctrl-C / SIGTERM, or some of its work was skipped: the manifest says what); 130 (Ctrl-C) or 143
(SIGTERM) the run was interrupted: stopped by force, a second signal or one while cleaning.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any, NoReturn

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from cleaning.cli import skip_final_collection, tune_collector
from crawler.arguments import check_settings


def _fail(message: str) -> NoReturn:
    """A bad call: one line on stderr and exit status 2, before Scrapy logs anything."""
    print(f"scrapy crawl: error: {message}", file=sys.stderr)
    raise SystemExit(2)


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Run a spider: `scrapy crawl health` is the product's crawl (docs/operations.md)"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        # Checked here, before the crawler process exists, so a bad call prints its one line without
        # Scrapy's start-up banner in front of it.
        try:
            super().process_options(args, opts)
        except UsageError as exc:
            _fail(str(exc))
        # Only this command makes a run (run id, pages, manifest, cleaning); Scrapy's other commands load
        # the same components, which then leave OUTPUT_DIR alone (crawler/runs.py: records_run).
        self.settings.set("HEALTH_RECORD_RUN", True, priority="cmdline")
        if len(args) != 1:
            _fail("give exactly one spider name, e.g. `scrapy crawl health`")
        assert self.settings is not None
        try:
            spidercls = get_spider_loader(self.settings).load(args[0])
        except KeyError:
            known = ", ".join(get_spider_loader(self.settings).list())
            _fail(f"no spider named {args[0]!r}; this project has: {known}")
        check = getattr(spidercls, "check_arguments", None)
        if check is not None:
            try:
                check(opts.spargs, self.settings)
                check_settings(self.settings)
            except ValueError as exc:
                _fail(str(exc))

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process
        skip_final_collection()
        tune_collector()  # Scrapy and the project are loaded
        lock = _output_lock(self.settings)
        if lock is None:
            self.exitcode = 2
            return
        ended_by_signal = False
        from crawler.prepare import discard_prestarted, prestart

        try:
            prestart(self.settings)  # the cleaning helpers start beside Scrapy's own start-up
            crawler = self.crawler_process.create_crawler(args[0])
            self.crawler_process.crawl(crawler, **opts.spargs)
            self.crawler_process.start()
            status = crawler.stats.get_value("health/run_status") if crawler.stats else None
            interrupts = _interrupts(crawler)
            ended_by_signal = status is None and interrupts is not None and bool(interrupts.received)
            if ended_by_signal:
                # Recorded before the lock is let go: a run waiting for it would judge this one crashed.
                # The run never reached its own end: a second signal, or one before the engine started.
                status = _record_forced_stop(crawler)
        finally:
            discard_prestarted()
            lock.release()
        if status == "interrupted":
            # As `python -m cleaning run` and the shell: 130 after Ctrl-C, 143 after SIGTERM, when a signal
            # stopped it at once; a graceful stop the run recorded otherwise is 1.
            forced = interrupts is not None and interrupts.received and (interrupts.forced or ended_by_signal)
            self.exitcode = interrupts.exit_code if forced else 1
        elif self.crawler_process.bootstrap_failed or status == "failed":
            self.exitcode = 1
        elif status == "partial":
            self.exitcode = 3


def _interrupts(crawler: Any) -> Any:
    from crawler.interrupts import Interrupts

    return Interrupts.of(crawler) if getattr(crawler, "spider", None) is not None else None


def _record_forced_stop(crawler: Any) -> str | None:
    """A second signal stopped the reactor before the run's end: the manifest still says `running`."""
    from crawler.config import setting
    from crawler.run_end import RunTotals, end_forced_stop
    from crawler.runs import RunContext

    context = crawler.get_extension(RunContext)
    if context is None:
        return None
    if setting(crawler.settings, "HEALTH_REDIS_URL"):
        # A distributed worker: only the last worker to leave records the run; this one records itself.
        from crawler.distributed.coordinator import Coordinator

        coordinator = crawler.get_extension(Coordinator)
        if coordinator is not None:
            coordinator.forced_stop(crawler.spider)
        return "interrupted"
    end_forced_stop(crawler, context.run_id, RunTotals.of_crawl(crawler.stats, getattr(crawler.spider, "failed_urls", {})))
    return "interrupted"


def _output_lock(settings: Any) -> Any:
    """OUTPUT_DIR's lock, held for the whole crawl (shared by the workers of a distributed crawl); None,
    with one line on stderr, when another run holds it. Runs a dead holder left `running` become `crashed`."""
    from pathlib import Path

    from cleaning.storage.lock import OutputLock, OutputLocked, mark_crashed_runs
    from crawler.config import setting

    root = Path(setting(settings, "OUTPUT_DIR"))
    distributed = bool(setting(settings, "HEALTH_REDIS_URL"))
    lock = OutputLock(root, run_id=setting(settings, "HEALTH_RUN_ID"), command="scrapy crawl health",
                      shared=distributed)
    try:
        lock.acquire(wait=setting(settings, "HEALTH_LOCK_WAIT"))
    except OutputLocked as exc:
        _say(settings, logging.ERROR, f"error: {exc}")
        return None
    if not distributed:
        for run_id in mark_crashed_runs(root, found_by="scrapy crawl health"):
            _say(settings, logging.WARNING, f"note: run {run_id} was left running by a process that died: marked "
                 f"crashed; its stored pages are kept: the command that started it, with its JOBDIR, resumes it, "
                 f"or `python -m cleaning run --output-dir {root} --run-id {run_id}` cleans them")
    return lock


def _say(settings: Any, level: int, line: str) -> None:
    """One line on stderr, and in the log file too when there is one: a Scrapyd job's log is its LOG_FILE,
    and stderr only reaches the daemon's own output, where nobody looking at the job would find it."""
    print(line, file=sys.stderr)
    if settings.get("LOG_FILE"):
        logging.getLogger(__name__).log(level, "%s", line)
