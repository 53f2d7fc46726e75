"""A persistent cache of backend answers, keyed by a hash of the sentence.

SQLite in ``cache_dir``: safe for several worker processes, survives runs. What is
stored is the backend's raw answer for one sentence (before the policy), so changing
the policy or the protected words never needs a new cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable


def sentence_key(backend_id: str, language: str, sentence: str) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in (backend_id, language, sentence):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


class SentenceCache:
    def __init__(self, cache_dir: str | None) -> None:
        self.hits = 0
        self.misses = 0
        self._mem: dict[str, list] = {}
        self._db: sqlite3.Connection | None = None
        if cache_dir:
            os.makedirs(cache_dir, exist_ok=True)
            self._db = sqlite3.connect(os.path.join(cache_dir, "grammar-cache.sqlite3"), timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self._db.commit()

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def get_many(self, keys: Iterable[str]) -> dict[str, list]:
        keys = list(dict.fromkeys(keys))
        found = {k: self._mem[k] for k in keys if k in self._mem}
        missing = [k for k in keys if k not in found]
        if self._db is not None and missing:
            for i in range(0, len(missing), 500):
                chunk = missing[i : i + 500]
                q = "SELECT key, value FROM answers WHERE key IN (%s)" % ",".join("?" * len(chunk))
                for k, v in self._db.execute(q, chunk):
                    found[k] = json.loads(v)
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def put_many(self, items: dict[str, list]) -> None:
        self._mem.update(items)
        if len(self._mem) > 200_000:
            self._mem.clear()
        if self._db is not None and items:
            self._db.executemany(
                "INSERT OR REPLACE INTO answers (key, value) VALUES (?, ?)",
                [(k, json.dumps(v, separators=(",", ":"))) for k, v in items.items()],
            )
            self._db.commit()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
