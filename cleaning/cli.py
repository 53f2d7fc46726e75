"""What every command line of the product shares: a bad call is one line on stderr and exit status 2."""

from __future__ import annotations

import argparse

# As `scrapy crawl health` (docs/operations.md): written, but some of the work was not done.
EXIT_PARTIAL = 3


class OneLineParser(argparse.ArgumentParser):
    """argparse whose errors are one line naming the command and its --help (argparse's own prints the
    whole usage block first); subcommand parsers made from it are of this class too."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")
