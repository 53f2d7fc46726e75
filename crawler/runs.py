"""Run identity: one id per crawl, kept across a pause and resume of the same JOBDIR."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from pathlib import Path


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def resolve_run_id(jobdir: str | None, explicit: str | None = None) -> str:
    """The run id: explicit (HEALTH_RUN_ID), else the one stored in JOBDIR, else a new one."""
    if explicit:
        return explicit
    if not jobdir:
        return new_run_id()
    path = Path(jobdir) / "health_run_id.txt"
    if path.is_file():
        stored = path.read_text(encoding="utf-8").strip()
        if stored:
            return stored
    run_id = new_run_id()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(run_id, encoding="utf-8")
    tmp.replace(path)
    return run_id
