"""Run manifests: OUTPUT_DIR/_runs/RUN_ID.json, one per run, rewritten atomically.

A manifest says when a run started and ended, with which settings, what each
stage counted, which files it wrote and whether it succeeded. Secrets never
reach it: settings are filtered and credentials removed from URLs.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from cleaning.datasets import OutputError

_SECRET_KEY = re.compile(r"KEY|SECRET|PASSWORD|PASSWD|TOKEN|AUTH|CREDENTIAL|COOKIE", re.I)
_KEPT_PREFIXES = ("HEALTH_", "AUTOTHROTTLE_", "CONCURRENT_", "DOWNLOAD_", "RETRY_", "ROBOTSTXT_", "DEPTH_",
                  "CLOSESPIDER_", "REDIS_", "SCHEDULER")
_KEPT = {"OUTPUT_DIR", "JOBDIR", "USER_AGENT", "LOG_LEVEL", "DUPEFILTER_CLASS", "HTTPPROXY_ENABLED"}


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def strip_credentials(value: str) -> str:
    """Removes user:password@ from a URL-looking string."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    if parts.scheme and parts.hostname and (parts.username or parts.password):
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return value


def redact_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings worth recording, with secrets removed."""
    out: dict[str, Any] = {}
    for key in sorted(settings):
        if key not in _KEPT and not key.startswith(_KEPT_PREFIXES):
            continue
        value = settings[key]
        if _SECRET_KEY.search(key):
            out[key] = "<redacted>" if value else value
        elif isinstance(value, str):
            out[key] = strip_credentials(value)
        elif isinstance(value, (int, float, bool)) or value is None:
            out[key] = value
        else:
            out[key] = json.loads(json.dumps(value, default=str))
    return out


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


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
