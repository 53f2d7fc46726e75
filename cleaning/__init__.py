"""Extraction and cleaning of health articles, usable without Scrapy.

    from cleaning import extract
    article = extract(html, url="https://example.org/a.html")
"""

from __future__ import annotations

from typing import Any

__all__ = ["extract"]


def extract(html: str | bytes, url: str | None = None, profile: Any = None, **kwargs: Any) -> Any:
    """Title, body, dates and related-article blocks of one page (see cleaning.extract)."""
    from cleaning.extract import extract as _extract

    return _extract(html, url, profile, **kwargs)
