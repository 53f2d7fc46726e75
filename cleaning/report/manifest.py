"""What a run's report reads from its manifest alone: the manifest itself, durations, unchanged articles,
why the run ended. The runs index (cleaning/report/index.py) reads the same."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from cleaning.storage.atomic import OutputError
from cleaning.storage.datasets import check_run_id


def read_manifest(root: Path, run_id: str) -> dict[str, Any]:
    path = Path(root) / "_runs" / f"{check_run_id(run_id)}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(f"cannot read run manifest {path}: {exc}") from None
    if not isinstance(data, dict):
        raise OutputError(f"cannot read run manifest {path}: not a JSON object")
    return data


def seconds_between(start: Any, end: Any) -> float | None:
    try:
        return max(0.0, (datetime.fromisoformat(str(end)) - datetime.fromisoformat(str(start))).total_seconds())
    except (TypeError, ValueError):
        return None


def run_duration(manifest: dict[str, Any]) -> float | None:
    """Seconds the run took: its attempts' durations summed (a resumed run's pause is not counted), else
    start to end."""
    spans = [seconds_between(a.get("started_at"), a.get("finished_at")) for a in manifest.get("attempts") or []
             if isinstance(a, dict)]
    if spans and all(s is not None for s in spans):
        return float(sum(spans))  # type: ignore[arg-type]
    return seconds_between(manifest.get("started_at"), manifest.get("finished_at"))


UNCHANGED_STATS = ("health/incremental/not_modified", "health/incremental/unchanged_lastmod")


def unchanged_articles(manifest: dict[str, Any]) -> int:
    """Articles an incremental run found unchanged: not re-fetched (HTTP 304, sitemap lastmod) or fetched
    with the same text (cleaning's `unchanged`). They are fine data, just not new rows."""
    stats = manifest.get("crawl_stats") or {}
    counts = (manifest.get("cleaning") or {}).get("counts") or {}
    total = 0
    for value in [stats.get(k) for k in UNCHANGED_STATS] + [counts.get("unchanged")]:
        try:
            total += int(value or 0)
        except (TypeError, ValueError):
            continue
    return total


def number_or_none(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def end_reason(manifest: dict[str, Any]) -> str:
    cleaning = manifest.get("cleaning") or {}
    parts = []
    if manifest.get("close_reason"):
        parts.append(f"crawl ended: {manifest['close_reason']}")
    if cleaning.get("status"):
        parts.append(f"cleaning: {cleaning['status']}")
    parts += [str(p) for p in manifest.get("problems") or []]
    return "; ".join(parts) or "not recorded"
