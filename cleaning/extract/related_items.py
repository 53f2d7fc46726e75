"""One item of a related-article block read as a `HotPick`: title, link, rank, date and teaser, and the
tests that tell a teaser of another article from a section of prose or a link inside a sentence.
Also the small text and link helpers the other related modules share."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from cleaning.dedup.urls import join_url
from cleaning.document import HotPick

from . import date_text
from .patterns import (CJK_RE, ITEM_DATE_CLASS_RE, ITEM_RANK_CLASS_RE, ITEM_TEASER_CLASS_RE, ITEM_TITLE_CLASS_RE,
                       PAGINATION_TEXT_RE)

HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "button", "select", "form"}
TAXONOMY_URL = re.compile(r"/(?:tags?|topics?|category|categories|author|authors|page|search|label)/|[?&](?:tag|page|s|q)=", re.I)
RANK_RE = re.compile(r"^(?:no\.?\s*|#)?(\d{1,2})\.?$", re.I)
_NOT_SHOWN = {"script", "style", "noscript", "template", "svg"}
# the category a related item was filed under, as a related-posts plugin shows it (Jetpack: 'In "Medication"'),
# not a teaser
CONTEXT_LABEL_RE = re.compile(r"(?:In|Similar post in|Also in)\s*[\"\u201c\u201e\u00ab][^\"\u201d\u00bb]{1,60}[\"\u201d\u00bb]")
MAX_ITEM_CHARS = 600  # a related item is a title and a teaser; a longer one is a section of prose
MIN_LINK_SHARE = 0.3  # share of an item's text inside links, unless it has a title element
CJK = CJK_RE


def text_of(el: HtmlElement | None) -> str:
    if el is None:
        return ""
    return " ".join(el.text_content().split())


def class_text(el: HtmlElement) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}".strip()


# An item's template repeats within a block and across a site's pages, and utility-class lists run long: what
# an element's class/id words name is remembered per string.
@lru_cache(maxsize=8192)
def _names_title(cls: str) -> bool:
    return ITEM_TITLE_CLASS_RE.search(cls) is not None


@lru_cache(maxsize=8192)
def _names_teaser(cls: str) -> bool:
    return ITEM_TEASER_CLASS_RE.search(cls) is not None


@lru_cache(maxsize=8192)
def absolute_url(base: str | None, href: str | None) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    return join_url(base, href)


def web_url(url: str | None) -> bool:
    """True for an absolute http(s) URL: the only kind a hot_picks row may carry (an href such as
    `ref:idart-560}` or `intent:...` is kept by `absolute_url`, which only finds the links)."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def heading_display(el: HtmlElement | None) -> str:
    """A heading's visible text: without what svg, script, style ... hold (an `<svg><title>IGN Logo`
    inside `<h2>` is not part of the heading "Recommends")."""
    if el is None:
        return ""
    parts = []

    def walk(node):
        if not isinstance(node.tag, str) or node.tag in _NOT_SHOWN:
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(el)
    return " ".join("".join(parts).split())


def titleish(text: str) -> bool:
    if CJK.search(text):
        return len(text) >= 6
    return len(text) >= 12 and len(text.split()) >= 2


def _segments(elements: list[HtmlElement]) -> list[tuple[HtmlElement, str]]:
    """Text pieces of an item (its elements, itself first) in document order, each with the element that holds
    it (a shown element's tail belongs to its parent)."""
    out = []
    for i, el in enumerate(elements):
        if el.tag in SKIP_TAGS:
            continue
        t = " ".join((el.text or "").split())
        if t:
            out.append((el, t))
        if i:
            tail = " ".join((el.tail or "").split())
            if tail:
                out.append((el.getparent(), tail))
    return out


def _inline_prose(link: HtmlElement) -> bool:
    """True when the link sits inside running text (a sentence goes on right before or after it)."""
    after = len((link.tail or "").strip())
    prev = link.getprevious()
    before_text = (prev.tail if prev is not None else (link.getparent().text if link.getparent() is not None else "")) or ""
    return after >= 25 or len(before_text.strip()) >= 25


def _is_section(item: HtmlElement, item_text: str) -> bool:
    """A part of an article (a heading over paragraphs of prose), not a teaser of another article."""
    prose = 0
    for p in item.iter("p"):
        text = p.text_content()
        words = len(text.split()) + len(CJK.findall(text)) // 2
        if words >= 20:
            prose += 1
            if prose >= 2:
                return True
    return len(item_text) > MAX_ITEM_CHARS


_MONTH_DAY = re.compile(r"(\d{1,2})(?:-|月)(\d{1,2})日?(?:\s+\d{1,2}:\d{2})?")


def _month_day(text: str, now) -> date | None:
    """A ranked list's "06-17" or "6月17日" (a Chinese portal writes no year on its own recent articles): the last
    such day on or before the fetch. Without the fetch time, none: the year would be the reader's, as a
    relative date's day would (date_text reads those only against `now` too)."""
    m = _MONTH_DAY.fullmatch(text.strip())
    if m is None or now is None:
        return None
    today = now.date()
    for year in (today.year, today.year - 1):
        try:
            d = date(year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
        if d <= today + timedelta(days=1):
            return d
    return None


def parse_item(item: HtmlElement, pos: int, base: str | None, ordered: bool, now) -> HotPick | None:
    item_text = text_of(item)
    if _is_section(item, item_text):
        return None
    links = [item] if item.tag == "a" and item.get("href") else item.findall(".//a[@href]")
    links = [a for a in links if absolute_url(base, a.get("href"))]
    if not links:
        return None
    # the item's elements once (comments and processing instructions hold no item text), and the class/id
    # words of those inside it once: the title and teaser searches below both read them
    elements = [el for el in item.iter() if isinstance(el.tag, str)]
    inside = [(el, class_text(el)) for el in elements[1:]]
    segs = _segments(elements)
    title_el = None
    title = ""
    for el, cls in inside:
        if el.tag in HEADING_TAGS or cls and _names_title(cls):
            title = text_of(el)
            if title:
                title_el = el
                break
    rank = date_ = None
    used: set[str] = set()
    for el, t in segs:
        m = RANK_RE.match(t)
        if m and (ITEM_RANK_CLASS_RE.search(class_text(el)) or el.tag in ("span", "em", "i", "b", "strong", "div", "td", "sup")):
            rank = int(m.group(1))
            used.add(t)
            break
    for el in item.iter("time"):
        date_ = date_text.plausible(date_text.parse_iso(el.get("datetime", "")) if el.get("datetime") else date_text.parse_text(text_of(el), now=now), now)
        if date_:
            used.add(text_of(el))
            break
    if date_ is None:
        for el, t in segs:
            found = date_text.find_date_string(t)
            if found and (len(found) >= len(t) - 15 or ITEM_DATE_CLASS_RE.search(class_text(el))):
                d = date_text.plausible(date_text.parse_text(found, now=now), now)
                if d:
                    date_ = d
                    used.add(t)
                    break
    if date_ is None:
        for el, t in segs:
            d = _month_day(t, now)
            if d is not None:
                date_ = d
                used.add(t)
                break
    link = None
    if title_el is not None:
        link = title_el if title_el.tag == "a" else title_el.find(".//a[@href]")
    link_lens = [len(text_of(a)) for a in links]
    if link is None:
        link = links[link_lens.index(max(link_lens))]  # the longest link text, the first of equals
    if not title:
        title = (link.get("title") or "").strip()
    if not title:
        for el, t in segs:
            if t not in used and not RANK_RE.match(t) and (titleish(t) or CJK.search(t)):
                title = t
                break
    if not title:
        img = item.find(".//img[@alt]")
        title = (img.get("alt") or "").strip() if img is not None else ""
    title = " ".join(title.split())
    if not title or PAGINATION_TEXT_RE.match(title):
        return None
    # a related item is mostly a link (or has a titled link); a paragraph with a link in it is not
    item_len = len(item_text) or 1
    if title_el is None and sum(link_lens) < MIN_LINK_SHARE * item_len and _inline_prose(link):
        return None
    used.add(title)
    teaser = None
    for el, cls in inside:
        if el.tag == "p" or cls and _names_teaser(cls):
            t = text_of(el)
            if t and t not in used and not (cls and _names_title(cls)) and t != title \
                    and not CONTEXT_LABEL_RE.fullmatch(t):
                teaser = t
                break
    if teaser is None:
        rest = [t for _, t in segs if t not in used and t != title and len(t) >= 40]
        teaser = max(rest, key=len) if rest else None
    if rank is None and not ordered:
        prev = item.getprevious()
        m = RANK_RE.match(text_of(prev)) if prev is not None and prev.tag != "a" else None
        rank = int(m.group(1)) if m else None
    return HotPick(rank=rank or pos, title=title, url=absolute_url(base, link.get("href")), teaser=teaser,
                   published_date=date_)
