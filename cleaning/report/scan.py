"""Bounded-memory scans of a run's dataset files for its report: record batches of the needed columns,
value counts, a distinct counter that turns approximate past a cap, and the k smallest ids (the sample)."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleaning.storage.atomic import OutputError
from cleaning.storage.datasets import dataset_files
from cleaning.storage.migrate import columns_to_read, file_version, upgrade
from cleaning.storage.schemas import SCHEMA_VERSION

BATCH_ROWS = 2000
EXACT_DISTINCT_CAP = 200_000  # distinct ids counted exactly up to here, estimated (HyperLogLog) past it


class DistinctCounter:
    """Distinct values, exactly up to `cap`, then estimated by a HyperLogLog (bounded memory)."""

    def __init__(self, cap: int = EXACT_DISTINCT_CAP) -> None:
        self.cap = cap
        self.exact: set[str] | None = set()
        self.hll: Any = None

    def update(self, values: list[str]) -> None:
        if self.exact is not None:
            self.exact.update(values)
            if len(self.exact) <= self.cap:
                return
            from datasketch import HyperLogLogPlusPlus

            self.hll = HyperLogLogPlusPlus(p=14)
            for v in self.exact:
                self.hll.update(v.encode())
            self.exact = None
            return
        for v in values:
            self.hll.update(v.encode())

    @property
    def approximate(self) -> bool:
        return self.exact is None

    def count(self) -> int:
        return len(self.exact) if self.exact is not None else int(round(self.hll.count()))


def batches(root: Path, name: str, run_id: str, columns: list[str]) -> Iterator[tuple[Path, int, pa.Table]]:
    """(file, first row number, batch) over a run's files of a dataset, in the current schema."""
    for path in dataset_files(root, name, run_id):
        try:
            pf = pq.ParquetFile(path, page_checksum_verification=True)
            version = file_version(pf.schema_arrow)
            start = 0
            for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=columns_to_read(name, version, columns)):
                table = pa.Table.from_batches([batch])
                if version != SCHEMA_VERSION:
                    table = upgrade(name, version, table, columns)
                yield path, start, table
                start += table.num_rows
        except (OSError, pa.ArrowInvalid) as exc:
            raise OutputError(f"cannot read {path} for the report of run {run_id}: {exc}") from None


def true_count(mask: pa.Array | pa.ChunkedArray) -> int:
    return int(pc.sum(pc.fill_null(mask, False)).as_py() or 0)


def value_counts(values: pa.Array | pa.ChunkedArray, into: Counter[Any], none: Any = "(none)") -> None:
    for entry in pc.value_counts(values).to_pylist():
        into[entry["values"] if entry["values"] is not None else none] += entry["counts"]


class Smallest:
    """The k smallest keys seen (article ids are hashes, so the smallest ones are a fair, stable sample)."""

    def __init__(self, k: int) -> None:
        self.k, self.heap, self.seen = k, [], set()  # heap of negated order: max-heap of kept keys

    def offer(self, key: str, value: Any) -> None:
        if key in self.seen or self.k <= 0:
            return
        if len(self.heap) < self.k:
            heapq.heappush(self.heap, (_Neg(key), value))
            self.seen.add(key)
        elif key < self.heap[0][0].key:
            dropped, _ = heapq.heapreplace(self.heap, (_Neg(key), value))
            self.seen.discard(dropped.key)
            self.seen.add(key)

    def items(self) -> list[tuple[str, Any]]:
        return sorted((n.key, v) for n, v in self.heap)


def below(ids: pa.ChunkedArray, keep: Smallest, mask: pa.ChunkedArray | None) -> list[int]:
    """Row numbers of the batch that could enter `keep` (its k smallest ids so far), found column-wise."""
    ok = pc.is_valid(ids) if mask is None else pc.and_(pc.is_valid(ids), mask)
    if len(keep.heap) >= keep.k:
        ok = pc.and_(ok, pc.less(ids, keep.heap[0][0].key))
    rows = pc.indices_nonzero(pc.fill_null(ok, False))
    if len(rows) > keep.k:  # only the k smallest of this batch can matter
        rows = rows.take(pc.array_sort_indices(ids.take(rows))[:keep.k])
    return rows.to_pylist()


class _Neg:
    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    def __lt__(self, other: _Neg) -> bool:
        return self.key > other.key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Neg) and self.key == other.key
