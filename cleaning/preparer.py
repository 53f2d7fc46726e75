"""The background processes a crawl runs to prepare its pages part files as it writes them
(`crawler/prepare.py`); `cleaning/prepared.py` keeps their results for the run's cleaning."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cleaning.cli import skip_final_collection, tune_collector
from cleaning.helper_pool import HelperPool, HelperSide
from cleaning.memory import process_trimmer
from cleaning.storage.pandas_probe import answer_pandas_probe
from cleaning.prepared import PreparedPages
from cleaning.steps.base import Step
from cleaning.workers import Helpers, end_helpers, serve_segment, until_orphaned

# When the crawl ends, its core is free. With at least this many part files unanswered per helper, a helper
# that is up forks a sibling for them: a copy with the libraries and models loaded, so it starts at once (the
# crawl's own process, or a spawned one, first spends ~0.5 s of CPU on imports and models, ~3 files' work).
SIBLING_BACKLOG = 2
# A helper still starting when the crawl ends (a short crawl) has no models to copy yet: with a backlog of more
# files than this each, the crawl's process prepares them itself meanwhile, paying its own imports.
PARTS_WORTH_A_WARM_UP = 4
STALLED = 30.0  # seconds without an answer after which the crawl's process prepares the files still queued


# --- the background workers a crawl runs --------------------------------------------------------

def preload() -> None:
    """What a helper loads before it knows the run (cleaning/helper_pool.py): the steps' modules, and the models
    of the per-page steps no setting changes (extraction's libraries, the language model, the word table)."""
    from cleaning.steps import DetectLanguage, ExtractArticle, ListRareWords

    answer_pandas_probe()  # before anything could ask pyarrow about pandas (importing it: ~0.4 s)
    for step in (ExtractArticle(), DetectLanguage(), ListRareWords()):
        step.ready()


def _prepare_loop(prepared: PreparedPages, read: Any, segment: list[Step], grammar: Any, side: HelperSide) -> None:
    """A helper's life: the part files, then standing by for the run's cleaning (`_stand_by`)."""
    tasks, results, parent = side.tasks, side.results, side.parent
    skip_final_collection()  # the crawl waits for this process to end
    answer_pandas_probe()
    sibling = None
    finished = False
    try:
        # Started with the crawl, a helper has time before the first part file: it loads its models now.
        # A load that fails here fails again on the first file, where the error is reported per file.
        for step in [*segment, *([grammar] if grammar is not None else [])]:
            with contextlib.suppress(Exception):
                step.ready()
        tune_collector()  # what is loaded now stays for the helper's life (a sibling inherits it)
        for task in until_orphaned(tasks, parent):
            if sibling is None and _take_one(side.forks):
                sibling = _fork_sibling(prepared, read, segment, grammar, tasks, results)
            _prepare_one(task, prepared, read, segment, grammar, results)
        finished = True
    except KeyboardInterrupt:
        pass
    finally:
        if sibling is not None:
            if os.getppid() == parent:
                sibling.join()  # it takes the stop sentinel the crawl put for it
            else:
                sibling.terminate()  # the crawl is gone: nobody waits for the files
        for step in segment:
            step.close()
        if grammar is not None:
            grammar.close()
    if finished and os.getppid() == parent:
        _stand_by(side.control, side.serve_tasks, side.serve_results, parent)


def _stand_by(control: Any, tasks: Any, results: Any, parent: int) -> None:
    """Once the part files are done: the run's cleaning may lend this helper, warm, for its later per-document
    passes (`Standby`). Each segment of steps comes on `control`, its documents on `tasks`; None on `control`
    (or the crawl gone) ends it."""
    try:
        for steps in until_orphaned(control, parent):
            serve_segment(steps, tasks, results, parent)  # lets unread answers go if the crawl is gone
    except KeyboardInterrupt:
        pass


def _prepare_one(part: str, prepared: PreparedPages, read: Any, segment: list[Step], grammar: Any,
                 results: Any) -> None:
    try:
        rows = prepared.prepare(Path(part), read, segment, grammar.warm if grammar is not None else None)
    except Exception as exc:  # noqa: BLE001 - the run's cleaning computes what was not prepared
        results.put((part, 0, f"{type(exc).__name__}: {exc}", os.getpid()))
    else:
        results.put((part, rows, None, os.getpid()))
    # What extracting real pages leaves behind (garbage, free heap) is given back as the process grows
    # (cleaning/memory.py); after the answer, so that the crawl does not wait for it.
    process_trimmer().maybe()


def _take_one(forks: Any) -> bool:
    if forks.value <= 0:  # read without the lock first: this runs before every part file
        return False
    with forks.get_lock():
        if forks.value <= 0:
            return False
        forks.value -= 1
        return True


def _fork_sibling(prepared: PreparedPages, read: Any, segment: list[Step], grammar: Any, tasks: Any,
                  results: Any) -> Any:
    """A copy of this helper, its libraries and models loaded, that takes part files from the same queue: the
    crawl has ended with a backlog and its core is free (see SIBLING_BACKLOG). None if it cannot start."""
    try:
        # A helper is started as a daemon, so that it dies with the crawl, and multiprocessing refuses children to
        # daemons (they would be orphaned at its exit): this one joins or ends its sibling before it exits.
        multiprocessing.current_process().daemon = False
        proc = multiprocessing.get_context("fork").Process(
            target=_sibling_loop, args=(prepared, read, segment, grammar, tasks, results, os.getpid()), daemon=True)
        proc.start()
    except Exception:  # noqa: BLE001 - this helper does the backlog alone
        return None
    return proc


def _sibling_loop(prepared: PreparedPages, read: Any, segment: list[Step], grammar: Any, tasks: Any,
                  results: Any, parent: int) -> None:
    _die_with_parent()
    if grammar is not None:
        grammar.after_fork()
    try:
        for task in until_orphaned(tasks, parent):
            _prepare_one(task, prepared, read, segment, grammar, results)
    except KeyboardInterrupt:
        pass


def _die_with_parent() -> None:
    """Linux: the kernel ends this process when the helper that forked it dies (the crawl terminates a helper
    that stopped answering): a sibling stuck in a library call would otherwise outlive both, holding memory.
    Elsewhere the sibling ends once it sees its parent gone (`until_orphaned`)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Preparer:
    """Background processes that prepare pages part files as the crawl writes them."""

    def __init__(self, prepared: PreparedPages, read: Any, segment: list[Step], grammar: Any = None,
                 workers: int = 1, pool: HelperPool | None = None) -> None:
        """`pool`: helpers started already (`HelperPool(workers, preload)`, not yet assigned), else new ones, which
        are given their steps as they start (`start`) and load what the steps need then."""
        self.prepared = prepared
        self._read, self._segment, self._grammar = read, segment, grammar
        self._pool = pool if pool is not None and not pool.assigned else HelperPool(workers)
        side = self._pool.sides[0]
        self._tasks, self._results = side.tasks, side.results
        self._forks = side.forks  # siblings wanted (SIBLING_BACKLOG); the first helper to see it forks one
        self._control = [s.control for s in self._pool.sides]
        self._serve_tasks, self._serve_results = side.serve_tasks, side.serve_results
        self._procs = self._pool.procs
        self.standby: Standby | None = None  # the helpers, once `finish` has all their answers
        self._started = False
        self._submitted: set[str] = set()
        self.rows = self.files = 0
        self.here = 0  # part files the crawl's own process prepared, once the crawl had ended
        self.processes: set[int] = set()  # the processes that answered: helpers, a sibling
        self.errors: list[str] = []

    def start(self) -> None:
        """Starts the processes now, unless they are (before there is work: they import and load their models
        meanwhile), and gives them the steps."""
        if not self._started:
            self._pool.start()
            self._pool.assign(_prepare_loop, self.prepared, self._read, self._segment, self._grammar)
            self._started = True

    def submit(self, part: Path) -> None:
        if str(part) in self._submitted or self.prepared.done(part):
            return
        self.start()
        self._submitted.add(str(part))
        self._tasks.put(str(part))
        # The answers' pipe holds ~64 KiB: read what is in as the crawl goes, or a long crawl's helpers would
        # block on it until the crawl ends.
        self._answered_so_far()

    def finish(self, timeout: float = 3600.0, say: Callable[[str], None] | None = None,
               interval: float = 30.0, keep: bool = False) -> None:
        """Waits for every submitted part file, then stops the processes, or with `keep` leaves the helpers that
        answered standing by (`self.standby`, to be closed); `say` hears where the wait is every `interval`
        seconds, so the end of a crawl is never silent for longer."""
        if not self._started:
            return
        self._answered_so_far()
        waiting = len(self._submitted) - self.files  # every answer so far counted one file
        alive = sum(p.is_alive() for p in self._procs)
        up = self.files > 0 or any(self.prepared.done(Path(p)) for p in self._submitted)
        siblings = 0
        if alive == 0 or not up and waiting > (PARTS_WORTH_A_WARM_UP + 1) * alive:
            waiting -= self._prepare_here()
        elif waiting >= SIBLING_BACKLOG * alive:
            siblings = self._forks.value = 1  # one core more: the crawl's
        for _ in range(len(self._procs) + siblings):
            self._tasks.put(None)  # a stop sentinel each, the sibling's included
        deadline = time.monotonic() + timeout
        said = answered_at = time.monotonic()
        while waiting:
            left = deadline - time.monotonic()
            try:
                # Polled every second: a helper killed while it held a file never answers for it, and the
                # run's end must not wait the whole timeout for that (the run's cleaning does that file).
                answer = self._results.get(timeout=max(0.01, min(left, 1.0)))
            except queue.Empty:
                if time.monotonic() - answered_at > STALLED:
                    # a helper that stopped answering holds one file; the files queued behind it are done here
                    answered_at = time.monotonic()
                    waiting -= self._prepare_here()
                    continue
                if not any(p.is_alive() for p in self._procs):
                    self.errors.append(f"a preparing helper died with {waiting} pages file(s) "
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
            self._answered(*answer)
        warm = [i for i, p in enumerate(self._procs) if p.pid in self.processes]  # up: they answered
        if keep and waiting == 0 and warm:
            # Every file answered: the helpers that are up stand by for the run's cleaning; one still starting is
            # stopped, as below.
            for i, p in enumerate(self._procs):
                if i not in warm:
                    p.terminate()
            self.standby = Standby([self._control[i] for i in warm], self._serve_tasks, self._serve_results,
                                   [self._procs[i] for i in warm])
            return
        for control in self._control:
            control.put(None)  # no standing by: a helper ends after its files
        # Waiting is over (every part file is accounted for, or the timeout passed): a helper still importing its
        # libraries (a short crawl), or one that stopped answering, is stopped rather than waited for.
        ends = time.monotonic() + (0.5 if waiting == 0 or time.monotonic() >= deadline else 30)
        for p in self._procs:
            p.join(timeout=max(0.0, ends - time.monotonic()))
            if p.is_alive():
                p.terminate()

    def _answered(self, part: str, rows: int, error: str | None, pid: int) -> None:
        self.processes.add(pid)
        self.files += 1
        self.rows += rows
        if error:
            self.errors.append(f"{Path(part).name}: {error}")

    def _answered_so_far(self) -> None:
        """Takes the answers already in, without waiting."""
        while True:
            try:
                self._answered(*self._results.get_nowait())
            except queue.Empty:
                return
            except Exception:  # noqa: BLE001 - a dead worker: `finish` finds out and says so
                return

    def _prepare_here(self) -> int:
        """The crawl has ended, so its process would only wait: it prepares the part files no helper has
        taken yet, beside them (the core the crawl used is free now). Returns how many answers fewer there
        are to wait for."""
        taken = 0
        warm = self._grammar.warm if self._grammar is not None else None
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
                self.files += 1
                self.here += 1
                try:
                    self.rows += self.prepared.prepare(Path(task), self._read, self._segment, warm)
                except Exception as exc:  # noqa: BLE001 - the run's cleaning computes what was not prepared
                    self.errors.append(f"{Path(task).name}: {type(exc).__name__}: {exc}")
        finally:
            if taken:
                for step in self._segment:
                    step.close()
                if self._grammar is not None:
                    self._grammar.close()
        return taken

    def stop(self) -> None:
        """Stops at once (the crawl was interrupted); what was prepared stays."""
        for p in self._procs:
            if p.is_alive():
                p.terminate()


class Standby:
    """The preparing helpers once the crawl's part files are done, lent to the run's cleaning for its later
    per-document passes (`ProcessMapper(lender=...)`): warm, with their libraries and models loaded, they take
    documents at once, where a helper spawned for the pass spends ~0.5 s of CPU starting, about the length of
    a 1,000-page crawl's grammar pass. `close` ends them."""

    def __init__(self, control: list[Any], tasks: Any, results: Any, procs: list[Any]) -> None:
        self._control, self._procs = control, procs
        self.tasks, self.results = tasks, results
        self._usable = True

    def lend(self, steps: Sequence[Step]) -> Helpers | None:
        alive = [(p, c) for p, c in zip(self._procs, self._control) if p.is_alive()]
        if not self._usable or not alive:
            return None
        for _, control in alive:
            control.put(list(steps))
        return _Lent(self, [p for p, _ in alive])

    def retire(self, procs: list[Any]) -> None:
        """A map stopped half way: its helpers may still answer for it, so they are ended, never lent again."""
        self._usable = False
        end_helpers(procs, self.tasks)

    def close(self) -> None:
        """Ends the helpers (each finishes the document it holds, if any: none once a map is done)."""
        self._usable = False
        for p, control in zip(self._procs, self._control):
            if p.is_alive():
                control.put(None)
        ends = time.monotonic() + 2.0
        for p in self._procs:
            p.join(timeout=max(0.0, ends - time.monotonic()))
            if p.is_alive():
                p.terminate()


class _Lent:
    """The standing-by helpers during one map."""

    def __init__(self, standby: Standby, procs: list[Any]) -> None:
        self._standby, self.procs = standby, procs
        self.tasks, self.results = standby.tasks, standby.results
        self._done = False

    def done(self, answered: bool) -> None:
        for _ in self.procs:
            self.tasks.put(None)  # the end of this segment: each goes back to standing by
        self._done = True

    def release(self) -> None:
        if not self._done:
            self._standby.retire(self.procs)
