"""The DistributedCrawl add-on (crawler/distributed/addon.py): off by default; on, one run id for all workers."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from crawler.distributed import DistributedCrawl
from crawler.distributed.addon import redis_link
from crawler.distributed.coordinator import Coordinator
from crawler.distributed.link import RunKeys
from crawler.extensions import RunManifest
from crawler.runs import RunContext
from tests.crawler.distributed.conftest import RedisServer
from tests.support.crawler import project_crawler


def test_single_machine_crawl_is_unchanged_when_the_setting_is_off(tmp_path: Path) -> None:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    assert "crawler.distributed.DistributedCrawl" in settings.getdict("ADDONS")
    with pytest.raises(NotConfigured):
        DistributedCrawl(crawler=None).update_settings(settings)  # type: ignore[arg-type]
    assert settings["SCHEDULER"] == "crawler.scheduler.MemoryScheduler"
    assert settings["DUPEFILTER_CLASS"] == "crawler.dupefilter.RunDupeFilter"
    assert "crawler.extensions.RunManifest" in settings.getdict("EXTENSIONS")
    crawler = project_crawler(tmp_path)
    assert crawler.get_extension(RunManifest) is not None and crawler.get_extension(Coordinator) is None
    with pytest.raises(RuntimeError, match="need HEALTH_REDIS_URL"):
        redis_link(crawler)


@pytest.mark.parametrize("url, message", [("http://10.0.0.5:6379", "expected redis://"),
                                          ("redis://localhost:6379/0 ", None)])
def test_a_bad_url_or_worker_id_fails_before_the_crawl(tmp_path: Path, url: str, message: str | None) -> None:
    if message is None:  # a good URL, a bad worker id
        url, message, worker = url.strip(), "HEALTH_WORKER_ID", "no spaces please"
    else:
        worker = ""
    with pytest.raises(ValueError, match=message):
        project_crawler(tmp_path, HEALTH_REDIS_URL=url, HEALTH_WORKER_ID=worker)


def test_workers_agree_on_one_run_and_switch_to_the_shared_frontier(tmp_path: Path,
                                                                    redis_server: RedisServer) -> None:
    prefix = "addon"
    first = project_crawler(tmp_path, HEALTH_REDIS_URL=redis_server.url, HEALTH_REDIS_PREFIX=prefix,
                            HEALTH_WORKER_ID="w1")
    second = project_crawler(tmp_path, HEALTH_REDIS_URL=redis_server.url, HEALTH_REDIS_PREFIX=prefix,
                             HEALTH_WORKER_ID="w2")
    run_id = RunContext.of(first).run_id
    assert RunContext.of(second).run_id == run_id  # the second worker joined the first one's run
    assert redis_server.client.get(RunKeys(prefix, "").current_run).decode() == run_id
    assert redis_link(second).keys == RunKeys(prefix, run_id) and redis_link(second).worker_id == "w2"
    assert first.settings["SCHEDULER"] == "crawler.distributed.scheduler.RedisScheduler"
    assert first.get_extension(Coordinator) is not None and first.get_extension(RunManifest) is None
    given = project_crawler(tmp_path, HEALTH_REDIS_URL=redis_server.url, HEALTH_REDIS_PREFIX=prefix,
                            HEALTH_RUN_ID="20260101T000000Z_abcdef")
    assert RunContext.of(given).run_id == "20260101T000000Z_abcdef"  # a run named by hand
    redis_server.client.delete(RunKeys(prefix, "").current_run)


def test_a_worker_jobdir_keeps_the_run_it_joined_so_a_restart_rejoins_it(tmp_path: Path,
                                                                          redis_server: RedisServer) -> None:
    prefix = "addon-jobdir"
    jobs = [tmp_path / "job1", tmp_path / "job2"]
    first = project_crawler(tmp_path, HEALTH_REDIS_URL=redis_server.url, HEALTH_REDIS_PREFIX=prefix,
                            HEALTH_WORKER_ID="w1", JOBDIR=str(jobs[0]))
    run_id = RunContext.of(first).run_id
    second = project_crawler(tmp_path, HEALTH_REDIS_URL=redis_server.url, HEALTH_REDIS_PREFIX=prefix,
                             HEALTH_WORKER_ID="w2", JOBDIR=str(jobs[1]))
    assert RunContext.of(second).run_id == run_id
    # The second worker proposed a run of its own from its JOBDIR; it keeps the one it joined instead.
    assert [(job / "health_run_id.txt").read_text() for job in jobs] == [run_id, run_id]
    again = project_crawler(tmp_path, HEALTH_REDIS_URL=redis_server.url, HEALTH_REDIS_PREFIX=prefix,
                            HEALTH_WORKER_ID="w2", JOBDIR=str(jobs[1]))
    assert RunContext.of(again).run_id == run_id
    redis_server.client.delete(RunKeys(prefix, "").current_run)
