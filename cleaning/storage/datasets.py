"""Atomic, partitioned Parquet writing and streaming reading of the datasets.

Layout: ROOT/<dataset>/crawl_date=YYYY-MM-DD/part-<run_id>-<tag>-<seq>.parquet.
Every file is written under a dot-prefixed temporary name (ignored by pyarrow,
pandas, DuckDB and Polars readers) and renamed into place once complete, so a
killed process never leaves a partial file where readers look.
"""

from __future__ import annotations

import logging
import errno
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cleaning.storage.atomic import OutputError, write_atomic
from cleaning.storage.schemas import DATASETS, PARTITION, with_metadata

logger = logging.getLogger(__name__)


# No '-' in a run id: file names are part-<run_id>-<tag>-<seq>.parquet, and a run id that is a prefix of
# another ("site" and "site-2") must never select the other's files.
RUN_ID_RE = re.compile(r"^[A-Za-z0-9_.]{1,64}$")


def check_run_id(run_id: str) -> str:
    """Returns `run_id` if it is a valid run id, else raises ValueError saying what is allowed."""
    if not isinstance(run_id, str) or not RUN_ID_RE.match(run_id):
        raise ValueError(f"invalid run id {run_id!r}: use 1-64 letters, digits, '_' or '.' (no '-')")
    return run_id


def ensure_writable(root: Path, what: str = "output directory") -> None:
    """Fails early, naming the path, when the output root (or another folder: `what` it is) cannot be written."""
    if root.exists() and not root.is_dir():
        raise OutputError(f"{what} {root} is not a directory")
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".write-probe-{os.getpid()}"
        # A few bytes, synced: an empty file needs no free block, so only a write shows a full disk.
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            if os.write(fd, b"\0" * 4096) < 4096:  # a file size limit cuts the write short instead of failing
                raise OSError(errno.EFBIG, os.strerror(errno.EFBIG))
            os.fsync(fd)
        finally:
            os.close(fd)
            probe.unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"{what} {root} is not writable: {exc.strerror or exc}") from None


def write_table_atomic(table: pa.Table, dest: Path) -> None:
    """Writes `table` to `dest` as Parquet with page checksums, atomically (cleaning.storage.atomic)."""
    write_atomic(dest, lambda fh: pq.write_table(table, fh, compression="zstd", write_page_checksum=True))


QUARANTINE = "_quarantine"  # OUTPUT_DIR/_quarantine/<dataset>/<partition>/<file>: corrupt files, kept for a look


def is_corruption(exc: BaseException) -> bool:
    """True for what a damaged file raises (bad footer, bad page, checksum mismatch), not for OS errors
    such as a missing file or a full disk, which say nothing about the file's content."""
    return isinstance(exc, pa.ArrowInvalid) or (isinstance(exc, OSError) and getattr(exc, "errno", None) is None)


def quarantine(root: Path, path: Path, exc: BaseException) -> OutputError:
    """Moves a corrupt dataset file out of the datasets and returns the error that names it."""
    root, path = Path(root), Path(path)
    try:
        dest = root / QUARANTINE / path.relative_to(root)
    except ValueError:
        dest = path.with_name(f"{path.name}.corrupt")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, dest)
        where = f"moved to {dest}"
    except OSError as move_exc:
        where = f"could not be moved aside ({move_exc.strerror or move_exc}); move it out of {root} by hand"
    return OutputError(f"corrupt dataset file {path} ({' '.join(str(exc).split())}); {where}. Its rows are not read: "
                       f"re-clean its run to rebuild a derived dataset (python -m cleaning run --run-id RUN), "
                       f"pages are fetched again by the next crawl")


def to_table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Casts rows to the dataset's declared schema (an empty or all-null batch stays typed)."""
    schema = with_metadata(name)
    return pa.Table.from_pylist(rows, schema=schema)


class PartitionedWriter:
    """Buffers rows of one dataset and writes them as part files, one per partition and flush.

    `tag` separates writers of one run (e.g. the crawl's pages and each worker);
    sequence numbers continue after files already on disk, so a resumed run
    never overwrites what an earlier attempt wrote.
    """

    def __init__(self, root: Path, name: str, run_id: str, tag: str = "0", rows_per_file: int = 5000) -> None:
        if name not in DATASETS:
            raise ValueError(f"unknown dataset {name!r}")
        self.root, self.name, self.run_id, self.tag = Path(root), name, check_run_id(run_id), tag
        self.rows_per_file = rows_per_file
        self._buffers: dict[str, list[dict[str, Any]]] = {}
        self._seq = self._next_seq()
        self.files: list[str] = []
        self.rows_written = 0

    def _prefix(self) -> str:
        return f"part-{self.run_id}-{self.tag}-"

    def _next_seq(self) -> int:
        pattern = re.compile(re.escape(self._prefix()) + r"(\d+)\.parquet$")
        seqs = [int(m.group(1)) for p in (self.root / self.name).glob(f"{PARTITION}=*/{self._prefix()}*.parquet")
                if (m := pattern.search(p.name))]
        return max(seqs, default=-1) + 1

    def write(self, row: dict[str, Any], partition: str) -> None:
        buf = self._buffers.setdefault(partition, [])
        buf.append(row)
        if len(buf) >= self.rows_per_file:
            self._flush_partition(partition)

    def buffered(self) -> int:
        return sum(len(b) for b in self._buffers.values())

    def flush(self) -> None:
        for partition in list(self._buffers):
            self._flush_partition(partition)

    def write_empty(self, partition: str) -> None:
        """Writes one empty file with the full schema, so readers see a typed, empty dataset."""
        dest = self.root / self.name / f"{PARTITION}={partition}" / f"{self._prefix()}{self._seq:05d}.parquet"
        write_table_atomic(to_table(self.name, []), dest)
        self._seq += 1
        self.files.append(str(dest.relative_to(self.root)))

    def _flush_partition(self, partition: str) -> None:
        rows = self._buffers.get(partition)
        if not rows:
            self._buffers.pop(partition, None)
            return
        dest = self.root / self.name / f"{PARTITION}={partition}" / f"{self._prefix()}{self._seq:05d}.parquet"
        # Rows leave the buffer only once their file is in place: a failed write (full disk) loses nothing.
        write_table_atomic(to_table(self.name, rows), dest)
        del self._buffers[partition]
        self._seq += 1
        self.files.append(str(dest.relative_to(self.root)))
        self.rows_written += len(rows)


def dataset_files(root: Path, name: str, run_id: str | None = None) -> list[Path]:
    """The dataset's complete part files (temporary files are dot-prefixed and skipped)."""
    pattern = f"part-{check_run_id(run_id)}-*.parquet" if run_id else "part-*.parquet"
    return sorted((Path(root) / name).glob(f"{PARTITION}=*/{pattern}"))


def read_rows(root: Path, name: str, columns: list[str] | None = None, run_id: str | None = None,
              batch_size: int = 1000, columns_for: Callable[[Path], list[str] | None] | None = None,
              only: Path | None = None) -> Iterator[dict[str, Any]]:
    """Streams a dataset's rows as dicts in the current schema, a record batch at a time (bounded memory);
    `columns_for(path)`, if given, chooses each file's columns instead of `columns`; `only`: one of its files.

    Page checksums are verified; a corrupt file is quarantined and raises OutputError naming it, so no
    damaged row is ever read. Files of an earlier schema version are upgraded as they are read
    (cleaning.storage.migrate)."""
    from cleaning.storage.migrate import iter_batches

    for path in [only] if only is not None else dataset_files(root, name, run_id):
        try:
            for table in iter_batches(path, name, columns_for(path) if columns_for else columns, batch_size):
                yield from table.to_pylist()
        except (OSError, pa.ArrowInvalid) as exc:
            if is_corruption(exc):
                raise quarantine(root, path, exc) from None
            raise OutputError(f"cannot read {path}: {exc}") from None


# Columns every schema version of a dataset has: a Parquet file without them is not one of its files
# (another tool's file dropped into the folder), and reading it would fail deep inside a run.
KEY_COLUMNS = {"pages": {"url", "status", "fetched_at"}, "articles": {"article_id", "url"},
               "hot_picks": {"article_id", "rank"}, "duplicates": {"url", "duplicate_of"},
               "grammar_edits": {"article_id", "offset"}}


def check_readable(root: Path, names: Iterable[str]) -> None:
    """Reads every part file's footer; a corrupt file, or one that is not a file of its dataset, is
    quarantined and named, never skipped silently."""
    for name in names:
        for path in dataset_files(root, name):
            try:
                columns = set(pq.read_metadata(path).schema.to_arrow_schema().names)
            except (OSError, pa.ArrowInvalid) as exc:
                if is_corruption(exc):
                    raise quarantine(root, path, exc) from None
                raise OutputError(f"cannot read {path}: {exc}") from None
            missing = KEY_COLUMNS.get(name, set()) - columns
            if missing:
                raise quarantine(root, path, ValueError(f"not a file of the {name} dataset: no column "
                                                        f"{', '.join(sorted(missing))}"))


def remove_run_files(root: Path, names: Iterable[str], run_id: str) -> list[str]:
    removed = []
    for name in names:
        for path in dataset_files(root, name, run_id):
            path.unlink()
            removed.append(str(path.relative_to(root)))
    return removed
