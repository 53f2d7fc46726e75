"""Crawl time of 1, 2 and 3 distributed workers on a generated loopback site with a fixed per-page delay.

    python bench/crawl_workers.py                          # 1,2,3 workers; 20 sections x 30 articles; 0.1 s/page
    python bench/crawl_workers.py --workers 1,2,3 --sections 20 --articles 30 --delay 0.1 --concurrency 4 --repeat 2

Everything is on loopback: a generated site (home -> sections -> articles, every page
answered after `--delay` seconds), a redis-server on a free port in a temp dir (stopped at
the end), and N `scrapy crawl health -a start_urls=http://127.0.0.1:PORT/` workers started at
once with HEALTH_REDIS_URL. Each worker is limited to `--concurrency` requests at a time (the
per-machine politeness budget), so adding workers is what adds throughput. Cleaning is off
(HEALTH_CLEAN_ON_CLOSE=False): this measures the crawl. A single-machine crawl without Redis
is measured too, for reference.

Reported per configuration: wall time (launch to the last worker's exit, including process
start and the idle timeout that ends the crawl), crawl span (first to last page fetched),
pages stored (must equal the site's page count, each URL once) and the share of each worker.
Needs redis-server (Debian package redis-server).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PARAGRAPH = ("Doctors say that regular walking, enough sleep and a balanced diet protect the spine and the heart; "
             "this generated paragraph gives the page a realistic size for the benchmark. ")


class _Site(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        time.sleep(self.server.delay)
        status, body = self.server.page(self.path)
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8" if status == 200 else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, sections: int, articles: int, delay: float) -> None:
        super().__init__(("127.0.0.1", 0), _Site)
        self.sections, self.articles, self.delay = sections, articles, delay

    @property
    def pages(self) -> int:
        return 1 + self.sections + self.sections * self.articles

    def page(self, path: str) -> tuple[int, str]:
        def html(title: str, links: list[str], paragraphs: int) -> str:
            items = "".join(f'<li><a href="{u}">{u}</a></li>' for u in links)
            text = "".join(f"<p>{PARAGRAPH * 3}</p>" for _ in range(paragraphs))
            return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{text}<ul>{items}</ul></body></html>"

        if path == "/":
            return 200, html("Home", [f"/s/{s}/" for s in range(self.sections)], 1)
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "s" and parts[1].isdigit() and int(parts[1]) < self.sections:
            s = int(parts[1])
            return 200, html(f"Section {s}", [f"/a/{s}-{i}.html" for i in range(self.articles)], 1)
        if len(parts) == 2 and parts[0] == "a" and parts[1].endswith(".html"):
            return 200, html(f"Article {parts[1]}", ["/"], 6)
        return 404, "not found"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_redis(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    exe = shutil.which("redis-server")
    if exe is None:
        sys.exit("redis-server is not installed: apt-get install -y redis-server")
    port = _free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("redis-server did not start")


def _crawl(site_url: str, out: Path, workers: int, redis_url: str | None, args: argparse.Namespace,
           prefix: str) -> dict[str, object]:
    common = ["-a", f"start_urls={site_url}", "-s", f"OUTPUT_DIR={out}", "-s", "LOG_LEVEL=WARNING",
              "-s", "HEALTH_CLEAN_ON_CLOSE=False", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
              "-s", f"CONCURRENT_REQUESTS={args.concurrency}",
              "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}", "-s", "HEALTH_PROGRESS_INTERVAL=0",
              "-s", "HEALTH_GENERIC_DEPTH=3", "-s", "ROBOTSTXT_OBEY=False"]
    if redis_url:
        common += ["-s", f"HEALTH_REDIS_URL={redis_url}", "-s", f"HEALTH_REDIS_PREFIX={prefix}",
                   "-s", f"HEALTH_REDIS_IDLE_TIMEOUT={args.idle_timeout}", "-s", "HEALTH_REDIS_WORKER_TIMEOUT=10"]
    started = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "health", *common,
                               *(["-s", f"HEALTH_WORKER_ID=w{i}"] if redis_url else [])],
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for i in range(workers)]
    errors = []
    for p in procs:
        _, err = p.communicate(timeout=args.timeout)
        if p.returncode != 0:
            errors.append(err[-2000:])
    wall = time.monotonic() - started
    if errors:
        raise RuntimeError("a worker failed:\n" + "\n".join(errors))
    import pyarrow.dataset as ds

    table = ds.dataset(out / "pages", format="parquet", partitioning="hive").to_table(columns=["url", "fetched_at"])
    urls = table.column("url").to_pylist()
    fetched = table.column("fetched_at").to_pylist()
    shares = {}
    for f in (out / "pages").glob("*/part-*.parquet"):
        tag = f.name[len("part-"):].split("-", 1)[1].rsplit("-", 1)[0] if redis_url else "single"
        shares[tag] = shares.get(tag, 0) + ds.dataset(f, format="parquet").count_rows()
    return {"wall": wall, "span": (max(fetched) - min(fetched)).total_seconds(), "pages": len(urls),
            "unique": len(set(urls)), "shares": dict(sorted(shares.items()))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--sections", type=int, default=20)
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--delay", type=float, default=0.1, help="seconds the site takes to answer each page")
    parser.add_argument("--concurrency", type=int, default=4, help="requests at a time per worker")
    parser.add_argument("--idle-timeout", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--no-single", action="store_true", help="skip the single-machine (no Redis) reference")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-crawl-workers-"))
    server = _Server(args.sections, args.articles, args.delay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site_url = f"http://127.0.0.1:{server.server_address[1]}/"
    redis_proc, redis_url = _start_redis(tmp)
    print(f"site: {server.pages} pages, {args.delay:.3f}s per page, {args.concurrency} requests at a time per "
          f"worker; {os.cpu_count()} cores; redis-server on loopback")
    configs = [("single machine, no Redis", 1, None)] if not args.no_single else []
    configs += [(f"{n} worker{'s' if n > 1 else ''}, Redis", n, redis_url) for n in map(int, args.workers.split(","))]
    try:
        print(f"{'configuration':<26} {'wall s':>8} {'span s':>8} {'pages/s':>8} {'pages':>6}  shares")
        for label, n, url in configs:
            results = []
            for r in range(args.repeat):
                out = tmp / f"{n}-{'redis' if url else 'single'}-{r}"
                res = _crawl(site_url, out, n, url, args, prefix=f"bench{n}r{r}")
                if res["pages"] != server.pages or res["unique"] != server.pages:
                    raise RuntimeError(f"{label}: {res['pages']} pages, {res['unique']} unique; "
                                       f"expected {server.pages}")
                results.append(res)
                shutil.rmtree(out, ignore_errors=True)
            wall = statistics.median(float(r["wall"]) for r in results)
            span = statistics.median(float(r["span"]) for r in results)
            print(f"{label:<26} {wall:8.1f} {span:8.1f} {server.pages / span:8.1f} {results[0]['pages']:>6}  "
                  f"{results[0]['shares']}", flush=True)
    finally:
        redis_proc.send_signal(signal.SIGTERM)
        try:
            redis_proc.wait(10)
        except subprocess.TimeoutExpired:
            redis_proc.kill()
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
