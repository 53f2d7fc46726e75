"""`sitemap.xml.gz`, the usual compressed sitemap: a file served as application/x-gzip (no Content-Encoding, so
nothing on the way decompresses it), found in robots.txt or given as the start URL, is read as its XML."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import run_crawl
from tests.faultsite.content import article_html, make_article

SLUGS = [f"gz-{i}" for i in range(3)]


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            base = f"http://{self.headers['Host']}"
            if self.path == "/robots.txt":
                body, ctype = f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml.gz\n".encode(), "text/plain"
            elif self.path == "/sitemap.xml.gz":
                locs = "".join(f"<url><loc>{base}/a/{s}.html</loc></url>" for s in SLUGS)
                body = gzip.compress(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
                                     .encode())
                ctype = "application/x-gzip"
            elif self.path == "/":
                body, ctype = b"<html><body><h1>Home</h1><p>No links here.</p></body></html>", "text/html"
            elif self.path.startswith("/a/") and self.path[3:-5] in SLUGS:
                body, ctype = article_html(make_article(self.path[3:-5])).encode(), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("start", ["/", "/sitemap.xml.gz"], ids=["found-in-robots.txt", "as-the-start-url"])
def test_a_gzipped_sitemap_is_read(site: str, start: str, tmp_path: Path):
    out = tmp_path / "out"
    proc = run_crawl(out, "-a", f"start_urls={site}{start}", "-s", "HEALTH_GRAMMAR_BACKEND=none", check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(pd.read_parquet(out / "articles")["url"]) == [f"{site}/a/{s}.html" for s in SLUGS]
