"""A disk spool of documents between passes, so a run's size is bounded by disk, not memory.

The spool holds only objects this process created (pickle frames with a
length prefix); it is never read from anywhere else.
"""

from __future__ import annotations

import pickle
import struct
from collections.abc import Iterator
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
