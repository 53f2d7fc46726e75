"""The comparison for bench/crawl_load.py: a bare Scrapy spider that fetches the same pages and does nothing else.

    scrapy runspider bench/bare_spider.py -a start=http://127.0.0.1:PORT/ -a stats=stats.json

Stock Scrapy settings (16 concurrent requests, 8 per domain, no robots.txt, no throttling); it follows
every link on the start host (skipping those Scrapy cannot request: `mailto:`, `javascript:`, malformed
URLs) and writes Scrapy's stats to `stats` when it closes.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import scrapy
from scrapy import signals


class BareSpider(scrapy.Spider):
    name = "bare"
    custom_settings = {"LOG_LEVEL": "INFO", "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": False}

    def __init__(self, start: str, stats: str = "", **kwargs):
        super().__init__(**kwargs)
        self.start_url = start
        self.stats_path = stats
        self.allowed_domains = [urlsplit(start).hostname]

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._dump_stats, signal=signals.engine_stopped)  # after CoreStats
        return spider

    async def start(self):
        yield scrapy.Request(self.start_url)

    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            try:
                request = response.follow(href)
            except ValueError:  # mailto:, tel:, a malformed URL: no page to fetch, and the page's other links stay
                continue
            yield request

    def _dump_stats(self):
        if self.stats_path:
            stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                     for k, v in self.crawler.stats.get_stats().items()}
            with open(self.stats_path, "w", encoding="utf-8") as fh:
                json.dump(stats, fh, indent=1)
