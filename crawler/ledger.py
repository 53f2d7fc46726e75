"""What earlier runs (and this run, when resumed) already stored, read from the `pages` dataset.

The pages dataset is the ledger's only source of truth, so the ledger can never
disagree with what is on disk: a page counts as stored once its part file exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from cleaning.storage.datasets import dataset_files, read_rows
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


class FetchLedger:
    def __init__(self, run_id: str = "", known: dict[str, LedgerEntry] | None = None,
                 this_run: set[str] | None = None) -> None:
        self.run_id = run_id
        self._known = known or {}  # canonical URL -> the latest stored fetch of an article, by a cleaned run
        self._this_run = this_run or set()  # canonical URLs this run (resumed) already stored

    @classmethod
    def load(cls, root: Path, run_id: str = "") -> "FetchLedger":
        if not dataset_files(root, "pages"):
            return cls(run_id)
        # Generic crawls store every page as "unknown"; only the ones that became
        # articles are skipped next time, so listings keep being read for new links.
        articles = {r["url"] for r in read_rows(root, "articles", columns=["url"])}
        # Only runs whose pages became rows count as "known": a run stopped before cleaning (Ctrl-C,
        # a failed clean, HEALTH_CLEAN_ON_CLOSE=False) must not hide its articles from the next run.
        cleaned = {m.get("run_id") for m in list_runs(root) if (m.get("cleaning") or {}).get("status") == "committed"}
        known: dict[str, LedgerEntry] = {}
        this_run: set[str] = set()
        cols = ["url", "status", "fetched_at", "kind", "etag", "last_modified", "run_id"]
        for row in read_rows(root, "pages", columns=cols):
            if row["status"] != 200:
                continue
            url = canonicalize_url(row["url"])
            if row["run_id"] == run_id and row["kind"] != "listing":
                this_run.add(url)
            if row["run_id"] not in cleaned:
                continue
            if row["kind"] == "article" or (row["kind"] == "unknown" and row["url"] in articles):
                old = known.get(url)
                if old is None or (old.fetched_at or datetime.min.replace(tzinfo=timezone.utc)) < row["fetched_at"]:
                    known[url] = LedgerEntry(row["fetched_at"], row["etag"], row["last_modified"])
        return cls(run_id, known, this_run)

    @property
    def known_count(self) -> int:
        return len(self._known)

    @property
    def this_run_count(self) -> int:
        return len(self._this_run)

    def get(self, url: str) -> LedgerEntry | None:
        return self._known.get(canonicalize_url(url))

    def stored_this_run(self, url: str) -> bool:
        return canonicalize_url(url) in self._this_run

    def unchanged_since(self, url: str, lastmod: str | None) -> bool:
        """True when a sitemap lastmod says the page did not change after we fetched it."""
        entry = self.get(url)
        mod = _parse_lastmod(lastmod)
        if entry is None or entry.fetched_at is None or mod is None:
            return False
        if isinstance(mod, datetime):
            return mod <= entry.fetched_at
        return mod < entry.fetched_at.date()
