"""Pagination links of a page: the next pages of the same listing, which never cost link depth.

A site with 1,000 articles behind 20 listing pages is 20 hops deep if every "next" is a hop; counting
depth from the nearest listing instead makes it 1 hop deep. A link is pagination when

- it says so: `rel="next"` / `rel="prev"` on a `<link>` or `<a>`;
- its text says so: "next", "older posts", "»", "下一页" ...;
- its text is a page number that its URL carries (`<a href="/list/3">3</a>`), or
- its URL has the shape of a page: `?page=N` (also p, pg, paged, start, offset), `/page/N`, `/page-N`.

Pagination can itself be a trap (an endless "next"): the listing-page budget (crawler/budgets.py)
bounds it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from scrapy.http import Response, TextResponse
from scrapy.utils.response import get_base_url

from crawler.safety import is_http_url, join_url

PAGE_PARAMS = frozenset({"page", "p", "pg", "paged", "pagenum", "page_num", "pageno", "start", "offset"})
_PAGE_PATH = re.compile(r"/page[/-]\d{1,6}/?$|/page/\d{1,6}/", re.IGNORECASE)
_NEXT_TEXT = re.compile(
    r"^(next|next page|older|older posts|older entries|older articles|newer|newer posts|previous|prev|more|"
    r"load more|more articles|»|›|>|>>|next\s*[»›>]|[«‹<]\s*prev(ious)?|下一页|下页|后页|上一页|更多)$",
    re.IGNORECASE)
_NUMBER = re.compile(r"^\d{1,5}$")


def is_pagination_url(url: str) -> bool:
    """True if the URL has the shape of a listing page: `?page=N`, `/page/N` and the like."""
    parts = urlsplit(url)
    if _PAGE_PATH.search(parts.path):
        return True
    return any(name.lower() in PAGE_PARAMS and value.isdigit() for name, value in parse_qsl(parts.query))


def _carries_number(url: str, number: str) -> bool:
    parts = urlsplit(url)
    return re.search(rf"(?<!\d){number}(?!\d)", parts.path + "?" + parts.query) is not None


def pagination_links(response: Response) -> set[str]:
    """Absolute URLs of the page's pagination links (see the module docstring); empty for non-HTML."""
    if not isinstance(response, TextResponse):
        return set()
    try:
        anchors = response.xpath("//a[@href] | //link[@href]")
    except ValueError:  # not HTML/XML that lxml can read
        return set()
    base = get_base_url(response)  # a page's <base href>, as Scrapy's link extractor reads its links against
    base_parts = urlsplit(base)
    base_may_page = "page" in base_parts.path.lower() or bool(base_parts.query)
    found: set[str] = set()
    for node in anchors:
        el = node.root  # lxml's element: read directly, not through a selector per attribute and per anchor
        href = (el.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        rel = set((el.get("rel") or "").lower().split())
        if rel & {"next", "prev", "previous"}:
            url = join_url(base, href)
            if url is not None and is_http_url(url):
                found.add(url)
            continue
        if el.tag == "link":
            continue
        text = " ".join(" ".join(el.itertext()).split())
        next_text = bool(text) and _NEXT_TEXT.match(text) is not None
        number = _NUMBER.match(text) is not None
        if not (next_text or number or _may_be_pagination_url(href, base_may_page)):
            continue  # most of a page's links: nothing to join (a news page has hundreds)
        url = join_url(base, href)
        if url is None or not is_http_url(url):
            continue
        if next_text or (number and _carries_number(url, text)) or is_pagination_url(url):
            found.add(url)
    found.discard(response.url)
    return found


def _may_be_pagination_url(href: str, base_may_page: bool) -> bool:
    """False when `href`, joined to the page's base, cannot have a page's shape (`is_pagination_url`): neither
    the href nor the base (`base_may_page`: "page" in its path, or a query) holds "page" or a query. The join
    only keeps whole segments of either (urljoin has many cases: ";", "//" and "https:" keep the base's path and
    query), so "page" or a "?" in the result comes from one of them."""
    return base_may_page or "?" in href or "page" in href.lower()


__all__ = ["PAGE_PARAMS", "is_pagination_url", "pagination_links"]
