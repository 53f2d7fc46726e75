"""A disk spool of documents between passes, so a run's size is bounded by disk, not memory.

The spool holds only objects this process created (pickle frames with a
length prefix); it is never read from anywhere else. `BufferedSpool` keeps a
small run's documents in memory instead and spills to a disk spool past a budget.
"""

from __future__ import annotations

import pickle
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

_LEN = struct.Struct("<Q")


class DocumentSpool:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(path, "wb")
        self.count = 0

    def append(self, obj: Any) -> int:
        """Writes one object; returns its offset (for `read_at`)."""
        offset = self._fh.tell()
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self._fh.write(_LEN.pack(len(data)))
        self._fh.write(data)
        self.count += 1
        return offset

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()

    def __iter__(self) -> Iterator[Any]:
        self.close()
        return read_all(self.path)


def read_all(path: Path) -> Iterator[Any]:
    """The objects of a closed spool file, in the order they were appended."""
    with open(path, "rb") as fh:
        while header := fh.read(_LEN.size):
            (size,) = _LEN.unpack(header)
            yield pickle.loads(fh.read(size))


def read_at(path: Path, offset: int) -> Any:
    """The object `DocumentSpool.append` wrote at `offset` in the spool file `path`."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        (size,) = _LEN.unpack(fh.read(_LEN.size))
        return pickle.loads(fh.read(size))


class BufferedSpool:
    """Objects kept in memory while their estimated size (`size_of`, bytes) stays within `budget`, then in a
    disk spool at `path` from the first one that would pass it (those held so far are written first, in
    order). A small run's passes so skip pickling every document to disk and back, which was a fifth of the
    whole-run passes' time on a 1,000-page crawl, and a large one stays bounded by disk.

    Reading it twice gives the same objects when they were kept in memory and fresh copies when they were
    spooled: a reader changes them only in its last reading (the whole-run steps do: cleaning/steps/base.py)."""

    def __init__(self, path: Path, budget: int, size_of: Callable[[Any], int]) -> None:
        self.path, self.budget, self._size_of = path, budget, size_of
        self._held: list[Any] | None = []
        self._bytes = 0
        self._spool: DocumentSpool | None = None
        self.count = 0

    @property
    def spilled(self) -> bool:
        return self._spool is not None

    def append(self, obj: Any) -> None:
        self.count += 1
        if self._held is not None:
            self._bytes += self._size_of(obj)
            if self._bytes <= self.budget:
                self._held.append(obj)
                return
            self._spool = DocumentSpool(self.path)
            for held in self._held:
                self._spool.append(held)
            self._held = None
        assert self._spool is not None
        self._spool.append(obj)

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()

    def __iter__(self) -> Iterator[Any]:
        if self._spool is not None:
            return iter(self._spool)
        return iter(self._held or ())
