"""Pagination links (crawler/pagination.py): what is the next page of a listing, and what is not."""

from __future__ import annotations

from scrapy.http import HtmlResponse, TextResponse

from crawler.pagination import is_pagination_url, pagination_links


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
