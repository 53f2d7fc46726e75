"""Crawl budgets (crawler/budgets.py) and sitemaps fed a batch at a time (crawler/sitemaps.py), on the spider
built with get_crawler. Whole crawls of loopback sites: tests/crawler/test_coverage.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, XmlResponse

from crawler.budgets import BudgetMiddleware, CrawlBudgets
from crawler.exceptions import RequestSkipped
from crawler.sitemaps import BATCH_PRIORITY, SITEMAP_BATCH, SitemapBatchMiddleware, SitemapEntries
from crawler.spiders.health import HealthSpider
from tests.support.crawler import open_spider, project_crawler

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
PROFILE = """name = "budgetsite"
start_urls = ["https://a.org/"]
allowed_domains = ["a.org"]

[urls]
article = ['^/article/']
listing = ['^/$', '^/cat/']

[selectors]
title = "h1"
body = "article"
"""


def _generic(tmp_path: Path, **settings) -> HealthSpider:  # type: ignore[no-untyped-def]
    return open_spider(project_crawler(tmp_path, **settings), start_urls="https://a.org/")


def _profiled(tmp_path: Path, **settings) -> HealthSpider:  # type: ignore[no-untyped-def]
    path = tmp_path / "budgetsite.toml"
    path.write_text(PROFILE, encoding="utf-8")
    return open_spider(project_crawler(tmp_path / "out", **settings), site=str(path))


def _page(spider: HealthSpider, url: str, body: str, kind: str, depth: int) -> HtmlResponse:
    request = spider.request_for(url, kind, depth)
    return HtmlResponse(url, body=body.encode(), encoding="utf-8", request=request)


def _followed(spider: HealthSpider, response: HtmlResponse) -> list[tuple[str, str, int]]:
    return [(r.url, r.meta["health_kind"], r.meta["health_depth"]) for r in spider.parse(response)
            if isinstance(r, Request)]


def test_pagination_never_costs_depth_in_a_generic_crawl(tmp_path: Path) -> None:
    spider = _generic(tmp_path, HEALTH_GENERIC_DEPTH=2)
    body = '<link rel="next" href="/?page=5"><a href="/a1">Walking</a><a href="/?page=3">3</a>'
    assert sorted(_followed(spider, _page(spider, "https://a.org/?page=4", body, "listing", 0))) == [
        ("https://a.org/?page=3", "listing", 0), ("https://a.org/?page=5", "listing", 0),
        ("https://a.org/a1", "unknown", 1)]
    # At the generic depth, a page still leads to its next page, not to other links; the run is not partial.
    deep = _followed(spider, _page(spider, "https://a.org/a1", body, "unknown", 2))
    assert sorted(deep) == [("https://a.org/?page=3", "unknown", 2), ("https://a.org/?page=5", "unknown", 2)]
    assert not [k for k in spider.crawler.stats.get_stats() if k.startswith("health/partial/")]


def test_a_profile_crawl_counts_depth_from_the_nearest_listing_and_stops_at_the_budget(tmp_path: Path) -> None:
    spider = _profiled(tmp_path, HEALTH_MAX_DEPTH=1)
    body = '<a href="/article/x">x</a><a href="/cat/sleep">c</a><a href="/elsewhere">e</a>'
    out = _followed(spider, _page(spider, "https://a.org/article/deep", body, "article", 1))
    assert out == [("https://a.org/cat/sleep", "listing", 0)]  # the article link would be 2 hops from a listing
    stats = spider.crawler.stats
    assert stats.get_value("health/budget/depth") == 1
    assert "HEALTH_MAX_DEPTH" in stats.get_value("health/partial/budget_depth")
    out = _followed(spider, _page(spider, "https://a.org/cat/sleep", body, "listing", 0))
    assert ("https://a.org/article/x", "article", 1) in out


def test_a_profile_follows_pagination_of_its_listings_even_where_its_patterns_do_not_match(tmp_path: Path) -> None:
    spider = _profiled(tmp_path)
    body = '<a href="/archive?page=2">Next</a><a href="/article/x">x</a>'
    out = _followed(spider, _page(spider, "https://a.org/", body, "listing", 0))
    assert sorted(out) == [("https://a.org/archive?page=2", "listing", 0), ("https://a.org/article/x", "article", 1)]
    # On an article, a next page the profile does not know stays unfollowed.
    assert _followed(spider, _page(spider, "https://a.org/article/y", body, "article", 1)) == [
        ("https://a.org/article/x", "article", 2)]


def test_links_into_traps_are_not_followed_and_counted(tmp_path: Path) -> None:
    spider = _generic(tmp_path)
    body = ('<a href="/events/2099/01/">Next month</a><a href="/p?sid=123abc">p</a><a href="/x/y/x/y/x/">x</a>'
            '<a href="/ok">ok</a>')
    out = _followed(spider, _page(spider, "https://a.org/", body, "listing", 0))
    assert sorted(url for url, _, _ in out) == ["https://a.org/ok", "https://a.org/p"]
    stats = spider.crawler.stats
    assert [stats.get_value(f"health/traps/{k}") for k in ("calendar", "session_id", "repeating_path")] == [1, 1, 1]


def _urlset(n: int, host: str = "https://a.org") -> bytes:
    body = "".join(f"<url><loc>{host}/p/{i}</loc></url>" for i in range(n))
    return f'<?xml version="1.0"?><urlset {NS}>{body}</urlset>'.encode()


def _sitemap(spider: HealthSpider, body: bytes, **meta) -> XmlResponse:  # type: ignore[no-untyped-def]
    request = spider.request_for("https://a.org/sitemap.xml", "sitemap", **meta)
    return XmlResponse(request.url, body=body, request=request)


def _batch(spider: HealthSpider, batch: Request) -> list[Request]:
    response = SitemapBatchMiddleware().process_request(batch)
    assert response is not None and response.request is batch
    return list(getattr(spider, batch.callback.__name__)(response))  # by name, as a resumed crawl finds it


def test_a_big_sitemap_is_fed_a_batch_at_a_time_and_nothing_is_lost(tmp_path: Path) -> None:
    spider = _generic(tmp_path)
    out = list(spider.parse_sitemap(_sitemap(spider, _urlset(2 * SITEMAP_BATCH + 10))))
    pages, batch = out[:-1], out[-1]
    assert [r.url for r in pages] == [f"https://a.org/p/{i}" for i in range(SITEMAP_BATCH)]
    assert batch.priority == BATCH_PRIORITY and batch.dont_filter and batch.callback == spider.parse_sitemap_batch
    second = _batch(spider, batch)
    assert [r.url for r in second[:-1]] == [f"https://a.org/p/{i}" for i in range(SITEMAP_BATCH, 2 * SITEMAP_BATCH)]
    third = _batch(spider, second[-1])
    assert [r.url for r in third] == [f"https://a.org/p/{i}" for i in range(2 * SITEMAP_BATCH, 2 * SITEMAP_BATCH + 10)]
    assert spider.crawler.stats.get_value("health/sitemap/urls") == 2 * SITEMAP_BATCH + 10
    assert spider.crawler.stats.get_value("health/sitemap/batches") == 2


def test_a_batch_this_process_did_not_read_fetches_the_sitemap_again_from_where_it_ended(tmp_path: Path) -> None:
    spider = _generic(tmp_path)
    batch = list(spider.parse_sitemap(_sitemap(spider, _urlset(SITEMAP_BATCH + 5))))[-1]
    other = _generic(tmp_path / "resumed")  # a resumed crawl, or another worker of a distributed one
    again = _batch(other, batch)
    assert len(again) == 1 and again[0].callback == other.parse_sitemap and again[0].dont_filter
    assert again[0].meta["health_sitemap_skip"] == SITEMAP_BATCH
    rest = list(other.parse_sitemap(_sitemap(other, _urlset(SITEMAP_BATCH + 5), **again[0].meta)))
    assert [r.url for r in rest] == [f"https://a.org/p/{i}" for i in range(SITEMAP_BATCH, SITEMAP_BATCH + 5)]


def test_the_sitemap_url_budget_stops_reading_and_says_how_many_were_left(tmp_path: Path) -> None:
    spider = _generic(tmp_path, HEALTH_MAX_SITEMAP_URLS=1500)
    batch = list(spider.parse_sitemap(_sitemap(spider, _urlset(5000))))[-1]
    second = _batch(spider, batch)
    assert len(second) == 500 and all(r.meta["health_kind"] == "unknown" for r in second)
    stats = spider.crawler.stats
    assert stats.get_value("health/budget/sitemap_urls") == 3500
    assert stats.get_value("health/partial/budget_sitemap_urls").endswith("3500 sitemap URLs not followed")


def test_nested_sitemap_indexes_stop_at_the_nesting_budget(tmp_path: Path) -> None:
    spider = _generic(tmp_path, HEALTH_MAX_SITEMAP_DEPTH=2)
    index = f'<?xml version="1.0"?><sitemapindex {NS}><sitemap><loc>https://a.org/s9.xml</loc></sitemap></sitemapindex>'
    out = list(spider.parse_sitemap(_sitemap(spider, index.encode(), health_sitemap_depth=1)))
    assert [(r.url, r.meta["health_sitemap_depth"]) for r in out] == [("https://a.org/s9.xml", 2)]
    assert list(spider.parse_sitemap(_sitemap(spider, index.encode(), health_sitemap_depth=2))) == []
    assert spider.crawler.stats.get_value("health/budget/sitemap_depth") == 1


def test_sitemap_entries_are_read_safely_from_hostile_or_broken_xml() -> None:
    entities = (f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                f'<urlset {NS}><url><loc>https://a.org/&x;</loc></url><url><loc>https://a.org/ok</loc>'
                "<lastmod>2026-01-01</lastmod></url></urlset>").encode()
    entries = SitemapEntries(entities)
    assert [e for e in entries if "root:" not in e[0]][-1] == ("https://a.org/ok", "2026-01-01")
    truncated = SitemapEntries(f'<?xml version="1.0"?><urlset {NS}><url><loc>https://a.org/1</loc></url><url><lo'
                               .encode())
    assert list(truncated) == [("https://a.org/1", None)]
    assert truncated.error and "broken XML" in truncated.error  # what was lost is said, not passed over
    whole = SitemapEntries(f'<urlset {NS}><url><loc>https://a.org/1</loc></url></urlset>'.encode())
    assert list(whole) == [("https://a.org/1", None)] and whole.error is None
    garbage = SitemapEntries(b"\x00\x01not xml at all")
    assert list(garbage) == [] and garbage.error
    html = SitemapEntries(b"<html><body><a href='/x'>x</a></body></html>")
    assert list(html) == [] and "not a sitemap" in (html.error or "")


def test_a_gzipped_sitemap_is_read_as_the_xml_it_holds() -> None:
    import gzip

    from crawler.sitemaps import MAX_XML_BYTES, start_kind

    xml = f'<urlset {NS}>{"".join(f"<url><loc>https://a.org/{i}</loc></url>" for i in range(3))}</urlset>'.encode()
    packed = gzip.compress(xml)
    assert [loc for loc, _ in SitemapEntries(packed)] == [f"https://a.org/{i}" for i in range(3)]
    assert start_kind(b"application/x-gzip", packed) == ("sitemap", "urlset")
    assert start_kind(b"application/octet-stream", packed) == ("sitemap", "urlset")
    broken = SitemapEntries(packed[: len(packed) // 2])
    assert list(broken) == [] or broken.error  # cut short: what could be read, and why the rest was not
    bomb = SitemapEntries(gzip.compress(b"<urlset>" + b" " * (MAX_XML_BYTES + 10) + b"</urlset>"))
    assert list(bomb) == [] and "does not decompress" in (bomb.error or "")


def test_the_page_budgets_count_what_is_sent_and_refuse_the_rest(tmp_path: Path) -> None:
    spider = _generic(tmp_path, HEALTH_MAX_PAGES_PER_SITE=3, HEALTH_MAX_LISTING_PAGES=1)
    middleware = BudgetMiddleware.from_crawler(spider.crawler)
    middleware.process_request(spider.request_for("https://a.org/", "listing"))
    with pytest.raises(RequestSkipped) as refused:
        middleware.process_request(spider.request_for("https://a.org/?page=2", "unknown", health_pagination=True))
    assert refused.value.reason == "budget_listing_pages"
    middleware.process_request(spider.request_for("https://a.org/a", "unknown"))
    middleware.process_request(spider.request_for("https://a.org/a", "unknown", retry_times=1))  # not again
    middleware.process_request(spider.request_for("https://a.org/sitemap.xml", "sitemap"))  # not a page
    middleware.process_request(spider.request_for("https://b.org/a", "unknown"))  # another site
    middleware.process_request(spider.request_for("https://a.org/b", "unknown"))
    with pytest.raises(RequestSkipped) as refused:
        middleware.process_request(spider.request_for("https://a.org/c", "unknown"))
    assert refused.value.reason == "budget_pages"
    budgets = CrawlBudgets.of(spider.crawler)
    assert budgets.pages["a.org"] == 3 and budgets.site_full("https://a.org/d") and not budgets.site_full("https://b.org/")
    assert _followed(spider, _page(spider, "https://a.org/b", '<a href="/z">z</a>', "unknown", 0)) == []
    stats = spider.crawler.stats
    assert stats.get_value("health/budget/pages") == 2 and stats.get_value("health/budget/listing_pages") == 1
    assert "HEALTH_MAX_PAGES_PER_SITE" in stats.get_value("health/partial/budget_pages")
