"""A persistent cache of backend answers, keyed by a hash of the sentence.

SQLite in ``cache_dir``: safe for several worker processes, survives runs. What is
stored is the backend's raw answer for one sentence (before the policy), so changing
the policy or the protected words never needs a new cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")
CACHE_FILE = "grammar-cache.sqlite3"


def _retry(op: Callable[[], T], attempts: int = 20, delay: float = 0.05) -> T:
    """Runs a SQLite operation, retrying while another process holds the lock.

    Setting the journal mode can answer "database is locked" without waiting on the
    busy timeout, when several workers open a new cache at the same moment.
    """
    for i in range(attempts):
        try:
            return op()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or i == attempts - 1:
                raise
            time.sleep(delay * (i + 1))
    raise AssertionError("unreachable")


def sentence_key(backend_id: str, language: str, sentence: str) -> str:
    # one update of the parts joined, each ended by a NUL: the same bytes as updating part by part
    data = f"{backend_id}\0{language}\0{sentence}\0".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=20).hexdigest()


class SentenceCache:
    def __init__(self, cache_dir: str | None) -> None:
        self.hits = 0
        self.misses = 0
        self._mem: dict[str, list] = {}
        self._db: sqlite3.Connection | None = None
        if cache_dir:
            try:
                self._db = self._open(cache_dir)
            except (OSError, sqlite3.Error) as exc:
                # A cache is an optimisation: without it every sentence goes to the backend.
                logger.warning("grammar cache in %s unavailable, running without it: %s", cache_dir, exc)
                self._db = None

    @staticmethod
    def _open(cache_dir: str) -> sqlite3.Connection:
        os.makedirs(cache_dir, exist_ok=True)
        db = sqlite3.connect(os.path.join(cache_dir, CACHE_FILE), timeout=30)
        try:
            # WAL is a property of the file: set it once, not by every worker that opens it.
            if _retry(lambda: db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                _retry(lambda: db.execute("PRAGMA journal_mode=WAL").fetchone())
            # A cache may lose its last answers on a power cut, never its consistency (WAL): no fsync per
            # commit, which cost a seventh of a cleaning run's time.
            db.execute("PRAGMA synchronous=NORMAL")
            _retry(lambda: db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, value TEXT NOT NULL)"))
            _retry(db.commit)
        except BaseException:
            db.close()
            raise
        return db

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def get_many(self, keys: Iterable[str]) -> dict[str, list]:
        keys = list(dict.fromkeys(keys))
        found = {k: self._mem[k] for k in keys if k in self._mem}
        missing = [k for k in keys if k not in found]
        if self._db is not None and missing:
            try:
                for i in range(0, len(missing), 500):
                    chunk = missing[i : i + 500]
                    q = "SELECT key, value FROM answers WHERE key IN (%s)" % ",".join("?" * len(chunk))
                    rows = _retry(lambda: self._db.execute(q, chunk).fetchall())
                    # nearly every sentence's answer is "no match": that one is not parsed
                    read = {k: [] if v == "[]" else json.loads(v) for k, v in rows}
                    found.update(read)
                    # sites repeat sentences: the next text's copy is answered without SQLite and JSON
                    self._remember(read)
            except sqlite3.Error as exc:
                self._give_up(exc)
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def _remember(self, items: dict[str, list]) -> None:
        self._mem.update(items)
        if len(self._mem) > 200_000:
            self._mem.clear()

    def put_many(self, items: dict[str, list]) -> None:
        self._remember(items)
        if self._db is not None and items:
            rows = [(k, "[]" if v == [] else json.dumps(v, separators=(",", ":"))) for k, v in items.items()]
            try:
                _retry(lambda: self._db.executemany("INSERT OR REPLACE INTO answers (key, value) VALUES (?, ?)", rows))
                _retry(self._db.commit)
            except sqlite3.Error as exc:
                self._give_up(exc)

    def _give_up(self, exc: Exception) -> None:
        logger.warning("grammar cache failed, continuing without it: %s", exc)
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
