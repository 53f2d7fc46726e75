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

    def append(self, obj: Any) -> None:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self._fh.write(_LEN.pack(len(data)))
        self._fh.write(data)
        self.count += 1

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()

    def __iter__(self) -> Iterator[Any]:
        self.close()
        with open(self.path, "rb") as fh:
            while header := fh.read(_LEN.size):
                (size,) = _LEN.unpack(header)
                yield pickle.loads(fh.read(size))
