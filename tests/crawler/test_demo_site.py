"""The bundled demo site: enough articles, in the seed's template, with the traps real sites have."""

import re
import urllib.request

from crawler.demo import DEMO_HOST, DemoServer, load_articles
from crawler.demo.site import DemoSite


def site() -> DemoSite:
    return DemoSite(DEMO_HOST)


def test_enough_articles_with_the_planted_cases():
    articles = load_articles()
    assert len(articles) >= 40
    assert any(a.lang == "zh" for a in articles)
    assert any(a.published is None for a in articles)
    assert any(a.near_duplicate_of for a in articles)
    for a in articles:
        for art in a.artifacts:
            assert a.body.count(art.before) == 1, (a.slug, art.before)


def test_article_page_has_the_seed_template():
    s = site()
    a = load_articles()[0]
    html = s.handle("GET", f"/article/{a.slug}.html", {}).body.decode()
    for marker in ("Share", "icon", "Everyone Is Watching", "Hot Picks", 'class="hp-teaser"', 'rel="canonical"'):
        assert marker in html
    assert len(re.findall(r'class="hp-item"', html)) == 5
    assert len(re.findall(r'class="hp-rank"', html)) == 5


def test_traps():
    s = site()
    first = load_articles()[0]
    assert s.handle("GET", "/robots.txt", {}).body.decode().count("Disallow: /private/") == 1
    assert s.handle("GET", "/article/2019-flu-season-archive.html", {}).status == 404
    assert s.handle("GET", "/article/ask-the-doctor-live.html", {}).status == 500
    moved = s.handle("GET", f"/article/{first.slug}-old.html", {})
    assert moved.status == 301 and moved.headers["Location"].endswith(f"/article/{first.slug}.html")
    assert s.handle("GET", "/files/healthy-living-guide.pdf", {}).headers["Content-Type"] == "application/pdf"
    home = s.handle("GET", "/", {}).body.decode()
    assert "utm_source=" in home and "partner.example.org" in home
    printed = s.handle("GET", f"/article/{first.slug}.html?print=1", {}).body.decode()
    assert f'rel="canonical" href="http://{DEMO_HOST}/article/{first.slug}.html"' in printed
    sitemap = s.handle("GET", "/sitemap.xml", {}).body.decode()
    assert sitemap.count("<loc>") == len(load_articles())


def test_listing_pagination():
    s = site()
    first = s.handle("GET", "/category/spine/", {}).body.decode()
    assert 'rel="next"' in first
    assert s.handle("GET", "/category/spine/page/2/", {}).status == 200
    assert s.handle("GET", "/category/spine/page/99/", {}).status == 404


def test_conditional_request_answers_304():
    s = site()
    a = load_articles()[3]
    first = s.handle("GET", f"/article/{a.slug}.html", {})
    again = s.handle("GET", f"/article/{a.slug}.html", {"if-none-match": first.headers["ETag"]})
    assert again.status == 304


def test_server_acts_as_proxy_for_the_demo_host():
    with DemoServer() as demo:
        proxy = urllib.request.ProxyHandler({"http": demo.proxy_url})
        opener = urllib.request.build_opener(proxy)
        with opener.open(f"http://{DEMO_HOST}/robots.txt", timeout=10) as resp:
            assert b"Disallow" in resp.read()
        assert any("robots.txt" in h for h in demo.hits)
