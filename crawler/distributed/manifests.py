"""Worker manifests of a distributed run, and their merge into the run's totals.

Each worker writes OUTPUT_DIR/_runs/RUN_ID.workers/WORKER.json (settings, crawl stats, failed URLs,
requests re-queued from dead workers); the last worker to leave sums them into the run manifest
(crawler/run_end.py). Manifests are read and written by cleaning.storage.manifests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaning.storage.datasets import dataset_files
from cleaning.storage.manifests import RunManifestFile, read_manifests


def workers_folder(root: Path, run_id: str) -> Path:
    return Path(root) / "_runs" / f"{run_id}.workers"


def worker_manifest(root: Path, run_id: str, worker: str) -> RunManifestFile:
    return RunManifestFile.at(workers_folder(root, run_id) / f"{worker}.json", run_id=run_id, worker=worker)


@dataclass
class MergedWorkers:
    stats: dict[str, int]  # integer crawl stats summed over the workers
    failed_urls: dict[str, str]
    workers: list[dict[str, Any]]  # one line per worker: status, pages stored, re-queued, manifest
    started_at: str | None  # the earliest worker start
    output_errors: list[str]


def merge_worker_manifests(root: Path, run_id: str) -> MergedWorkers:
    stats: dict[str, int] = {}
    failed: dict[str, str] = {}
    workers, started, errors = [], [], []
    for path, data in read_manifests(workers_folder(root, run_id)):
        crawl_stats = data.get("crawl_stats") or {}
        workers.append({"worker": data.get("worker", path.stem), "status": data.get("status"),
                        "pages_stored": crawl_stats.get("health/pages/stored", 0),
                        "requeued": data.get("requeued", 0), "manifest": str(path.relative_to(root))})
        if data.get("started_at"):
            started.append(data["started_at"])
        if crawl_stats.get("health/output_error"):
            errors.append(f"worker {data.get('worker', path.stem)}: {crawl_stats['health/output_error']}")
        failed.update(data.get("failed_urls") or {})
        for key, value in crawl_stats.items():
            if isinstance(value, int) and not isinstance(value, bool) and not key.startswith("health/clean/"):
                stats[key] = stats.get(key, 0) + value
    return MergedWorkers(stats, failed, workers, min(started, default=None), errors)


def run_rows(root: Path, run_id: str) -> int:
    """Rows of the run's pages in OUTPUT_DIR (all workers' files, when storage is shared)."""
    import pyarrow.parquet as pq

    total = 0
    for path in dataset_files(root, "pages", run_id):
        try:
            total += pq.ParquetFile(path).metadata.num_rows
        except Exception:  # a file being replaced or damaged: not counted, cleaning reports it
            continue
    return total
