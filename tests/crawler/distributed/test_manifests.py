"""Worker manifests and their merge into the run's totals (crawler/distributed/manifests.py)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from cleaning.storage.datasets import PartitionedWriter
from crawler.distributed.manifests import merge_worker_manifests, run_rows, worker_manifest, workers_folder

RUN = "20260101T000000Z_abcdef"


def test_a_worker_manifest_is_kept_across_a_restart(tmp_path: Path) -> None:
    first = worker_manifest(tmp_path, RUN, "w1")
    first.start(kind="crawl-worker")
    first.finish(status="interrupted")
    again = worker_manifest(tmp_path, RUN, "w1")
    assert again.path == workers_folder(tmp_path, RUN) / "w1.json"
    assert again.data["run_id"] == RUN and again.data["worker"] == "w1" and again.data["status"] == "interrupted"
    assert worker_manifest(tmp_path, RUN, "w2").data == {"run_id": RUN, "worker": "w2"}


def test_worker_totals_are_summed(tmp_path: Path) -> None:
    for worker, stats, failed, started in (
        ("w1", {"health/pages/stored": 3, "downloader/response_count": 4, "health/clean/articles": 9,
                "start_time": "2026-01-01T00:00:05"}, {"https://a.org/1": "timeout"}, "2026-01-01T00:00:05+00:00"),
        ("w2", {"health/pages/stored": 2, "downloader/response_count": 2, "health/output_error": "disk full"},
         {"https://a.org/2": "http_503"}, "2026-01-01T00:00:01+00:00"),
    ):
        manifest = worker_manifest(tmp_path, RUN, worker)
        manifest.data["started_at"] = started
        manifest.finish(status="succeeded", crawl_stats=stats, failed_urls=failed, requeued=1)
    (workers_folder(tmp_path, RUN) / "broken.json").write_text("{")
    merged = merge_worker_manifests(tmp_path, RUN)
    assert merged.stats == {"health/pages/stored": 5, "downloader/response_count": 6}  # ints, no cleaning stats
    assert merged.failed_urls == {"https://a.org/1": "timeout", "https://a.org/2": "http_503"}
    assert [w["worker"] for w in merged.workers] == ["w1", "w2"] and merged.workers[0]["pages_stored"] == 3
    assert merged.workers[1]["manifest"] == f"_runs/{RUN}.workers/w2.json"
    assert merged.started_at == "2026-01-01T00:00:01+00:00"
    assert merged.output_errors == ["worker w2: disk full"]
    assert json.loads((workers_folder(tmp_path, RUN) / "w1.json").read_text())["requeued"] == 1


def test_run_rows_count_every_workers_pages_on_disk(tmp_path: Path) -> None:
    for tag, n in (("w1", 2), ("w2", 3)):
        writer = PartitionedWriter(tmp_path, "pages", RUN, tag=tag)
        for i in range(n):
            writer.write({"url": f"https://a.org/{tag}/{i}", "status": 200, "fetched_at": datetime.now(timezone.utc),
                          "run_id": RUN}, partition="2026-01-01")
        writer.flush()
    assert run_rows(tmp_path, RUN) == 5
    assert run_rows(tmp_path, "20260102T000000Z_bbbbbb") == 0
