"""Whole-site coverage benchmark: a generic crawl of a paginated site, next to a bare Scrapy spider.

    python bench/crawl_pagination.py                       # 1,000 articles behind 20 listing pages
    python bench/crawl_pagination.py --articles 5000 --per-page 50

The site (tests/support/sites.py: PaginatedSite) is served on 127.0.0.1 by a thread of this process: N
articles behind N/per-page listing pages, each listing linking only to its neighbours, in three pagination
forms (`rel="next"` on `?page=N`, "Older posts" on `/archive/page/N/`, bare numbers on `/older/N.html`);
no sitemap, no feed. Then, in the same run,

1. `bench/bare_spider.py` (stock Scrapy: follow every link, no depth limit, store nothing), and
2. `scrapy crawl health -a start_urls=URL` with the product's defaults (budgets, HEALTH_GENERIC_DEPTH=3,
   robots.txt, the pages dataset) and its cleaning; AutoThrottle off for both (the site is ours) and
   `--grammar` (default `none`) for the grammar backend.

Reported: articles written (product), pages fetched, wall seconds of each whole process, peak RSS of its
process tree, and the product's wall time over the bare spider's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from crawl_load import _tree_rss_kib  # noqa: E402  (the same process-tree RSS as the load benchmark)

from tests.support.sites import PaginatedSite  # noqa: E402


def run(cmd: list[str], timeout: float, cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Runs a child; (wall seconds, peak RSS MiB of its process tree)."""
    import subprocess
    import time

    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    started, peak = time.monotonic(), 0
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err,
                                env={**env, "http_proxy": "", "https_proxy": "", "PYTHONPATH": str(REPO)})
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss_kib(proc.pid))
            if time.monotonic() > started + timeout:
                proc.kill()
                raise SystemExit(f"timed out: {' '.join(cmd)}")
            time.sleep(0.2)
        code = os.waitstatus_to_exitcode(status)
        if code not in ok:
            err.seek(0)
            raise SystemExit(f"failed ({code}): {' '.join(cmd)}\n{err.read()[-3000:].decode('utf-8', 'replace')}")
    return time.monotonic() - started, max(peak, usage.ru_maxrss) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--per-page", type=int, default=50)
    parser.add_argument("--grammar", default="none", help="HEALTH_GRAMMAR_BACKEND of the product's cleaning")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows = []
    with PaginatedSite(args.articles, args.per_page) as site, tempfile.TemporaryDirectory(prefix="crawl-pag-") as tmp:
        work = Path(tmp)
        stats_path = work / "bare-stats.json"
        wall, rss = run([sys.executable, "-m", "scrapy", "runspider", str(REPO / "bench" / "bare_spider.py"),
                         "-a", f"start={site.url}", "-a", f"stats={stats_path}", "-s", "AUTOTHROTTLE_ENABLED=False"],
                        args.timeout, cwd=work)
        stats = json.loads(stats_path.read_text())
        rows.append({"crawler": "bare Scrapy spider", "articles": None,
                     "pages": stats.get("response_received_count", 0), "wall_seconds": round(wall, 1),
                     "peak_rss_mib": round(rss, 1)})
        out = work / "out"
        wall, rss = run([sys.executable, "-m", "scrapy", "crawl", "health", "-a", f"start_urls={site.url}",
                         "-s", f"OUTPUT_DIR={out}", "-s", "AUTOTHROTTLE_ENABLED=False",
                         "-s", f"HEALTH_GRAMMAR_BACKEND={args.grammar}", "-s", "LOG_LEVEL=INFO"],
                        args.timeout, cwd=REPO)
        manifest = json.loads(sorted((out / "_runs").glob("*.json"))[-1].read_text())
        rows.append({"crawler": "product (scrapy crawl health, cleaning included)", "status": manifest["status"],
                     "articles": manifest["cleaning"]["counts"].get("articles", 0),
                     "pages": manifest["crawl_stats"].get("response_received_count", 0),
                     "wall_seconds": round(wall, 1), "peak_rss_mib": round(rss, 1)})
    for row in rows:
        print(json.dumps(row), flush=True)
    print(f"\nsite: {args.articles:,} articles, {site.pages} listing pages; "
          f"product wall / bare wall = {rows[1]['wall_seconds'] / rows[0]['wall_seconds']:.2f}\n")
    print("| crawler | articles written | pages fetched | wall s | peak RSS MiB (tree) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['crawler']} | {r['articles'] if r['articles'] is not None else '-'} | {r['pages']:,} | "
              f"{r['wall_seconds']} | {r['peak_rss_mib']} |")
    print(f"\nload average before/after: {load_before} / {os.getloadavg()}")


if __name__ == "__main__":
    main()
