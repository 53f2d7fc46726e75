"""Trap benchmark: a crawl of a site made of traps, with a profile whose listing patterns match them all.

    python bench/crawl_traps.py                          # 20 real articles, a 200,000-URL sitemap
    python bench/crawl_traps.py --big-sitemap 50000

The site (tests/support/sites.py: TrapSite) is served on 127.0.0.1 by a thread of this process: an endless
calendar, session ids that change on every page, paths that grow, a search page linking to ever more
filter combinations, a chain of sitemap indexes each listing the next, and a sitemap of `--big-sitemap`
URLs (the 20 real articles first). `scrapy crawl health -a site=PROFILE` runs with the product's default
budgets, AutoThrottle off (the site is ours) and `--grammar` (default `none`). Before budgets and trap
detection this crawl did not end (issue 12: 327,000 requests queued and 1.15 GB after 180 s).

Reported: requests the site served, calendar pages fetched (HEALTH_TRAP_CALENDAR_VARIANTS bounds them),
the run's status and why, traps counted by kind, real articles written, wall seconds of the whole process,
peak RSS of its process tree.
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

from crawl_pagination import run  # noqa: E402

from tests.support.sites import TrapSite  # noqa: E402


def sitemap_feed(n: int) -> dict:
    """The big sitemap on its own, in this process: seconds and peak Python memory to get the first batch of
    requests out of the spider (crawler/sitemaps.py), next to parsing it whole with Scrapy's Sitemap and
    making every request at once (what the spider did before)."""
    import time
    import tracemalloc

    from scrapy import Request
    from scrapy.http import XmlResponse
    from scrapy.utils.sitemap import Sitemap

    from tests.support.crawler import open_spider, project_crawler

    body = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<url><loc>https://a.org/p/{i}.html</loc></url>" for i in range(n)) + "</urlset>").encode()
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        spider = open_spider(project_crawler(Path(tmp), HEALTH_MAX_SITEMAP_URLS=n), start_urls="https://a.org/")
        request = spider.request_for("https://a.org/sitemap.xml", "sitemap")
        for name, parse in (("streamed, first batch", lambda r: list(spider.parse_sitemap(r))),
                            ("whole (before)", lambda r: [Request(e["loc"]) for e in Sitemap(r.body)])):
            tracemalloc.start()
            started = time.perf_counter()
            out = parse(XmlResponse(request.url, body=body, request=request))
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            figures[name] = {"requests": len(out), "seconds": round(seconds, 2), "peak_mib": round(peak, 1)}
            del out
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real", type=int, default=20)
    parser.add_argument("--big-sitemap", type=int, default=200_000)
    parser.add_argument("--grammar", default="none", help="HEALTH_GRAMMAR_BACKEND of the product's cleaning")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with TrapSite(args.real, args.big_sitemap) as site, tempfile.TemporaryDirectory(prefix="crawl-traps-") as tmp:
        work = Path(tmp)
        profile = site.profile_toml(work / "trapsite.toml")
        out = work / "out"
        wall, rss = run([sys.executable, "-m", "scrapy", "crawl", "health", "-a", f"site={profile}",
                         "-s", f"OUTPUT_DIR={out}", "-s", "AUTOTHROTTLE_ENABLED=False",
                         "-s", f"HEALTH_GRAMMAR_BACKEND={args.grammar}", "-s", "LOG_LEVEL=INFO"],
                        args.timeout, cwd=REPO, ok=(0, 3))
        manifest = json.loads(sorted((out / "_runs").glob("*.json"))[-1].read_text())
        import pandas as pd

        written = set(pd.read_parquet(out / "articles", columns=["url"])["url"])
        real = sum(url in written for url in site.article_urls())
        fetched = pd.read_parquet(out / "pages", columns=["url"])["url"]
        calendar_pages = int(fetched.str.startswith(f"{site.url.rstrip('/')}/calendar/").sum())
        stats = manifest["crawl_stats"]
        row = {"requests_served": site.requests, "status": manifest["status"], "problems": manifest["problems"],
               "traps": {k.split("/")[-1]: v for k, v in stats.items() if k.startswith("health/traps/")},
               "sitemap_urls_read": stats.get("health/sitemap/urls", 0), "calendar_pages_fetched": calendar_pages,
               "real_articles": f"{real}/{args.real}", "wall_seconds": round(wall, 1), "peak_rss_mib": round(rss, 1)}
    print(json.dumps(row, indent=1))
    print("\n| big sitemap URLs | requests served | calendar pages fetched | real articles written | status | wall s "
          "| peak RSS MiB (tree) |")
    print("| ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    print(f"| {args.big_sitemap:,} | {row['requests_served']:,} | {calendar_pages} | {row['real_articles']} | "
          f"{row['status']} | {row['wall_seconds']} | {row['peak_rss_mib']} |")
    feed = sitemap_feed(args.big_sitemap)
    print(f"\nsitemap of {args.big_sitemap:,} URLs, in process: {json.dumps(feed)}")
    print(f"\nload average before/after: {load_before} / {os.getloadavg()}")


if __name__ == "__main__":
    main()
