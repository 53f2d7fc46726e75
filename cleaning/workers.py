"""Runs a segment of per-document steps over a stream, in worker processes, keeping the input order.

Each worker process gets the segment's steps once, at start (pickled as the process's argument: no
module-level state), and runs every document it is given through them. At most `window` documents are
in flight, so a run larger than memory streams through. A document that makes a step raise is dropped
with the reason `error:<Exception>` and logged; a worker process that dies (killed, out of memory)
stops the run with a clear error instead of a hang. With one worker, the same code runs in-process.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from cleaning.cli import skip_final_collection, tune_collector
from cleaning.storage.pandas_probe import answer_pandas_probe
from cleaning.document import Document
from cleaning.helper_logging import LogSetup, log_like_parent, parent_logging
from cleaning.steps.base import Step

logger = logging.getLogger(__name__)

Result = tuple[Document | None, dict[str, Counter[str]]]


class WorkerDied(RuntimeError):
    """A cleaning worker process ended without finishing its documents."""


def run_segment(steps: Sequence[Step], doc: Document) -> Result:
    """One document through the segment's steps; the counts each step made for it."""
    out: Document | None = doc
    for step in steps:
        started = time.perf_counter()
        try:
            out = step.process(out)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - one bad page must never stop the run
            logger.exception("step %s failed on %s", step.name, doc.page.url)
            step.drop(doc, f"error:{type(exc).__name__}")
            out = None
        step.stats["seconds"] += time.perf_counter() - started  # where the time goes (manifest, report)
        if out is None:
            break
    return out, {step.name: step.take_stats() for step in steps}


def until_orphaned(tasks: Any, parent: int, poll: float = 1.0) -> Iterator[Any]:
    """A helper process's tasks, until the stop sentinel (None) or until its parent (`parent`, the pid the
    parent gave it: a parent killed while the helper still imported its libraries is gone before the helper
    could ask) is gone: a parent killed with SIGKILL (the OOM killer, a scheduler) sends no sentinel, and a
    helper blocked on its queue would otherwise stay alive, holding its memory, forever."""
    if os.getppid() != parent:
        return
    while True:
        try:
            task = tasks.get(timeout=poll)
        except queue.Empty:
            if os.getppid() != parent:
                return
            continue
        if task is None:
            return
        yield task


def serve_segment(steps: Sequence[Step], tasks: Any, results: Any, parent: int) -> None:
    """Runs each (seq, document) of `tasks` through `steps`, answering on `results`, until the stop sentinel or
    until the parent is gone; closes the steps then."""
    try:
        for seq, doc in until_orphaned(tasks, parent):
            results.put((seq, *run_segment(steps, doc)))
    finally:
        let_go_if_orphaned(results, parent)
        for step in steps:
            step.close()


def let_go_if_orphaned(results: Any, parent: int) -> None:
    """With the parent gone, nobody will read the answers still buffered for `results`."""
    if os.getppid() != parent:
        drop_undelivered(results)


def end_helpers(procs: Sequence[Any], tasks: Any) -> None:
    """Ends a map's helpers at once (a map stopped half way, or one whose helpers are not kept) and drops what was
    still on its way to them."""
    for p in procs:
        if p.is_alive():
            p.terminate()
            p.join(timeout=5)
    drop_undelivered(tasks)


def drop_undelivered(channel: Any) -> None:
    """What this process still has buffered for `channel` (a `multiprocessing.Queue`) is dropped at its exit, not
    handed over: nobody will read it. Such a queue joins its feeder thread at exit, which waits for ever on a full
    pipe whose reading end this process itself holds: a helper whose parent was killed, and a map stopped while a
    document was still on its way to a helper (Ctrl-C while a helper was still starting hung `python -m cleaning
    run`)."""
    cancel = getattr(channel, "cancel_join_thread", None)
    if cancel is not None:
        cancel()


def _serve(steps: list[Step], tasks: Any, results: Any, parent: int, logs: LogSetup | None = None) -> None:
    log_like_parent(logs)
    skip_final_collection()  # the parent waits for this process to end
    tune_collector()  # the steps' libraries came with its arguments
    answer_pandas_probe()
    try:
        serve_segment(steps, tasks, results, parent)
    except KeyboardInterrupt:  # the parent stops the run; nothing to say here
        pass


@contextlib.contextmanager
def sigint_ignored() -> Iterator[None]:
    """Processes started meanwhile ignore SIGINT for life (an ignored signal stays ignored across exec): a
    terminal's Ctrl-C reaches the whole process group, and the process that started them, not each helper,
    decides what it means (crawler/interrupts.py, cleaning/signals.py) and ends them itself. A helper
    interrupted while starting printed a traceback."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


@contextlib.contextmanager
def starting_helpers() -> Iterator[None]:
    """Spawned processes started meanwhile ignore SIGINT (`sigint_ignored`) and do not run this process's main
    module first. multiprocessing has each spawned child import the parent's main script or module (as
    `__mp_main__`) so that functions defined there unpickle; a helper's functions and steps all live in the
    product's importable modules (none is defined in a main script), and the main script of `scrapy crawl`
    (the console script) or of Scrapyd's runner imports all of Scrapy and Twisted: ~0.3 s of CPU in every
    helper before its first page, on a core the crawl needs."""
    main = sys.modules.get("__main__")
    # multiprocessing.spawn.get_preparation_data reads both, in Process.start()
    file = main.__dict__.pop("__file__", None) if main is not None else None
    spec = getattr(main, "__spec__", None)
    if spec is not None:
        main.__spec__ = None
    try:
        with sigint_ignored():
            yield
    finally:
        if file is not None:
            main.__file__ = file
        if spec is not None:
            main.__spec__ = spec


class Helpers(Protocol):
    """The helper processes of one `ProcessMapper.map`: where its tasks go, where their answers come from."""

    tasks: Any  # (seq, document) in; the stop sentinel None, one per helper, once every answer is in
    results: Any  # (seq, document or None, counts) out
    procs: list[Any]  # for `is_alive`: a dead helper stops the map with `WorkerDied`

    def done(self, answered: bool) -> None:
        """Every answer is in: the helpers' part of this map ends (`answered`: at least one of them answered)."""

    def release(self) -> None:
        """Whatever happened (an error, the consumer gone): nothing of this map goes on running."""


class HelperLender(Protocol):
    def lend(self, steps: Sequence[Step]) -> Helpers | None:
        """Helpers already running, given `steps`; None when there are none to lend."""


class _Spawned:
    """Helpers started for one map (spawn, not fork: the crawl maps from a process with reactor and server
    threads); they import the steps' libraries first."""

    def __init__(self, steps: list[Step], n: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.tasks, self.results = ctx.Queue(), ctx.Queue()
        logs = parent_logging()
        self.procs = [ctx.Process(target=_serve, args=(steps, self.tasks, self.results, os.getpid(), logs),
                                  daemon=True) for _ in range(n)]
        with starting_helpers():
            for p in self.procs:
                p.start()

    def done(self, answered: bool) -> None:
        for _ in self.procs:
            self.tasks.put(None)
        # Every result is in, so a helper has nothing left of this run: an idle one ends at once, and one
        # still importing its libraries (a small run, or a pass shorter than a helper's start) is not waited
        # for but stopped by `release`; when none has answered yet, none is up to read its sentinel.
        ends = time.monotonic() + (0.5 if answered else 0.0)
        for p in self.procs:
            p.join(timeout=max(0.0, ends - time.monotonic()))

    def release(self) -> None:
        end_helpers(self.procs, self.tasks)
        self.tasks.close()
        self.results.close()


class ProcessMapper:
    """`map(steps, docs)` -> (document or None, counts) per input document, in input order.

    `workers` processes clean: this one and `workers - 1` spawned helpers. This process never waits
    idle: while the helpers start (importing the extraction and grammar libraries takes seconds) or are
    busy, it cleans the next document itself, and once the input is all handed out it takes back the
    documents no helper has started, so a small run costs no start-up and a large one uses every core.
    """

    def __init__(self, workers: int = 1, per_helper: int = 4, max_pending: int = 64,
                 lender: HelperLender | None = None) -> None:
        self.workers = max(1, int(workers))
        # Warm helpers to use instead of spawning new ones (a crawl's preparing helpers: cleaning/preparer.py)
        self.lender = lender
        self.per_helper = per_helper  # documents in flight per helper, once it has answered
        self.max_pending = max_pending  # results held back waiting for an earlier one

    def map(self, steps: Sequence[Step], docs: Iterable[Document]) -> Iterator[Result]:
        if self.workers <= 1:
            try:
                for doc in docs:
                    yield run_segment(steps, doc)
            finally:
                for step in steps:
                    step.close()
            return
        yield from self._map_with_helpers(list(steps), docs)

    def _map_with_helpers(self, steps: list[Step], docs: Iterable[Document]) -> Iterator[Result]:
        source = iter(docs)
        try:
            first = next(source)
        except StopIteration:
            return  # nothing to do: no process started
        source = itertools.chain([first], source)
        lent = self.lender.lend(steps) if self.lender is not None else None
        pool: Helpers = lent if lent is not None else _Spawned(steps, self.workers - 1)
        tasks, results, procs = pool.tasks, pool.results, pool.procs
        helpers = len(procs)
        pending: dict[int, Result] = {}
        taken = done = in_flight = answered = 0
        exhausted = False

        def receive(seq: int, out: Document | None, stats: dict[str, Counter[str]]) -> None:
            nonlocal in_flight, answered
            pending[seq] = (out, stats)
            in_flight -= 1
            answered += 1

        try:
            while True:
                while True:  # what the helpers finished meanwhile
                    try:
                        receive(*results.get_nowait())
                    except queue.Empty:
                        break
                # A helper gets one document until it has answered once (it may still be starting).
                limit = helpers * self.per_helper if answered else helpers
                while not exhausted and in_flight < limit and len(pending) < self.max_pending:
                    doc = next(source, None)
                    if doc is None:
                        exhausted = True
                        break
                    tasks.put((taken, doc))
                    taken += 1
                    in_flight += 1
                if done in pending:
                    yield pending.pop(done)
                    done += 1
                    continue
                if exhausted and done == taken:
                    break
                if not exhausted and len(pending) < self.max_pending:
                    doc = next(source, None)
                    if doc is None:
                        exhausted = True
                        continue
                    pending[taken] = run_segment(steps, doc)  # this process cleans too
                    taken += 1
                    continue
                # With the results held back full, the one they wait for is a helper's: taken back too (it is
                # the oldest in the queue), or a helper still starting holds the whole run up until it is up.
                if len(pending) < self.max_pending or in_flight:
                    try:  # rather than wait, take back a document no helper has started (one still starting up)
                        seq, doc = tasks.get_nowait()
                    except queue.Empty:
                        pass
                    else:
                        in_flight -= 1
                        pending[seq] = run_segment(steps, doc)
                        continue
                # A short wait while a helper holds a document (one it has not started may still be taken back;
                # what was just put may not be in the queue yet), a longer one once none does.
                got = self._next_result(results, procs, 0.05 if in_flight else 1.0)
                if got is not None:
                    receive(*got)
            pool.done(answered > 0)
            logger.debug("mapped %d documents, %d of them by %d %s helpers", taken, answered, helpers,
                        "lent" if lent is not None else "spawned")
        finally:
            pool.release()
            for step in steps:
                step.close()

    @staticmethod
    def _next_result(results: Any, procs: list[Any],
                     timeout: float) -> tuple[int, Document | None, dict[str, Counter[str]]] | None:
        """A helper's next result, or None if none came within `timeout` seconds (and every helper lives)."""
        try:
            return results.get(timeout=timeout)
        except queue.Empty:
            dead = [p for p in procs if not p.is_alive()]
            if dead:
                raise WorkerDied(f"a cleaning worker process ended unexpectedly (exit code {dead[0].exitcode}); "
                                 "the pages are kept: run the cleaning again") from None
            return None
