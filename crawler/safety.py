"""Safety and politeness on a hostile web.

What a page may make the crawl do, and how the crawl treats a struggling server:

* `SafeLinksMiddleware` (spider middleware): a link, sitemap entry or feed item
  found on a page is followed only if it is http(s), on one of the allowed
  domains (any port, subdomains included) and, when the page came from a public
  address, not on a loopback, private, link-local or otherwise reserved address.
  Start URLs are the operator's choice and are never refused, loopback included.
* `SafeRequestMiddleware` (downloader middleware, before robots.txt): the same
  rules again for every request that came from a page or a redirect, including
  retried requests, which Scrapy's offsite filter lets through (`dont_filter`),
  and names in the allowed domains that resolve to a private address.
* `RedirectGuardMiddleware` (downloader middleware, before redirects are
  followed): a redirect loop, or a redirect to another host, another scheme or
  from a public page to a private address, ends the request with a reason.
* `BackoffRetryMiddleware` replaces Scrapy's RetryMiddleware: retries wait
  `HEALTH_RETRY_BACKOFF * 2**(n-1)` seconds (at most `HEALTH_RETRY_BACKOFF_MAX`),
  and a `Retry-After` header (seconds or an HTTP date) pauses the whole host for
  that long, at most `HEALTH_RETRY_AFTER_MAX` seconds; a server asking for more
  than that is not retried in this run (the URL is listed for the next one).
* `CrawlDelay` (extension): a robots.txt `Crawl-delay` becomes the minimum
  spacing between requests to that host (at most `HEALTH_CRAWL_DELAY_MAX`),
  whatever AutoThrottle would choose.
* `failure_reason` names why a request failed (`timeout`, `too_large`,
  `redirect_loop`, ...); `previous_failures` reads the URLs an earlier run of
  the same site gave up on for a reason worth another try.

Nothing here evaluates page content: URLs are parsed, never executed.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import logging
import re
import socket
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.response import response_status_message
from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

HTTP_SCHEMES = ("http", "https")
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_LEGACY_IPV4 = re.compile(r"^(0x[0-9a-f]+|\d+)(\.(0x[0-9a-f]+|\d+)){0,3}$", re.I)


# --- addresses ---------------------------------------------------------------

def ip_of(host: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host literal stands for, or None for a name.

    Accepts the forms a resolver accepts too: 127.0.0.1, [::1], ::ffff:127.0.0.1,
    and the legacy IPv4 spellings 2130706433, 0x7f.1, 127.1, 0177.0.0.1.
    """
    if not host:
        return None
    host = host.strip("[]").lower().rstrip(".")
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        if not _LEGACY_IPV4.match(host):
            return None
        try:
            ip = ipaddress.ip_address(socket.inet_ntoa(socket.inet_aton(host)))
        except OSError:
            return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_private_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for every address that is not plainly public: loopback, private, link-local, reserved..."""
    return not ip.is_global or ip.is_multicast


@lru_cache(maxsize=4096)
def is_private_host(host: str | None) -> bool:
    """True when `host` is an address literal that is not public, or a name for this machine."""
    if not host:
        return False
    name = host.strip("[]").lower().rstrip(".")
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return True
    ip = ip_of(name)
    return ip is not None and is_private_ip(ip)


def host_allowed(host: str | None, allowed_domains: Iterable[str]) -> bool:
    """`host` (no port) is one of the allowed domains or a subdomain of one; no allowed domains allows all."""
    domains = [d.lower().strip("[]") for d in allowed_domains if d]
    if not domains:
        return True
    if not host:
        return False
    host = host.lower().strip("[]").rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def link_refusal(url: str, origin: str | None, allowed_domains: Iterable[str]) -> str | None:
    """Why a URL found on page `origin` must not be followed (`scheme`, `offsite`, `private`), or None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "malformed"
    if parts.scheme not in HTTP_SCHEMES or not host:
        return "scheme"
    if not host_allowed(host, allowed_domains):
        return "offsite"
    if origin is not None and not is_private_host(_host(origin)) and is_private_host(host):
        return "private"
    return None


def is_http_url(url: str | None) -> bool:
    """An absolute http(s) URL with a host; what a sitemap or feed entry must be to be followed."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
        return parts.scheme in HTTP_SCHEMES and bool(parts.hostname)
    except ValueError:
        return False


class Refused(IgnoreRequest):
    """A request the safety rules refused; `reason` is one word (`private`, `offsite`, `scheme`, ...)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class RedirectFailure(IgnoreRequest):
    """A redirect that cannot be followed: `redirect_loop`, `redirect_offsite`, `redirect_private`, ..."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _allowed_domains(crawler: Crawler) -> list[str]:
    return list(getattr(crawler.spider, "allowed_domains", None) or [])


def _origin(request: Request) -> str | None:
    """The page a request came from: the last redirect hop, else the page the link was on."""
    redirects = request.meta.get("redirect_urls")
    if redirects:
        return redirects[-1]
    return request.meta.get("health_origin")


# --- spider middleware: links found on pages ----------------------------------

class SafeLinksMiddleware:
    """Drops requests a page asked for that break the rules; stamps the rest with their origin page."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "SafeLinksMiddleware":
        return cls(crawler)

    def _check(self, item: Any, response: Response) -> Any:
        if not isinstance(item, Request):
            return item
        reason = link_refusal(item.url, response.url, _allowed_domains(self.crawler))
        if reason is not None:
            self.stats.inc_value(f"health/links/refused/{reason}")
            logger.debug("refused link %s on %s: %s", item.url, response.url, reason)
            return None
        item.meta.setdefault("health_origin", response.url)
        return item

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any],
                                          spider: Spider | None = None) -> AsyncIterator[Any]:
        async for item in result:
            out = self._check(item, response)
            if out is not None:
                yield out

    def process_spider_output(self, response: Response, result: Iterable[Any],
                              spider: Spider | None = None) -> Iterator[Any]:
        for item in result:
            out = self._check(item, response)
            if out is not None:
                yield out


# --- downloader middlewares -----------------------------------------------------

class SafeRequestMiddleware:
    """Re-checks every request that came from a page or a redirect, just before robots.txt and download.

    Also resolves names (HEALTH_SAFE_RESOLVE) when a public page leads to another
    host, so that a name in the allowed domains pointing into a private network
    is refused too. Resolution goes through Scrapy's cached resolver; a name that
    does not resolve is left to the download, which fails with `dns`.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.resolve = crawler.settings.getbool("HEALTH_SAFE_RESOLVE", True)
        self._resolved: dict[str, bool] = {}  # host -> resolves to a private address

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "SafeRequestMiddleware":
        return cls(crawler)

    def _refuse(self, request: Request, reason: str, origin: str | None) -> None:
        self.stats.inc_value(f"health/links/refused/{reason}")
        raise Refused(reason, f"refused ({reason}): {request.url} (from {origin})")

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        origin = _origin(request)
        if origin is None:
            return None  # a start URL (the operator's choice), or robots.txt of a host already allowed
        reason = link_refusal(request.url, origin, _allowed_domains(self.crawler))
        if reason is not None:
            self._refuse(request, reason, origin)
        host, origin_host = _host(request.url), _host(origin)
        if (self.resolve and host and host != origin_host and ip_of(host) is None
                and not is_private_host(origin_host) and await self._resolves_private(host)):
            self._refuse(request, "private", origin)
        return None

    async def _resolves_private(self, host: str) -> bool:
        if host not in self._resolved:
            try:
                ip = ip_of(await self.resolve_host(host))
                self._resolved[host] = ip is not None and is_private_ip(ip)
            except Exception:  # noqa: BLE001 - unresolvable: the download fails and says so
                self._resolved[host] = False
        return self._resolved[host]

    @staticmethod
    async def resolve_host(host: str) -> str:
        """One IPv4 address of `host`, through the resolver Scrapy installed (and its DNS cache)."""
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor

        return await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[attr-defined]


class RedirectGuardMiddleware:
    """Ends a redirect that loops or leaves the rules, with a reason, before RedirectMiddleware follows it.

    Without it a loop is silently dropped by the duplicate filter and a redirect
    to another host by the offsite filter: the page would vanish uncounted.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RedirectGuardMiddleware":
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if (response.status not in (301, 302, 303, 307, 308) or request.meta.get("dont_redirect")
                or request.meta.get("handle_httpstatus_all")
                or response.status in request.meta.get("handle_httpstatus_list", ())):
            return response  # not a redirect RedirectMiddleware would follow
        location = response.headers.get("Location")
        if not location:
            return response
        target = urljoin(request.url, location.decode("latin-1").strip())
        seen = {u.split("#")[0] for u in [*request.meta.get("redirect_urls", []), request.url]}
        if target.split("#")[0] in seen:
            reason = "redirect_loop"
        else:
            refusal = link_refusal(target, request.url, _allowed_domains(self.crawler))
            if refusal is None:
                return response
            reason = f"redirect_{refusal}"
        self.stats.inc_value(f"health/redirects/{reason}")
        raise RedirectFailure(reason, f"{reason}: {request.url} -> {target}")


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
        self.backoff = max(0.0, settings.getfloat("HEALTH_RETRY_BACKOFF", 1.0))
        self.backoff_max = max(0.0, settings.getfloat("HEALTH_RETRY_BACKOFF_MAX", 60.0))
        self.retry_after_max = max(0.0, settings.getfloat("HEALTH_RETRY_AFTER_MAX", 120.0))
        self._paused: dict[str, float] = {}  # host -> wall-clock time until which the server asked us to wait

    def process_response(self, request: Request, response: Response,  # type: ignore[override]
                         spider: Spider | None = None) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        stats = self.crawler.stats
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is not None:
            stats.inc_value("health/retry/retry_after")
            host = _host(request.url) or ""
            until = time.time() + min(wait, self.retry_after_max)
            self._paused[host] = max(self._paused.get(host, 0.0), until)
            if wait > self.retry_after_max:
                stats.inc_value("health/retry/retry_after_too_long")
                logger.warning("%s: the server asks to retry in %.0f s, more than HEALTH_RETRY_AFTER_MAX (%.0f s); "
                               "not retried in this run, listed for the next one", request.url, wait,
                               self.retry_after_max)
                return response
        retry = self._retry(request, response_status_message(response.status))
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

    def _delay(self, retry: Request, wait: float | None) -> None:
        n = int(retry.meta.get("retry_times", 1))
        delay = min(wait, self.retry_after_max) if wait is not None else min(
            self.backoff * 2 ** max(n - 1, 0), self.backoff_max)
        retry.meta["health_retry_at"] = time.time() + delay

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        host = _host(request.url) or ""
        not_before = max(float(request.meta.get("health_retry_at", 0.0)), self._paused.get(host, 0.0))
        wait = min(not_before - time.time(), max(self.backoff_max, self.retry_after_max))
        if wait > 0:
            from scrapy.utils.asyncio import sleep

            self.crawler.stats.inc_value("health/retry/waits")
            await sleep(wait)
        return None


# --- robots.txt Crawl-delay -----------------------------------------------------

class CrawlDelay:
    """Honours robots.txt `Crawl-delay`: the host's downloader slot never spaces requests closer than that."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        self.crawler = crawler
        self.max_delay = crawler.settings.getfloat("HEALTH_CRAWL_DELAY_MAX", 30.0)
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT") or "*"
        self.delays: dict[str, float] = {}  # host -> seconds
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        # Connected after AutoThrottle's handler (extensions are set up in order), so this one has the last word.
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlDelay":
        return cls(crawler)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        try:
            delay = robotparser.crawl_delay(self.user_agent)
        except Exception:  # noqa: BLE001 - a broken robots.txt must not stop the crawl
            delay = None
        if not delay or delay <= 0:
            return
        host = _host(request.url) or ""
        self.delays[host] = min(float(delay), self.max_delay)
        self.crawler.stats.set_value(f"health/robots/crawl_delay/{host}", self.delays[host])
        logger.info("robots.txt of %s asks for a crawl delay of %s s (applied: %s s)", host, delay, self.delays[host])
        self._apply(request)

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        self._apply(request)

    def _apply(self, request: Request) -> None:
        delay = self.delays.get(_host(request.url) or "")
        if not delay:
            return
        downloader = self.crawler.engine.downloader  # type: ignore[union-attr]
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is None:
            _, slot = downloader._get_slot(request)  # creates it, so the next request already waits
        # Jitter spreads requests around the delay; keep the shortest spacing at the delay itself.
        floor = delay / (1 - slot.jitter) if 0 < slot.jitter < 1 else delay
        if slot.delay < floor:
            slot.delay = floor
        slot.concurrency = 1


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
    if isinstance(exc, (Refused, RedirectFailure)):
        return ("skipped" if isinstance(exc, Refused) else "failed"), exc.reason
    if isinstance(exc, IgnoreRequest):
        msg = str(exc)
        if "DOWNLOAD_MAXSIZE" in msg:
            return "failed", "too_large"
        if "max redirections" in msg:
            return "failed", "too_many_redirects"
        if "robots.txt" in msg:
            return "skipped", "robots"
        if "offsite" in msg.lower():
            return "skipped", "offsite"
        if "already stored" in msg or "unchanged" in msg or "not modified" in msg:
            return "skipped", "incremental"
        return "skipped", "ignored"
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
    runs = Path(root) / "_runs"
    if not runs.is_dir():
        return {}
    for path in sorted(runs.glob("*.json"), reverse=True):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (data.get("run_id") == exclude_run or data.get("kind", "crawl") != "crawl" or data.get("site") != site
                or not data.get("finished_at")):
            continue
        failed = data.get("failed_urls") or {}
        return {u: r for u, r in failed.items() if r in RETRYABLE_REASONS and is_http_url(u)}
    return {}


# --- settings ---------------------------------------------------------------------

def check_safety_settings(settings: Any) -> None:
    """Raises ValueError, naming the setting, for retry/size/robots settings that cannot work."""
    def number(name: str, minimum: float, integer: bool = False) -> None:
        value = settings.get(name)
        if value is None:
            return
        try:
            num = int(str(value)) if integer else float(value)
        except (TypeError, ValueError):
            num = None
        if num is None or num < minimum:
            kind = "an integer" if integer else "a number"
            raise ValueError(f"{name} must be {kind} >= {minimum:g}, not {value!r}")

    for name in ("HEALTH_RETRY_BACKOFF", "HEALTH_RETRY_BACKOFF_MAX", "HEALTH_RETRY_AFTER_MAX",
                 "HEALTH_CRAWL_DELAY_MAX", "DOWNLOAD_DELAY"):
        number(name, 0)
    number("DOWNLOAD_TIMEOUT", 0.001)
    for name in ("RETRY_TIMES", "DOWNLOAD_MAXSIZE", "DOWNLOAD_WARNSIZE", "REDIRECT_MAX_TIMES"):
        number(name, 0, integer=True)
    for name in ("CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN"):
        number(name, 1, integer=True)
