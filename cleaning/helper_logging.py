"""Helper processes log as the process that started them.

A helper is spawned (the crawl has reactor and server threads: no fork), so it starts without the logging
its parent set up: Scrapy's LOG_FILE, LOG_LEVEL and LOG_FORMAT, or `python -m cleaning`'s stderr handler.
Its warnings (a grammar server that stopped answering, a page that made a step fail) would then reach
Python's last-resort handler: bare lines on the helper's stderr, unlike every other line of the log, and
missing from a Scrapyd job's log file. `parent_logging()` describes the parent's root handlers as the
helper's argument; `log_like_parent` sets up the same ones in the helper.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Any

_PLAIN_FILTERS = ("logging.Filter", "scrapy.utils.log.TopLevelFormatter")  # LOG_SHORT_NAMES


@dataclass(frozen=True)
class LogTarget:
    """One of the parent's root handlers: where it writes (a file, or None for stderr) and what it lets
    through, in which format."""

    path: str | None
    level: int
    formatter: logging.Formatter | None
    filters: tuple[Any, ...] = ()


@dataclass(frozen=True)
class LogSetup:
    level: int  # the root logger's
    targets: tuple[LogTarget, ...]


def parent_logging() -> LogSetup:
    """The calling process's root handlers that write to a file or a stream (others, e.g. an error tracker's,
    stay the parent's): their level, format and filters, as far as they can be handed to another process."""
    root = logging.getLogger()
    targets = []
    for handler in root.handlers:
        if isinstance(handler, logging.FileHandler):
            path: str | None = handler.baseFilename
        elif type(handler) is logging.StreamHandler:
            path = None
        else:
            continue
        # Handed over only when of the plain kinds logging and Scrapy make (a custom one may hold a lock or a
        # stream, which cannot go to another process); the helper's handler then keeps logging's defaults.
        formatter = handler.formatter if type(handler.formatter) is logging.Formatter else None
        filters = tuple(f for f in handler.filters if _name(type(f)) in _PLAIN_FILTERS)
        targets.append(LogTarget(path, handler.level, formatter, filters))
    return LogSetup(root.level, tuple(targets))


def log_like_parent(setup: LogSetup | None) -> None:
    """In a helper: the parent's handlers (see `parent_logging`). Nothing when the helper already has
    handlers (a forked one inherits them) or the parent had none."""
    root = logging.getLogger()
    if setup is None or not setup.targets or root.handlers:
        return
    for target in setup.targets:
        # Appended to, as the parent does: whole lines from several processes interleave, none is cut.
        handler: logging.Handler = (logging.FileHandler(target.path, mode="a", encoding="utf-8", delay=True)
                                    if target.path else logging.StreamHandler(sys.stderr))
        handler.setLevel(target.level)
        if target.formatter is not None:
            handler.setFormatter(target.formatter)
        for flt in target.filters:
            handler.addFilter(flt)
        root.addHandler(handler)
    # No lower than its handlers let through: Scrapy leaves the root logger at NOTSET and filters in its
    # handler, and a library's debug calls would then build records only for the handler to drop them.
    root.setLevel(max(setup.level, min(target.level for target in setup.targets)))


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"
