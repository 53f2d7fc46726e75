"""Ctrl-C and SIGTERM during a real `scrapy crawl` of a loopback paginated site (tests/faultsite/paged.py).

One signal: Scrapy's graceful stop, the pages fetched so far cleaned and committed, the run `partial` with
the signal and what was left (manifest, summary line), exit 3; the same command then resumes the run and
completes it, with the datasets of an uninterrupted run (nothing lost, no row twice). A second signal
(during the graceful stop, or while cleaning) stops at once: `interrupted`, exit 130 (143 for SIGTERM),
nothing half-written visible, and the same command completes the run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.cleaning.grammar.conftest import HangingLanguageTool
from tests.conftest import REPO, run_crawl
from tests.faultsite.paged import PagedSite

ARTICLES = 60
ARGS = ["-s", "HEALTH_GRAMMAR_BACKEND=offline", "-s", "HEALTH_PROGRESS_INTERVAL=0", "-s", "HEALTH_RETRY_BACKOFF=0.1",
        "-s", "HEALTH_GENERIC_DEPTH=50"]
# Small part files and a slow pace, so the signal lands with pages stored and requests still queued.
SLOW = ["-s", "HEALTH_PAGES_FLUSH_ITEMS=5", "-s", "CONCURRENT_REQUESTS=1", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "DOWNLOAD_DELAY=0.05"]


@pytest.fixture(scope="module")
def site() -> Iterator[PagedSite]:
    with PagedSite(articles=ARTICLES, per_page=10, delay=0.01) as paged:
        yield paged


@pytest.fixture(scope="module")
def baseline(site: PagedSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("baseline") / "out"
    run_crawl(out, "-a", f"start_urls={site.url}", *ARGS)
    got = _datasets(out)
    assert sorted(got["articles"]["url"]) == sorted(site.article_urls())
    return got


class _Crawl:
    """`scrapy crawl` in a subprocess, its log in a file (a pipe would be held open by its worker processes)."""

    def __init__(self, out: Path, job: Path, log: Path, site: PagedSite, *extra: str) -> None:
        cmd = [sys.executable, "-m", "scrapy", "crawl", "health", "-a", f"start_urls={site.url}",
               "-s", f"OUTPUT_DIR={out}", "-s", f"JOBDIR={job}", "-s", "LOG_LEVEL=INFO", *ARGS, *SLOW, *extra]
        self.log = log
        with log.open("w") as fh:
            # Its own process group, as a terminal's foreground job: Ctrl-C there reaches every process of it.
            self.proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=fh, env=os.environ.copy(),
                                         start_new_session=True)

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.is_file() else ""

    def signal_when(self, ready: Callable[[], bool], sig: int, timeout: float = 90, group: bool = False) -> None:
        """`sig` to the crawl once `ready()` holds; `group`: to all its processes, as a terminal's Ctrl-C."""
        deadline = time.monotonic() + timeout
        while not ready():
            assert self.proc.poll() is None, f"the crawl ended before the signal:\n{self.text()[-3000:]}"
            assert time.monotonic() < deadline, "the crawl never got there"
            time.sleep(0.01)
        if group:
            os.killpg(self.proc.pid, sig)
        else:
            self.proc.send_signal(sig)

    def wait(self, timeout: float = 120) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _datasets(out: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(out / name) for name in ("pages", "articles") if (out / name).exists()}


def _page_files(out: Path) -> int:
    return len(list((out / "pages").glob("crawl_date=*/part-*.parquet")))


def _manifests(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "_runs").glob("*.json"))]


def _nothing_half_written(out: Path) -> None:
    for path in out.glob("*/crawl_date=*/*.parquet"):
        pq.read_table(path)  # every visible file is whole


def _assert_equal_to_baseline(out: Path, baseline: dict[str, pd.DataFrame]) -> None:
    _nothing_half_written(out)
    got = _datasets(out)
    articles, want = got["articles"], baseline["articles"]
    assert articles["url"].is_unique and articles["article_id"].is_unique, "an article was written twice"
    assert sorted(zip(articles["url"], articles["body"])) == sorted(zip(want["url"], want["body"]))
    pages = got["pages"]
    assert pages["url"].is_unique, "a page was stored twice"
    assert sorted(pages["url"]) == sorted(baseline["pages"]["url"])
    assert len(set(pages["run_id"])) == 1 and len(set(articles["run_id"])) == 1, "the resumed crawl is one run"


def _resume(out: Path, job: Path, log: Path, site: PagedSite, baseline: dict[str, pd.DataFrame]) -> dict:
    crawl = _Crawl(out, job, log, site)
    code = crawl.wait()
    assert code == 0, crawl.text()[-3000:]
    _assert_equal_to_baseline(out, baseline)
    [manifest] = _manifests(out)
    assert manifest["status"] == "succeeded"
    return manifest


@pytest.mark.parametrize("sig, group", [(signal.SIGINT, True), (signal.SIGTERM, False)],
                         ids=["ctrl-c-to-the-process-group", "SIGTERM-to-the-crawl"])
def test_one_signal_cleans_what_was_fetched_is_partial_and_the_same_command_completes_the_run(
        tmp_path: Path, site: PagedSite, baseline: dict[str, pd.DataFrame], sig: signal.Signals, group: bool) -> None:
    out, job = tmp_path / "out", tmp_path / "job"
    crawl = _Crawl(out, job, tmp_path / "stopped.log", site)
    # A terminal's Ctrl-C reaches the crawl's helper processes too (cleaning while crawling): they stop,
    # and what they prepared is used.
    crawl.signal_when(lambda: _page_files(out) >= 3, sig, group=group)
    code = crawl.wait()
    log = crawl.text()
    assert code == 3, log[-3000:]
    [manifest] = _manifests(out)
    assert manifest["status"] == "partial" and manifest["close_reason"] == "shutdown"
    second = "Ctrl-C" if sig == signal.SIGINT else sig.name
    assert "stopping: " in log and f"a second {second} stops at once" in log  # said at once, not after the wait
    [why] = [p for p in manifest["problems"] if p.startswith("shutdown:")]
    assert f"stopped by {sig.name}" in why and "requests still queued were not fetched" in why
    assert "cleaned and written" in why
    assert manifest["cleaning"]["status"] == "committed"
    report = (out / "_runs" / f"{manifest['run_id']}.html").read_text()
    assert "partial" in report and f"stopped by {sig.name}" in report
    # The summary line, last of the log, says it too.
    summary = [line for line in log.splitlines() if f"run {manifest['run_id']} partial:" in line]
    assert summary and f"stopped by {sig.name} with " in summary[-1] and "requests left" in summary[-1]
    # What was fetched is cleaned and committed: part of the site, no more.
    _nothing_half_written(out)
    stopped = _datasets(out)
    assert 0 < len(stopped["articles"]) < ARTICLES
    assert set(stopped["articles"]["url"]) <= set(baseline["articles"]["url"])
    assert (job / "health_run_id.txt").read_text().strip() == manifest["run_id"]  # kept for the resume

    resumed = _resume(out, job, tmp_path / "resumed.log", site, baseline)
    assert resumed["run_id"] == manifest["run_id"]


def test_a_second_ctrl_c_while_cleaning_stops_at_once_interrupted_and_resumable(
        tmp_path: Path, site: PagedSite, baseline: dict[str, pd.DataFrame]) -> None:
    out, job = tmp_path / "out", tmp_path / "job"
    # The second Ctrl-C must land while the run's end cleans, which can be very short once the crawl's helpers
    # have prepared the pages: here the cleaning does it all (no cleaning while crawling), and its grammar step
    # waits on a grammar server that never answers; the signal goes once the server was asked.
    with HangingLanguageTool() as grammar:
        crawl = _Crawl(out, job, tmp_path / "stopped.log", site, "-s", "HEALTH_GRAMMAR_BACKEND=languagetool",
                       "-s", f"HEALTH_LANGUAGETOOL_URL={grammar.url}", "-s", "HEALTH_CLEAN_WHILE_CRAWLING=False")
        crawl.signal_when(lambda: _page_files(out) >= 3, signal.SIGINT)
        crawl.signal_when(lambda: bool(grammar.checks), signal.SIGINT, group=True)
        started = time.monotonic()
        code = crawl.wait()
    log = crawl.text()
    assert code == 130, log[-3000:]
    assert time.monotonic() - started < 30
    [manifest] = _manifests(out)
    assert manifest["status"] == "interrupted"
    assert manifest["cleaning"]["status"] == "interrupted"
    [why] = [p for p in manifest["problems"] if p.startswith("shutdown:")]
    assert "stopped by SIGINT" in why and "while cleaning" in why and "nothing of the cleaning was committed" in why
    assert "Traceback" not in log and "Process SpawnProcess" not in log  # the helpers leave the signal to the crawl
    _nothing_half_written(out)
    assert not (out / "articles").exists() or pd.read_parquet(out / "articles").empty  # nothing committed

    _resume(out, job, tmp_path / "resumed.log", site, baseline)


def test_a_second_ctrl_c_during_the_graceful_stop_forces_it_interrupted_and_resumable(
        tmp_path: Path, site: PagedSite, baseline: dict[str, pd.DataFrame]) -> None:
    out, job = tmp_path / "out", tmp_path / "job"
    crawl = _Crawl(out, job, tmp_path / "stopped.log", site)
    crawl.signal_when(lambda: _page_files(out) >= 3, signal.SIGINT)
    crawl.signal_when(lambda: "shutting down gracefully" in crawl.text(), signal.SIGINT)
    code = crawl.wait()
    log = crawl.text()
    [manifest] = _manifests(out)
    if "cleaning the pages fetched so far" in log and manifest["cleaning"]["status"] == "interrupted":
        pass  # the second signal found the crawl already cleaning: stopped there (the test above)
    else:
        assert "cleaning the pages fetched so far" not in log, log[-3000:]
    assert code == 130, log[-3000:]
    assert manifest["status"] == "interrupted", manifest["problems"]
    assert any(p.startswith("shutdown: the crawl was stopped by SIGINT") for p in manifest["problems"])
    assert (out / "_runs" / f"{manifest['run_id']}.html").is_file()  # the report says it too
    _nothing_half_written(out)

    _resume(out, job, tmp_path / "resumed.log", site, baseline)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_as_the_spider_opens_is_never_a_success_and_the_same_command_completes_the_run(
        tmp_path: Path, site: PagedSite, baseline: dict[str, pd.DataFrame], sig: signal.Signals) -> None:
    """Scrapy installs its handlers when the reactor starts, and the spider opens (the cleaning helpers start)
    before the engine does: a Scrapyd cancel or a Ctrl-C then must not end the run as a silent exit 0."""
    out, job = tmp_path / "out", tmp_path / "job"
    crawl = _Crawl(out, job, tmp_path / "stopped.log", site)
    crawl.signal_when(lambda: "Spider opened" in crawl.text(), sig)
    code = crawl.wait()
    log = crawl.text()
    [manifest] = _manifests(out)
    # Before the engine started: stopped at once (128 + the signal); just after: the graceful stop (3).
    assert (code, manifest["status"]) in ((128 + sig, "interrupted"), (3, "partial")), (code, log[-3000:])
    assert any(p.startswith(f"shutdown: the crawl was stopped by {sig.name}") for p in manifest["problems"])
    assert [line for line in log.splitlines() if f"run {manifest['run_id']} {manifest['status']}:" in line]
    _nothing_half_written(out)

    _resume(out, job, tmp_path / "resumed.log", site, baseline)
