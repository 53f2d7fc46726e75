"""A cleaning helper process outlives no parent: a crawl or a cleaning run killed with SIGKILL sends its
helpers no stop, and each held ~400 MB until the machine rebooted."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO

PARENT = """
import multiprocessing, sys, time
from cleaning.workers import _serve
if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    tasks, results = ctx.Queue(), ctx.Queue()
    helper = ctx.Process(target=_serve, args=([], tasks, results), daemon=True)
    helper.start()
    print(helper.pid, flush=True)
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be read


def test_a_helper_ends_when_its_parent_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        helper = int(parent.stdout.readline())
        time.sleep(1.5)  # the helper is up, blocked on its queue
        assert _alive(helper)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 15
        while _alive(helper) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(helper), "the helper outlived its killed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        parent.stdout.close()
