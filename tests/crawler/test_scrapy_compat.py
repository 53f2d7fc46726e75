"""Every Scrapy internal crawler/scrapy_compat.py relies on, checked against the installed Scrapy.

A real engine crawls data: URLs in this process (Scrapy's reactorless mode, no network), and
Scrapy's own middlewares raise their own IgnoreRequests: if an upgrade moves or renames what the
adapter reads, a test here fails.
"""

from __future__ import annotations

import asyncio
import gzip
import re
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.scrapy_compat import (download_slot, downloads_in_progress, engine_idle, preset_download_slot,
                                   requests_in_progress, scrapy_ignore_reason, wake_engine)
from tests.support.crawler import crawl_in_process

REPO = Path(__file__).resolve().parents[2]


def test_the_engine_internals_the_adapter_reads_are_there() -> None:
    seen: dict[str, Any] = {}

    class Probe(scrapy.Spider):
        name = "probe"

        async def start(self):  # type: ignore[no-untyped-def]
            yield scrapy.Request("data:,one", callback=self.parse)

        def parse(self, response: Response) -> None:
            engine = self.crawler.engine
            in_progress = requests_in_progress(engine)
            seen["in_progress"] = in_progress is not None and response.request in in_progress
            seen["woken"] = wake_engine(engine)
            seen["slot"] = download_slot(self.crawler, response.request)
            seen["idle_while_parsing"] = engine_idle(engine)
            seen["downloads"] = downloads_in_progress(engine)

        def closed(self, reason: str) -> None:
            seen["after_close"] = requests_in_progress(self.crawler.engine)
            seen["idle_after_close"] = engine_idle(self.crawler.engine)

    crawl_in_process(Probe)
    assert seen["in_progress"], "the request being parsed is not in the engine's in-progress set"
    assert seen["woken"]
    assert seen["slot"] is not None and all(hasattr(seen["slot"], a) for a in ("delay", "jitter", "concurrency"))
    assert seen["after_close"] in (None, set())
    assert seen["idle_while_parsing"] is False  # a response is being processed
    assert seen["downloads"] == 0  # `data:` answered, nothing else asked
    assert isinstance(seen["idle_after_close"], bool)


def test_a_preset_slot_is_created_with_its_settings() -> None:
    seen: dict[str, Any] = {}

    class Probe(scrapy.Spider):
        name = "probe"

        async def start(self):  # type: ignore[no-untyped-def]
            first = scrapy.Request("data:,one", callback=self.parse, meta={"download_slot": "preset"})
            preset_download_slot(self.crawler, first, delay=0.01, concurrency=1, jitter=0.0)
            yield first

        def parse(self, response: Response) -> None:
            slot = download_slot(self.crawler, response.request)
            seen.update(delay=slot.delay, concurrency=slot.concurrency, jitter=slot.jitter)

    crawl_in_process(Probe, AUTOTHROTTLE_ENABLED=False)
    assert seen == {"delay": 0.01, "concurrency": 1, "jitter": 0.0}


# --- Scrapy's own IgnoreRequests, raised by Scrapy's own middlewares -------------------------------

def _raised(call: Any) -> IgnoreRequest:
    with pytest.raises(IgnoreRequest) as err:
        result = call()
        if asyncio.iscoroutine(result):
            asyncio.run(result)
    assert type(err.value) is IgnoreRequest  # the plain class: only the message says why
    return err.value


def test_the_redirect_limit() -> None:
    from scrapy.downloadermiddlewares.redirect import RedirectMiddleware

    crawler = get_crawler(settings_dict={"REDIRECT_MAX_TIMES": 0})
    mw = RedirectMiddleware.from_crawler(crawler)
    request = scrapy.Request("http://a.org/")
    response = Response("http://a.org/", status=302, headers={"Location": "/b"}, request=request)
    exc = _raised(lambda: mw.process_response(request, response))
    assert scrapy_ignore_reason(exc) == ("failed", "too_many_redirects")


def test_robots_txt() -> None:
    from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
    from scrapy.robotstxt import ProtegoRobotParser

    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True})
    mw = RobotsTxtMiddleware.from_crawler(crawler)
    parser = ProtegoRobotParser(b"User-agent: *\nDisallow: /private/\n", None)
    exc = _raised(lambda: mw.process_request_2(parser, scrapy.Request("http://a.org/private/x")))
    assert scrapy_ignore_reason(exc) == ("skipped", "robots")


def test_the_offsite_filter() -> None:
    from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware

    class Site(scrapy.Spider):
        name = "site"
        allowed_domains = ["a.org"]

    crawler = get_crawler(Site)
    crawler.spider = Site.from_crawler(crawler)
    mw = OffsiteMiddleware.from_crawler(crawler)
    mw.spider_opened(crawler.spider)
    exc = _raised(lambda: mw.process_request(scrapy.Request("http://b.org/")))
    assert scrapy_ignore_reason(exc) == ("skipped", "offsite")


def test_the_decompression_cap() -> None:
    from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware

    crawler = get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": 1000})
    crawler.spider = scrapy.Spider.from_crawler(crawler, name="x")
    mw = HttpCompressionMiddleware.from_crawler(crawler)
    mw.open_spider(crawler.spider)
    request = scrapy.Request("http://a.org/")
    body = gzip.compress(b"x" * 100_000)
    response = HtmlResponse("http://a.org/", body=body, headers={"Content-Encoding": "gzip"}, request=request)
    exc = _raised(lambda: mw.process_response(request, response))
    assert scrapy_ignore_reason(exc) == ("failed", "too_large")


def test_anything_else_is_a_plain_skip() -> None:
    assert scrapy_ignore_reason(IgnoreRequest("Ignored request not in cache")) == ("skipped", "ignored")


def test_no_library_internal_is_used_outside_the_adapter() -> None:
    """Private attributes (`obj._name`) of other objects than our own `self` appear only in scrapy_compat.py."""
    allowed = {REPO / "crawler" / "scrapy_compat.py"}
    offenders = []
    for path in (REPO / "crawler").rglob("*.py"):
        if path in allowed:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for match in re.finditer(r"(\w+)\._[a-z]\w*", code):
                if match.group(1) not in ("self", "cls"):
                    offenders.append(f"{path.relative_to(REPO)}:{n}: {line.strip()}")
    assert offenders == []


def test_the_feed_exporter_handler_the_adapter_calls_is_there() -> None:
    import inspect

    from scrapy.extensions.feedexport import FeedExporter

    # crawler.scrapy_compat.export_to_feeds calls it directly; the demo crawl's feed test exports through it
    assert list(inspect.signature(FeedExporter.item_scraped).parameters)[1:3] == ["item", "spider"]
