"""The single-machine crawl's scheduler: Scrapy's own, with its queues in memory even when JOBDIR is set.

With JOBDIR, Scrapy's scheduler keeps its frontier in a disk queue (`JOBDIR/requests.queue/`), written
request by request. This crawl never reads it back: on resume the frontier is rebuilt from the stored
pages (crawler/jobdir.py, crawler/ledger.py), and an intact persisted queue is set aside because its
requests would bypass the in-memory duplicate filter. So the disk queue buys nothing and costs a
failure mode: on a full disk its writes fail inside the scheduler, the engine stops taking requests
and the crawl idles instead of stopping. The pages pipeline then notices nothing, since nothing more
is fetched. Keeping the queues in memory leaves the pages files (crawler/pipelines.py) as the one
place a full disk shows, and there it stops the crawl with `output_error`, resumably.

Built through the public `Scheduler` constructor; only the JOBDIR it is given differs. A distributed
worker uses its own scheduler (crawler/distributed/scheduler.py), set by the add-on over this one.
"""

from __future__ import annotations

from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.utils.misc import build_from_crawler, load_object


class MemoryScheduler(Scheduler):
    """Scrapy's scheduler without a disk queue (see the module docstring)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "MemoryScheduler":
        settings = crawler.settings
        return cls(
            dupefilter=build_from_crawler(load_object(settings["DUPEFILTER_CLASS"]), crawler),
            jobdir=None,  # the one difference: no requests.queue/, whatever JOBDIR says
            dqclass=load_object(settings["SCHEDULER_DISK_QUEUE"]),
            mqclass=load_object(settings["SCHEDULER_MEMORY_QUEUE"]),
            logunser=settings.getbool("SCHEDULER_DEBUG"),
            stats=crawler.stats,
            pqclass=load_object(settings["SCHEDULER_PRIORITY_QUEUE"]),
            crawler=crawler,
        )
