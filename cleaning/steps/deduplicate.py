"""Decides, over the whole run and against earlier runs, which documents are duplicates, unchanged or new.

Duplicates leave the flow as rows of the `duplicates` dataset (written by `duplicates`, the writer
this step is given, as a filter hands what it removes to an exclusion writer); articles already stored
with the same text leave it silently ("unchanged"); the rest go on with their version number. The
decisions do not depend on the order documents arrive in (docs/dedup.md), so resumed, parallel and
offline runs agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from cleaning.dedup.deduplicator import Deduplicator
from cleaning.dedup.options import DedupOptions
from cleaning.dedup.records import DedupRecord
from cleaning.dedup.store import load_dedup_state, save_dedup_state
from cleaning.dedup.text import content_hash
from cleaning.dedup.urls import canonicalize_url
from cleaning.document import Document
from cleaning.steps.base import Step
from cleaning.storage.datasets import PartitionedWriter
from cleaning.storage.pages import stored_runs


def duplicate_row(doc: Document, run_id: str) -> dict[str, Any]:
    return {"url": doc.page.url, "article_id": doc.article_id, "duplicate_of": doc.duplicate_of,
            "kind": doc.duplicate_kind, "similarity": doc.similarity, "run_id": run_id}


class Deduplicate(Step):
    name = "dedup"
    whole_run = True

    def __init__(self, root: Path, run_id: str, duplicates: PartitionedWriter, options: DedupOptions | None = None) -> None:
        super().__init__()
        self.root, self.run_id, self.duplicates = Path(root), run_id, duplicates
        self.options = options or DedupOptions()
        self._dedup: Deduplicator | None = None
        self._state: Any = None
        self._earlier: set[str] = set()

    def open(self) -> None:
        # Versions and duplicates are decided against the runs before this one, never later ones.
        runs = stored_runs(self.root)
        self._earlier = set(runs[: runs.index(self.run_id)]) if self.run_id in runs else set()
        self._state = load_dedup_state(self.root, include_runs=self._earlier)
        self._dedup = Deduplicator(self.options, self._state)

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        assert self._dedup is not None, "open() first"
        # `docs` is re-iterable (the runner spools a whole-run step's input): records first, then decisions.
        # url is the URL `articles` will hold, so a state rebuilt from `articles` equals the saved one.
        records = (DedupRecord(doc_id=str(i), article_id=d.article_id, url=d.canonical_url,
                               is_canonical=canonicalize_url(d.page.url) == canonicalize_url(d.canonical_url),
                               published_date=d.extraction.published_date, text=d.body_original,
                               fingerprint=d.fingerprint,  # HashContent's, when it ran
                               date_uncertain="date_uncertain" in d.extraction.flags)
                   for i, d in enumerate(docs))
        decisions = self._dedup.decide(records)  # in input order: no index by id needed
        for i, doc in enumerate(docs):
            decision = decisions[i]
            assert decision.doc_id == str(i), "decisions come in input order"
            self.stats["documents"] += 1
            if decision.action == "unchanged":
                self.stats["unchanged"] += 1
                continue
            if decision.action == "duplicate":
                doc.duplicate_of, doc.duplicate_kind, doc.similarity = (decision.duplicate_of, decision.kind,
                                                                        decision.similarity)
                self.duplicates.write(duplicate_row(doc, self.run_id), doc.page.fetched_at.date().isoformat())
                self.stats["duplicates"] += 1
                self.stats[f"duplicates_{decision.kind}"] += 1
                continue
            if decision.action == "new_version":
                self.stats["new_versions"] += 1
            doc.version = decision.version
            doc.content_hash = doc.content_hash or content_hash(doc.body_original)
            doc.fingerprint = None  # decided: later steps need no shingles
            self.stats["kept"] += 1
            yield doc
        self.duplicates.flush()

    def commit(self) -> None:
        """Records the state that includes this run's articles (after the datasets were committed)."""
        assert self._dedup is not None
        self._dedup.commit()
        save_dedup_state(self.root, self._state, runs=self._earlier | {self.run_id})
