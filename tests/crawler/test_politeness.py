"""robots.txt Crawl-delay applied (crawler/politeness.py), on Scrapy's real downloader slots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import scrapy
from scrapy import signals
from scrapy.http import Response
from scrapy.robotstxt import ProtegoRobotParser

from crawler.politeness import CrawlDelay
from crawler.scrapy_compat import download_slot
from tests.conftest import run_crawl
from tests.faultsite import FaultSite
from tests.support.crawler import crawl_in_process

NO_PROXY_ENV = {"http_proxy": "", "https_proxy": "", "HTTP_PROXY": "", "HTTPS_PROXY": ""}
FAST = ["-s", "HEALTH_GRAMMAR_BACKEND=none", "-s", "DOWNLOAD_TIMEOUT=2", "-s", "HEALTH_RETRY_BACKOFF=0.2",
        "-s", "HEALTH_RETRY_AFTER_MAX=3", "-s", "HEALTH_PROGRESS_INTERVAL=0"]


def _crawl_in_process(spidercls: type[scrapy.Spider], **settings: Any) -> None:
    crawl_in_process(spidercls, **{"ROBOTSTXT_OBEY": True, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY_JITTER": 0.5,
                                   "HEALTH_CRAWL_DELAY_MAX": 30.0, "EXTENSIONS": {CrawlDelay: 50}, **settings})


def test_a_crawl_delay_sets_the_hosts_slot_before_and_after_its_first_request() -> None:
    seen: dict[str, Any] = {}

    class Probe(scrapy.Spider):
        name = "probe"

        async def start(self):  # type: ignore[no-untyped-def]
            robots = ProtegoRobotParser(b"User-agent: *\nCrawl-delay: 2\n", self)
            await self.crawler.signals.send_catch_log_async(signal=signals.robots_parsed, robotparser=robots,
                                                            request=scrapy.Request("http://a.org/x"))
            # The host's slot did not exist yet: it is created with the delay by the first request through it.
            yield scrapy.Request("data:,one", callback=self.parse, meta={"download_slot": "a.org"})

        def parse(self, response: Response) -> None:
            slot = download_slot(self.crawler, scrapy.Request("http://a.org/"))
            seen["first"] = (slot.delay, slot.concurrency, slot.jitter)
            slot.delay, slot.concurrency = 0.1, 8  # what AutoThrottle may do after a fast response
            delay = self.crawler.get_extension(CrawlDelay)
            delay.response_downloaded(response, scrapy.Request("http://a.org/y"), self)
            seen["after_response"] = (slot.delay, slot.concurrency)
            seen["stat"] = self.crawler.stats.get_value("health/robots/crawl_delay/a.org")

    _crawl_in_process(Probe)
    # With ±50% jitter the slot delay is doubled: its shortest spacing stays the 2 s asked for.
    assert seen["first"] == (4.0, 1, 0.5)
    assert seen["after_response"] == (4.0, 1)
    assert seen["stat"] == 2.0


def test_a_crawl_delay_is_capped() -> None:
    seen: dict[str, Any] = {}

    class Probe(scrapy.Spider):
        name = "probe"

        async def start(self):  # type: ignore[no-untyped-def]
            robots = ProtegoRobotParser(b"User-agent: *\nCrawl-delay: 3600\n", self)
            await self.crawler.signals.send_catch_log_async(signal=signals.robots_parsed, robotparser=robots,
                                                            request=scrapy.Request("http://a.org/x"))
            yield scrapy.Request("data:,one", callback=self.parse)

        def parse(self, response: Response) -> None:
            seen["delay"] = self.crawler.get_extension(CrawlDelay).delays["a.org"]

    _crawl_in_process(Probe, HEALTH_CRAWL_DELAY_MAX=5.0)
    assert seen["delay"] == 5.0


# --- in a whole crawl ----------------------------------------------------------------------------------

def test_crawl_delay_spaces_requests_to_the_host(tmp_path: Path):
    with FaultSite(crawl_delay=0.8, robots_sitemap=False) as site:
        run_crawl(tmp_path / "out", "-a", f"start_urls={site.url}articles/sleep-basics.html", *FAST,
                  "-s", "HEALTH_GENERIC_DEPTH=1", "-s", "AUTOTHROTTLE_START_DELAY=0", timeout=120, env=NO_PROXY_ENV)
        times = sorted(h.time for h in site.hits)
    assert len(times) >= 3
    robots_seen = min(h.time for h in site.hits if h.path == "/robots.txt")
    after = [t for t in times if t > robots_seen]
    gaps = [b - a for a, b in zip(after, after[1:])]
    assert gaps and min(gaps) >= 0.8 - 0.05, gaps


