"""Cleaning work done while the crawl still fetches, kept for the run's cleaning to use.

The flow's first per-document steps (extract -> repeated paragraphs -> language -> hash) need nothing
from the rest of the run, so a crawl runs them on each pages part file as soon as the file is written
(`crawler/prepare.py`, with the helper processes of `cleaning/preparer.py`), and keeps every page's result on disk; it also asks the
grammar backend about each body in a kept language then, so the answers are in the sentence cache when
the run's grammar step needs them. When the run is cleaned, `CachedMapper` hands those results to the
runner instead of computing them again: the same steps on the same rows give the same results (the
offline-rebuild test checks the rows are equal), in less wall time.

    OUTPUT_DIR/_prepared/RUN_ID/SIGNATURE/PART.spool   results, (key, document or None, counts) each
    OUTPUT_DIR/_prepared/RUN_ID/SIGNATURE/PART.index   key -> offset in the spool

SIGNATURE names the steps, their settings and the product version, so results made by other code or
settings are never used. A part file is prepared once, its two files written atomically (index last);
a crash leaves at most temporary files, which the next attempt replaces.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import json
import shutil
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from cleaning.document import Document
from cleaning.prepared_index import Key, PreparedIndex  # Key: (url, status, fetched_at ISO), one stored fetch
from cleaning.spool import DocumentSpool, read_at
from cleaning.steps.base import Step
from cleaning.storage.atomic import write_bytes_atomic
from cleaning.workers import Result, run_segment

logger = logging.getLogger(__name__)

PREPARED = "_prepared"


def page_key(doc: Document) -> Key:
    return (doc.page.url, int(doc.page.status), doc.page.fetched_at.isoformat())


def first_segment(steps: Sequence[Step]) -> list[Step]:
    """The first run of per-document steps of a flow: what can be done page by page, early."""
    start = next((i for i, s in enumerate(steps) if s.parallel), len(steps))
    segment = []
    for step in steps[start:]:
        if not step.parallel:
            break
        segment.append(step)
    return segment


def signature(segment: Sequence[Step]) -> str:
    """Names the steps, their settings and the product's version: what a result depends on."""
    try:
        product = version("health-crawl")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout that is not installed
        product = "unknown"
    parts = [product] + [f"{type(s).__module__}.{type(s).__qualname__}:"
                         f"{sorted((k, repr(v)) for k, v in vars(s).items() if k != 'stats')}" for s in segment]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


class PreparedPages:
    """The prepared results of one run's pages, for one segment signature."""

    def __init__(self, root: Path, run_id: str, segment: Sequence[Step]) -> None:
        self.root, self.run_id = Path(root), run_id
        self.names = [s.name for s in segment]
        self.dir = self.root / PREPARED / run_id / signature(segment)
        self._index: PreparedIndex | None = None
        self._held: set[str] = set()  # part files whose results the loaded index holds

    def done(self, part: Path) -> bool:
        return (self.dir / f"{part.name}.index").is_file()

    def spool_of(self, part: Path) -> Path:
        """Where the results of pages part file `part` are, once it is `done`."""
        return self.dir / f"{part.name}.spool"

    def prepare(self, part: Path, read: Any, segment: Sequence[Step], warm: Any = None) -> int:
        """Runs `segment` over every row of one pages part file and keeps the results; returns the rows done.

        `read` turns a row into a document (ReadPages.document); `warm(doc)`, if given, is called on each
        document that came through (the grammar cache warm-up)."""
        from cleaning.storage.migrate import iter_batches

        self.dir.mkdir(parents=True, exist_ok=True)
        spool_path = self.spool_of(part)
        tmp = self.dir / f".{part.name}.spool.tmp-{os.getpid()}"
        spool = DocumentSpool(tmp)
        offsets: dict[Key, int] = {}
        try:
            for table in iter_batches(part, "pages", None, 100):
                for row in table.to_pylist():
                    doc = read.document(row)
                    key = page_key(doc)
                    out, stats = run_segment(segment, doc)
                    if out is not None and warm is not None:
                        warm(out)
                    offsets[key] = spool.append((key, out, stats))
            spool.close()
            os.replace(tmp, spool_path)
        except BaseException:
            # A cache, rebuilt by the run's cleaning: on a full disk its half-written file must not keep the
            # space the pages (which cannot be rebuilt) need.
            with contextlib.suppress(OSError):
                spool.close()
            tmp.unlink(missing_ok=True)
            raise
        index = [[url, status, fetched, offset] for (url, status, fetched), offset in offsets.items()]
        write_bytes_atomic(self.dir / f"{part.name}.index", json.dumps(index).encode("utf-8"))
        return len(offsets)

    def get(self, key: Key) -> Result | None:
        """The prepared (document or None, counts) of one stored fetch, or None if it was not prepared."""
        found = self.find(key)
        return None if found is None else found[1]

    def find(self, key: Key) -> tuple[int, Result] | None:
        """(where it is, the prepared result) of one stored fetch, or None; `result_at(where)` reads it again."""
        found = self._loaded().find(key, read_at)
        if found is None:
            return None
        row, (_, out, stats) = found
        return row, (out, stats)

    def holds(self, part: Path) -> bool:
        """Whether every row of pages part file `part` has its result here (so its HTML need not be read)."""
        self._loaded()
        return part.name in self._held

    def result_at(self, where: int) -> Result:
        _, out, stats = self._loaded().read(where, read_at)
        return out, stats

    def _loaded(self) -> PreparedIndex:
        if self._index is None:
            self._index = self._load_index()
        return self._index

    def _load_index(self) -> PreparedIndex:
        # Compact (cleaning/prepared_index.py): the process that loads it runs the whole-run steps next.
        index = PreparedIndex()
        for path in sorted(self.dir.glob("*.index")):
            spool = path.with_suffix(".spool")
            try:
                entries = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                logger.warning("ignoring prepared results %s: %s", path, exc)
                continue
            if spool.is_file():
                index.add(spool, (((url, status, fetched), offset) for url, status, fetched, offset in entries))
                self._held.add(path.name.removesuffix(".index"))
        return index

    def remove(self) -> None:
        """Forgets the run's prepared results (once the run's cleaning is committed)."""
        shutil.rmtree(self.root / PREPARED / self.run_id, ignore_errors=True)
        try:
            (self.root / PREPARED).rmdir()
        except OSError:
            pass


class CachedMapper:
    """A mapper that takes prepared results where there are some, and maps the rest with `inner`.

    Results come out in input order, and never more than a few are held in memory: the prepared results
    stream straight from disk until the first document that was not prepared (usually there is none).
    From it on, `inner` (which reads ahead as far as it likes) maps the unprepared documents from a disk
    spool while an array (8 bytes a document) says, in input order, where each prepared result is. Holding
    the prepared results that `inner` read past instead had the cleaning process keep every document of
    the run in memory at once when all of them were prepared (issue 15: ~180 MiB for 20,000 articles)."""

    def __init__(self, inner: Any, prepared: PreparedPages) -> None:
        self.inner, self.prepared = inner, prepared
        self.hits = self.misses = 0

    def map(self, steps: Sequence[Step], docs: Iterable[Document]) -> Iterator[Result]:
        if [s.name for s in steps] != self.prepared.names:
            yield from self.inner.map(steps, docs)
            return
        source = iter(docs)
        for doc in source:
            found = self.prepared.find(page_key(doc))
            if found is None:
                self.misses += 1
                yield from self._from_first_miss(steps, doc, source)
                return
            self.hits += 1
            yield found[1]

    def _from_first_miss(self, steps: Sequence[Step], first: Document, rest: Iterator[Document]) -> Iterator[Result]:
        fd, name = tempfile.mkstemp(prefix=".misses-", suffix=".spool", dir=self.prepared.dir)
        os.close(fd)
        path = Path(name)
        plan = array("q", [MISS])  # per document from the first miss on: where its prepared result is, or MISS
        results: Iterator[Result] | None = None
        try:
            spool = DocumentSpool(path)
            spool.append(first)
            for doc in rest:
                found = self.prepared.find(page_key(doc))
                if found is None:
                    self.misses += 1
                    spool.append(doc)
                    plan.append(MISS)
                else:
                    self.hits += 1
                    plan.append(found[0])
            spool.close()
            results = iter(self.inner.map(steps, spool))
            for where in plan:
                if where == MISS:
                    result = next(results, None)
                    if result is None:  # pragma: no cover - a mapper yields one result per document
                        raise RuntimeError("the mapper returned fewer results than it was given documents")
                    yield result
                else:
                    yield self.prepared.result_at(where)
            if next(results, None) is not None:  # run to its end: the inner mapper stops its processes
                raise RuntimeError("the mapper returned more results than it was given documents")  # pragma: no cover
        finally:
            if results is not None and hasattr(results, "close"):
                results.close()  # stopped early (an error, the consumer gone): the inner mapper's processes too
            path.unlink(missing_ok=True)


MISS = -1
