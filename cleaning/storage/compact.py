"""Compaction: merges each partition's small part files into one file per partition and run.

Merging only within a run keeps run ids in file names meaningful (a run's rows can
still be replaced by re-cleaning it). The merged file is written atomically, then
the small ones are removed.

The merged file records, in its Parquet key-value metadata (``compacted_from``, a
JSON list accumulated over compactions), the name and SHA-256 of every part it
holds. That tells the two kinds of part file found next to it apart:

* parts it already holds are leftovers of a crash between writing the merge and
  removing them: they are removed, nothing is merged twice;
* any other part is new (a resumed or continued run wrote it after the earlier
  compaction; it may even reuse an earlier part's name, as sequence numbers
  restart once the parts are gone): it is merged with the existing merged file
  into a new one, then removed.

A merged file written before ``compacted_from`` existed cannot say what it holds:
a part is then taken as a leftover only if every one of its rows is in it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cleaning.storage.datasets import OutputError, dataset_files, is_corruption, quarantine, write_table_atomic
from cleaning.storage.schemas import DATASETS, with_metadata

# Run ids never contain '-' (^[A-Za-z0-9_.]+$); the writer's tag may.
_PART = re.compile(r"^part-(?P<run>[^-]+)-(?P<tag>.+)-(?P<seq>\d+)\.parquet$")
COMPACTED_FROM = b"compacted_from"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read(path: Path, name: str) -> pa.Table:
    """A part file in the current schema, checksums verified (older schema versions upgraded on the way)."""
    from cleaning.storage.migrate import file_version, upgrade

    try:
        table = pq.read_table(path, partitioning=None, page_checksum_verification=True)
        return upgrade(name, file_version(table.schema), table).cast(DATASETS[name])
    except (OSError, pa.ArrowInvalid) as exc:
        if is_corruption(exc):
            raise quarantine(path.parents[2], path, exc) from None
        raise OutputError(f"cannot read {path}: {exc}") from None



def _compacted_from(merged: Path) -> list[dict[str, str]] | None:
    """What the merged file says it holds; None for a merged file from before the record was kept."""
    try:
        raw = (pq.read_schema(merged).metadata or {}).get(COMPACTED_FROM)
    except (OSError, pa.ArrowInvalid) as exc:
        raise OutputError(f"cannot read {merged}: {exc}") from None
    if raw is None:
        return None
    try:
        entries = json.loads(raw)
        return [{"name": str(e["name"]), "sha256": str(e["sha256"])} for e in entries]
    except (ValueError, TypeError, KeyError) as exc:
        raise OutputError(f"{merged}: unreadable {COMPACTED_FROM.decode()} metadata ({exc}); "
                          "move the file out of the dataset and retry") from None


def _row_keys(table: pa.Table) -> set[str]:
    return {repr(sorted(row.items())) for row in table.to_pylist()}


def _write_merged(name: str, table: pa.Table, merged: Path, entries: list[dict[str, str]]) -> None:
    schema = with_metadata(name)
    meta = {**(schema.metadata or {}), COMPACTED_FROM: json.dumps(entries, sort_keys=True).encode()}
    write_table_atomic(table.cast(schema.with_metadata(meta)), merged)


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
            small = sorted(f for f in files if f != merged)
            if not small:
                continue
            where = f"{name}/{partition.name} run {run_id}"
            digests = {f: _sha256(f) for f in small}
            held: list[dict[str, str]] = []
            new = small
            if merged.exists():
                record = _compacted_from(merged)
                if record is not None:
                    held = record
                    known = {(e["name"], e["sha256"]) for e in held}
                    leftovers = [f for f in small if (f.name, digests[f]) in known]
                else:  # a merged file from before the record: compare rows
                    merged_rows = _row_keys(_read(merged, name))
                    leftovers = [f for f in small if _row_keys(_read(f, name)) <= merged_rows]
                new = [f for f in small if f not in leftovers]
                # A crash between writing the merge and removing parts: the merge already holds them.
                for f in leftovers:
                    f.unlink()
                if leftovers:
                    yield f"{where}: finished an interrupted compaction ({len(leftovers)} files already merged)"
                if not new:
                    continue
                # Parts written after the earlier compaction: merged with it, never dropped.
                tables = [_read(merged, name)] + [_read(f, name) for f in new]
                label = f"{len(new)} new files + the merged file"
            else:
                if len(small) < min_files:
                    continue
                tables = [_read(f, name) for f in small]
                label = f"{len(small)} files"
            table = pa.concat_tables(tables)
            entries = held + [{"name": f.name, "sha256": digests[f]} for f in new]
            _write_merged(name, table, merged, entries)
            for f in new:
                f.unlink()
            yield f"{where}: {label} -> 1 ({table.num_rows} rows)"
