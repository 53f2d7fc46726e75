"""Distributed crawling: several `scrapy crawl health` workers share one Redis frontier (scrapy-redis).

    scrapy crawl health -s HEALTH_REDIS_URL=redis://10.0.0.5:6379/0      # on every machine, as often as wanted

Off (HEALTH_REDIS_URL empty, the default) the crawl is exactly the single-machine one. On, the
`DistributedCrawl` add-on (addon.py, listed in ADDONS) makes the process one worker of the crawl:

- addon.py        joins the run (one run id for all workers), switches scheduler and extensions
- scheduler.py    scrapy-redis's Redis frontier and fingerprint set, made kill-safe
- serializer.py   requests stored as JSON, never pickle
- link.py         Redis key names, the atomic Lua scripts, and stopping cleanly when Redis fails
- coordinator.py  the `Coordinator` extension (instead of RunManifest), which every tick runs:
    membership.py   heartbeat, re-queueing a dead worker's requests, leaving, the last worker
    inflight.py     acknowledging finished requests once their pages are on disk
    start_urls.py   start URLs pushed to PREFIX:start_urls
    idle.py         the idle-timeout end of the crawl
  and at close writes the worker's manifest (manifests.py); the last worker ends the run
  (crawler/run_end.py) over every worker's pages.
- __main__.py     `python -m crawler.distributed push|status|reset`

A worker id per process (HEALTH_WORKER_ID, default host-pid-random) is also its pages file tag:
workers write their own files, in the same partitions, and the datasets read as one.
docs/distributed.md is the operator's guide.
"""

from crawler.distributed.addon import DistributedCrawl
from crawler.distributed.link import RedisLink, RunKeys

__all__ = ["DistributedCrawl", "RedisLink", "RunKeys"]
