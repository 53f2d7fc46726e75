"""Progress lines for long cleaning runs: how many done, how fast, how many to go."""

from __future__ import annotations

import logging
import time

logger = logging.getLogger("cleaning.progress")


class ProgressLog:
    """Logs at most every `interval` seconds; `tick()` is cheap enough to call per document."""

    def __init__(self, label: str, total: int | None = None, unit: str = "documents", interval: float = 30.0) -> None:
        self.label, self.total, self.unit, self.interval = label, total, unit, interval
        self.done = 0
        self._start = self._last = time.monotonic()

    def tick(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self.log(now)

    def log(self, now: float | None = None) -> None:
        minutes = max(((now or time.monotonic()) - self._start) / 60, 1e-9)
        rate = self.done / minutes
        if self.total:
            left = max(self.total - self.done, 0)
            eta = f", about {left / rate:.0f} min to go" if rate else ""
            logger.info("%s: %d/%d %s (%.0f/min)%s", self.label, self.done, self.total, self.unit, rate, eta)
        else:
            logger.info("%s: %d %s (%.0f/min)", self.label, self.done, self.unit, rate)
