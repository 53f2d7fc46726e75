"""Shutdown signals held back while a commit runs: a commit stopped half way would leave a run's rows
partly replaced, so Ctrl-C or SIGTERM waits for it (a commit is file renames: short)."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

SHUTDOWN_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def handling(handler: Callable[[int, FrameType | None], Any]) -> Iterator[None]:
    """`handler` answers SIGINT and SIGTERM while the block runs, the previous handlers after; outside the
    main thread (which alone receives signals) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in SHUTDOWN_SIGNALS}
    for sig in SHUTDOWN_SIGNALS:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)


class HeldSignals:
    """The shutdown signals that came while held; `deliver()` acts on the first, once it is safe."""

    def __init__(self) -> None:
        self.received: list[int] = []

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        def hold(signum: int, frame: FrameType | None) -> None:
            self.received.append(signum)

        with handling(hold):
            yield

    def deliver(self) -> None:
        """Raises the first held signal again, to the handler in place now."""
        if self.received:
            signal.raise_signal(self.received.pop(0))
            self.received.clear()
