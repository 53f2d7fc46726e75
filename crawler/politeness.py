"""robots.txt Crawl-delay, applied: Scrapy parses it but never uses it.

`CrawlDelay` (extension): a robots.txt `Crawl-delay` becomes the minimum spacing
between requests to that host (at most `HEALTH_CRAWL_DELAY_MAX`), whatever
AutoThrottle would choose.
"""


import logging
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.config import setting
from crawler.safety import url_host
from crawler.scrapy_compat import download_slot, preset_download_slot

logger = logging.getLogger(__name__)


# --- robots.txt Crawl-delay -----------------------------------------------------

class CrawlDelay:
    """Honours robots.txt `Crawl-delay`: the host's downloader slot never spaces requests closer than that."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        self.crawler = crawler
        self.max_delay = setting(crawler.settings, "HEALTH_CRAWL_DELAY_MAX")
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT") or "*"
        self.jitter = crawler.settings.getfloat("DOWNLOAD_DELAY_JITTER")  # of slots that do not set their own
        self.delays: dict[str, float] = {}  # host -> seconds
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        # Connected after AutoThrottle's handler (extensions are set up in order), so this one has the last word.
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlDelay":
        return cls(crawler)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        try:
            delay = robotparser.crawl_delay(self.user_agent)
        except Exception:  # noqa: BLE001 - a broken robots.txt must not stop the crawl
            delay = None
        if not delay or delay <= 0:
            return
        host = url_host(request.url) or ""
        self.delays[host] = min(float(delay), self.max_delay)
        self.crawler.stats.set_value(f"health/robots/crawl_delay/{host}", self.delays[host])
        logger.info("robots.txt of %s asks for a crawl delay of %s s (applied: %s s)", host, delay, self.delays[host])
        self._apply(request)

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        self._apply(request)

    def _apply(self, request: Request) -> None:
        delay = self.delays.get(url_host(request.url) or "")
        if not delay:
            return
        slot = download_slot(self.crawler, request)
        if slot is None:  # no request went to the host yet: its slot is created with the delay
            preset_download_slot(self.crawler, request, delay=_floor(delay, self.jitter), concurrency=1,
                                 jitter=self.jitter)
            return
        floor = _floor(delay, slot.jitter)
        if slot.delay < floor:
            slot.delay = floor
        slot.concurrency = 1


def _floor(delay: float, jitter: float) -> float:
    """The slot delay whose jittered spacing (delay * (1 ± jitter)) is never shorter than `delay`."""
    return delay / (1 - jitter) if 0 < jitter < 1 else delay
