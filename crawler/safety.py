"""Link and request safety on a hostile web: what a page may make the crawl do.

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

Retries live in crawler/retry.py, robots.txt Crawl-delay in crawler/politeness.py,
failure reasons in crawler/failures.py. Nothing here evaluates page content: URLs
are parsed, never executed.
"""


import ipaddress
import logging
import re
import socket
from collections.abc import AsyncIterator, Iterable, Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response

from cleaning.dedup.urls import join_url
from crawler.config import setting
from crawler.exceptions import RequestFailed, RequestSkipped

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


def url_host(url: str) -> str | None:
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
    if origin is not None and not is_private_host(url_host(origin)) and is_private_host(host):
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


class RefusedLinks:
    """Counts the links refused (`health/links/refused/<reason>`) and logs the first one per host and reason at
    DEBUG, as Scrapy's OffsiteMiddleware logs the first request per domain: a news page links ~100 pages on
    other sites, and a log record for each (Scrapy's logging builds every DEBUG record, whatever LOG_LEVEL
    lets through) cost more than refusing the link."""

    MAX_HOSTS = 100_000  # hosts remembered; after that each refusal is counted, not logged

    def __init__(self, stats: Any) -> None:
        self.stats = stats
        self._said: set[tuple[str, str | None]] = set()

    def refused(self, url: str, origin: str | None, reason: str) -> None:
        self.stats.inc_value(f"health/links/refused/{reason}")
        key = (reason, url_host(url))
        if key in self._said or len(self._said) >= self.MAX_HOSTS:
            return
        self._said.add(key)
        logger.debug("refused link %s on %s: %s (the next ones to that host are only counted: "
                     "health/links/refused/%s)", url, origin, reason, reason)


class Refused(RequestSkipped):
    """A request the safety rules refused; `reason` is one word (`private`, `offsite`, `scheme`, ...)."""


class RedirectFailure(RequestFailed):
    """A redirect that cannot be followed: `redirect_loop`, `redirect_offsite`, `redirect_private`, ..."""


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
        self.refusals = RefusedLinks(crawler.stats)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "SafeLinksMiddleware":
        return cls(crawler)

    def _check(self, item: Any, response: Response) -> Any:
        if not isinstance(item, Request):
            return item
        reason = link_refusal(item.url, response.url, _allowed_domains(self.crawler))
        if reason is not None:
            self.refusals.refused(item.url, response.url, reason)
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
        self.resolve = setting(crawler.settings, "HEALTH_SAFE_RESOLVE")
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
        host, origin_host = url_host(request.url), url_host(origin)
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
        target = join_url(request.url, location.decode("latin-1").strip())
        if target is None:  # a malformed Location: Scrapy's redirect middleware has nothing to follow either
            return response
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


