"""What every command line of the product shares: a bad call is one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import atexit
import gc

# As `scrapy crawl health` (docs/operations.md): written, but some of the work was not done.
EXIT_PARTIAL = 3


class OneLineParser(argparse.ArgumentParser):
    """argparse whose errors are one line naming the command and its --help (argparse's own prints the
    whole usage block first); subcommand parsers made from it are of this class too."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# Young objects the collector lets accumulate before it looks for cycles among them: CPython's default is 700.
# Parsing and crawling allocate containers by the million (lxml trees, requests, rows), nearly all freed by
# their reference counts long before a collection: looking less often costs little memory. With the freeze below,
# a 1,000-page crawl and clean spends ~0.24 s in collections instead of ~0.62 (bench/gc_time.py).
YOUNG_COLLECTION_THRESHOLD = 10_000

_FREEZE_REGISTERED = False


def tune_collector() -> None:
    """For a process of the product's own (the crawl command, a cleaning helper) once its libraries and models are
    loaded: what is alive now (modules, classes, models) lives for the process's life, so it goes to the collector's
    permanent generation (`gc.freeze`) and is no longer traversed by every full collection; and the young generation
    is collected every YOUNG_COLLECTION_THRESHOLD allocations instead of every 700. A threshold already higher, or
    collection turned off (0), is left as it is."""
    gc.freeze()
    young, *older = gc.get_threshold()
    if 0 < young < YOUNG_COLLECTION_THRESHOLD:
        gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *older)


def skip_final_collection() -> None:
    """At interpreter exit, collects what is already garbage (so its finalizers run) and then moves every
    live object to the collector's permanent generation: the interpreter's final collection, which
    traversed all a long run left while tearing the modules down (0.4 s after a 1,000-page crawl), then has
    nothing to do. Objects still alive in reference cycles at exit are not finalized; the product closes
    its files, writers and connections itself before it exits. Exit handlers still run; a process that
    goes on is not affected."""
    global _FREEZE_REGISTERED
    if not _FREEZE_REGISTERED:
        atexit.register(_collect_and_freeze)
        _FREEZE_REGISTERED = True


def _collect_and_freeze() -> None:
    gc.collect()
    gc.freeze()
