"""Cleaning while crawling (crawler/prepare.py): the preparing helpers, warm, also take the documents of the
run's later per-document passes, and none outlives the crawl."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.support.sites import PaginatedSite

NO_PROXY_ENV = {"http_proxy": "", "https_proxy": "", "HTTP_PROXY": "", "HTTPS_PROXY": ""}


def _session_members(sid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # session id; a zombie has ended
            members.append(int(entry.name))
    return members


@pytest.mark.parametrize("workers", [2, 1])
def test_the_helpers_take_the_grammar_pass_and_end_with_the_crawl(tmp_path: Path, workers: int) -> None:
    """Two cleaning processes: the crawl's and its helper, lent to the grammar pass. One: the cleaning runs in the
    crawl's process alone, so the helper is not kept for it."""
    out = tmp_path / "out"
    with PaginatedSite(articles=300, per_page=50) as site:
        # A delay long enough for a helper to be up (it answers a part file) before the crawl ends, even on a slow
        # machine; two cleaning processes, whatever the machine's cores: the crawl's and one helper.
        cmd = [sys.executable, "-m", "scrapy", "crawl", "health", "-a", f"start_urls={site.url}",
               "-s", f"OUTPUT_DIR={out}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.02",
               "-s", f"HEALTH_CLEAN_WORKERS={workers}", "-s", "HEALTH_GRAMMAR_BACKEND=offline", "-s", "LOG_LEVEL=DEBUG",
               "-s", "HEALTH_PROGRESS_INTERVAL=0"]
        proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, **NO_PROXY_ENV}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            _, stderr = proc.communicate(timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == 0, stderr[-3000:]
    # started by the command, before Scrapy's own start-up, and given the run's steps when the spider opened
    assert f"{workers - 1 or 1} helper(s) started by the crawl command" in stderr
    mapped = [line for line in stderr.splitlines() if "cleaning.workers" in line and "mapped" in line]
    if workers == 2:
        assert any("by 1 lent helpers" in line for line in mapped), mapped  # the grammar and rows pass
    assert not any("spawned helpers" in line for line in mapped), mapped
    assert workers == 2 or mapped == []  # one process: every pass mapped in it
    deadline = time.monotonic() + 10
    while _session_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session_members(proc.pid) == [], "a helper outlived the crawl"


def test_a_grammar_server_that_hangs_is_given_up_once_for_the_run_and_said_in_the_crawls_log(tmp_path: Path) -> None:
    """The helpers warm the grammar cache while the crawl fetches: once they found the server hung, the run's
    cleaning does not ask it again (each of its processes used to wait out timeouts of its own), and what the
    helpers said about it is in the crawl's LOG_FILE, formatted as its other lines: they used to print bare lines
    on stderr, which a cron job with LOG_FILE set (docs/operations.md) mails."""
    import re

    from tests.cleaning.grammar.conftest import HangingLanguageTool

    out, log = tmp_path / "out", tmp_path / "crawl.log"
    err = tmp_path / "stderr.txt"
    with PaginatedSite(articles=60, per_page=10) as site, HangingLanguageTool() as grammar, err.open("w") as fh:
        cmd = [sys.executable, "-m", "scrapy", "crawl", "health", "-a", f"start_urls={site.url}",
               "-s", f"OUTPUT_DIR={out}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "HEALTH_PAGES_FLUSH_ITEMS=5",
               "-s", "HEALTH_GRAMMAR_BACKEND=languagetool", "-s", f"HEALTH_LANGUAGETOOL_URL={grammar.url}",
               "-s", "HEALTH_GRAMMAR_TIMEOUT=1", "-s", "LOG_LEVEL=INFO", "-s", f"LOG_FILE={log}"]
        proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, **NO_PROXY_ENV}, stdout=subprocess.DEVNULL,
                                stderr=fh, start_new_session=True)
        asked_before_cleaning = None
        deadline = time.monotonic() + 180
        try:
            while proc.poll() is None and time.monotonic() < deadline:
                if asked_before_cleaning is None and log.is_file() and ": starting, passes" in log.read_text():
                    asked_before_cleaning = len(grammar.checks)
                time.sleep(0.01)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        asked = len(grammar.checks)
    text = log.read_text()
    assert proc.returncode == 3, text[-3000:]  # partial: articles written without their grammar fixes
    assert "60 articles written without their grammar fixes" in text and "in a row timed out" in text
    assert asked_before_cleaning is not None and asked_before_cleaning >= 3  # the helpers found it hung
    assert asked == asked_before_cleaning  # and the cleaning never asked
    assert "grammar" not in err.read_text()  # nothing on stderr about it
    said = [line for line in text.splitlines() if "LanguageTool request failed" in line]
    assert said and all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[cleaning\.grammar\] WARNING: grammar: ", s) for s in said)


def _settings(**values: object):
    from scrapy.settings import Settings

    from crawler import settings as project

    settings = Settings()
    settings.setmodule(project)
    settings.setdict({"HEALTH_RECORD_RUN": True, "HEALTH_CLEAN_WORKERS": 3, **values}, priority="cmdline")
    return settings


def test_helpers_are_started_by_the_command_only_when_the_extension_will_take_them() -> None:
    from crawler.prepare import (
        _PRESTARTED,
        _take_prestarted,
        discard_prestarted,
        prestart,
    )

    try:
        for off in ({"HEALTH_CLEAN_ON_CLOSE": False}, {"HEALTH_CLEAN_WHILE_CRAWLING": False},
                    {"HEALTH_RECORD_RUN": False}, {"EXTENSIONS": {"crawler.prepare.PrepareWhileCrawling": None}}):
            prestart(_settings(**off))
            assert _PRESTARTED == [], off
        prestart(_settings())
        [pool] = _PRESTARTED
        assert pool.started and pool.size == 2  # one core of the three cleaning workers stays with the crawl
        assert _take_prestarted(2) is pool and _PRESTARTED == []
        pool.stop()
        prestart(_settings())
        [other] = _PRESTARTED
        assert _take_prestarted(4) is None  # other settings (a spider's own): not these helpers
        deadline = time.monotonic() + 10
        while any(p.is_alive() for p in other.procs) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(p.is_alive() for p in other.procs)
        prestart(_settings())
        [left] = _PRESTARTED
        discard_prestarted()  # what the command does after the crawl: nobody took them
        assert _PRESTARTED == []
        for p in left.procs:
            p.join(timeout=10)
        assert not any(p.is_alive() for p in left.procs)
    finally:
        discard_prestarted()


def test_helpers_that_cannot_start_with_the_command_do_not_stop_the_crawl(monkeypatch) -> None:
    """(No semaphores in a container, a process limit): the extension tries again when the spider opens."""
    from cleaning.helper_pool import HelperPool
    from crawler.prepare import _PRESTARTED, prestart

    def refuse(self) -> None:
        raise OSError("no more processes")

    monkeypatch.setattr(HelperPool, "start", refuse)
    prestart(_settings())
    assert _PRESTARTED == []
