"""The `health` spider: one generic spider driven by a site profile or by start URLs.

    scrapy crawl health                          # the bundled demo site, served on loopback
    scrapy crawl health -a site=NAME             # a site profile (crawler/sites/NAME.toml)
    scrapy crawl health -a start_urls=URL[,URL]  # any site, generically

It only fetches and classifies pages; everything it fetches goes to the
`pages` dataset, and the cleaning chain turns pages into articles. Depth counts
hops from the nearest listing (pagination, crawler/pagination.py, costs none);
every link passes the trap detector and the crawl budgets first (crawler/budgets.py),
and sitemaps are read a batch at a time (crawler/sitemaps.py). A start URL that answers with a
sitemap or a feed (`-a start_urls=https://example.org/sitemap.xml`) is read as one.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response, TextResponse, XmlResponse
from twisted.python.failure import Failure

from cleaning.extract.encoding import looks_binary
from cleaning.extract.html_root import open_root_bytes
from cleaning.profiles import save_profile
from crawler.arguments import CrawlTarget, parse_arguments
from crawler.budgets import CrawlBudgets, site_of
from crawler.config import setting
from crawler.demo.server import DEMO_HOST
from crawler.middlewares import EXPECTED_FAILURE, demo_expected_failure
from crawler.runs import RunContext, records_run
from crawler.failures import count_internal_error, failure_reason, previous_failures
from crawler.links import page_links
from crawler.pagination import pagination_links
from crawler.responses import meta_refresh_target, page_item
from crawler.safety import RefusedLinks, link_refusal
from crawler.sitemaps import FEED_ROOTS, GZIP_MAGIC, SITEMAP_ROOTS, SitemapEntries, start_kind, xml_of
from crawler.spiders.sitemaps_feeds import SitemapsAndFeeds

logger = logging.getLogger(__name__)
# Links remembered as scheduled (a few MiB for a 20,000-page site); beyond, each gets its request, as before.
MAX_SCHEDULED_LINKS = 500_000

# Statuses the spider wants to see (and store) instead of having them filtered out.
RECORDED_STATUSES = [400, 401, 403, 404, 410, 429, 451, 500, 502, 503, 504]
HTML_TYPES = (b"text/html", b"application/xhtml+xml")


class HealthSpider(SitemapsAndFeeds, scrapy.Spider):
    name = "health"
    # What Scrapy's commands read to pick a spider for a URL (`scrapy fetch|shell|view URL`): a demo URL
    # gets this spider, which serves the demo site on loopback. A crawl's own list is its target's (below).
    allowed_domains = [DEMO_HOST]

    def __init__(self, *args: Any, sites_dirs: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.target: CrawlTarget = parse_arguments(kwargs, sites_dirs)
        super().__init__(*args)
        self.scrapyd_job = kwargs.get("_job")  # Scrapyd's job id, recorded in the run manifest
        self.profile = self.target.profile
        self.site = self.profile.name
        self.allowed_domains = list(self.profile.allowed_domains)
        self.demo_server = None
        self.failed_urls: dict[str, str] = {}  # url -> reason, for the run manifest
        # The unread rest of sitemaps being fed a batch at a time (crawler/sitemaps.py), by batch key.
        self._sitemap_rest: dict[int, tuple[SitemapEntries, Iterator[scrapy.Request]]] = {}
        self._sitemap_keys = 0
        # A page's links are read by crawler/links.py (LinkExtractor's URLs, cheaper). Hosts are checked by
        # crawler.safety's `link_refusal` (LinkExtractor's allow_domains compares host:port, so it dropped every
        # link of a site served on an explicit port). Deny patterns are the profile's (matched on path and
        # query, docs/sites.md), not LinkExtractor's `deny`, which matches whole URLs: `^/private/` there never
        # matched anything.
        self._refused: RefusedLinks | None = None
        self._budgets: CrawlBudgets | None = None
        self._scheduled_links: set[str] = set()  # links whose request reached the scheduler (its duplicate filter)

    @staticmethod
    def check_arguments(kwargs: dict[str, Any], settings: Any = None) -> None:
        """Raises ArgumentError (a ValueError) for bad `-a` arguments, before the crawl starts."""
        parse_arguments(kwargs, setting(settings, "HEALTH_SITES_DIR"))

    @classmethod
    def from_crawler(cls, crawler: scrapy.crawler.Crawler, *args: Any, **kwargs: Any) -> "HealthSpider":
        kwargs.setdefault("sites_dirs", setting(crawler.settings, "HEALTH_SITES_DIR"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_scheduled, signal=signals.request_scheduled)
        if not spider.target.generic and records_run(crawler.settings):
            # Cleaning (now, or offline later) uses exactly this profile, whatever happens to the file.
            save_profile(Path(setting(crawler.settings, "OUTPUT_DIR")), spider.profile)
        if spider.target.demo:
            from crawler.demo import DemoServer

            spider.demo_server = DemoServer()
            # HEALTH_DEMO_EDITS=slug[,slug]: the demo site publishes a revised text of those articles,
            # so scheduled re-crawls can be tried against a site that changed.
            for slug in setting(crawler.settings, "HEALTH_DEMO_EDITS"):
                spider.demo_server.site.edits[slug] = "Update: doctors add that the advice above applies to adults."
            spider.demo_server.start()
            crawler.signals.connect(spider.stop_demo, signal=signals.spider_closed)
        return spider

    def stop_demo(self) -> None:
        if self.demo_server is not None:
            self.demo_server.stop()

    @property
    def run_id(self) -> str:
        """The crawl's run id (crawler/runs.py), once the crawl has started."""
        return RunContext.of(self.crawler).run_id

    @property
    def generic_depth(self) -> int:
        return setting(self.settings, "HEALTH_GENERIC_DEPTH")

    @property
    def budgets(self) -> CrawlBudgets:
        # Asked for every link of a page: Scrapy's get_extension looks through every extension each time.
        if self._budgets is None or self._budgets.crawler is not self.crawler:
            self._budgets = CrawlBudgets.of(self.crawler)
        return self._budgets

    # --- requests -------------------------------------------------------------

    def request_for(self, url: str, kind: str, depth: int = 0, dont_filter: bool = False,
                    **meta: Any) -> scrapy.Request:
        """The request for a URL of a kind (article, listing, sitemap, feed, robots, unknown) at a link depth."""
        callback = {"sitemap": self.parse_sitemap, "feed": self.parse_feed, "robots": self.parse_robots}.get(kind, self.parse)
        return scrapy.Request(
            url,
            callback=callback,
            dont_filter=dont_filter,
            errback=self.on_error,
            meta={"health_kind": kind, "health_depth": depth, "handle_httpstatus_list": RECORDED_STATUSES, **meta},
        )

    async def start(self) -> AsyncIterator[Any]:
        for url in self.profile.start_urls:
            # health_start: a start URL answering with a sitemap or a feed is read as one (parse)
            yield self.request_for(url, self.profile.url_kind(url) if not self.target.generic else "listing",
                                   health_start=True)
        for url in self.profile.sitemap_urls:
            yield self.request_for(url, "sitemap")
        for url in self.profile.feed_urls:
            yield self.request_for(url, "feed")
        if self.target.generic:
            for host in {urlsplit(u).scheme + "://" + urlsplit(u).netloc for u in self.profile.start_urls}:
                yield self.request_for(host + "/robots.txt", "robots")
        if not records_run(self.settings):
            return  # `scrapy runspider`-style use outside a run: no earlier failures to take over
        # URLs the previous run of this site gave up on (timeouts, 5xx, 429...): tried again first.
        root = setting(self.settings, "OUTPUT_DIR")
        for url, reason in previous_failures(root, self.site, exclude_run=self.run_id).items():
            self.crawler.stats.inc_value("health/retry_previous/scheduled")
            kind = "unknown" if self.target.generic else self.profile.url_kind(url)
            # Read by what it answers, as a start URL is: a sitemap or feed that failed is read as one.
            yield self.request_for(url, kind, 1, health_previous_failure=reason, health_origin=url, health_start=True)

    # --- callbacks --------------------------------------------------------------

    def parse(self, response: Response) -> Iterator[Any]:
        kind = response.meta.get("health_kind", "unknown")
        stats = self.crawler.stats
        stats.inc_value(f"health/pages/status_{response.status}")
        is_html = isinstance(response, TextResponse) and any(
            t in (response.headers.get("Content-Type") or b"text/html").lower() for t in HTML_TYPES
        )
        root = None
        if response.status == 200 and response.meta.get("health_start"):
            # A start URL may be a sitemap or a feed (`-a start_urls=.../sitemap.xml`): the response says which,
            # whatever the URL looks like. Read here, it is not lost when robots.txt (or the profile's sitemap_urls)
            # asks for the same URL as a sitemap: whichever request comes first reads it, the other is a duplicate.
            as_kind, root = start_kind(response.headers.get("Content-Type"), response.body)
            if as_kind is not None:
                stats.inc_value(f"health/start/{as_kind}")
                logger.info("start URL %s is a %s (<%s>): read as one", response.url, as_kind, root or "?")
                if response.body.startswith(GZIP_MAGIC):  # sitemap.xml.gz: read as the XML it holds
                    xml, error = xml_of(response.body)
                    response = response.replace(body=xml, cls=XmlResponse)
                    if error:
                        logger.warning("start URL %s: %s", response.url, error)
                if as_kind == "feed" and not isinstance(response, TextResponse):  # feeds are read with XPath
                    response = response.replace(cls=XmlResponse)
                yield from (self.parse_sitemap(response) if as_kind == "sitemap" else self.parse_feed(response))
                return
        if response.status == 200 and not is_html:
            stats.inc_value("health/skipped/not_html")
            ctype = response.headers.get("Content-Type")
            if response.meta.get("health_start"):
                what = f"XML whose root is <{root}>" if root else f"not HTML ({ctype})"
                logger.warning("skipped start URL %s: %s, neither a page nor a sitemap (<%s>) or feed (<%s>): "
                               "nothing to store or follow", response.url, what, ">, <".join(SITEMAP_ROOTS),
                               ">, <".join(FEED_ROOTS))
            else:
                logger.info("skipped %s: not HTML (%s)", response.url, ctype)
            return
        binary = response.status == 200 and looks_binary(response.body)
        if response.meta.get("health_replayed"):
            # Stored by this run before a stop (crawler/middlewares.py answered it from disk): only its links matter.
            stats.inc_value("health/resume/pages_replayed")
        else:
            # A generic crawl's start URL is crawled as a listing (its links followed, never skipped as unchanged)
            # but stored as what nobody knows yet: an article given as a start URL is cleaned as one, and a
            # home or category page is found to be a listing by the extraction.
            stored_kind = "unknown" if self.target.generic and response.meta.get("health_start") else kind
            yield page_item(response, stored_kind, is_html, self.site, None if self.target.generic else self.profile)
        if binary:
            # A PNG, PDF or compressed body labelled text/html: stored as received (the page is the record),
            # cleaning drops it with its reason (`no_body:not_html`); its bytes hold no links worth following.
            stats.inc_value("health/pages/binary_body")
            logger.warning("stored %s, no article: a binary body served as %s (%d bytes)", response.url,
                           (response.headers.get("Content-Type") or b"?").decode("latin-1"), len(response.body))
            return
        if response.status != 200:
            self._http_failure(response)
            return
        opened = open_root_bytes(response.body)
        if opened is not None:  # `<html ... />`: stored as received above, read for its links with the root opened
            response = response.replace(body=opened)
        refresh = meta_refresh_target(response, self.settings.getfloat("METAREFRESH_MAXDELAY", 100))
        if refresh is not None:
            yield from self._follow_refresh(response, kind, refresh)
            return
        yield from self._follow(response, kind)

    def _follow_refresh(self, response: Response, kind: str, target: str) -> Iterator[scrapy.Request]:
        """A meta-refresh page: the page is stored (above) and its target followed as the same kind of page,
        so the end is either a stored page or a recorded failure, never nothing. The spider does this instead
        of Scrapy's MetaRefreshMiddleware, whose loops and refused targets vanished without a record."""
        self.crawler.stats.inc_value("health/pages/meta_refresh")
        chain = [*response.meta.get("health_refreshed_from", ()), response.url]
        if target in chain or len(chain) > self.settings.getint("REDIRECT_MAX_TIMES", 10):
            reason = "refresh_loop" if target in chain else "too_many_redirects"
            self.crawler.stats.inc_value(f"health/failed/{reason}")
            self.failed_urls.setdefault(chain[0], reason)
            logger.warning("failed %s: %s (meta refresh to %s)", chain[0], reason, target)
            return
        refused = link_refusal(target, response.url, list(self.allowed_domains))  # as SafeLinksMiddleware would
        if refused is not None:
            reason = f"refresh_{refused}"  # e.g. refresh_offsite, refresh_scheme, refresh_private
            self.crawler.stats.inc_value(f"health/failed/{reason}")
            self.failed_urls.setdefault(chain[0], reason)
            logger.warning("failed %s: %s (meta refresh to %s)", chain[0], reason, target)
            return
        logger.info("meta refresh %s -> %s", response.url, target)
        yield self.request_for(target, kind, response.meta.get("health_depth", 0), health_refreshed_from=chain)

    def _follow(self, response: Response, kind: str) -> Iterator[scrapy.Request]:
        """Links to follow. Depth counts hops from the nearest listing page: a listing is depth 0, the
        next page of a page (pagination) has that page's depth, any other link one more."""
        depth = response.meta.get("health_depth", 0)
        pages = pagination_links(response)
        urls = page_links(response)
        # <link rel="next"> is no anchor: LinkExtractor does not see it.
        urls += sorted(pages.difference(urls).difference(u for u in pages if self.profile.denies(u)))
        allowed = self.allowed_domains
        for url in urls:
            if urlsplit(url).scheme not in ("http", "https") or self._denied(url):
                continue
            # SafeLinksMiddleware's rule, applied before a request exists: most of a news page's ~100 links
            # lead to other sites, and a request for each (built, then through every spider middleware to
            # be refused there) cost the crawl more than the page it was on (bench/crawl_load.py --site real).
            refused = link_refusal(url, response.url, allowed)
            if refused is not None:
                self._refusals.refused(url, response.url, refused)
                continue
            if url in pages:
                # The next page of a listing is a listing; the next page of an article is that article's.
                link_kind = self.profile.url_kind(url) if not self.target.generic else "unknown"
                if link_kind == "unknown" and kind == "listing":
                    link_kind = "listing"
                elif link_kind == "unknown" and not self.target.generic:  # the profile says what else to follow
                    self.crawler.stats.inc_value("health/links/not_followed")
                    continue
                request = self._link_request(url, link_kind, depth, response.url, health_pagination=True)
            elif self.target.generic:
                request = self._link_request(url, "unknown", depth + 1, response.url)
            else:
                link_kind = self.profile.url_kind(url)
                if link_kind not in ("article", "listing"):
                    self.crawler.stats.inc_value("health/links/not_followed")
                    continue
                request = self._link_request(url, link_kind, 0 if link_kind == "listing" else depth + 1, response.url)
            if request is not None:
                yield request

    def _link_request(self, url: str, kind: str, depth: int, source: str | None = None,
                      **meta: Any) -> scrapy.Request | None:
        """The request for a link found on page `source`, or None: out of depth, in a trap, or over a budget."""
        if self.target.generic and depth > self.generic_depth and depth <= self.budgets.max_depth:
            return None  # the generic crawl's scope, not a budget: the run is not partial for it
        if self.budgets.deeper_than_allowed(depth):
            return None
        url = self.budgets.link(url, source)
        if url is None:
            return None
        if self.budgets.site_full(url):
            self.budgets.refuse("pages", f"{self.budgets.max_pages} pages fetched from {site_of(url)} "
                                         "(HEALTH_MAX_PAGES_PER_SITE)", "links or requests not followed")
            return None
        if url in self._scheduled_links:
            # Its request reached the scheduler, whose duplicate filter drops this one: a site's menus and
            # related-article blocks repeat the same links on every page, and each request built for them went
            # through every spider middleware to be dropped there.
            return None
        return self.request_for(url, kind, depth, health_link=url, **meta)

    def request_scheduled(self, request: scrapy.Request) -> None:
        """Signal handler: a link's request reached the scheduler (see `_link_request`)."""
        link = request.meta.get("health_link")
        if link is not None and len(self._scheduled_links) < MAX_SCHEDULED_LINKS:
            self._scheduled_links.add(link)

    @property
    def _refusals(self) -> RefusedLinks:
        if self._refused is None:
            self._refused = RefusedLinks(self.crawler.stats)
        return self._refused

    def _denied(self, url: str) -> bool:
        """The profile's `deny` patterns (path and query) refuse this URL, wherever it was found."""
        if self.profile.denies(url):
            self.crawler.stats.inc_value("health/links/denied")
            return True
        return False

    def _http_failure(self, response: Response) -> None:
        """An error status that retries (if any) did not cure: counted, logged and listed once per URL."""
        if response.url not in self.failed_urls:
            self.crawler.stats.inc_value(f"health/failed/http_{response.status}")
            # (a resumed run answers a stored page from disk before the demo's routing has marked it)
            expected = response.meta.get(EXPECTED_FAILURE) or demo_expected_failure(self, response.url)
            if expected:
                logger.info("failed %s: http_%d (expected: %s)", response.url, response.status, expected)
            else:
                logger.warning("failed %s: http_%d", response.url, response.status)
        self.failed_urls.setdefault(response.url, f"http_{response.status}")

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        outcome, reason = failure_reason(failure)  # ("failed" | "skipped" | "internal", reason)
        if outcome == "internal":  # our own bug: not the site's failure, never retried as one next run
            count_internal_error(self.crawler.stats, "request", request.url, failure)
            return
        if outcome == "skipped":
            self.crawler.stats.inc_value(f"health/skipped/{reason}")
            logger.debug("skipped %s: %s: %s", request.url, reason, failure.getErrorMessage())
            return
        url = (request.meta.get("redirect_urls") or [request.url])[0]  # the URL asked for, not a redirect hop
        self.crawler.stats.inc_value(f"health/failed/{reason}")
        self.failed_urls[url] = reason
        logger.warning("failed %s: %s: %s", url, reason, failure.getErrorMessage())

