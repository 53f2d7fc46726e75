"""The demo site's routes: maps a request path to a response, with no networking.

Kept apart from the server so tests can ask for a page without a socket.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import format_datetime
from html import escape
from urllib.parse import parse_qs, urlsplit

from crawler.demo import pages
from crawler.demo.content import DemoArticle, load_articles

# A minimal, valid one-page PDF: the crawl must notice it is not HTML and skip it.
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
# Every article page reports this modification time, so conditional requests can answer 304.
_LAST_MODIFIED = datetime(2023, 11, 25, tzinfo=timezone.utc)

# Pages the demo fails on purpose, to show how a crawl reports failures (README.md, "the demo's
# deliberate failures"): path -> why. The crawl logs them as expected (crawler.middlewares.DemoRouting).
DELIBERATE_FAILURES = {
    "/article/2019-flu-season-archive.html": "the demo links to a page it does not have (404), on purpose",
    "/article/ask-the-doctor-live.html": "the demo answers 500 for this page every time, on purpose",
}


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class DemoSite:
    """Routes for `http://<host>/...`; `edits` lets tests change an article's text between runs."""

    def __init__(self, host: str, articles: tuple[DemoArticle, ...] | None = None) -> None:
        self.host = host
        self.articles = list(articles if articles is not None else load_articles())
        self.by_slug = {a.slug: a for a in self.articles}
        self.categories = sorted({a.category for a in self.articles}, key=list(pages.CATEGORY_TITLES).index)
        self.edits: dict[str, str] = {}  # slug -> text appended to the body

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def article(self, slug: str) -> DemoArticle:
        a = self.by_slug[slug]
        extra = self.edits.get(slug)
        if extra:
            a = DemoArticle(a.slug, a.title, a.category, a.lang, a.body + "\n\n" + extra,
                            a.published, a.near_duplicate_of, a.artifacts)
        return a

    def hot_picks(self, a: DemoArticle) -> list[DemoArticle]:
        # Five other English articles, newest first, rotated by the article's position so
        # that blocks differ between pages as they do on real sites.
        others = [o for o in self.articles if o.slug != a.slug and o.lang == "en" and o.published]
        others.sort(key=lambda o: (o.published, o.slug), reverse=True)
        position = next(i for i, o in enumerate(self.articles) if o.slug == a.slug)
        start = position % max(1, len(others) - 5)
        return others[start:start + 5]

    def handle(self, method: str, target: str, headers: dict[str, str]) -> Response:
        parts = urlsplit(target)
        path, query = parts.path or "/", parse_qs(parts.query)
        if path == "/robots.txt":
            text = f"User-agent: *\nDisallow: /private/\n\nSitemap: {self.url('/sitemap.xml')}\n"
            return Response(200, text.encode(), {"Content-Type": "text/plain; charset=utf-8"})
        if path == "/sitemap.xml":
            return self._xml(self._sitemap())
        if path == "/feed.xml":
            return self._xml(self._feed())
        if path in ("/", "/index.html"):
            latest = sorted((a for a in self.articles if a.published), key=lambda a: a.published, reverse=True)
            return self._html(pages.render_home(latest[:8], self.articles[1], self.categories))
        if path.startswith("/category/"):
            return self._listing(path)
        if path.startswith("/article/") and path.endswith(".html"):
            slug = path[len("/article/"):-len(".html")]
            if slug in self.by_slug:
                return self._article(slug, "print" in query, headers)
            if slug.endswith("-old") and slug[:-4] in self.by_slug:  # a moved article
                return Response(301, b"", {"Location": self.url(pages.article_path(self.by_slug[slug[:-4]]))})
            if path == "/article/ask-the-doctor-live.html":  # a page that always fails (DELIBERATE_FAILURES)
                return Response(500, b"<h1>Internal Server Error</h1>", {"Content-Type": "text/html"})
        if path.startswith("/files/") and path.endswith(".pdf"):
            return Response(200, _PDF, {"Content-Type": "application/pdf"})
        if path.startswith("/private/"):
            return self._html("<html><body><p>Members only.</p></body></html>")
        return Response(404, b"<h1>Not Found</h1>", {"Content-Type": "text/html"})

    def _html(self, text: str, extra: dict[str, str] | None = None) -> Response:
        return Response(200, text.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8", **(extra or {})})

    def _xml(self, text: str) -> Response:
        return Response(200, text.encode("utf-8"), {"Content-Type": "application/xml; charset=utf-8"})

    def _listing(self, path: str) -> Response:
        rest = path[len("/category/"):].strip("/").split("/")
        category = rest[0]
        page = int(rest[2]) if len(rest) == 3 and rest[1] == "page" and rest[2].isdigit() else 1
        items = [a for a in self.articles if a.category == category]
        n_pages = max(1, -(-len(items) // pages.PAGE_SIZE))
        if category not in self.categories or not 1 <= page <= n_pages or len(rest) not in (1, 3):
            return Response(404, b"<h1>Not Found</h1>", {"Content-Type": "text/html"})
        chunk = items[(page - 1) * pages.PAGE_SIZE: page * pages.PAGE_SIZE]
        return self._html(pages.render_listing(category, page, chunk, n_pages, self.categories))

    def _article(self, slug: str, print_version: bool, headers: dict[str, str]) -> Response:
        a = self.article(slug)
        canonical = self.url(pages.article_path(a))
        html = pages.render_article(a, self.hot_picks(a), self.categories, canonical, print_version)
        body = html.encode("utf-8")
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        validators = {"ETag": etag, "Last-Modified": format_datetime(_LAST_MODIFIED, usegmt=True)}
        if headers.get("if-none-match") == etag:
            return Response(304, b"", validators)
        return self._html(html, validators)

    def _lastmod(self, a: DemoArticle) -> str:
        if a.slug in self.edits:  # an edited article says so in the sitemap, as real sites do
            return datetime.now(timezone.utc).isoformat(timespec="seconds")
        return (a.published or date(2023, 1, 1)).isoformat()

    def _sitemap(self) -> str:
        urls = "\n".join(
            f"  <url><loc>{escape(self.url(pages.article_path(a)))}</loc><lastmod>{self._lastmod(a)}</lastmod></url>"
            for a in self.articles
        )
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n'

    def _feed(self) -> str:
        items = "\n".join(
            f"<item><title>{escape(a.title)}</title><link>{escape(self.url(pages.article_path(a)))}</link></item>"
            for a in self.articles[:10]
        )
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{pages.SITE_NAME}</title>\n{items}\n</channel></rss>\n'
