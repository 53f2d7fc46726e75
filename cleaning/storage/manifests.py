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
        return cls.at(Path(root) / "_runs" / f"{run_id}.json", run_id=run_id)

    @classmethod
    def at(cls, path: Path, **fields: Any) -> "RunManifestFile":
        """The manifest stored at `path`, or a new one holding `fields` (a distributed crawl's
        worker manifests live beside the run's: _runs/RUN_ID.workers/WORKER.json)."""
        data: dict[str, Any] = dict(fields)
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                # A manifest damaged by something else is replaced, not trusted.
                data = {**fields, "note": "previous manifest was unreadable and was replaced"}
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

    def finish(self, status: str, finished_at: str | None = None, **fields: Any) -> None:
        """Records the run's end; `finished_at` (ISO, UTC) when it ended before now (a crash found later)."""
        self.data.update(fields)
        self.data["status"] = status
        self.data["finished_at"] = finished_at or now_utc()
        if self.data.get("attempts"):
            self.data["attempts"][-1].update(finished_at=self.data["finished_at"], status=status)
        self.save()


def read_manifests(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """(path, content) of every readable manifest in `folder`, by file name; unreadable ones are skipped."""
    manifests = []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            manifests.append((path, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    return manifests


def list_runs(root: Path) -> list[dict[str, Any]]:
    """Every readable run manifest, oldest run first (run ids start with their UTC start time)."""
    return [data for _, data in read_manifests(Path(root) / "_runs")]
