"""Requests in Redis are JSON, never pickle (crawler/distributed/serializer.py)."""

from __future__ import annotations

import pytest

from crawler.distributed import serializer
from crawler.spiders.health import HealthSpider


def test_requests_round_trip_as_json_not_pickle() -> None:
    spider = HealthSpider()
    request = spider.request_for("http://demo.health.test/sitemap.xml", "sitemap", health_lastmod="2023-01-01")
    request.headers[b"If-None-Match"] = b'"abc"'
    data = serializer.encode_request(request, spider)
    assert data.startswith(b"{") and b"pickle" not in data
    again = serializer.decode_request(data, spider)
    assert again.url == request.url and again.callback == spider.parse_sitemap and again.errback == spider.on_error
    assert again.headers[b"If-None-Match"] == b'"abc"' and again.meta == request.meta


def test_bytes_and_non_string_keys_survive() -> None:
    value = {"body": b"\x00\xff", "headers": {b"Accept": [b"text/html"]}, "n": [1, 2.5, None, True]}
    assert serializer.loads(serializer.dumps(value)) == value


def test_anything_else_is_refused_not_pickled() -> None:
    with pytest.raises(TypeError, match="cannot store a set"):
        serializer.dumps({"x": {1, 2}})
