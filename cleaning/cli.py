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
    """At interpreter exit, moves every object to the collector's permanent generation, so the final
    collection does not traverse what a long run left (0.4 s after a 1,000-page crawl) only to free
    memory the OS reclaims anyway. Exit handlers still run; a process that goes on is not affected."""
    global _FREEZE_REGISTERED
    if not _FREEZE_REGISTERED:
        atexit.register(gc.freeze)
        _FREEZE_REGISTERED = True
