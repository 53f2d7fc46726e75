"""Dedup state carried across runs: one row per article already written.

Per article: ``article_id``, ``content_hash``, MinHash ``signature`` (None for
bodies too short to have one), ``version``, ``url`` and ``published_date``.
No texts. In memory the signatures are one ``uint32[n, num_perm]`` array and
the near-duplicate index is built from them on first use (sorted numpy band
keys, ~12 bytes per band per article).

On disk it is one Parquet file (zstd) whose schema metadata records the
MinHash parameters; `save` writes a temporary file in the same directory,
fsyncs it and renames it over the old one, so a crash leaves either the old
or the new state, never half of one. `load` of a missing file gives an empty
state. `rebuild` recomputes everything from rows of the articles dataset, so
deleting the file loses nothing but time.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .minhash import LSHIndex, estimate_jaccard
from .options import DedupOptions, fingerprint

__all__ = ["DedupState", "StateError", "StateEntry"]

log = logging.getLogger(__name__)

FORMAT = "health-crawl-dedup-state/1"


class StateError(ValueError):
    """The state file is unreadable or was made with other MinHash parameters."""


class StateEntry(tuple):
    """(article_id, content_hash, signature|None, version, url, published_date)."""

    __slots__ = ()

    def __new__(cls, article_id, content_hash, signature, version, url, published_date):
        return tuple.__new__(cls, (article_id, content_hash, signature, version, url, published_date))

    article_id = property(lambda self: self[0])
    content_hash = property(lambda self: self[1])
    signature = property(lambda self: self[2])
    version = property(lambda self: self[3])
    url = property(lambda self: self[4])
    published_date = property(lambda self: self[5])


class DedupState:
    def __init__(self, options: DedupOptions | None = None):
        self.options = options or DedupOptions()
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._hashes: list[str] = []
        self._by_hash: dict[str, list[int]] = {}
        self._versions: list[int] = []
        self._urls: list[str] = []
        self._dates: list[date | None] = []
        self._has_sig: list[bool] = []
        self._sig = np.zeros((0, self.options.num_perm), dtype=np.uint32)
        self._n = 0
        self._lsh: LSHIndex | None = None

    # ------------------------------------------------------------------ access
    def __len__(self) -> int:
        return self._n

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._row

    def article_ids(self) -> list[str]:
        return list(self._ids)

    def get(self, article_id: str) -> StateEntry | None:
        i = self._row.get(article_id)
        return None if i is None else self._entry(i)

    def _entry(self, i: int) -> StateEntry:
        sig = self._sig[i].copy() if self._has_sig[i] else None
        return StateEntry(self._ids[i], self._hashes[i], sig, self._versions[i], self._urls[i], self._dates[i])

    def entries(self) -> list[StateEntry]:
        """All entries, sorted by article_id."""
        return [self._entry(self._row[a]) for a in sorted(self._row)]

    def signature_of(self, article_id: str) -> np.ndarray | None:
        i = self._row.get(article_id)
        if i is None or not self._has_sig[i]:
            return None
        return self._sig[i]

    def version_of(self, article_id: str) -> int:
        i = self._row.get(article_id)
        return 0 if i is None else self._versions[i]

    def date_of(self, article_id: str) -> date | None:
        i = self._row.get(article_id)
        return None if i is None else self._dates[i]

    # ----------------------------------------------------------------- queries
    def match_exact(self, content_hash: str) -> list[str]:
        """Article ids whose stored content hash equals this one (sorted)."""
        return sorted(self._ids[i] for i in self._by_hash.get(content_hash, ()))

    def near_candidates(self, signature: np.ndarray) -> list[str]:
        """Article ids sharing an LSH band with the signature (unconfirmed)."""
        if signature is None or self._n == 0:
            return []
        return [self._ids[i] for i in self._index().query(signature)]

    def match_near(self, signature: np.ndarray, threshold: float | None = None) -> list[tuple[str, float]]:
        """[(article_id, estimated Jaccard)] of LSH candidates at or above the
        threshold, best first (ties: smaller article_id)."""
        thr = self.options.threshold if threshold is None else threshold
        out = []
        for aid in self.near_candidates(signature):
            sim = estimate_jaccard(signature, self._sig[self._row[aid]])
            if sim >= thr:
                out.append((aid, sim))
        out.sort(key=lambda t: (-t[1], t[0]))
        return out

    def _index(self) -> LSHIndex:
        if self._lsh is None:
            bands, rows = self.options.bands_rows
            idx = LSHIndex(self.options.threshold, self.options.num_perm, bands, rows)
            rows_with_sig = np.flatnonzero(np.asarray(self._has_sig[: self._n], dtype=bool))
            idx.freeze(rows_with_sig, self._sig[rows_with_sig])
            self._lsh = idx
        return self._lsh

    # ----------------------------------------------------------------- updates
    def upsert(
        self,
        article_id: str,
        content_hash: str,
        signature: np.ndarray | None,
        version: int,
        url: str,
        published_date: date | None,
    ) -> None:
        """Insert or replace an article's entry."""
        i = self._row.get(article_id)
        if i is None:
            i = self._n
            self._grow(i + 1)
            self._ids.append(article_id)
            self._hashes.append(content_hash)
            self._versions.append(int(version))
            self._urls.append(url)
            self._dates.append(published_date)
            self._has_sig.append(signature is not None)
            self._row[article_id] = i
            self._n += 1
        else:
            old = self._hashes[i]
            rows = self._by_hash.get(old)
            if rows is not None:
                rows.remove(i)
                if not rows:
                    del self._by_hash[old]
            self._hashes[i] = content_hash
            self._versions[i] = int(version)
            self._urls[i] = url
            self._dates[i] = published_date
            self._has_sig[i] = signature is not None
        self._by_hash.setdefault(content_hash, []).append(i)
        if signature is not None:
            self._sig[i] = np.asarray(signature, dtype=np.uint32)
        else:
            self._sig[i] = np.uint32(0xFFFFFFFF)
        self._lsh = None

    def _grow(self, n: int) -> None:
        cap = self._sig.shape[0]
        if n <= cap:
            return
        new_cap = max(n, int(cap * 1.5) + 16)
        sig = np.empty((new_cap, self.options.num_perm), dtype=np.uint32)
        sig[:cap] = self._sig
        self._sig = sig

    # --------------------------------------------------------------- persist
    def _params(self) -> dict:
        o = self.options
        return {"format": FORMAT, "num_perm": o.num_perm, "shingle_size": o.shingle_size, "seed": o.seed,
                "min_exact_words": o.min_exact_words, "min_shingles": o.min_shingles}

    def to_table(self) -> pa.Table:
        order = sorted(range(self._n), key=lambda i: self._ids[i])
        width = self.options.num_perm * 4
        sigs = [self._sig[i].astype("<u4").tobytes() if self._has_sig[i] else None for i in order]
        table = pa.table(
            {
                "article_id": pa.array([self._ids[i] for i in order], pa.string()),
                "content_hash": pa.array([self._hashes[i] for i in order], pa.string()),
                "signature": pa.array(sigs, pa.binary(width)),
                "version": pa.array([self._versions[i] for i in order], pa.int32()),
                "url": pa.array([self._urls[i] for i in order], pa.string()),
                "published_date": pa.array([self._dates[i] for i in order], pa.date32()),
            }
        )
        return table.replace_schema_metadata({b"dedup_state": json.dumps(self._params()).encode()})

    def save(self, path: str | os.PathLike) -> None:
        """Writes the state atomically (cleaning.storage.atomic)."""
        from cleaning.storage.atomic import write_atomic

        table = self.to_table()
        write_atomic(Path(path), lambda fh: pq.write_table(table, fh, compression="zstd", write_page_checksum=True))

    @classmethod
    def load(cls, path: str | os.PathLike, options: DedupOptions | None = None) -> DedupState:
        """Load a saved state; a missing file gives an empty state.

        Raises StateError if the file is unreadable or was written with other
        MinHash parameters than `options` (then delete it and `rebuild`).
        """
        options = options or DedupOptions()
        state = cls(options)
        path = Path(path)
        if not path.exists():
            return state
        try:
            table = pq.read_table(path, page_checksum_verification=True)
            meta = json.loads((table.schema.metadata or {}).get(b"dedup_state", b"{}"))
        except Exception as exc:
            raise StateError(f"cannot read dedup state {path}: {exc}") from exc
        want = state._params()
        for key in ("format", "num_perm", "shingle_size", "seed", "min_exact_words", "min_shingles"):
            if meta.get(key) != want[key]:
                raise StateError(
                    f"dedup state {path} has {key}={meta.get(key)!r}, options want {want[key]!r}: "
                    "delete the file to rebuild it from the articles dataset"
                )
        cols = table.to_pydict()
        n = table.num_rows
        state._grow(n)
        width = options.num_perm
        for i in range(n):
            raw = cols["signature"][i]
            sig = None if raw is None else np.frombuffer(raw, dtype="<u4", count=width)
            state.upsert(cols["article_id"][i], cols["content_hash"][i], sig, cols["version"][i],
                         cols["url"][i], cols["published_date"][i])
        return state

    @classmethod
    def rebuild(
        cls,
        rows: Iterable[tuple[str, str, str, int, date | None]],
        options: DedupOptions | None = None,
    ) -> DedupState:
        """Rebuild from articles rows ``(article_id, url, body, version, published_date)``.

        An article present in several rows (several versions) keeps its
        highest version; equal versions keep the row whose (url, hash) is
        smallest, so the result does not depend on the row order.
        """
        options = options or DedupOptions()
        state = cls(options)
        best: dict[str, tuple] = {}
        for article_id, url, body, version, published in rows:
            fp = fingerprint(body or "", options)
            version = int(version or 1)
            key = (-version, url or "", fp.content_hash)
            cur = best.get(article_id)
            if cur is None or key < cur[0]:
                best[article_id] = (key, fp.content_hash, fp.signature, version, url or "", published)
        for aid in sorted(best):
            _, h, sig, version, url, published = best[aid]
            state.upsert(aid, h, sig, version, url, published)
        return state

    # --------------------------------------------------------------- compare
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DedupState):
            return NotImplemented
        if self._params() != other._params() or len(self) != len(other):
            return False
        for a, b in zip(self.entries(), other.entries()):
            if a[:2] != b[:2] or a[3:] != b[3:]:
                return False
            if (a.signature is None) != (b.signature is None):
                return False
            if a.signature is not None and not np.array_equal(a.signature, b.signature):
                return False
        return True

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"DedupState({self._n} articles, num_perm={self.options.num_perm})"
