"""Whole-site coverage and bounded crawls, as users run them (`scrapy crawl health` in a subprocess) against
loopback sites (tests/support/sites.py): a 1,000-article site behind 20 listing pages is crawled completely
with the default budgets; a site full of traps ends by itself with its real articles; a crawl cut short (a
budget, CLOSESPIDER_ITEMCOUNT, Ctrl-C) says so and why. The rules themselves: test_budgets.py,
test_traps.py, test_pagination.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import REPO, run_crawl
from tests.support.sites import PaginatedSite, TrapSite

NO_PROXY_ENV = {"http_proxy": "", "https_proxy": "", "HTTP_PROXY": "", "HTTPS_PROXY": ""}
# Only politeness (the site is ours), speed of cleaning and log noise differ from the defaults; no budget.
FAST = ["-s", "HEALTH_GRAMMAR_BACKEND=none", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "HEALTH_PROGRESS_INTERVAL=0"]


def _manifest(out: Path) -> dict:
    return json.loads(sorted((out / "_runs").glob("*.json"))[-1].read_text())


def test_a_paginated_site_is_crawled_completely_with_default_settings(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with PaginatedSite(articles=1000, per_page=50) as site:
        assert site.pages == 20
        run_crawl(out, "-a", f"start_urls={site.url}", *FAST, timeout=400, env=NO_PROXY_ENV)
        expected = set(site.article_urls())
        start = site.url
    manifest = _manifest(out)
    assert manifest["status"] == "succeeded", manifest.get("problems")
    articles = pd.read_parquet(out / "articles", columns=["url"])
    assert set(articles["url"]) == expected
    pages = pd.read_parquet(out / "pages", columns=["url", "kind"])
    # every listing page, whatever its pagination form, and each once: the start URL is stored as "unknown" (a
    # generic crawl's start URL is cleaned as what it turns out to be), the 19 pages after it as listings
    listings = pages[(pages["kind"] == "listing") | (pages["url"] == start)]
    assert len(listings) == 20 and (pages["url"] == start).sum() == 1


def test_a_crawl_cut_short_by_closespider_itemcount_is_partial_and_says_why(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with PaginatedSite(articles=200, per_page=20) as site:
        proc = run_crawl(out, "-a", f"start_urls={site.url}", *FAST, "-s", "CLOSESPIDER_ITEMCOUNT=5",
                         timeout=300, env=NO_PROXY_ENV, check=False)
    assert proc.returncode == 3, proc.stderr[-2000:]
    manifest = _manifest(out)
    assert manifest["status"] == "partial" and manifest["close_reason"] == "closespider_itemcount"
    assert any(p.startswith("closespider_itemcount:") and "still queued" in p for p in manifest["problems"])


def test_the_time_budget_ends_a_crawl_which_is_cleaned_and_partial(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with PaginatedSite(articles=200, per_page=20) as site:
        proc = run_crawl(out, "-a", f"start_urls={site.url}", *FAST, "-s", "HEALTH_MAX_CRAWL_SECONDS=2",
                         "-s", "DOWNLOAD_DELAY=0.25", timeout=300, env=NO_PROXY_ENV, check=False)
    assert proc.returncode == 3, proc.stderr[-2000:]
    manifest = _manifest(out)
    assert manifest["status"] == "partial" and manifest["close_reason"] == "budget_time"
    [why] = [p for p in manifest["problems"] if p.startswith("budget_time:")]
    assert "HEALTH_MAX_CRAWL_SECONDS" in why and "still queued" in why
    assert manifest["cleaning"]["status"] == "committed"
    assert 0 < len(pd.read_parquet(out / "articles")) < 200


def test_a_site_of_traps_ends_by_itself_with_its_real_articles(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with TrapSite(real=20, big_sitemap=50_000) as site:
        profile = site.profile_toml(tmp_path / "trapsite.toml")
        proc = run_crawl(out, "-a", f"site={profile}", *FAST, timeout=400, env=NO_PROXY_ENV, check=False)
        requests = site.requests
        expected = set(site.article_urls())
    manifest = _manifest(out)
    assert manifest["status"] == "partial", (manifest["status"], manifest.get("problems"), proc.stderr[-2000:])
    stats = manifest["crawl_stats"]
    for kind in ("calendar", "session_id", "repeating_path", "query_explosion"):
        assert stats.get(f"health/traps/{kind}", 0) > 0, kind
    assert requests < 3000, requests  # the traps are endless; the sitemap chain too
    assert any(p.startswith("budget_sitemap_depth:") for p in manifest["problems"])
    assert expected <= set(pd.read_parquet(out / "articles", columns=["url"])["url"])
    # The endless calendar is one family of dates walking itself: it stops after HEALTH_TRAP_CALENDAR_VARIANTS new months.
    pages = pd.read_parquet(out / "pages", columns=["url"])["url"]
    assert 1 < pages.str.contains("/calendar/").sum() <= 1 + 24  # the month linked from the home page, then 24 walked


def test_ctrl_c_stops_the_crawl_and_the_run_says_so(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with PaginatedSite(articles=300, per_page=20) as site:
        cmd = [sys.executable, "-m", "scrapy", "crawl", "health", "-a", f"start_urls={site.url}",
               "-s", f"OUTPUT_DIR={out}", *FAST, "-s", "DOWNLOAD_DELAY=0.2"]
        proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, **NO_PROXY_ENV}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 120
            while site.requests < 10 and time.monotonic() < deadline:
                time.sleep(0.2)
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == 3, stderr[-2000:]  # one Ctrl-C: cut short, what was fetched is cleaned
    manifest = _manifest(out)
    assert manifest["status"] == "partial" and manifest["close_reason"] == "shutdown"
    assert any(p.startswith("shutdown: the crawl was stopped by SIGINT") and "still queued" in p
               for p in manifest["problems"])
