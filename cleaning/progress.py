"""Progress of a cleaning run over all its passes, with an estimate of the time left for all of them.

A run goes through five passes (`PASSES`, in cleaning/flow.py's order): prepare (extract, repeated
paragraphs, language, hash per page), dedup, vocabulary, grammar (grammar and rows per article) and
write (the commit). `RunProgress` counts the documents through each pass and logs a line at most every
`interval` seconds when documents flow, and, from a heartbeat thread, at least every `interval` seconds
when they do not (dedup deciding, a grammar backend starting, the commit): a long run is never silent
for longer than the interval.

The estimate covers the passes still to come: the current pass from its own measured rate, each later
pass from the documents expected to reach it times a prior cost per document (`PRIOR_SECONDS`, divided
among the worker processes for per-document passes). The prior is a rough guide, not a promise: it is
what the demo's step seconds measured (docs/operations.md, "Progress"), and real sites differ.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

logger = logging.getLogger("cleaning.progress")

PASSES: tuple[str, ...] = ("prepare", "dedup", "vocabulary", "grammar", "write")
# Each step of cleaning/flow.py belongs to one pass.
PASS_OF_STEP = {"read_pages": "prepare", "extract": "prepare", "repeated_paragraphs": "prepare",
                "language": "prepare", "hash": "prepare", "dedup": "dedup", "site_vocabulary": "vocabulary",
                "grammar": "grammar", "rows": "grammar", "write": "write"}
# Seconds one document costs one process in each pass, from the manifest's step seconds of demo runs
# (grammar: between the offline backend's ~0.13 s and LanguageTool's ~0.6 s per article).
PRIOR_SECONDS = {"prepare": 0.02, "dedup": 0.001, "vocabulary": 0.003, "grammar": 0.3, "write": 0.002}
# The grammar pass with the offline backend, or none (the demo's and extraction-dev's cold cost per article
# is 5-9 ms; LanguageTool's prior above is 30 times that)
PRIOR_GRAMMAR_SECONDS = {"offline": 0.01, "none": 0.001}
PARALLEL = frozenset({"prepare", "grammar"})  # spread over the run's worker processes


@dataclass
class _Pass:
    name: str
    total: int | None = None  # documents expected (None: not known yet)
    done: int = 0  # documents through the pass
    passed_on: int = 0  # of those, documents that went on to the next pass
    started: float | None = None
    ended: float | None = None


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class RunProgress:
    """Counts documents through the passes of one cleaning run and logs where it is (see the module doc).

    `advance(pass)` is cheap enough to call per document; a pass starts at its first `begin` or
    `advance`, and starting a pass ends every earlier one (whole-run passes read all of their input
    first, so the passes before them are done). `clock` stands in for time.monotonic in tests."""

    def __init__(self, label: str, pages: int | None, interval: float = 30.0, workers: int = 1,
                 clock: Callable[[], float] = time.monotonic, prior: dict[str, float] | None = None) -> None:
        self.label, self.interval, self.workers, self.clock = label, interval, max(1, workers), clock
        self.prior = {**PRIOR_SECONDS, **(prior or {})}
        self.passes = {name: _Pass(name) for name in PASSES}
        self.passes["prepare"].total = pages
        self.started = clock()
        self._last_line = self.started
        self._current: _Pass | None = None
        self._lock = threading.Lock()  # the heartbeat thread logs too
        self.lines = 0

    # -- counting ---------------------------------------------------------------------------------

    def begin(self, name: str, total: int | None = None) -> None:
        if name not in self.passes:  # a step outside the product's flow (a test's, an example's)
            return
        with self._lock:
            p = self._start(name)
            if total is not None:
                p.total = total
            self._maybe_log(force=True)

    def expect(self, name: str, total: int | None) -> None:
        """How many documents pass `name` will see, once that is known."""
        if name in self.passes and total is not None:
            self.passes[name].total = total

    def advance(self, name: str, passed_on: bool = True, n: int = 1) -> None:
        if name not in self.passes:
            return
        with self._lock:
            p = self._start(name)
            p.done += n
            p.passed_on += n if passed_on else 0
            self._maybe_log()

    def _start(self, name: str) -> _Pass:
        p = self.passes[name]
        if p.started is not None:
            return p
        now = self.clock()
        index = PASSES.index(name)
        for earlier in PASSES[:index]:
            e = self.passes[earlier]
            if e.started is not None and e.ended is None:
                e.ended = now
        if p.total is None and index:
            before = self.passes[PASSES[index - 1]]
            if before.started is not None:  # what the pass before handed on is what this one gets
                p.total = before.passed_on
        p.started = now
        self._current = p
        return p

    # -- logging ----------------------------------------------------------------------------------

    def beat(self) -> None:
        """The heartbeat: a line when none was logged for (about) an interval."""
        with self._lock:
            self._maybe_log(slack=0.1 * self.interval)

    def _maybe_log(self, force: bool = False, slack: float = 0.0) -> None:
        if self.interval <= 0:
            return
        now = self.clock()
        if force or now - self._last_line >= self.interval - slack:
            self._last_line = now
            self.lines += 1
            logger.info("%s", self.line(now))

    def line(self, now: float | None = None) -> str:
        now = self.clock() if now is None else now
        p = self._current
        if p is None:
            return f"{self.label}: starting{self._pages()}, passes {', '.join(PASSES)}"
        i = PASSES.index(p.name) + 1
        assert p.started is not None
        in_pass = now - p.started
        if p.done:
            count = f"{p.done}/{p.total}" if p.total is not None else f"{p.done}"
            rate = p.done / max(in_pass, 1e-9) * 60
            where = f"{count} documents ({rate:.0f}/min)"
        else:
            where = "started" if in_pass < 1 else f"under way for {_duration(in_pass)}"
        eta = self.seconds_left(now)
        left = (f"; about {_duration(eta)} to go in all (passes {', '.join(PASSES[i - 1:])})"
                if eta is not None else "")
        return f"{self.label}: pass {i}/{len(PASSES)} {p.name}: {where}, {_duration(now - self.started)} so far{left}"

    def _pages(self) -> str:
        total = self.passes["prepare"].total
        return "" if total is None else f" ({total} pages)"

    # -- the estimate -----------------------------------------------------------------------------

    def seconds_left(self, now: float | None = None) -> float | None:
        """Seconds the remaining passes should take (the current one included), or None when the run's
        size is not known yet."""
        now = self.clock() if now is None else now
        current = self._current or self.passes["prepare"]
        index = PASSES.index(current.name)
        if current.total is None:
            return None
        left_here = max(current.total - current.done, 0)
        if current.done and current.started is not None:
            per_doc = (now - current.started) / current.done  # measured: wall seconds, all workers together
        else:
            per_doc = self._prior(current.name)
        seconds = left_here * per_doc
        # Documents reaching the next passes: in the share the current pass has handed on so far.
        share = current.passed_on / current.done if current.done else 1.0
        expected = current.passed_on + left_here * share
        for name in PASSES[index + 1:]:
            later = self.passes[name]
            docs = later.total if later.total is not None else expected
            seconds += docs * self._prior(name)
        return seconds

    def _prior(self, name: str) -> float:
        return self.prior[name] / (self.workers if name in PARALLEL else 1)

    # -- the heartbeat ----------------------------------------------------------------------------

    @contextmanager
    def heartbeat(self) -> Iterator["RunProgress"]:
        """Runs `beat` in a thread while the block runs; the first line is logged at once."""
        with self._lock:
            self._maybe_log(force=True)
        if self.interval <= 0:
            yield self
            return
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(self.interval / 10):
                self.beat()

        thread = threading.Thread(target=beat, name="cleaning-progress", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join()
