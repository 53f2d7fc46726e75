"""Article extraction: one HTML page in, one `Extraction` out (never raises).

    from cleaning.extract import extract
    ex = extract(html_bytes, url, profile, content_type="text/html; charset=utf-8")

See docs/extraction.md for the order of trust, flags and figures.
"""

from .core import extract

__all__ = ["extract"]
