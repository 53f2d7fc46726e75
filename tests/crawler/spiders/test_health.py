"""The health spider (crawler/spiders/health.py): what it fetches, stores and follows, built with get_crawler.
Whole crawls of the demo site: tests/crawler/test_crawl_demo.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from twisted.python.failure import Failure

from crawler.exceptions import RequestSkipped
from crawler.items import PageItem
from crawler.runs import RunContext
from crawler.safety import RedirectFailure
from crawler.spiders.health import HealthSpider
from tests.support.crawler import open_spider, project_crawler


def _spider(tmp_path: Path, **settings) -> HealthSpider:  # type: ignore[no-untyped-def]
    return open_spider(project_crawler(tmp_path, **settings), start_urls="https://a.org/")


def _page(spider: HealthSpider, url: str, body: bytes, status: int = 200, kind: str = "listing", depth: int = 0,
          **headers: str) -> HtmlResponse:
    request = spider.request_for(url, kind, depth)
    return HtmlResponse(url, status=status, body=body, headers={"Content-Type": "text/html; charset=utf-8", **headers},
                        request=request)


def test_requests_carry_their_kind_depth_and_callback(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    for kind, callback in (("sitemap", spider.parse_sitemap), ("feed", spider.parse_feed),
                           ("robots", spider.parse_robots), ("article", spider.parse)):
        request = spider.request_for("https://a.org/x", kind, 2, health_lastmod="2026-01-01")
        assert request.callback == callback and request.errback == spider.on_error
        assert (request.meta["health_kind"], request.meta["health_depth"]) == (kind, 2)
        assert request.meta["health_lastmod"] == "2026-01-01" and 404 in request.meta["handle_httpstatus_list"]


def test_a_page_is_stored_raw_and_its_links_followed(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    body = b'<html><body><a href="/b">b</a><a href="mailto:x@a.org">m</a><a href="/b">again</a></body></html>'
    out = list(spider.parse(_page(spider, "https://a.org/", body, ETag='"e1"')))
    page, links = out[0], out[1:]
    assert isinstance(page, PageItem) and page["body"] == body and page["status"] == 200
    assert (page["etag"], page["declared_encoding"], page["kind"], page["profile"]) == ('"e1"', "utf-8", "listing", "")
    assert [(r.url, r.meta["health_kind"], r.meta["health_depth"]) for r in links] == [("https://a.org/b", "unknown", 1)]


def test_a_generic_crawl_stops_at_its_depth(tmp_path: Path) -> None:
    spider = _spider(tmp_path, HEALTH_GENERIC_DEPTH=1)
    out = list(spider.parse(_page(spider, "https://a.org/x", b'<a href="/y">y</a>', depth=1)))
    assert len(out) == 1 and isinstance(out[0], PageItem)  # stored, not followed


def test_an_error_page_is_stored_and_listed_once(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    for _ in range(2):
        out = list(spider.parse(_page(spider, "https://a.org/gone", b"<p>gone</p>", status=404)))
        assert len(out) == 1 and out[0]["status"] == 404
    assert spider.failed_urls == {"https://a.org/gone": "http_404"}
    assert spider.crawler.stats.get_value("health/failed/http_404") == 1


def test_what_is_not_html_is_not_stored(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    request = spider.request_for("https://a.org/f.pdf", "unknown")
    pdf = Response("https://a.org/f.pdf", body=b"%PDF", headers={"Content-Type": "application/pdf"}, request=request)
    assert list(spider.parse(pdf)) == []
    text = TextResponse("https://a.org/t", body=b"x", headers={"Content-Type": "text/plain"}, request=request)
    assert list(spider.parse(text)) == []
    assert spider.crawler.stats.get_value("health/skipped/not_html") == 2


def test_sitemaps_lead_to_pages_and_other_sitemaps_never_to_other_schemes(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b"<url><loc>https://a.org/p1</loc><lastmod>2026-01-02</lastmod></url>"
              b"<url><loc>javascript:alert(1)</loc></url><url><loc>/relative</loc></url></urlset>")
    request = spider.request_for("https://a.org/sitemap.xml", "sitemap")
    out = list(spider.parse_sitemap(XmlResponse(request.url, body=urlset, request=request)))
    assert [(r.url, r.meta["health_kind"], r.meta["health_lastmod"]) for r in out] == [
        ("https://a.org/p1", "unknown", "2026-01-02"), ("https://a.org/relative", "unknown", None)]
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>https://a.org/s2.xml</loc></sitemap></sitemapindex>")
    out = list(spider.parse_sitemap(XmlResponse(request.url, body=index, request=request)))
    assert [(r.url, r.meta["health_kind"]) for r in out] == [("https://a.org/s2.xml", "sitemap")]
    assert list(spider.parse_sitemap(XmlResponse(request.url, body=b"not xml at all", request=request))) == []
    stats = spider.crawler.stats
    assert stats.get_value("health/links/refused/scheme") == 1 and stats.get_value("health/sitemap/invalid") == 1


def test_feeds_and_robots_txt_lead_to_pages_and_sitemaps(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    feed = (b'<?xml version="1.0"?><rss><channel><item><link>https://a.org/post</link></item>'
            b"<item><link>file:///etc/passwd</link></item></channel></rss>")
    request = spider.request_for("https://a.org/feed.xml", "feed")
    out = list(spider.parse_feed(XmlResponse(request.url, body=feed, request=request)))
    assert [r.url for r in out] == ["https://a.org/post"]
    robots = spider.request_for("https://a.org/robots.txt", "robots")
    body = b"User-agent: *\nSitemap: https://a.org/sitemap.xml\n"
    out = list(spider.parse_robots(TextResponse(robots.url, body=body, request=robots)))
    assert [(r.url, r.meta["health_kind"]) for r in out] == [("https://a.org/sitemap.xml", "sitemap")]



def test_a_start_url_answering_a_sitemap_or_a_feed_is_read_as_one(tmp_path: Path) -> None:
    """Decided by the response, not the URL: any start URL's sitemap or feed is read; a link's is not."""
    spider = _spider(tmp_path)
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b"<url><loc>https://a.org/p1</loc></url></urlset>")
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="https://a.org/p2"/></entry></feed>')
    for url, body, ctype, expected in (
            ("https://a.org/", urlset, "application/xml", "https://a.org/p1"),  # no .xml in the URL
            ("https://a.org/sitemap", urlset, "text/html", "https://a.org/p1"),  # a sitemap served as HTML
            ("https://a.org/news", atom, "application/atom+xml", "https://a.org/p2")):
        start = spider.request_for(url, "listing", health_start=True)
        out = list(spider.parse(Response(url, body=body, headers={"Content-Type": ctype}, request=start)))
        assert [(r.url, r.meta["health_kind"]) for r in out] == [(expected, "unknown")], url
        assert not any(isinstance(r, PageItem) for r in out)
    link = spider.request_for("https://a.org/other.xml", "unknown", 1)
    xml = {"Content-Type": "application/xml"}
    assert list(spider.parse(XmlResponse(link.url, body=urlset, headers=xml, request=link))) == []  # a link: as before
    stats = spider.crawler.stats
    assert (stats.get_value("health/start/sitemap"), stats.get_value("health/start/feed")) == (2, 1)
    assert stats.get_value("health/skipped/not_html") == 1


def _failure(exc: Exception, request: Request) -> Failure:
    failure = Failure(exc)
    failure.request = request  # type: ignore[attr-defined]
    return failure


def test_errors_are_listed_under_the_url_asked_for_and_skips_are_only_counted(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    hop = Request("https://a.org/b", meta={"redirect_urls": ["https://a.org/a"]})
    spider.on_error(_failure(RedirectFailure("redirect_loop", "a -> b -> a"), hop))
    spider.on_error(_failure(RequestSkipped("incremental", "already stored"), Request("https://a.org/c")))
    assert spider.failed_urls == {"https://a.org/a": "redirect_loop"}
    stats = spider.crawler.stats
    assert stats.get_value("health/failed/redirect_loop") == 1 and stats.get_value("health/skipped/incremental") == 1


def test_start_requests_include_what_the_last_run_could_not_fetch(tmp_path: Path) -> None:
    import asyncio

    spider = _spider(tmp_path)
    runs = tmp_path / "_runs"
    runs.mkdir()
    (runs / "20200101T000000Z_aaaaaa.json").write_text(json.dumps({
        "run_id": "20200101T000000Z_aaaaaa", "kind": "crawl", "site": spider.site,
        "finished_at": "2020-01-01T00:00:00+00:00",
        "failed_urls": {"https://a.org/slow": "timeout", "https://a.org/gone": "http_404"}}))
    assert spider.run_id == RunContext.of(spider.crawler).run_id

    async def collect() -> list[Request]:
        return [r async for r in spider.start()]

    requests = asyncio.run(collect())
    assert [(r.url, r.meta["health_kind"]) for r in requests] == [
        ("https://a.org/", "listing"), ("https://a.org/robots.txt", "robots"), ("https://a.org/slow", "unknown")]
    assert requests[-1].meta["health_previous_failure"] == "timeout"
    # what failed may have been a sitemap (from robots.txt) or a feed: the retry is read by what it answers
    urlset = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.org/p1</loc></url>'
              b"</urlset>")
    retry = requests[-1]
    out = list(spider.parse(Response(retry.url, body=urlset, headers={"Content-Type": "application/xml"},
                                     request=retry)))
    assert [r.url for r in out] == ["https://a.org/p1"]


def test_a_site_profile_classifies_links(tmp_path: Path) -> None:
    crawler = project_crawler(tmp_path)
    spider = open_spider(crawler, site="demo")
    try:
        assert not spider.target.generic and spider.profile.name == "demo"
        assert (tmp_path / "_profiles").is_dir()  # cleaning later uses exactly this profile
        page = _page(spider, spider.profile.start_urls[0], b"<html></html>")
        item = next(iter(spider.parse(page)))
        assert item["profile"] == "demo" and item["profile_hash"] == spider.profile.content_hash
    finally:
        spider.stop_demo()


@pytest.mark.parametrize("kwargs", [{"site": "nope"}, {"start_urls": "ftp://a.org/"}])
def test_bad_arguments_fail_before_anything_starts(tmp_path: Path, kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        HealthSpider.check_arguments(kwargs, project_crawler(tmp_path).settings)


def test_the_demos_deliberate_failures_are_expected_also_when_answered_from_disk(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A resumed run replays a stored 404 before the demo's routing marks it: it is still the demo's staging."""
    import logging

    from crawler.demo.site import DELIBERATE_FAILURES

    crawler = project_crawler(tmp_path)
    spider = open_spider(crawler, site="demo")
    try:
        path = next(iter(DELIBERATE_FAILURES))
        url = spider.profile.start_urls[0].split("/", 3)[:3]
        replayed = HtmlResponse("/".join(url) + path, status=404, body=b"<h1>Not Found</h1>",
                                request=Request("/".join(url) + path))  # no meta from the routing
        with caplog.at_level(logging.INFO, logger="crawler.spiders.health"):
            spider._http_failure(replayed)
        assert "(expected: " in caplog.text and not [r for r in caplog.records if r.levelno >= logging.WARNING]
    finally:
        spider.stop_demo()


def test_a_page_whose_root_is_written_self_closed_is_stored_as_received_and_its_links_followed(tmp_path: Path) -> None:
    """`<html ... />` (seen on XHTML pages): Scrapy's link extractor found no link on such a page."""
    spider = _spider(tmp_path)
    body = (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            b'<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="de_DE" lang="de_DE" />\n'
            b'<head><title>Startseite</title></head><body><ul><li><a href="/artikel/1.html">Eins</a></li>'
            b'<li><a href="/artikel/2.html">Zwei</a></li></ul></body></html>')
    out = list(spider.parse(_page(spider, "https://a.org/", body)))
    assert out[0]["body"] == body  # the page is the record: kept byte for byte
    assert sorted(r.url for r in out[1:]) == ["https://a.org/artikel/1.html", "https://a.org/artikel/2.html"]


def test_links_to_other_sites_are_refused_before_a_request_is_built(tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    """SafeLinksMiddleware's rule, in the spider: no request for a link it would refuse, counted as it counts."""
    spider = _spider(tmp_path)
    others = "".join(f'<a href="https://other.org/{i}">o</a>' for i in range(5))
    body = (f'<html><body><a href="/b">b</a>{others}<a href="https://cdn.other.net/x">c</a>'
            '<a href="http://10.0.0.1/admin">private</a></body></html>').encode()
    with caplog.at_level("DEBUG", logger="crawler.safety"):
        out = list(spider.parse(_page(spider, "https://a.org/", body)))
    assert [r.url for r in out[1:]] == ["https://a.org/b"]
    stats = spider.crawler.stats
    assert stats.get_value("health/links/refused/offsite") == 7  # 10.0.0.1 too: not a.org
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused link")]
    assert len(said) == 3  # once per host: other.org, cdn.other.net, 10.0.0.1


def test_a_private_address_on_an_allowed_domain_is_refused_from_a_public_page(tmp_path: Path) -> None:
    crawler = project_crawler(tmp_path)
    spider = open_spider(crawler, start_urls="https://a.org/,http://127.0.0.1:8080/")
    body = b'<html><body><a href="http://127.0.0.1:8080/x">x</a><a href="https://a.org/y">y</a></body></html>'
    out = list(spider.parse(_page(spider, "https://a.org/", body)))
    assert [r.url for r in out[1:]] == ["https://a.org/y"]
    assert crawler.stats.get_value("health/links/refused/private") == 1


def test_a_link_whose_request_was_scheduled_gets_no_second_request(tmp_path: Path) -> None:
    """The duplicate filter would drop it; a link whose request never reached the scheduler (a middleware dropped
    it) is asked for again when another page links to it."""
    from scrapy import signals

    spider = _spider(tmp_path)
    first = list(spider.parse(_page(spider, "https://a.org/", b'<a href="/b">b</a><a href="/c">c</a>')))[1:]
    assert [r.url for r in first] == ["https://a.org/b", "https://a.org/c"]
    spider.crawler.signals.send_catch_log(signals.request_scheduled, request=first[0], spider=spider)  # /c: dropped
    again = list(spider.parse(_page(spider, "https://a.org/x", b'<a href="/b">b</a><a href="/c">c</a><a href="/d">d</a>')))
    assert [r.url for r in again[1:]] == ["https://a.org/c", "https://a.org/d"]
