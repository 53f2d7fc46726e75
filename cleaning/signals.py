"""Shutdown signals held back while a commit runs: a commit stopped half way would leave a run's rows
partly replaced, so Ctrl-C or SIGTERM waits for it (a commit is file renames: short)."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

SHUTDOWN_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class HeldSignals:
    """The shutdown signals that came while held; `deliver()` acts on the first, once it is safe."""

    def __init__(self) -> None:
        self.received: list[int] = []

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # only the main thread receives signals
            return
        previous = {sig: signal.getsignal(sig) for sig in SHUTDOWN_SIGNALS}

        def hold(signum: int, frame: FrameType | None) -> None:
            self.received.append(signum)

        for sig in SHUTDOWN_SIGNALS:
            signal.signal(sig, hold)
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler if handler is not None else signal.SIG_DFL)

    def deliver(self) -> None:
        """Raises the first held signal again, to the handler in place now."""
        if self.received:
            signal.raise_signal(self.received.pop(0))
            self.received.clear()
