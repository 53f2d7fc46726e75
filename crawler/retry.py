"""Retries that back off, and honour Retry-After.

`BackoffRetryMiddleware` replaces Scrapy's RetryMiddleware: retries wait
`HEALTH_RETRY_BACKOFF * 2**(n-1)` seconds (at most `HEALTH_RETRY_BACKOFF_MAX`),
and a `Retry-After` header (seconds or an HTTP date) pauses the whole host for
that long, at most `HEALTH_RETRY_AFTER_MAX` seconds; a server asking for more
than that is not retried in this run (the URL is listed for the next one).
"""


import email.utils
import logging
import time
from datetime import timezone
from typing import Any

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Response
from scrapy.utils.response import response_status_message

from crawler.config import setting
from crawler.safety import url_host

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date), or None if absent or invalid."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware plus exponential backoff and Retry-After (see the module docstring).

    The wait happens in `process_request`, when the retried request comes back
    from the scheduler: it holds one of CONCURRENT_REQUESTS meanwhile, never a
    thread, and other hosts go on being crawled.
    """

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff = setting(settings, "HEALTH_RETRY_BACKOFF")
        self.backoff_max = setting(settings, "HEALTH_RETRY_BACKOFF_MAX")
        self.retry_after_max = setting(settings, "HEALTH_RETRY_AFTER_MAX")
        self._paused: dict[str, float] = {}  # host -> wall-clock time until which the server asked us to wait

    def process_response(self, request: Request, response: Response,  # type: ignore[override]
                         spider: Spider | None = None) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        stats = self.crawler.stats
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is not None:
            stats.inc_value("health/retry/retry_after")
            host = url_host(request.url) or ""
            until = time.time() + min(wait, self.retry_after_max)
            self._paused[host] = max(self._paused.get(host, 0.0), until)
            if wait > self.retry_after_max:
                stats.inc_value("health/retry/retry_after_too_long")
                logger.warning("%s: the server asks to retry in %.0f s, more than HEALTH_RETRY_AFTER_MAX (%.0f s); "
                               "not retried in this run, listed for the next one", request.url, wait,
                               self.retry_after_max)
                return response
        retry = self.retry_request(request, response_status_message(response.status))
        if retry is None:
            return response
        self._delay(retry, wait)
        return retry

    def process_exception(self, request: Request, exception: Exception,  # type: ignore[override]
                          spider: Spider | None = None) -> Request | Response | None:
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            self._delay(retry, None)
        return retry

    def retry_request(self, request: Request, reason: str) -> Request | None:
        """The retry of `request`, or None once its retries are used up (Scrapy's `get_retry_request`,
        with the per-request meta keys RetryMiddleware honours)."""
        assert self.crawler.spider is not None
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )

    def _delay(self, retry: Request, wait: float | None) -> None:
        n = int(retry.meta.get("retry_times", 1))
        delay = min(wait, self.retry_after_max) if wait is not None else min(
            self.backoff * 2 ** max(n - 1, 0), self.backoff_max)
        retry.meta["health_retry_at"] = time.time() + delay

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        host = url_host(request.url) or ""
        not_before = max(float(request.meta.get("health_retry_at", 0.0)), self._paused.get(host, 0.0))
        wait = min(not_before - time.time(), max(self.backoff_max, self.retry_after_max))
        if wait > 0:
            from scrapy.utils.asyncio import sleep

            self.crawler.stats.inc_value("health/retry/waits")
            await sleep(wait)
        return None


