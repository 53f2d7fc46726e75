"""A document root written self-closed, as some XHTML pages do (`<html xmlns=... xml:lang="de_DE" />`).

libxml2's HTML parser ends the document at such a root: extraction kept nothing ("unparsable"), and Scrapy's
link extractor found no link on the page. Both read the page with the root opened instead (htmldate and
trafilatura repair it the same way). Light on purpose: the crawler imports it (no extraction library behind it)."""

from __future__ import annotations

import re

ROOT_WITHIN = 2000  # characters (bytes): where the root element starts, after a doctype and comments
_SELF_CLOSED = re.compile(r"(<html\b[^>]*?)\s*/>", re.I)
_SELF_CLOSED_BYTES = re.compile(rb"(<html\b[^>]*?)\s*/>", re.I)

__all__ = ["ROOT_WITHIN", "open_root", "open_root_bytes"]


def open_root(text: str) -> str | None:
    """`text` with a self-closed `<html ... />` near its start opened (`<html ...>`); None if it has none."""
    top = text[:ROOT_WITHIN]
    repaired = _SELF_CLOSED.sub(r"\1>", top, count=1)
    return repaired + text[ROOT_WITHIN:] if repaired != top else None


def open_root_bytes(body: bytes) -> bytes | None:
    """`open_root` for a page's bytes in an ASCII-compatible encoding (UTF-8, Latin-1, ...)."""
    top = body[:ROOT_WITHIN]
    repaired = _SELF_CLOSED_BYTES.sub(rb"\1>", top, count=1)
    return repaired + body[ROOT_WITHIN:] if repaired != top else None
