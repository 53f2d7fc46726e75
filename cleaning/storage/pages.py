"""Queries over the `pages` dataset: which runs exist, and which stored fetch of each URL counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cleaning.storage.datasets import read_rows
from cleaning.storage.schemas import PAGES

_ALL_BUT_BODY = [name for name in PAGES.names if name != "body"]

PageKey = tuple[bool, Any]  # (succeeded, fetched_at): larger is the fetch that counts


def stored_runs(root: Path) -> list[str]:
    """Run ids that have pages, oldest first (by their first fetch, whatever the ids look like)."""
    first: dict[str, Any] = {}
    for row in read_rows(root, "pages", columns=["run_id", "fetched_at"], batch_size=10000):
        if row["run_id"] not in first or row["fetched_at"] < first[row["run_id"]]:
            first[row["run_id"]] = row["fetched_at"]
    return sorted(first, key=lambda r: (first[r], r))


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
