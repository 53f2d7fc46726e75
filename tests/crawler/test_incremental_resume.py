"""Scheduled re-runs add nothing when the site did not change, and a killed crawl resumes losslessly."""

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

from crawler.demo import load_articles
from tests.conftest import REPO, run_crawl

LATEST_VERSION_SQL = """
select * from read_parquet('{root}/articles/**/*.parquet', hive_partitioning=true)
qualify row_number() over (partition by article_id order by version desc) = 1
"""


def _manifests(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "_runs").glob("*.json"))]


def test_second_run_fetches_no_unchanged_article_and_adds_no_rows(tmp_path: Path):
    out = tmp_path / "out"
    run_crawl(out, "-s", "HEALTH_GRAMMAR_BACKEND=none")
    first = pd.read_parquet(out / "articles")
    run_crawl(out, "-s", "HEALTH_GRAMMAR_BACKEND=none")
    second = pd.read_parquet(out / "articles")
    assert len(second) == len(first)
    pages = pd.read_parquet(out / "pages")
    runs = sorted(pages["run_id"].unique())
    rerun = pages[pages["run_id"] == runs[1]]
    assert (rerun[rerun["status"] == 200]["kind"] == "listing").all(), "an unchanged article was fetched again"
    assert len(pd.read_parquet(out / "duplicates")) == len(pd.read_parquet(out / "duplicates", filters=[("run_id", "==", runs[0])]))
    manifest = _manifests(out)[-1]
    assert manifest["status"] == "succeeded"
    stats = manifest["crawl_stats"]
    skipped = stats.get("health/incremental/unchanged_lastmod", 0) + stats.get("health/incremental/not_modified", 0)
    assert skipped >= len(first)


def test_changed_article_is_written_as_a_new_version(tmp_path: Path):
    import duckdb

    out = tmp_path / "out"
    run_crawl(out, "-s", "HEALTH_GRAMMAR_BACKEND=none")
    slug = load_articles()[5].slug
    run_crawl(out, "-s", "HEALTH_GRAMMAR_BACKEND=none", "-s", f"HEALTH_DEMO_EDITS={slug}")
    articles = pd.read_parquet(out / "articles")
    changed = articles[articles["url"].str.contains(slug)].sort_values("version")
    assert changed["version"].tolist() == [1, 2]
    assert "Update: doctors add" in changed.iloc[1]["body"]
    latest = duckdb.sql(LATEST_VERSION_SQL.format(root=out))
    ids = [row[0] for row in latest.select("article_id, version").fetchall()]
    assert len(ids) == len(set(ids)) == articles["article_id"].nunique()
    assert dict(latest.select("article_id, version").fetchall())[changed.iloc[0]["article_id"]] == 2


def _page_files(out: Path) -> int:
    return len(list((out / "pages").glob("crawl_date=*/part-*.parquet"))) if (out / "pages").exists() else 0


def test_sigkill_then_resume_equals_an_uninterrupted_run(tmp_path: Path):
    baseline = tmp_path / "baseline"
    run_crawl(baseline, "-s", "HEALTH_GRAMMAR_BACKEND=none")

    out, job = tmp_path / "out", tmp_path / "job"
    slow = ["-s", f"JOBDIR={job}", "-s", "HEALTH_GRAMMAR_BACKEND=none", "-s", "HEALTH_PAGES_FLUSH_ITEMS=4",
            "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.1", "-s", "AUTOTHROTTLE_ENABLED=False"]
    cmd = [sys.executable, "-m", "scrapy", "crawl", "health", "-s", f"OUTPUT_DIR={out}", *slow]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=os.environ.copy())
    deadline = time.monotonic() + 60
    while _page_files(out) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the crawl ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / "articles").exists()  # killed mid-crawl: nothing cleaned yet

    run_crawl(out, *slow[:4])  # resume with the same JOBDIR, full speed
    got = pd.read_parquet(out / "articles")
    want = pd.read_parquet(baseline / "articles")
    assert got["article_id"].is_unique
    assert sorted(got["article_id"]) == sorted(want["article_id"])
    assert sorted(got["body"]) == sorted(want["body"])
    assert len(set(pd.read_parquet(out / "pages")["run_id"])) == 1  # one run, resumed
    assert pd.read_parquet(out / "duplicates")["url"].tolist() == pd.read_parquet(baseline / "duplicates")["url"].tolist()


@pytest.mark.parametrize("reason", ["no pages"])
def test_a_run_that_fetches_nothing_is_a_failure(tmp_path: Path, reason: str):
    # A start URL on a closed loopback port: nothing can be fetched.
    proc = run_crawl(tmp_path / "out", "-a", "start_urls=http://127.0.0.1:9/", "-s", "RETRY_TIMES=0", check=False)
    assert proc.returncode == 1
    manifest = _manifests(tmp_path / "out")[-1]
    assert manifest["status"] == "failed"
    assert "no page was fetched" in " ".join(manifest["problems"])
    assert not any("cleaning" in p for p in manifest["problems"]), manifest["problems"]  # said once, as the cause
    assert "no pages of run" not in proc.stderr and "nothing to clean: no page of this run was stored" in proc.stderr


def test_ctrl_c_leaves_readable_datasets_and_says_so(tmp_path: Path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "scrapy", "crawl", "health", "-s", f"OUTPUT_DIR={out}",
           "-s", "HEALTH_PAGES_FLUSH_ITEMS=4", "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.1",
           "-s", "AUTOTHROTTLE_ENABLED=False"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while _page_files(out) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 3, stderr[-3000:]  # one Ctrl-C: a graceful stop, the run `partial`
    pages = pd.read_parquet(out / "pages")  # readable, complete files only
    assert len(pages) >= 8 and pages["url"].is_unique
    manifest = _manifests(out)[-1]
    assert manifest["status"] == "partial" and manifest["cleaning"]["status"] == "committed"
    assert any("stopped by SIGINT" in p for p in manifest["problems"])
    assert "cleaning the pages fetched so far" in stderr


def _run_ids(out: Path) -> list[str]:
    return sorted(pd.read_parquet(out / "pages")["run_id"].unique())


def test_a_reused_jobdir_starts_a_new_run_once_the_last_one_succeeded(tmp_path: Path):
    # Scheduled crawls (cron, Scrapyd) reuse one JOBDIR: each must be a new run that sees changes.
    out, job = tmp_path / "out", tmp_path / "job"
    run_crawl(out, "-s", f"JOBDIR={job}", "-s", "HEALTH_GRAMMAR_BACKEND=none")
    slug = load_articles()[7].slug
    run_crawl(out, "-s", f"JOBDIR={job}", "-s", "HEALTH_GRAMMAR_BACKEND=none", "-s", f"HEALTH_DEMO_EDITS={slug}")
    assert len(_run_ids(out)) == 2
    articles = pd.read_parquet(out / "articles")
    assert articles[articles["url"].str.contains(slug)]["version"].tolist() == [1, 2]


def test_recleaning_an_older_run_keeps_versions_in_order(tmp_path: Path):
    out = tmp_path / "out"
    run_crawl(out, "-s", "HEALTH_GRAMMAR_BACKEND=none")
    slug = load_articles()[9].slug
    run_crawl(out, "-s", "HEALTH_GRAMMAR_BACKEND=none", "-s", f"HEALTH_DEMO_EDITS={slug}")
    first_run = _run_ids(out)[0]
    proc = subprocess.run([sys.executable, "-m", "cleaning", "run", "--output-dir", str(out), "--run-id", first_run,
                           "--workers", "1", "--grammar-backend", "none"], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    changed = pd.read_parquet(out / "articles").query("url.str.contains(@slug)").sort_values("version")
    assert changed["version"].tolist() == [1, 2]
    assert "Update: doctors add" in changed.iloc[-1]["body"] and "Update: doctors add" not in changed.iloc[0]["body"]
    assert len(pd.read_parquet(out / "articles")) == len(load_articles()) - 1 + 1  # 44 articles + 1 new version


def test_a_run_never_cleaned_does_not_hide_its_articles_from_the_next(tmp_path: Path):
    out = tmp_path / "out"
    run_crawl(out, "-s", "HEALTH_GRAMMAR_BACKEND=none", "-s", "HEALTH_CLEAN_ON_CLOSE=False")
    assert not (out / "articles").exists()
    run_crawl(out, "-s", "HEALTH_GRAMMAR_BACKEND=none")
    assert len(pd.read_parquet(out / "articles")) == len(load_articles()) - 1


def test_run_ids_cannot_select_each_others_files(tmp_path: Path):
    proc = run_crawl(tmp_path / "out", "-s", "HEALTH_RUN_ID=site-2", check=False)
    assert proc.returncode == 2 and "invalid run id 'site-2'" in proc.stderr
    run_crawl(tmp_path / "out", "-s", "HEALTH_GRAMMAR_BACKEND=none")
    proc = subprocess.run([sys.executable, "-m", "cleaning", "run", "--output-dir", str(tmp_path / "out"),
                           "--run-id", "nosuchrun"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "no pages of run 'nosuchrun'" in proc.stderr
    assert not (tmp_path / "out" / "_runs" / "nosuchrun.json").exists()


def test_a_rerun_from_a_sitemap_that_finds_nothing_changed_succeeds(tmp_path: Path):
    """Started from a sitemap whose lastmods say nothing changed, the next run stores no page at all:
    that is an incremental crawl doing its job, not a run that could fetch nothing (exit 0, `succeeded`)."""
    from tests.faultsite.content import article_html, make_article
    from tests.support.sites import HTML, NOT_FOUND, _Site

    class SitemapOnly(_Site):
        slugs = [f"walk-{n}" for n in range(3)]

        def page(self, path: str, query: dict) -> tuple[int, str, str]:
            if path == "/sitemap.xml":
                urls = "".join(f"<url><loc>{self.url}a/{s}.html</loc><lastmod>2024-01-0{i + 1}</lastmod></url>"
                               for i, s in enumerate(self.slugs))
                return 200, f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>', \
                    "application/xml"
            for s in self.slugs:
                if path == f"/a/{s}.html":
                    return 200, article_html(make_article(s)), HTML
            return NOT_FOUND

    out = tmp_path / "out"
    with SitemapOnly() as site:
        args = ("-a", f"start_urls={site.url}sitemap.xml", "-s", "HEALTH_GRAMMAR_BACKEND=none", "-s", "ROBOTSTXT_OBEY=False")
        run_crawl(out, *args)
        assert len(pd.read_parquet(out / "articles")) == 3
        proc = run_crawl(out, *args, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    manifest = _manifests(out)[-1]
    assert manifest["status"] == "succeeded", manifest["problems"]
    assert manifest["crawl_stats"].get("health/incremental/unchanged_lastmod") == 3
    assert len(pd.read_parquet(out / "articles")) == 3
