"""The sink: documents' rows to staged Parquet files; `commit` puts the run's files in place at once.

Staging keeps a run's rows invisible until the run is complete; the commit replaces the run's earlier
files (re-cleaning a run is idempotent). A crash inside the commit window is repaired by running the
same command again. Other steps may stage files of their own in the same folder (the duplicates that
`Deduplicate` hands on): the commit moves everything staged.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from cleaning.document import Document
from cleaning.steps.base import Step
from cleaning.storage.datasets import PartitionedWriter, dataset_files, remove_run_files
from cleaning.storage.schemas import DERIVED, PARTITION


class WriteDatasets(Step):
    name = "write"

    def __init__(self, root: Path, run_id: str, stage: Path) -> None:
        super().__init__()
        self.root, self.run_id, self.stage = Path(root), run_id, Path(stage)
        self.files: list[str] = []  # what the commit put in place, relative to root
        self._writers: dict[str, PartitionedWriter] = {}

    def staged_writer(self, name: str, tag: str) -> PartitionedWriter:
        """A writer of staged files, for a step that hands rows to the sink directly."""
        return PartitionedWriter(self.stage, name, self.run_id, tag=tag)

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            partition = doc.page.fetched_at.date().isoformat()
            for name, rows in doc.rows.items():
                if name not in self._writers:
                    self._writers[name] = self.staged_writer(name, "clean")
                for row in rows:
                    self._writers[name].write(row, partition)
            self.stats["documents"] += 1
            yield doc
        for writer in self._writers.values():
            writer.flush()

    def commit(self) -> None:
        for name in DERIVED:
            if not dataset_files(self.stage, name) and not dataset_files(self.root, name):
                # A first run with no rows of this kind: an empty typed file, so loading the dataset works.
                self.staged_writer(name, "clean").write_empty(datetime.now(timezone.utc).date().isoformat())
        remove_run_files(self.root, DERIVED, self.run_id)
        for name in DERIVED:
            for src in sorted((self.stage / name).glob(f"{PARTITION}=*/part-*.parquet")):
                dest = self.root / name / src.parent.name / src.name
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dest)
                self.files.append(str(dest.relative_to(self.root)))
        shutil.rmtree(self.stage, ignore_errors=True)
