"""The demo site's article pages, with and without the demo profile."""

from __future__ import annotations

from datetime import date

import pytest

from cleaning.extract import extract
from cleaning.profiles import load_profile
from crawler.demo import pages
from crawler.demo.site import DemoSite

HOST = "demo.health.test"
SLUG = "000-walking-backwards-lumbar-protrusion"


@pytest.fixture(scope="module")
def site():
    return DemoSite(HOST)


def _page(site, slug):
    return site.handle("GET", f"/article/{slug}.html", {}).body


@pytest.mark.parametrize("use_profile", [True, False], ids=["profile", "generic"])
def test_demo_article(site, use_profile):
    article = site.article(SLUG)
    picks = site.hot_picks(article)
    assert len(picks) == 5, "the demo site should have enough articles for a full Hot Picks block"
    url = site.url(f"/article/{SLUG}.html")
    ex = extract(_page(site, SLUG), url, load_profile("demo") if use_profile else None)

    assert ex.reason is None
    assert ex.body_source == ("profile" if use_profile else "generic")
    assert ex.title == article.title
    assert ex.published_date == article.published
    assert ex.date_source == ("profile" if use_profile else "markup")
    assert ex.canonical_url == url
    assert ex.html_language == "en"
    assert ex.body == article.plain_body
    for junk in ("Share", "icon", "Everyone Is Watching", "Hot Picks", "Weibo", "Copyright", "cookies"):
        assert junk not in ex.body
    for p in picks:
        assert p.title not in ex.body
        assert pages.teaser(p) not in ex.body

    assert [h.rank for h in ex.hot_picks] == [1, 2, 3, 4, 5]
    for h, p in zip(ex.hot_picks, picks):
        assert h.title == p.title
        assert h.url == site.url(pages.article_path(p))
        assert h.teaser == pages.teaser(p)
        assert h.published_date == p.published
        assert h.block == "Hot Picks"
    assert "truncated" not in ex.flags and "too_short" not in ex.flags


def test_every_demo_article_page(site):
    """Every English article: full body, title, date; the profile never does worse than generic."""
    profile = load_profile("demo")
    for a in site.articles:
        url = site.url(pages.article_path(a))
        html = _page(site, a.slug)
        ex = extract(html, url, profile)
        assert ex.title == a.title, a.slug
        assert ex.body == a.plain_body, a.slug
        if a.published is not None:
            assert ex.published_date == a.published, a.slug
        else:  # an undated article: only the footer's copyright year, the last resort, said to be a year
            assert ex.published_date == date(2023, 1, 1) and "date_year_only" in ex.flags, a.slug
        assert len(ex.hot_picks) == len(site.hot_picks(a)), a.slug


def test_print_version_has_no_related(site):
    html = site.handle("GET", f"/article/{SLUG}.html?print=1", {}).body
    ex = extract(html, site.url(f"/article/{SLUG}.html"), load_profile("demo"))
    assert ex.hot_picks == []
    assert "profile_related_missed" in ex.flags
    assert ex.body == site.article(SLUG).plain_body
