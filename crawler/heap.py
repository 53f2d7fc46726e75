"""The crawl's process gives back to the system the memory that parsed pages leave behind
(`cleaning.memory.HeapTrimmer`), looked at every few responses."""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from cleaning.memory import HeapTrimmer, process_trimmer

#: Responses between two looks at the process's resident memory (one read of /proc each).
EVERY = 8


class TrimHeap:
    """A Scrapy response and its selector refer to each other (scrapy/scrapy#2977), so each parsed page's lxml
    tree waits for a full collection, and glibc keeps the holes they leave: on the 474 real dev pages (~160 KB
    each) the crawl's process reached ~420 MiB resident, ~21 MiB of it in use once collected. When resident
    memory has grown by `cleaning.memory.TRIM_STEP`, this collects and trims (counted in
    `health/memory/heap_trims`); pages of a few KB seldom make it grow that much."""

    def __init__(self, crawler: Crawler, trimmer: HeapTrimmer | None = None) -> None:
        self.stats = crawler.stats
        self.trimmer = trimmer or process_trimmer()
        self._seen = 0
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "TrimHeap":
        return cls(crawler)

    def response_received(self, **kwargs: Any) -> None:
        self._seen += 1
        if self._seen % EVERY == 0 and self.trimmer.maybe():
            self.stats.inc_value("health/memory/heap_trims")
