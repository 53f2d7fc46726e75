"""The background processes a crawl runs to prepare its pages part files as it writes them
(`crawler/prepare.py`); `cleaning/prepared.py` keeps their results for the run's cleaning."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cleaning.cli import skip_final_collection
from cleaning.storage.pandas_probe import answer_pandas_probe
from cleaning.prepared import PreparedPages
from cleaning.steps.base import Step
from cleaning.workers import until_orphaned

# Preparing in the crawl's own process first costs it the imports and models a helper loaded long ago
# (~0.5 s, about two part files' work of a helper): worth it only when the helpers have a backlog of more
# part files than this each. Below it the helpers finish sooner alone (issue 15's 1,000-page crawl ends
# with one or two files left, and its process spent 0.55 s loading to prepare 0.2 s of pages).
PARTS_WORTH_A_WARM_UP = 4
STALLED = 30.0  # seconds without an answer after which the crawl's process prepares the files still queued


# --- the background workers a crawl runs --------------------------------------------------------

def _prepare_loop(prepared: PreparedPages, read: Any, segment: list[Step], grammar: Any, tasks: Any,
                  results: Any, parent: int) -> None:
    skip_final_collection()  # the crawl waits for this process to end
    answer_pandas_probe()
    warm = grammar.warm if grammar is not None else None
    try:
        # Started with the crawl, a helper has time before the first part file: it loads its models now.
        # A load that fails here fails again on the first file, where the error is reported per file.
        for step in [*segment, *([grammar] if grammar is not None else [])]:
            with contextlib.suppress(Exception):
                step.ready()
        for task in until_orphaned(tasks, parent):
            try:
                if isinstance(task, tuple):  # ("warm", part): prepared by the crawl's process, warmed here
                    results.put((task, prepared.warm_up(Path(task[1]), warm) if warm else 0, None))
                else:
                    results.put((str(task), prepared.prepare(Path(task), read, segment, warm), None))
            except Exception as exc:  # noqa: BLE001 - the run's cleaning computes what was not prepared
                results.put((task if isinstance(task, tuple) else str(task), 0, f"{type(exc).__name__}: {exc}"))
    except KeyboardInterrupt:
        pass
    finally:
        for step in segment:
            step.close()
        if grammar is not None:
            grammar.close()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Processes started meanwhile ignore SIGINT for life (an ignored signal stays ignored across exec): a
    terminal's Ctrl-C reaches the whole process group, and the crawl, not each helper, decides what it
    means (crawler/interrupts.py). The crawl stops them itself: `finish` or `stop`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


class Preparer:
    """Background processes that prepare pages part files as the crawl writes them."""

    def __init__(self, prepared: PreparedPages, read: Any, segment: list[Step], grammar: Any = None,
                 workers: int = 1) -> None:
        ctx = multiprocessing.get_context("spawn")  # the crawl has reactor and server threads: no fork
        self.prepared = prepared
        self._read, self._segment, self._grammar = read, segment, grammar
        self._tasks, self._results = ctx.Queue(), ctx.Queue()
        self._procs = [ctx.Process(target=_prepare_loop, daemon=True,
                                   args=(prepared, read, segment, grammar, self._tasks, self._results,
                                         os.getpid()))
                       for _ in range(max(1, workers))]
        self._started = False
        self._submitted: set[str] = set()
        self.rows = self.files = 0
        self.here = 0  # part files the crawl's own process prepared, once the crawl had ended
        self.errors: list[str] = []

    def start(self) -> None:
        """Starts the processes now (before there is work: they import and load their models meanwhile)."""
        if not self._started:
            with _sigint_ignored():
                for p in self._procs:
                    p.start()
            self._started = True

    def submit(self, part: Path) -> None:
        if str(part) in self._submitted or self.prepared.done(part):
            return
        self.start()
        self._submitted.add(str(part))
        self._tasks.put(str(part))

    def finish(self, timeout: float = 3600.0, say: Callable[[str], None] | None = None,
               interval: float = 30.0) -> None:
        """Waits for every submitted part file, then stops the processes; `say` hears where the wait
        is every `interval` seconds, so the end of a crawl is never silent for longer."""
        if not self._started:
            return
        waiting = len(self._submitted) - self._answered_so_far()
        alive = sum(p.is_alive() for p in self._procs)
        if alive == 0 or waiting > (PARTS_WORTH_A_WARM_UP + 1) * alive:
            # a helper that has prepared a file is up, its backend loaded: the warm-up of what is done here is left to it
            up = self.files > 0 or any(self.prepared.done(Path(p)) for p in self._submitted)
            waiting -= self._prepare_here(leave_warm_up=alive > 0 and up)
        for _ in self._procs:
            self._tasks.put(None)
        deadline = time.monotonic() + timeout
        said = answered_at = time.monotonic()
        while waiting:
            left = deadline - time.monotonic()
            try:
                # Polled every second: a helper killed while it held a file never answers for it, and the
                # run's end must not wait the whole timeout for that (the run's cleaning does that file).
                part, rows, error = self._results.get(timeout=max(0.01, min(left, 1.0)))
            except queue.Empty:
                if time.monotonic() - answered_at > STALLED:
                    # a helper that stopped answering holds one file; the files queued behind it are done here
                    answered_at = time.monotonic()
                    waiting -= self._prepare_here()
                    continue
                if not any(p.is_alive() for p in self._procs):
                    self.errors.append(f"a preparing helper died with {waiting} pages file(s) or grammar warm-up(s) "
                                       "unanswered")
                    break
                if left <= 0:
                    self.errors.append("a preparing worker stopped answering")  # the run's cleaning does the rest
                    break
                if interval > 0 and time.monotonic() - said >= interval:
                    said = time.monotonic()
                    if say is not None:
                        say(f"cleaning while crawling: {self.files}/{len(self._submitted)} "
                            "pages files prepared, waiting for the rest")
                continue
            except Exception:  # noqa: BLE001 - a dead worker: the run's cleaning does the rest
                self.errors.append("a preparing worker stopped answering")
                break
            waiting -= 1
            answered_at = time.monotonic()
            self._answered(part, rows, error)
        # Waiting is over (every part file is accounted for, or the timeout passed): a helper still importing its
        # libraries (a short crawl), or one that stopped answering, is stopped rather than waited for.
        ends = time.monotonic() + (0.5 if waiting == 0 or time.monotonic() >= deadline else 30)
        for p in self._procs:
            p.join(timeout=max(0.0, ends - time.monotonic()))
            if p.is_alive():
                p.terminate()

    def _answered(self, part: str | tuple[str, str], rows: int, error: str | None) -> None:
        if isinstance(part, tuple):  # a warm-up left to a helper: no file or row more
            if error:
                self.errors.append(f"{Path(part[1]).name} (grammar warm-up): {error}")
            return
        self.files += 1
        self.rows += rows
        if error:
            self.errors.append(f"{Path(part).name}: {error}")

    def _answered_so_far(self) -> int:
        """Takes the answers already in, without waiting; returns how many there are."""
        taken = 0
        while True:
            try:
                self._answered(*self._results.get_nowait())
            except queue.Empty:
                return taken
            except Exception:  # noqa: BLE001 - a dead worker: `finish` finds out and says so
                return taken
            taken += 1

    def _prepare_here(self, leave_warm_up: bool = False) -> int:
        """The crawl has ended, so its process would only wait: it prepares the part files no helper has
        taken yet, beside them (the core the crawl used is free now). Returns how many answers fewer there
        are to wait for.

        With `leave_warm_up`, the grammar backend's warm-up of those files is queued for the helpers, whose
        backend is loaded already: loading it here (Harper's dictionary: ~0.8 s of CPU) would cost more than
        the files' own warm-up, and the run's grammar step then finds every answer cached."""
        taken = 0
        warm = self._grammar.warm if self._grammar is not None else None
        left: list[str] = []
        try:
            while True:
                try:  # a short wait: what was put last may still be on its way into the queue
                    task = self._tasks.get(timeout=0.1)
                except queue.Empty:
                    break
                if task is None:  # a helper's stop sentinel, put after the files: none is left
                    self._tasks.put(None)
                    break
                taken += 1
                if isinstance(task, tuple):  # a warm-up queued earlier, back from helpers that stopped answering
                    try:
                        if warm is not None:
                            self.prepared.warm_up(Path(task[1]), warm)
                    except Exception as exc:  # noqa: BLE001 - the run's grammar step asks the backend itself
                        self.errors.append(f"{Path(task[1]).name} (grammar warm-up): {type(exc).__name__}: {exc}")
                    continue
                self.files += 1
                self.here += 1
                try:
                    self.rows += self.prepared.prepare(Path(task), self._read, self._segment,
                                                       None if leave_warm_up else warm)
                except Exception as exc:  # noqa: BLE001 - the run's cleaning computes what was not prepared
                    self.errors.append(f"{Path(task).name}: {type(exc).__name__}: {exc}")
                else:
                    if leave_warm_up and warm is not None:
                        left.append(task)
        finally:
            if taken:
                for step in self._segment:
                    step.close()
                if self._grammar is not None:
                    self._grammar.close()
        for part in left:
            self._tasks.put(("warm", part))
        return taken - len(left)

    def stop(self) -> None:
        """Stops at once (the crawl was interrupted); what was prepared stays."""
        for p in self._procs:
            if p.is_alive():
                p.terminate()
