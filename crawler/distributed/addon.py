"""The `DistributedCrawl` add-on: HEALTH_REDIS_URL set makes the crawl one worker of a distributed crawl.

Listed in ADDONS (crawler/settings.py); with HEALTH_REDIS_URL empty it does nothing. On, it
- connects to Redis and agrees on the run id with the other workers: HEALTH_RUN_ID if given, else
  the run the first worker started (SET NX on PREFIX:run), which it puts in HEALTH_RUN_ID, where
  the run context (crawler/runs.py) takes it from;
- switches to the kill-safe Redis scheduler and duplicate filter (crawler.distributed.scheduler);
- replaces RunManifest with the Coordinator extension (crawler.distributed.coordinator).

Components find the worker's Redis link with `redis_link(crawler)` (Scrapy's `crawler.get_addon`).
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
from crawler.runs import keep_run_id, resolve_run_id

logger = logging.getLogger(__name__)

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
        self.link: RedisLink | None = None  # this worker's connection to the shared crawl state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "DistributedCrawl":
        return cls(crawler)

    def update_settings(self, settings: Settings) -> None:
        url = setting(settings, "HEALTH_REDIS_URL")
        if not url or not setting(settings, "HEALTH_RECORD_RUN"):
            raise NotConfigured  # single-machine crawl, or not a crawl (`scrapy shell` never joins a frontier)
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
        client = redis_client(url, settings.getdict("REDIS_PARAMS"))
        run_id = setting(settings, "HEALTH_RUN_ID")
        self.link = link = RedisLink(url, RunKeys(prefix, run_id or "unknown"), worker, client,
                                     signals=self.crawler.signals)
        if not run_id:
            # Join the run the first worker started, or start it: SET NX makes exactly one id win.
            candidate = resolve_run_id(settings.get("JOBDIR"), output_dir=setting(settings, "OUTPUT_DIR"))
            try:
                client.set(link.keys.current_run, candidate, nx=True)
                current = client.get(link.keys.current_run)
                run_id = current.decode() if isinstance(current, bytes) else str(current or candidate)
            except Exception as exc:  # redis.RedisError, or a bad URL's ValueError
                link.fail(exc, "joining the crawl")
                run_id = candidate
            link.keys = RunKeys(prefix, run_id)
            if not link.failed:
                keep_run_id(settings.get("JOBDIR"), run_id)  # a restart with this JOBDIR rejoins this run
        _force(settings, "HEALTH_RUN_ID", run_id)
        settings.set("HEALTH_WORKER_ID", worker, priority=max(settings.getpriority("HEALTH_WORKER_ID") or 0,
                                                               SETTINGS_PRIORITIES["addon"]))
        _force(settings, "SCHEDULER", SCHEDULER)
        _force(settings, "DUPEFILTER_CLASS", DUPEFILTER)
        _force(settings, "SCHEDULER_PERSIST", True)  # the frontier belongs to the run, not to one worker
        _force(settings, "REDIS_URL", url)
        _swap_extensions(settings)
        if not link.failed:
            logger.info("distributed crawl: worker %s, run %s, Redis %s (key prefix %r)", worker, run_id,
                        link.display_url, prefix)


def redis_link(crawler: Crawler) -> RedisLink:
    """This worker's Redis link, set up by the DistributedCrawl add-on."""
    addon = crawler.get_addon(DistributedCrawl)
    if addon is None or addon.link is None:
        raise RuntimeError("the distributed scheduler and coordinator need HEALTH_REDIS_URL "
                           "(the crawler.distributed.DistributedCrawl add-on sets them up)")
    return addon.link


def _swap_extensions(settings: Settings) -> None:
    """RunManifest -> Coordinator: per-worker manifests, and the run's end in the last worker only."""
    from crawler.distributed.coordinator import Coordinator
    from crawler.extensions import RunManifest

    extensions: dict[Any, Any] = {}
    for component, order in settings.getdict("EXTENSIONS").items():
        cls = load_object(component) if isinstance(component, str) and order is not None else component
        extensions[Coordinator if cls is RunManifest else component] = order
    extensions.setdefault(Coordinator, 200)
    settings.set("EXTENSIONS", extensions, priority=settings.getpriority("EXTENSIONS") or 0)
