"""Run identity: one id per crawl, kept across a pause and resume of the same JOBDIR.

A run id stored in JOBDIR is retired when its run succeeds, so a scheduled crawl that reuses
its JOBDIR starts a new run (and sees changed articles) instead of continuing the old one.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from pathlib import Path

from cleaning.storage.atomic import write_text_atomic
from cleaning.storage.datasets import check_run_id

_STORED = "health_run_id.txt"


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}_{secrets.token_hex(3)}"


def resolve_run_id(jobdir: str | None, explicit: str | None = None) -> str:
    """The run id: explicit (HEALTH_RUN_ID), else the unfinished one stored in JOBDIR, else a new one."""
    if explicit:
        return check_run_id(explicit)
    if not jobdir:
        return new_run_id()
    path = Path(jobdir) / _STORED
    if path.is_file():
        stored = path.read_text(encoding="utf-8").strip()
        if stored:
            return check_run_id(stored)
    run_id = new_run_id()
    write_text_atomic(path, run_id)
    return run_id


def retire_run_id(jobdir: str | None, run_id: str) -> None:
    """Forgets the run id stored in JOBDIR once that run has succeeded."""
    if not jobdir:
        return
    path = Path(jobdir) / _STORED
    if path.is_file() and path.read_text(encoding="utf-8").strip() == run_id:
        path.unlink()
