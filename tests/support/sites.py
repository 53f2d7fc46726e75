"""Loopback sites for whole-site coverage and crawl budgets (tests and bench/crawl_pagination.py, crawl_traps.py).

    with PaginatedSite(articles=1000, per_page=50) as site:   # 20 listing pages, no sitemap
        site.url, site.article_urls()
    with TrapSite(real=20, big_sitemap=200_000) as site:      # traps everywhere, 20 real articles
        site.url, site.profile_toml(path), site.article_urls()

Both are served from 127.0.0.1 on an ephemeral port by daemon threads, and stop on exit.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import random
import re

from tests.faultsite.content import GENERAL, TOPICS, Article, article_html, make_article

# English words of the fault site's sentences: notes written from them make each article its own text.
_WORDS = sorted({w.lower() for text in [*GENERAL, *(f for _, facts in TOPICS.values() for f in facts)]
                 for w in re.findall(r"[A-Za-z]{3,}", text)})


def distinct_article(slug: str) -> Article:
    """`make_article(slug)` with two notes of words drawn by the slug: no two such articles are near
    duplicates (a 1,000-article site of make_article alone has some), so every one must be written."""
    article = make_article(slug)
    rng = random.Random("notes-" + slug)
    notes = []
    for _ in range(2):
        words = [rng.choice(_WORDS) for _ in range(60)]
        notes.append(" ".join(" ".join(words[i:i + 12]).capitalize() + "." for i in range(0, 60, 12)))
    return Article(slug=article.slug, title=article.title, published=article.published,
                   paragraphs=(*article.paragraphs, *notes))


class _Site:
    def __init__(self) -> None:
        self.requests = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def page(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, str]:
        raise NotImplementedError

    def start(self) -> "_Site":
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                with site._lock:
                    site.requests += 1
                parts = urlsplit(self.path)
                status, body, ctype = site.page(parts.path, parse_qs(parts.query))
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name=type(self).__name__, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}/"


HTML = "text/html; charset=utf-8"
NOT_FOUND = (404, "<html><body><h1>Not found</h1></body></html>", HTML)


def _listing(title: str, links: list[tuple[str, str]], head: str = "", pager: str = "") -> str:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return (f"<!DOCTYPE html><html lang='en'><head>{head}<title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/about.html'>About</a></nav><h1>{title}</h1><ul>{items}</ul>"
            f"<div class='pager'>{pager}</div></body></html>")


class PaginatedSite(_Site):
    """`articles` articles behind listing pages of `per_page`, each page linking only to its neighbours.

    The pagination takes every common form, a third of the pages each: `/?page=N` with `rel="next"`,
    `/archive/page/N/` behind "Older posts", and `/older/N.html` behind bare page numbers. No sitemap,
    no feed: the listings are the only way to the articles.
    """

    def __init__(self, articles: int = 1000, per_page: int = 50) -> None:
        super().__init__()
        self.articles = articles
        self.per_page = per_page
        self.pages = (articles + per_page - 1) // per_page

    def listing_path(self, k: int) -> str:
        third = max(1, self.pages // 3)
        if k == 1:
            return "/"
        if k <= third:
            return f"/?page={k}"
        if k <= 2 * third:
            return f"/archive/page/{k}/"
        return f"/older/{k}.html"

    def article_path(self, n: int) -> str:
        return f"/articles/{n:05d}-cover.html"

    def article_urls(self) -> list[str]:
        return [self.url.rstrip("/") + self.article_path(n) for n in range(self.articles)]

    def _listing_page(self, k: int) -> tuple[int, str, str]:
        first = (k - 1) * self.per_page
        links = [(self.article_path(n), f"Article {n}") for n in range(first, min(first + self.per_page, self.articles))]
        third = max(1, self.pages // 3)
        head, pager = "", ""
        if k > 1:
            pager += f'<a href="{self.listing_path(k - 1)}">{k - 1}</a> '
        if k < self.pages:
            nxt = self.listing_path(k + 1)
            if k + 1 <= third:
                head = f'<link rel="next" href="{nxt}">'
                pager += f'<a href="{nxt}">Next &raquo;</a>'
            elif k + 1 <= 2 * third:
                pager += f'<a href="{nxt}">Older posts</a>'
            else:
                pager += f'<a href="{nxt}">{k + 1}</a>'
        return 200, _listing(f"Health news, page {k}", links, head, pager), HTML

    def page(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, str]:
        if path == "/robots.txt":
            return 200, "User-agent: *\nAllow: /\n", "text/plain"
        if path == "/about.html":
            return 200, _listing("About us", []), HTML
        try:
            if path == "/":
                return self._listing_page(int(query.get("page", ["1"])[0]))
            if path.startswith("/archive/page/"):
                return self._listing_page(int(path.split("/")[3]))
            if path.startswith("/older/"):
                return self._listing_page(int(path[7:].split(".")[0]))
            if path.startswith("/articles/"):
                n = int(path[10:15])
                if n < self.articles:
                    related = [(self.article_path((n + 1) % self.articles), "Related")]
                    return 200, article_html(distinct_article(f"cover-{n}"), links=related), HTML
        except (ValueError, IndexError):
            pass
        return NOT_FOUND


class TrapSite(_Site):
    """`real` articles linked from the home page, and every trap a profile's listing patterns can match:

    an endless calendar (`/calendar/YYYY/MM/`, prev and next month), session ids that change on every
    page (`/topics/?sid=...`), links that make the path grow (`/section/more/more/...`), a search
    page linking to ever more filter combinations (`/search?q=..&sort=..&tag=..`), a chain of sitemap
    indexes each listing the next, and a sitemap of `big_sitemap` URLs (the real articles first).
    """

    def __init__(self, real: int = 20, big_sitemap: int = 20_000) -> None:
        super().__init__()
        self.real = real
        self.big_sitemap = big_sitemap
        self._sid = 0

    def article_urls(self) -> list[str]:
        return [f"{self.url}articles/real-{i}.html" for i in range(self.real)]

    def profile_toml(self, path: Path) -> Path:
        host = self.url.split("/")[2].split(":")[0]
        path.write_text(
            f'name = "trapsite"\nstart_urls = ["{self.url}"]\nallowed_domains = ["{host}"]\n'
            f'sitemap_urls = ["{self.url}sitemap.xml"]\n\n[urls]\narticle = [\'^/articles/\']\n'
            "listing = ['^/$', '^/calendar/', '^/topics', '^/section', '^/search']\n\n"
            '[selectors]\ntitle = "h1"\nbody = "article"\n', encoding="utf-8")
        return path

    def _next_sid(self) -> str:
        with self._lock:
            self._sid += 1
            return f"{self._sid:08x}deadbeef"

    def page(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, str]:
        base = self.url.rstrip("/")
        if path == "/robots.txt":
            return 200, f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n", "text/plain"
        if path == "/":
            links = [(f"/articles/real-{i}.html", f"Article {i}") for i in range(self.real)]
            links += [("/calendar/2026/11/", "Calendar"), (f"/topics/?sid={self._next_sid()}", "Topics"),
                      ("/section/", "Sections"), ("/search?q=health", "Search")]
            return 200, _listing("Trap site", links), HTML
        if path.startswith("/articles/real-"):
            return 200, article_html(distinct_article(f"trap-real-{path[15:].split('.')[0]}")), HTML
        if path.startswith("/calendar/"):
            try:
                year, month = (int(x) for x in path.split("/")[2:4])
            except ValueError:
                return NOT_FOUND
            prev_y, prev_m = (year, month - 1) if month > 1 else (year - 1, 12)
            next_y, next_m = (year, month + 1) if month < 12 else (year + 1, 1)
            return 200, _listing(f"Events {year}-{month:02d}", [
                (f"/calendar/{prev_y}/{prev_m:02d}/", "Previous month"),
                (f"/calendar/{next_y}/{next_m:02d}/", "Next month")]), HTML
        if path.startswith("/topics"):
            return 200, _listing("Topics", [(f"/topics/?sid={self._next_sid()}", "Topics"),
                                            (f"/topics/sleep?sid={self._next_sid()}", "Sleep")]), HTML
        if path == "/section" or path.startswith("/section/"):
            return 200, _listing("Section", [(path.rstrip("/") + "/more/", "More"), ("/articles/real-0.html", "Read")]), HTML
        if path == "/search":
            q = query.get("q", ["health"])[0]
            sort = query.get("sort", ["date"])[0]
            tags = query.get("tag", [])
            links = [(f"/search?q={q}&sort={s}&" + "&".join(f"tag={t}" for t in [*tags, extra]), "Filter")
                     for s in ("date", "title") for extra in ("a", "b", "c")][: 6]
            return 200, _listing("Search", links), HTML
        if path == "/sitemap.xml":
            return 200, _index([f"{base}/sitemaps/chain-1.xml", f"{base}/sitemaps/big.xml"]), "application/xml"
        if path.startswith("/sitemaps/chain-"):
            n = int(path[16:].split(".")[0])
            return 200, _index([f"{base}/sitemaps/chain-{n + 1}.xml"]), "application/xml"
        if path == "/sitemaps/big.xml":
            urls = self.article_urls() + [f"{base}/old/{i}.html" for i in range(self.big_sitemap - self.real)]
            body = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
            return 200, ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                         f'sitemap/0.9">{body}</urlset>'), "application/xml"
        if path.startswith("/old/"):
            return NOT_FOUND
        return NOT_FOUND


def _index(locs: list[str]) -> str:
    body = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in locs)
    return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9">{body}</sitemapindex>')


__all__ = ["PaginatedSite", "TrapSite"]
