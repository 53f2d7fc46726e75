"""Article extraction: one HTML page in, one `Extraction` out (never raises).

    from cleaning.extract import extract
    ex = extract(html_bytes, url, profile, content_type="text/html; charset=utf-8")

Importing `extract` loads the extraction libraries (`warm_up`), so that the first page does not pay
for them (dateparser's data waits for the first date that needs it); importing only
`cleaning.extract.encoding` (the crawler does) loads none of that. See docs/extraction.md for the order
of trust, flags and figures.
"""

from __future__ import annotations

__all__ = ["extract", "warm_up"]


def __getattr__(name: str):
    if name in __all__:
        from . import core

        return getattr(core, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
