"""The duplicate filter never persists to JOBDIR (crawler/dupefilter.py): resume trusts only stored pages."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request

from crawler.dupefilter import RunDupeFilter
from tests.support.crawler import project_crawler


def test_seen_requests_are_kept_in_memory_only(tmp_path: Path) -> None:
    job = tmp_path / "job"
    job.mkdir()
    crawler = project_crawler(tmp_path, JOBDIR=str(job))
    assert crawler.settings["DUPEFILTER_CLASS"] == "crawler.dupefilter.RunDupeFilter"
    dupefilter = RunDupeFilter.from_crawler(crawler)
    dupefilter.open()
    assert not dupefilter.request_seen(Request("https://a.org/x"))
    assert dupefilter.request_seen(Request("https://a.org/x"))
    dupefilter.close("shutdown")
    assert not (job / "requests.seen").exists()  # where Scrapy's RFPDupeFilter would write them
