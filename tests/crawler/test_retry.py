"""Retries that back off and honour Retry-After (crawler/retry.py). The waits in a whole crawl: test_faults.py."""

from __future__ import annotations

import asyncio
import time
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Response

from crawler.retry import BackoffRetryMiddleware, retry_after_seconds
from tests.support.crawler import open_spider, project_crawler


def test_retry_after_values():
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("0") == 0
    assert 9 <= retry_after_seconds(formatdate(time.time() + 10, usegmt=True)) <= 10.5
    assert retry_after_seconds(formatdate(time.time() - 100, usegmt=True)) == 0
    for bad in (None, b"", b"soon", b"-5", b"1e9", "Mon, 99 Foo 2024"):
        assert retry_after_seconds(bad) is None



def _middleware(tmp_path: Path, **settings: Any) -> BackoffRetryMiddleware:
    crawler = project_crawler(tmp_path, **{"HEALTH_RETRY_BACKOFF": 1.0, "HEALTH_RETRY_BACKOFF_MAX": 3.0,
                                           "HEALTH_RETRY_AFTER_MAX": 60.0, "RETRY_TIMES": 3, **settings})
    open_spider(crawler)
    return BackoffRetryMiddleware.from_crawler(crawler)


def _response(request: Request, status: int, **headers: str) -> Response:
    return Response(request.url, status=status, headers=headers, request=request)


def test_retries_back_off_exponentially_up_to_the_maximum(tmp_path: Path) -> None:
    mw = _middleware(tmp_path)
    request, delays = Request("http://a.org/x"), []
    for _ in range(3):
        before = time.time()
        retry = mw.process_response(request, _response(request, 500))
        assert isinstance(retry, Request) and retry.dont_filter
        delays.append(round(retry.meta["health_retry_at"] - before))
        request = retry
    assert delays == [1, 2, 3]  # 1 s, then doubled, capped by HEALTH_RETRY_BACKOFF_MAX
    last = _response(request, 500)
    assert mw.process_response(request, last) is last  # RETRY_TIMES used up: the response stays
    assert mw.crawler.stats.get_value("retry/max_reached") == 1


def test_retry_after_pauses_the_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mw = _middleware(tmp_path)
    request = Request("http://a.org/x")
    retry = mw.process_response(request, _response(request, 503, **{"Retry-After": "20"}))
    assert isinstance(retry, Request)
    assert 19 <= retry.meta["health_retry_at"] - time.time() <= 20.5
    assert mw.crawler.stats.get_value("health/retry/retry_after") == 1
    # Another request to the same host waits too (it is paused), one to another host does not.
    waited = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr("scrapy.utils.asyncio.sleep", sleep)
    asyncio.run(mw.process_request(Request("http://a.org/other")))
    asyncio.run(mw.process_request(Request("http://b.org/")))
    assert len(waited) == 1 and 19 <= waited[0] <= 20.5
    assert mw.crawler.stats.get_value("health/retry/waits") == 1


def test_a_retry_after_beyond_the_maximum_is_left_for_the_next_run(tmp_path: Path) -> None:
    mw = _middleware(tmp_path, HEALTH_RETRY_AFTER_MAX=5.0)
    request = Request("http://a.org/x")
    response = _response(request, 503, **{"Retry-After": "3600"})
    assert mw.process_response(request, response) is response
    assert mw.crawler.stats.get_value("health/retry/retry_after_too_long") == 1


@pytest.mark.parametrize("meta, status", [({"dont_retry": True}, 503), ({}, 404)])
def test_what_is_not_retried(tmp_path: Path, meta: dict[str, Any], status: int) -> None:
    mw = _middleware(tmp_path)
    request = Request("http://a.org/x", meta=meta)
    response = _response(request, status)
    assert mw.process_response(request, response) is response


def test_per_request_retry_limits_are_honoured(tmp_path: Path) -> None:
    mw = _middleware(tmp_path)
    request = Request("http://a.org/x", meta={"max_retry_times": 0})
    response = _response(request, 500)
    assert mw.process_response(request, response) is response


def test_download_errors_back_off_too(tmp_path: Path) -> None:
    mw = _middleware(tmp_path)
    before = time.time()
    retry = mw.process_exception(Request("http://a.org/x"), DownloadTimeoutError("slow"))
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    assert 0.9 <= retry.meta["health_retry_at"] - before <= 1.5
