"""Scrapy's own commands inside the project (shell, fetch, view, parse, list, check, runspider): each runs as
a user would, in a subprocess against a loopback server, exits 0, and leaves OUTPUT_DIR untouched; only
`scrapy crawl` records a run (HEALTH_RECORD_RUN, crawler/runs.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import REPO

PAGE = (b"<html lang='en'><head><title>Loopback health</title></head><body><h1>Loopback health</h1>"
        b"<a href='/article/one.html'>one</a></body></html>")
ENV = {"http_proxy": "", "https_proxy": "", "HTTP_PROXY": "", "HTTPS_PROXY": "", "BROWSER": "true"}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        body = b"User-agent: *\nAllow: /\n" if self.path == "/robots.txt" else PAGE
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _scrapy(out: Path, *args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "scrapy", *args, "-s", f"OUTPUT_DIR={out}", "-s", "LOG_LEVEL=INFO"]
    env = {**os.environ, **ENV, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"{args} exited {proc.returncode}:\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert not out.exists(), f"{args} wrote to OUTPUT_DIR: {sorted(p.name for p in out.rglob('*'))}"
    assert "manifest" not in proc.stderr and "run " not in proc.stderr.replace("runspider", ""), proc.stderr[-2000:]
    return proc


def test_shell(url: str, tmp_path: Path):
    proc = _scrapy(tmp_path / "out", "shell", url, "-c", "(response.status, response.css('h1::text').get())")
    assert "(200, 'Loopback health')" in proc.stdout


def test_shell_with_the_health_spider_on_the_demo_site(tmp_path: Path):
    # `shell` takes no -a: the health spider is the demo's, whose site the spider serves on loopback
    proc = _scrapy(tmp_path / "out", "shell", "--spider=health", "http://demo.health.test/",
                   "-c", "(response.status, response.css('h1::text').get())")
    assert "(200, 'Latest health news')" in proc.stdout


@pytest.mark.parametrize("command", [["fetch"], ["shell", "-c", "response.text"]])
def test_a_demo_url_picks_the_health_spider(tmp_path: Path, command: list[str]):
    # no --spider: Scrapy finds the spider whose domains hold the URL, and it serves the demo site
    proc = _scrapy(tmp_path / "out", *command[:1], "http://demo.health.test/", *command[1:])
    assert "Latest health news" in proc.stdout


@pytest.mark.parametrize("spider", [[], ["--spider=health"]], ids=["default", "health"])
def test_fetch(url: str, tmp_path: Path, spider: list[str]):
    proc = _scrapy(tmp_path / "out", "fetch", *spider, url)
    assert "<h1>Loopback health</h1>" in proc.stdout


def test_view(url: str, tmp_path: Path):
    _scrapy(tmp_path / "out", "view", url)  # BROWSER=true: the page is "opened" by a command that does nothing


def test_parse(url: str, tmp_path: Path):
    proc = _scrapy(tmp_path / "out", "parse", "--spider=health", "-a", f"start_urls={url}", url)
    # the spider's page item and the link it follows, as `scrapy parse` shows them; nothing stored
    assert "Loopback health" in proc.stdout and "/article/one.html" in proc.stdout


def test_parse_a_demo_url_as_the_docs_write_it(tmp_path: Path):
    # -a start_urls on the demo host: a generic crawl, still of the demo site served from inside the crawl
    demo = "http://demo.health.test/"
    proc = _scrapy(tmp_path / "out", "parse", "--spider=health", "-a", f"start_urls={demo}", demo)
    assert "Latest health news" in proc.stdout and "/article/" in proc.stdout


def test_list_and_check(tmp_path: Path):
    assert _scrapy(tmp_path / "out", "list").stdout.split() == ["health"]
    _scrapy(tmp_path / "out", "check")


def test_runspider(url: str, tmp_path: Path):
    spider = tmp_path / "one.py"
    spider.write_text(f"""import scrapy

class One(scrapy.Spider):
    name = "one"
    start_urls = [{url!r}]

    def parse(self, response):
        yield {{"url": response.url, "title": response.css("title::text").get()}}
""", encoding="utf-8")
    feed = tmp_path / "one.jsonl"
    _scrapy(tmp_path / "out", "runspider", str(spider), "-o", str(feed))
    assert '"title": "Loopback health"' in feed.read_text(encoding="utf-8")


def test_only_crawl_records_a_run(url: str, tmp_path: Path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "scrapy", "crawl", "health", "-a", f"start_urls={url}", "-s", f"OUTPUT_DIR={out}",
           "-s", "HEALTH_GRAMMAR_BACKEND=none", "-s", "HEALTH_PROGRESS_INTERVAL=0", "-s", "HEALTH_GENERIC_DEPTH=0"]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=180,
                          env={**os.environ, **ENV, "PYTHONPATH": str(REPO)})
    assert (out / "_runs").is_dir() and (out / "pages").is_dir(), proc.stderr[-3000:]
