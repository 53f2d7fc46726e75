"""The crawl against a hostile site on loopback (tests/faultsite): it finishes, retries politely, caps sizes,
stays on its domains, obeys robots.txt, writes every good article and counts every failure by reason.

These are whole crawls; each component's own rules are tested beside it: test_safety.py (links, private
addresses, redirects), test_retry.py (backoff, Retry-After), test_failures.py (reasons, the next run's
retries), test_politeness.py (robots.txt Crawl-delay), test_arguments.py (bad arguments and settings)."""

from __future__ import annotations

import base64
import json
import re
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from crawler.failures import RETRYABLE_REASONS
from tests.conftest import run_crawl
from tests.faultsite import PUBLIC_HOST, FaultSite
from tests.faultsite.content import CHINESE_PARAGRAPHS, CHINESE_TITLE, CP1252_PARAGRAPH

NO_PROXY_ENV = {"http_proxy": "", "https_proxy": "", "HTTP_PROXY": "", "HTTPS_PROXY": ""}
FAST = ["-s", "HEALTH_GRAMMAR_BACKEND=none", "-s", "DOWNLOAD_TIMEOUT=2", "-s", "HEALTH_RETRY_BACKOFF=0.2",
        "-s", "HEALTH_RETRY_AFTER_MAX=3", "-s", "HEALTH_PROGRESS_INTERVAL=0"]


def _manifest(out: Path) -> dict:
    return json.loads(sorted((out / "_runs").glob("*.json"))[-1].read_text())


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("faults") / "out"
    with FaultSite() as site:
        started = time.monotonic()
        proc = run_crawl(out, "-a", f"start_urls={site.url}", *FAST, timeout=300, env=NO_PROXY_ENV)
        elapsed = time.monotonic() - started
        yield site, out, proc, _manifest(out), elapsed


def test_the_crawl_finishes_and_writes_every_good_article(fault_run):
    site, out, proc, manifest, elapsed = fault_run
    assert manifest["status"] == "succeeded", manifest.get("problems")
    assert elapsed < 150, f"the crawl took {elapsed:.0f} s"
    articles = pd.read_parquet(out / "articles")
    assert articles["article_id"].is_unique and articles["url"].is_unique
    by_url = dict(zip(articles["url"], articles["body"]))
    missing = [url for url in site.good_articles() if url not in by_url]
    assert not missing, f"good articles not written: {missing}"
    for url, article in site.good_articles().items():
        if article.lang == "en":
            first = article.paragraphs[0].split(". ")[0]
            assert _norm(first) in _norm(by_url[url]), url


def test_pages_without_or_with_a_wrong_charset_come_out_right(fault_run):
    site, out, *_ = fault_run
    articles = pd.read_parquet(out / "articles").set_index("url")
    gbk = articles.loc[f"{site.url}charset/gbk.html"]
    assert gbk["title"] == CHINESE_TITLE
    assert gbk["language"] == "zh"
    for paragraph in CHINESE_PARAGRAPHS:
        assert paragraph in gbk["body"]
    for path in ("charset/cp1252.html", "charset/wrong.html"):
        body = articles.loc[site.url + path, "body"]
        assert _norm(CP1252_PARAGRAPH) in _norm(body), path
        assert "\ufffd" not in body and "Ã" not in body
    bom = articles.loc[f"{site.url}charset/bom.html"]
    assert not bom["title"].startswith("\ufeff") and "\ufeff" not in bom["body"]
    pages = pd.read_parquet(out / "pages", columns=["url", "body"]).set_index("url")
    raw = pages.loc[f"{site.url}charset/gbk.html", "body"]  # stored as received: re-cleaning can decode it again
    assert CHINESE_PARAGRAPHS[0] in raw.decode("gbk")


def _gaps(site: FaultSite, path: str) -> list[float]:
    times = [h.time for h in site.hits_for(path)]
    return [b - a for a, b in zip(times, times[1:])]


def test_retries_back_off_and_honour_retry_after(fault_run):
    site, *_ = fault_run
    # One failure, then the article: retried once, after the wait the server asked for.
    assert len(site.hits_for("/flaky/503/after-retry.html")) == 2
    assert _gaps(site, "/flaky/503/after-retry.html")[0] >= site.retry_after - 0.05  # Retry-After: 1 (seconds)
    assert _gaps(site, "/flaky/429/after-retry.html")[0] >= site.retry_after - 0.05  # Retry-After: an HTTP date
    assert _gaps(site, "/flaky/500/after-retry.html")[0] >= 0.2 - 0.05  # no Retry-After: backoff
    assert len(site.hits_for("/flaky/reset/after-retry.html")) >= 2
    # Always failing: RETRY_TIMES=2 retries, exponential backoff, then given up.
    gaps = _gaps(site, "/always/500.html")
    assert len(gaps) == 2 and gaps[0] >= 0.15 and gaps[1] >= 0.35
    assert len(site.hits_for("/always/503.html")) == 3
    assert len(site.hits_for("/always/timeout.html")) == 3
    # A Retry-After beyond HEALTH_RETRY_AFTER_MAX: not retried in this run.
    assert len(site.hits_for("/retry-after/too-long.html")) == 1


EXPECTED_FAILURES = {
    "always/500.html": "http_500",
    "always/503.html": "http_503",
    "retry-after/too-long.html": "http_503",
    "always/reset.html": "connection_lost",
    "always/timeout.html": "timeout",
    "always/midbody.html": "data_loss",
    "big/20mb.html": "too_large",
    "big/endless.html": "too_large",
    "gzip/bomb.html": "too_large",
    "sitemaps/huge.xml": "too_large",
    "sitemaps/missing.xml": "http_404",
    "redirect/loop-a.html": "redirect_loop",
    "redirect/chain-long/15": "too_many_redirects",
    "redirect/offsite.html": "redirect_offsite",
}


def test_every_failure_is_counted_by_reason_and_listed_for_the_next_run(fault_run):
    site, out, proc, manifest, _ = fault_run
    failed = manifest["failed_urls"]
    for path, reason in EXPECTED_FAILURES.items():
        assert failed.get(site.url + path) == reason, (path, failed.get(site.url + path))
    stats = manifest["crawl_stats"]
    by_reason = Counter(failed.values())
    for reason, n in by_reason.items():
        assert stats.get(f"health/failed/{reason}") == n, reason
    assert sum(v for k, v in stats.items() if k.startswith("health/failed/")) == len(failed)
    for url, reason in failed.items():
        assert url in proc.stderr and reason in proc.stderr  # each one logged with its reason
    # The good articles behind a flaky server are not failures.
    assert not any("/flaky/" in url for url in failed)
    assert stats["health/retry/retry_after"] >= 3 and stats["health/retry/retry_after_too_long"] == 1


def test_sizes_are_capped(fault_run):
    site, out, *_ = fault_run
    pages = pd.read_parquet(out / "pages", columns=["url", "body"])
    assert pages["body"].map(len).max() < 1_000_000
    assert not pages["url"].str.contains("big/|bomb|huge", regex=True).any()


def test_the_crawl_stays_on_its_site_and_obeys_robots_txt(fault_run):
    site, out, proc, manifest, _ = fault_run
    assert {h.host for h in site.hits} == {site.host}, "a request reached the server under another host name"
    for path in FaultSite.FORBIDDEN_PATHS:
        assert not site.hits_for(path), f"{path} was fetched"
    stats = manifest["crawl_stats"]
    assert stats["health/links/refused/offsite"] >= 20_000  # the big sitemap's other hosts, and links
    assert stats["health/links/refused/scheme"] >= 2  # javascript: and file: in a sitemap
    assert stats["health/skipped/robots"] >= 2  # /private/ from a link and from a sitemap
    assert all(h.user_agent.startswith("health-crawl/") for h in site.hits)
    pages = pd.read_parquet(out / "pages", columns=["url"])
    assert pages["url"].str.startswith(site.url).all()


def test_hostile_xml_is_harmless(fault_run):
    site, out, proc, manifest, _ = fault_run
    assert not site.hits_for("/xxe-hit")  # external entities are never fetched
    for name, column in (("pages", "body"), ("articles", "body")):
        for text in pd.read_parquet(out / name, columns=[column])[column]:
            text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
            assert "root:x:0:0" not in (text or "")
    assert manifest["crawl_stats"]["health/sitemap/invalid"] >= 1  # the garbage one
    # The 20,000-entry sitemap was read: its one on-site entry became an article.
    articles = pd.read_parquet(out / "articles", columns=["url"])
    assert f"{site.url}articles/from-big-sitemap.html" in set(articles["url"])


def test_bad_pages_end_as_counted_reasons_not_lost_rows(fault_run):
    site, out, proc, manifest, _ = fault_run
    pages = pd.read_parquet(out / "pages", columns=["url", "status"])
    cleaning = manifest["cleaning"]
    # Every stored page is either an article or a counted drop (or a duplicate): no row lost silently.
    counts = cleaning["counts"]
    assert counts["pages"] == pages["url"].nunique()
    assert counts["pages"] == counts["articles"] + sum(cleaning["dropped_reasons"].values()) + counts.get(
        "duplicates", 0) + counts.get("unchanged", 0)
    stored = set(pages["url"])
    for path in ("binary.html", "empty.html"):
        assert site.url + path in stored


def test_the_next_run_tries_the_listed_failures_again(fault_run, tmp_path: Path):
    site, out, proc, manifest, _ = fault_run
    again = tmp_path / "again"
    again.mkdir()
    (again / "_runs").mkdir()
    (again / "_runs" / Path(sorted((out / "_runs").glob("*.json"))[-1]).name).write_text(json.dumps(manifest))
    before = {h.path: len(site.hits_for(h.path)) for h in site.hits}
    with FaultSite() as other:  # a fresh site on another port: same host, so the same generic "site"
        # The listed URLs point at the first server, which still runs: only they are fetched from it.
        run_crawl(again, "-a", f"start_urls={other.url}articles/sleep-basics.html", *FAST,
                  "-s", "RETRY_TIMES=0", "-s", "HEALTH_GENERIC_DEPTH=0", timeout=120, env=NO_PROXY_ENV)
    retried = {path for path in before if len(site.hits_for(path)) > before[path]}
    expected = {"/" + p for p, r in EXPECTED_FAILURES.items() if r in RETRYABLE_REASONS}
    assert expected and expected <= retried
    assert not {"/" + p for p, r in EXPECTED_FAILURES.items() if r not in RETRYABLE_REASONS} & retried
    stats = _manifest(again)["crawl_stats"]
    assert stats["health/retry_previous/scheduled"] == len([u for u, r in manifest["failed_urls"].items()
                                                            if r in RETRYABLE_REASONS])


# --- a public site that points at private addresses -------------------------------------------------

@pytest.fixture(scope="module")
def public_run(tmp_path_factory: pytest.TempPathFactory):
    """The public test host (reached through the fault site acting as HTTP proxy) and the loopback site, both
    start URLs: both domains are allowed, yet the public pages' links and redirects to loopback are refused."""
    out = tmp_path_factory.mktemp("public") / "out"
    with FaultSite() as site:
        env = {**NO_PROXY_ENV, "http_proxy": f"http://fetcher:pr0xy-s3cret@{site.host}", "no_proxy": "",
               "NO_PROXY": "", "HEALTH_LANGUAGETOOL_USERNAME": "someone@example.org",
               "HEALTH_LANGUAGETOOL_API_KEY": "lt-KEY-9f8e7d6c5b4a"}
        proc = run_crawl(out, "-a", f"start_urls=http://{PUBLIC_HOST}/,{site.url}articles/sleep-basics.html",
                         *FAST, "-s", "HEALTH_GENERIC_DEPTH=1", "-s", "LOG_LEVEL=DEBUG",
                         "-s", "HEALTH_GRAMMAR_BACKEND=languagetool", "-s", f"HEALTH_LANGUAGETOOL_URL={site.url}",
                         timeout=180, env=env)
        yield site, out, proc, _manifest(out)


def test_public_pages_never_lead_to_private_addresses(public_run):
    site, out, proc, manifest = public_run
    assert not site.hits_for("/private-target")
    articles = pd.read_parquet(out / "articles", columns=["url"])
    urls = set(articles["url"])
    assert f"http://{PUBLIC_HOST}/article.html" in urls  # the public site is crawled
    pages = pd.read_parquet(out / "pages", columns=["url", "status"])
    fetched = set(pages[pages["status"] == 200]["url"])
    assert f"{site.url}articles/sleep-basics.html" in fetched  # a loopback start URL works
    assert site.url in fetched  # and so do loopback links found on a loopback page
    stats = manifest["crawl_stats"]
    assert stats["health/links/refused/private"] >= 1  # 127.0.0.1 is an allowed domain, yet refused from there
    failed = manifest["failed_urls"]
    assert failed[f"http://{PUBLIC_HOST}/redirect-private.html"] == "redirect_private"
    # A retried request skips Scrapy's offsite filter (dont_filter); the redirect guard still stops it.
    assert failed[f"http://{PUBLIC_HOST}/retry-then-private.html"] == "redirect_private"


def test_secrets_never_reach_logs_manifests_or_datasets(public_run):
    site, out, proc, manifest = public_run
    assert site.proxy_auth, "the proxy credentials were not used"
    assert site.languagetool_requests and site.languagetool_requests[-1].get("apiKey") == ["lt-KEY-9f8e7d6c5b4a"]
    secrets = ["pr0xy-s3cret", base64.b64encode(b"fetcher:pr0xy-s3cret").decode(), "lt-KEY-9f8e7d6c5b4a"]
    texts = {"log": proc.stdout + proc.stderr}
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".parquet":
                data = pd.read_parquet(path).to_csv().encode()
            texts[str(path)] = data.decode("utf-8", "replace")
    for name, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"a secret leaked into {name}"


# --- what no single module owns -------------------------------------------------------------------------

def test_stored_bytes_decode_as_the_right_text():
    """Pages keep the raw bytes; cleaning decodes them right where Scrapy would not."""
    from cleaning.extract.encoding import decode
    from tests.faultsite.content import article_html, chinese_article

    body = article_html(chinese_article("x")).encode("gbk")
    assert CHINESE_PARAGRAPHS[1] in decode(body, "text/html")[0]
    cp = article_html(FaultSite.cp1252_article()).encode("cp1252")
    wrong = decode(cp, "text/html; charset=utf-8")[0]
    assert "na\u00efve" in wrong and "\ufffd" not in wrong
    assert "na\u00efve" in decode(cp, "text/html")[0]  # Scrapy itself reads these bytes as Windows-1250


def test_no_page_content_is_ever_executed():
    """No eval/exec/compile, no shell, no pickle of fetched data, no YAML, no XML entity resolution in the product."""
    import ast

    from tests.conftest import REPO

    banned_calls = {"eval", "exec", "compile", "__import__", "execfile", "input"}
    for path in [*(REPO / "crawler").rglob("*.py"), *(REPO / "cleaning").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = node.func
                name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
                assert name not in banned_calls or isinstance(fn, ast.Attribute) and name == "compile", (path, name)
                for kw in node.keywords:
                    if kw.arg == "shell":
                        assert not (isinstance(kw.value, ast.Constant) and kw.value.value), (path, "shell=True")
                    if kw.arg == "resolve_entities":
                        assert isinstance(kw.value, ast.Constant) and kw.value.value is False, (path, "entities")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = {a.name for a in node.names} | {getattr(node, "module", None) or ""}
                assert not names & {"yaml", "marshal", "shelve", "dill"}, (path, names)
                if "pickle" in names:
                    # Our own spool of documents this process wrote; and the spider's state, written (never
                    # read back by our code) in the format Scrapy's SpiderState reads.
                    assert path.name in ("spool.py", "jobdir.py"), path
                    if path.name == "jobdir.py":
                        loads = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and
                                 isinstance(n.value, ast.Name) and n.value.id == "pickle" and
                                 n.attr in ("load", "loads", "Unpickler")]
                        assert not loads, (path, "unpickles")


