"""The shingle hashes of a dedup batch, on disk."""

from __future__ import annotations

import os
import tempfile

import numpy as np


class ShingleFile:
    """Append-only temporary file of each body's sorted shingle hashes, read back by offset (pread).

    Lets dedup confirm candidate pairs on their true Jaccard without holding texts or shingle sets in memory.
    """

    def __init__(self, directory: str | None):
        fd, self.path = tempfile.mkstemp(prefix="dedup-shingles-", suffix=".bin", dir=directory)
        os.close(fd)
        self._w = open(self.path, "wb", buffering=1 << 20)
        self._pos = 0
        self._r: int | None = None

    def append(self, arr: np.ndarray) -> int:
        off = self._pos
        if arr.size:
            b = arr.astype("<u8", copy=False).tobytes()
            self._w.write(b)
            self._pos += len(b)
        return off

    def read(self, off: int, n: int) -> np.ndarray:
        if n == 0:
            return np.empty(0, dtype=np.uint64)
        if self._r is None:
            self._w.flush()
            self._r = os.open(self.path, os.O_RDONLY)
        buf = os.pread(self._r, n * 8, off)
        return np.frombuffer(buf, dtype="<u8").astype(np.uint64, copy=False)

    def close(self) -> None:
        try:
            self._w.close()
        finally:
            if self._r is not None:
                os.close(self._r)
            try:
                os.unlink(self.path)
            except OSError:
                pass
