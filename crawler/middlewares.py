"""Spider and downloader middlewares of the health crawler, one job each."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.response import get_base_url
from w3lib.http import basic_auth_header

from cleaning.dedup.urls import canonicalize_url
from crawler.arguments import url_origin
from crawler.config import setting
from crawler.demo.site import DELIBERATE_FAILURES
from crawler.exceptions import RequestSkipped
from crawler.ledger import FetchLedger, StoredPages
from crawler.runs import RunContext, require_run
from crawler.safety import join_url
from crawler.signals import requests_requeued

logger = logging.getLogger(__name__)

EXPECTED_FAILURE = "health_expected_failure"  # request meta: why this request is meant to fail (demo only)


class CanonicalUrlMiddleware:
    """Canonicalises every request URL before it is scheduled.

    Tracking parameters, session ids, fragments and default ports are dropped,
    so the duplicate filter sees one URL per page and a duplicate never costs a
    fetch. The path keeps its final slash: the server and the page's relative
    links may depend on it. Links to a print or AMP variant of the page that
    declared itself canonical are dropped too.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CanonicalUrlMiddleware":
        return cls(crawler)

    def _canonical(self, result: Any, page_canonical: str | None) -> Any:
        if not isinstance(result, Request) or result.meta.get("dont_canonicalize"):
            return result
        url = canonicalize_url(result.url, keep_trailing_slash=True)
        if page_canonical and _is_variant_of(canonicalize_url(url), page_canonical):
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
        declared = response.xpath("descendant-or-self::link[@rel='canonical']/@href").get()
    except Exception:  # not HTML
        return None
    target = join_url(get_base_url(response), declared) if declared else None  # relative to a <base href>
    return canonicalize_url(target) if target else None


def _is_variant_of(url: str, canonical: str) -> bool:
    """True when `url` is a print/AMP variant of `canonical`, the URL its linking page declared."""
    parts, cparts = urlsplit(url), urlsplit(canonical)
    if (parts.netloc, parts.path) == (cparts.netloc, cparts.path) and parts.query:
        keys = {kv.split("=", 1)[0].lower() for kv in parts.query.split("&")}
        return bool(keys) and keys <= _VARIANT_QUERY
    path = parts.path.rstrip("/")
    return parts.netloc == cparts.netloc and (path == cparts.path.rstrip("/") + "/amp" or path.endswith(".amp"))


def demo_expected_failure(spider: Any, url: str) -> str | None:
    """Why the demo site fails `url` on purpose (`DELIBERATE_FAILURES`), when `spider` serves the demo;
    else None."""
    server = getattr(spider, "demo_server", None)
    if server is None or urlsplit(url).hostname != server.site.host:
        return None
    return DELIBERATE_FAILURES.get(urlsplit(url).path)


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
            why = demo_expected_failure(self.crawler.spider, request.url)
            if why:
                # A first run should not end with an unexplained ERROR for a failure the demo stages: the
                # spider says it is expected, and Scrapy's "Gave up retrying" goes to the debug log.
                request.meta[EXPECTED_FAILURE] = why
                request.meta["give_up_log_level"] = logging.DEBUG


class StartUrlAuthMiddleware:
    """Sends the credentials of a start URL given as `http://user:password@host/` as HTTP basic auth, to
    that start URL's origin (scheme, host and port) only.

    The spider's arguments keep them out of every URL (crawler/arguments.py), so they reach no page row,
    manifest, log line or report; a redirect to another origin goes without them.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._auth: dict[str, bytes] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StartUrlAuthMiddleware":
        return cls(crawler)

    def _by_origin(self) -> dict[str, bytes]:
        if self._auth is None:
            target = getattr(self.crawler.spider, "target", None)
            self._auth = {origin: basic_auth_header(user, password)
                          for origin, user, password in getattr(target, "credentials", ())}
        return self._auth

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        auth = self._by_origin()
        if auth and b"Authorization" not in request.headers:
            header = auth.get(url_origin(request.url))
            if header is not None:
                request.headers[b"Authorization"] = header
        return None


REPLAYED = "health_replayed"  # meta flag of a response answered from this run's stored pages (resume)


class IncrementalFetchMiddleware:
    """Answers pages this run already stored from disk; skips articles earlier runs stored, or asks the server
    whether they changed.

    - stored by this run (a resumed crawl): answered from the `pages` dataset, the bytes as received,
      flagged `meta["health_replayed"]`: the spider follows its links again (the links of a page that was
      stored but whose links were never fetched are how the rest of the site is found) and stores nothing;
    - stored by an earlier run and the sitemap's lastmod is not newer: skipped;
    - otherwise: a conditional request (If-None-Match / If-Modified-Since); a
      304 answer ends the request with nothing new to write.
    Listing pages are always fetched (unless this run stored them): they are how new articles are found.
    """

    def __init__(self, crawler: Crawler) -> None:
        require_run(crawler)  # `scrapy fetch URL` shows the page as it is now, never "not modified"
        # With HEALTH_INCREMENTAL off, earlier runs' articles are fetched again, but a resumed
        # run still never fetches twice what it already stored.
        self.incremental = setting(crawler.settings, "HEALTH_INCREMENTAL")
        self.crawler = crawler
        self.stats = crawler.stats
        self.ledger: FetchLedger | None = None
        self.stored: StoredPages | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.requests_requeued, signal=requests_requeued)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "IncrementalFetchMiddleware":
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        root = Path(setting(self.crawler.settings, "OUTPUT_DIR"))
        run_id = RunContext.of(self.crawler).run_id
        self.ledger = FetchLedger.load(root, run_id=run_id)
        self.stored = StoredPages.load(root, run_id)
        logger.info("incremental: %d articles known from earlier runs, %d pages stored by this run (answered from disk)",
                    self.ledger.known_count, len(self.stored))

    def requests_requeued(self) -> None:
        """A distributed worker died with requests in flight and they are back in the shared frontier: the
        pages it stored (and had not yet acknowledged) are answered from disk too, not stored twice."""
        if self.stored is not None:
            added = self.stored.refresh(RunContext.of(self.crawler).run_id)
            if added:
                self.stats.inc_value("health/resume/pages_found_after_requeue", added)

    def process_request(self, request: Request, spider: Spider | None = None) -> Response | None:
        kind = request.meta.get("health_kind")
        if self.stored is not None and kind is not None and request.url in self.stored:
            return self._replay(request)
        if self.ledger is None or kind not in ("article", "unknown"):
            return None
        url = request.url
        entry = self.ledger.get(url) if self.incremental else None
        if entry is None:
            return None
        if self.ledger.unchanged_since(url, request.meta.get("health_lastmod")):
            self.stats.inc_value("health/incremental/unchanged_lastmod")
            raise RequestSkipped("incremental", f"unchanged since last fetch (sitemap lastmod): {url}")
        # Only the validators the server itself gave are sent back. A server that gave none is asked
        # unconditionally and the new body is compared by content hash when the run is cleaned: an
        # If-Modified-Since made from our own fetch time would let a server with a wrong clock, or one that
        # answers 304 to anything, hide a changed article.
        if entry.etag:
            request.headers.setdefault(b"If-None-Match", entry.etag.encode("latin-1"))
        if entry.last_modified:
            request.headers.setdefault(b"If-Modified-Since", entry.last_modified.encode("latin-1"))
        if not (entry.etag or entry.last_modified):
            self.stats.inc_value("health/incremental/no_validators")
        return None

    def _replay(self, request: Request) -> Response:
        """The stored page as a response: the spider reads its links again, the pages dataset gets no second row."""
        assert self.stored is not None
        page = self.stored.get(request.url)
        assert page is not None
        headers = Headers()
        for name, value in (("Content-Type", page.content_type), ("ETag", page.etag),
                            ("Last-Modified", page.last_modified)):
            if value:
                headers[name] = value
        # The stored answer is final: an error status that retries did not cure is not retried again.
        request.meta[REPLAYED] = True
        request.meta["dont_retry"] = True
        self.stats.inc_value("health/resume/answered_from_disk")
        cls = responsetypes.from_args(headers=headers, url=page.url, body=page.body)
        return cls(url=page.url, status=page.status, headers=headers, body=page.body, request=request, flags=["stored"])

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status == 304 and request.meta.get("health_kind") in ("article", "unknown"):
            self.stats.inc_value("health/incremental/not_modified")
            raise RequestSkipped("incremental", f"not modified since last fetch: {request.url}")
        return response
