"""A page's links (crawler/links.py) against Scrapy's LinkExtractor(unique=True), whose URLs they must be."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from crawler.links import page_links

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "eval"


def _scrapys(response: HtmlResponse) -> list[str]:
    return [link.url for link in LinkExtractor(unique=True).extract_links(response)]


def test_the_links_of_pages_are_link_extractors() -> None:
    pages = sorted(FIXTURES.glob("*.html"))
    assert pages
    for path in pages:
        response = HtmlResponse(f"https://site.example/{path.stem}/page.html", body=path.read_bytes())
        assert page_links(response) == _scrapys(response), path.name


def test_the_links_of_real_pages_are_link_extractors() -> None:
    pages = sorted(SHARED.glob("*/html/*.html.gz"))
    if not pages:
        pytest.skip(f"the shared real-world pages are not here ({SHARED})")
    links = 0
    for path in pages[::4]:  # every fourth: news, blogs and institutions in many languages and encodings
        response = HtmlResponse(f"https://real.example/{path.name[:12]}/a.html", body=gzip.decompress(path.read_bytes()))
        ours = page_links(response)
        assert ours == _scrapys(response), path.name
        links += len(ours)
    assert links > 10_000


_HREF = st.lists(st.sampled_from([
    "/", "a", "..", ".", "?", "q=é", "&", "#", "x.pdf", "X.JPG", ".tar.gz", "http://", "https://h.org", "//cdn.org",
    "mailto:x@y.org", "javascript:void(0)", "ftp://f.org/", "file:///etc", "data:,x", " ", "\n", "\t", "%zz", "%20",
    "ä", "中文", "http://[bad", ":80", ";jsessionid=1", "\u00a0", "page", "2",
]), max_size=6).map("".join)


@settings(max_examples=400, deadline=None)
@given(hrefs=st.lists(_HREF, max_size=12), base=st.sampled_from(["", "/news/", "https://other.org/d/", "../up/"]),
       encoding=st.sampled_from(["utf-8", "cp1251", "gb18030"]), tag=st.sampled_from(["a", "area", "A"]))
def test_generated_hrefs_give_link_extractors_urls(hrefs: list[str], base: str, encoding: str, tag: str) -> None:
    anchors = "".join(f'<{tag} href="{h.replace(chr(34), "")}">t</{tag}>' for h in hrefs)
    head = f'<head><base href="{base}"></head>' if base else ""
    body = f"<html>{head}<body>{anchors}<a>no href</a><p href='/p'>not a link</p></body></html>"
    response = HtmlResponse("https://site.example/dir/page.html", body=body.encode(encoding, "replace"),
                            encoding=encoding)
    assert page_links(response) == _scrapys(response)
