"""What earlier runs (`FetchLedger`) and this run, when resumed (`StoredPages`), already stored, read from the
`pages` dataset.

The pages dataset is the ledger's only source of truth, so the ledger can never
disagree with what is on disk: a page counts as stored once its part file exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pyarrow as pa

from cleaning.storage.datasets import OutputError, dataset_files, is_corruption, quarantine, read_rows
from cleaning.dedup.urls import canonicalize_url
from cleaning.storage.manifests import list_runs


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    fetched_at: datetime | None
    etag: str | None
    last_modified: str | None


def _parse_lastmod(value: str | None) -> datetime | date | None:
    if not value:
        return None
    value = value.strip()
    try:
        if "T" in value:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class StoredPage:
    """One page this run already stored, as fetched: what a resumed crawl answers instead of fetching it again."""
    url: str
    status: int
    kind: str
    content_type: str | None
    etag: str | None
    last_modified: str | None
    body: bytes


_PAGE_COLUMNS = ["url", "status", "kind", "content_type", "etag", "last_modified", "body"]


class StoredPages:
    """The pages this run (resumed) already stored, found by canonical URL and read from disk when asked.

    Only an index is held (canonical URL -> part file, row); a body is read when its page is answered,
    a part file at a time (one cached: pages are stored, and so asked for again, in nearly the same order).
    """

    def __init__(self, root: Path, files: list[Path] | None = None, index: dict[str, tuple[int, int]] | None = None) -> None:
        self.root = root
        self._files = files or []
        self._index = index or {}
        self._cached: tuple[int, list[dict]] | None = None

    @classmethod
    def load(cls, root: Path, run_id: str) -> "StoredPages":
        stored = cls(root)
        stored.refresh(run_id)
        return stored

    def refresh(self, run_id: str) -> int:
        """Indexes the run's part files written since the last look (another worker's, in a distributed
        crawl); files already indexed are not read again. Returns the number of pages added."""
        if not run_id:
            return 0
        known = set(self._files)
        before = len(self._index)
        for path in dataset_files(self.root, "pages", run_id):
            if path in known:
                continue
            self._files.append(path)
            n = len(self._files) - 1
            for row, url in enumerate(_column(self.root, path, "url")):
                self._index[canonicalize_url(url)] = (n, row)  # a later copy (a second attempt) wins
        return len(self._index) - before

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, url: str) -> bool:
        return canonicalize_url(url) in self._index

    def get(self, url: str) -> StoredPage | None:
        """The stored page of `url` (canonical), bytes as received; None if this run has not stored it."""
        where = self._index.get(canonicalize_url(url))
        if where is None:
            return None
        n, row = where
        if self._cached is None or self._cached[0] != n:
            self._cached = (n, _read(self.root, self._files[n], _PAGE_COLUMNS))
        return StoredPage(**self._cached[1][row])


def _read(root: Path, path: Path, columns: list[str]) -> list[dict]:
    """One part file's rows (in the current schema); a corrupt file is quarantined and named, never skipped."""
    from cleaning.storage.migrate import iter_batches

    try:
        return [r for table in iter_batches(path, "pages", columns, 1000) for r in table.to_pylist()]
    except (OSError, pa.ArrowInvalid) as exc:
        if is_corruption(exc):
            raise quarantine(root, path, exc) from None
        raise OutputError(f"cannot read {path}: {exc}") from None


def _column(root: Path, path: Path, column: str) -> list:
    return [r[column] for r in _read(root, path, [column])]


class FetchLedger:
    def __init__(self, run_id: str = "", known: dict[str, LedgerEntry] | None = None) -> None:
        self.run_id = run_id
        self._known = known or {}  # canonical URL -> the latest stored fetch of an article, by a cleaned run

    @classmethod
    def load(cls, root: Path, run_id: str = "") -> "FetchLedger":
        if not dataset_files(root, "pages"):
            return cls(run_id)
        # Generic crawls store every page as "unknown"; only the ones that became
        # articles are skipped next time, so listings keep being read for new links.
        # Compared in canonical form: an article read at `/slug/` is stored with its slash, its page
        # may have been fetched with or without it. A copy dropped as a duplicate is known too (as a profile
        # crawl's article pages are): asked again with its validators, it is not recorded again every run.
        articles = {canonicalize_url(r["url"]) for name in ("articles", "duplicates")
                    for r in read_rows(root, name, columns=["url"])}
        # Only runs whose pages became rows count as "known": a run stopped before cleaning (Ctrl-C,
        # a failed clean, HEALTH_CLEAN_ON_CLOSE=False) must not hide its articles from the next run.
        cleaned = {m.get("run_id") for m in list_runs(root) if (m.get("cleaning") or {}).get("status") == "committed"}
        known: dict[str, LedgerEntry] = {}
        cols = ["url", "status", "fetched_at", "kind", "etag", "last_modified", "run_id"]
        for row in read_rows(root, "pages", columns=cols):
            if row["status"] != 200:
                continue
            url = canonicalize_url(row["url"])
            if row["run_id"] not in cleaned:
                continue
            if row["kind"] == "article" or (row["kind"] == "unknown" and url in articles):
                old = known.get(url)
                if old is None or (old.fetched_at or datetime.min.replace(tzinfo=timezone.utc)) < row["fetched_at"]:
                    known[url] = LedgerEntry(row["fetched_at"], row["etag"], row["last_modified"])
        return cls(run_id, known)

    @property
    def known_count(self) -> int:
        return len(self._known)

    def get(self, url: str) -> LedgerEntry | None:
        return self._known.get(canonicalize_url(url))

    def unchanged_since(self, url: str, lastmod: str | None) -> bool:
        """True when a sitemap lastmod says the page did not change after we fetched it."""
        entry = self.get(url)
        mod = _parse_lastmod(lastmod)
        if entry is None or entry.fetched_at is None or mod is None:
            return False
        if isinstance(mod, datetime):
            return mod <= entry.fetched_at
        return mod < entry.fetched_at.date()
