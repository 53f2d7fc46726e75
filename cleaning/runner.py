"""Runs the cleaning flow (cleaning/flow.py) over one stored run: processes, spools, commit, manifest.

`scrapy crawl health` calls `clean_from` for its own run when it ends; `python -m cleaning run`
calls `clean_from` or `rebuild_all` offline, with the same result. The runner holds no step logic:
it opens the steps, streams documents through them (consecutive per-document steps in worker
processes, whole-run steps over a disk spool of their input), commits them, and records the outcome
in the run's manifest.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cleaning.document import Document
from cleaning.flow import cleaning_steps, summary_counts
from cleaning.memory import release_free_memory
from cleaning.options import CleanOptions
from cleaning.prepared import CachedMapper, PreparedPages, first_segment
from cleaning.progress import PASS_OF_STEP, PRIOR_GRAMMAR_SECONDS, RunProgress
from cleaning.signals import HeldSignals
from cleaning.spool import BufferedSpool
from cleaning.steps.base import Step
from cleaning.steps.read_pages import ReadPages
from cleaning.storage.datasets import ensure_writable
from cleaning.storage.manifests import RunManifestFile, now_utc
from cleaning.storage.pages import stored_runs
from cleaning.workers import ProcessMapper, Result

logger = logging.getLogger(__name__)

__all__ = ["CleanOptions", "CleanReport", "Mapper", "clean_from", "clean_run", "rebuild_all", "run_steps"]


class Mapper(Protocol):
    """Runs per-document steps over documents: (document or None, counts per step) in input order.

    `cleaning.workers.ProcessMapper` is the default; examples/dask_clean.py runs them on Dask."""

    def map(self, steps: Sequence[Step], docs: Iterable[Document]) -> Iterator[Result]: ...


@dataclass
class CleanReport:
    run_id: str
    counts: Counter[str] = field(default_factory=Counter)
    dropped_reasons: Counter[str] = field(default_factory=Counter)
    steps: dict[str, Counter[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    grammar_backend: str = ""
    seconds: float = 0.0

    @classmethod
    def of(cls, run_id: str, steps: list[Step], files: list[str], seconds: float) -> "CleanReport":
        report = cls(run_id, Counter(summary_counts(steps)), files=list(files), seconds=round(seconds, 3))
        for step in steps:
            report.steps[step.name] = Counter(step.stats)
            for key, n in step.stats.items():
                if key.startswith("dropped/"):
                    report.dropped_reasons[key.removeprefix("dropped/")] += n
                elif key.startswith("backend/") and n:
                    report.grammar_backend = key.removeprefix("backend/")
        return report

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it rebuilds a Counter from (key, value) pairs, counting the pairs.
        return {"run_id": self.run_id, "counts": dict(self.counts), "dropped_reasons": dict(self.dropped_reasons),
                "steps": {k: dict(v) for k, v in self.steps.items()}, "files": list(self.files),
                "grammar_backend": self.grammar_backend, "seconds": self.seconds}


# A whole-run step's input stays in memory up to this many bytes (estimated by `_document_bytes`), beyond it
# on disk. The documents of a 1,000-page crawl take ~10 MiB; a 20,000-page crawl spills, and the crawl's process
# stays within a 20,000-page run's memory bound (docs/benchmarks-crawl.md).
SPOOL_MEMORY_BYTES = 32 * 1024 * 1024


def _document_bytes(doc: Document) -> int:
    """What a document holds in memory, roughly: its texts and shingles (what grows with the page) and a
    fixed allowance for the objects and their small fields."""
    ex, fp = doc.extraction, doc.fingerprint
    n = 4096 + 512 * len(ex.hot_picks)
    n += sum(sys.getsizeof(t) for t in (doc.body_original, doc.body, ex.body, ex.title, doc.page.url))
    if fp is not None:
        n += getattr(fp.shingles, "nbytes", 0) + getattr(fp.signature, "nbytes", 0)
    return n + (0 if doc.rare_words is None else 64 * (len(doc.rare_words.rare) + len(doc.rare_words.unjudged)))


class _SpooledInput:
    """A whole-run step's input: the upstream stream held on first use (in memory while it is small, else on
    disk: `BufferedSpool`), then re-readable. Once it is all held, the step's pass begins (every pass before
    it is done)."""

    def __init__(self, upstream: Iterable[Document], path: Path, progress: RunProgress, pass_name: str) -> None:
        self.upstream, self.path, self.progress, self.pass_name = upstream, path, progress, pass_name
        self._spool: BufferedSpool | None = None

    def __iter__(self) -> Iterator[Document]:
        if self._spool is None:
            self._spool = BufferedSpool(self.path, SPOOL_MEMORY_BYTES, _document_bytes)
            n = 0
            for doc in self.upstream:
                self._spool.append(doc)
                n += 1
            self._spool.close()
            release_free_memory()  # what the passes before this one freed (module doc of cleaning.memory)
            self.progress.begin(self.pass_name, total=n)
        return iter(self._spool)


def _counted(docs: Iterable[Document], progress: RunProgress, pass_name: str,
             next_pass: str | None) -> Iterator[Document]:
    """A whole-run step's output, counted. Such a step does its work before its first document; from
    then on the per-document pass after it is what runs (it pulls these documents as it goes)."""
    first = True
    for doc in docs:
        if first:
            release_free_memory()  # the step's own whole-run work is done: what it freed goes back
        if first and next_pass is not None:
            done = progress.passes.get(pass_name)
            progress.begin(next_pass, total=done.total if done is not None else None)
        elif next_pass is None:
            progress.advance(pass_name)
        first = False
        yield doc


def _mapped(mapper: Mapper, segment: list[Step], docs: Iterable[Document],
            progress: RunProgress, source: Step | None = None) -> Iterator[Document]:
    by_name = {s.name: s for s in segment}
    pass_name = PASS_OF_STEP.get(segment[0].name, segment[0].name)
    for doc, stats in mapper.map(segment, docs):
        if source is not None:  # the source knows its size once it has started reading
            progress.expect(pass_name, getattr(source, "total", None))
            source = None
        progress.advance(pass_name, passed_on=doc is not None)
        for name, counts in stats.items():
            by_name[name].stats.update(counts)
        if doc is not None:
            yield doc


class _Upstream:
    """A step's input, re-iterable if the input is, counting the time spent producing its documents."""

    def __init__(self, docs: Iterable[Document]) -> None:
        self.docs, self.seconds = docs, 0.0

    def __iter__(self) -> Iterator[Document]:
        started = time.perf_counter()
        iterator = iter(self.docs)  # a spooled input reads all of its upstream here
        self.seconds += time.perf_counter() - started
        while True:
            started = time.perf_counter()
            doc = next(iterator, None)
            self.seconds += time.perf_counter() - started
            if doc is None:
                return
            yield doc


def _run_timed(step: Step, docs: Iterable[Document]) -> Iterator[Document]:
    """`step.run(docs)`, adding the time the step itself spends (not its input's) to its `seconds`."""
    upstream = _Upstream(docs)
    output = iter(step.run(upstream))
    while True:
        started, before = time.perf_counter(), upstream.seconds
        doc = next(output, None)
        step.stats["seconds"] += (time.perf_counter() - started) - (upstream.seconds - before)
        if doc is None:
            return
        yield doc


def run_steps(steps: list[Step], mapper: Mapper, stage: Path, progress: RunProgress | None = None) -> Iterator[Document]:
    """The stream out of the last step: consecutive parallel steps through `mapper`, whole-run steps
    over a spool of their input, the rest in this process; `progress` counts documents through the passes."""
    progress = progress or RunProgress("cleaning", None, interval=0)
    stream: Iterable[Document] = ()
    i = 0
    while i < len(steps):
        step = steps[i]
        if step.parallel:
            segment = [step]
            while i + len(segment) < len(steps) and steps[i + len(segment)].parallel:
                segment.append(steps[i + len(segment)])
            stream = _mapped(mapper, segment, stream, progress, source=steps[0] if i == 1 else None)
            i += len(segment)
            continue
        pass_name = PASS_OF_STEP.get(step.name, step.name)
        if step.whole_run:
            stream = _SpooledInput(stream, stage / f"{step.name}.spool", progress, pass_name)
        stream = _run_timed(step, stream)
        if step.whole_run:
            after = steps[i + 1] if i + 1 < len(steps) else None
            stream = _counted(stream, progress, pass_name,
                              PASS_OF_STEP.get(after.name) if after is not None and after.parallel else None)
        i += 1
    return iter(stream)


def _grammar_prior(options: CleanOptions) -> float | None:
    """The grammar pass's cost per article for the estimate of the time left, by the backend that will run
    (`auto` is LanguageTool when one is installed or named, else the offline backend)."""
    backend = options.grammar_backend
    if backend == "auto":
        from cleaning.grammar import languagetool_status

        backend = "languagetool" if languagetool_status(options.languagetool_url)[0] else "offline"
    return PRIOR_GRAMMAR_SECONDS.get(backend)


def clean_run(root: Path, run_id: str, options: CleanOptions | None = None, mapper: Mapper | None = None) -> CleanReport:
    """Cleans one run's pages into the derived datasets; re-running it replaces its rows."""
    options = options or CleanOptions()
    grammar = _grammar_prior(options)
    progress = RunProgress(f"cleaning {run_id}", None, interval=options.progress_interval, workers=options.workers,
                           prior={"grammar": grammar} if grammar is not None else None)
    with progress.heartbeat():  # from the first moment: never silent longer than the interval
        return _clean_run(Path(root), run_id, options, mapper, progress)


def _clean_run(root: Path, run_id: str, options: CleanOptions, mapper: Mapper | None,
               progress: RunProgress) -> CleanReport:
    ensure_writable(root)
    started = time.monotonic()
    manifest = RunManifestFile.open(root, run_id)
    held = HeldSignals()
    try:
        # In the try from the moment the manifest says "running": a signal that lands while the steps are
        # built must leave it saying "interrupted", not "running" for ever.
        manifest.update(cleaning={"status": "running", "started_at": now_utc()})
        stage = root / "_staging" / run_id
        shutil.rmtree(stage, ignore_errors=True)
        steps = cleaning_steps(root, run_id, stage, options)
        mapper = mapper or ProcessMapper(options.workers)
        prepared = PreparedPages(root, run_id, first_segment(steps))
        if prepared.dir.is_dir():  # the crawl did the first steps while it fetched (cleaning/prepared.py)
            mapper = CachedMapper(mapper, prepared)
            if isinstance(steps[0], ReadPages):
                steps[0].skip_bodies_of(prepared.holds)
        with contextlib.ExitStack() as stack:
            for step in steps:
                stack.callback(step.close)  # closed in reverse order, whatever happens
            for step in steps:
                step.open()  # a grammar backend may take a while to start: the heartbeat says so
            progress.begin("prepare")
            for _ in run_steps(steps, mapper, stage, progress):
                pass
            release_free_memory()
            progress.begin("write")
            with held.holding():  # a signal waits for the commit (and the manifest saying so) to be done
                for step in reversed(steps):  # the sink first: dedup state records only what was committed
                    step.commit()
    except BaseException as exc:
        # Nothing of this run was committed (or the commit is repaired by re-running): the datasets hold
        # what they held before. Say so, whatever stopped the run, Ctrl-C included.
        status = "interrupted" if isinstance(exc, KeyboardInterrupt) else f"failed: {type(exc).__name__}: {exc}"
        RunManifestFile.open(root, run_id).update(cleaning={"status": status, "finished_at": now_utc()})
        raise
    files = next((s.files for s in steps if hasattr(s, "files")), [])
    report = CleanReport.of(run_id, steps, files, time.monotonic() - started)
    if isinstance(mapper, CachedMapper):
        report.counts["prepared_while_crawling"] = mapper.hits
    prepared.remove()
    shutil.rmtree(stage, ignore_errors=True)
    with contextlib.suppress(OSError):
        stage.parent.rmdir()  # _staging/ itself, once no run is being cleaned
    manifest = RunManifestFile.open(root, run_id)
    manifest.update(cleaning={"status": "committed", "finished_at": now_utc(), **report.to_dict()})
    logger.info("cleaned run %s: %s; dropped %s", run_id, dict(report.counts), dict(report.dropped_reasons))
    held.deliver()
    return report


def clean_from(root: Path, run_id: str, options: CleanOptions | None = None, **kwargs: Any) -> list[CleanReport]:
    """Cleans `run_id` and then every later run, in order.

    A later run's versions and duplicates were decided against this run's rows, so re-cleaning this
    run alone could leave them inconsistent (an old text numbered as the newest version).
    """
    runs = stored_runs(Path(root))
    if run_id not in runs:
        raise ValueError(f"no pages of run {run_id!r} under {root}; stored runs: {', '.join(runs[-5:]) or 'none'}")
    return [clean_run(root, r, options, **kwargs) for r in runs[runs.index(run_id):]]


def rebuild_all(root: Path, options: CleanOptions | None = None, **kwargs: Any) -> list[CleanReport]:
    """Rebuilds every derived dataset from `pages/`, run by run, oldest first.

    Each run's rows are replaced when that run commits, never removed ahead: a rebuild stopped half way
    (Ctrl-C, a crash) leaves the runs it had not reached as they were. Dedup decides each run against the
    runs before it only, so their old rows further on do not matter (cleaning.dedup.store).
    """
    from cleaning.dedup.store import remove_dedup_state

    root = Path(root)
    runs = stored_runs(root)
    remove_dedup_state(root)
    return [clean_run(root, run_id, options, **kwargs) for run_id in runs]
