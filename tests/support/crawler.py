"""Unit-test crawlers: Scrapy's `get_crawler` with this project's settings (crawler/settings.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.crawler import AsyncCrawlerRunner, Crawler
from scrapy.utils.reactor import is_reactor_installed
from scrapy.utils.test import get_crawler

import crawler.settings as project_settings
from crawler.spiders.health import HealthSpider


def project_crawler(output_dir: Path, **settings: Any) -> Crawler:
    """A crawler with the project's settings (extensions, middlewares, product defaults) as `scrapy crawl`
    sets them (HEALTH_RECORD_RUN on), and `settings` over them; its extensions are built (RunContext among them), its engine is not."""
    values = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
    values.pop("DOWNLOAD_HANDLERS", None)  # get_crawler chooses the ones that work without a reactor
    return get_crawler(HealthSpider, {**values, "OUTPUT_DIR": str(output_dir), "HEALTH_RECORD_RUN": True, **settings})


def open_spider(crawler: Crawler, **arguments: Any) -> HealthSpider:
    """The health spider of `crawler`, for a generic crawl of example.org unless `arguments` say otherwise."""
    spider = HealthSpider.from_crawler(crawler, **(arguments or {"start_urls": "http://example.org/"}))
    crawler.spider = spider
    return spider


def crawl_in_process(spidercls: type[Spider], **settings: Any) -> None:
    """Runs `spidercls` in this process with Scrapy's own defaults and `settings`, in Scrapy's reactorless
    mode: a real engine, downloader and slots, for spiders that fetch `data:` URLs only (no network)."""
    if is_reactor_installed():
        pytest.skip("a Twisted reactor is installed in this test process; in-process crawls need reactorless mode")

    async def crawl() -> None:
        runner = AsyncCrawlerRunner({"TWISTED_REACTOR_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
                                     "LOG_LEVEL": "WARNING", "DOWNLOAD_HANDLERS": {"http": None, "https": None},
                                     **settings})
        await runner.crawl(spidercls)

    asyncio.run(crawl())
