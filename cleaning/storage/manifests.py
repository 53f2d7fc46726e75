"""Run manifests: OUTPUT_DIR/_runs/RUN_ID.json, one per run, rewritten atomically.

A manifest says when a run started and ended, with which settings, what each
stage counted, which files it wrote and whether it succeeded. Secrets never
reach it: callers pass settings through `cleaning.redact.redact_settings`.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cleaning.storage.atomic import write_text_atomic


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def jsonable(value: Any) -> Any:
    """A stats value as JSON can hold it (Scrapy stats carry datetimes)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True, default=str))


class RunManifestFile:
    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    @classmethod
    def open(cls, root: Path, run_id: str) -> "RunManifestFile":
        path = Path(root) / "_runs" / f"{run_id}.json"
        data: dict[str, Any] = {"run_id": run_id}
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                # A manifest damaged by something else is replaced, not trusted.
                data = {"run_id": run_id, "note": "previous manifest was unreadable and was replaced"}
        return cls(path, data)

    def save(self) -> None:
        write_json_atomic(self.path, self.data)

    def start(self, **fields: Any) -> None:
        attempts = self.data.setdefault("attempts", [])
        attempts.append({"started_at": now_utc()})
        self.data.setdefault("started_at", attempts[0]["started_at"])
        self.data.update(fields)
        self.data["status"] = "running"
        self.data.pop("finished_at", None)
        self.save()

    def update(self, **fields: Any) -> None:
        self.data.update(fields)
        self.save()

    def finish(self, status: str, **fields: Any) -> None:
        self.data.update(fields)
        self.data["status"] = status
        self.data["finished_at"] = now_utc()
        if self.data.get("attempts"):
            self.data["attempts"][-1].update(finished_at=self.data["finished_at"], status=status)
        self.save()


def list_runs(root: Path) -> list[dict[str, Any]]:
    runs = []
    for path in sorted((Path(root) / "_runs").glob("*.json")):
        try:
            runs.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return runs
