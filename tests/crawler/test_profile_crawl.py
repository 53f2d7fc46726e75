"""A path profile through a real crawl of a loopback site: allow/deny patterns decide what is fetched, the
profile (name + hash) travels with the pages into cleaning and the run manifest, and an offline re-clean
uses that very profile after the TOML file is edited or deleted."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import REPO, run_crawl
from tests.faultsite.content import article_html, make_article

NO_PROXY_ENV = {"http_proxy": "", "https_proxy": "", "HTTP_PROXY": "", "HTTPS_PROXY": ""}
FAST = ["-s", "HEALTH_GRAMMAR_BACKEND=none", "-s", "HEALTH_PROGRESS_INTERVAL=0", "-s", "DOWNLOAD_TIMEOUT=5"]
ARTICLES = {"/news/sleep-basics.html": ("sleep-basics", "sleep"), "/news/water-habits.html": ("water-habits", "water"),
            "/news/walking-daily.html": ("walking-daily", "walking")}
DENIED = ["/private/secret.html", "/news/sleep-basics.html?print=1", "/news/leaflet.pdf"]
NOT_ALLOWED = ["/about/team.html"]  # neither an article nor a listing pattern: not followed


class _Site:
    """A small health site on 127.0.0.1 whose robots.txt allows everything: only the profile can deny."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                site.paths.append(self.path)
                path = self.path
                if path == "/robots.txt":
                    return self._send(b"User-agent: *\nAllow: /\n", "text/plain")
                if path == "/":
                    links = "".join(f'<li><a href="{h}">link</a></li>' for h in [*ARTICLES, *DENIED, *NOT_ALLOWED])
                    return self._send(f"<html lang='en'><body><h1>Health</h1><ul>{links}</ul></body></html>".encode())
                if path.split("?")[0] in ARTICLES:
                    slug, topic = ARTICLES[path.split("?")[0]]
                    return self._send(article_html(make_article(slug, topic)).encode())
                # a denied page, if ever fetched, would be an article too: the test sees it in the datasets
                return self._send(article_html(make_article("must-not-be-fetched", "stress")).encode())

            def _send(self, body: bytes, ctype: str = "text/html; charset=utf-8") -> None:
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"


@pytest.fixture
def site() -> Iterator[_Site]:
    s = _Site()
    s.thread.start()
    try:
        yield s
    finally:
        s.server.shutdown()
        s.server.server_close()


def _profile_text(url: str, title_selector: str = "article h1") -> str:
    return f"""name = "loopback"
start_urls = ["{url}"]
allowed_domains = ["127.0.0.1"]
[urls]
article = ['^/news/[^/]+\\.html']
listing = ['^/$']
deny = ['^/private/', '[?&]print=', '\\.pdf$']
[selectors]
title = "{title_selector}"
"""


def test_deny_patterns_and_the_profile_travel_through_a_crawl_and_an_offline_reclean(site: _Site, tmp_path: Path):
    out, profile_path = tmp_path / "out", tmp_path / "loopback.toml"
    profile_path.write_text(_profile_text(site.url), encoding="utf-8")
    run_crawl(out, "-a", f"site={profile_path}", *FAST, env=NO_PROXY_ENV)

    fetched = set(site.paths)
    assert {p for p in ARTICLES} <= fetched
    assert not fetched & set(DENIED), f"denied URLs were fetched: {fetched & set(DENIED)}"
    assert not fetched & set(NOT_ALLOWED)
    pages = pd.read_parquet(out / "pages", columns=["url", "profile", "profile_hash"])
    assert not pages["url"].str.contains("private|print=|pdf").any()
    expected_hash = hashlib.sha256(profile_path.read_bytes()).hexdigest()
    assert set(pages["profile"]) == {"loopback"} and set(pages["profile_hash"]) == {expected_hash}

    manifest = json.loads(next((out / "_runs").glob("*.json")).read_text())
    assert manifest["status"] == "succeeded", manifest.get("problems")
    assert manifest["profile"]["name"] == "loopback" and manifest["profile"]["hash"] == expected_hash
    assert (out / manifest["profile"]["saved"]).read_text(encoding="utf-8") == profile_path.read_text(encoding="utf-8")
    # the .pdf link never reaches the profile: LinkExtractor leaves out binary extensions itself
    assert manifest["crawl_stats"]["health/links/denied"] == 2
    before = pd.read_parquet(out / "articles").sort_values("url").reset_index(drop=True)
    assert len(before) == len(ARTICLES)

    # The file is edited (a selector that matches nothing would drop every title) and then deleted:
    # the offline re-clean must still use the profile the crawl used.
    profile_path.write_text(_profile_text(site.url, title_selector="h6.nowhere"), encoding="utf-8")
    profile_path.unlink()
    proc = subprocess.run([sys.executable, "-m", "cleaning", "run", "--output-dir", str(out),
                           "--run-id", manifest["run_id"], "--grammar-backend", "none", "--workers", "1"],
                          cwd=REPO, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    after = pd.read_parquet(out / "articles").sort_values("url").reset_index(drop=True)
    cols = ["url", "title", "body", "article_id"]
    pd.testing.assert_frame_equal(before[cols], after[cols])
    assert "cannot be read" not in proc.stderr and "changed since" not in proc.stderr
