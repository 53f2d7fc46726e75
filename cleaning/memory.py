"""Memory a cleaning pass freed, handed back to the system before the next pass starts.

glibc's malloc keeps what a process frees in its heap, for the process to reuse, and returns it to the
system only from the heap's top. A whole-run pass frees a lot at once when it ends: dedup confirming the
candidate pairs of 20,000 documents left ~150 MB resident after every object was gone (measured: 231 ->
383 MiB while deciding, 378 MiB once it was all freed, 234 MiB after `malloc_trim`). In the process that
ran a crawl's cleaning, the passes after it (grammar, with its helper processes) then ran on top of that:
resident memory the run never used again, counted in the run's peak. `release_free_memory()` asks glibc
to return every free page (`malloc_trim(0)`, a few milliseconds); elsewhere (musl, macOS) it does nothing.

A process that parses pages as the crawl goes (the crawl's own, a preparing helper) has no pass to end:
`HeapTrimmer` collects and trims it each time its resident memory has grown by a step since the last time.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import os
import sys
from collections.abc import Callable

__all__ = ["HeapTrimmer", "process_trimmer", "release_free_memory", "resident_bytes"]

#: A process that parses pages returns its heap's free pages once its resident memory has grown this much
#: since it last did (`HeapTrimmer`).
TRIM_STEP = 48 << 20


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library this process runs on
    except (OSError, AttributeError):  # not glibc
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_free_memory() -> bool:
    """Returns the heap's free pages to the system; False where the C library offers no way to."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def resident_bytes() -> int | None:
    """This process's resident memory (Linux: /proc/self/statm); None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class HeapTrimmer:
    """Collects garbage and returns the heap's free pages each time resident memory has grown by `step` bytes
    since the last time.

    Parsing real pages (a news page is ~160 KB of HTML and its lxml tree several times that) leaves garbage and
    then free holes in glibc's heap, which it keeps: after a crawl of the 474 real dev pages the crawl's process
    held a 223 MiB heap with ~21 MiB in use (389 -> 190 MiB resident after collecting and `malloc_trim`). A helper
    gives back less (its growth there, ~350 -> ~450 MiB, is mostly in use). Doing it after every page or file
    would cost milliseconds each time for nothing on small pages; on growth it costs nothing until there is
    something to give back, and bounds what a long crawl keeps. `maybe()` is cheap (one read of /proc)."""

    def __init__(self, step: int = TRIM_STEP, rss: Callable[[], int | None] = resident_bytes,
                 trim: Callable[[], bool] = release_free_memory) -> None:
        self.step, self._rss, self._trim = step, rss, trim
        self._base: int | None = None
        self.trims = 0

    def maybe(self) -> bool:
        """Trims if resident memory grew by `step` since the last trim (or the first call); True if it did."""
        now = self._rss()
        if now is None:
            return False
        if self._base is None:
            self._base = now
            return False
        if now - self._base < self.step:
            return False
        # Scrapy's responses and their selectors refer to each other (scrapy/scrapy#2977): a parsed page's
        # tree is freed by the collector, not by its reference count, and the crawl's raised young threshold
        # (cleaning/cli.py) lets such garbage grow; the heap's holes can only be given back once it is gone.
        gc.collect()
        if not self._trim():
            self._base = now  # nothing to give back here (no glibc): collect again only after another step
            return False
        self.trims += 1
        # From what is left: memory the process really uses does not make it trim again and again.
        self._base = self._rss() or now
        return True


@functools.lru_cache(maxsize=1)
def process_trimmer() -> HeapTrimmer:
    """This process's trimmer: the crawl's extension and the part files the crawl's process prepares itself
    share one, so that they do not collect and trim for the same growth twice (a forked sibling has its copy)."""
    return HeapTrimmer()
