"""Link and request safety (crawler/safety.py): which links a page may make the crawl follow, and which
redirects end a request. The same rules in whole crawls: test_faults.py."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response

from crawler.exceptions import RequestFailed, RequestSkipped
from crawler.safety import (RedirectFailure, RedirectGuardMiddleware, Refused, SafeLinksMiddleware,
                            SafeRequestMiddleware, is_http_url, is_private_host, link_refusal)
from tests.support.crawler import open_spider, project_crawler


# --- the rules, one by one -------------------------------------------------------------------------

@pytest.mark.parametrize("host, private", [
    ("127.0.0.1", True), ("localhost", True), ("api.localhost", True), ("[::1]", True), ("::ffff:127.0.0.1", True),
    ("10.1.2.3", True), ("172.16.0.1", True), ("192.168.1.1", True), ("169.254.169.254", True), ("0.0.0.0", True),
    ("fd00::1", True), ("fe80::1", True), ("100.64.0.1", True), ("224.0.0.1", True),
    ("2130706433", True), ("0x7f000001", True), ("127.1", True), ("0177.0.0.1", True),  # legacy IPv4 spellings
    ("8.8.8.8", False), ("example.org", False), ("2606:4700::1111", False), ("", False), (None, False),
])
def test_private_hosts(host, private):
    assert is_private_host(host) is private



@pytest.mark.parametrize("url, origin, allowed, reason", [
    ("https://news.example.org/a", "https://news.example.org/", ["news.example.org"], None),
    ("https://news.example.org:8443/a", "https://news.example.org/", ["news.example.org"], None),  # any port
    ("https://m.news.example.org/a", "https://news.example.org/", ["news.example.org"], None),  # subdomain
    ("https://evil.org/a", "https://news.example.org/", ["news.example.org"], "offsite"),
    ("https://news.example.org.evil.org/", "https://news.example.org/", ["news.example.org"], "offsite"),
    ("javascript:alert(1)", "https://news.example.org/", ["news.example.org"], "scheme"),
    ("file:///etc/passwd", "https://news.example.org/", ["news.example.org"], "scheme"),
    ("ftp://news.example.org/x", "https://news.example.org/", ["news.example.org"], "scheme"),
    ("http://127.0.0.1:8080/admin", "https://news.example.org/", ["news.example.org", "127.0.0.1"], "private"),
    ("http://[::1]/", "https://news.example.org/", ["news.example.org", "::1"], "private"),
    ("http://127.0.0.1:8080/next", "http://127.0.0.1:8080/", ["127.0.0.1"], None),  # loopback site: fine
    ("http://127.0.0.1:8080/x", None, ["127.0.0.1"], None),  # a start URL: the operator's choice
    ("http://[::1", "https://news.example.org/", ["news.example.org"], "malformed"),
])
def test_link_rules(url, origin, allowed, reason):
    assert link_refusal(url, origin, allowed) == reason



@pytest.mark.parametrize("url, ok", [
    ("https://a.org/x", True), ("http://a.org", True), ("  http://a.org/  ", True),
    ("javascript:alert(1)", False), ("file:///etc/passwd", False), ("/relative", False), ("", False), (None, False),
    ("http://[::1", False),
])
def test_what_a_sitemap_or_feed_entry_must_be(url: str | None, ok: bool) -> None:
    assert is_http_url(url) is ok


def test_refusals_are_typed_skips_and_redirect_failures_typed_failures() -> None:
    assert isinstance(Refused("private", "x"), RequestSkipped)
    assert isinstance(RedirectFailure("redirect_loop", "x"), RequestFailed)


# --- the middlewares, built with Scrapy's get_crawler ------------------------------------------------

def _crawler(tmp_path: Path, **settings: Any):  # type: ignore[no-untyped-def]
    crawler = project_crawler(tmp_path, **settings)
    spider = open_spider(crawler, start_urls="https://www.example.org/,http://127.0.0.1:8080/")
    assert set(spider.allowed_domains) == {"www.example.org", "127.0.0.1"}
    return crawler


def test_links_found_on_a_page_are_checked_and_stamped_with_their_origin(tmp_path: Path) -> None:
    crawler = _crawler(tmp_path)
    mw = SafeLinksMiddleware.from_crawler(crawler)
    page = HtmlResponse("https://www.example.org/a", body=b"<html></html>")
    links = [Request("https://www.example.org/b"), Request("https://evil.org/"), Request("http://127.0.0.1:8080/x"),
             {"an": "item"}]
    out = list(mw.process_spider_output(page, links))
    assert [getattr(o, "url", o) for o in out] == ["https://www.example.org/b", {"an": "item"}]
    assert out[0].meta["health_origin"] == "https://www.example.org/a"
    stats = crawler.stats
    assert stats.get_value("health/links/refused/offsite") == 1
    assert stats.get_value("health/links/refused/private") == 1  # an allowed domain, yet loopback from a public page


def _refusal(mw: SafeRequestMiddleware, url: str, origin: str | None) -> str | None:
    request = Request(url, meta={"health_origin": origin} if origin else {})
    try:
        asyncio.run(mw.process_request(request))
    except Refused as exc:
        return exc.reason
    return None


def test_a_name_that_resolves_to_a_private_address_is_refused(tmp_path: Path) -> None:
    crawler = project_crawler(tmp_path)
    open_spider(crawler, start_urls="https://www.example.org/")
    mw = SafeRequestMiddleware.from_crawler(crawler)
    addresses = {"intranet.www.example.org": "10.0.0.5", "cdn.www.example.org": "93.184.216.34"}

    async def resolve(host: str) -> str:  # no DNS traffic: a table
        if host not in addresses:
            raise OSError("no such host")
        return addresses[host]

    mw.resolve_host = resolve  # type: ignore[method-assign]
    origin = "https://www.example.org/"
    assert _refusal(mw, "https://intranet.www.example.org/x", origin) == "private"
    assert _refusal(mw, "https://cdn.www.example.org/x", origin) is None
    assert _refusal(mw, "https://gone.www.example.org/x", origin) is None  # left to the download
    assert _refusal(mw, "https://intranet.www.example.org/x", None) is None  # a start URL: the operator's choice
    assert _refusal(mw, "https://intranet.www.example.org/y", "http://127.0.0.1/") is None  # from a private page
    assert _refusal(mw, "https://www.example.org/next", origin) is None  # same host: not resolved
    assert crawler.stats.get_value("health/links/refused/private") == 1


def test_retried_and_redirected_requests_are_checked_again(tmp_path: Path) -> None:
    """Scrapy's offsite filter lets `dont_filter` requests (retries) through; this middleware does not."""
    crawler = _crawler(tmp_path, HEALTH_SAFE_RESOLVE=False)
    mw = SafeRequestMiddleware.from_crawler(crawler)
    retried = Request("http://127.0.0.1:8080/admin", dont_filter=True,
                      meta={"redirect_urls": ["https://www.example.org/moved"]})
    with pytest.raises(Refused) as err:
        asyncio.run(mw.process_request(retried))
    assert err.value.reason == "private"
    assert _refusal(mw, "https://evil.org/", "https://www.example.org/") == "offsite"


def _redirect(url: str, location: str, status: int = 302, **meta: Any) -> tuple[Request, Response]:
    request = Request(url, meta=meta)
    return request, Response(url, status=status, headers={"Location": location}, request=request)


@pytest.mark.parametrize("url, location, meta, reason", [
    ("https://www.example.org/a", "/b", {}, None),
    ("https://www.example.org/a", "https://www.example.org/a#top", {}, "redirect_loop"),
    ("https://www.example.org/b", "/a", {"redirect_urls": ["https://www.example.org/a"]}, "redirect_loop"),
    ("https://www.example.org/a", "https://evil.org/", {}, "redirect_offsite"),
    ("https://www.example.org/a", "http://127.0.0.1:8080/", {}, "redirect_private"),
    ("https://www.example.org/a", "javascript:alert(1)", {}, "redirect_scheme"),
    ("https://www.example.org/a", "https://evil.org/", {"dont_redirect": True}, None),  # not followed anyway
])
def test_redirects_that_loop_or_leave_the_rules_end_with_a_reason(tmp_path: Path, url: str, location: str,
                                                                  meta: dict[str, Any], reason: str | None) -> None:
    crawler = _crawler(tmp_path)
    mw = RedirectGuardMiddleware.from_crawler(crawler)
    request, response = _redirect(url, location, **meta)
    if reason is None:
        assert mw.process_response(request, response) is response
        return
    with pytest.raises(RedirectFailure) as err:
        mw.process_response(request, response)
    assert err.value.reason == reason
    assert crawler.stats.get_value(f"health/redirects/{reason}") == 1


def test_consoles_that_run_code_are_off_unless_a_setting_turns_them_on(tmp_path: Path) -> None:
    from scrapy.extensions.telnet import TelnetConsole

    crawler = project_crawler(tmp_path)
    assert crawler.settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert crawler.settings.getbool("REMOTE_CONTROL_ENABLED", False) is False
    assert crawler.get_extension(TelnetConsole) is None  # a whole crawl's log: tests/crawler/test_edges.py
