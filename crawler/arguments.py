"""Validation of the `health` spider's `-a` arguments, so a bad call fails before any request."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from cleaning.profiles import ProfileError, SiteProfile, load_profile

KNOWN_ARGS = {"site", "start_urls", "_job"}  # _job: the job id Scrapyd passes to every crawl it schedules


class ArgumentError(ValueError):
    """A spider argument is wrong; the message says which and how to fix it."""


@dataclass(frozen=True)
class CrawlTarget:
    profile: SiteProfile
    demo: bool  # serve the bundled demo site from inside the crawl
    generic: bool  # no profile: follow every same-site link, bounded by depth
    # (origin, user, password) of start URLs given as http://user:password@host/: sent as HTTP basic auth
    # to that origin only (crawler.middlewares.StartUrlAuthMiddleware), never kept in a URL.
    credentials: tuple[tuple[str, str, str], ...] = ()


def url_origin(url: str) -> str:
    """scheme://host:port of a URL, the port always spelled out, the host lower-case."""
    p = urlsplit(url)
    port = p.port or {"http": 80, "https": 443}.get(p.scheme, 0)
    return f"{p.scheme}://{(p.hostname or '').lower()}:{port}"


def split_credentials(url: str) -> tuple[str, tuple[str, str, str] | None]:
    """`http://u:pw@host/x` -> (`http://host/x`, (origin, u, pw)); a URL without userinfo comes back as is."""
    p = urlsplit(url)
    if p.username is None and p.password is None:
        return url, None
    netloc = p.netloc.rpartition("@")[2]
    bare = urlunsplit((p.scheme, netloc, p.path, p.query, p.fragment))
    return bare, (url_origin(bare), unquote(p.username or ""), unquote(p.password or ""))


def _parse_start_urls(value: str) -> tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]:
    """The start URLs without their credentials, and the credentials by origin."""
    from cleaning.redact import strip_credentials

    urls = tuple(u.strip() for u in value.split(",") if u.strip())
    if not urls:
        raise ArgumentError("start_urls is empty; give one or more absolute http(s) URLs separated by commas")
    bare: list[str] = []
    credentials: dict[str, tuple[str, str, str]] = {}
    for u in urls:
        shown = strip_credentials(u)  # an error message is printed: never with the password in it
        p = urlsplit(u)
        if p.scheme not in ("http", "https") or not p.hostname:
            raise ArgumentError(f"start_urls: {shown!r} is not an absolute http(s) URL (e.g. https://example.org/health/)")
        try:
            p.port  # noqa: B018 (raises on a bad port)
        except ValueError:
            raise ArgumentError(f"start_urls: {shown!r} has an invalid port") from None
        url, cred = split_credentials(u)
        if cred is not None:
            if cred[0] in credentials and credentials[cred[0]] != cred:
                raise ArgumentError(f"start_urls: two different credentials for {cred[0]}")
            credentials[cred[0]] = cred
        bare.append(url)
    return tuple(bare), tuple(credentials.values())


def _host_or_ip(host: str) -> str:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host.lower()


def parse_arguments(kwargs: dict[str, object], sites_dirs: Sequence[str] = ()) -> CrawlTarget:
    """The crawl target of the spider's `-a` arguments; profiles are looked up in `sites_dirs` first."""
    unknown = set(kwargs) - KNOWN_ARGS
    if unknown:
        raise ArgumentError(f"unknown spider argument(s) {sorted(unknown)}; known: {sorted(KNOWN_ARGS)}")
    site, start_urls = kwargs.get("site"), kwargs.get("start_urls")
    if site and start_urls:
        raise ArgumentError("give either -a site=NAME or -a start_urls=URL[,URL], not both")
    if start_urls is not None:
        if not isinstance(start_urls, str):
            start_urls = ",".join(map(str, start_urls))  # type: ignore[arg-type]
        urls, credentials = _parse_start_urls(start_urls)
        hosts = tuple(sorted({_host_or_ip(urlsplit(u).hostname or "") for u in urls}))
        profile = SiteProfile(name=hosts[0], start_urls=urls, allowed_domains=hosts)
        from crawler.demo.server import DEMO_HOST

        # The demo host is reserved (.test): a URL on it is the bundled demo, served from inside the crawl
        # as with `-a site=demo`, here read without its profile (`scrapy parse`, a sitemap or feed start URL).
        return CrawlTarget(profile, demo=DEMO_HOST in hosts, generic=True, credentials=credentials)
    try:
        profile = load_profile(str(site) if site else "demo", sites_dirs)
    except ProfileError as exc:
        raise ArgumentError(str(exc)) from None
    return CrawlTarget(profile, demo=profile.name == "demo", generic=False)


def check_settings(settings: object) -> None:
    """Raises ArgumentError for settings that cannot work, before any request is made."""
    from cleaning.storage.datasets import OutputError, check_readable, check_run_id, ensure_writable
    from cleaning.storage.schemas import DATASETS
    from crawler.config import SettingError, check_settings as check_product_settings

    try:
        values = check_product_settings(settings)
        if values["HEALTH_RUN_ID"]:
            check_run_id(values["HEALTH_RUN_ID"])
        check_safety_settings(settings)  # Scrapy's retry, backoff, size, timeout and concurrency settings
    except SettingError as exc:
        raise ArgumentError(str(exc)) from None
    except ValueError as exc:
        raise ArgumentError(f"HEALTH_RUN_ID: {exc}") from None
    if not str(values["OUTPUT_DIR"] or "").strip():
        # Path("") is the current folder: the datasets would be scattered into wherever the command ran
        raise ArgumentError("OUTPUT_DIR is empty (set -s OUTPUT_DIR=PATH, or leave it out for outputs/)")
    output = Path(values["OUTPUT_DIR"])
    try:
        ensure_writable(output)
    except OutputError as exc:
        raise ArgumentError(f"{exc} (set -s OUTPUT_DIR=PATH to a writable folder)") from None
    try:
        check_readable(output, DATASETS)  # footers of every dataset: a damaged file is named and set aside
    except OutputError as exc:
        raise ArgumentError(str(exc)) from None
    jobdir = settings.get("JOBDIR") if hasattr(settings, "get") else None
    if jobdir:
        # Scrapy creates JOBDIR while it builds its extensions, and the run id is written there before the
        # first request: a path that cannot be a writable folder would only show as a traceback.
        try:
            ensure_writable(Path(jobdir), "job directory")
        except OutputError as exc:
            raise ArgumentError(f"JOBDIR: {exc} (set -s JOBDIR=PATH to a writable folder)") from None


def check_safety_settings(settings: Any) -> None:
    """Raises SettingError, naming the setting, for Scrapy's own settings the product relies on."""
    from crawler.config import SettingError

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
            raise SettingError(f"{name} must be {kind} >= {minimum:g}, not {value!r}")

    number("DOWNLOAD_DELAY", 0)
    number("DOWNLOAD_TIMEOUT", 0.001)
    for name in ("RETRY_TIMES", "DOWNLOAD_MAXSIZE", "DOWNLOAD_WARNSIZE", "REDIRECT_MAX_TIMES"):
        number(name, 0, integer=True)
    for name in ("CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN"):
        number(name, 1, integer=True)
