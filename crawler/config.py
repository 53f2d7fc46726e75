"""The crawl's product settings, declared once, and the whole product's list (crawl + cleaning).

`crawler/settings.py` takes its defaults from here; components read values with `setting()`;
`check_settings()` validates all of them before a crawl starts. docs/operations.md's settings table
is this module's output:

    python -m crawler.config        # prints the table
"""

from __future__ import annotations

import sys
from typing import Any

from cleaning.config import CLEANING_SETTINGS, Setting, SettingError, check, declared, markdown_table, value

CRAWL_SETTINGS: tuple[Setting, ...] = (
    Setting("HEALTH_RUN_ID", "str", "", "force a run id (distributed workers of one crawl share it); default: new per "
            "run, or the unfinished one kept in JOBDIR"),
    Setting("HEALTH_WORKER_ID", "str", "", "tag in the names of the page files this process writes (default: random "
            "per process)"),
    Setting("HEALTH_RECORD_RUN", "bool", False, "set by `scrapy crawl`: this process is a run (run id, pages, "
            "manifest, cleaning). Scrapy's other commands (shell, fetch, parse, ...) leave OUTPUT_DIR alone"),
    Setting("HEALTH_FEED_ARTICLES", "choice", "site", "what `-o FILE` / FEEDS get once the run's cleaning commits: "
            "`site`, the current version of every article of the crawled site; `run`, only the articles this run "
            "wrote", choices=("site", "run")),
    Setting("HEALTH_INCREMENTAL", "bool", True, "skip articles stored by earlier runs (sitemap lastmod) or ask the "
            "server whether they changed (ETag / Last-Modified)"),
    Setting("HEALTH_CLEAN_ON_CLOSE", "bool", True, "clean the run's pages into the datasets when the crawl ends"),
    Setting("HEALTH_CLEAN_WHILE_CRAWLING", "bool", True, "run the first cleaning steps (extract, language, "
            "hashing, grammar cache) on stored pages while the crawl goes on, in background processes (`scrapy crawl` "
            "starts them at once, with Scrapy's own start-up: one fewer than `HEALTH_CLEAN_WORKERS`, at least one)"),
    Setting("HEALTH_PAGES_FLUSH_ITEMS", "int", 50, "pages buffered before a part file is written (also flushed every "
            "30 s)", minimum=1),
    Setting("HEALTH_GENERIC_DEPTH", "int", 3, "link depth of `-a start_urls=` crawls, in hops from the nearest "
            "listing page (pagination costs none)", minimum=0),
    Setting("HEALTH_MAX_DEPTH", "int", 5, "budget: link hops from the nearest listing page, in any crawl "
            "(pagination costs none); deeper links are not followed", minimum=0),
    Setting("HEALTH_MAX_PAGES_PER_SITE", "int", 100_000, "budget: pages fetched per site (host)", minimum=1),
    Setting("HEALTH_MAX_LISTING_PAGES", "int", 5_000, "budget: listing pages, pagination included, fetched per "
            "site", minimum=1),
    Setting("HEALTH_MAX_SITEMAP_URLS", "int", 100_000, "budget: page URLs taken from sitemaps per site (read "
            "as they are parsed, a batch at a time)", minimum=0),
    Setting("HEALTH_MAX_SITEMAP_DEPTH", "int", 3, "budget: sitemap indexes nested in sitemap indexes", minimum=0),
    Setting("HEALTH_MAX_CRAWL_SECONDS", "float", 86_400.0, "budget: wall seconds of the crawl (default one day); "
            "when spent it closes (close reason `budget_time`) and is cleaned; 0: no limit", minimum=0),
    Setting("HEALTH_TRAP_URL_VARIANTS", "int", 500, "trap: query strings per path beyond which further ones "
            "are not followed (page numbers not counted)", minimum=1),
    Setting("HEALTH_TRAP_CALENDAR_VARIANTS", "int", 24, "trap: new dates a calendar-like URL family (the URL "
            "but for its date parts: `/calendar/2024/03/`, `?month=2024-03`) may walk to from its own pages; dates "
            "linked from other pages (a blog's archive list) are the site's own and always followed; a dated "
            "article's slug makes it a family of its own", minimum=1),
    Setting("HEALTH_TRAP_SEGMENT_REPEATS", "int", 3, "trap: a path segment repeated this many times is not "
            "followed (`/a/b/a/b/a/b`)", minimum=2),
    Setting("HEALTH_TRAP_PATH_DEPTH", "int", 16, "trap: paths with more segments are not followed", minimum=1),
    Setting("HEALTH_DEMO_EDITS", "list", (), "demo only: slugs whose text the demo site revises (to try re-crawls "
            "against a changed site)"),
    Setting("HEALTH_RETRY_BACKOFF", "float", 1.0, "seconds before the first retry, doubled for each further one",
            minimum=0),
    Setting("HEALTH_RETRY_BACKOFF_MAX", "float", 60.0, "longest backoff between two retries", minimum=0),
    Setting("HEALTH_RETRY_AFTER_MAX", "float", 120.0, "longest `Retry-After` honoured; a longer one is not retried "
            "this run and is listed for the next", minimum=0),
    Setting("HEALTH_CRAWL_DELAY_MAX", "float", 30.0, "longest robots.txt `Crawl-delay` honoured", minimum=0),
    Setting("HEALTH_SAFE_RESOLVE", "bool", True, "refuse host names a public page links to when they resolve to "
            "private or loopback addresses"),
    Setting("HEALTH_REDIS_URL", "str", "", "set: this crawl is one worker of a distributed crawl sharing a Redis "
            "frontier ([distributed.md](distributed.md))"),
    Setting("HEALTH_REDIS_PREFIX", "str", "health", "Redis key prefix; `PREFIX:start_urls` takes pushed start URLs"),
    Setting("HEALTH_REDIS_IDLE_TIMEOUT", "float", 10.0, "seconds the whole distributed crawl must be idle before its "
            "workers close", minimum=0),
    Setting("HEALTH_REDIS_WORKER_TIMEOUT", "float", 30.0, "a worker silent this long is dead; its in-flight requests "
                                                          "are re-queued", minimum=1),
    Setting("HEALTH_REDIS_ACK_INTERVAL", "float", 10.0, "seconds a finished request waits for its page to reach disk "
            "before a flush", minimum=0),
)

# Cleaning settings first in the table would bury the crawl's; OUTPUT_DIR leads, then crawl, then cleaning.
PRODUCT_SETTINGS: tuple[Setting, ...] = (CLEANING_SETTINGS[0], *CRAWL_SETTINGS, *CLEANING_SETTINGS[1:])
DECLARED: dict[str, Setting] = declared(PRODUCT_SETTINGS)


def defaults() -> dict[str, Any]:
    """Every product setting's default, for Scrapy's settings module. Environment-read settings stay unset
    there, so `value()` can tell "not given" from "given empty"."""
    return {s.name: (None if s.env else s.default) for s in PRODUCT_SETTINGS}


def setting(settings: Any, name: str) -> Any:
    """The typed value of a product setting (crawl or cleaning), with its declared default."""
    return value(settings, name, DECLARED)


def check_settings(settings: Any) -> dict[str, Any]:
    """Every product setting, typed; raises SettingError (a ValueError) naming the first bad one."""
    return check(settings, DECLARED)


def main(argv: list[str] | None = None) -> int:
    sys.stdout.write(markdown_table(PRODUCT_SETTINGS))
    return 0


__all__ = ["CRAWL_SETTINGS", "DECLARED", "PRODUCT_SETTINGS", "SettingError", "check_settings", "defaults",
           "setting"]

if __name__ == "__main__":
    sys.exit(main())
