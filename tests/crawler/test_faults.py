"""The crawl against a hostile site on loopback (tests/faultsite): it finishes, retries politely, caps sizes,
stays on its domains, obeys robots.txt, writes every good article and counts every failure by reason."""

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


# --- robots.txt Crawl-delay ----------------------------------------------------------------------------

def test_crawl_delay_spaces_requests_to_the_host(tmp_path: Path):
    with FaultSite(crawl_delay=0.8, robots_sitemap=False) as site:
        run_crawl(tmp_path / "out", "-a", f"start_urls={site.url}articles/sleep-basics.html", *FAST,
                  "-s", "HEALTH_GENERIC_DEPTH=1", "-s", "AUTOTHROTTLE_START_DELAY=0", timeout=120, env=NO_PROXY_ENV)
        times = sorted(h.time for h in site.hits)
    assert len(times) >= 3
    robots_seen = min(h.time for h in site.hits if h.path == "/robots.txt")
    after = [t for t in times if t > robots_seen]
    gaps = [b - a for a, b in zip(after, after[1:])]
    assert gaps and min(gaps) >= 0.8 - 0.05, gaps


# --- the rules, one by one -----------------------------------------------------------------------------

@pytest.mark.parametrize("host, private", [
    ("127.0.0.1", True), ("localhost", True), ("api.localhost", True), ("[::1]", True), ("::ffff:127.0.0.1", True),
    ("10.1.2.3", True), ("172.16.0.1", True), ("192.168.1.1", True), ("169.254.169.254", True), ("0.0.0.0", True),
    ("fd00::1", True), ("fe80::1", True), ("100.64.0.1", True), ("224.0.0.1", True),
    ("2130706433", True), ("0x7f000001", True), ("127.1", True), ("0177.0.0.1", True),  # legacy IPv4 spellings
    ("8.8.8.8", False), ("example.org", False), ("2606:4700::1111", False), ("", False), (None, False),
])
def test_private_hosts(host, private):
    from crawler.safety import is_private_host

    assert is_private_host(host) is private


@pytest.mark.parametrize("url, origin, allowed, reason", [
    ("https://news.example.org/a", "https://news.example.org/", ["news.example.org"], None),
    ("https://news.example.org:8443/a", "https://news.example.org/", ["news.example.org"], None),  # any port
    ("https://m.news.example.org/a", "https://news.example.org/", ["news.example.org"], None),  # subdomain
    ("https://evil.org/a", "https://news.example.org/", ["news.example.org"], "offsite"),
    ("https://news.example.org.evil.org/", "https://news.example.org/", ["news.example.org"], "offsite"),
    ("javascript:alert(1)", "https://news.example.org/", ["news.example.org"], "scheme"),
    ("file:///etc/passwd", "https://news.example.org/", ["news.example.org"], "scheme"),
    ("ftp://news.example.org/x", "https://news.example.org/", ["news.example.org"], "scheme"),
    ("http://127.0.0.1:8080/admin", "https://news.example.org/", ["news.example.org", "127.0.0.1"], "private"),
    ("http://[::1]/", "https://news.example.org/", ["news.example.org", "::1"], "private"),
    ("http://127.0.0.1:8080/next", "http://127.0.0.1:8080/", ["127.0.0.1"], None),  # loopback site: fine
    ("http://127.0.0.1:8080/x", None, ["127.0.0.1"], None),  # a start URL: the operator's choice
    ("http://[::1", "https://news.example.org/", ["news.example.org"], "malformed"),
])
def test_link_rules(url, origin, allowed, reason):
    from crawler.safety import link_refusal

    assert link_refusal(url, origin, allowed) == reason


def test_retry_after_values():
    from email.utils import formatdate

    from crawler.retry import retry_after_seconds

    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("0") == 0
    assert 9 <= retry_after_seconds(formatdate(time.time() + 10, usegmt=True)) <= 10.5
    assert retry_after_seconds(formatdate(time.time() - 100, usegmt=True)) == 0
    for bad in (None, b"", b"soon", b"-5", b"1e9", "Mon, 99 Foo 2024"):
        assert retry_after_seconds(bad) is None


def test_failure_reasons():
    from scrapy import Request
    from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
    from twisted.internet.error import ConnectionLost
    from twisted.python.failure import Failure
    from twisted.web._newclient import ResponseFailed

    from crawler.failures import failure_reason
    from crawler.safety import Refused

    def reason(exc: Exception) -> tuple[str, str]:
        failure = Failure(exc)
        failure.request = Request("http://a.org/")  # type: ignore[attr-defined]
        return failure_reason(failure)

    assert reason(DownloadTimeoutError("slow")) == ("failed", "timeout")
    assert reason(DownloadCancelledError("big")) == ("failed", "too_large")
    assert reason(IgnoreRequest("... exceeded DOWNLOAD_MAXSIZE (1 B) during decompression.")) == ("failed", "too_large")
    assert reason(IgnoreRequest("max redirections reached")) == ("failed", "too_many_redirects")
    assert reason(IgnoreRequest("Forbidden by robots.txt")) == ("skipped", "robots")
    assert reason(IgnoreRequest("already stored by this run: http://a.org/")) == ("skipped", "incremental")
    assert reason(Refused("private", "refused")) == ("skipped", "private")
    assert reason(ResponseFailed([Failure(ConnectionLost())])) == ("failed", "connection_lost")
    assert reason(ValueError("odd")) == ("failed", "ValueError")


def test_previous_failures_reads_the_latest_finished_run_of_the_site(tmp_path: Path):
    from crawler.failures import previous_failures

    runs = tmp_path / "_runs"
    runs.mkdir()

    def manifest(run_id: str, site: str, failed: dict, finished: bool = True) -> None:
        data = {"run_id": run_id, "kind": "crawl", "site": site, "failed_urls": failed}
        if finished:
            data["finished_at"] = "2024-01-01T00:00:00+00:00"
        (runs / f"{run_id}.json").write_text(json.dumps(data))

    manifest("20240101T000000Z_aaaaaa", "a.org", {"http://a.org/old": "timeout"})
    manifest("20240102T000000Z_bbbbbb", "a.org", {"http://a.org/1": "http_503", "http://a.org/2": "http_404",
                                                   "http://a.org/3": "too_large", "http://a.org/4": "timeout",
                                                   "javascript:x": "timeout"})
    manifest("20240103T000000Z_cccccc", "b.org", {"http://b.org/1": "timeout"})
    manifest("20240104T000000Z_dddddd", "a.org", {"http://a.org/running": "timeout"}, finished=False)
    (runs / "20240105T000000Z_eeeeee.json").write_text("{broken")
    assert previous_failures(tmp_path, "a.org") == {"http://a.org/1": "http_503", "http://a.org/4": "timeout"}
    assert previous_failures(tmp_path, "a.org", exclude_run="20240102T000000Z_bbbbbb") == {
        "http://a.org/old": "timeout"}
    assert previous_failures(tmp_path / "nowhere", "a.org") == {}


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


@pytest.mark.parametrize("args, message", [
    (["-a", "start_urls=ftp://example.org/"], "not an absolute http(s) URL"),
    (["-a", "start_urls=http://exa mple.org:99999/"], "invalid port"),
    (["-a", "start_urls=http://a.org/", "-s", "HEALTH_RETRY_BACKOFF=-1"], "HEALTH_RETRY_BACKOFF must be"),
    (["-a", "start_urls=http://a.org/", "-s", "DOWNLOAD_MAXSIZE=big"], "DOWNLOAD_MAXSIZE must be"),
    (["-a", "start_urls=http://a.org/", "-s", "CONCURRENT_REQUESTS=0"], "CONCURRENT_REQUESTS must be"),
    (["-a", "start_urls=http://a.org/", "-s", "DOWNLOAD_TIMEOUT=0"], "DOWNLOAD_TIMEOUT must be"),
])
def test_bad_arguments_and_settings_fail_at_once_with_a_clear_message(tmp_path: Path, args, message):
    started = time.monotonic()
    proc = run_crawl(tmp_path / "out", *args, check=False, timeout=60)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert time.monotonic() - started < 30
    assert not (tmp_path / "out" / "pages").exists()


def test_a_bad_output_path_fails_at_once(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = run_crawl(blocker / "out", "-a", "start_urls=http://a.org/", check=False, timeout=60)
    assert proc.returncode == 2 and str(blocker) in proc.stderr and "Traceback" not in proc.stderr


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
                if "pickle" in names:  # only our own spool of documents this process wrote
                    assert path.name == "spool.py", path


def test_a_name_that_resolves_to_a_private_address_is_refused():
    import asyncio
    from types import SimpleNamespace

    from scrapy import Request
    from scrapy.statscollectors import MemoryStatsCollector

    from crawler.safety import Refused, SafeRequestMiddleware

    spider = SimpleNamespace(allowed_domains=["example.org"])
    crawler = SimpleNamespace(spider=spider, settings=SimpleNamespace(getbool=lambda name, default=False: True))
    crawler.stats = MemoryStatsCollector(SimpleNamespace(settings=SimpleNamespace(getbool=lambda *a: False)))
    mw = SafeRequestMiddleware(crawler)  # type: ignore[arg-type]
    addresses = {"intranet.example.org": "10.0.0.5", "cdn.example.org": "93.184.216.34"}

    async def resolve(host: str) -> str:  # no DNS traffic: a table
        if host not in addresses:
            raise OSError("no such host")
        return addresses[host]

    mw.resolve_host = resolve  # type: ignore[method-assign]

    def check(url: str, origin: str | None) -> str | None:
        request = Request(url, meta={"health_origin": origin} if origin else {})
        try:
            asyncio.run(mw.process_request(request))
        except Refused as exc:
            return exc.reason
        return None

    assert check("https://intranet.example.org/x", "https://www.example.org/") == "private"
    assert check("https://cdn.example.org/x", "https://www.example.org/") is None
    assert check("https://gone.example.org/x", "https://www.example.org/") is None  # left to the download
    assert check("https://intranet.example.org/x", None) is None  # a start URL: the operator's choice
    assert check("https://intranet.example.org/y", "http://127.0.0.1/") is None  # from a private page: allowed
    assert check("https://www.example.org/next", "https://www.example.org/") is None  # same host: not resolved
