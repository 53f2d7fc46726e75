"""Deduplicate: duplicates go to the duplicates dataset, unchanged articles vanish, the rest get versions."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from cleaning.document import Document, Page
from cleaning.steps import Deduplicate
from cleaning.storage.datasets import PartitionedWriter, read_rows

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
RUN = "20260101T000000Z_dedupstep"


def _doc(i: int, body: str) -> Document:
    doc = Document(page=Page(url=f"https://a.example/{i}", status=200, fetched_at=T0))
    doc.article_id, doc.canonical_url, doc.body_original = f"{i:016x}", f"https://a.example/{i}", body
    return doc


def test_duplicates_leave_through_the_exclusion_writer(tmp_path: Path) -> None:
    text = " ".join(f"word{i} and more words {i * 3}" for i in range(60))
    docs = [_doc(1, text), _doc(2, text), _doc(3, "something else entirely " * 30)]
    writer = PartitionedWriter(tmp_path / "stage", "duplicates", RUN, tag="dedup")
    step = Deduplicate(tmp_path, RUN, duplicates=writer)
    step.open()
    kept = list(step.run(docs))  # a list is re-iterable, as the runner's spool is
    assert len(kept) == 2 and all(d.content_hash for d in kept)
    rows = list(read_rows(tmp_path / "stage", "duplicates"))
    assert len(rows) == 1 and rows[0]["kind"] == "exact" and rows[0]["duplicate_of"] in {d.article_id for d in kept}
    assert step.stats["duplicates_exact"] == 1 and step.stats["kept"] == 2
