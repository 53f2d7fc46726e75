"""The source of the flow: a run's stored pages, one per URL, each with the site profile its crawl used."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from cleaning.document import Document, Page
from cleaning.profiles import ProfileError, SiteProfile, load_profile, saved_profile
from cleaning.steps.base import Step
from cleaning.storage.pages import chosen_page_rows, page_choice

logger = logging.getLogger(__name__)


class ReadPages(Step):
    name = "read_pages"

    def __init__(self, root: Path, run_id: str, sites_dirs: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.root, self.run_id, self.sites_dirs = Path(root), run_id, sites_dirs
        self.total: int | None = None  # pages the run will yield, known once `run` starts
        self._profiles: dict[tuple[str, str | None], SiteProfile | None] = {}
        self._prepared: Callable[[Path], bool] | None = None

    def skip_bodies_of(self, prepared: Callable[[Path], bool]) -> None:
        """Pages of the part files `prepared` names come without their HTML: the crawl prepared every one of
        them (cleaning/prepared.py), so the run's cleaning takes their results and would only discard it
        (on real sites, a hundred kilobytes a page read again after the crawl)."""
        self._prepared = prepared

    def run(self, docs: Iterable[Document] = ()) -> Iterator[Document]:
        choice = page_choice(self.root, self.run_id)
        self.total = len(choice)
        for row in chosen_page_rows(self.root, self.run_id, choice, without_body=self._prepared):
            self.stats["pages"] += 1
            yield self.document(row)

    def document(self, row: dict[str, Any]) -> Document:
        """A `pages` row as a document, with the site profile its crawl used."""
        return Document(page=Page(
            url=row["url"], status=row["status"], fetched_at=row["fetched_at"], body=row.get("body") or b"",
            site=row["site"] or "", run_id=row["run_id"], content_type=row["content_type"], etag=row["etag"],
            last_modified=row["last_modified"], kind=row["kind"] or "unknown",
            declared_encoding=row["declared_encoding"], detected_encoding=row["detected_encoding"],
            profile=self._profile(row["profile"], row["profile_hash"], row["site"])))

    def _profile(self, name: str | None, content_hash: str | None, site: str | None) -> SiteProfile | None:
        key = (name or "", content_hash)
        if key not in self._profiles:
            self._profiles[key] = self._resolve(name, content_hash, site)
        return self._profiles[key]

    def _resolve(self, name: str | None, content_hash: str | None, site: str | None) -> SiteProfile | None:
        if name and content_hash:
            try:
                return saved_profile(self.root, name, content_hash)
            except ProfileError as exc:
                # Never clean silently with another profile than the crawl used: say so, per profile.
                logger.error("%s; cleaning its pages with the profile of that name found now, if any", exc)
                self.stats["profile/missing_saved"] += 1
        if name is None:
            name = site  # pages of schema version 1 name only the site; generic crawls store ""
        if not name:
            return None  # a generic crawl
        try:
            return load_profile(name, self.sites_dirs)
        except ProfileError:
            self.stats["profile/not_found"] += 1
            return None

    def __getstate__(self) -> dict[str, Any]:  # never pickled in practice; keeps profiles out if it is
        return {**self.__dict__, "_profiles": {}, "_prepared": None}
