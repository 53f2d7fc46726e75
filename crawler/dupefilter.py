"""A duplicate filter that never persists to JOBDIR.

Scrapy's RFPDupeFilter writes fingerprints to JOBDIR as requests are scheduled;
after a SIGKILL a request can be marked seen yet never stored. The crawl instead
re-discovers its frontier on resume and skips only pages already durably stored
(see IncrementalFetchMiddleware), so nothing is lost and nothing doubled.
"""

from __future__ import annotations

from scrapy.dupefilters import RFPDupeFilter


class RunDupeFilter(RFPDupeFilter):
    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        debug = crawler.settings.getbool("DUPEFILTER_DEBUG")
        return cls(None, debug=debug, fingerprinter=crawler.request_fingerprinter)
