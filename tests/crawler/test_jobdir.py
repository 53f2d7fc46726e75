"""JOBDIR on resume (crawler/jobdir.py): Scrapy's state files, whole or torn by a kill, are set aside and logged
before Scrapy reads them. The whole crawl after a repair: test_resume_exact.py."""

from __future__ import annotations

import json
import pickle
import resource
import struct
from pathlib import Path

from queuelib import LifoDiskQueue  # the file format under Scrapy's PickleLifoDiskQueue, the default
from scrapy.extensions.spiderstate import SpiderState
from scrapy.utils.misc import load_object

from crawler.jobdir import AtomicSpiderState, JobdirRepair, repair_jobdir
from tests.support.crawler import open_spider, project_crawler


def _scrapy_jobdir(job: Path, queued: int = 3) -> Path:
    """A JOBDIR as Scrapy leaves it after a pause: a LIFO disk queue, its active.json, spider.state."""
    slot = job / "requests.queue" / "a.org-0123"
    slot.mkdir(parents=True)
    queue = LifoDiskQueue(str(slot / "0"))
    for n in range(queued):
        queue.push(pickle.dumps({"url": f"https://a.org/{n}"}))
    queue.close()
    (job / "requests.queue" / "active.json").write_text(json.dumps({"a.org": [0]}))
    (job / "spider.state").write_bytes(pickle.dumps({}))
    (job / "health_run_id.txt").write_text("20260101T000000Z_aaaaaa")
    return slot / "0"


def test_an_intact_jobdir_has_its_queue_set_aside_and_keeps_its_state_and_run_id(tmp_path: Path) -> None:
    _scrapy_jobdir(tmp_path)
    notes = repair_jobdir(tmp_path)
    assert len(notes) == 1 and notes[0].startswith("requests.queue intact")
    assert not (tmp_path / "requests.queue").exists()  # its requests would skip the in-memory duplicate filter
    assert (tmp_path / "set-aside" / "requests.queue" / "active.json").is_file()  # kept to look at
    assert pickle.loads((tmp_path / "spider.state").read_bytes()) == {}
    assert (tmp_path / "health_run_id.txt").read_text() == "20260101T000000Z_aaaaaa"
    assert repair_jobdir(tmp_path) == []  # nothing left to set aside: a second resume finds it clean


def test_zero_byte_and_torn_state_files_are_named_and_set_aside(tmp_path: Path) -> None:
    lifo = _scrapy_jobdir(tmp_path)
    lifo.write_bytes(lifo.read_bytes()[:-3])  # torn mid-record
    (tmp_path / "spider.state").write_bytes(b"")
    (tmp_path / "requests.seen").write_bytes(b"")
    notes = repair_jobdir(tmp_path)
    assert any(n.startswith("requests.queue damaged: a.org-0123/0: truncated") or
               n.startswith("requests.queue damaged: a.org-0123/0: records beyond") for n in notes), notes
    assert any(n.startswith("spider.state damaged: empty") for n in notes), notes
    assert any(n.startswith("requests.seen not used by this crawl (empty)") for n in notes), notes
    for name in ("requests.queue", "spider.state", "requests.seen"):
        assert not (tmp_path / name).exists() and (tmp_path / "set-aside" / name).exists()
    assert (tmp_path / "health_run_id.txt").is_file()


def test_an_empty_active_json_is_named(tmp_path: Path) -> None:
    _scrapy_jobdir(tmp_path)
    (tmp_path / "requests.queue" / "active.json").write_bytes(b"")
    (tmp_path / "spider.state").write_bytes(pickle.dumps({"x": 1})[:4])
    notes = repair_jobdir(tmp_path)
    assert notes[0] == f"requests.queue damaged: active.json unreadable (empty): set aside in {tmp_path / 'set-aside'}"
    assert notes[1].startswith("spider.state damaged: unreadable")


def test_the_lifo_check_reads_the_header_count(tmp_path: Path) -> None:
    lifo = _scrapy_jobdir(tmp_path)
    assert repair_jobdir(tmp_path)[0].startswith("requests.queue intact")
    data = (tmp_path / "set-aside" / "requests.queue" / "a.org-0123" / "0").read_bytes()
    assert struct.unpack(">L", data[:4]) == (3,)
    lifo.parent.mkdir(parents=True)
    lifo.write_bytes(struct.pack(">L", 2) + data[4:])  # a kill after pushes: more records than the header says
    (tmp_path / "requests.queue" / "active.json").write_text("{}")
    assert "records beyond the count" in repair_jobdir(tmp_path)[0]


def test_the_extension_runs_for_a_jobdir_only_and_counts_what_it_set_aside(tmp_path: Path) -> None:
    job = tmp_path / "job"
    _scrapy_jobdir(job)
    (job / "spider.state").write_bytes(b"")
    crawler = project_crawler(tmp_path / "out", JOBDIR=str(job))
    assert crawler.stats.get_value("health/resume/jobdir_set_aside") == 2
    assert not (job / "spider.state").exists()
    assert load_object("crawler.jobdir.JobdirRepair") is JobdirRepair
    crawler = project_crawler(tmp_path / "out2")
    assert crawler.stats.get_value("health/resume/jobdir_set_aside") is None


def _state_extensions(crawler) -> list:  # type: ignore[no-untyped-def]
    return [ext for ext in crawler.extensions.middlewares if isinstance(ext, SpiderState)]


def test_spider_state_is_kept_across_a_resume_and_written_whole(tmp_path: Path) -> None:
    job = tmp_path / "job"
    crawler = project_crawler(tmp_path / "out", JOBDIR=str(job))
    (state,) = _state_extensions(crawler)  # Scrapy's own is replaced, not doubled
    assert isinstance(state, AtomicSpiderState)
    spider = open_spider(crawler)
    state.spider_opened(spider)
    spider.state["seen"] = 3
    state.spider_closed(spider)
    assert sorted(p.name for p in job.iterdir()) == ["health_run_id.txt", "spider.state"]  # no temporary left
    resumed = project_crawler(tmp_path / "out", JOBDIR=str(job))
    assert resumed.stats.get_value("health/resume/jobdir_set_aside") == 0  # whole: nothing to set aside
    spider = open_spider(resumed)
    _state_extensions(resumed)[0].spider_opened(spider)
    assert spider.state == {"seen": 3}


def test_a_spider_state_that_cannot_be_written_fails_the_run_and_keeps_the_old_one(tmp_path: Path) -> None:
    job = tmp_path / "job"
    job.mkdir()
    old = pickle.dumps({"seen": 1}, protocol=4)
    (job / "spider.state").write_bytes(old)
    crawler = project_crawler(tmp_path / "out", JOBDIR=str(job))
    (state,) = _state_extensions(crawler)
    spider = open_spider(crawler)
    state.spider_opened(spider)
    spider.state["seen"] = "2" * 100_000
    # A full disk, as the crawl test makes one: writes past the file size limit fail with EFBIG (Python
    # ignores SIGXFSZ). The soft limit only, raised back at once.
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
    try:
        state.spider_closed(spider)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert "spider.state" in crawler.stats.get_value("health/output_error")  # the run's end judges it failed
    assert (job / "spider.state").read_bytes() == old  # never torn
    assert sorted(p.name for p in job.iterdir()) == ["health_run_id.txt", "spider.state"]  # no temporary left
