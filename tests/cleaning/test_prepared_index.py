"""The index of prepared results: exact lookups in a few bytes a page, not a Python object per page."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

import cleaning.prepared_index as prepared_index
from cleaning.prepared_index import PreparedIndex


def _key(i: int) -> tuple[str, int, str]:
    return (f"https://health.example/articles/{i:07d}-a-title-of-some-length.html", 200,
            f"2026-01-01T08:{i % 60:02d}:00+00:00")


class _Stored:
    """Stands in for the spool files: (spool, offset) -> the stored (key, value) record."""

    def __init__(self) -> None:
        self.records: dict[tuple[Path, int], tuple] = {}
        self.reads = 0

    def put(self, spool: Path, offset: int, key: tuple, value: str) -> tuple:
        self.records[(spool, offset)] = (key, value)
        return key, offset

    def read(self, spool: Path, offset: int) -> tuple:
        self.reads += 1
        return self.records[(spool, offset)]


def _filled(stored: _Stored, n: int) -> PreparedIndex:
    index = PreparedIndex()
    for part in range(3):
        spool = Path(f"part-{part}.spool")
        index.add(spool, [stored.put(spool, 100 * i, _key(i), f"{part}:{i}") for i in range(part, n, 3)])
    return index


def test_every_key_is_found_and_only_those() -> None:
    stored = _Stored()
    index = _filled(stored, 3000)
    assert len(index) == 3000
    for i in range(0, 3000, 7):
        row, record = index.find(_key(i), stored.read)
        assert record == (_key(i), f"{i % 3}:{i}")
        assert index.read(row, stored.read) == record
    assert index.find(_key(3000), stored.read) is None
    assert index.find((_key(5)[0], 404, _key(5)[2]), stored.read) is None  # another fetch of that URL


def test_a_key_added_again_replaces_the_earlier_one_even_after_lookups() -> None:
    stored = _Stored()
    index = _filled(stored, 30)
    assert index.find(_key(4), stored.read)[1] == (_key(4), "1:4")
    later = Path("part-9.spool")
    index.add(later, [stored.put(later, 0, _key(4), "again")])
    assert index.find(_key(4), stored.read)[1] == (_key(4), "again")
    assert index.find(_key(5), stored.read)[1] == (_key(5), "2:5")


def test_colliding_hashes_still_give_the_exact_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepared_index, "key_hash", lambda key: 42 if key[0].endswith("0-a-title-of-some-length.html") else 7)
    stored = _Stored()
    index = _filled(stored, 50)
    for i in range(50):
        assert index.find(_key(i), stored.read)[1] == (_key(i), f"{i % 3}:{i}")
    assert index.find(_key(60), stored.read) is None  # same hash as five stored keys, none of them equal


def test_it_holds_no_python_object_per_page() -> None:
    n = 20_000
    stored = _Stored()
    entries = [stored.put(Path("part-0.spool"), 100 * i, _key(i), "") for i in range(n)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        index = PreparedIndex()
        index.add(Path("part-0.spool"), entries)
        assert index.find(_key(n - 1), stored.read) is not None  # sorted: the columns the lookups use
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # 20 bytes a page in three columns; a dict of key tuples to (path, offset) tuples held ~350.
    assert index.nbytes() == 20 * n
    assert held < 40 * n, f"{held / n:.0f} bytes a page"
