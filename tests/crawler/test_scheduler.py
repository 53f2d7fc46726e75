"""The single-machine scheduler (crawler/scheduler.py): Scrapy's scheduler, queues in memory whatever JOBDIR
says. The crawl stopped by a full disk with a JOBDIR, then resumed: test_resume_exact.py."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.utils.misc import load_object

from crawler.scheduler import MemoryScheduler
from tests.support.crawler import open_spider, project_crawler


def test_the_project_scheduler_keeps_its_frontier_in_memory_with_a_jobdir(tmp_path: Path) -> None:
    job = tmp_path / "job"
    # The project's priority queue asks the engine's downloader for its slots; a unit test has no engine.
    crawler = project_crawler(tmp_path / "out", JOBDIR=str(job),
                              SCHEDULER_PRIORITY_QUEUE="scrapy.pqueues.ScrapyPriorityQueue")
    scheduler_cls = load_object(crawler.settings["SCHEDULER"])
    assert issubclass(scheduler_cls, MemoryScheduler)
    scheduler = scheduler_cls.from_crawler(crawler)
    spider = open_spider(crawler)
    scheduler.open(spider)
    urls = [f"http://example.org/{n}" for n in range(5)]
    for url in urls:
        assert scheduler.enqueue_request(Request(url))
    assert not scheduler.enqueue_request(Request(urls[0])), "the duplicate filter still filters"
    assert len(scheduler) == 5 and scheduler.has_pending_requests()
    got = []
    while (request := scheduler.next_request()) is not None:
        got.append(request.url)
    assert sorted(got) == urls
    assert crawler.stats.get_value("scheduler/enqueued/memory") == 5
    assert not crawler.stats.get_value("scheduler/enqueued/disk")
    scheduler.enqueue_request(Request("http://example.org/left"))
    scheduler.close("shutdown")  # Scrapy's would dump what is left to JOBDIR/requests.queue here
    assert not (job / "requests.queue").exists()
    assert not (job / "requests.seen").exists()  # nor fingerprints (crawler/dupefilter.py)

