"""One writer per OUTPUT_DIR: an advisory lock on OUTPUT_DIR/.health.lock, held while a run writes.

Two crawls (or a crawl and a re-clean) writing the same datasets at once would write every article twice
and leave a manifest `running` for ever. The lock is a `flock` on a file: the kernel drops it when the
process ends, however it ends (SIGKILL included), so a crash never leaves it stuck; whoever takes it next
marks the runs the dead holder left `running` as `crashed`, with the reason.

Workers of one distributed crawl share OUTPUT_DIR on purpose: they take the lock shared, so they run
together, while a single-machine crawl or a re-clean (exclusive) waits for them or fails. `flock` is
local to one machine (and unreliable on some network file systems): docs/operations.md says so.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

from cleaning.storage.atomic import OutputError
from cleaning.storage.manifests import RunManifestFile, list_runs, now_utc

LOCK_NAME = ".health.lock"


class OutputLocked(OutputError):
    """Another run holds OUTPUT_DIR; the message says which and what to do."""


class OutputLock:
    def __init__(self, root: Path, run_id: str = "", command: str = "", shared: bool = False) -> None:
        self.root, self.run_id, self.command, self.shared = Path(root), run_id, command, shared
        self.path = self.root / LOCK_NAME
        self._fd: int | None = None

    def acquire(self, wait: float = 0.0) -> "OutputLock":
        """Takes the lock, waiting up to `wait` seconds; OutputLocked names the holder otherwise."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        mode = (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            try:
                fcntl.flock(fd, mode)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise OutputError(f"cannot lock {self.path}: {exc.strerror or exc}") from None
                if time.monotonic() >= deadline:
                    holder = _describe(_read_holder(self.path))
                    os.close(fd)
                    raise OutputLocked(
                        f"{self.root} is in use by {holder}: one run writes an output folder at a time. Wait for it "
                        f"to end, use another OUTPUT_DIR, or set HEALTH_LOCK_WAIT=SECONDS to wait") from None
                time.sleep(0.2)
        self._fd = fd
        if not self.shared:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(self.holder()).encode(), 0)
        return self

    def holder(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "command": self.command, "pid": os.getpid(), "host": socket.gethostname(),
                "since": now_utc()}

    def release(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> "OutputLock":
        return self if self._fd is not None else self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


def _describe(holder: dict[str, Any]) -> str:
    if not holder:
        return "another run (a distributed crawl's workers, or a run that just started)"
    what = holder.get("command") or "a run"
    run = f" run {holder['run_id']}" if holder.get("run_id") else ""
    return f"{what}{run} (pid {holder.get('pid')} on {holder.get('host')}, since {holder.get('since')})"


def mark_crashed_runs(root: Path, found_by: str) -> list[str]:
    """Runs left `running` by a process that died: marked `crashed`, with the reason. Call only while
    holding the lock exclusively (then no run can really be running)."""
    crashed = []
    for data in list_runs(root):
        run_id = data.get("run_id")
        cleaning = data.get("cleaning") or {}
        if not run_id or (data.get("status") != "running" and cleaning.get("status") != "running"):
            continue
        manifest = RunManifestFile.open(root, run_id)
        reason = (f"the process ended without finishing (killed, out of memory or a power cut); "
                  f"found by {found_by} at {now_utc()}")
        if cleaning.get("status") == "running":
            reason = "cleaning " + reason
            manifest.data["cleaning"] = {**cleaning, "status": "crashed"}
        manifest.finish("crashed", finished_at=_last_sign_of_life(root, run_id),
                        problems=list(manifest.data.get("problems") or []) + [reason])
        crashed.append(run_id)
    return crashed


def _last_sign_of_life(root: Path, run_id: str) -> str | None:
    """When a crashed run last wrote anything (its manifest, a dataset file): its end, for its duration,
    rather than the moment the next run found it (a week later, for a weekly crawl)."""
    from datetime import datetime, timezone

    from cleaning.storage.datasets import dataset_files
    from cleaning.storage.schemas import DATASETS

    paths = [Path(root) / "_runs" / f"{run_id}.json",
             *(path for name in DATASETS for path in dataset_files(root, name, run_id))]
    times = []
    for path in paths:
        try:
            times.append(path.stat().st_mtime)
        except OSError:
            continue
    if not times:
        return None
    return datetime.fromtimestamp(max(times), timezone.utc).isoformat(timespec="seconds")
