"""The crawl at the edges, against a small hostile site on loopback (tests/edgesite): re-crawls find every
changed article whatever validators the server sends (or fakes); binary bodies labelled text/html and
meta-refresh pages end recorded; credentials in a start URL are used and never written; an error in the
crawl's own code fails the run and is never listed as the site's failure."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import crawler.settings as project_settings
from tests.conftest import run_crawl
from tests.edgesite import BINARY_PATHS, EdgeSite

NO_PROXY_ENV = {"http_proxy": "", "https_proxy": "", "HTTP_PROXY": "", "HTTPS_PROXY": ""}
FAST = ["-s", "HEALTH_GRAMMAR_BACKEND=none", "-s", "DOWNLOAD_TIMEOUT=3", "-s", "HEALTH_PROGRESS_INTERVAL=0",
        "-s", "HEALTH_CLEAN_WORKERS=1"]
EDIT = "Update: doctors now add that this advice applies to adults and not to young children."


def _crawl(out: Path, url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run_crawl(out, "-a", f"start_urls={url}", *FAST, *args, env=NO_PROXY_ENV, check=check)


def _manifests(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "_runs").glob("*.json"))]


@pytest.mark.parametrize("validators", ["etag", "last_modified", "none", "lying"])
def test_a_recrawl_writes_a_new_version_of_a_changed_article_only(tmp_path: Path, validators: str) -> None:
    out = tmp_path / "out"
    with EdgeSite(validators=validators) as site:  # type: ignore[arg-type]
        _crawl(out, site.url)
        site.edits["edge-one"] = EDIT
        _crawl(out, site.url)
        conditional = [h for h in site.hits("/articles/edge-two.html")[1:]
                       if "if-none-match" in h or "if-modified-since" in h]
    first, second = _manifests(out)
    assert first["status"] == second["status"] == "succeeded", second.get("problems")
    articles = pd.read_parquet(out / "articles", columns=["url", "run_id", "body"])
    one = articles[articles["url"] == site.article_url("edge-one")].sort_values("run_id")
    assert list(one["run_id"]) == [first["run_id"], second["run_id"]]  # the changed article: a new version
    assert EDIT in one["body"].iloc[-1] and EDIT not in one["body"].iloc[0]
    two = articles[articles["url"] == site.article_url("edge-two")]
    assert list(two["run_id"]) == [first["run_id"]]  # unchanged: no new version
    # Conditional requests carry only what the server gave; without validators the body's hash decides.
    assert bool(conditional) == (validators in ("etag", "last_modified"))


def test_a_site_that_answers_only_errors_fails_the_run(tmp_path: Path) -> None:
    """A site down for maintenance (503 everywhere) stores its error pages, yet the run found nothing: failed."""
    out = tmp_path / "out"
    with EdgeSite(down=True) as site:
        proc = _crawl(out, site.url, "-s", "RETRY_TIMES=0", check=False)
    assert proc.returncode == 1, proc.stderr[-2000:]
    [manifest] = _manifests(out)
    assert manifest["status"] == "failed"
    assert any(p.startswith("every start URL failed") and "http_503" in p for p in manifest["problems"])


def test_a_start_url_and_links_keep_their_final_slash(tmp_path: Path) -> None:
    """/health/ and /health are different addresses: the section's relative links resolve against the first."""
    out = tmp_path / "out"
    with EdgeSite(section=True) as site:
        _crawl(out, site.url + "health/")
        asked = [path for path, _ in site.requests]
    assert "/health/" in asked and "/health" not in asked
    assert {f"/health/{slug}.html" for slug in site.slugs} <= set(asked)  # not /edge-one.html (a 404)
    assert not any(path.startswith("/edge-") for path in asked)
    assert len(pd.read_parquet(out / "articles", columns=["url"])) == len(site.slugs)


@pytest.fixture(scope="module")
def edge_run(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("edges") / "out"
    with EdgeSite(binary=True, refresh=True, auth=("reader", "Pw-9x!secret")) as site:
        url = site.url.replace("http://", "http://reader:Pw-9x%21secret@")
        proc = _crawl(out, url)
        yield site, out, proc, _manifests(out)[-1]


def test_binary_bodies_served_as_html_are_counted_drops_never_articles(edge_run) -> None:
    site, out, proc, manifest = edge_run
    assert manifest["status"] == "succeeded", manifest.get("problems")
    articles = set(pd.read_parquet(out / "articles", columns=["url"])["url"])
    pages = set(pd.read_parquet(out / "pages", columns=["url"])["url"])
    for path in BINARY_PATHS:
        url = site.url + path.lstrip("/")
        assert url in pages and url not in articles  # the page is the record; cleaning says why no article
    assert manifest["crawl_stats"]["health/pages/binary_body"] == len(BINARY_PATHS)
    assert manifest["cleaning"]["dropped_reasons"]["no_body:not_html"] == len(BINARY_PATHS)
    assert site.article_url("edge-one") in articles


def test_meta_refresh_pages_are_followed_to_their_end_and_never_vanish(edge_run) -> None:
    site, out, proc, manifest = edge_run
    articles = set(pd.read_parquet(out / "articles", columns=["url"])["url"])
    pages = set(pd.read_parquet(out / "pages", columns=["url"])["url"])
    failed = manifest["failed_urls"]
    assert site.article_url("moved") in articles  # refresh -> an article: stored and cleaned
    assert failed[site.url + "gone.html"] == "http_404"  # refresh -> nowhere: recorded
    assert failed[site.url + "refresh/self.html"] == "refresh_loop"  # Scrapy's middleware dropped these silently
    assert failed[site.url + "refresh/offsite.html"] == "refresh_offsite"
    for path in ("article", "nowhere", "self", "offsite"):  # every refresh page itself is a stored page
        assert f"{site.url}refresh/{path}.html" in pages
    assert manifest["crawl_stats"]["health/pages/meta_refresh"] == 4


def test_credentials_of_a_start_url_are_used_for_its_host_and_written_nowhere(edge_run) -> None:
    site, out, proc, manifest = edge_run
    expected = "Basic " + base64.b64encode(b"reader:Pw-9x!secret").decode()
    assert site.hits("/articles/edge-one.html") and all(h.get("authorization") == expected
                                                        for _, h in site.requests)
    assert manifest["start_urls"] == [site.url]
    secrets = (b"Pw-9x", b"Pw-9x%21secret", expected.split()[1].encode())
    leaks = [str(p) for p in out.rglob("*") if p.is_file() and any(s in p.read_bytes() for s in secrets)]
    assert not leaks
    log = (proc.stdout + proc.stderr).encode()
    assert not any(s in log for s in secrets)
    assert "TelnetConsole" not in proc.stderr  # Scrapy's consoles stay off unless a setting turns them on


def test_an_error_in_our_own_code_fails_the_run_and_is_not_the_sites_failure(tmp_path: Path) -> None:
    out = tmp_path / "out"
    middlewares = {**project_settings.DOWNLOADER_MIDDLEWARES, "tests.edgesite.broken.BrokenDownloaderMiddleware": 565}
    pipelines = {"tests.edgesite.broken.BrokenPipeline": 100, **project_settings.ITEM_PIPELINES}
    with EdgeSite() as site:
        proc = _crawl(out, site.url, "-s", f"DOWNLOADER_MIDDLEWARES={json.dumps(middlewares)}",
                      "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}", check=False)
    manifest = _manifests(out)[-1]
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert manifest["status"] == "failed"
    assert any(p.startswith("internal: 2 error(s)") for p in manifest["problems"]), manifest["problems"]
    stats = manifest["crawl_stats"]
    assert stats["health/internal/request"] == 1 and stats["health/internal/pipeline"] == 1
    assert site.article_url("edge-two") not in manifest["failed_urls"]  # not retried next run as the site's
    assert site.url not in manifest["failed_urls"]
    articles = set(pd.read_parquet(out / "articles", columns=["url"])["url"])
    assert site.article_url("edge-one") in articles  # the rest of the run is intact
    assert f"run {manifest['run_id']} failed" in proc.stderr


def test_a_sitemap_given_as_the_start_url_is_read_as_one(tmp_path: Path) -> None:
    """`-a start_urls=.../sitemap.xml`: its articles are stored, once, though robots.txt names the same
    sitemap (that request is the start URL's duplicate)."""
    out = tmp_path / "out"
    with EdgeSite(sitemaps=True) as site:
        proc = _crawl(out, site.url + "sitemap.xml", check=False)
        sitemap_hits = site.hits("/sitemap.xml")
        asked = {path for path, _ in site.requests}
    manifest = _manifests(out)[-1]
    assert proc.returncode == 0 and manifest["status"] == "succeeded", manifest.get("problems")
    assert set(pd.read_parquet(out / "articles", columns=["url"])["url"]) == {site.article_url(s) for s in site.slugs}
    assert len(sitemap_hits) == 1 and "/robots.txt" in asked
    assert manifest["crawl_stats"]["health/start/sitemap"] == 1
    assert "health/skipped/not_html" not in manifest["crawl_stats"]


@pytest.mark.parametrize("path", ["feed.rss", "feed.atom"])
def test_a_feed_given_as_the_start_url_is_read_as_one(tmp_path: Path, path: str) -> None:
    """An RSS feed served as plain XML (its root says what it is) or an Atom feed as application/atom+xml."""
    out = tmp_path / "out"
    with EdgeSite(sitemaps=True) as site:
        proc = _crawl(out, site.url + path, check=False)
    manifest = _manifests(out)[-1]
    assert proc.returncode == 0 and manifest["status"] == "succeeded", manifest.get("problems")
    assert set(pd.read_parquet(out / "articles", columns=["url"])["url"]) == {site.article_url(s) for s in site.slugs}
    assert manifest["crawl_stats"]["health/start/feed"] == 1


def test_an_xml_start_url_that_is_no_sitemap_nor_feed_says_so(tmp_path: Path) -> None:
    """Nothing stored, the run failed, and the log says why (robots.txt names no sitemap that could save it)."""
    out = tmp_path / "out"
    with EdgeSite(sitemaps="unnamed") as site:
        proc = _crawl(out, site.url + "catalog.xml", check=False)
    assert proc.returncode == 1 and _manifests(out)[-1]["status"] == "failed"
    assert (f"skipped start URL {site.url}catalog.xml: XML whose root is <catalog>, neither a page nor a sitemap "
            "(<urlset>, <sitemapindex>) or feed (<rss>, <feed>)") in proc.stderr
