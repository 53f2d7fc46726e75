"""A small hostile site on loopback for the edge cases of tests/crawler/test_edges.py: validators or none,
articles whose text changes between runs, binary bodies served as text/html, meta-refresh pages, and
HTTP basic auth. Its state is mutable between two crawls of one test."""

from __future__ import annotations

import base64
import gzip
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

from tests.faultsite.content import article_html, make_article

Validators = Literal["etag", "last_modified", "none", "lying"]

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa" + bytes(range(256)) * 8
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
BINARY_PATHS = {"/bin/png.html": PNG, "/bin/pdf.html": PDF,
                "/bin/gzip.html": gzip.compress(b"<html><body><p>compressed but not declared</p></body></html>" * 50)}


# What the feeds are served as: RSS as plain XML (the root says it is a feed), Atom as what it is.
FEED_TYPES = {"rss": "text/xml; charset=utf-8", "atom": "application/atom+xml"}


class EdgeSite:
    """`validators` says what the article answers carry ("lying": none, and a 304 to any conditional request); `edits[slug]` is a paragraph added to that article
    (set it between two crawls to change the site). With `auth=(user, password)` every path needs it. With
    `section`, a listing at /health/ links its articles relatively ("edge-one.html" = /health/edge-one.html),
    and /health without the slash is a 404, as on many servers. With `down`, every path answers 503.
    With `sitemaps`, /sitemap.xml lists the articles (robots.txt names it unless `sitemaps="unnamed"`), /feed.rss and /feed.atom are an
    RSS and an Atom feed of them (served as FEED_TYPES says), and /catalog.xml is XML that is neither; no
    page links to any of them."""

    def __init__(self, validators: Validators = "none", slugs: tuple[str, ...] = ("edge-one", "edge-two"),
                 binary: bool = False, refresh: bool = False, auth: tuple[str, str] | None = None,
                 section: bool = False, down: bool = False,
                 sitemaps: bool | Literal["unnamed"] = False) -> None:
        self.validators = validators
        self.slugs = slugs
        self.binary = binary
        self.refresh = refresh
        self.auth = auth
        self.section = section
        self.down = down
        self.sitemaps = sitemaps
        self.edits: dict[str, str] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers) of every request
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._port = 0

    def __enter__(self) -> "EdgeSite":
        site = self

        class Handler(_Handler):
            pass

        Handler.site = site
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]  # URLs stay valid for assertions after the stop
        threading.Thread(target=self._server.serve_forever, name="edge-site", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._port, "not started"
        return f"http://127.0.0.1:{self._port}/"

    def article_url(self, slug: str) -> str:
        return f"{self.url}articles/{slug}.html"

    def article(self, slug: str):  # noqa: ANN201 - tests.faultsite.content.Article
        return make_article(slug, extra=self.edits.get(slug))

    def hits(self, path: str) -> list[dict[str, str]]:
        with self._lock:
            return [h for p, h in self.requests if p == path]


class _Handler(BaseHTTPRequestHandler):
    site: EdgeSite
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        site, path = self.site, self.path.split("?")[0]
        with site._lock:
            site.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
        if site.down:
            return self._send(503, b"<html><body>Service Unavailable</body></html>")
        if site.auth is not None:
            expected = "Basic " + base64.b64encode(":".join(site.auth).encode()).decode()
            if self.headers.get("Authorization") != expected:
                return self._send(401, b"<html><body>login</body></html>",
                                  headers={"WWW-Authenticate": 'Basic realm="edge"'})
        if path == "/robots.txt":
            named = f"Sitemap: {site.url}sitemap.xml\n" if site.sitemaps is True else ""
            return self._send(200, f"User-agent: *\nAllow: /\n{named}".encode(), "text/plain")
        if path == "/sitemap.xml" and site.sitemaps:
            urls = "".join(f"<url><loc>{site.article_url(s)}</loc></url>" for s in site.slugs)
            return self._send(200, ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
                                    f'schemas/sitemap/0.9">{urls}</urlset>').encode(), "application/xml")
        if path == "/feed.rss" and site.sitemaps:
            items = "".join(f"<item><title>{s}</title><link>{site.article_url(s)}</link></item>" for s in site.slugs)
            return self._send(200, ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                                    f"<title>Edge health</title>{items}</channel></rss>").encode(), FEED_TYPES["rss"])
        if path == "/feed.atom" and site.sitemaps:
            entries = "".join(f'<entry><title>{s}</title><link href="/articles/{s}.html"/></entry>' for s in site.slugs)
            return self._send(200, ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                                    f"<title>Edge health</title>{entries}</feed>").encode(), FEED_TYPES["atom"])
        if path == "/catalog.xml" and site.sitemaps:
            return self._send(200, b'<?xml version="1.0"?><catalog><book id="1"/></catalog>', "application/xml")
        if path == "/":
            links = [f"/articles/{s}.html" for s in site.slugs]
            if site.binary:
                links += list(BINARY_PATHS)
            if site.refresh:
                links += ["/refresh/article.html", "/refresh/nowhere.html", "/refresh/self.html",
                          "/refresh/offsite.html"]
            items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
            return self._send(200, f"<html><body><h1>Edge health</h1><ul>{items}</ul></body></html>".encode())
        if path == "/health/" and site.section:
            items = "".join(f'<li><a href="{s}.html">{s}</a></li>' for s in site.slugs)
            return self._send(200, f"<html><body><h1>Health</h1><ul>{items}</ul></body></html>".encode())
        if path.startswith("/health/") and site.section and path.removeprefix("/health/").removesuffix(".html") in site.slugs:
            return self._send(200, article_html(site.article(path.removeprefix("/health/").removesuffix(".html"))).encode())
        if path in BINARY_PATHS and site.binary:
            return self._send(200, BINARY_PATHS[path], "text/html")
        if path == "/refresh/article.html" and site.refresh:
            return self._send(200, b'<html><head><meta http-equiv="refresh" content="0;url=/articles/moved.html">'
                                   b"</head><body></body></html>")
        if path == "/refresh/nowhere.html" and site.refresh:
            return self._send(200, b'<html><head><meta http-equiv="refresh" content="0; url=/gone.html">'
                                   b"</head><body></body></html>")
        if path == "/refresh/self.html" and site.refresh:  # a loop
            return self._send(200, b'<html><head><meta http-equiv="refresh" content="0;url=/refresh/self.html">'
                                   b"</head><body></body></html>")
        if path == "/refresh/offsite.html" and site.refresh:
            return self._send(200, b'<html><head><meta http-equiv="refresh" content="0;url=http://elsewhere.test/x">'
                                   b"</head><body></body></html>")
        slug = path.removeprefix("/articles/").removesuffix(".html")
        if path.startswith("/articles/") and (slug in site.slugs or (slug == "moved" and site.refresh)):
            html = article_html(site.article(slug)).encode()
            tag = '"' + hashlib.sha1(html).hexdigest()[:16] + '"'
            modified = "Mon, 01 Jan 2024 00:00:00 GMT" if slug not in site.edits else "Tue, 01 Oct 2024 00:00:00 GMT"
            if site.validators == "etag":
                if self.headers.get("If-None-Match") == tag:
                    return self._send(304, b"", headers={"ETag": tag})
                return self._send(200, html, headers={"ETag": tag})
            if site.validators == "last_modified":
                if self.headers.get("If-Modified-Since") == modified:
                    return self._send(304, b"", headers={"Last-Modified": modified})
                return self._send(200, html, headers={"Last-Modified": modified})
            if site.validators == "lying" and (self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since")):
                return self._send(304, b"")  # gave no validators, yet claims nothing changed
            return self._send(200, html)  # no validators: If-Modified-Since is ignored, as many servers do
        self._send(404, b"<html><body>not found</body></html>")
