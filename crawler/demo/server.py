"""Serves the demo site on an ephemeral loopback port.

The server acts as an HTTP proxy for the fixed host name `demo.health.test`: the
crawl requests `http://demo.health.test/...` through `http://127.0.0.1:<port>`,
so URLs, and the article ids derived from them, do not depend on the port.
"""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from crawler.demo.site import DemoSite

DEMO_HOST = "demo.health.test"
logger = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def _serve(self, send_body: bool) -> None:
        target = self.path
        host = urlsplit(target).hostname if "://" in target else (self.headers.get("Host") or "").split(":")[0]
        self.server.record(target)
        if host not in (self.server.site.host, "127.0.0.1", "localhost"):
            # Only the demo host is served: a crawl that leaves it shows up as 502s in tests.
            resp_status, body, headers = 502, b"off-site request refused by the demo server", {}
        else:
            resp = self.server.site.handle("GET", target, {k.lower(): v for k, v in self.headers.items()})
            resp_status, body, headers = resp.status, resp.body, resp.headers
        self.send_response(resp_status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        logger.debug("demo server: " + format, *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: DemoSite) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site
        self.hits: list[str] = []
        self._lock = threading.Lock()

    def record(self, target: str) -> None:
        with self._lock:
            self.hits.append(target)


class DemoServer:
    """Context manager: `with DemoServer() as demo: demo.proxy_url, demo.site_url`."""

    def __init__(self, site: DemoSite | None = None) -> None:
        self.site = site or DemoSite(DEMO_HOST)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def proxy_url(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def site_url(self) -> str:
        return f"http://{self.site.host}/"

    @property
    def hits(self) -> list[str]:
        return list(self._server.hits) if self._server else []

    def start(self) -> "DemoServer":
        self._server = _Server(self.site)
        self._thread = threading.Thread(target=self._server.serve_forever, name="demo-site", daemon=True)
        self._thread.start()
        logger.info("demo site %s served through %s", self.site_url, self.proxy_url)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "DemoServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
