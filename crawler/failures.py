"""Why a request failed, and which failures of an earlier run deserve another try.

`failure_reason` names why a request failed (`timeout`, `too_large`,
`redirect_loop`, ...): from the crawl's own exception types (crawler/exceptions.py),
the download errors' types, and, for Scrapy's own IgnoreRequests, which carry
their reason only in the message, crawler.scrapy_compat. `previous_failures`
reads the URLs an earlier run of the same site gave up on for a reason worth
another try.
"""


import logging
from pathlib import Path

from scrapy.exceptions import IgnoreRequest
from twisted.python.failure import Failure

from cleaning.storage.manifests import list_runs
from crawler.exceptions import RequestFailed, RequestSkipped
from crawler.safety import is_http_url
from crawler.scrapy_compat import scrapy_ignore_reason

logger = logging.getLogger(__name__)

# --- failures -------------------------------------------------------------------

_EXCEPTION_REASONS = {
    "DownloadTimeoutError": "timeout", "TimeoutError": "timeout", "TCPTimedOutError": "timeout",
    "DownloadCancelledError": "too_large",
    "ResponseDataLossError": "data_loss", "_DataLoss": "data_loss", "PotentialDataLoss": "data_loss",
    "DownloadConnectionRefusedError": "connection_refused", "ConnectionRefusedError": "connection_refused",
    "CannotResolveHostError": "dns", "DNSLookupError": "dns",
    "DownloadFailedError": "connection_lost", "ConnectionLost": "connection_lost", "ConnectionDone": "connection_lost",
    "ResponseFailed": "connection_lost", "ResponseNeverReceived": "connection_lost",
    "ConnectionAborted": "connection_lost", "ConnectError": "connection_lost", "TunnelError": "proxy",
}

# Reasons worth another try in a later run (the server may be fine tomorrow).
RETRYABLE_REASONS = frozenset({"timeout", "data_loss", "connection_refused", "dns", "connection_lost", "proxy",
                               "http_408", "http_429", "http_500", "http_502", "http_503", "http_504",
                               "http_522", "http_524"})


def failure_reason(failure: Failure) -> tuple[str, str]:
    """("failed" | "skipped", reason) for an errback failure; skipped means the crawl chose not to fetch."""
    exc = failure.value
    if isinstance(exc, (RequestSkipped, RequestFailed)):
        return exc.outcome, exc.reason
    if isinstance(exc, IgnoreRequest):
        return scrapy_ignore_reason(exc)
    name = type(exc).__name__
    if name in _EXCEPTION_REASONS:
        return "failed", _EXCEPTION_REASONS[name]
    # Twisted wraps the real cause: ResponseFailed([Failure(_DataLoss)]) and the like.
    for inner in getattr(exc, "reasons", None) or []:
        inner_name = type(getattr(inner, "value", inner)).__name__
        if inner_name in _EXCEPTION_REASONS:
            return "failed", _EXCEPTION_REASONS[inner_name]
    return "failed", name


def previous_failures(root: Path, site: str, exclude_run: str = "") -> dict[str, str]:
    """URL -> reason of the latest finished earlier run of `site` that gave up on them for a retryable reason.

    A resumed run (same run id) is excluded: it retries its own frontier anyway.
    """
    for data in reversed(list_runs(root)):
        if (data.get("run_id") == exclude_run or data.get("kind", "crawl") != "crawl" or data.get("site") != site
                or not data.get("finished_at")):
            continue
        failed = data.get("failed_urls") or {}
        return {u: r for u, r in failed.items() if r in RETRYABLE_REASONS and is_http_url(u)}
    return {}


