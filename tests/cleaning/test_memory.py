"""Freed memory goes back to the system when a pass asks (glibc), instead of staying resident."""

from __future__ import annotations

import gc
import platform

import pytest

from cleaning.memory import release_free_memory


def _rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS"))


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_freed_memory_is_returned() -> None:
    # 60 MB in blocks of 2 KB (malloc's, not Python's small-object pools); every 64th stays alive, so the
    # heap's top is never free and malloc keeps the rest resident on its own.
    blocks = [bytearray(2048) for _ in range(30_000)]
    kept = blocks[::64]
    del blocks
    gc.collect()
    before = _rss_kib()
    assert release_free_memory()
    after = _rss_kib()
    assert before - after > 30_000, f"{before} KiB -> {after} KiB"
    assert len(kept) == 469  # alive until here


def test_elsewhere_it_is_a_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    import cleaning.memory as memory

    monkeypatch.setattr(memory.sys, "platform", "darwin")
    memory._malloc_trim.cache_clear()
    try:
        assert memory.release_free_memory() is False
    finally:
        memory._malloc_trim.cache_clear()


# --- trimming as a process grows (HeapTrimmer) ------------------------------------------------------------

class _Fake:
    """Resident sizes to report, one per read, and the trims asked for."""

    def __init__(self, sizes: list[int | None], trims: bool = True) -> None:
        self.sizes, self.ok, self.trims = list(sizes), trims, 0

    def rss(self) -> int | None:
        return self.sizes.pop(0)

    def trim(self) -> bool:
        self.trims += 1
        return self.ok


def test_it_trims_only_once_memory_grew_by_a_step_since_the_last_trim() -> None:
    from cleaning.memory import HeapTrimmer

    # reads: first (base 100), +30, +60 (trims; reads 120 after), 150 (+30 from 120), 190 (+70: trims, then 130)
    fake = _Fake([100, 130, 160, 120, 150, 190, 130])
    trimmer = HeapTrimmer(step=50, rss=fake.rss, trim=fake.trim)
    assert [trimmer.maybe() for _ in range(5)] == [False, False, True, False, True]
    assert fake.trims == trimmer.trims == 2 and fake.sizes == []


def test_without_proc_or_glibc_it_never_counts_a_trim() -> None:
    from cleaning.memory import HeapTrimmer

    assert not any(HeapTrimmer(step=1, rss=lambda: None, trim=lambda: True).maybe() for _ in range(3))
    fake = _Fake([100, 500, 900], trims=False)
    trimmer = HeapTrimmer(step=1, rss=fake.rss, trim=fake.trim)
    assert [trimmer.maybe() for _ in range(3)] == [False, False, False] and trimmer.trims == 0


def test_without_glibc_it_collects_once_a_step_not_at_every_look(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaning import memory

    collections = []
    monkeypatch.setattr(memory.gc, "collect", lambda: collections.append(1))
    fake = _Fake([100, 200, 210, 220, 260], trims=False)
    trimmer = memory.HeapTrimmer(step=50, rss=fake.rss, trim=fake.trim)
    assert not any(trimmer.maybe() for _ in range(5))
    assert len(collections) == 2  # at 200 (+100) and at 260 (+60 from 200), not at 210 and 220


def test_garbage_in_reference_cycles_is_collected_before_the_trim() -> None:
    # A Scrapy response and its selector hold each other: only the collector frees the page's tree.
    import weakref

    from cleaning.memory import HeapTrimmer

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    a.payload = bytearray(1 << 20)
    gone = weakref.ref(a)
    enabled = gc.isenabled()
    gc.disable()
    try:
        del a, b
        assert gone() is not None  # reference counts alone do not free a cycle
        fake = _Fake([100, 200, 100])
        assert HeapTrimmer(step=50, rss=fake.rss, trim=fake.trim).maybe() is False  # the first look only
        trimmer = HeapTrimmer(step=50, rss=_Fake([100, 200, 100]).rss, trim=lambda: True)
        trimmer.maybe()
        assert gone() is not None
        assert trimmer.maybe() is True and gone() is None
    finally:
        if enabled:
            gc.enable()
