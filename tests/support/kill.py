"""SIGKILL a child process at a chosen moment: the kill/resume tests and bench/kill_resume.py share it."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable


def kill_when(proc: subprocess.Popen, ready: Callable[[], bool], delay: float, timeout: float = 90) -> bool:
    """SIGKILLs `proc` `delay` seconds after `ready()` first holds; False if it ended first.

    Raises TimeoutError (after killing it) if `ready()` never held within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            return False
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise TimeoutError("the process never reached its kill point")
        time.sleep(0.01)
    time.sleep(delay)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True
