"""Renders the demo site's pages in the seed's template.

The markup imitates a machine-translated health portal: a date line, a body
with subheadings, then a share bar, "icon" text, "Everyone Is Watching" and a
ranked Hot Picks block with truncated teasers.
"""

from __future__ import annotations

from datetime import date
from html import escape

from crawler.demo.content import DemoArticle

SITE_NAME = "Health Daily"
PAGE_SIZE = 5
TEASER_CHARS = 200
CATEGORY_TITLES = {
    "spine": "Spine and Joints",
    "exercise": "Exercise",
    "heart": "Heart and Blood Pressure",
    "eyes": "Eyes",
    "nutrition": "Nutrition",
    "sleep": "Sleep",
    "children": "Children's Health",
    "digestion": "Digestion",
}


def long_date(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def article_path(a: DemoArticle) -> str:
    return f"/article/{a.slug}.html"


def teaser(a: DemoArticle) -> str:
    # Real portals cut the teaser mid-word at a fixed length, with no ellipsis.
    first = next(p for p in a.paragraphs if not p.startswith("## "))
    return first[:TEASER_CHARS]


def _layout(title: str, lang: str, head: str, main: str, categories: list[str]) -> str:
    nav = "".join(
        f'<li><a href="/category/{c}/">{escape(CATEGORY_TITLES.get(c, c))}</a></li>' for c in categories
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{escape(title)} - {SITE_NAME}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}
</head>
<body>
<header class="site-header">
  <a class="logo" href="/">{SITE_NAME}</a>
  <ul class="nav">{nav}</ul>
  <div class="cookie-banner">We use cookies to improve your experience. <a href="/private/cookies.html">Accept</a></div>
</header>
{main}
<footer class="site-footer">
  <p>Copyright &copy; 2023 {SITE_NAME}. All rights reserved.</p>
  <p><a href="/about.html">About us</a> | <a href="http://partner.example.org/health">Partner site</a>
  | <a href="/files/healthy-living-guide.pdf">Download our guide (PDF)</a></p>
</footer>
</body>
</html>
"""


def _body_html(a: DemoArticle) -> str:
    parts = []
    for p in a.paragraphs:
        if p.startswith("## "):
            parts.append(f"<h2>{escape(p[3:])}</h2>")
        else:
            parts.append(f"<p>{escape(p)}</p>")
    return "\n".join(parts)


def _hot_picks_html(picks: list[DemoArticle]) -> str:
    items = []
    for rank, p in enumerate(picks, 1):
        date_html = f'<span class="hp-date">{long_date(p.published)}</span>' if p.published else ""
        items.append(
            f"""  <li class="hp-item">
    <a href="{article_path(p)}">
      <img src="/img/{p.slug}.jpg" alt="{escape(p.title)}">
      <span class="hp-rank">{rank}</span>
      <span class="hp-title">{escape(p.title)}</span>
      <p class="hp-teaser">{escape(teaser(p))}</p>
      {date_html}
    </a>
  </li>"""
        )
    return "\n".join(items)


def render_article(
    a: DemoArticle, picks: list[DemoArticle], categories: list[str], canonical: str, print_version: bool = False
) -> str:
    date_line = f'<span class="date">{long_date(a.published)}</span>' if a.published else ""
    head = f'<link rel="canonical" href="{escape(canonical)}">\n<meta property="og:title" content="{escape(a.title)}">'
    print_link = "" if print_version else f'<a class="print" href="{article_path(a)}?print=1">Print</a>'
    related = "" if print_version else f"""
<aside class="recommend">
  <div class="recommend-title">Everyone Is Watching</div>
  <i class="icon">icon</i>
  <div class="hot-picks">
    <h3>Hot Picks</h3>
    <ul>
{_hot_picks_html(picks)}
    </ul>
  </div>
</aside>"""
    main = f"""<div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/category/{a.category}/">{escape(CATEGORY_TITLES.get(a.category, a.category))}</a></div>
<main>
<article class="article">
  <h1 class="article-title">{escape(a.title)}</h1>
  <div class="article-meta">{date_line} <span class="source">Source: {SITE_NAME}</span></div>
  <div class="article-content">
{_body_html(a)}
  </div>
  <div class="share-bar"><span>Share</span> <a href="/private/share?to=weibo">Weibo</a> <a href="/private/share?to=wechat">WeChat</a> {print_link}</div>
</article>
{related}
</main>"""
    return _layout(a.title, "zh-CN" if a.lang == "zh" else "en", head, main, categories)


def render_listing(category: str, page: int, items: list[DemoArticle], pages: int, categories: list[str]) -> str:
    title = CATEGORY_TITLES.get(category, category)
    rows = "\n".join(
        f'<li class="list-item"><a href="{article_path(a)}">{escape(a.title)}</a>'
        f'<p>{escape(teaser(a))}</p></li>'
        for a in items
    )
    base = f"/category/{category}/"
    pager = []
    if page > 1:
        prev = base if page == 2 else f"{base}page/{page - 1}/"
        pager.append(f'<a rel="prev" href="{prev}">Previous</a>')
    pager.extend(
        f'<a href="{base if n == 1 else f"{base}page/{n}/"}">{n}</a>' for n in range(1, pages + 1)
    )
    if page < pages:
        pager.append(f'<a rel="next" class="next" href="{base}page/{page + 1}/">Next</a>')
    main = f"""<main class="listing">
<h1>{escape(title)}</h1>
<ul class="article-list">
{rows}
</ul>
<div class="pagination">{" ".join(pager)}</div>
</main>"""
    return _layout(f"{title} - page {page}", "en", "", main, categories)


def render_home(latest: list[DemoArticle], tracked: DemoArticle, categories: list[str]) -> str:
    rows = "\n".join(f'<li><a href="{article_path(a)}">{escape(a.title)}</a></li>' for a in latest)
    main = f"""<main class="home">
<h1>Latest health news</h1>
<ul class="latest">
{rows}
</ul>
<div class="newsletter">Featured in our newsletter:
  <a href="{article_path(tracked)}?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=weekly">{escape(tracked.title)}</a>
</div>
<div class="more">
  <a href="/article/{tracked.slug}-old.html">Moved article</a>
  <a href="/article/2019-flu-season-archive.html">Archive</a>
  <a href="/article/ask-the-doctor-live.html">Ask a doctor</a>
  <a href="/private/members.html">Members area</a>
  <a href="mailto:editor@health.test">Contact</a>
  <a href="/feed.xml">RSS</a>
</div>
</main>"""
    return _layout("Home", "en", "", main, categories)
