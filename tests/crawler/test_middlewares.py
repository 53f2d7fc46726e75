"""The spider and downloader middlewares of crawler/middlewares.py, built with Scrapy's get_crawler."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from twisted.python.failure import Failure

from cleaning.storage.datasets import PartitionedWriter
from cleaning.storage.manifests import RunManifestFile
from crawler.exceptions import RequestSkipped
from crawler.failures import failure_reason
from crawler.middlewares import CanonicalUrlMiddleware, DemoRoutingMiddleware, IncrementalFetchMiddleware
from crawler.runs import RunContext
from tests.support.crawler import open_spider, project_crawler

# --- canonical URLs ---------------------------------------------------------------------------------


def _page(url: str, canonical: str | None = None) -> HtmlResponse:
    head = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return HtmlResponse(url, body=f"<html><head>{head}</head><body></body></html>".encode())


def test_links_are_canonical_before_they_are_scheduled(tmp_path: Path) -> None:
    crawler = project_crawler(tmp_path)
    mw = CanonicalUrlMiddleware.from_crawler(crawler)
    links = [Request("https://a.org/x?utm_source=feed&id=3#top"), Request("https://a.org/y"),
             Request("https://a.org/z?utm_source=x", meta={"dont_canonicalize": True}), "an item"]
    out = list(mw.process_spider_output(_page("https://a.org/"), links))
    assert [getattr(o, "url", o) for o in out] == ["https://a.org/x?id=3", "https://a.org/y",
                                                    "https://a.org/z?utm_source=x", "an item"]
    assert crawler.stats.get_value("health/links/canonicalized") == 1


@pytest.mark.parametrize("link", ["https://a.org/story?print=1", "https://a.org/story/amp", "https://a.org/story.amp",
                                  "https://a.org/story?output=amp&view=print"])
def test_print_and_amp_variants_of_the_page_itself_are_dropped(tmp_path: Path, link: str) -> None:
    crawler = project_crawler(tmp_path)
    mw = CanonicalUrlMiddleware.from_crawler(crawler)
    page = _page("https://a.org/story?ref=home", canonical="/story")
    out = list(mw.process_spider_output(page, [Request(link), Request("https://a.org/story?page=2")]))
    assert [o.url for o in out] == ["https://a.org/story?page=2"]  # a real query (pagination) stays
    assert crawler.stats.get_value("health/links/variant_skipped") == 1


def test_a_relative_canonical_is_read_against_the_pages_base_href(tmp_path: Path) -> None:
    crawler = project_crawler(tmp_path)
    mw = CanonicalUrlMiddleware.from_crawler(crawler)
    page = HtmlResponse("https://a.org/2024/story?ref=home", body=(
        b'<html><head><base href="https://a.org/health/"><link rel="canonical" href="story"></head></html>'))
    out = list(mw.process_spider_output(page, [Request("https://a.org/health/story?print=1"),
                                               Request("https://a.org/2024/story?print=1")]))
    assert [o.url for o in out] == ["https://a.org/2024/story?print=1"]  # only the canonical's variant is dropped


def test_start_requests_are_canonical_too(tmp_path: Path) -> None:
    import asyncio

    mw = CanonicalUrlMiddleware.from_crawler(project_crawler(tmp_path))

    async def start():  # type: ignore[no-untyped-def]
        yield Request("https://a.org/?utm_medium=x")
        yield Request("https://a.org/health/?utm_medium=x")  # the path's final slash is the server's business

    async def collect() -> list[Any]:
        return [r async for r in mw.process_start(start())]

    assert [r.url for r in asyncio.run(collect())] == ["https://a.org/", "https://a.org/health/"]


# --- demo routing -------------------------------------------------------------------------------------

def test_only_the_demo_host_goes_through_the_demo_server(tmp_path: Path) -> None:
    crawler = project_crawler(tmp_path)
    spider = open_spider(crawler, site="demo")
    try:
        mw = DemoRoutingMiddleware.from_crawler(crawler)
        demo = Request(f"http://{spider.demo_server.site.host}/index.html")
        other = Request("http://example.org/")
        mw.process_request(demo)
        mw.process_request(other)
        assert demo.meta["proxy"] == spider.demo_server.proxy_url
        assert "proxy" not in other.meta
    finally:
        spider.stop_demo()


# --- incremental fetching -------------------------------------------------------------------------------

EARLIER = "20260101T000000Z_aaaaaa"
FETCHED = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)


def _incremental(tmp_path: Path, **settings: Any) -> IncrementalFetchMiddleware:
    pages = PartitionedWriter(tmp_path, "pages", EARLIER, tag="t")
    for url, etag, modified in (("https://a.org/tagged", '"v1"', "Wed, 31 Dec 2025 10:00:00 GMT"),
                                ("https://a.org/untagged", None, None)):
        pages.write({"url": url, "status": 200, "fetched_at": FETCHED, "kind": "article", "etag": etag,
                     "last_modified": modified, "run_id": EARLIER}, partition="2026-01-01")
    pages.flush()
    RunManifestFile.open(tmp_path, EARLIER).update(cleaning={"status": "committed"})
    crawler = project_crawler(tmp_path, **settings)
    spider = open_spider(crawler)
    this_run = PartitionedWriter(tmp_path, "pages", RunContext.of(crawler).run_id, tag="t")
    this_run.write({"url": "https://a.org/resumed", "status": 200, "fetched_at": FETCHED, "kind": "article",
                    "content_type": "text/html; charset=utf-8", "etag": '"r1"',
                    "body": b'<html><body><a href="/next">next</a></body></html>',
                    "run_id": RunContext.of(crawler).run_id}, partition="2026-01-01")
    this_run.write({"url": "https://a.org/gone", "status": 404, "fetched_at": FETCHED, "kind": "listing",
                    "body": b"", "run_id": RunContext.of(crawler).run_id}, partition="2026-01-01")
    this_run.flush()
    mw = IncrementalFetchMiddleware.from_crawler(crawler)
    mw.spider_opened(spider)
    return mw


def _article(url: str, **meta: Any) -> Request:
    return Request(url, meta={"health_kind": "article", **meta})


def _skip_reason(call: Any) -> tuple[str, str]:
    with pytest.raises(RequestSkipped) as err:
        call()
    failure = Failure(err.value)
    failure.request = Request("https://a.org/")  # type: ignore[attr-defined]
    return failure_reason(failure)


def test_known_articles_are_asked_for_only_if_changed(tmp_path: Path) -> None:
    mw = _incremental(tmp_path)
    tagged, untagged = _article("https://a.org/tagged"), _article("https://a.org/untagged")
    assert mw.process_request(tagged) is None and mw.process_request(untagged) is None
    assert tagged.headers[b"If-None-Match"] == b'"v1"'
    assert tagged.headers[b"If-Modified-Since"] == b"Wed, 31 Dec 2025 10:00:00 GMT"
    # No validators from the server: asked unconditionally (the ledger's fetched_at, a timestamp read back from
    # Parquet, is never turned into an If-Modified-Since a server could answer 304 to); cleaning compares hashes.
    assert b"If-Modified-Since" not in untagged.headers and b"If-None-Match" not in untagged.headers
    assert mw.stats.get_value("health/incremental/no_validators") == 1
    new = _article("https://a.org/new")
    assert mw.process_request(new) is None and b"If-None-Match" not in new.headers


def test_what_is_known_unchanged_is_skipped_with_its_reason(tmp_path: Path) -> None:
    mw = _incremental(tmp_path)
    lastmod = _article("https://a.org/tagged", health_lastmod="2025-12-30")
    assert _skip_reason(lambda: mw.process_request(lastmod)) == ("skipped", "incremental")
    request = _article("https://a.org/tagged")
    not_modified = Response(request.url, status=304, request=request)
    assert _skip_reason(lambda: mw.process_response(request, not_modified)) == ("skipped", "incremental")
    stats = mw.stats
    assert (stats.get_value("health/incremental/unchanged_lastmod"),
            stats.get_value("health/incremental/not_modified")) == (1, 1)


def test_a_page_this_run_stored_is_answered_from_disk_so_its_links_are_followed_again(tmp_path: Path) -> None:
    mw = _incremental(tmp_path)
    for kind in ("article", "unknown", "listing"):
        request = Request("https://a.org/resumed?utm_source=x", meta={"health_kind": kind})  # by canonical URL
        response = mw.process_request(request)
        assert isinstance(response, HtmlResponse), kind
        assert response.status == 200 and response.url == "https://a.org/resumed"
        assert response.body == b'<html><body><a href="/next">next</a></body></html>'  # the bytes as received
        assert response.headers[b"ETag"] == b'"r1"' and response.encoding == "utf-8"
        assert response.meta["health_replayed"] and response.meta["dont_retry"]  # stored once, never retried
        assert response.css("a::attr(href)").get() == "/next"
    gone = mw.process_request(Request("https://a.org/gone", meta={"health_kind": "listing"}))
    assert gone is not None and gone.status == 404  # an error page is answered as stored, not fetched again
    assert mw.process_request(_article("https://a.org/never-stored")) is None
    assert mw.stats.get_value("health/resume/answered_from_disk") == 4


def test_listings_are_always_fetched(tmp_path: Path) -> None:
    mw = _incremental(tmp_path)
    listing = Request("https://a.org/tagged", meta={"health_kind": "listing"})
    assert mw.process_request(listing) is None and b"If-None-Match" not in listing.headers
    response = Response(listing.url, status=304, request=listing)
    assert mw.process_response(listing, response) is response


def test_with_incremental_off_earlier_runs_are_fetched_again_but_this_run_never_twice(tmp_path: Path) -> None:
    mw = _incremental(tmp_path, HEALTH_INCREMENTAL=False)
    tagged = _article("https://a.org/tagged", health_lastmod="2025-12-30")
    assert mw.process_request(tagged) is None and b"If-None-Match" not in tagged.headers
    assert mw.process_request(_article("https://a.org/resumed")).meta["health_replayed"]
