"""Feed exports: `scrapy crawl health -o articles.jsonl` (or FEEDS) gives the cleaned articles.

The spider's items are raw pages (`PageItem`), which only the pages dataset wants; what a Scrapy user
asks a feed for is the articles. So, in a crawl (HEALTH_RECORD_RUN):

- the `ArticleFeeds` add-on gives every feed that names no `item_classes` / `item_filter` of its own
  `item_classes: [crawler.items.ArticleItem]`, so Scrapy's feed exporter leaves the pages out (a feed that
  wants them says `item_classes: ["crawler.items.PageItem"]`);
- when the run's cleaning has committed (crawler/run_end.py), `export_articles` hands the articles to
  Scrapy's own feed exporter (every format, storage, `-o`/`-O`, batch and URI option of FEEDS works as
  documented), before the exporter closes its feeds (it runs after the run's end: EXTENSIONS order 250).

Which articles (HEALTH_FEED_ARTICLES): `site` (default), the current version of every article of the
crawled site in OUTPUT_DIR, so a re-run that found nothing new still gives the whole site; `run`, only the
article versions this run wrote. A run whose cleaning is skipped or fails feeds no article.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from crawler.config import setting
from crawler.items import ArticleItem

logger = logging.getLogger(__name__)

ARTICLE_ITEM = "crawler.items.ArticleItem"


class ArticleFeeds:
    """Scrapy add-on (ADDONS): a crawl's feeds take articles, not raw pages (see the module docstring)."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not setting(settings, "HEALTH_RECORD_RUN"):
            raise NotConfigured  # `scrapy runspider x.py -o f.jsonl`: the user's spider's items, untouched
        feeds = settings.getdict("FEEDS")
        if not feeds:
            return
        updated = {}
        for uri, options in feeds.items():
            options = dict(options or {})
            if "item_classes" not in options and "item_filter" not in options:
                options["item_classes"] = [ARTICLE_ITEM]
            updated[uri] = options
        settings.set("FEEDS", updated, priority=settings.getpriority("FEEDS") or "project")


def article_keys(root: Path, run_id: str, scope: str, site: str) -> set[tuple[str, str, int]]:
    """(run_id, article_id, version) of the rows a feed gets: the run's own rows (`run`), or the latest
    version of every article of `site` (`site`). Reads only the key columns, so memory stays small."""
    from cleaning.storage.datasets import read_rows

    if scope == "run":
        return {(r["run_id"], r["article_id"], r["version"])
                for r in read_rows(root, "articles", ["article_id", "version", "run_id"], run_id=run_id)}
    latest: dict[str, tuple[int, str]] = {}
    for r in read_rows(root, "articles", ["article_id", "version", "site", "run_id"]):
        if r["site"] == site and (r["article_id"] not in latest or r["version"] > latest[r["article_id"]][0]):
            latest[r["article_id"]] = (r["version"], r["run_id"])
    return {(run, article_id, version) for article_id, (version, run) in latest.items()}


def export_articles(crawler: Crawler, run_id: str) -> int | None:
    """Hands the committed articles to the crawl's feeds; how many, or None when the crawl has no feed."""
    from scrapy.extensions.feedexport import FeedExporter

    from cleaning.storage.datasets import read_rows
    from crawler.scrapy_compat import export_to_feeds

    feeds = crawler.get_extension(FeedExporter)
    if feeds is None:
        return None
    root = Path(setting(crawler.settings, "OUTPUT_DIR"))
    spider = crawler.spider
    scope = setting(crawler.settings, "HEALTH_FEED_ARTICLES")
    keys = article_keys(root, run_id, scope, getattr(spider, "site", ""))
    runs = {run for run, _, _ in keys}
    count = 0
    for run in sorted(runs):
        for row in read_rows(root, "articles", run_id=run):
            if (row["run_id"], row["article_id"], row["version"]) in keys:
                export_to_feeds(feeds, _item(row), spider)
                count += 1
    crawler.stats.set_value("health/feeds/articles", count)
    logger.info("run %s: %d articles (%s) handed to the feeds", run_id, count, scope)
    return count


def _item(row: dict[str, Any]) -> ArticleItem:
    return ArticleItem({name: row.get(name) for name in ArticleItem.fields})
