"""Why a request failed (crawler/failures.py), and which failures of an earlier run are tried again.
Every reason in a whole crawl against a hostile site: test_faults.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from twisted.internet.error import ConnectionLost, DNSLookupError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed

from crawler.exceptions import RequestFailed, RequestSkipped
from crawler.failures import RETRYABLE_REASONS, failure_reason, previous_failures
from crawler.safety import RedirectFailure, Refused


def _reason(exc: Exception) -> tuple[str, str]:
    failure = Failure(exc)
    failure.request = Request("http://a.org/")  # type: ignore[attr-defined]
    return failure_reason(failure)


@pytest.mark.parametrize("exc, expected", [
    (DownloadTimeoutError("slow"), ("failed", "timeout")),
    (DownloadCancelledError("big"), ("failed", "too_large")),
    (DNSLookupError("nowhere"), ("failed", "dns")),
    (ResponseFailed([Failure(ConnectionLost())]), ("failed", "connection_lost")),  # the cause inside the wrapper
    # An error of the crawl's own code (a middleware, a callback): internal, named by its type, not the site's
    (ValueError("odd"), ("internal", "ValueError")),
    (KeyError("health_kind"), ("internal", "KeyError")),
    (ConnectionRefusedError("no"), ("failed", "connection_refused")),
    (OSError("disk on the other side"), ("failed", "OSError")),  # an unnamed network error: still the site's
    # The crawl's own decisions, by type (crawler/exceptions.py), whatever the message says
    (Refused("private", "refused"), ("skipped", "private")),
    (RedirectFailure("redirect_loop", "a -> a"), ("failed", "redirect_loop")),
    (RequestSkipped("incremental", "robots.txt said nothing"), ("skipped", "incremental")),
    (RequestFailed("gone", "max redirections"), ("failed", "gone")),
    # Scrapy's own IgnoreRequests carry their reason only in the message (crawler/scrapy_compat.py)
    (IgnoreRequest("... exceeded DOWNLOAD_MAXSIZE (1 B) during decompression."), ("failed", "too_large")),
    (IgnoreRequest("max redirections reached"), ("failed", "too_many_redirects")),
    (IgnoreRequest("Forbidden by robots.txt"), ("skipped", "robots")),
    (IgnoreRequest("already stored by this run: http://a.org/"), ("skipped", "ignored")),  # not ours: no type
])
def test_failure_reasons(exc: Exception, expected: tuple[str, str]) -> None:
    assert _reason(exc) == expected


def test_retryable_reasons_are_the_ones_a_server_may_cure() -> None:
    assert {"timeout", "http_503", "http_429", "dns"} <= RETRYABLE_REASONS
    assert not {"http_404", "too_large", "redirect_loop", "robots", "private"} & RETRYABLE_REASONS


def test_previous_failures_reads_the_latest_finished_run_of_the_site(tmp_path: Path):
    runs = tmp_path / "_runs"
    runs.mkdir()

    def manifest(run_id: str, site: str, failed: dict, finished: bool = True) -> None:
        data = {"run_id": run_id, "kind": "crawl", "site": site, "failed_urls": failed}
        if finished:
            data["finished_at"] = "2024-01-01T00:00:00+00:00"
        (runs / f"{run_id}.json").write_text(json.dumps(data))

    manifest("20240101T000000Z_aaaaaa", "a.org", {"http://a.org/old": "timeout"})
    manifest("20240102T000000Z_bbbbbb", "a.org", {"http://a.org/1": "http_503", "http://a.org/2": "http_404",
                                                   "http://a.org/3": "too_large", "http://a.org/4": "timeout",
                                                   "javascript:x": "timeout"})
    manifest("20240103T000000Z_cccccc", "b.org", {"http://b.org/1": "timeout"})
    manifest("20240104T000000Z_dddddd", "a.org", {"http://a.org/running": "timeout"}, finished=False)
    (runs / "20240105T000000Z_eeeeee.json").write_text("{broken")
    assert previous_failures(tmp_path, "a.org") == {"http://a.org/1": "http_503", "http://a.org/4": "timeout"}
    assert previous_failures(tmp_path, "a.org", exclude_run="20240102T000000Z_bbbbbb") == {
        "http://a.org/old": "timeout"}
    assert previous_failures(tmp_path / "nowhere", "a.org") == {}




def test_errors_scrapy_caught_in_our_callbacks_and_pipelines_are_counted_as_internal(tmp_path: Path) -> None:
    from scrapy import signals
    from scrapy.http import HtmlResponse

    from crawler.failures import InternalErrors, internal_errors
    from tests.support.crawler import project_crawler

    crawler = project_crawler(tmp_path)
    assert crawler.get_extension(InternalErrors) is not None  # enabled in crawler/settings.py
    response = HtmlResponse("https://a.org/x", body=b"<html></html>")
    try:
        raise AttributeError("'NoneType' object has no attribute 'xpath'")
    except AttributeError:
        callback_failure = Failure()
    crawler.signals.send_catch_log(signals.spider_error, failure=callback_failure, response=response, spider=None)
    crawler.signals.send_catch_log(signals.item_error, item={"url": "https://a.org/y"}, response=response,
                                   spider=None, failure=Failure(TypeError("bad row")))
    stats = crawler.stats.get_stats()
    assert stats["health/internal/errors"] == 2
    assert stats["health/internal/callback"] == 1 and stats["health/internal/pipeline"] == 1
    assert stats["health/internal/first"].startswith("callback https://a.org/x: AttributeError")
    assert internal_errors(stats)[0].startswith("internal: 2 error(s)")
