"""A fault-injection HTTP server on loopback: a small health site whose pages fail in every way a real one does.

    with FaultSite() as site:
        site.url                      # http://127.0.0.1:PORT/
        site.hits                     # every request seen: Hit(time, host, path)
        site.good_articles()          # slug -> Article that a crawl must write

Everything is served from 127.0.0.1 only. Requests in proxy form (an absolute URI,
as an HTTP proxy receives them) for `PUBLIC_HOST` get a second small site that
stands for a public website, so a test can crawl "a public site" through
`http_proxy` without a packet leaving the machine. Any other host gets a 502.
Every slow or endless answer is bounded in time and size, and the server's
threads are daemons, so a test can never hang on it.
"""

from __future__ import annotations

import gzip
import json
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.faultsite.content import (CP1252_PARAGRAPH, Article, article_html, chinese_article, make_article)

PUBLIC_HOST = "health.public.test"  # .test never resolves (RFC 6761): only reachable through the proxy form
MB = 1024 * 1024

# Articles that a crawl must write, by path. The fault endpoints that end in an article are below.
PLAIN = ["sleep-basics", "water-habits", "walking-daily", "vitamin-d-winter", "teeth-care", "stress-coping"]


@dataclass(frozen=True)
class Hit:
    time: float
    host: str  # host the client asked for ("" when it gave none)
    path: str
    method: str
    user_agent: str


class _Abort(Exception):
    """Raised by a route that has already dealt with the socket (reset, closed mid-body)."""


def _gzip_bomb(decompressed: int) -> bytes:
    """Gzip of `decompressed` zero bytes, built in chunks (about 1000:1)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * MB
    parts = [comp.compress(chunk) for _ in range(decompressed // MB)]
    parts.append(comp.flush())
    return b"".join(parts)


def _entity_bomb() -> bytes:
    ents = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'
                                       for i in range(1, 10)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE urlset [' + "".join(ents).replace("&lol0;", "&lol;") + "]>\n"
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc></url></urlset>'
            ).encode()


class FaultSite:
    """The server and its state. `crawl_delay` adds a Crawl-delay line to robots.txt."""

    def __init__(self, crawl_delay: float | None = None, slow_seconds: float = 4.0,
                 retry_after: int = 1, robots_sitemap: bool = True) -> None:
        self.crawl_delay = crawl_delay
        self.robots_sitemap = robots_sitemap
        self.proxy_auth: list[str] = []  # Proxy-Authorization headers received
        self.languagetool_requests: list[dict[str, list[str]]] = []  # form fields of /v2/check calls
        self.slow_seconds = slow_seconds
        self.retry_after = retry_after
        self.hits: list[Hit] = []
        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._bomb: bytes | None = None

    # --- lifecycle -------------------------------------------------------------

    def start(self) -> "FaultSite":
        site = self

        class Handler(_Handler):
            pass

        Handler.site = site
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-site", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FaultSite":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return self._server.server_address[1]

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}/"

    @property
    def proxy(self) -> str:
        return f"http://{self.host}"

    # --- what tests check --------------------------------------------------------

    def record(self, hit: Hit) -> int:
        with self._lock:
            self.hits.append(hit)
            key = f"{hit.host}{hit.path}"
            self.counts[key] = self.counts.get(key, 0) + 1
            return self.counts[key]

    def hits_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    def good_articles(self) -> dict[str, Article]:
        """URL -> article, for every page of the main site that a crawl must turn into an articles row."""
        base = self.url.rstrip("/")
        out = {f"{base}/articles/{slug}.html": make_article(slug) for slug in PLAIN}
        out[f"{base}/flaky/503/after-retry.html"] = make_article("after-retry-503", "handwashing")
        out[f"{base}/flaky/429/after-retry.html"] = make_article("after-retry-429", "posture")
        out[f"{base}/flaky/500/after-retry.html"] = make_article("after-retry-500", "breakfast")
        out[f"{base}/flaky/reset/after-retry.html"] = make_article("after-retry-reset", "sunscreen")
        out[f"{base}/articles/chain-end.html"] = make_article("chain-end", "sleep")
        out[f"{base}/articles/from-big-sitemap.html"] = make_article("from-big-sitemap", "water")
        out[f"{base}/charset/cp1252.html"] = self.cp1252_article()
        out[f"{base}/charset/bom.html"] = make_article("utf8-bom", "vitamin")
        out[f"{base}/charset/wrong.html"] = self.wrong_charset_article()
        out[f"{base}/charset/gbk.html"] = chinese_article("gbk")
        out[f"{base}/gzip/article.html"] = make_article("gzipped", "teeth")
        return out

    @staticmethod
    def cp1252_article() -> Article:
        return make_article("windows-1252", "breakfast", extra=CP1252_PARAGRAPH)

    @staticmethod
    def wrong_charset_article() -> Article:
        return make_article("declared-utf8-is-cp1252", "stress", extra=CP1252_PARAGRAPH)

    # URLs that must never be requested, whatever the pages say.
    FORBIDDEN_PATHS = ("/private/secret.html", "/private/from-sitemap.html", "/private-target", "/xxe-hit")

    def gzip_bomb(self) -> bytes:
        if self._bomb is None:
            self._bomb = _gzip_bomb(64 * MB)
        return self._bomb


class _Handler(BaseHTTPRequestHandler):
    site: FaultSite
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_POST(self) -> None:  # noqa: N802 - a stand-in LanguageTool server: /v2/check finds nothing
        length = min(int(self.headers.get("Content-Length") or 0), 10 * MB)
        fields = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        self.site.record(Hit(time.monotonic(), self.headers.get("Host", ""), self.path, "POST", ""))
        if self.path.rstrip("/").endswith("/v2/check"):
            with self.site._lock:
                self.site.languagetool_requests.append(fields)
            return self._send(200, json.dumps({"software": {"name": "LanguageTool", "version": "6.0-fault"},
                                               "matches": []}).encode(), "application/json")
        self._send(404, b"{}", "application/json")

    def do_GET(self) -> None:  # noqa: N802
        if self.headers.get("Proxy-Authorization"):
            with self.site._lock:
                self.site.proxy_auth.append(self.headers["Proxy-Authorization"])
        if self.path.rstrip("/").endswith("/v2/languages"):
            return self._send(200, b'[{"name": "English (US)", "code": "en", "longCode": "en-US"}]',
                              "application/json")
        target = self.path
        if "://" in target:  # proxy form
            parts = urlsplit(target)
            host, path = parts.netloc, parts.path + (f"?{parts.query}" if parts.query else "")
        else:
            host, path = self.headers.get("Host", ""), target
        n = self.site.record(Hit(time.monotonic(), host, path, self.command, self.headers.get("User-Agent", "")))
        try:
            if host.split(":")[0] == PUBLIC_HOST:
                self._public(path, n)
            elif host.split(":")[0] in ("127.0.0.1", "") :
                self._main(path, n)
            else:
                self._send(502, b"refused: the fault site serves 127.0.0.1 and the public test host only",
                           "text/plain")
        except _Abort:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (size cap, timeout)
            self.close_connection = True

    # --- primitives --------------------------------------------------------------

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _html(self, text: str, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self._send(status, text.encode("utf-8"), headers=headers)

    def _redirect(self, location: str, status: int = 302) -> None:
        self._send(status, b"", "text/html", {"Location": location})

    def _reset(self) -> None:
        """Closes the connection with a TCP RST (SO_LINGER 0) before any answer."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        raise _Abort

    def _sleep(self, seconds: float) -> None:
        self.site._stop.wait(seconds)

    def _error_page(self, status: int, headers: dict[str, str] | None = None) -> None:
        self._html(f"<html><body><h1>Error {status}</h1><p>Try again later.</p></body></html>", status, headers)

    # --- the main site ---------------------------------------------------------

    def _home(self) -> str:
        p = self.site.port
        links = [
            *(f"/articles/{s}.html" for s in PLAIN),
            "/flaky/503/after-retry.html", "/flaky/429/after-retry.html", "/flaky/500/after-retry.html",
            "/flaky/reset/after-retry.html",
            "/always/500.html", "/always/503.html", "/always/reset.html", "/always/timeout.html",
            "/always/midbody.html", "/retry-after/too-long.html",
            "/truncated/article.html", "/redirect/loop-a.html", "/redirect/chain/5", "/redirect/chain-long/15",
            "/redirect/offsite.html",
            "/big/20mb.html", "/big/endless.html", "/gzip/bomb.html", "/gzip/article.html",
            "/charset/gbk.html", "/charset/cp1252.html", "/charset/bom.html", "/charset/wrong.html",
            "/binary.html", "/empty.html", "/private/secret.html",
            # other hosts, other schemes, loopback under another name: never followed
            "http://other-site.test/health/", f"http://localhost:{p}/articles/sleep-basics.html",
            f"http://127.0.0.2:{p}/", "http://10.1.2.3/admin", f"http://[::1]:{p}/",
            "mailto:desk@example.org", "javascript:alert(1)", "file:///etc/passwd",
            "ftp://127.0.0.1/pub/", "data:text/html,<h1>inline</h1>",
        ]
        items = "".join(f'<li><a href="{href}">link {i}</a></li>' for i, href in enumerate(links))
        return (f"<!DOCTYPE html><html lang='en'><head><title>Fault Site Health</title></head><body>"
                f"<h1>Fault Site Health</h1><ul>{items}</ul></body></html>")

    def _main(self, path: str, n: int) -> None:
        site = self.site
        base = site.url.rstrip("/")
        arts = site.good_articles()
        plain = path.split("?")[0]
        ra = str(site.retry_after)
        if plain == "/":
            return self._html(self._home())
        if plain == "/robots.txt":
            lines = ["User-agent: *", "Disallow: /private/"]
            if site.crawl_delay is not None:
                lines.append(f"Crawl-delay: {site.crawl_delay}")
            if site.robots_sitemap:
                lines.append(f"Sitemap: {base}/sitemap.xml")
            return self._send(200, ("\n".join(lines) + "\n").encode(), "text/plain")
        if plain == "/sitemap.xml":
            subs = ["articles.xml", "malformed.xml", "garbage.xml", "entity-bomb.xml", "xxe.xml", "many.xml",
                    "huge.xml", "missing.xml"]
            body = "".join(f"<sitemap><loc>{base}/sitemaps/{s}</loc></sitemap>" for s in subs)
            return self._send(200, ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns='
                                    f'"http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>').encode(),
                              "application/xml")
        if plain.startswith("/sitemaps/"):
            return self._sitemap(plain.rsplit("/", 1)[1])
        if plain.startswith("/articles/") and base + plain in arts:
            return self._html(article_html(arts[base + plain]))
        if plain.startswith("/flaky/"):
            kind = plain.split("/")[2]
            if n == 1:  # the first request fails, the retry gets the article
                if kind == "503":
                    return self._error_page(503, {"Retry-After": ra})
                if kind == "429":
                    when = formatdate(time.time() + site.retry_after + 1, usegmt=True)  # an HTTP date
                    return self._error_page(429, {"Retry-After": when})
                if kind == "500":
                    return self._error_page(500)
                if kind == "reset":
                    return self._reset()
            return self._html(article_html(arts[base + plain]))
        if plain == "/always/500.html":
            return self._error_page(500)
        if plain == "/always/503.html":
            return self._error_page(503, {"Retry-After": ra})
        if plain == "/always/reset.html":
            return self._reset()
        if plain == "/always/timeout.html":
            self._sleep(site.slow_seconds)
            return self._html("<html><body><p>too late</p></body></html>")
        if plain == "/always/midbody.html":
            body = article_html(make_article("midbody")).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 3])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            raise _Abort
        if plain == "/retry-after/too-long.html":
            return self._error_page(503, {"Retry-After": "3600"})
        if plain == "/truncated/article.html":
            html = article_html(make_article("truncated-page", "walking"))
            cut = html[: int(len(html) * 0.8)]
            cut = cut[: cut.rfind("<") + 3]  # stop in the middle of a tag
            return self._html(cut)
        if plain == "/redirect/loop-a.html":
            return self._redirect("/redirect/loop-b.html")
        if plain == "/redirect/loop-b.html":
            return self._redirect("/redirect/loop-a.html")
        if plain.startswith("/redirect/chain/"):
            k = int(plain.rsplit("/", 1)[1])
            return self._redirect(f"/redirect/chain/{k - 1}" if k > 1 else "/articles/chain-end.html", 301)
        if plain.startswith("/redirect/chain-long/"):
            k = int(plain.rsplit("/", 1)[1])
            return self._redirect(f"/redirect/chain-long/{k - 1}" if k > 1 else "/articles/chain-end.html")
        if plain == "/redirect/offsite.html":
            return self._redirect("http://other-site.test/landing")
        if plain == "/big/20mb.html":
            return self._big(20 * MB, declared=True)
        if plain == "/big/endless.html":
            return self._big(20 * MB, declared=False)
        if plain == "/gzip/bomb.html":
            return self._send(200, site.gzip_bomb(), "text/html; charset=utf-8", {"Content-Encoding": "gzip"})
        if plain == "/gzip/article.html":
            body = gzip.compress(article_html(arts[base + plain]).encode())
            return self._send(200, body, "text/html; charset=utf-8", {"Content-Encoding": "gzip"})
        if plain == "/charset/gbk.html":  # GBK bytes, no charset anywhere
            return self._send(200, article_html(arts[base + plain]).encode("gbk"), "text/html")
        if plain == "/charset/cp1252.html":  # Windows-1252 bytes, no charset anywhere
            return self._send(200, article_html(arts[base + plain]).encode("cp1252"), "text/html")
        if plain == "/charset/bom.html":  # UTF-8 with a byte-order mark, no charset declared
            return self._send(200, b"\xef\xbb\xbf" + article_html(arts[base + plain]).encode("utf-8"), "text/html")
        if plain == "/charset/wrong.html":  # declared UTF-8, really Windows-1252
            return self._send(200, article_html(arts[base + plain]).encode("cp1252"), "text/html; charset=utf-8")
        if plain == "/binary.html":  # a PNG served as HTML
            return self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64, "text/html")
        if plain == "/empty.html":
            return self._send(200, b"", "text/html")
        if plain in FaultSite.FORBIDDEN_PATHS:
            return self._html("<html><body><p>secret: this page must never be fetched</p></body></html>")
        return self._error_page(404)

    def _big(self, size: int, declared: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if declared:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")  # length = until close
        self.end_headers()
        chunk = (b"<p>" + b"filler text " * 85 + b"</p>\n")[:1024] * 64
        sent = 0
        while sent < size and not self.site._stop.is_set():
            self.wfile.write(chunk)
            sent += len(chunk)
        raise _Abort

    def _sitemap(self, name: str) -> None:
        base = self.site.url.rstrip("/")
        ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        if name == "articles.xml":
            urls = [f"{base}/articles/{s}.html" for s in PLAIN] + [f"{base}/private/from-sitemap.html",
                                                                 "http://other-site.test/from-sitemap.html",
                                                                 "file:///etc/passwd", "javascript:alert(1)"]
            body = "".join(f"<url><loc>{u}</loc><lastmod>2024-05-01</lastmod></url>" for u in urls)
            return self._send(200, f'<?xml version="1.0"?><urlset {ns}>{body}</urlset>'.encode(), "application/xml")
        if name == "malformed.xml":
            return self._send(200, f'<?xml version="1.0"?><urlset {ns}><url><loc>{base}/articles/sleep-basics.html'
                                   f"</loc></url><url><loc>{base}/art".encode(), "application/xml")
        if name == "garbage.xml":
            return self._send(200, b"\x00\x01not xml at all \xff\xfe" * 100, "application/xml")
        if name == "entity-bomb.xml":
            return self._send(200, _entity_bomb(), "application/xml")
        if name == "xxe.xml":
            body = (f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
                    f'<!ENTITY net SYSTEM "{base}/xxe-hit">]>'
                    f"<urlset {ns}><url><loc>{base}/&xxe;</loc></url><url><loc>&net;</loc></url></urlset>")
            return self._send(200, body.encode(), "application/xml")
        if name == "many.xml":  # 20,000 entries: other hosts, then one real article
            entries = [f"<url><loc>http://spam-{i}.test/p{i}.html</loc></url>" for i in range(20_000)]
            entries.append(f"<url><loc>{base}/articles/from-big-sitemap.html</loc></url>")
            return self._send(200, f'<?xml version="1.0"?><urlset {ns}>{"".join(entries)}</urlset>'.encode(),
                              "application/xml")
        if name == "huge.xml":  # bigger than DOWNLOAD_MAXSIZE
            return self._big(20 * MB, declared=True)
        return self._error_page(404)

    # --- the "public" site, reached in proxy form ---------------------------------

    def _public(self, path: str, n: int) -> None:
        p = self.site.port
        if path == "/robots.txt":
            return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        if path == "/":
            links = [f"http://127.0.0.1:{p}/private-target", f"http://localhost:{p}/private-target",
                     "http://10.0.0.7/private-target", f"http://[::1]:{p}/private-target",
                     "http://169.254.169.254/latest/meta-data/", "/article.html", "/redirect-private.html",
                     "/retry-then-private.html"]
            items = "".join(f'<li><a href="{h}">link {i}</a></li>' for i, h in enumerate(links))
            return self._html(f"<html lang='en'><body><h1>Public health</h1><ul>{items}</ul></body></html>")
        if path == "/article.html":
            return self._html(article_html(make_article("public-article", "sunscreen")))
        if path == "/redirect-private.html":
            return self._redirect(f"http://127.0.0.1:{p}/private-target")
        if path == "/retry-then-private.html":  # a retried request is dont_filter: offsite checks skip it
            if n == 1:
                return self._error_page(503, {"Retry-After": "0"})
            return self._redirect(f"http://127.0.0.1:{p}/private-target")
        return self._error_page(404)
