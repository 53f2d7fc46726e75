"""How the `health` spider reads sitemaps, feeds and robots.txt: the URLs they list become requests.

A mixin of `HealthSpider` (crawler/spiders/health.py), which gives it `request_for`, `_link_request`,
`_denied`, `_http_failure`, `on_error`, the budgets, the target and profile, and the kept rest of the
sitemaps being fed a batch at a time (crawler/sitemaps.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.safety import is_http_url, join_url
from crawler.sitemaps import BATCH_PRIORITY, SITEMAP_BATCH, SitemapEntries

logger = logging.getLogger("crawler.spiders.health")  # one logger for the spider, whichever module says it


class SitemapsAndFeeds:
    """Sitemaps (a batch of requests at a time), feeds and robots.txt's sitemap lines."""

    _sitemap_rest: dict[int, tuple[SitemapEntries, Iterator[scrapy.Request]]]
    _sitemap_keys: int
    crawler: Any
    budgets: Any
    target: Any
    profile: Any

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        if response.status != 200:
            self._http_failure(response)
            return
        meta = response.meta
        entries = SitemapEntries(response.body, skip=meta.get("health_sitemap_skip", 0))
        depth = meta.get("health_sitemap_depth", 0)
        yield from self._sitemap_batch(response.url, entries, self._sitemap_requests(response.url, entries, depth),
                                       depth)

    def parse_sitemap_batch(self, response: Response) -> Iterator[scrapy.Request]:
        """The next batch of a sitemap's requests (crawler/sitemaps.py)."""
        meta = response.meta
        kept = self._sitemap_rest.pop(meta["health_sitemap_batch"], None)
        if kept is None:  # not read in this process: read the sitemap again, from where the last batch ended
            self.crawler.stats.inc_value("health/sitemap/reread")
            yield self.request_for(meta["health_sitemap_url"], "sitemap", dont_filter=True,
                                   health_sitemap_skip=meta["health_sitemap_skip"],
                                   health_sitemap_depth=meta.get("health_sitemap_depth", 0))
            return
        entries, requests = kept
        self.crawler.stats.inc_value("health/sitemap/batches")
        yield from self._sitemap_batch(meta["health_sitemap_url"], entries, requests,
                                       meta.get("health_sitemap_depth", 0))

    def _sitemap_batch(self, url: str, entries: SitemapEntries, requests: Iterator[scrapy.Request],
                       depth: int) -> Iterator[scrapy.Request]:
        for n, request in enumerate(requests, 1):
            yield request
            if n >= SITEMAP_BATCH:
                self._sitemap_keys += 1
                self._sitemap_rest[self._sitemap_keys] = (entries, requests)
                yield scrapy.Request(url, callback=self.parse_sitemap_batch, errback=self.on_error,
                                     priority=BATCH_PRIORITY, dont_filter=True,
                                     meta={"health_kind": "sitemap_batch", "health_sitemap_batch": self._sitemap_keys,
                                           "health_sitemap_url": url, "health_sitemap_skip": entries.position,
                                           "health_sitemap_depth": depth, "dont_canonicalize": True})
                return

    def _sitemap_requests(self, url: str, entries: SitemapEntries, depth: int) -> Iterator[scrapy.Request]:
        stats = self.crawler.stats
        for n, (loc, lastmod) in enumerate(entries):
            loc = join_url(url, loc)
            if loc is None or not is_http_url(loc):  # javascript:, file:, data: ... never become requests
                stats.inc_value("health/links/refused/scheme")
                continue
            if self._denied(loc):
                continue
            if entries.type == "sitemapindex":
                if self.budgets.sitemap_nesting(depth + 1):
                    yield self.request_for(loc, "sitemap", health_sitemap_depth=depth + 1)
                continue
            if not self.target.generic and self.profile.url_kind(loc) == "unknown":
                continue
            if not self.budgets.sitemap_url(loc):
                rest = sum(1 for _ in entries)
                if rest:
                    self.budgets.refuse("sitemap_urls", f"{self.budgets.max_sitemap_urls} URLs per site taken "
                                        "from sitemaps (HEALTH_MAX_SITEMAP_URLS)", "sitemap URLs not followed",
                                        count=rest)
                break
            checked = self.budgets.link(loc)
            if checked is None:
                continue
            kind = "unknown" if self.target.generic else self.profile.url_kind(checked)
            stats.inc_value("health/sitemap/urls")
            yield self.request_for(checked, kind, 1, health_lastmod=lastmod)
        if entries.error:
            stats.inc_value("health/sitemap/invalid")
            logger.warning("invalid sitemap %s: %s (%d entries read)", url, entries.error, entries.position)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        if response.status != 200:
            return
        for url in response.xpath("//item/link/text() | //*[local-name()='entry']/*[local-name()='link']/@href").getall():
            url = join_url(response.url, url.strip())
            if url is None or not is_http_url(url):
                self.crawler.stats.inc_value("health/links/refused/scheme")
                continue
            if self._denied(url):
                continue
            kind = "unknown" if self.target.generic else self.profile.url_kind(url)
            if kind != "unknown" or self.target.generic:
                request = self._link_request(url, kind, 1, response.url)
                if request is not None:
                    yield request

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        if response.status != 200:
            return
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            yield self.request_for(url, "sitemap")
