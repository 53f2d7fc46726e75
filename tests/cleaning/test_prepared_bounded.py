"""The run's cleaning reads prepared results a few at a time, in input order, whatever was prepared."""

from __future__ import annotations

import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cleaning.document import Document
from cleaning.prepared import CachedMapper, PreparedPages
from cleaning.steps.base import Step
from cleaning.steps.read_pages import ReadPages
from cleaning.storage.datasets import PartitionedWriter, dataset_files
from cleaning.workers import ProcessMapper

RUN = "20260101T000000Z_bounded"
T0 = datetime(2026, 1, 1, 8, tzinfo=timezone.utc)
BODY = 10_000  # characters of each prepared body: what a document weighs


class Bulky(Step):
    """Gives each page a large body of its own, and counts where it ran."""

    name = "bulky"
    parallel = True

    def process(self, doc: Document) -> Document | None:
        self.stats["documents"] += 1
        doc.body_original = (doc.page.url + " ") * (BODY // (len(doc.page.url) + 1))
        return doc


def _store(root: Path, n: int, per_file: int) -> list[Path]:
    writer = PartitionedWriter(root, "pages", RUN, tag="crawl", rows_per_file=per_file)
    for i in range(n):
        writer.write({"url": f"https://a.example/{i}", "status": 200, "fetched_at": T0, "site": "",
                      "kind": "article", "content_type": "text/html", "body": b"<p>x</p>", "run_id": RUN},
                     "2026-01-01")
    writer.flush()
    return dataset_files(root, "pages", RUN)


def _prepared(root: Path, parts: list[Path]) -> PreparedPages:
    prepared = PreparedPages(root, RUN, [Bulky()])
    read = ReadPages(root, RUN)
    for part in parts:
        prepared.prepare(part, read, [Bulky()])
    return PreparedPages(root, RUN, [Bulky()])  # as the run's cleaning opens it: nothing loaded yet


def test_all_prepared_results_stream_without_being_held(tmp_path: Path) -> None:
    n = 1500  # ~15 MB of bodies if they were all held at once
    prepared = _prepared(tmp_path, _store(tmp_path, n, per_file=250))
    docs = list(ReadPages(tmp_path, RUN).run())
    mapper = CachedMapper(ProcessMapper(1), prepared)
    seen = 0
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for doc, stats in mapper.map([Bulky()], docs):
            assert doc.page.url == f"https://a.example/{seen}"  # input order
            assert stats == {"bulky": {"documents": 1, "seconds": stats["bulky"]["seconds"]}}
            seen += 1
            del doc, stats
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert (seen, mapper.hits, mapper.misses) == (n, n, 0)
    # A few documents at a time (~10 KB each), plus the index; holding them all took > 15 MB.
    assert peak < 3_000_000, f"peak {peak / 1e6:.1f} MB while streaming {n} prepared results"


@pytest.mark.parametrize("workers", [1, 2])
def test_pages_not_prepared_are_mapped_and_everything_keeps_input_order(tmp_path: Path, workers: int) -> None:
    parts = _store(tmp_path, 300, per_file=40)
    prepared = _prepared(tmp_path, [p for i, p in enumerate(parts) if i % 3 == 1])  # files 0, 2, 3, 5 ... not
    docs = list(ReadPages(tmp_path, RUN).run())
    expected = [(d.page.url, d.body_original) for d, _ in ProcessMapper(1).map([Bulky()], list(ReadPages(tmp_path, RUN).run()))]
    mapper = CachedMapper(ProcessMapper(workers), prepared)
    got = [(d.page.url, d.body_original) for d, _ in mapper.map([Bulky()], docs)]
    assert got == expected
    assert mapper.hits == sum(pq.ParquetFile(p).metadata.num_rows for i, p in enumerate(parts) if i % 3 == 1) == 100
    assert mapper.hits + mapper.misses == 300 and mapper.misses > 0
    assert not list(prepared.dir.glob(".misses-*"))  # the spool of pages to map is gone
