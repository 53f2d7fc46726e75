"""The crawl's own reasons for not fetching a request, as exception types (not message text).

Scrapy hands a request's IgnoreRequest to its errback; `crawler.failures.failure_reason` reads the
outcome and the one-word `reason` from these types. Subclasses name the component that raises them
(crawler.safety.Refused, crawler.safety.RedirectFailure).
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class RequestSkipped(IgnoreRequest):
    """The crawl chose not to fetch a request (`private`, `offsite`, `incremental`, ...): not a failure."""

    outcome = "skipped"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class RequestFailed(IgnoreRequest):
    """A request that cannot succeed (`redirect_loop`, `redirect_offsite`, ...): listed in the manifest."""

    outcome = "failed"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
