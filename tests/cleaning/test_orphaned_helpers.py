"""A cleaning helper process outlives no parent: a crawl or a cleaning run killed with SIGKILL sends its
helpers no stop, and each held ~400 MB until the machine rebooted."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

PARENT = """
import multiprocessing, os, sys, time
from cleaning.workers import _serve
if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    tasks, results = ctx.Queue(), ctx.Queue()
    helper = ctx.Process(target=_serve, args=([], tasks, results, os.getpid()), daemon=True)
    helper.start()
    print(helper.pid, flush=True)
    if sys.argv[1:] != ["at-once"]:
        time.sleep(1.5)  # the helper is up, blocked on its queue
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be read


@pytest.mark.parametrize("when", ["blocked on its queue", "at-once"])
def test_a_helper_ends_when_its_parent_is_killed(when: str) -> None:
    """Killed while the helper waits for work, or at once, while it still imports its libraries."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT, when], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        helper = int(parent.stdout.readline())
        if when != "at-once":
            time.sleep(2.0)
            assert _alive(helper)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 20
        while _alive(helper) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(helper), "the helper outlived its killed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        parent.stdout.close()
