"""What the deduplicator reads and decides: `DedupRecord` in, `Decision` out, and in between one batch
as compact columns (no texts: ids, URL, date, length, content hash, MinHash signature, where the
shingles sit in the spool) with the representative rule as a sort key (see `deduplicator`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .options import DedupOptions, Fingerprint, fingerprint
from .shingle_file import ShingleFile
from .state import DedupState

KEEP = "keep"
NEW_VERSION = "new_version"
UNCHANGED = "unchanged"
DUPLICATE = "duplicate"

NO_DATE = 10**7  # after date.max.toordinal()


@dataclass(slots=True)
class DedupRecord:
    doc_id: str
    article_id: str
    url: str  # the canonical URL (what the articles row will carry)
    is_canonical: bool
    published_date: date | None
    text: str  # the body as it will be written (same text `rebuild` gets)
    fingerprint: Fingerprint | None = None  # fingerprint(text, options), if computed already (in parallel)
    date_uncertain: bool = False  # published_date is a fallback (a month or a year alone): ranked after stated days


@dataclass(frozen=True, slots=True)
class Decision:
    doc_id: str
    action: str  # keep | new_version | unchanged | duplicate
    article_id: str
    duplicate_of: str | None = None
    kind: str | None = None  # url | exact | near (duplicates only)
    similarity: float | None = None  # Jaccard with duplicate_of (duplicates only)
    version: int = 1


@dataclass
class Batch:
    """Compact columns of one decide() call: no texts."""

    doc_id: list[str] = field(default_factory=list)
    article_id: list[str] = field(default_factory=list)
    url: list[str] = field(default_factory=list)
    canonical: list[bool] = field(default_factory=list)
    date: list[date | None] = field(default_factory=list)
    uncertain: list[bool] = field(default_factory=list)
    length: list[int] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    chash: list[str] = field(default_factory=list)
    sig_row: list[int] = field(default_factory=list)  # row in `sigs` or -1
    sigs: np.ndarray | None = None  # uint32[capacity, num_perm], grown by half
    n_sigs: int = 0

    def add_signature(self, sig: np.ndarray) -> int:
        if self.sigs is None or self.n_sigs == len(self.sigs):
            cap = 1024 if self.sigs is None else len(self.sigs) + len(self.sigs) // 2
            grown = np.empty((cap, len(sig)), dtype=np.uint32)
            if self.sigs is not None:
                grown[: self.n_sigs] = self.sigs[: self.n_sigs]
            self.sigs = grown
        self.sigs[self.n_sigs] = sig
        self.n_sigs += 1
        return self.n_sigs - 1
    sh_off: list[int] = field(default_factory=list)  # byte offset in the spool
    sh_len: list[int] = field(default_factory=list)  # number of uint64 shingles

    def __len__(self) -> int:
        return len(self.doc_id)

    def key(self, i: int, in_state: bool = False) -> tuple:
        d = self.date[i]
        return (
            0 if in_state else 1,
            0 if self.canonical[i] else 1,
            2 if d is None else int(self.uncertain[i]),  # a stated day, then a month or year alone, then none
            d.toordinal() if d is not None else NO_DATE,
            -self.length[i],
            self.url[i],
            self.doc_id[i],
        )


def ingest(records: Iterable[DedupRecord], spool: ShingleFile, opts: DedupOptions, stats: Counter) -> Batch:
    """The records as compact columns; each body's shingles go to the spool and the text is dropped."""
    b = Batch()
    for rec in records:
        text = rec.text if isinstance(rec.text, str) else ("" if rec.text is None else str(rec.text))
        fp = rec.fingerprint if rec.fingerprint is not None else fingerprint(text, opts)
        b.doc_id.append(str(rec.doc_id))
        b.article_id.append(str(rec.article_id))
        b.url.append(rec.url or "")
        b.canonical.append(bool(rec.is_canonical))
        b.date.append(rec.published_date if isinstance(rec.published_date, date) else None)
        b.uncertain.append(bool(rec.date_uncertain))
        b.length.append(len(text))
        b.words.append(fp.words)
        b.chash.append(fp.content_hash)
        if fp.signature is not None:
            b.sig_row.append(b.add_signature(fp.signature))
        else:
            b.sig_row.append(-1)
        b.sh_off.append(spool.append(fp.shingles))
        b.sh_len.append(int(fp.shingles.size))
        stats["records"] += 1
    return b


def stored_key(state: DedupState, aid: str) -> tuple:
    d = state.date_of(aid)
    return (d.toordinal() if d is not None else NO_DATE, aid)

