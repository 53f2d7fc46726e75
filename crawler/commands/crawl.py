"""`scrapy crawl` with clear argument errors and an exit status that means something.

Exit codes: 0 the run succeeded; 1 the run failed (nothing fetched, cleaning
failed) or could not start; 2 bad arguments.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from crawler.arguments import check_settings


class Command(ScrapyCrawl):
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
        crawler = self.crawler_process.create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        status = crawler.stats.get_value("health/run_status") if crawler.stats else None
        if self.crawler_process.bootstrap_failed or status in ("failed", "interrupted"):
            self.exitcode = 1
