"""Feed exports (crawler/feeds.py): `scrapy crawl health -o articles.jsonl` gives the committed articles."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pandas as pd
from scrapy.settings import Settings

from crawler.feeds import ARTICLE_ITEM, ArticleFeeds
from crawler.items import ArticleItem
from tests.conftest import run_crawl

FAST = ["-s", "HEALTH_PROGRESS_INTERVAL=0"]


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _manifest(out: Path, n: int) -> dict:
    return json.loads(sorted((out / "_runs").glob("*.json"))[n].read_text())


def test_the_demo_crawl_feeds_its_articles_and_a_rerun_feeds_the_whole_site(tmp_path: Path):
    out, feed = tmp_path / "out", tmp_path / "articles.jsonl"
    run_crawl(out, "-o", str(feed), *FAST)
    rows = _lines(feed)
    articles = pd.read_parquet(out / "articles")
    assert len(rows) == len(articles) > 0
    assert {r["article_id"] for r in rows} == set(articles["article_id"])
    assert set(rows[0]) == set(ArticleItem.fields)  # the dataset's columns, no raw page (html, status)
    by_id = articles.set_index("article_id")
    for r in rows:
        assert r["title"] == by_id.loc[r["article_id"], "title"] and r["body"] == by_id.loc[r["article_id"], "body"]

    # A re-run fetches no unchanged article again; `-O` (overwrite) still gets the site's current articles.
    rerun = tmp_path / "rerun.jsonl"
    run_crawl(out, "-O", str(rerun), *FAST)
    assert _manifest(out, -1)["status"] == "succeeded"
    assert sorted(r["article_id"] for r in _lines(rerun)) == sorted(r["article_id"] for r in rows)

    # HEALTH_FEED_ARTICLES=run: only what the run wrote (a re-run of an unchanged site: its revised articles)
    only_run = tmp_path / "run.jsonl"
    run_crawl(out, "-o", str(only_run), "-s", "HEALTH_FEED_ARTICLES=run", "-s", "HEALTH_DEMO_EDITS=" +
              rows[0]["url"].rsplit("/", 1)[1].removesuffix(".html"), *FAST)
    written = pd.read_parquet(out / "articles")
    last_run = _manifest(out, -1)["run_id"]
    assert sorted(r["article_id"] for r in _lines(only_run)) == \
        sorted(written.loc[written["run_id"] == last_run, "article_id"])
    assert 0 < len(_lines(only_run)) < len(rows)


def test_a_feed_of_raw_pages_gets_every_page_with_its_bytes(tmp_path: Path):
    out, feed = tmp_path / "out", tmp_path / "pages.jsonl"
    feeds = {str(feed): {"format": "jsonlines", "item_classes": ["crawler.items.PageItem"]}}
    run_crawl(out, "-s", "FEEDS=" + json.dumps(feeds), "-s", "HEALTH_CLEAN_ON_CLOSE=False", *FAST)
    rows = _lines(feed)
    pages = pd.read_parquet(out / "pages", columns=["url", "body"]).set_index("url")
    assert len(rows) == len(pages) > 0
    for r in rows:
        assert base64.b64decode(r["body"]) == pages.loc[r["url"], "body"]


def test_feeds_take_articles_unless_they_say_otherwise():
    settings = Settings({"HEALTH_RECORD_RUN": True, "FEEDS": {
        "a.jsonl": {"format": "jsonlines"},
        "pages.jsonl": {"format": "jsonlines", "item_classes": ["crawler.items.PageItem"]},
    }})
    ArticleFeeds().update_settings(settings)
    feeds = settings.getdict("FEEDS")
    assert feeds["a.jsonl"]["item_classes"] == [ARTICLE_ITEM]
    assert feeds["pages.jsonl"]["item_classes"] == ["crawler.items.PageItem"]


def test_outside_a_crawl_feeds_are_left_alone():
    import pytest
    from scrapy.exceptions import NotConfigured

    settings = Settings({"FEEDS": {"a.jsonl": {"format": "jsonlines"}}})
    with pytest.raises(NotConfigured):
        ArticleFeeds().update_settings(settings)
    assert "item_classes" not in settings.getdict("FEEDS")["a.jsonl"]

