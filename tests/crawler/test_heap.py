"""The crawl's process gives back parsed pages' memory as it grows (crawler/heap.py)."""

from __future__ import annotations

from pathlib import Path

from scrapy import signals
from scrapy.http import HtmlResponse, Request

from crawler.heap import EVERY, TrimHeap
from tests.support.crawler import project_crawler


class _Trimmer:
    def __init__(self, answers: list[bool]) -> None:
        self.answers, self.asked = answers, 0

    def maybe(self) -> bool:
        self.asked += 1
        return self.answers.pop(0)


def test_the_project_enables_it() -> None:
    from crawler import settings

    assert settings.EXTENSIONS.get("crawler.heap.TrimHeap") is not None


def test_it_looks_every_few_responses_and_counts_the_trims(tmp_path: Path) -> None:
    crawler = project_crawler(tmp_path)
    trimmer = _Trimmer([False, True, False])
    extension = TrimHeap(crawler, trimmer)  # type: ignore[arg-type]  (kept: signals hold receivers weakly)
    response = HtmlResponse("https://a.org/", body=b"<html></html>")
    for _ in range(3 * EVERY + 1):
        crawler.signals.send_catch_log(signals.response_received, response=response,
                                       request=Request("https://a.org/"), spider=None)
    assert trimmer.asked == 3
    assert crawler.stats.get_value("health/memory/heap_trims") == 1 and extension.trimmer is trimmer
