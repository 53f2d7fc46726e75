"""Dates in URLs: a full day (/2023/04/12/, -20230412-) or a month (/2023/04/), archive.org's capture
prefix removed first so that a capture time is never a publication date; the page's canonical link."""

from __future__ import annotations

import re
from datetime import date

from lxml.html import HtmlElement

from .date_text import plausible

_ARCHIVE_PREFIX = re.compile(r"^https?://(?:web\.)?archive\.org/web/\d{4,14}[a-z_]*/", re.I)
# A day is two digits, or one digit that ends the path segment: /2023/10/3-fragen is a slug, not a day.
_URL_DATE = [re.compile(r"(?<!\d)((?:19|20)\d{2})[/_-](0?[1-9]|1[0-2])[/_-]([0-3]\d|[1-9](?=[/.?#]|$))(?!\d)"),
             re.compile(r"[/_-]((?:19|20)\d{2})(\d{2})(\d{2})(?:[/_.-]|$)"),
             # a Chinese portal's year folder, then month and day together: people.cn's /n1/2023/0105/c14739-...
             re.compile(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])([0-3]\d)/")]


def original_url(url: str | None) -> str | None:
    """The archived page's own URL for an archive.org capture URL (else the URL itself)."""
    if not url:
        return url
    return _ARCHIVE_PREFIX.sub("", url, count=1) or url


def is_archive_capture(url: str | None) -> bool:
    return bool(url and _ARCHIVE_PREFIX.match(url))


_URL_MONTH = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/")


def url_month(url: str | None) -> tuple[int, int] | None:
    """(year, month) of a /2023/04/ path, the blog-style URL that names no day."""
    m = _URL_MONTH.search(original_url(url) or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def from_url(url: str | None, now=None) -> date | None:
    url = original_url(url)
    for pat in _URL_DATE:
        for m in pat.finditer(url or ""):
            try:
                return plausible(date(int(m.group(1)), int(m.group(2)), int(m.group(3))), now)
            except ValueError:
                continue
    return None


def canonical_href(tree: HtmlElement) -> str | None:
    for link in tree.iterfind(".//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return link.get("href")
    for meta in tree.iterfind(".//meta[@property='og:url']"):
        return meta.get("content")
    return None
