"""Worker manifests of a distributed run, and the merge step: the run's end over every worker's totals.

Each worker writes OUTPUT_DIR/_runs/RUN_ID.workers/WORKER.json (settings, crawl stats, failed URLs,
requests re-queued from dead workers). The last worker to leave sums them and ends the run the way
a single-machine crawl ends (crawler/run_end.py): when OUTPUT_DIR holds the pages of every worker
(shared storage) the run is cleaned once over the merged pages; otherwise the log says which command
does that merge step. Manifests are read and written by cleaning.storage.manifests.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from cleaning.storage.datasets import dataset_files
from cleaning.storage.manifests import RunManifestFile, read_manifests
from crawler.config import setting
from crawler.distributed.link import RedisLink
from crawler.distributed.membership import LastWorker
from crawler.run_end import RunTotals, end_run, run_fields, stats_snapshot

logger = logging.getLogger(__name__)


def workers_folder(root: Path, run_id: str) -> Path:
    return Path(root) / "_runs" / f"{run_id}.workers"


def worker_manifest(root: Path, run_id: str, worker: str) -> RunManifestFile:
    return RunManifestFile.at(workers_folder(root, run_id) / f"{worker}.json", run_id=run_id, worker=worker)


def finish_worker_manifest(manifest: RunManifestFile, stats: StatsCollector, spider: Spider, reason: str,
                           status: str, problems: list[str], requeued: int) -> None:
    """Records how this worker ended, and says so in one line."""
    crawl_stats = stats_snapshot(stats)
    manifest.finish(status=status, problems=problems, close_reason=reason, crawl_stats=crawl_stats,
                    failed_urls=getattr(spider, "failed_urls", {}), requeued=requeued)
    worker = manifest.data.get("worker")
    (logger.info if status == "succeeded" else logger.error)(
        f"worker {worker} of run {manifest.data.get('run_id')} {status}: "
        f"{crawl_stats.get('downloader/response_count', 0)} responses, "
        f"{crawl_stats.get('health/pages/stored', 0)} pages stored, {requeued} requests re-queued from dead "
        f"workers; manifest {manifest.path}")
    for problem in problems:
        logger.error("worker %s: %s", worker, problem)


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


def end_distributed_run(crawler: Crawler, spider: Spider, link: RedisLink, reason: str, last: LastWorker) -> str:
    """The last worker's merge step: the run's end (crawler/run_end.py) over every worker's totals."""
    root, run_id = Path(setting(crawler.settings, "OUTPUT_DIR")), link.keys.run_id
    local_rows = run_rows(root, run_id)
    merged = merge_worker_manifests(root, run_id)
    missing = ""
    if local_rows < last.pages_reported:
        missing = (f"{last.pages_reported - local_rows} of the run's {last.pages_reported} pages are not in "
                   f"{root} (workers without shared storage)")
    # No worker started the run's own manifest: it is written now, then finished by end_run.
    manifest = RunManifestFile.open(root, run_id)
    manifest.data.setdefault("started_at", merged.started_at)
    manifest.update(**run_fields(crawler, spider),
                    distributed={"redis": link.display_url, "prefix": link.keys.prefix, "workers": merged.workers,
                                 "pages_reported": last.pages_reported, "pages_in_output_dir": local_rows,
                                 "closed_by": link.worker_id})
    totals = RunTotals(merged.stats, merged.failed_urls, max(local_rows, last.pages_reported), merged.output_errors,
                       missing, workers=len(merged.workers))
    return end_run(crawler, run_id, reason, totals)
