"""Spider and downloader middlewares of the health crawler, one job each."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from cleaning.dedup.urls import canonicalize_url
from crawler.config import setting
from crawler.exceptions import RequestSkipped
from crawler.ledger import FetchLedger
from crawler.runs import RunContext, require_run

logger = logging.getLogger(__name__)


class CanonicalUrlMiddleware:
    """Canonicalises every request URL before it is scheduled.

    Tracking parameters, session ids, fragments and default ports are dropped,
    so the duplicate filter sees one URL per page and a duplicate never costs a
    fetch. Links to a print or AMP variant of the page that declared itself
    canonical are dropped too.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CanonicalUrlMiddleware":
        return cls(crawler)

    def _canonical(self, result: Any, page_canonical: str | None) -> Any:
        if not isinstance(result, Request) or result.meta.get("dont_canonicalize"):
            return result
        url = canonicalize_url(result.url)
        if page_canonical and _is_variant_of(url, page_canonical):
            self.stats.inc_value("health/links/variant_skipped")
            return None
        if url != result.url:
            self.stats.inc_value("health/links/canonicalized")
            return result.replace(url=url)
        return result

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in start:
            out = self._canonical(item, None)
            if out is not None:
                yield out

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any],
                                          spider: Spider | None = None) -> AsyncIterator[Any]:
        page_canonical = _declared_canonical(response)  # once per page, not once per link
        async for item in result:
            out = self._canonical(item, page_canonical)
            if out is not None:
                yield out

    def process_spider_output(self, response: Response, result: Iterable[Any], spider: Spider | None = None) -> Iterable[Any]:
        page_canonical = _declared_canonical(response)
        for item in result:
            out = self._canonical(item, page_canonical)
            if out is not None:
                yield out


_VARIANT_QUERY = {"print", "amp", "output", "view", "format"}


def _declared_canonical(response: Response) -> str | None:
    """The canonical URL a page declares with <link rel=canonical>, canonicalised; None if none."""
    if not hasattr(response, "xpath"):
        return None
    try:
        declared = response.xpath("//link[@rel='canonical']/@href").get()
    except Exception:  # not HTML
        return None
    return canonicalize_url(response.urljoin(declared)) if declared else None


def _is_variant_of(url: str, canonical: str) -> bool:
    """True when `url` is a print/AMP variant of `canonical`, the URL its linking page declared."""
    parts, cparts = urlsplit(url), urlsplit(canonical)
    if (parts.netloc, parts.path) == (cparts.netloc, cparts.path) and parts.query:
        keys = {kv.split("=", 1)[0].lower() for kv in parts.query.split("&")}
        return bool(keys) and keys <= _VARIANT_QUERY
    path = parts.path.rstrip("/")
    return parts.netloc == cparts.netloc and (path == cparts.path.rstrip("/") + "/amp" or path.endswith(".amp"))


class DemoRoutingMiddleware:
    """Routes requests for the demo host to the loopback server the spider started.

    The demo server acts as an HTTP proxy, so URLs keep the fixed demo host name
    and do not change with the server's ephemeral port.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "DemoRoutingMiddleware":
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        server = getattr(self.crawler.spider, "demo_server", None)
        if server is not None and urlsplit(request.url).hostname == server.site.host:
            request.meta["proxy"] = server.proxy_url


class IncrementalFetchMiddleware:
    """Skips articles already stored, or asks the server whether they changed.

    - stored by this run (a resumed crawl): skipped, never fetched twice;
    - stored by an earlier run and the sitemap's lastmod is not newer: skipped;
    - otherwise: a conditional request (If-None-Match / If-Modified-Since); a
      304 answer ends the request with nothing new to write.
    Listing pages are always fetched: they are how new articles are found.
    """

    def __init__(self, crawler: Crawler) -> None:
        require_run(crawler)  # `scrapy fetch URL` shows the page as it is now, never "not modified"
        # With HEALTH_INCREMENTAL off, earlier runs' articles are fetched again, but a resumed
        # run still never fetches twice what it already stored.
        self.incremental = setting(crawler.settings, "HEALTH_INCREMENTAL")
        self.crawler = crawler
        self.stats = crawler.stats
        self.ledger: FetchLedger | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "IncrementalFetchMiddleware":
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        root = Path(setting(self.crawler.settings, "OUTPUT_DIR"))
        self.ledger = FetchLedger.load(root, run_id=RunContext.of(self.crawler).run_id)
        logger.info("incremental: %d articles known from earlier runs, %d stored by this run",
                    self.ledger.known_count, self.ledger.this_run_count)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.ledger is None or request.meta.get("health_kind") not in ("article", "unknown"):
            return None
        url = request.url
        if self.ledger.stored_this_run(url):
            self.stats.inc_value("health/incremental/already_stored")
            raise RequestSkipped("incremental", f"already stored by this run: {url}")
        entry = self.ledger.get(url) if self.incremental else None
        if entry is None:
            return None
        if self.ledger.unchanged_since(url, request.meta.get("health_lastmod")):
            self.stats.inc_value("health/incremental/unchanged_lastmod")
            raise RequestSkipped("incremental", f"unchanged since last fetch (sitemap lastmod): {url}")
        if entry.etag:
            request.headers.setdefault(b"If-None-Match", entry.etag.encode("latin-1"))
        if entry.last_modified:
            request.headers.setdefault(b"If-Modified-Since", entry.last_modified.encode("latin-1"))
        elif entry.fetched_at is not None:
            # Parquet hands back its own UTC tzinfo; format_datetime(usegmt=True) accepts only datetime's.
            fetched = entry.fetched_at.astimezone(timezone.utc)
            request.headers.setdefault(b"If-Modified-Since", format_datetime(fetched, usegmt=True).encode())
        return None

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status == 304 and request.meta.get("health_kind") in ("article", "unknown"):
            self.stats.inc_value("health/incremental/not_modified")
            raise RequestSkipped("incremental", f"not modified since last fetch: {request.url}")
        return response
