"""`scrapy crawl health` end to end on the bundled demo site, run as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow.dataset as ds
import pytest

from crawler.demo import load_articles
from tests.conftest import run_crawl

NOISE = ("Share", "Everyone Is Watching", "Hot Picks", "icon", "Weibo", "Copyright", "cookies")


PROGRESS_INTERVAL = 1.0


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo") / "outputs"
    # Progress every second, stamped to the millisecond: test_progress_is_never_silent reads the gaps.
    proc = run_crawl(out, "-s", f"HEALTH_PROGRESS_INTERVAL={PROGRESS_INTERVAL}",
                     "-s", "LOG_FORMAT=%(asctime)s.%(msecs)03d [%(name)s] %(levelname)s: %(message)s")
    return out, proc.stderr


def _manifest(out: Path) -> dict:
    runs = sorted((out / "_runs").glob("*.json"))
    return json.loads(runs[-1].read_text())


def test_articles_one_row_per_unique_article(demo_run):
    out, _ = demo_run
    articles = pd.read_parquet(out / "articles")
    demo = load_articles()
    near_dups = [a for a in demo if a.near_duplicate_of]
    assert len(articles) == len(demo) - len(near_dups)
    assert articles["article_id"].is_unique and articles["url"].is_unique
    assert not articles["url"].str.contains("utm_|print=", regex=True).any()
    titles = set(articles["title"])
    assert {a.title for a in demo if not a.near_duplicate_of} == titles


def test_bodies_are_clean_and_keep_structure(demo_run):
    out, _ = demo_run
    articles = pd.read_parquet(out / "articles")
    hot = pd.read_parquet(out / "hot_picks")
    for article_id, body in zip(articles["article_id"], articles["body"]):
        paragraphs = body.split("\n\n")
        assert len(paragraphs) >= 4
        for p in paragraphs:
            assert p.strip() not in NOISE, p
        for _, pick in hot[hot["article_id"] == article_id].iterrows():
            assert pick["teaser"] not in body and pick["title"] not in body
    seed = articles[articles["title"].str.startswith("Walking backwards for two months")].iloc[0]
    assert "What is lumbar disc herniation" in seed["body"].split("\n\n")  # a subheading, its own paragraph


def test_dates_language_and_grammar_columns(demo_run):
    out, _ = demo_run
    articles = pd.read_parquet(out / "articles").set_index("title")
    by_title = {a.title: a for a in load_articles()}
    for title, row in articles.iterrows():
        expected = by_title[title].published
        if expected is None:  # undated: only the footer's copyright year, the flagged last resort
            assert row["published_date"] == date(2023, 1, 1) and "date_year_only" in list(row["flags"])
            continue
        assert (row["published_date"] if pd.notna(row["published_date"]) else None) == expected
    zh = articles[articles["language"] == "zh"]
    assert len(zh) == 1 and zh.iloc[0]["grammar_status"].startswith("skipped")
    en = articles[articles["language"] == "en"]
    assert (en["grammar_backend"] != "").all()
    assert (articles["body_source"] == "profile").all()


def test_hot_picks_rows(demo_run):
    out, _ = demo_run
    hot = pd.read_parquet(out / "hot_picks")
    articles = pd.read_parquet(out / "articles")
    assert set(hot["article_id"]) <= set(articles["article_id"])
    for _, group in hot.groupby("article_id"):
        assert sorted(group["rank"]) == [1, 2, 3, 4, 5]
        assert group["url"].str.match(r"^http://demo\.health\.test/article/").all()
        assert group["teaser"].str.len().between(50, 200).all()
        assert group["published_date"].notna().all()
        assert (group["block"] == "Hot Picks").all()


def test_duplicates_and_traps(demo_run):
    out, _ = demo_run
    dups = pd.read_parquet(out / "duplicates")
    articles = pd.read_parquet(out / "articles")
    near = [a for a in load_articles() if a.near_duplicate_of]
    assert set(dups["kind"]) >= {"near"}
    assert set(dups["duplicate_of"]) <= set(articles["article_id"])
    assert any(n.slug in url for n in near for url in dups["url"])
    pages = pd.read_parquet(out / "pages")
    statuses = set(pages["status"])
    assert {200, 404, 500} <= statuses
    assert not pages["url"].str.contains("/private/").any()  # robots.txt disallows it
    assert not pages["url"].str.contains("partner.example.org|\\.pdf$", regex=True).any()
    assert pages["url"].is_unique


def test_summary_and_manifest(demo_run):
    out, stderr = demo_run
    summary = re.search(r"run \S+ succeeded: .*", stderr)
    assert summary, stderr[-2000:]
    assert "pages stored" in summary.group(0) and "articles written" in summary.group(0)
    manifest = _manifest(out)
    assert manifest["status"] == "succeeded"
    assert manifest["cleaning"]["counts"]["articles"] > 40
    assert manifest["cleaning"]["dropped_reasons"]["http_404"] == 1
    # The first steps ran while the crawl fetched: cleaning took every page's result from there.
    counts = manifest["cleaning"]["counts"]
    assert counts["prepared_while_crawling"] == counts["pages"] > 0
    assert all("seconds" in step for step in manifest["cleaning"]["steps"].values())
    assert any(url.endswith("ask-the-doctor-live.html") for url in manifest["failed_urls"])


def test_the_first_run_reads_well(demo_run):
    """The console ends with the product's summary; the demo's deliberate failures say they are expected."""
    out, stderr = demo_run
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert re.search(r"\[crawler.run_end\] INFO: run \S+ succeeded: .* pages stored", lines[-1]), lines[-5:]
    assert "Dumping Scrapy stats" not in stderr
    assert _manifest(out)["crawl_stats"]["downloader/response_count"] > 0  # the stats went there instead
    assert not [line for line in lines if re.search(r"\] (ERROR|CRITICAL):", line)], stderr[-3000:]
    assert "Gave up retrying" not in stderr
    expected = [line for line in lines if "(expected: " in line]
    assert len(expected) == 2, expected  # the README names both
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for line in expected:
        path = re.search(r"http://demo\.health\.test(/\S+):", line).group(1)
        assert path in readme


def test_progress_is_never_silent_and_covers_every_pass(demo_run):
    """From the crawl's first progress line to the summary: the crawl's progress (with the sitemap's
    estimate), the wait for cleaning-while-crawling, every cleaning pass; no gap much longer than the
    interval."""
    from datetime import datetime

    _, stderr = demo_run
    stamped = [(datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f"), m.group(2))
               for m in re.finditer(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (.*)$", stderr, re.MULTILINE)]
    # From the crawl's first progress line (start-up is Scrapy's and the demo server's) to the summary.
    first = next(i for i, (_, line) in enumerate(stamped) if "[crawler.extensions] INFO: progress:" in line)
    times = [t for t, _ in stamped[first:]]
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:])]
    # The interval, plus the heartbeat's own step and a loaded machine's scheduling.
    assert max(gaps) <= PROGRESS_INTERVAL + 1.5, max(gaps)
    lines = [line for _, line in stamped]
    crawl = [line for line in lines if "[crawler.extensions] INFO: progress:" in line]
    assert crawl and all("/min lately), " in line and "requests queued" in line for line in crawl)
    assert any(re.search(r"sitemaps list \d+ articles, \d+ done: (about .* to go|no estimate yet)", line)
               for line in crawl), crawl
    passes = [m.group(1) for line in lines for m in [re.search(r"cleaning \S+: pass \d/5 (\w+): ", line)] if m]
    assert set(passes) == {"prepare", "dedup", "vocabulary", "grammar", "write"}, passes
    assert any(re.search(r"pass [1-4]/5 \w+: .*to go in all \(passes \w+, .*write\)", line) for line in lines)


def test_readable_by_every_analyst_tool(demo_run):
    """Every dataset, loaded as docs/datasets.md shows, gives the same rows and columns in each tool, and
    `crawl_date` the type the docs name for that tool."""
    out, _ = demo_run
    for name in ("articles", "hot_picks", "duplicates", "grammar_edits", "pages"):
        frame = pd.read_parquet(out / name)
        table = ds.dataset(out / name, partitioning="hive").to_table()
        glob = f"{out}/{name}/**/*.parquet"
        rel = duckdb.sql(f"select * from read_parquet('{glob}', hive_partitioning=true)")
        polars = pl.scan_parquet(glob, hive_partitioning=True).collect()
        n = len(frame)
        assert n > 0, name
        assert table.num_rows == len(rel.fetchall()) == polars.height == n, name
        columns = set(frame.columns)
        assert set(table.column_names) == set(rel.columns) == set(polars.columns) == columns, name
        assert "crawl_date" in columns, name
        assert isinstance(frame["crawl_date"].dtype, pd.CategoricalDtype), name
        assert str(table.schema.field("crawl_date").type) == "string", name
        assert dict(zip(rel.columns, rel.types))["crawl_date"] == "DATE", name
        assert polars.schema["crawl_date"] == pl.Date, name


def test_ids_are_stable_across_runs_and_ports(demo_run, tmp_path: Path):
    out, _ = demo_run
    other = tmp_path / "again"
    run_crawl(other, "-s", "HEALTH_GRAMMAR_BACKEND=none")
    first = pd.read_parquet(out / "articles")[["article_id", "url"]].sort_values("url")
    second = pd.read_parquet(other / "articles")[["article_id", "url"]].sort_values("url")
    assert first.values.tolist() == second.values.tolist()


def test_a_generic_crawl_from_the_demo_sitemap_writes_the_same_articles_and_no_listing(demo_run, tmp_path: Path):
    """Without the demo's profile (a sitemap start URL), listing and category pages are no articles:
    the articles are the profile crawl's, found by the generic extraction alone."""
    out, _ = demo_run
    generic = tmp_path / "generic"
    run_crawl(generic, "-a", "start_urls=http://demo.health.test/sitemap.xml", "-s", "HEALTH_GRAMMAR_BACKEND=none")
    assert sorted(pd.read_parquet(generic / "articles")["url"]) == sorted(pd.read_parquet(out / "articles")["url"])


def test_bad_arguments_fail_at_once(tmp_path: Path):
    proc = run_crawl(tmp_path, "-a", "site=nope", check=False)
    assert proc.returncode == 2
    assert "unknown site 'nope'" in proc.stderr
    proc = run_crawl(tmp_path, "-a", "start_urls=ftp://x", check=False)
    assert proc.returncode == 2 and "not an absolute http" in proc.stderr
    assert not (tmp_path / "pages").exists()
