"""WriteDatasets and MakeRows: rows staged, then committed together; a re-run replaces the run's files."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from cleaning.document import Document, Extraction, HotPick, Page
from cleaning.steps import MakeRows, WriteDatasets
from cleaning.storage.datasets import dataset_files

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
RUN = "20260101T000000Z_writestep"


def _doc(i: int) -> Document:
    doc = Document(page=Page(url=f"https://a.example/{i}", status=200, fetched_at=T0, site="a"),
                   extraction=Extraction(title=f"T{i}", hot_picks=[HotPick(rank=1, title="Other", url="https://a.example/o")]))
    doc.article_id = f"{i:016x}"
    doc.body = doc.body_original = f"Body {i}."
    return doc


def _write(root: Path, docs: list[Document]) -> WriteDatasets:
    rows, write = MakeRows(RUN), WriteDatasets(root, RUN, root / "_staging" / RUN / "out")
    before = dataset_files(root, "articles", RUN)
    list(write.run(rows.run(docs)))
    assert dataset_files(root, "articles", RUN) == before, "rows must stay staged until the commit"
    write.commit()
    return write


def test_rows_are_committed_together_and_replace_the_runs_earlier_files(tmp_path: Path) -> None:
    write = _write(tmp_path, [_doc(1), _doc(2)])
    assert sorted(pd.read_parquet(tmp_path / "articles")["title"]) == ["T1", "T2"]
    assert len(pd.read_parquet(tmp_path / "hot_picks")) == 2
    assert len(pd.read_parquet(tmp_path / "duplicates")) == 0  # an empty typed file: the dataset loads
    assert any(f.startswith("articles/crawl_date=2026-01-01/") for f in write.files)
    _write(tmp_path, [_doc(3)])
    assert list(pd.read_parquet(tmp_path / "articles")["title"]) == ["T3"]
