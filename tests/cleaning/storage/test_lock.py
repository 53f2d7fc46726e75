"""One writer per OUTPUT_DIR: a second writer fails at once naming the first; a dead holder's runs become `crashed`."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaning.storage.lock import OutputLock, OutputLocked, mark_crashed_runs
from cleaning.storage.manifests import RunManifestFile
from tests.conftest import REPO

HOLD = """
import sys, time
from cleaning.storage.lock import OutputLock
OutputLock(sys.argv[1], run_id="20260101T000000Z_first", command="scrapy crawl health").acquire()
print("locked", flush=True)
time.sleep(60)
"""


def _holder(root: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(root)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_writer_is_refused_naming_the_first_and_a_kill_frees_the_lock(tmp_path: Path) -> None:
    proc = _holder(tmp_path)
    try:
        with pytest.raises(OutputLocked, match="scrapy crawl health run 20260101T000000Z_first"):
            OutputLock(tmp_path, command="python -m cleaning run").acquire()
        started = time.monotonic()
        with pytest.raises(OutputLocked):
            OutputLock(tmp_path).acquire(wait=0.5)
        assert time.monotonic() - started >= 0.5
        with pytest.raises(OutputLocked):
            OutputLock(tmp_path, shared=True).acquire()  # workers of a distributed crawl wait too
    finally:
        proc.kill()  # as SIGKILL would: the kernel drops the lock
        proc.communicate()
    with OutputLock(tmp_path):
        pass


def test_shared_holders_run_together(tmp_path: Path) -> None:
    a = OutputLock(tmp_path, shared=True).acquire()
    b = OutputLock(tmp_path, shared=True).acquire()
    with pytest.raises(OutputLocked):
        OutputLock(tmp_path).acquire()
    a.release()
    b.release()


def test_runs_left_running_are_marked_crashed_with_the_reason(tmp_path: Path) -> None:
    RunManifestFile.open(tmp_path, "20260101T000000Z_dead").start(kind="crawl")
    done = RunManifestFile.open(tmp_path, "20260101T000000Z_done")
    done.start(kind="crawl")
    done.finish("succeeded")
    assert mark_crashed_runs(tmp_path, found_by="run X") == ["20260101T000000Z_dead"]
    data = RunManifestFile.open(tmp_path, "20260101T000000Z_dead").data
    assert data["status"] == "crashed" and "found by run X" in data["problems"][-1]
    assert data["attempts"][-1]["status"] == "crashed"
    assert mark_crashed_runs(tmp_path, found_by="run Y") == []


def test_a_crashed_run_ends_when_it_last_wrote_not_when_it_was_found(tmp_path: Path) -> None:
    import os

    RunManifestFile.open(tmp_path, "20260101T000000Z_dead").start(kind="crawl")
    died = 1767225600 + 3600  # 2026-01-01 01:00 UTC: its last write; found a week later
    os.utime(tmp_path / "_runs" / "20260101T000000Z_dead.json", (died, died))
    mark_crashed_runs(tmp_path, found_by="next week's run")
    data = RunManifestFile.open(tmp_path, "20260101T000000Z_dead").data
    assert data["finished_at"] == data["attempts"][-1]["finished_at"] == "2026-01-01T01:00:00+00:00"


def test_the_cleaning_command_refuses_a_busy_output_dir(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    proc = _holder(tmp_path)
    try:
        run = subprocess.run([sys.executable, "-m", "cleaning", "run", "--output-dir", str(tmp_path)], cwd=REPO,
                             capture_output=True, text=True, timeout=60)
    finally:
        proc.kill()
        proc.communicate()
    assert run.returncode == 2 and "is in use by scrapy crawl health" in run.stderr
    assert "Traceback" not in run.stderr
