"""LSH candidate pairs: the same pairs, confirmed in the same order, as a set of partners per unit gave;
held as numpy blocks, so their memory does not grow with the run."""

from __future__ import annotations

import tracemalloc
from collections import Counter, defaultdict

import numpy as np
import pytest

import cleaning.dedup.near as near
from cleaning.dedup.near import candidate_pairs, confirmed_edges
from cleaning.dedup.options import DedupOptions


def _reference(keys: np.ndarray, cap: int) -> list[tuple[int, int]]:
    """The rule, written plainly: per band, a row pairs with the first min(place, cap) rows of its bucket
    (buckets in row order); in all, each row keeps its cap smallest partners; rows, then partners, ascending."""
    n, bands = keys.shape
    partners: dict[int, set[int]] = defaultdict(set)
    for band in range(bands):
        buckets: dict[int, list[int]] = defaultdict(list)
        for row in range(n):
            buckets[int(keys[row, band])].append(row)
        for rows in buckets.values():
            for place, row in enumerate(rows):
                partners[row].update(rows[: min(place, cap)])
    return [(row, q) for row in sorted(partners) for q in sorted(partners[row])[:cap]]


def _keys(rng: np.random.Generator, n: int, bands: int, distinct: int) -> np.ndarray:
    return rng.integers(0, distinct, size=(n, bands)).astype(np.uint64)


@pytest.mark.parametrize("block", [1, 7, 1 << 16])
def test_pairs_follow_the_rule_whatever_the_block_size(monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    monkeypatch.setattr(near, "_BLOCK_PAIRS", block)
    rng = np.random.default_rng(5)
    for n, bands, distinct, cap in [(2, 3, 1, 1), (50, 4, 3, 2), (300, 9, 40, 5), (400, 2, 2, 64), (120, 5, 1000, 3)]:
        keys = _keys(rng, n, bands, distinct)
        stats: Counter[str] = Counter()
        got = [(int(c) // n, int(c) % n) for block_codes in candidate_pairs(keys, cap, stats) for c in block_codes]
        assert got == _reference(keys, cap), (n, bands, distinct, cap)
        sizes = [s for band in range(bands) for s in Counter(keys[:, band].tolist()).values()]
        assert stats["candidates_capped"] == sum(1 for s in sizes if s > cap)


def test_confirmed_edges_skip_pairs_of_stored_articles_and_keep_the_similar_ones() -> None:
    opts = DedupOptions()
    base = np.arange(opts.num_perm, dtype=np.uint32)
    sigs = {u: base.copy() for u in (10, 20, 30, 40)}
    sigs[40][:] += 1000  # shares no band with the others
    in_state = {10: True, 20: True, 30: False, 40: False}
    seen: list[tuple[int, int]] = []

    def sim(u: int, v: int) -> float:
        seen.append((u, v))
        return 0.9 if 30 in (u, v) else 0.1

    stats: Counter[str] = Counter()
    edges = confirmed_edges([10, 20, 30, 40], in_state, sigs.__getitem__, sim, opts, stats)
    assert seen == [(30, 10), (30, 20)]  # (20, 10): two stored articles are never compared
    assert {u: dict(v) for u, v in edges.items()} == {30: {10: 0.9, 20: 0.9}, 10: {30: 0.9}, 20: {30: 0.9}}
    assert stats["candidates"] == 2


def test_memory_does_not_grow_with_the_pairs() -> None:
    # 20,000 units whose signatures share every band but one: ~1.3 million candidate pairs. Partner sets
    # held all of them at once (~51 MB traced); blocks of pairs hold a few MB.
    n, opts = 20_000, DedupOptions()
    sigs = np.tile(np.arange(opts.num_perm, dtype=np.uint32), (n, 1))
    sigs[:, -1] = np.arange(n)
    units = list(range(n))
    stats: Counter[str] = Counter()
    tracemalloc.start()
    try:
        edges = confirmed_edges(units, dict.fromkeys(units, False), sigs.__getitem__, lambda u, v: 0.0, opts, stats)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not edges and stats["candidates"] > 1_000_000
    assert peak < 16_000_000, f"{peak / 1e6:.1f} MB traced for {stats['candidates']} pairs"
