"""The Coordinator's end-of-run order (crawler/distributed/coordinator.py), on a real Redis."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.distributed.coordinator import Coordinator
from crawler.distributed.manifests import worker_manifest
from crawler.distributed.membership import LastWorker
from tests.crawler.distributed.conftest import RedisServer
from tests.support.crawler import open_spider, project_crawler


def test_a_worker_finishes_its_manifest_before_it_leaves_the_run(tmp_path: Path, redis_server: RedisServer,
                                                                 monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The last worker merges every worker's manifest as soon as the others have left: a worker that left
    # first and wrote its manifest after would be merged as still "running", with none of its pages.
    crawler = project_crawler(tmp_path, HEALTH_REDIS_URL=redis_server.url, HEALTH_REDIS_PREFIX="order",
                              HEALTH_WORKER_ID="w1", HEALTH_RUN_ID="20260101T000000Z_order1")
    coordinator = crawler.get_extension(Coordinator)
    spider = open_spider(crawler)
    coordinator.manifest = worker_manifest(tmp_path, coordinator.run_id, "w1")
    coordinator.manifest.start(kind="crawl-worker", worker="w1")
    coordinator.membership.join()
    seen_at_leave: list[str] = []
    leave = coordinator.membership.leave

    def leave_and_look() -> LastWorker | None:
        seen_at_leave.append(json.loads(coordinator.manifest.path.read_text())["status"])
        assert leave() is not None  # alone in the run: the last
        return None  # not ending the run here (that is run_end's tests' job)

    monkeypatch.setattr(coordinator.membership, "leave", leave_and_look)
    coordinator.spider_closed(spider, "finished")
    assert seen_at_leave == ["succeeded"]
    assert not redis_server.client.sismember(coordinator.link.keys.workers, "w1")
    redis_server.client.delete(*redis_server.client.keys("order:*"))
