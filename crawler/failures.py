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
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.statscollectors import StatsCollector
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


# Where the errors of a download come from: anything else raised on a request's way is our own code's.
_DOWNLOAD_MODULES = ("twisted.", "scrapy.core.downloader", "scrapy.core.http2", "h2.", "OpenSSL.", "service_identity",
                     "idna", "ssl", "socket", "urllib3", "w3lib")


def is_download_error(exc: BaseException) -> bool:
    """True for an error of the network, the server or the HTTP stack; False for a bug in the crawl's own
    middlewares, pipelines or callbacks (a KeyError, a TypeError ... raised on a request's way)."""
    if isinstance(exc, (OSError, IgnoreRequest)) or type(exc).__name__ in _EXCEPTION_REASONS:
        return True
    module = type(exc).__module__ or ""
    return module.startswith(_DOWNLOAD_MODULES) or (module == "scrapy.exceptions")


def failure_reason(failure: Failure) -> tuple[str, str]:
    """("failed" | "skipped" | "internal", reason) for an errback failure. skipped: the crawl chose not to
    fetch; failed: the site or the network failed (listed, maybe retried next run); internal: the crawl's own
    code raised (reason: the exception's type), which is no fault of the site and fails the run."""
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
    return ("failed" if is_download_error(exc) else "internal"), name


INTERNAL_STATS = "health/internal/"  # health/internal/<where> = errors raised by the crawl's own code


def count_internal_error(stats: StatsCollector, where: str, url: str, exc: BaseException | Failure) -> None:
    """Counts (and logs, with its traceback) an error of the crawl's own code: the run ends `failed`."""
    stats.inc_value(INTERNAL_STATS + "errors")
    stats.inc_value(INTERNAL_STATS + where)
    value = exc.value if isinstance(exc, Failure) else exc
    if not stats.get_value(INTERNAL_STATS + "first"):
        stats.set_value(INTERNAL_STATS + "first", f"{where} {url}: {type(value).__name__}: {value}"[:300])
    logger.error("internal error (%s) at %s: %s: %s: a bug in the crawler, not a fault of the site", where, url,
                 type(value).__name__, value,
                 exc_info=(type(value), value, value.__traceback__) if value.__traceback__ else None)


def internal_errors(crawl_stats: dict[str, Any]) -> list[str]:
    """The run's internal errors as one problem line (or none)."""
    count = int(crawl_stats.get(INTERNAL_STATS + "errors") or 0)
    if not count:
        return []
    where = ", ".join(f"{k.removeprefix(INTERNAL_STATS)} {v}" for k, v in sorted(crawl_stats.items())
                      if k.startswith(INTERNAL_STATS) and k.removeprefix(INTERNAL_STATS) not in ("errors", "first"))
    return [f"internal: {count} error(s) in the crawler's own code ({where}), not the site's; pages they hit are "
            f"missing; first: {crawl_stats.get(INTERNAL_STATS + 'first', '?')}"]


class InternalErrors:
    """Counts exceptions Scrapy caught in the crawl's own callbacks, spider middlewares and item pipelines
    (signals spider_error, item_error), so they fail the run instead of vanishing into the log."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)
        crawler.signals.connect(self.item_error, signal=signals.item_error)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "InternalErrors":
        return cls(crawler)

    def spider_error(self, failure: Failure, response: Any, spider: Any = None) -> None:
        count_internal_error(self.stats, "callback", getattr(response, "url", "?"), failure)

    def item_error(self, item: Any, response: Any, spider: Any = None, failure: Failure | None = None) -> None:
        url = (item.get("url") if hasattr(item, "get") else None) or getattr(response, "url", "?")
        count_internal_error(self.stats, "pipeline", url, failure if failure is not None else RuntimeError("?"))


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


