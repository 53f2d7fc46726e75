"""The article title: profile selector, else the page's <h1> that agrees with its metadata,
else og:title / twitter:title, else <title> without the site name."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

_SEPARATORS = re.compile(r"\s+[|\-–—_:·•»]\s+|\s*[|｜_]\s*")


def _text(el) -> str:
    return " ".join(el.text_content().split()) if el is not None else ""


def _meta(tree: HtmlElement, *keys: str) -> str:
    for meta in tree.iterfind(".//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        if key in keys:
            value = " ".join((meta.get("content") or "").split())
            if value:
                return value
    return ""


def _strip_site(title: str) -> str:
    parts = [p.strip() for p in _SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    return max(parts, key=len)


def _similar(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    return bool(a and b) and (a in b or b in a)


def find_title(tree: HtmlElement, profile=None, skip: set | None = None) -> tuple[str, list[str]]:
    flags: list[str] = []
    if profile is not None and profile.selectors.title:
        try:
            els = tree.cssselect(profile.selectors.title)
        except Exception:  # noqa: BLE001
            els = []
        for el in els:
            t = _text(el)
            if t:
                return t, flags
        flags.append("profile_title_missed")
    meta = _meta(tree, "og:title", "twitter:title")
    head_title = _text(tree.find(".//title"))
    skip = skip or set()
    h1s = [t for t in (_text(h) for h in tree.iter("h1") if not any(a in skip for a in h.iterancestors())) if t]
    for h in h1s:
        if _similar(h, meta) or _similar(h, head_title):
            return h, flags
    if meta:
        return _strip_site(meta) if _similar(meta, head_title) and meta == head_title else meta, flags
    if len(h1s) == 1 and len(h1s[0]) > 3:
        return h1s[0], flags
    if head_title:
        return _strip_site(head_title), flags
    return (h1s[0] if h1s else ""), flags
