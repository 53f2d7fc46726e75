"""A cleaning helper process outlives no parent: a crawl or a cleaning run killed with SIGKILL sends its
helpers no stop, and each held ~400 MB until the machine rebooted."""

from __future__ import annotations

import os
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


def _outlives_its_killed_parent(parent: subprocess.Popen, helper: int, wait: float = 20.0) -> bool:
    """Kills `parent` (SIGKILL: no stop sentinel, no clean-up) and says whether `helper` is still alive `wait`
    seconds later; one that is gets killed here, so that no test leaves it behind."""
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + wait
    while _alive(helper) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(helper):
        os.kill(helper, signal.SIGKILL)
        return True
    return False


@pytest.mark.parametrize("when", ["blocked on its queue", "at-once"])
def test_a_helper_ends_when_its_parent_is_killed(when: str) -> None:
    """Killed while the helper waits for work, or at once, while it still imports its libraries."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT, when], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        helper = int(parent.stdout.readline())
        if when != "at-once":
            time.sleep(2.0)
            assert _alive(helper)
        assert _outlives_its_killed_parent(parent, helper) is False, "the helper outlived its killed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        parent.stdout.close()


UNREAD = """
import multiprocessing, os, sys, time
from datetime import datetime, timezone
from cleaning.document import Document, Page
from cleaning.preparer import _stand_by
from cleaning.workers import _serve
from tests.cleaning.steps.helpers import Numbered
if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    tasks, results, control = ctx.Queue(), ctx.Queue(), ctx.Queue()
    if sys.argv[1] == "standing by":
        helper = ctx.Process(target=_stand_by, args=(control, tasks, results, os.getpid()), daemon=True)
        control.put([Numbered()])
    else:
        helper = ctx.Process(target=_serve, args=([Numbered()], tasks, results, os.getpid()), daemon=True)
    helper.start()
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for i in range(20):  # answers of ~1 MB each: far more than a pipe holds, and never read
        tasks.put((i, Document(page=Page(url=f"https://a.example/{i}", status=200, fetched_at=t0, body=b"x" * 2**20))))
    print(helper.pid, flush=True)
    time.sleep(600)
"""


@pytest.mark.parametrize("helper", ["a map's helper", "standing by"])
def test_a_helper_whose_answers_were_never_read_ends_when_its_parent_is_killed(helper: str) -> None:
    """Its queue's feeder thread holds answers the dead parent will never read: the helper must not wait for
    it to hand them over before it exits (it waited for ever, holding its memory)."""
    parent = subprocess.Popen([sys.executable, "-c", UNREAD, helper], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        pid = int(parent.stdout.readline())
        time.sleep(3.0)  # the helper has answered what it could; its feeder is stuck on the full pipe
        assert _alive(pid)
        assert _outlives_its_killed_parent(parent, pid) is False, \
            "the helper outlived its killed parent, waiting to hand over its answers"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        parent.stdout.close()
