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
