"""What one worker of a distributed crawl does besides fetching: the `Coordinator` extension.

Every tick (about a second) a worker
- renews its heartbeat key (it expires HEALTH_REDIS_WORKER_TIMEOUT seconds after the worker dies);
- acknowledges the requests it finished whose pages are durably written: it removes
  them from its in-flight hash (pages still buffered are flushed after
  HEALTH_REDIS_ACK_INTERVAL seconds, or at once when the worker is idle);
- re-queues the in-flight requests of workers whose heartbeat expired (SIGKILL, power cut):
  nothing a dead worker had taken is lost, and what it had durably stored is not fetched again;
- takes start URLs pushed to PREFIX:start_urls (`python -m crawler.distributed push URL`);
- closes the worker (reason "finished") once the whole crawl has been idle for
  HEALTH_REDIS_IDLE_TIMEOUT seconds: empty queue, nothing in flight anywhere, no pushed URL.

At close each worker writes OUTPUT_DIR/_runs/RUN_ID.workers/WORKER.json. The
last worker to leave the run writes the run manifest OUTPUT_DIR/_runs/RUN_ID.json
and, when HEALTH_CLEAN_ON_CLOSE is on and OUTPUT_DIR holds the pages of every
worker (shared storage), runs the cleaning chain once over the merged pages
of the run: dedup sees every worker's pages, as in a single-machine run.
Otherwise it says which command does that merge step.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider
from twisted.internet import task

from cleaning.storage.datasets import dataset_files
from cleaning.redact import redact_settings
from cleaning.storage.manifests import RunManifestFile, jsonable
from crawler.config import setting
from crawler.distributed.link import RedisLink, RedisUnavailable
from crawler.distributed.scheduler import link_of

logger = logging.getLogger(__name__)

REDIS_UNAVAILABLE = "redis_unavailable"
COORDINATION_FAILED = "coordination_failed"


class Coordinator:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.link: RedisLink = link_of(crawler)
        settings = crawler.settings
        self.root = Path(setting(settings, "OUTPUT_DIR"))
        self.idle_timeout = setting(settings, "HEALTH_REDIS_IDLE_TIMEOUT")
        self.worker_timeout = setting(settings, "HEALTH_REDIS_WORKER_TIMEOUT")
        self.ack_interval = setting(settings, "HEALTH_REDIS_ACK_INTERVAL")
        self.tick_interval = min(1.0, max(0.2, self.worker_timeout / 4))
        self.pending: dict[str, Request] = {}  # popped by this worker, not finished yet
        self.finished: list[tuple[str, float]] = []  # finished; acknowledged once their pages are durable
        self.reported_rows = 0
        self.requeued = 0
        self.idle_since: float | None = None
        self.closing = False  # this worker decided to close (finished, or Redis failed)
        self.closed = False  # spider_closed has started
        self.registered = False
        self.manifest: RunManifestFile | None = None
        self.pipeline: Any = None
        self._loop: task.LoopingCall | None = None
        self.link.on_failure = self._on_redis_failure
        self.link.tracker = self
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "Coordinator":
        return cls(crawler)

    @property
    def keys(self) -> Any:
        return self.link.keys

    @property
    def worker(self) -> str:
        return self.link.worker_id

    # --- the scheduler tells us what it popped ------------------------------------------

    def popped(self, token: str, request: Request) -> None:
        self.pending[token] = request

    # --- open ------------------------------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        self.manifest = _worker_manifest(self.root, spider.run_id, self.worker)
        self.manifest.start(
            kind="crawl-worker",
            worker=self.worker,
            spider=spider.name,
            site=getattr(spider, "site", ""),
            redis=self.link.display_url,
            settings=redact_settings(self.crawler.settings.copy_to_dict()),
        )
        if self.link.failed:
            self.closing = True
            raise CloseSpider(REDIS_UNAVAILABLE)
        client, keys = self.link.client, self.keys
        try:
            if self.link.call("checking the worker id", client.exists, keys.alive(self.worker)):
                logger.error("worker id %r is in use by a live worker of run %s: give each worker its own "
                             "HEALTH_WORKER_ID (or leave it unset)", self.worker, keys.run_id)
                self.closing = True
                raise CloseSpider("worker_id_in_use")
            # A worker restarted under the same id takes back what its previous life had in flight.
            self._note_requeued(self.link.reap(self.worker), self.worker)
            self.link.call("registering the worker", client.set, keys.alive(self.worker), "1",
                           px=int(self.worker_timeout * 1000))
            self.link.call("registering the worker", client.sadd, keys.workers, self.worker)
        except RedisUnavailable:
            self.closing = True
            raise CloseSpider(REDIS_UNAVAILABLE) from None
        self.registered = True
        self.pipeline = _pages_pipeline(self.crawler)
        logger.info("worker %s joined run %s on %s (frontier %s; idle timeout %.1fs, worker timeout %.1fs)",
                    self.worker, keys.run_id, self.link.display_url, keys.requests, self.idle_timeout,
                    self.worker_timeout)
        self._loop = task.LoopingCall(self.tick)
        self._loop.start(self.tick_interval, now=False).addErrback(
            lambda f: logger.error("distributed tick failed: %s", f.getTraceback()))

    # --- every tick --------------------------------------------------------------------------

    def tick(self) -> None:
        if self.closing or self.closed or self.link.failed:
            return
        client, keys = self.link.client, self.keys
        try:
            self.link.call("renewing the heartbeat", client.set, keys.alive(self.worker), "1",
                           px=int(self.worker_timeout * 1000))
            engine = self.crawler.engine
            local_idle = _engine_idle(engine)
            self._collect_finished(engine, local_idle)
            self._acknowledge(force=local_idle)
            self._report_rows()
            self._reap_dead()
            self._feed_start_urls(engine)
            self._check_idle(engine)
        except RedisUnavailable:
            return
        except Exception as exc:  # a worker whose coordination broke must stop, not wait for ever
            logger.exception("distributed coordination failed in worker %s; it stops", self.worker)
            self.crawler.stats.set_value("health/distributed/error", f"{type(exc).__name__}: {exc}")
            self._close(COORDINATION_FAILED)

    def _collect_finished(self, engine: Any, local_idle: bool) -> None:
        in_progress = _in_progress(engine)
        if in_progress is None and not local_idle:
            return  # cannot tell which are finished: wait for the worker to be idle
        now = time.monotonic()
        for token, request in list(self.pending.items()):
            if local_idle or request not in in_progress:  # type: ignore[operator]
                del self.pending[token]
                self.finished.append((token, now))

    def _acknowledge(self, force: bool = False) -> None:
        """Removes finished requests from the in-flight hash once their pages are on disk."""
        if not self.finished:
            return
        writer = getattr(self.pipeline, "writer", None)
        if writer is not None and writer.buffered():
            if not (force or time.monotonic() - self.finished[0][1] >= self.ack_interval):
                return
            try:
                writer.flush()
            except Exception as exc:  # the pipeline reports write errors itself at close
                logger.error("could not flush pages to acknowledge finished requests: %s", exc)
                return
        tokens = [t for t, _ in self.finished]
        self.link.call("acknowledging finished requests", self.link.client.hdel,
                       self.keys.inflight(self.worker), *tokens)
        self.finished.clear()
        self.crawler.stats.inc_value("health/distributed/acknowledged", len(tokens))

    def _report_rows(self) -> None:
        writer = getattr(self.pipeline, "writer", None)
        rows = writer.rows_written if writer is not None else 0
        if rows > self.reported_rows:
            self.link.call("reporting stored pages", self.link.client.hincrby, self.keys.stored, self.worker,
                           rows - self.reported_rows)
            self.reported_rows = rows

    def _reap_dead(self) -> None:
        members = self.link.call("listing workers", self.link.client.smembers, self.keys.workers)
        for member in members:
            other = member.decode() if isinstance(member, bytes) else str(member)
            if other != self.worker:
                self._note_requeued(self.link.reap(other), other)

    def _note_requeued(self, n: int, worker: str) -> None:
        if n > 0:
            self.requeued += n
            self.crawler.stats.inc_value("health/distributed/requeued", n)
            logger.warning("worker %s stopped sending heartbeats: re-queued the %d requests it had in flight",
                           worker, n)
        if n >= 0 and worker != self.worker:
            self.crawler.stats.inc_value("health/distributed/workers_reaped")

    def _feed_start_urls(self, engine: Any) -> None:
        """RedisSpider semantics: URLs pushed to PREFIX:start_urls are crawled by whichever worker is free."""
        if engine.needs_backout():
            return
        batch = max(1, self.crawler.settings.getint("CONCURRENT_REQUESTS", 16))
        raw = self.link.call("reading pushed start URLs", self.link.client.lpop, self.keys.start_urls, batch)
        for entry in raw or []:
            request = _start_request(self.crawler.spider, entry)
            if request is None:
                self.crawler.stats.inc_value("health/distributed/start_urls_invalid")
                continue
            self.crawler.stats.inc_value("health/distributed/start_urls")
            engine.crawl(request)

    def _check_idle(self, engine: Any) -> None:
        client, keys = self.link.client, self.keys
        queued = int(self.link.call("reading the queue length", client.zcard, keys.requests))
        if queued and not engine.needs_backout():
            _nudge(engine)  # take work now, not at the engine's next 5-second heartbeat
        busy = queued > 0 or bool(self.pending or self.finished) or not _engine_idle(engine)
        if not busy:
            busy = self._anyone_in_flight() or bool(
                self.link.call("reading pushed start URLs", client.llen, keys.start_urls))
        if busy:
            self.idle_since = None
            return
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        elif now - self.idle_since >= self.idle_timeout:
            logger.info("the crawl of run %s has been idle for %.1fs (no queued request, none in flight): "
                        "worker %s closes", keys.run_id, now - self.idle_since, self.worker)
            self._close("finished")

    def _anyone_in_flight(self) -> bool:
        client, keys = self.link.client, self.keys
        members = self.link.call("listing workers", client.smembers, keys.workers)

        def lengths() -> list[int]:
            pipe = client.pipeline(transaction=False)
            for m in members:
                pipe.hlen(keys.inflight(m.decode() if isinstance(m, bytes) else str(m)))
            return pipe.execute()

        return any(self.link.call("reading in-flight requests", lengths))

    def _close(self, reason: str) -> None:
        if self.closed:
            return
        self.closing = True
        from scrapy.utils.defer import deferred_from_coro

        engine = self.crawler.engine
        if hasattr(engine, "close_spider_async"):
            d = deferred_from_coro(engine.close_spider_async(reason=reason))
        else:  # Scrapy < 2.14
            d = engine.close_spider(self.crawler.spider, reason=reason)
        d.addErrback(lambda f: logger.error("closing the worker failed: %s", f.getTraceback()))

    def _on_redis_failure(self, message: str) -> None:
        self.crawler.stats.set_value("health/distributed/error", message)
        if self.registered and not self.closed:
            self._close(REDIS_UNAVAILABLE)

    def spider_idle(self, spider: Spider) -> None:
        # The worker closes when the whole crawl is idle (see _check_idle), not when its own engine is.
        if not (self.closing or self.link.failed):
            raise DontCloseSpider

    # --- close ---------------------------------------------------------------------------------

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.closed = True
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        stats = self.crawler.stats
        last = False
        expected_rows = 0
        workers: list[str] = []
        if self.registered and not self.link.failed:
            try:
                self._collect_finished(self.crawler.engine, local_idle=True)  # the engine waited for all
                self._acknowledge(force=True)
                self._report_rows()
                last, expected_rows, workers = self._leave()
            except RedisUnavailable:
                last = False
        stats.set_value("health/distributed/worker", self.worker)
        worker_status, problems = self._judge_worker(reason)
        self._finish_worker_manifest(spider, reason, worker_status, problems)
        run_status = worker_status
        if last:
            run_status = self._finish_run(spider, reason, expected_rows, workers)
        stats.set_value("health/run_status", run_status)

    def _leave(self) -> tuple[bool, int, list[str]]:
        """Deregisters; True if this worker is the last of the run (exactly one worker gets True)."""
        client, keys = self.link.client, self.keys
        remaining = self.link.leave()
        self.link.call("leaving the crawl", client.delete, keys.alive(self.worker))
        if remaining:
            self._reap_dead()  # workers that died idle never leave by themselves
            remaining = int(self.link.call("counting workers", client.scard, keys.workers))
        if remaining:
            logger.info("worker %s left run %s; %d other worker(s) still registered", self.worker,
                        keys.run_id, remaining)
            return False, 0, []
        if not self.link.call("claiming the end of the run", client.set, keys.key("closer"), self.worker,
                              nx=True, ex=86400):
            return False, 0, []
        stored = self.link.call("reading stored pages", client.hgetall, keys.stored)
        workers = sorted(k.decode() if isinstance(k, bytes) else str(k) for k in stored)
        return True, sum(int(v) for v in stored.values()), workers

    def _judge_worker(self, reason: str) -> tuple[str, list[str]]:
        if self.link.failed:
            return "failed", [self.link.failure or "Redis unavailable"]
        if reason == "worker_id_in_use":
            return "failed", [f"worker id {self.worker} is in use by a live worker"]
        if reason == COORDINATION_FAILED:
            return "failed", [f"coordination failed: {self.crawler.stats.get_value('health/distributed/error')}"]
        if reason == "shutdown":
            return "interrupted", []
        return "succeeded", []

    def _finish_worker_manifest(self, spider: Spider, reason: str, status: str, problems: list[str]) -> None:
        stats = {k: jsonable(v) for k, v in self.crawler.stats.get_stats().items()}
        if self.manifest is None:
            return
        self.manifest.finish(status=status, problems=problems, close_reason=reason, crawl_stats=stats,
                             failed_urls=getattr(spider, "failed_urls", {}), requeued=self.requeued)
        line = (f"worker {self.worker} of run {spider.run_id} {status}: "
                f"{stats.get('downloader/response_count', 0)} responses, "
                f"{stats.get('health/pages/stored', 0)} pages stored, {self.requeued} requests re-queued "
                f"from dead workers; manifest {self.manifest.path}")
        (logger.info if status == "succeeded" else logger.error)(line)
        for problem in problems:
            logger.error("worker %s: %s", self.worker, problem)

    def _finish_run(self, spider: Spider, reason: str, expected_rows: int, workers: list[str]) -> str:
        """The last worker: merge step (clean the run's pages of all workers), run manifest, cleanup."""
        from crawler.extensions import CLEANING_REASONS

        settings, stats = self.crawler.settings, self.crawler.stats
        run_id = spider.run_id
        local_rows = _run_rows(self.root, run_id)
        report, cleaning_note, problems = None, None, []
        if not setting(settings, "HEALTH_CLEAN_ON_CLOSE"):
            cleaning_note = "skipped: HEALTH_CLEAN_ON_CLOSE is off"
        elif reason not in CLEANING_REASONS:
            cleaning_note = f"skipped: the crawl ended with {reason}"
        elif local_rows < expected_rows:
            cleaning_note = (f"skipped: {expected_rows - local_rows} of the run's {expected_rows} pages are not "
                             f"in {self.root} (workers without shared storage)")
        if cleaning_note is None:
            report, error = _clean(self.root, run_id, settings)
            if error:
                problems.append(f"cleaning failed: {error}")
                stats.set_value("health/clean/status", f"failed: {error}")
            else:
                stats.set_value("health/clean/status", "ok")
                for key, value in report.counts.items():
                    stats.set_value(f"health/clean/{key}", value)
        else:
            stats.set_value("health/clean/status", cleaning_note)
            logger.warning("run %s: cleaning %s; merge step: gather every worker's pages/ under one OUTPUT_DIR, "
                           "then `python -m cleaning run --output-dir DIR --run-id %s`", run_id, cleaning_note,
                           run_id)
        if not max(local_rows, expected_rows):
            problems.append("no page was fetched and stored")
        status = "interrupted" if reason == "shutdown" else ("failed" if problems else "succeeded")
        merged = _merge_worker_manifests(self.root, run_id)
        manifest = RunManifestFile.open(self.root, run_id)
        manifest.data.setdefault("started_at", merged["started_at"])
        manifest.update(kind="crawl", spider=spider.name, site=getattr(spider, "site", ""),
                        start_urls=list(getattr(spider, "profile").start_urls),
                        settings=redact_settings(settings.copy_to_dict()),
                        distributed={"redis": self.link.display_url, "prefix": self.keys.prefix,
                                     "workers": merged["workers"], "pages_reported": expected_rows,
                                     "pages_in_output_dir": local_rows, "closed_by": self.worker})
        manifest.finish(status=status, problems=problems, close_reason=reason, crawl_stats=merged["stats"],
                        failed_urls=merged["failed_urls"],
                        cleaning=report.to_dict() if report is not None else {"status": cleaning_note})
        cstats = merged["stats"]
        line = (f"run {run_id} {status}: {len(merged['workers'])} workers, "
                f"{cstats.get('downloader/response_count', 0)} responses, "
                f"{cstats.get('health/pages/stored', 0)} pages stored, "
                f"{report.counts.get('articles', 0) if report else 0} articles written, "
                f"{report.counts.get('duplicates', 0) if report else 0} duplicates, "
                f"{report.counts.get('dropped', 0) if report else 0} pages dropped "
                f"{dict(report.dropped_reasons) if report else {}}, "
                f"{len(merged['failed_urls'])} failed URLs; manifest {manifest.path}")
        (logger.info if status == "succeeded" else logger.error)(line)
        for problem in problems:
            logger.error("run %s: %s", run_id, problem)
        if reason == "finished":
            self._delete_run_keys(workers)
        return status

    def _delete_run_keys(self, workers: list[str]) -> None:
        """A finished crawl leaves nothing in Redis; the next crawl starts a new run."""
        client, keys = self.link.client, self.keys
        try:
            if self.link.call("reading the queue length", client.zcard, keys.requests):
                return  # someone pushed work meanwhile: leave it for the workers that take it
            self.link.call("deleting the finished run", client.delete,
                           *keys.run_keys(sorted(set(workers) | {self.worker})), keys.key("closer"))
            from crawler.distributed.link import DELETE_IF

            self.link.run_script("ending the run", "delete_if", DELETE_IF, [keys.current_run], [keys.run_id])
        except RedisUnavailable:
            pass


# --- helpers ----------------------------------------------------------------------------------

def _engine_idle(engine: Any) -> bool:
    try:
        return bool(engine.spider_is_idle())
    except Exception:  # no slot (closing)
        return False


def _in_progress(engine: Any) -> Any:
    """The requests the engine has taken and not finished (downloading or being parsed), or None."""
    slot = getattr(engine, "_slot", None)
    return getattr(slot, "inprogress", None)


def _nudge(engine: Any) -> None:
    slot = getattr(engine, "_slot", None)
    nextcall = getattr(slot, "nextcall", None)
    if nextcall is not None:
        nextcall.schedule()


def _pages_pipeline(crawler: Crawler) -> Any:
    from crawler.pipelines import PagesPipeline

    itemproc = getattr(getattr(crawler.engine, "scraper", None), "itemproc", None)
    for component in getattr(itemproc, "middlewares", ()):
        if isinstance(component, PagesPipeline):
            return component
    return None


def _start_request(spider: Any, entry: bytes | str) -> Request | None:
    """A request for one pushed entry: a URL, or JSON {"url": ..., "kind": ...}."""
    from cleaning.dedup.urls import canonicalize_url

    text = entry.decode("utf-8", "replace") if isinstance(entry, bytes) else str(entry)
    text = text.strip()
    kind = None
    if text.startswith("{"):
        try:
            data = json.loads(text)
            text, kind = str(data.get("url") or ""), data.get("kind")
        except (ValueError, AttributeError):
            text = ""
    if not text.startswith(("http://", "https://")):
        logger.warning("ignored pushed start URL %r: not an absolute http(s) URL", entry)
        return None
    url = canonicalize_url(text)
    if kind not in ("article", "listing", "sitemap", "feed", "unknown"):
        kind = "listing" if spider.target.generic else spider.profile.url_kind(url)
    return spider._request(url, kind)


def _worker_manifest(root: Path, run_id: str, worker: str) -> RunManifestFile:
    path = Path(root) / "_runs" / f"{run_id}.workers" / f"{worker}.json"
    data: dict[str, Any] = {"run_id": run_id, "worker": worker}
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    return RunManifestFile(path, data)


def _merge_worker_manifests(root: Path, run_id: str) -> dict[str, Any]:
    stats: dict[str, Any] = {}
    failed: dict[str, str] = {}
    workers, started = [], []
    for path in sorted((Path(root) / "_runs" / f"{run_id}.workers").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        crawl_stats = data.get("crawl_stats") or {}
        workers.append({"worker": data.get("worker", path.stem), "status": data.get("status"),
                        "pages_stored": crawl_stats.get("health/pages/stored", 0),
                        "requeued": data.get("requeued", 0), "manifest": str(path.relative_to(root))})
        if data.get("started_at"):
            started.append(data["started_at"])
        failed.update(data.get("failed_urls") or {})
        for key, value in crawl_stats.items():
            if isinstance(value, int) and not isinstance(value, bool) and not key.startswith("health/clean/"):
                stats[key] = stats.get(key, 0) + value
    return {"stats": stats, "failed_urls": failed, "workers": workers, "started_at": min(started, default=None)}


def _run_rows(root: Path, run_id: str) -> int:
    import pyarrow.parquet as pq

    total = 0
    for path in dataset_files(root, "pages", run_id):
        try:
            total += pq.ParquetFile(path).metadata.num_rows
        except Exception:
            continue
    return total


def _clean(root: Path, run_id: str, settings: Any) -> tuple[Any, str | None]:
    from cleaning.runner import CleanOptions, clean_from

    try:
        return clean_from(root, run_id, CleanOptions.from_settings(settings))[0], None
    except Exception as exc:  # recorded as a failed run; pages stay stored for a later re-clean
        logger.exception("cleaning failed for run %s", run_id)
        return None, f"{type(exc).__name__}: {exc}"
