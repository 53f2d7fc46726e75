"""A generic crawl (`-a start_urls=`) reads a start URL as what it turns out to be: articles given as start
URLs are written; a home page and a teaser listing (headlines left out of the extracted text, teasers cut
with "...") are not."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.conftest import run_crawl
from tests.faultsite.content import article_html, make_article
from tests.support.sites import HTML, NOT_FOUND, _Site

TEASER = ("Many readers ask whether a warm drink in the morning helps digestion, and the answer depends on "
          "what else they eat and how their stomach feels after")


class StartSite(_Site):
    def page(self, path: str, query: dict) -> tuple[int, str, str]:
        if path == "/":
            return 200, "<html><body><h1>Health</h1><a href='/list/stomach.html'>Stomach</a></body></html>", HTML
        if path == "/list/stomach.html":
            items = "".join(f"<div class='item'><a href='/a/stomach-{i}.html'>Warm water in the morning and the "
                            f"stomach, part {i}</a><p>{TEASER}...</p><span>2023-07-1{i} 09:32</span></div>"
                            for i in range(5))
            return 200, f"<html lang='en'><head><title>Stomach_Daily</title></head><body>{items}</body></html>", HTML
        if path.startswith("/a/") and path.endswith(".html"):
            return 200, article_html(make_article(path[3:-5])), HTML
        return NOT_FOUND


def test_articles_given_as_start_urls_are_written_and_listings_are_not(tmp_path: Path):
    out = tmp_path / "out"
    with StartSite() as site:
        starts = [site.url + "a/given-1.html", site.url + "a/given-2.html", site.url + "list/stomach.html"]
        proc = run_crawl(out, "-a", f"start_urls={','.join(starts)}", "-s", "HEALTH_GRAMMAR_BACKEND=none",
                         "-s", "ROBOTSTXT_OBEY=False", "-s", "HEALTH_GENERIC_DEPTH=1", check=False)
        base = site.url
    assert proc.returncode == 0, proc.stderr[-3000:]
    urls = set(pd.read_parquet(out / "articles")["url"])
    assert {base + "a/given-1.html", base + "a/given-2.html"} <= urls
    assert {base + f"a/stomach-{i}.html" for i in range(5)} <= urls  # the listing's links were followed
    assert base + "list/stomach.html" not in urls
