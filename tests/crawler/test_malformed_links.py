"""One malformed URL (`http://[bad/x`: urljoin raises ValueError) in a page's links, its pagination, a sitemap, a
feed or a canonical link is skipped; the rest of the page is still read, its article written, and the run succeeds."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tests.conftest import run_crawl
from tests.faultsite.content import article_html, make_article
from tests.support.sites import HTML, NOT_FOUND, _Site

BAD = "http://[bad/x"


class BadLinkSite(_Site):
    """Six articles: two linked from the home page, two from the sitemap, two from the feed; each list has a
    malformed URL first. Article pages declare a malformed canonical link."""

    def page(self, path: str, query: dict) -> tuple[int, str, str]:
        base = self.url.rstrip("/")
        if path == "/":
            links = "".join(f"<li><a href='/a/home-{i}.html'>Home article number {i}</a></li>" for i in range(2))
            return 200, (f"<html><head><link rel='sitemap' href='/sitemap.xml'><link rel='alternate' "
                         f"type='application/rss+xml' href='/feed.xml'></head><body><h1>Health</h1>"
                         f"<a href='{BAD}'>broken</a><a rel='next' href='{BAD}'>next</a><ul>{links}</ul>"
                         "</body></html>"), HTML
        if path == "/sitemap.xml":
            locs = "".join(f"<url><loc>{loc}</loc></url>" for loc in [BAD] + [f"{base}/a/map-{i}.html" for i in range(2)])
            return 200, f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>', "application/xml"
        if path == "/feed.xml":
            items = "".join(f"<item><title>t</title><link>{loc}</link></item>"
                            for loc in [BAD] + [f"{base}/a/feed-{i}.html" for i in range(2)])
            return 200, f"<rss version='2.0'><channel><title>f</title>{items}</channel></rss>", "application/rss+xml"
        if path.startswith("/a/") and path.endswith(".html"):
            slug = path[3:-5]
            html = article_html(make_article(slug)).replace("</head>", f"<link rel='canonical' href='{BAD}'></head>")
            return 200, html, HTML
        return NOT_FOUND

    def expected(self) -> set[str]:
        base = self.url.rstrip("/")
        return {f"{base}/a/{kind}-{i}.html" for kind in ("home", "map", "feed") for i in range(2)}


def test_a_malformed_url_costs_only_itself(tmp_path: Path):
    out = tmp_path / "out"
    with BadLinkSite() as site:
        start = ",".join([site.url, site.url + "sitemap.xml", site.url + "feed.xml"])
        proc = run_crawl(out, "-a", f"start_urls={start}", "-s", "HEALTH_GRAMMAR_BACKEND=none",
                         "-s", "ROBOTSTXT_OBEY=False", check=False)
        expected = site.expected()
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert set(pd.read_parquet(out / "articles")["url"]) == expected
    [manifest] = [json.loads(p.read_text()) for p in (out / "_runs").glob("*.json")]
    assert manifest["status"] == "succeeded", manifest["problems"]
