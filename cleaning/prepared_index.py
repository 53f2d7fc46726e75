"""Where each prepared result of a run sits on disk, in ~20 bytes a page (cleaning/prepared.py uses it).

A run's cleaning looks up every stored fetch among the results prepared while the crawl fetched. A dict
of (url, status, fetched_at) tuples to (spool, offset) costs some 350 bytes of Python objects a page:
a million-page run would hold ~350 MB for the index alone, in the process that then runs the whole-run
steps. Here each key is hashed to 64 bits (xxh3) and kept in sorted numpy columns beside the number of
its spool file and its offset there. Hashes may collide, keys do not: each stored result carries its own
key, so a lookup reads the candidates with the wanted hash and takes the one whose key is equal (exact).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import xxhash

Key = tuple[str, int, str]  # (url, status, fetched_at ISO): one stored fetch


def key_hash(key: Key) -> int:
    url, status, fetched = key
    # NUL never occurs in a URL or an ISO time, so distinct keys give distinct byte strings.
    return xxhash.xxh3_64_intdigest(f"{url}\0{int(status)}\0{fetched}".encode("utf-8", "surrogatepass"))


class PreparedIndex:
    """Key -> (spool file, offset) of every prepared result, as sorted numpy columns (no object per page).

    `add(spool, entries)` takes one spool's `(key, offset)` pairs; a key added again (a later file, or
    later in a file) replaces the earlier one, as dict updates would. `find(key, read)` returns the row
    of the key (`read(spool, offset)` gives a stored `(key, ...)` record to check it against) or None.
    """

    def __init__(self) -> None:
        self.spools: list[Path] = []
        self._hashes, self._files, self._offsets = array("Q"), array("I"), array("q")
        self._sorted: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def add(self, spool: Path, entries: Iterable[tuple[Key, int]]) -> None:
        if self._sorted is not None:  # added to after a lookup: back to columns in the order added
            hashes, files, offsets = self._sorted
            self._hashes.frombytes(hashes.tobytes())
            self._files.frombytes(files.tobytes())
            self._offsets.frombytes(offsets.tobytes())
            self._sorted = None
        self.spools.append(Path(spool))
        file_no = len(self.spools) - 1
        for key, offset in entries:
            self._hashes.append(key_hash(key))
            self._files.append(file_no)
            self._offsets.append(int(offset))
        self._sorted = None

    def __len__(self) -> int:
        return len(self._hashes) if self._sorted is None else len(self._sorted[0])

    def nbytes(self) -> int:
        """Bytes the index's columns take (what a page costs here)."""
        return sum(c.nbytes for c in self._columns())

    def _columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._sorted is None:
            hashes = np.frombuffer(self._hashes, dtype=np.uint64) if len(self._hashes) else np.empty(0, np.uint64)
            # Stable: rows with one hash stay in the order they were added, so the last added wins below.
            order = np.argsort(hashes, kind="stable")
            files = np.frombuffer(self._files, dtype=np.uint32) if len(self._files) else np.empty(0, np.uint32)
            offsets = np.frombuffer(self._offsets, dtype=np.int64) if len(self._offsets) else np.empty(0, np.int64)
            self._sorted = (hashes[order], files[order], offsets[order])
            # The unsorted copies are no longer needed: keep only the sorted columns.
            self._hashes, self._files, self._offsets = array("Q"), array("I"), array("q")
        return self._sorted

    def find(self, key: Key, read: Callable[[Path, int], Any]) -> tuple[int, Any] | None:
        """(row, the stored record) of `key`, or None; `read(spool, offset)` reads a stored record."""
        hashes, _, _ = self._columns()
        h = np.uint64(key_hash(key))
        lo = int(np.searchsorted(hashes, h, side="left"))
        hi = int(np.searchsorted(hashes, h, side="right"))
        for row in range(hi - 1, lo - 1, -1):  # the last one added first
            record = self.read(row, read)
            if tuple(record[0]) == tuple(key):
                return row, record
        return None

    def read(self, row: int, read: Callable[[Path, int], Any]) -> Any:
        """The stored record at `row` (a row `find` returned)."""
        _, files, offsets = self._columns()
        return read(self.spools[int(files[row])], int(offsets[row]))
