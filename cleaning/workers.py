"""Runs a segment of per-document steps over a stream, in worker processes, keeping the input order.

Each worker process gets the segment's steps once, at start (pickled as the process's argument: no
module-level state), and runs every document it is given through them. At most `window` documents are
in flight, so a run larger than memory streams through. A document that makes a step raise is dropped
with the reason `error:<Exception>` and logged; a worker process that dies (killed, out of memory)
stops the run with a clear error instead of a hang. With one worker, the same code runs in-process.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from cleaning.document import Document
from cleaning.steps.base import Step

logger = logging.getLogger(__name__)

Result = tuple[Document | None, dict[str, Counter[str]]]


class WorkerDied(RuntimeError):
    """A cleaning worker process ended without finishing its documents."""


def run_segment(steps: Sequence[Step], doc: Document) -> Result:
    """One document through the segment's steps; the counts each step made for it."""
    out: Document | None = doc
    for step in steps:
        try:
            out = step.process(out)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - one bad page must never stop the run
            logger.exception("step %s failed on %s", step.name, doc.page.url)
            step.drop(doc, f"error:{type(exc).__name__}")
            out = None
        if out is None:
            break
    return out, {step.name: step.take_stats() for step in steps}


def _serve(steps: list[Step], tasks: Any, results: Any) -> None:
    try:
        for seq, doc in iter(tasks.get, None):
            results.put((seq, *run_segment(steps, doc)))
    except KeyboardInterrupt:  # the parent stops the run; nothing to say here
        pass
    finally:
        for step in steps:
            step.close()


class ProcessMapper:
    """`map(steps, docs)` -> (document or None, counts) per input document, in input order."""

    def __init__(self, workers: int = 1, window: int | None = None) -> None:
        self.workers = max(1, int(workers))
        self.window = window or self.workers * 8

    def map(self, steps: Sequence[Step], docs: Iterable[Document]) -> Iterator[Result]:
        if self.workers <= 1:
            try:
                for doc in docs:
                    yield run_segment(steps, doc)
            finally:
                for step in steps:
                    step.close()
            return
        yield from self._map_processes(list(steps), docs)

    def _map_processes(self, steps: list[Step], docs: Iterable[Document]) -> Iterator[Result]:
        # spawn, not fork: the crawl calls this from a process with reactor and server threads.
        ctx = multiprocessing.get_context("spawn")
        tasks, results = ctx.Queue(), ctx.Queue()
        procs = [ctx.Process(target=_serve, args=(steps, tasks, results), daemon=True) for _ in range(self.workers)]
        for p in procs:
            p.start()
        pending: dict[int, Result] = {}
        sent = done = 0
        source = iter(docs)
        exhausted = False
        try:
            while True:
                while not exhausted and sent - done < self.window:
                    try:
                        doc = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    tasks.put((sent, doc))
                    sent += 1
                if exhausted and done == sent:
                    break
                while done not in pending:
                    seq, out, stats = self._next_result(results, procs)
                    pending[seq] = (out, stats)
                yield pending.pop(done)
                done += 1
            for _ in procs:
                tasks.put(None)
            for p in procs:
                p.join(timeout=60)
        finally:
            for p in procs:
                if p.is_alive():
                    p.terminate()
                    p.join(timeout=5)
            tasks.close()
            results.close()

    @staticmethod
    def _next_result(results: Any, procs: list[Any]) -> tuple[int, Document | None, dict[str, Counter[str]]]:
        while True:
            try:
                return results.get(timeout=1.0)
            except queue.Empty:
                dead = [p for p in procs if not p.is_alive()]
                if dead:
                    raise WorkerDied(f"a cleaning worker process ended unexpectedly (exit code {dead[0].exitcode}); "
                                     "the pages are kept: run the cleaning again") from None
