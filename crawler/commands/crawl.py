"""`scrapy crawl` with clear argument errors, one writer per OUTPUT_DIR, and an exit status that means something.

Exit codes (docs/operations.md): 0 the run succeeded; 1 it failed, was interrupted or could not start;
2 bad arguments or settings, or OUTPUT_DIR is in use by another run; 3 the run is partial (cut short by
a limit or a budget, or some of its work was skipped: the manifest says what).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from crawler.arguments import check_settings


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        # Only this command makes a run (run id, pages, manifest, cleaning); Scrapy's other commands load
        # the same components, which then leave OUTPUT_DIR alone (crawler/runs.py: records_run).
        self.settings.set("HEALTH_RECORD_RUN", True, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name, e.g. `scrapy crawl health`")
        assert self.crawler_process
        spidercls = self.crawler_process.spider_loader.load(args[0])
        check = getattr(spidercls, "check_arguments", None)
        if check is not None:
            try:
                check(opts.spargs, self.settings)
                check_settings(self.settings)
            except ValueError as exc:
                print(f"error: {exc}", file=sys.stderr)
                self.exitcode = 2
                return
        lock = _output_lock(self.settings)
        if lock is None:
            self.exitcode = 2
            return
        try:
            crawler = self.crawler_process.create_crawler(args[0])
            self.crawler_process.crawl(crawler, **opts.spargs)
            self.crawler_process.start()
        finally:
            lock.release()
        status = crawler.stats.get_value("health/run_status") if crawler.stats else None
        if self.crawler_process.bootstrap_failed or status in ("failed", "interrupted"):
            self.exitcode = 1
        elif status == "partial":
            self.exitcode = 3


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
        print(f"error: {exc}", file=sys.stderr)
        return None
    if not distributed:
        for run_id in mark_crashed_runs(root, found_by="scrapy crawl health"):
            print(f"note: run {run_id} was left running by a process that died: marked crashed", file=sys.stderr)
    return lock
