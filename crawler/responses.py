"""What a fetched response says about itself: the page item the crawl stores for it, and where a
`<meta http-equiv=refresh>` page sends the reader."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from scrapy.http import Response, TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding
from w3lib.html import get_meta_refresh

from crawler.items import PageItem


def page_item(response: Response, kind: str, is_html: bool, site: str, profile: Any = None) -> PageItem:
    """The stored page: raw body (HTML only), validators, declared and detected encodings; `profile` is the
    site profile the crawl used (None: a generic crawl)."""
    headers = response.headers
    content_type = (headers.get("Content-Type") or b"").decode("latin-1") or None
    body = response.body if is_html else b""
    declared = http_content_type_encoding(content_type or "") or (html_body_declared_encoding(body) if body else None)
    return PageItem(
        url=response.url,
        status=response.status,
        fetched_at=datetime.now(timezone.utc),
        site=site,
        kind=kind,
        content_type=content_type,
        etag=(headers.get("ETag") or b"").decode("latin-1") or None,
        last_modified=(headers.get("Last-Modified") or b"").decode("latin-1") or None,
        body=body,  # raw: cleaning decodes it, segment by segment (a stray byte costs that byte)
        declared_encoding=declared,
        detected_encoding=response.encoding if isinstance(response, TextResponse) else None,
        profile="" if profile is None else profile.name,
        profile_hash=None if profile is None else profile.content_hash,
    )


def meta_refresh_target(response: Response, max_delay: float) -> str | None:
    """Where a `<meta http-equiv=refresh>` page sends the reader now (within `max_delay` seconds), or None."""
    head = response.body[:65536]
    if b"refresh" not in head.lower():  # the common case costs one byte search
        return None
    delay, url = get_meta_refresh(response.text[:65536], response.url, ignore_tags=("script", "noscript"))
    if url is None or delay is None or delay > max_delay:
        return None
    return url
