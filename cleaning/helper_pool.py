"""Spawned helper processes started before their work is known, and told it later.

A crawl's preparing helpers (cleaning/preparer.py) spend ~1.5 s of CPU on imports and models before their first
page. Started by the crawl command (crawler/prepare.py: `prestart`), that start-up overlaps Scrapy's own (~0.4 s
of one core otherwise idle) instead of beginning when the spider opens; the run's steps, which need the run's
id, reach them then (`HelperPool.assign`). Queues and locks can only be handed to a process when it starts, so
the pool makes them first and each helper inherits its share (`HelperSide`)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cleaning.helper_logging import LogSetup, log_like_parent, parent_logging
from cleaning.workers import starting_helpers


class Answers:
    """The helpers' answers to the crawl: a pipe each of them writes whole messages to under a lock. Not a
    `multiprocessing.Queue`, whose writes go through a thread of the writing process: a sibling forked from a
    helper inherits that thread's state but not the thread, and its answers would never leave."""

    def __init__(self, ctx: Any) -> None:
        self._reader, self._writer = ctx.Pipe(duplex=False)
        self._lock = ctx.Lock()

    def put(self, answer: Any) -> None:
        with self._lock:
            self._writer.send(answer)

    def get(self, timeout: float) -> Any:
        if not self._reader.poll(timeout):
            raise queue.Empty
        return self._reader.recv()

    def get_nowait(self) -> Any:
        return self.get(0)


@dataclass
class HelperSide:
    """What one helper inherits: the shared work queue and answers, the fork allowance, its own control queue and
    the queues of the passes it may be lent to (cleaning/preparer.py: Standby), and its parent's pid."""

    tasks: Any
    results: Answers
    forks: Any
    control: Any
    serve_tasks: Any
    serve_results: Any
    parent: int


class HelperPool:
    """`workers` spawned processes that log as this process does (cleaning/helper_logging.py) and run `preload` at
    once, then wait for the function they are to run."""

    def __init__(self, workers: int, preload: Callable[[], None] | None = None) -> None:
        ctx = multiprocessing.get_context("spawn")  # the crawl has reactor and server threads: no fork
        n = max(1, workers)
        tasks, results = ctx.Queue(), Answers(ctx)
        forks = ctx.Value("i", 0)
        serve_tasks, serve_results = ctx.Queue(), ctx.Queue()
        # each helper has its own control queue, so that each takes exactly one segment of the steps lent
        self.sides = [HelperSide(tasks, results, forks, ctx.Queue(), serve_tasks, serve_results, os.getpid())
                      for _ in range(n)]
        pipes = [ctx.Pipe(duplex=False) for _ in range(n)]
        self._work = [writer for _, writer in pipes]
        self.procs = [ctx.Process(target=_helper, args=(reader, side, preload, parent_logging()), daemon=True)
                      for (reader, _), side in zip(pipes, self.sides)]
        self.started = self.assigned = False

    @property
    def size(self) -> int:
        return len(self.procs)

    def start(self) -> None:
        if not self.started:
            with starting_helpers():
                for p in self.procs:
                    p.start()
            self.started = True

    def assign(self, target: Callable[..., None], *args: Any) -> None:
        """Each helper runs `target(*args, its HelperSide)` (once; later calls are ignored). `target` and `args`
        are pickled as a process's arguments are."""
        if self.assigned:
            return
        self.assigned = True
        for writer in self._work:
            with contextlib.suppress(OSError):  # a helper already dead: the pool's user finds it not answering
                writer.send((target, args))

    def stop(self) -> None:
        for p in self.procs:
            if p.is_alive():
                p.terminate()
        for writer in self._work:
            writer.close()


def _helper(work: Any, side: HelperSide, preload: Callable[[], None] | None, logs: LogSetup | None) -> None:
    log_like_parent(logs)
    if preload is not None:
        with contextlib.suppress(Exception):  # a load that fails here fails again, reported, in the work itself
            preload()
    assignment = _assignment(work, side.parent)
    if assignment is not None:
        target, args = assignment
        target(*args, side)


def _assignment(work: Any, parent: int, poll: float = 1.0) -> tuple[Callable[..., None], tuple] | None:
    """The work, once given; None if the parent is gone or closed the pool first (a crawl that never opened)."""
    while os.getppid() == parent:
        try:
            if work.poll(poll):
                return work.recv()
        except (EOFError, OSError):
            return None
    return None
