"""Exact resume of a generic crawl (`-a start_urls=`) of a paginated site (tests/faultsite/paged.py): after
SIGKILLs at seeded random moments (while fetching, at close, while cleaning), after a full disk, after a
JOBDIR whose Scrapy state files a kill left empty, the resumed run's datasets equal an uninterrupted run's:
every article (by URL and body), no extra one, no row twice.

Articles are reached only through the listing chain, so a resume that forgets the links of a page it had
already stored loses every article behind that page. The kill points come from a seeded generator
(HEALTH_KILL_SEED) and are printed, so a failure can be replayed.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, run_crawl
from tests.faultsite.paged import PagedSite
from tests.support.kill import kill_when

SEED = int(os.environ.get("HEALTH_KILL_SEED", "20261130"))
ARTICLES = 120
COMMON = ["-s", "HEALTH_GRAMMAR_BACKEND=offline", "-s", "HEALTH_PROGRESS_INTERVAL=0", "-s", "HEALTH_RETRY_BACKOFF=0.1",
          "-s", "HEALTH_GENERIC_DEPTH=50"]  # deep enough for the listing chain, whatever order pages come in
# Small part files and a slow pace, so kills land between flushes and with requests in flight.
SLOW = ["-s", "HEALTH_PAGES_FLUSH_ITEMS=5", "-s", "CONCURRENT_REQUESTS=2", "-s", "AUTOTHROTTLE_ENABLED=False"]


@pytest.fixture(scope="module")
def site() -> Iterator[PagedSite]:
    with PagedSite(articles=ARTICLES, per_page=10, delay=0.01) as paged:
        yield paged


def _args(site: PagedSite) -> list[str]:
    return ["-a", f"start_urls={site.url}", *COMMON]


def _datasets(out: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(out / name) for name in ("pages", "articles") if (out / name).exists()}


@pytest.fixture(scope="module")
def baseline(site: PagedSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("baseline") / "out"
    run_crawl(out, *_args(site))
    got = _datasets(out)
    assert sorted(got["articles"]["url"]) == sorted(site.article_urls())  # the site is crawlable as a whole
    return got


def _assert_equal_to_baseline(out: Path, baseline: dict[str, pd.DataFrame]) -> None:
    for path in (out / "pages").glob("crawl_date=*/*.parquet"):
        pq.read_table(path)  # nothing half-written is visible
    got = _datasets(out)
    articles, want = got["articles"], baseline["articles"]
    lost = set(want["url"]) - set(articles["url"])
    extra = set(articles["url"]) - set(want["url"])
    assert not lost and not extra, f"{len(lost)} articles lost, {len(extra)} extra"
    assert articles["url"].is_unique and articles["article_id"].is_unique, "an article was written twice"
    assert sorted(zip(articles["url"], articles["body"])) == sorted(zip(want["url"], want["body"]))
    pages = got["pages"]
    assert pages["url"].is_unique, f"pages stored twice: {sorted(pages['url'][pages['url'].duplicated()])[:5]}"
    assert sorted(pages["url"]) == sorted(baseline["pages"]["url"])
    assert len(set(pages["run_id"])) == 1, "the resumed crawl is one run"


class _Crawl:
    """One `scrapy crawl` in a subprocess, its log in a file (a pipe would be held open by its worker processes)."""

    def __init__(self, out: Path, log: Path, *args: str) -> None:
        cmd = [sys.executable, "-m", "scrapy", "crawl", "health", "-s", f"OUTPUT_DIR={out}", "-s", "LOG_LEVEL=INFO",
               *args]
        self.log = log
        with log.open("w") as fh:
            self.proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=fh, env=os.environ.copy())

    def said(self, text: str) -> bool:
        return self.log.is_file() and text in self.log.read_text(errors="replace")

    def wait(self, timeout: float = 120) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()

    def kill_when(self, ready: Callable[[], bool], delay: float, timeout: float = 90) -> bool:
        """SIGKILL `delay` seconds after `ready()` first holds; False if the crawl ended first."""
        return kill_when(self.proc, ready, delay, timeout)


def _succeeded(out: Path) -> bool:
    return any(json.loads(p.read_text()).get("status") == "succeeded" for p in (out / "_runs").glob("*.json"))


def _page_files(out: Path) -> int:
    return len(list((out / "pages").glob("crawl_date=*/part-*.parquet")))


def test_ten_sigkills_of_a_generic_crawl_then_resume_lose_nothing(tmp_path: Path, site: PagedSite, baseline):
    rng = random.Random(SEED)
    out, job = tmp_path / "out", tmp_path / "job"
    args = [*_args(site), "-s", f"JOBDIR={job}", *SLOW]
    kills: list[tuple[str, float]] = []
    finished = False
    for n in range(10):
        crawl = _Crawl(out, tmp_path / f"kill{n}.log", *args)
        if n < 7:  # while fetching: a few more part files, then a random moment (mid-flush, requests in flight)
            target = _page_files(out) + rng.randint(1, 3)
            delay = rng.uniform(0, 0.15)
            landed = crawl.kill_when(lambda: _page_files(out) >= target, delay)
            kills.append((f"fetching, after {target} page files", round(delay, 3)))
        else:  # after fetching ended: closing, cleaning, committing
            delay = rng.uniform(0, 4.0)
            landed = crawl.kill_when(lambda: crawl.said("Closing spider"), delay)
            kills.append(("after fetching", round(delay, 3)))
        print(f"kill {n}: {kills[-1]} landed={landed} at {time.strftime('%X')}", flush=True)
        if not landed or _succeeded(out):  # a kill after the run recorded its success lands on a finished run
            kills[-1] = ("ran to its end", kills[-1][1])
            finished = True
            break
    print(f"seed {SEED}: kills {kills}")
    assert sum(1 for what, _ in kills if what.startswith("fetching")) == 7, f"kills while fetching missed: {kills}"
    if not finished:
        proc = run_crawl(out, *args, check=False)  # the resume that runs to the end
        assert proc.returncode == 0, "\n".join(l for l in proc.stderr.splitlines() if "ERROR" in l or "Error" in l)[-4000:]
    _assert_equal_to_baseline(out, baseline)


def test_a_crawl_stopped_by_a_full_disk_resumes_without_loss(tmp_path: Path, site: PagedSite, baseline):
    """The disk fills up while fetching: the crawl process's file size limit drops (RLIMIT_FSIZE, set from
    outside with prlimit), so its next write (a pages file, JOBDIR state, a log line) fails with EFBIG as it
    would on a full disk. The crawl runs with a JOBDIR as a user's would; it must stop with a failure (never
    idle, never "succeeded"), and the same command with the same JOBDIR resumes the same run, losing nothing."""
    out, job = tmp_path / "out", tmp_path / "job"
    args = [*_args(site), "-s", f"JOBDIR={job}", *SLOW]
    crawl = _Crawl(out, tmp_path / "full.log", *args)
    target = random.Random(SEED + 1).randint(3, 8)
    deadline = time.monotonic() + 90
    while _page_files(out) < target and crawl.proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert crawl.proc.poll() is None, "the crawl ended before the disk filled up"
    run_id = (job / "health_run_id.txt").read_text().strip()
    resource.prlimit(crawl.proc.pid, resource.RLIMIT_FSIZE, (512, 512))
    assert crawl.wait(timeout=90) == 1  # (its log file is past the limit too: what it says cannot be read here)
    assert not _succeeded(out)
    stored = _page_files(out)
    assert stored < len(baseline["pages"]) // 5, "the disk filled up after fetching ended"
    proc = run_crawl(out, *args)  # room again: the same command, the same JOBDIR
    assert "succeeded" in proc.stderr
    assert (out / "_runs" / f"{run_id}.json").is_file(), "the resume started a new run instead of continuing"
    _assert_equal_to_baseline(out, baseline)


def test_a_jobdir_with_empty_state_files_is_repaired_and_resumed(tmp_path: Path, site: PagedSite, baseline):
    out, job = tmp_path / "out", tmp_path / "job"
    args = [*_args(site), "-s", f"JOBDIR={job}", *SLOW]
    crawl = _Crawl(out, tmp_path / "killed.log", *args)
    assert crawl.kill_when(lambda: _page_files(out) >= 4, random.Random(SEED + 2).uniform(0, 0.1))
    # What a kill while Scrapy writes its state can leave: every state file empty.
    for name in ("spider.state", "requests.seen", "requests.queue/active.json"):
        (job / name).parent.mkdir(parents=True, exist_ok=True)
        (job / name).write_bytes(b"")
    for path in (job / "requests.queue").rglob("*"):
        if path.is_file():
            path.write_bytes(b"")
    proc = run_crawl(out, *args)
    for name in ("requests.queue damaged", "spider.state damaged: empty", "requests.seen not used"):
        assert f"resume: {name}" in proc.stderr, name
    assert "succeeded" in proc.stderr
    _assert_equal_to_baseline(out, baseline)
