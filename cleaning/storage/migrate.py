"""Reading files written under earlier schema versions, and rewriting them in the current one.

Version 1 `pages` files hold the page decoded to text (`html`); version 2 holds the raw bytes
(`body`) with the declared and detected encodings and the profile used. A version 1 page reads as
its text encoded in UTF-8 (which is what it decodes back to), with UTF-8 as both encodings and no
profile (cleaning then looks the site's profile up by name, as version 1 did).

    python -m cleaning migrate --output-dir outputs     # rewrite every older file, atomically
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cleaning.storage.atomic import OutputError
from cleaning.storage.schemas import DATASETS, SCHEMA_VERSION, with_metadata


def file_version(schema: pa.Schema) -> str:
    return (schema.metadata or {}).get(b"schema_version", b"1").decode()


def columns_to_read(name: str, version: str, columns: list[str] | None) -> list[str] | None:
    """The columns of an old file that hold `columns` of the current schema."""
    if name != "pages" or version != "1" or columns is None:
        return columns
    old = {"body": "html"}
    current_only = {"declared_encoding", "detected_encoding", "profile", "profile_hash"}
    return list(dict.fromkeys(old.get(c, c) for c in columns if c not in current_only))


def upgrade(name: str, version: str, table: pa.Table, columns: list[str] | None = None) -> pa.Table:
    """`table` (read from a file of `version`) in the current schema, limited to `columns`."""
    if name == "pages" and version == "1":
        n = table.num_rows
        if "html" in table.column_names:
            html = table.column("html").cast(pa.large_string())
            table = table.drop_columns(["html"]).append_column(
                "body", html.cast(pa.large_binary()))  # UTF-8 bytes of the stored text
        utf8 = pa.array(["utf-8"] * n, pa.string())
        none = pa.nulls(n, pa.string())
        for col, values in (("declared_encoding", utf8), ("detected_encoding", utf8), ("profile", none),
                            ("profile_hash", none)):
            if col not in table.column_names:
                table = table.append_column(col, values)
    schema = DATASETS[name]
    wanted = columns or schema.names
    return table.select([c for c in wanted if c in table.column_names]).cast(
        pa.schema([schema.field(c) for c in wanted if c in table.column_names]))


def iter_batches(path: Path, name: str, columns: list[str] | None, batch_size: int) -> Iterator[pa.Table]:
    """A dataset file's rows in the current schema, a batch at a time."""
    pf = pq.ParquetFile(path, page_checksum_verification=True)
    version = file_version(pf.schema_arrow)
    read = columns_to_read(name, version, columns)
    for batch in pf.iter_batches(batch_size=batch_size, columns=read):
        table = pa.Table.from_batches([batch])
        yield upgrade(name, version, table, columns) if version != SCHEMA_VERSION else table


def migrate_file(path: Path, name: str) -> bool:
    """Rewrites one file in the current schema (atomically); False if it already is."""
    from cleaning.storage.datasets import write_table_atomic

    try:
        version = file_version(pq.read_schema(path))
        if version == SCHEMA_VERSION:
            return False
        table = upgrade(name, version, pq.read_table(path, partitioning=None, page_checksum_verification=True))
    except (OSError, pa.ArrowInvalid) as exc:
        raise OutputError(f"cannot read {path}: {exc}") from None
    write_table_atomic(table.cast(with_metadata(name)), path)
    return True


def migrate(root: Path) -> Iterator[str]:
    """Rewrites every file of an older schema version under `root`; yields one line per dataset."""
    from cleaning.storage.datasets import dataset_files

    for name in DATASETS:
        changed = sum(migrate_file(path, name) for path in dataset_files(root, name))
        if changed:
            yield f"{name}: {changed} files rewritten in schema version {SCHEMA_VERSION}"
