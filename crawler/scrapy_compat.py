"""The crawl's only uses of Scrapy internals, for what Scrapy has no public API (Scrapy 2.19).

Everything else in `crawler/` uses Scrapy's public API. Each function here names what it relies
on; tests/crawler/test_scrapy_compat.py runs it against the installed Scrapy (a real engine, real
middlewares), so an upgrade that breaks one fails there, not in production.
"""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest


# --- the engine ---------------------------------------------------------------------------------

def requests_in_progress(engine: Any) -> Set[Request] | None:
    """The requests the engine took from the scheduler and has not finished (downloading, or their
    response and its output still being processed), or None when no spider is open.

    A distributed worker acknowledges a request only once it is out of this set: its page has
    reached the pipeline and its links the shared frontier. Relies on `ExecutionEngine._slot.inprogress`.
    """
    slot = getattr(engine, "_slot", None)
    return getattr(slot, "inprogress", None)


def wake_engine(engine: Any) -> bool:
    """Makes the engine ask its scheduler for requests now instead of at its next heartbeat (5 s);
    False if it could not (no open spider).

    A shared Redis frontier fills without the engine being told. Relies on
    `ExecutionEngine._slot.nextcall`, what `engine.crawl()` schedules after queueing a request.
    """
    slot = getattr(engine, "_slot", None)
    nextcall = getattr(slot, "nextcall", None)
    if nextcall is None:
        return False
    nextcall.schedule()
    return True


def engine_idle(engine: Any) -> bool:
    """The engine has nothing to do: no request queued, downloading or being processed, and no start
    request left. False while no spider is open (the engine is opening or closing).

    Relies on `ExecutionEngine.spider_is_idle()` (public, undocumented), which raises RuntimeError
    without an open spider. Any other error is a real one and is raised: a worker that could not tell
    would otherwise wait forever for an idle that never comes.
    """
    try:
        return bool(engine.spider_is_idle())
    except RuntimeError:
        return False


def downloads_in_progress(engine: Any) -> int:
    """Requests the downloader is fetching now. Relies on `Downloader.active` (a set, undocumented)."""
    return len(engine.downloader.active)


# --- downloader slots -----------------------------------------------------------------------------

def download_slot(crawler: Crawler, request: Request) -> Any:
    """The downloader slot (delay, jitter, concurrency) `request` goes through, or None if Scrapy has
    not created it yet. The way Scrapy's AutoThrottle finds it: `downloader.slots` by `get_slot_key`."""
    downloader = crawler.engine.downloader
    return downloader.slots.get(downloader.get_slot_key(request))


def preset_download_slot(crawler: Crawler, request: Request, **slot_settings: Any) -> None:
    """Settings (`delay`, `concurrency`, `jitter`) for the slot of `request` when Scrapy creates it:
    a DOWNLOAD_SLOTS entry, added while the crawl runs (`Downloader.per_slot_settings`)."""
    downloader = crawler.engine.downloader
    key = downloader.get_slot_key(request)
    # A new dict: the old one may be the project's own DOWNLOAD_SLOTS value.
    downloader.per_slot_settings[key] = {**downloader.per_slot_settings.get(key, {}), **slot_settings}


# --- why Scrapy ignored a request -------------------------------------------------------------------

def scrapy_ignore_reason(exc: IgnoreRequest) -> tuple[str, str]:
    """("failed" | "skipped", reason) for an IgnoreRequest raised by one of Scrapy's own middlewares.

    They raise the plain class and say why only in the message, so the message is read: the
    decompression cap (HttpCompressionMiddleware), the redirect limit (RedirectMiddleware),
    robots.txt (RobotsTxtMiddleware) and the offsite filter (OffsiteMiddleware).
    """
    message = str(exc)
    if "DOWNLOAD_MAXSIZE" in message:
        return "failed", "too_large"
    if "max redirections" in message:
        return "failed", "too_many_redirects"
    if "robots.txt" in message:
        return "skipped", "robots"
    if "offsite" in message.lower():
        return "skipped", "offsite"
    return "skipped", "ignored"


# --- feed exports ---------------------------------------------------------------------------------

def export_to_feeds(feeds: Any, item: Any, spider: Any) -> None:
    """Exports `item` to every feed of Scrapy's FeedExporter `feeds` that accepts it (its item filter),
    without sending `item_scraped` to every other listener (CoreStats, ...): the run's articles are made
    after the crawl, not scraped by it.

    Relies on `FeedExporter.item_scraped(item, spider)`, the handler FeedExporter connects to the
    `item_scraped` signal (undocumented as a method).
    """
    feeds.item_scraped(item, spider)
