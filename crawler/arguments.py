"""Validation of the `health` spider's `-a` arguments, so a bad call fails before any request."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cleaning.profiles import ProfileError, SiteProfile, load_profile

KNOWN_ARGS = {"site", "start_urls", "_job"}  # _job: the job id Scrapyd passes to every crawl it schedules


class ArgumentError(ValueError):
    """A spider argument is wrong; the message says which and how to fix it."""


@dataclass(frozen=True)
class CrawlTarget:
    profile: SiteProfile
    demo: bool  # serve the bundled demo site from inside the crawl
    generic: bool  # no profile: follow every same-site link, bounded by depth


def _parse_start_urls(value: str) -> tuple[str, ...]:
    urls = tuple(u.strip() for u in value.split(",") if u.strip())
    if not urls:
        raise ArgumentError("start_urls is empty; give one or more absolute http(s) URLs separated by commas")
    for u in urls:
        p = urlsplit(u)
        if p.scheme not in ("http", "https") or not p.hostname:
            raise ArgumentError(f"start_urls: {u!r} is not an absolute http(s) URL (e.g. https://example.org/health/)")
        try:
            p.port  # noqa: B018 (raises on a bad port)
        except ValueError:
            raise ArgumentError(f"start_urls: {u!r} has an invalid port") from None
    return urls


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
        urls = _parse_start_urls(start_urls)
        hosts = tuple(sorted({_host_or_ip(urlsplit(u).hostname or "") for u in urls}))
        profile = SiteProfile(name=hosts[0], start_urls=urls, allowed_domains=hosts)
        return CrawlTarget(profile, demo=False, generic=True)
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
    output = Path(values["OUTPUT_DIR"] or "outputs")
    try:
        ensure_writable(output)
    except OutputError as exc:
        raise ArgumentError(f"{exc} (set -s OUTPUT_DIR=PATH to a writable folder)") from None
    try:
        check_readable(output, DATASETS)  # footers of every dataset: a damaged file is named and set aside
    except OutputError as exc:
        raise ArgumentError(str(exc)) from None


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
