"""Start URLs pushed to Redis while the crawl runs (crawler/distributed/start_urls.py)."""

from __future__ import annotations

import json

import pytest

from crawler.distributed.start_urls import start_request
from crawler.spiders.health import HealthSpider


@pytest.mark.parametrize("entry, url, kind", [
    (b"https://a.org/x?utm_source=y", "https://a.org/x", "listing"),  # canonical; generic crawl: a listing
    (json.dumps({"url": "https://a.org/s.xml", "kind": "sitemap"}), "https://a.org/s.xml", "sitemap"),
    (json.dumps({"url": "https://a.org/y", "kind": "nonsense"}), "https://a.org/y", "listing"),
])
def test_pushed_entries_become_requests(entry: bytes | str, url: str, kind: str) -> None:
    spider = HealthSpider(start_urls="https://a.org/")
    request = start_request(spider, entry)
    assert request is not None and request.url == url and request.meta["health_kind"] == kind


def test_the_site_profile_classifies_pushed_urls() -> None:
    spider = HealthSpider(site="demo")
    request = start_request(spider, "http://demo.health.test/article/sleep-basics.html")
    assert request is not None and request.meta["health_kind"] == spider.profile.url_kind(request.url)


@pytest.mark.parametrize("entry", [b"ftp://a.org/", "not a url", "{broken json", json.dumps({"kind": "article"})])
def test_bad_entries_are_ignored(entry: bytes | str) -> None:
    assert start_request(HealthSpider(start_urls="https://a.org/"), entry) is None
