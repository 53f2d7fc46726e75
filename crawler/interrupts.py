"""Ctrl-C and SIGTERM during a crawl: which shutdown signals came, so the run's end can tell a graceful stop
from a forced one, and a signal during the run's cleaning stops that cleaning at once.

Scrapy stops a crawl gracefully on the first SIGINT or SIGTERM (close reason `shutdown`) and forces an
unclean stop on the second. `Interrupts` (an extension) puts a recorder in front of Scrapy's handlers:

- one signal: a graceful stop. The run's end cleans the pages fetched so far and the run is `partial`,
  with the signal and what was left in its problems; the run id stays in JOBDIR, so the same command
  resumes and completes the run.
- a second signal: Scrapy's forced stop. Nothing is cleaned, the run is `interrupted` and resumable.
- a signal while the run's end cleans (`stop_at_once`): cleaning stops with nothing of it committed (the
  reactor is busy cleaning, so Scrapy's own handler would only act once cleaning is over), and the run is
  `interrupted`.

Signals are only handled in the main thread, where Scrapy's reactor runs: the recorder is installed there
once the engine has started (Scrapy installs its handlers when the reactor starts).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from cleaning.signals import SHUTDOWN_SIGNALS, handling
from crawler.runs import require_run
from crawler.scrapy_compat import downloads_in_progress

logger = logging.getLogger(__name__)

STATS_KEY = "health/interrupt/signals"  # the shutdown signals the crawl received, in order ("SIGINT SIGINT")

_RECORDER = "_health_interrupts"  # marks a handler as ours, so it is never wrapped twice


class Interrupts:
    """The shutdown signals a crawl received (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        require_run(crawler)
        self.crawler = crawler
        self.received: list[str] = []
        self.stopped_at_once = False  # a signal came inside `stop_at_once`
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        self._watch_from_startup()

    def _watch_from_startup(self) -> None:
        """Scrapy installs its shutdown handlers once the reactor has started, and the spider opens (the
        cleaning helpers start) before the engine does: a signal in between must be recorded too, or the
        crawl ends with no status and exit 0. Watched now when the handlers are there, else right after Scrapy
        installs them."""
        from scrapy.utils.reactor import is_reactor_installed

        if not is_reactor_installed():  # reactorless mode: nothing to hook (and importing one would install it)
            return
        from twisted.internet import reactor

        if reactor.running:  # Scrapy's asyncio crawl builds its extensions with the reactor running
            self._watch()
        else:
            reactor.addSystemEventTrigger("after", "startup", self._watch)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "Interrupts":
        return cls(crawler)

    @classmethod
    def of(cls, crawler: Crawler) -> "Interrupts | None":
        """The crawl's recorder; None where there is none (tests' crawlers, a crawl that never started)."""
        try:
            return crawler.get_extension(cls)
        except RuntimeError:  # the extension manager was never built
            return None

    @property
    def forced(self) -> bool:
        """The crawl is to stop without cleaning: a second signal came (Scrapy's unclean stop), or one
        stopped the wait for the preparing helpers or the cleaning at once."""
        return len(self.received) >= 2 or self.stopped_at_once

    @property
    def exit_code(self) -> int:
        """The shell's code for a process stopped by the first signal received (130 Ctrl-C, 143 SIGTERM),
        as `python -m cleaning run` exits; 1 without one."""
        if not self.received:
            return 1
        return 128 + int(signal.Signals[self.received[0]])

    def engine_started(self) -> None:
        self._watch()

    def _watch(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # only the main thread may set handlers; Scrapy's own run there
        for sig in SHUTDOWN_SIGNALS:
            current = signal.getsignal(sig)
            if callable(current) and not getattr(current, _RECORDER, False):
                signal.signal(sig, self._recorder(current))

    def _recorder(self, handler: Callable[[int, FrameType | None], Any]) -> Callable[[int, FrameType | None], Any]:
        def record(signum: int, frame: FrameType | None) -> None:
            self._record(signum)
            handler(signum, frame)
            if len(self.received) == 1:  # said from the reactor, outside the handler (see `_record`)
                from twisted.internet import reactor

                reactor.callFromThread(self._say_stopping)
            # Scrapy's graceful-stop handler installs its forced-stop one for the next signal: record that too.
            self._watch()

        setattr(record, _RECORDER, True)
        return record

    def _record(self, signum: int) -> None:
        # A signal handler runs between two bytecodes of the main thread: a list append and a dict store
        # are safe there, logging is not (Scrapy says the same about its own handlers).
        self.received.append(signal.Signals(signum).name)
        self.crawler.stats.set_value(STATS_KEY, " ".join(self.received))

    def _say_stopping(self) -> None:
        """The graceful stop waits for the downloads in progress (up to DOWNLOAD_TIMEOUT each, longer with a
        site's Crawl-delay): say so at once, so a silent wait is not taken for a hang and ended by force."""
        engine = self.crawler.engine
        active = downloads_in_progress(engine) if engine is not None else 0
        first = self.received[0] if self.received else "SIGINT"
        logger.warning("stopping: %s; the pages fetched so far are then cleaned and written (a second %s "
                       "stops at once, without cleaning; the same command resumes the run)",
                       f"waiting for {active} download(s) in progress" if active else "finishing the pages in hand",
                       "Ctrl-C" if first == "SIGINT" else first)

    @contextlib.contextmanager
    def stop_at_once(self) -> Iterator[None]:
        """While the crawl's close waits for its preparing helpers or cleans: the next shutdown signal
        raises KeyboardInterrupt there (the cleaning then commits nothing) instead of waiting for the busy
        reactor; the handlers are put back after."""
        def stop(signum: int, frame: FrameType | None) -> None:
            self._record(signum)
            self.stopped_at_once = True
            raise KeyboardInterrupt

        setattr(stop, _RECORDER, True)
        with handling(stop):
            yield


__all__ = ["Interrupts", "SHUTDOWN_SIGNALS", "STATS_KEY"]
