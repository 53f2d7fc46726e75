"""A paginated health site on loopback: listing pages chained by "next" links, articles linking to each other.

    with PagedSite(articles=120, per_page=10) as site:
        site.url                      # http://127.0.0.1:PORT/ (the first listing page)
        site.article_urls()           # every article a complete crawl must find

Articles are only reachable through the listing chain (and through one another), so a crawl that
forgets the links of a page it already fetched loses every article behind it: the site resume
tests and bench/kill_resume.py crawl. `delay` slows each answer so a kill can land mid-fetch.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.faultsite.content import article_html, make_article


class PagedSite:
    def __init__(self, articles: int = 120, per_page: int = 10, delay: float = 0.0, sitemap: bool = False) -> None:
        if articles < 1 or per_page < 1:
            raise ValueError("a paged site needs at least one article and one article per page")
        self.articles = articles
        self.per_page = per_page
        self.delay = delay
        self.sitemap = sitemap
        self.requests = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def pages(self) -> int:
        return (self.articles + self.per_page - 1) // self.per_page

    def start(self) -> "PagedSite":
        site = self

        class Handler(_Handler):
            pass

        Handler.site = site
        self._server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, name="paged-site", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "PagedSite":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def article_urls(self) -> list[str]:
        return [f"{self.url}articles/a{n}.html" for n in range(self.articles)]

    def answer(self, path: str) -> tuple[int, bytes, str]:
        """(status, body, content type) of a path."""
        if path == "/robots.txt":
            extra = f"Sitemap: {self.url}sitemap.xml\n" if self.sitemap else ""
            return 200, f"User-agent: *\nAllow: /\n{extra}".encode(), "text/plain"
        if path == "/sitemap.xml" and self.sitemap:
            locs = "".join(f"<url><loc>{u}</loc></url>" for u in self.article_urls())
            return 200, (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                         f"{locs}</urlset>").encode(), "application/xml"
        if path in ("/", "/index.html") or path.startswith("/page/"):
            page = 1 if not path.startswith("/page/") else _number(path[len("/page/"):])
            if page is None or not 1 <= page <= self.pages:
                return 404, b"not found", "text/plain"
            first = (page - 1) * self.per_page
            items = "".join(f'<li><a href="/articles/a{n}.html">Article {n}</a></li>'
                            for n in range(first, min(first + self.per_page, self.articles)))
            nxt = f'<a rel="next" href="/page/{page + 1}.html">Next page</a>' if page < self.pages else ""
            html = (f"<!DOCTYPE html><html lang='en'><head><title>Health news, page {page}</title></head><body>"
                    f"<h1>Health news, page {page}</h1><ul>{items}</ul>{nxt}</body></html>")
            return 200, html.encode(), "text/html; charset=utf-8"
        if path.startswith("/articles/a"):
            n = _number(path[len("/articles/a"):])
            if n is None or not 0 <= n < self.articles:
                return 404, b"not found", "text/plain"
            related = (n * 7 + 3) % self.articles
            html = article_html(make_article(f"paged-{n}"), links=[(f"/articles/a{related}.html", "Related")])
            return 200, html.encode(), "text/html; charset=utf-8"
        return 404, b"not found", "text/plain"


def _number(name: str) -> int | None:
    stem = name.removesuffix(".html")
    return int(stem) if stem.isdigit() else None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a crawler killed mid-request resets its connections: expected here, not worth a traceback


class _Handler(BaseHTTPRequestHandler):
    site: PagedSite
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        with self.site._lock:
            self.site.requests += 1
        if self.site.delay:
            time.sleep(self.site.delay)
        status, body, ctype = self.site.answer(self.path.split("?", 1)[0])
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
