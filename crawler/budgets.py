"""Crawl budgets: every crawl is bounded, profile and generic alike, and says which bound stopped it.

    HEALTH_MAX_PAGES_PER_SITE     pages fetched per site (host)
    HEALTH_MAX_LISTING_PAGES      listing pages (pagination included) fetched per site
    HEALTH_MAX_DEPTH              link hops from the nearest listing page (pagination costs none)
    HEALTH_MAX_SITEMAP_URLS       page URLs taken from sitemaps per site
    HEALTH_MAX_SITEMAP_DEPTH      sitemap indexes nested in sitemap indexes
    HEALTH_MAX_CRAWL_SECONDS      wall time of the crawl (default a day; 0: none)

plus the trap detector (crawler/traps.py). `CrawlBudgets` is an extension holding the counts; the spider
asks it before it makes a request (`CrawlBudgets.of(crawler)`), and `BudgetMiddleware` counts the
requests that really reach the downloader (after the duplicate filter, retries and redirects not
counted again) and refuses those over the page budgets (`RequestSkipped`, reason `budget_pages` /
`budget_listing_pages`).

A budget that refuses anything makes the run `partial` (crawler/run_end.py): the stat
`health/partial/budget_<name>` says which limit, and how much was left undone.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from crawler.config import setting
from crawler.exceptions import RequestSkipped
from crawler.run_verdict import PARTIAL_STATS
from crawler.traps import TrapDetector

logger = logging.getLogger(__name__)

PAGE_KINDS = frozenset({"article", "listing", "unknown"})  # robots.txt, sitemaps and feeds are not pages
TIME_REASON = "budget_time"  # the close reason when HEALTH_MAX_CRAWL_SECONDS ends a crawl


def site_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


class CrawlBudgets:
    """The crawl's budgets and trap detector; one per crawl (an extension: `CrawlBudgets.of(crawler)`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        s = crawler.settings
        self.max_pages = setting(s, "HEALTH_MAX_PAGES_PER_SITE")
        self.max_listings = setting(s, "HEALTH_MAX_LISTING_PAGES")
        self.max_depth = setting(s, "HEALTH_MAX_DEPTH")
        self.max_sitemap_urls = setting(s, "HEALTH_MAX_SITEMAP_URLS")
        self.max_sitemap_depth = setting(s, "HEALTH_MAX_SITEMAP_DEPTH")
        self.max_seconds = setting(s, "HEALTH_MAX_CRAWL_SECONDS")
        self.traps = TrapDetector(variants=setting(s, "HEALTH_TRAP_URL_VARIANTS"),
                                  segment_repeats=setting(s, "HEALTH_TRAP_SEGMENT_REPEATS"),
                                  path_depth=setting(s, "HEALTH_TRAP_PATH_DEPTH"),
                                  calendar_variants=setting(s, "HEALTH_TRAP_CALENDAR_VARIANTS"))
        self.pages: Counter[str] = Counter()  # site -> pages sent to the downloader
        self.listings: Counter[str] = Counter()
        self.sitemap_urls: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()  # budget -> requests or links refused
        self._started = time.monotonic()
        self._clock: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlBudgets":
        return cls(crawler)

    @classmethod
    def of(cls, crawler: Crawler) -> "CrawlBudgets":
        budgets = crawler.get_extension(cls)
        if budgets is None:  # a crawler built without the project's extensions (a test, a custom runner)
            raise RuntimeError("crawler.budgets.CrawlBudgets is not among the crawl's EXTENSIONS")
        return budgets

    # --- what the spider asks ---------------------------------------------------------------

    def link(self, url: str, source: str | None = None) -> str | None:
        """The URL to request for a link found on page `source` (None: a sitemap), session ids removed, or
        None: it falls in a trap."""
        trap, url = self.traps.check(url, source)
        if trap:
            self.stats.inc_value(f"health/traps/{trap}")
            if trap != "session_id":
                logger.debug("trap %s: %s not followed", trap, url)
                return None
        return url

    def deeper_than_allowed(self, depth: int) -> bool:
        """True (and counted) if a link at this depth is over the depth budget."""
        if depth <= self.max_depth:
            return False
        self.refuse("depth", f"links more than {self.max_depth} hops from the nearest listing page are not "
                             "followed (HEALTH_MAX_DEPTH)", "links not followed")
        return True

    def site_full(self, url: str) -> bool:
        """True once a site's page budget is spent: links to it are no longer worth queueing."""
        return self.pages[site_of(url)] >= self.max_pages

    def sitemap_url(self, url: str) -> bool:
        """Takes one page URL from a sitemap into the site's sitemap budget; False if it is spent."""
        site = site_of(url)
        if self.sitemap_urls[site] >= self.max_sitemap_urls:
            self.refuse("sitemap_urls", f"{self.max_sitemap_urls} URLs per site taken from sitemaps "
                                        "(HEALTH_MAX_SITEMAP_URLS)", "sitemap URLs not followed")
            return False
        self.sitemap_urls[site] += 1
        return True

    def sitemap_nesting(self, depth: int) -> bool:
        """True if a sitemap nested `depth` indexes deep may be fetched."""
        if depth <= self.max_sitemap_depth:
            return True
        self.refuse("sitemap_depth", f"sitemap indexes nested more than {self.max_sitemap_depth} deep are not "
                                     "read (HEALTH_MAX_SITEMAP_DEPTH)", "sitemaps not fetched")
        return False

    # --- what the downloader middleware asks ------------------------------------------------

    def fetch(self, request: Request) -> None:
        """Counts a request on its way to the downloader; raises RequestSkipped if it is over a budget."""
        meta = request.meta
        kind = meta.get("health_kind")
        if kind not in PAGE_KINDS or meta.get("retry_times") or meta.get("redirect_times"):
            return  # counted when first sent
        site = site_of(request.url)
        if self.pages[site] >= self.max_pages:
            self.refuse("pages", f"{self.max_pages} pages fetched from {site} (HEALTH_MAX_PAGES_PER_SITE)",
                        "links or requests not followed")
            raise RequestSkipped("budget_pages", f"{site}: {self.max_pages} pages fetched")
        if kind == "listing" or meta.get("health_pagination"):
            if self.listings[site] >= self.max_listings:
                self.refuse("listing_pages", f"{self.max_listings} listing pages fetched from {site} "
                                             "(HEALTH_MAX_LISTING_PAGES)", "listing pages not fetched")
                raise RequestSkipped("budget_listing_pages", f"{site}: {self.max_listings} listing pages fetched")
            self.listings[site] += 1
        self.pages[site] += 1

    # --- bookkeeping --------------------------------------------------------------------------

    def refuse(self, budget: str, limit: str, what: str, count: int = 1) -> None:
        """Records what a budget refused: `health/budget/<name>` counts it and `health/partial/budget_<name>`
        (the run is partial) says which limit and how much was left."""
        self.refused[budget] += count
        self.stats.set_value(f"health/budget/{budget}", self.refused[budget])
        self.stats.set_value(f"{PARTIAL_STATS}budget_{budget}", f"{limit}; {self.refused[budget]} {what}")

    def spider_opened(self, spider: Spider) -> None:
        self._started = time.monotonic()
        if self.max_seconds > 0:
            self._clock = task.LoopingCall(self._check_time)
            self._clock.start(min(1.0, self.max_seconds), now=False)

    def _check_time(self) -> None:
        elapsed = time.monotonic() - self._started
        if elapsed < self.max_seconds or self.refused["time"]:
            return
        self.refused["time"] = 1
        queued = queued_requests(self.stats)
        self.stats.set_value(f"{PARTIAL_STATS}{TIME_REASON}",
                             f"stopped after {self.max_seconds:g} s (HEALTH_MAX_CRAWL_SECONDS); "
                             f"{queued} requests still queued were not fetched")
        logger.warning("crawl budget: %g s spent (HEALTH_MAX_CRAWL_SECONDS); closing", self.max_seconds)
        engine = self.crawler.engine
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason=TIME_REASON))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._clock is not None and self._clock.running:
            self._clock.stop()
        # What a stopped crawl left undone, for crawler.run_verdict.cut_short.
        self.stats.set_value("health/queued_at_close", queued_requests(self.stats))


def queued_requests(stats: Any) -> int:
    """Requests scheduled but not yet taken by the downloader (Scrapy's scheduler counts)."""
    return max(0, int(stats.get_value("scheduler/enqueued") or 0) - int(stats.get_value("scheduler/dequeued") or 0))


class BudgetMiddleware:
    """Downloader middleware: the page budgets, counted on the requests that are really sent."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "BudgetMiddleware":
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        CrawlBudgets.of(self.crawler).fetch(request)


__all__ = ["BudgetMiddleware", "CrawlBudgets", "TIME_REASON", "queued_requests"]
