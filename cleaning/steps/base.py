"""What a cleaning step is: one job over a stream of documents, with its own counts.

    class Step:
        def run(self, docs) -> docs      # yields the documents that go on

A step that drops a document records why (`drop`) and does not yield it. Per-document steps
(`parallel = True`) implement `process(doc)` and may run in worker processes: they are pickled once
per process, so they hold settings and open what they need on first use. Steps that need every
document of the run before they can yield one (`whole_run = True`, e.g. dedup) get a re-iterable input
and run in the main process; they change documents only in their last reading of it (a small run's input is
held in memory, so an earlier reading would see the change: cleaning/spool.py). `open`, `commit` and `close` frame a run: the runner opens every step
before the first document, commits them in reverse order once every document went through (the last
step, which writes the datasets, first), and closes them whatever happened.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import ClassVar

from cleaning.document import Document


class Step:
    name: ClassVar[str] = "step"
    parallel: ClassVar[bool] = False  # per-document, may run in worker processes
    whole_run: ClassVar[bool] = False  # reads all of its input before yielding (gets a re-iterable input)

    def __init__(self) -> None:
        self.stats: Counter[str] = Counter()

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            out = self.process(doc)
            if out is not None:
                yield out

    def process(self, doc: Document) -> Document | None:  # pragma: no cover - interface
        raise NotImplementedError(f"{type(self).__name__} processes whole streams only")

    def drop(self, doc: Document, reason: str) -> None:
        """Records why `doc` leaves the flow; the caller returns None (or does not yield it)."""
        doc.dropped = reason
        self.stats[f"dropped/{reason}"] += 1
        return None

    def take_stats(self) -> Counter[str]:
        """The counts since the last call (worker processes send these back with each document)."""
        stats, self.stats = self.stats, Counter()
        return stats

    def open(self) -> None:
        """Main-process set-up before the first document (start a server, read earlier state)."""

    def ready(self) -> None:
        """Loads now what the first document would make a process load (a model, a linter): a worker
        started ahead of its work calls it while it waits, so that cost is not on the first document."""

    def commit(self) -> None:
        """Makes the step's results durable once every document went through."""

    def close(self) -> None:
        """Releases what the step opened, in each process it ran in; called whatever happened."""
