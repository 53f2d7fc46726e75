"""Pagination links (crawler/pagination.py): what is the next page of a listing, and what is not."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.http import HtmlResponse, TextResponse

from cleaning.dedup.urls import join_url
from crawler.pagination import _may_be_pagination_url, is_pagination_url, pagination_links


def _links(body: str, url: str = "https://a.org/news/") -> set[str]:
    return pagination_links(HtmlResponse(url, body=body.encode(), encoding="utf-8"))


def test_rel_next_and_prev_on_links_and_anchors() -> None:
    body = ('<head><link rel="next" href="/news/2"><link rel="stylesheet" href="/s.css"></head>'
            '<a rel="prev nofollow" href="/news/0">back</a><a href="/about">About</a>')
    assert _links(body) == {"https://a.org/news/2", "https://a.org/news/0"}


def test_next_words_in_several_forms() -> None:
    body = ('<a href="/x1">Next</a><a href="/x2"> Older   posts </a><a href="/x3">&raquo;</a>'
            '<a href="/x4">下一页</a><a href="/x5"><span>Next</span> &rsaquo;</a><a href="/x6">Next steps for your back</a>')
    assert _links(body) == {f"https://a.org/x{i}" for i in range(1, 6)}


def test_a_page_number_counts_only_when_the_url_carries_it() -> None:
    body = '<a href="/list/3.html">3</a><a href="/article/77">3</a><a href="/list/13">3</a><a href="#top">4</a>'
    assert _links(body) == {"https://a.org/list/3.html"}


def test_urls_shaped_like_pages() -> None:
    assert is_pagination_url("https://a.org/?page=4") and is_pagination_url("https://a.org/blog/page/12/")
    assert is_pagination_url("https://a.org/x?cat=2&paged=3") and is_pagination_url("https://a.org/page-7")
    assert not is_pagination_url("https://a.org/?page=last") and not is_pagination_url("https://a.org/pages/about")
    assert not is_pagination_url("https://a.org/page/12-tips-for-sleep.html")
    assert _links('<a href="/health?page=2">Sleep</a><a href="/health?topic=2">Sleep</a>') == {
        "https://a.org/health?page=2"}


def test_the_page_itself_other_schemes_and_non_html_are_not_pagination() -> None:
    assert _links('<a rel="next" href="/news/">same</a><a rel="next" href="mailto:a@a.org">m</a>') == set()
    assert pagination_links(TextResponse("https://a.org/x.txt", body=b"Next", encoding="utf-8")) == set()


def test_links_are_read_against_the_pages_base_href() -> None:
    # As Scrapy's link extractor reads the page's other links: a relative "next" under a <base> is the base's
    body = ('<head><base href="https://cdn.a.org/archive/"></head>'
            '<a href="?page=2">2</a><a href="older/3.html">Older posts</a>')
    assert _links(body, "https://a.org/news/today.html") == {"https://cdn.a.org/archive/?page=2",
                                                             "https://cdn.a.org/archive/older/3.html"}


# Pieces that build hrefs and bases of every shape the join cares about: relative and absolute paths, dot
# segments, queries with and without page parameters, fragments, other schemes, protocol-relative hosts.
_BASE_PIECES = st.sampled_from(["page", "Page", "/", "2", "..", "news", "-", "x.html", "?page=2"])
_HREF_PIECES = st.sampled_from(["page", "/", "2", "17", "..", ".", "?", "p=3", "start=0", "&", "#", "x", "-", "news",
                                "http://h.org/", "//h.org/", "https:", "http:", "mailto:", ";", "%20"])


@settings(max_examples=3000, deadline=None)
@given(base_path=st.lists(_BASE_PIECES, max_size=6).map("".join),
       href=st.lists(_HREF_PIECES, min_size=1, max_size=6).map("".join))
def test_an_href_passed_over_unjoined_never_joins_into_a_pages_url(base_path: str, href: str) -> None:
    """`pagination_links` joins only the hrefs `_may_be_pagination_url` keeps, so it must never drop one whose
    joined URL has a page's shape (the join is skipped for most of a news page's links)."""
    base = "https://a.org/" + base_path.lstrip("/")
    href = href.strip()
    if not href or href.startswith("#"):
        return  # never read
    url = join_url(base, href)
    if url is not None and is_pagination_url(url):
        parts = urlsplit(base)
        assert _may_be_pagination_url(href, "page" in parts.path.lower() or bool(parts.query))


def test_relative_links_under_a_page_path_are_read_against_it() -> None:
    body = '<a href="3/">more</a><a href="../4/">older</a><a href="/about">About</a><a href="x.html">x</a>'
    # x.html too: /page/2/ is inside its path (is_pagination_url); /about is not under the page path
    assert _links(body, "https://a.org/news/page/2/") == {"https://a.org/news/page/2/3/", "https://a.org/news/page/4/",
                                                         "https://a.org/news/page/2/x.html"}
