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


_FREEZE_REGISTERED = False


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
