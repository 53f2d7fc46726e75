"""Compaction: merges each partition's small part files into one file per partition and run.

Merging only within a run keeps run ids in file names meaningful (a run's rows can
still be replaced by re-cleaning it). The merged file is written atomically, then
the small ones are removed; a crash between the two steps leaves both, and the
next `compact` finishes the job by removing the parts the merged file holds.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cleaning.datasets import dataset_files, write_table_atomic
from cleaning.schemas import DATASETS, with_metadata

_PART = re.compile(r"^part-(?P<run>.+)-(?P<tag>[^-]+)-(?P<seq>\d+)\.parquet$")


def compact(root: Path, dataset: str | None = None, min_files: int = 2) -> Iterator[str]:
    """Yields one line per merged partition and run."""
    names = [dataset] if dataset else list(DATASETS)
    for name in names:
        if name not in DATASETS:
            raise ValueError(f"unknown dataset {name!r}; known: {sorted(DATASETS)}")
        groups: dict[tuple[Path, str], list[Path]] = defaultdict(list)
        for path in dataset_files(root, name):
            m = _PART.match(path.name)
            if m:
                groups[(path.parent, m.group("run"))].append(path)
        for (partition, run_id), files in sorted(groups.items()):
            merged = partition / f"part-{run_id}-compacted-00000.parquet"
            small = [f for f in files if f != merged]
            if merged.exists() and small:
                # A crash between writing the merge and removing parts: the merge already holds them.
                for f in small:
                    f.unlink()
                yield f"{name}/{partition.name} run {run_id}: finished an interrupted compaction"
                continue
            if len(small) < min_files:
                continue
            table = pa.concat_tables(pq.read_table(f, partitioning=None) for f in sorted(small))
            write_table_atomic(table.cast(with_metadata(name)), merged)
            for f in small:
                f.unlink()
            yield f"{name}/{partition.name} run {run_id}: {len(small)} files -> 1 ({table.num_rows} rows)"
