"""Distributed crawling: several `scrapy crawl health` workers share one Redis frontier (scrapy-redis).

    scrapy crawl health -s HEALTH_REDIS_URL=redis://10.0.0.5:6379/0      # on every machine, as often as wanted

Off (HEALTH_REDIS_URL empty, the default) the crawl is exactly the
single-machine one. On, the `DistributedCrawl` add-on (listed in ADDONS)
switches the crawl to:

- scrapy-redis's Redis scheduler, priority queue and fingerprint set, made
  kill-safe (crawler.distributed.scheduler): every worker takes requests from
  one frontier, and one canonical URL is scheduled once by the whole crawl;
- one run id for all workers: HEALTH_RUN_ID if given, else the run the first
  worker started (kept in Redis until the crawl finishes);
- a worker id per process (HEALTH_WORKER_ID, default host-pid-random), which
  is also its pages file tag: workers write their own files, in the same
  partitions, and the datasets read as one;
- the `Coordinator` extension instead of RunManifest and CleanOnClose
  (crawler.distributed.coordinator): heartbeats, re-queueing a dead worker's
  requests, the idle-timeout end of the crawl, per-worker manifests, and the
  last worker's merge step (cleaning the run once over every worker's pages).

docs/distributed.md is the operator's guide.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import SETTINGS_PRIORITIES, Settings
from scrapy.utils.misc import load_object

from cleaning.redact import strip_credentials
from crawler.config import setting
from crawler.distributed.link import WORKER_ID, RedisLink, RunKeys, default_worker_id, redis_client

logger = logging.getLogger(__name__)

__all__ = ["DistributedCrawl", "RedisLink", "RunKeys"]

SCHEDULER = "crawler.distributed.scheduler.RedisScheduler"
DUPEFILTER = "crawler.distributed.scheduler.RedisDupeFilter"


def _force(settings: Settings, name: str, value: Any) -> None:
    """Sets a setting the distributed crawl cannot work without, over project and command-line values."""
    priority = max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["addon"])
    settings.set(name, value, priority=priority)


class DistributedCrawl:
    """Scrapy add-on: HEALTH_REDIS_URL turns the crawl into one worker of a distributed crawl."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "DistributedCrawl":
        return cls(crawler)

    def update_settings(self, settings: Settings) -> None:
        url = setting(settings, "HEALTH_REDIS_URL")
        if not url:
            raise NotConfigured  # single-machine crawl: nothing changes
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"HEALTH_REDIS_URL {strip_credentials(url)!r}: expected redis://HOST:PORT/DB "
                             "(or rediss://, unix://)")
        worker = setting(settings, "HEALTH_WORKER_ID") or default_worker_id()
        if not WORKER_ID.fullmatch(worker) or len(worker) > 100:
            raise ValueError(f"HEALTH_WORKER_ID {worker!r}: use letters, digits, '.', '_' and '-' "
                             "(it names the worker's pages files)")
        try:
            import redis  # noqa: F401
            import scrapy_redis  # noqa: F401
        except ImportError as exc:
            raise RuntimeError(f"HEALTH_REDIS_URL needs the redis and scrapy-redis packages ({exc}): "
                               "pip install scrapy-redis redis") from None
        prefix = setting(settings, "HEALTH_REDIS_PREFIX") or "health"
        spider = self.crawler.spider
        run_id = setting(settings, "HEALTH_RUN_ID")
        client = redis_client(url, settings.getdict("REDIS_PARAMS"))
        link = RedisLink(url, RunKeys(prefix, run_id or getattr(spider, "run_id", "") or "unknown"), worker, client)
        if not run_id:
            # Join the run the first worker started, or start it: SET NX makes exactly one id win.
            candidate = getattr(spider, "run_id", "") or ""
            try:
                client.set(link.keys.current_run, candidate, nx=True)
                current = client.get(link.keys.current_run)
                run_id = current.decode() if isinstance(current, bytes) else str(current or candidate)
            except Exception as exc:  # redis.RedisError, or a bad URL's ValueError
                link.fail(exc, "joining the crawl")
                run_id = candidate
            link.keys = RunKeys(prefix, run_id)
        if spider is not None and run_id:
            spider.run_id = run_id
        _force(settings, "HEALTH_RUN_ID", run_id)
        settings.set("HEALTH_WORKER_ID", worker, priority=max(settings.getpriority("HEALTH_WORKER_ID") or 0,
                                                               SETTINGS_PRIORITIES["addon"]))
        _force(settings, "SCHEDULER", SCHEDULER)
        _force(settings, "DUPEFILTER_CLASS", DUPEFILTER)
        _force(settings, "SCHEDULER_PERSIST", True)  # the frontier belongs to the run, not to one worker
        _force(settings, "REDIS_URL", url)
        _swap_extensions(settings)
        self.crawler.health_redis = link  # type: ignore[attr-defined]
        if not link.failed:
            logger.info("distributed crawl: worker %s, run %s, Redis %s (key prefix %r)", worker, run_id,
                        link.display_url, prefix)


def _swap_extensions(settings: Settings) -> None:
    """RunManifest -> Coordinator (per-worker manifests, run manifest by the last worker); no CleanOnClose:
    cleaning runs once, in the last worker, over every worker's pages."""
    from crawler.distributed.coordinator import Coordinator
    from crawler.extensions import CleanOnClose, RunManifest

    extensions: dict[Any, Any] = {}
    for component, order in settings.getdict("EXTENSIONS").items():
        cls = load_object(component) if isinstance(component, str) else component
        if cls is RunManifest:
            extensions[Coordinator] = order
        elif cls is CleanOnClose:
            extensions[CleanOnClose] = None
        else:
            extensions[component] = order
    extensions.setdefault(Coordinator, 200)
    extensions[CleanOnClose] = None
    settings.set("EXTENSIONS", extensions, priority=settings.getpriority("EXTENSIONS") or 0)
