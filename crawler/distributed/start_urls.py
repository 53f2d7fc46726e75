"""Start URLs pushed to PREFIX:start_urls while a distributed crawl runs (scrapy-redis RedisSpider semantics).

    python -m crawler.distributed push URL [URL ...]

Whichever worker has room takes a batch; an entry is a URL or JSON {"url": ..., "kind": ...} (kind
defaults to what the site profile says). Pushed URLs are canonicalised and go through the shared
duplicate filter like any link.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler

from crawler.distributed.link import RedisLink

logger = logging.getLogger(__name__)

KINDS = ("article", "listing", "sitemap", "feed", "unknown")


def start_request(spider: Any, entry: bytes | str) -> Request | None:
    """The spider's request for one pushed entry, or None (logged) if it is not an absolute http(s) URL."""
    from cleaning.dedup.urls import canonicalize_url

    text = entry.decode("utf-8", "replace") if isinstance(entry, bytes) else str(entry)
    text = text.strip()
    kind = None
    if text.startswith("{"):
        try:
            data = json.loads(text)
            text, kind = str(data.get("url") or ""), data.get("kind")
        except (ValueError, AttributeError):
            text = ""
    if not text.startswith(("http://", "https://")):
        logger.warning("ignored pushed start URL %r: not an absolute http(s) URL", entry)
        return None
    url = canonicalize_url(text, keep_trailing_slash=True)  # the form to fetch (cleaning/dedup/urls.py)
    if kind not in KINDS:
        kind = "listing" if spider.target.generic else spider.profile.url_kind(url)
    return spider.request_for(url, kind, health_start=True)  # a sitemap or feed is read as one (parse)


class PushedStartUrls:
    def __init__(self, crawler: Crawler, link: RedisLink) -> None:
        self.crawler = crawler
        self.link = link
        self.batch = max(1, crawler.settings.getint("CONCURRENT_REQUESTS", 16))

    def feed(self, engine: Any) -> None:
        """Takes a batch of pushed start URLs when the engine has room."""
        if engine.needs_backout():
            return
        raw = self.link.call("reading pushed start URLs", self.link.client.lpop, self.link.keys.start_urls, self.batch)
        stats = self.crawler.stats
        for entry in raw or []:
            request = start_request(self.crawler.spider, entry)
            if request is None:
                stats.inc_value("health/distributed/start_urls_invalid")
                continue
            stats.inc_value("health/distributed/start_urls")
            engine.crawl(request)
