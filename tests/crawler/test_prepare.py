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
    mapped = [line for line in stderr.splitlines() if "cleaning.workers" in line and "mapped" in line]
    if workers == 2:
        assert any("by 1 lent helpers" in line for line in mapped), mapped  # the grammar and rows pass
    assert not any("spawned helpers" in line for line in mapped), mapped
    assert workers == 2 or mapped == []  # one process: every pass mapped in it
    deadline = time.monotonic() + 10
    while _session_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session_members(proc.pid) == [], "a helper outlived the crawl"
