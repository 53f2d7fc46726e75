"""The thread a grammar fixer's backend calls run in, so that a call can be waited for with a deadline.

Not `concurrent.futures.ThreadPoolExecutor`: the interpreter joins that executor's threads at exit, so a
process stopped at once (a second Ctrl-C while cleaning) still waited, up to the request timeout, for a call
stuck in a server that never answers. This thread is a daemon: a call it holds never delays an exit.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any


class BackendThread:
    """One daemon thread running the calls submitted to it, in order; `shutdown` lets it end after the call it
    is in, without waiting for that call."""

    def __init__(self, name: str = "grammar-backend") -> None:
        self._calls: queue.SimpleQueue[tuple[Future, Callable[..., Any], tuple[Any, ...]] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        self._calls.put((future, fn, args))
        return future

    def shutdown(self) -> None:
        self._calls.put(None)

    def _run(self) -> None:
        while (call := self._calls.get()) is not None:
            future, fn, args = call
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller, as an executor does
                future.set_exception(exc)
