"""Queries over the `pages` dataset: which runs exist, and which stored fetch of each URL counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cleaning.storage.datasets import dataset_files, read_rows
from cleaning.storage.schemas import PAGES

_ALL_BUT_BODY = [name for name in PAGES.names if name != "body"]

PageKey = tuple[bool, Any]  # (succeeded, fetched_at): larger is the fetch that counts


def stored_runs(root: Path) -> list[str]:
    """Run ids that have pages, oldest first (by their first fetch, whatever the ids look like).

    Asked at every run's cleaning (twice): read from each part file's footer statistics, so that its cost
    follows the number of files, not of every page ever stored; a file whose statistics do not say (several
    runs in one row group, no statistics written) has its two columns read."""
    first: dict[str, Any] = {}
    for path in dataset_files(root, "pages"):
        found = _first_fetches_in_footer(path)
        rows = found.items() if found is not None else (
            (row["run_id"], row["fetched_at"]) for row in
            read_rows(root, "pages", columns=["run_id", "fetched_at"], batch_size=10000, only=path))
        for run_id, fetched in rows:
            if run_id not in first or fetched < first[run_id]:
                first[run_id] = fetched
    return sorted(first, key=lambda r: (first[r], r))


def _first_fetches_in_footer(path: Path) -> dict[str, Any] | None:
    """run id -> first fetch time of a pages part file, from its row groups' statistics; None when they do not
    tell (or the footer cannot be read: reading the rows then names the fault)."""
    try:
        meta = pq.read_metadata(path)
        first: dict[str, Any] = {}
        for i in range(meta.num_row_groups):
            group = meta.row_group(i)
            stats = {group.column(j).path_in_schema: group.column(j).statistics for j in range(group.num_columns)}
            run, fetched = stats.get("run_id"), stats.get("fetched_at")
            if run is None or fetched is None or not (run.has_min_max and fetched.has_min_max) or run.min != run.max:
                return None
            if fetched.null_count or not isinstance(fetched.min, datetime):
                return None
            if run.min not in first or fetched.min < first[run.min]:
                first[run.min] = fetched.min
        return first
    except (OSError, pa.ArrowInvalid):
        return None


def page_choice(root: Path, run_id: str) -> dict[str, PageKey]:
    """url -> key of the fetch that counts for it: its newest successful fetch, else its newest fetch.

    A resumed crawl can store a URL twice (a 500 before the kill, a 200 after); file order says nothing
    about which came last, so this first pass over three small columns decides.
    """
    best: dict[str, PageKey] = {}
    for row in read_rows(root, "pages", columns=["url", "status", "fetched_at"], run_id=run_id, batch_size=10000):
        key = (row["status"] == 200, row["fetched_at"])
        if row["url"] not in best or key > best[row["url"]]:
            best[row["url"]] = key
    return best


def chosen_page_rows(root: Path, run_id: str, choice: dict[str, PageKey],
                     without_body: Callable[[Path], bool] | None = None) -> Iterator[dict[str, Any]]:
    """The run's page rows, one per URL (the one `choice` names); an identical duplicate row is yielded once.
    Rows of the part files `without_body` names come without their `body` (the HTML is not read)."""
    left = dict(choice)

    def columns_for(path: Path) -> list[str] | None:
        return _ALL_BUT_BODY if without_body is not None and without_body(path) else None

    for row in read_rows(root, "pages", run_id=run_id, batch_size=200, columns_for=columns_for):
        if left.get(row["url"]) != (row["status"] == 200, row["fetched_at"]):
            continue
        del left[row["url"]]
        yield row
