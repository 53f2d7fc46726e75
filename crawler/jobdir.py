"""JOBDIR on resume: what Scrapy persisted there is set aside before anything reads it; the frontier is rebuilt
from what is durable.

A SIGKILL (or a full disk) can leave Scrapy's state files 0-byte or torn: `requests.queue/active.json`, the
disk queues under it, `spider.state`, `requests.seen`. Scrapy then fails to open the crawl, so every resume
was a dead end. None of them is needed: the crawl re-issues its start requests and answers every page this
run already stored from the pages dataset (crawler/middlewares.py, IncrementalFetchMiddleware), so each
request the persisted queue held is found again. An intact queue is set aside too: its requests would skip
the in-memory duplicate filter and be fetched, and stored, a second time.

`JobdirRepair` is an extension listed first in EXTENSIONS: extensions are built before the engine opens the
scheduler and before SpiderState reads `spider.state`, so every way of starting a crawl (`scrapy crawl`,
Scrapyd, a script) goes through it. What it did is logged, one line per file, and the files are kept under
`JOBDIR/set-aside/` (the latest resume's only) for whoever wants to look.

This crawl itself writes neither a queue nor `requests.seen` any more (crawler/scheduler.py,
crawler/dupefilter.py); they come from a JOBDIR an older version or plain Scrapy left. What it does write
there is the run id (crawler/runs.py) and `spider.state`, the latter through `AtomicSpiderState` below.
"""

from __future__ import annotations

import json
import logging
import pickle
import pickletools
import shutil
import struct
from pathlib import Path

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.spiderstate import SpiderState

from cleaning.storage.atomic import OutputError, write_atomic
from crawler.config import setting

logger = logging.getLogger(__name__)

SET_ASIDE = "set-aside"


def _queue_problem(queue: Path) -> str | None:
    """Why Scrapy could not read this persisted queue (empty, torn, unparseable files); None if it looks whole."""
    active = queue / "active.json"
    if not active.is_file():
        return "no active.json (the crawl was killed before the queue was closed)"
    try:
        json.loads(active.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        return f"active.json unreadable ({'empty' if not active.stat().st_size else exc})"
    for path in sorted(p for p in queue.rglob("*") if p.is_file() and p != active):
        if path.name == "info.json":  # a FIFO disk queue's head and tail
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                return f"{path.relative_to(queue)} unreadable"
        elif path.parent.name != queue.name and not path.name.startswith("q"):
            problem = _lifo_problem(path)  # a LIFO disk queue: count header, records each followed by its size
            if problem:
                return f"{path.relative_to(queue)}: {problem}"
    return None


def _lifo_problem(path: Path) -> str | None:
    data = path.read_bytes()
    if len(data) < 4:
        return "empty" if not data else "truncated header"
    (count,) = struct.unpack(">L", data[:4])
    end = len(data)
    for _ in range(count):
        if end - 4 < 4:
            return "truncated"
        (size,) = struct.unpack(">L", data[end - 4:end])
        end -= 4 + size
        if end < 4:
            return "truncated"
    return None if end == 4 else "records beyond the count its header gives (killed while it was open)"


def _state_problem(path: Path) -> str | None:
    """Why Scrapy could not load `spider.state`, read without unpickling it: its opcodes are walked
    (pickletools runs nothing), so a torn or empty file is found before Scrapy trips on it."""
    data = path.read_bytes()
    if not data:
        return "empty"
    try:
        ops = list(pickletools.genops(data))
    except Exception as exc:  # noqa: BLE001 - a torn pickle fails in many ways; each means Scrapy cannot open it
        return f"unreadable ({type(exc).__name__})"
    if not ops or ops[-1][0].name != "STOP":
        return "unreadable (no end)"
    return None


def repair_jobdir(jobdir: Path) -> list[str]:
    """Sets aside the Scrapy state files a resumed crawl must not read; one line per file set aside."""
    found: list[tuple[str, str]] = []
    queue = jobdir / "requests.queue"
    if queue.exists():
        problem = _queue_problem(queue)
        found.append(("requests.queue", f"damaged: {problem}" if problem else "intact"))
    state = jobdir / "spider.state"
    if state.is_file():
        problem = _state_problem(state)
        if problem:
            found.append(("spider.state", f"damaged: {problem}"))
    seen = jobdir / "requests.seen"
    if seen.is_file():  # RFPDupeFilter's; this crawl's duplicate filter never reads it (crawler/dupefilter.py)
        found.append(("requests.seen", "not used by this crawl" + (" (empty)" if not seen.stat().st_size else "")))
    if not found:
        return []
    aside = jobdir / SET_ASIDE
    if aside.exists():
        shutil.rmtree(aside)
    aside.mkdir()
    notes = []
    for name, why in found:
        shutil.move(str(jobdir / name), str(aside / name))
        notes.append(f"{name} {why}: set aside in {aside}")
    return notes


class JobdirRepair:
    """Readies a JOBDIR for a resume before Scrapy reads it (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        jobdir = crawler.settings.get("JOBDIR")
        # A distributed worker keeps its frontier in Redis: its JOBDIR holds no Scrapy queue to rebuild.
        if not jobdir or setting(crawler.settings, "HEALTH_REDIS_URL"):
            raise NotConfigured
        notes = repair_jobdir(Path(jobdir))
        for note in notes:
            logger.warning("resume: %s; the frontier is rebuilt from the stored pages", note)
        crawler.stats.set_value("health/resume/jobdir_set_aside", len(notes))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "JobdirRepair":
        return cls(crawler)


class AtomicSpiderState(SpiderState):
    """Scrapy's SpiderState (`spider.state` kept in `JOBDIR/spider.state`), written atomically, and a failed
    write fails the run instead of vanishing in a log line.

    Scrapy writes the file in place when the spider closes: a full disk or a kill leaves it torn (set aside
    on the next resume, so the state is lost) and the error is only logged, so the run could be judged
    `succeeded` with its JOBDIR state unwritten. Here the old file stays whole until the new one is on
    disk, and a write that fails is an output error of the run (`health/output_error`, as a pages file that
    cannot be written): the run ends `failed`, its run id stays in JOBDIR, and the same command resumes it.
    Listed before the run's end (RunManifest, 200) so the judgment sees the error."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "AtomicSpiderState":
        obj = super().from_crawler(crawler)
        obj.crawler = crawler
        return obj

    def spider_closed(self, spider: Spider) -> None:
        if not self.jobdir:
            return
        state = getattr(spider, "state", {})
        try:
            write_atomic(Path(self.statefn), lambda fh: pickle.dump(state, fh, protocol=4))
        except OutputError as exc:
            logger.error("the spider's state could not be kept in JOBDIR: %s", exc)
            if not self.crawler.stats.get_value("health/output_error"):
                self.crawler.stats.set_value("health/output_error", str(exc))
