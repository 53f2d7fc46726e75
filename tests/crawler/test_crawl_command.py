"""`scrapy crawl` as users call it: a bad call is one line on stderr and exit status 2, before Scrapy
starts (no start-up banner, no usage block, no traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

BAD_CALLS = [
    ["crawl", "health", "-a", "site=no-such-site"],
    ["crawl", "health", "-a", "start_urls=ftp://example.org/"],
    ["crawl", "health", "-a", "colour=blue"],  # an unknown argument
    ["crawl", "health", "-a", "site"],  # not NAME=VALUE
    ["crawl", "health", "-s", "HEALTH_MIN_WORDS"],  # not NAME=VALUE
    ["crawl", "health", "-s", "HEALTH_MIN_WORDS=many"],
    ["crawl", "health", "-s", "CONCURRENT_REQUESTS=0"],
    ["crawl", "no-such-spider"],
    ["crawl"],
]


def _scrapy(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", *args, "-s", f"OUTPUT_DIR={tmp_path / 'out'}"]
                          if args[1:] else [sys.executable, "-m", "scrapy", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.parametrize("args", BAD_CALLS, ids=" ".join)
def test_bad_call_exits_2_with_one_line(args: list[str], tmp_path: Path):
    proc = _scrapy(args, tmp_path)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("scrapy crawl: error: "), proc.stderr[-2000:]
    assert not (tmp_path / "out").exists()  # nothing started


def test_help_names_the_command(tmp_path: Path):
    proc = _scrapy(["crawl", "--help"], tmp_path)
    assert proc.returncode == 0 and "scrapy crawl [options] <spider>" in proc.stdout
    listing = _scrapy(["-h"], tmp_path)
    assert "scrapy crawl health" in listing.stdout


def test_an_output_dir_in_use_is_said_in_the_log_file_too(tmp_path: Path):
    """A Scrapyd job's log is its LOG_FILE; a second job on a busy OUTPUT_DIR says why there, not only on
    stderr (which only reaches the daemon's own output)."""
    from cleaning.storage.lock import OutputLock

    holder = OutputLock(tmp_path / "out", run_id="20260101T000000Z_held", command="a test").acquire()
    try:
        log = tmp_path / "job.log"
        proc = _scrapy(["crawl", "health", "-s", f"LOG_FILE={log}"], tmp_path)
    finally:
        holder.release()
    assert proc.returncode == 2, proc.stderr[-2000:]
    said = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(said) == 1 and "20260101T000000Z_held" in said[0], proc.stderr[-2000:]
    assert said[0] in log.read_text()
