"""The spools between passes: on disk, or in memory while small."""

from __future__ import annotations

from pathlib import Path

from cleaning.spool import BufferedSpool, DocumentSpool, read_at


def test_a_disk_spool_reads_back_in_order_and_at_an_offset(tmp_path: Path) -> None:
    spool = DocumentSpool(tmp_path / "s.spool")
    offsets = [spool.append({"n": i}) for i in range(5)]
    assert [o["n"] for o in spool] == [0, 1, 2, 3, 4]
    assert read_at(tmp_path / "s.spool", offsets[3]) == {"n": 3}


def _filled(tmp_path: Path, budget: int) -> tuple[BufferedSpool, list[list[int]]]:
    """A buffer given ten items of 10 bytes each, closed; and the items."""
    buffer = BufferedSpool(tmp_path / "b.spool", budget=budget, size_of=lambda o: 10)
    items = [[i] for i in range(10)]
    for item in items:
        buffer.append(item)
    buffer.close()
    return buffer, items


def test_a_small_buffer_stays_in_memory_and_gives_the_same_objects_each_reading(tmp_path: Path) -> None:
    buffer, items = _filled(tmp_path, budget=100)
    assert not buffer.spilled and not (tmp_path / "b.spool").exists()
    assert list(buffer) == items and all(a is b for a, b in zip(buffer, items))
    assert list(buffer) == items and buffer.count == 10  # re-readable


def test_a_buffer_past_its_budget_spills_everything_to_disk_in_order(tmp_path: Path) -> None:
    buffer, items = _filled(tmp_path, budget=35)
    assert buffer.spilled and (tmp_path / "b.spool").is_file()
    assert list(buffer) == items and list(buffer) == items  # the held ones first, then the rest; re-readable
    assert not any(a is b for a, b in zip(buffer, items))  # copies from disk


def test_an_empty_buffer_reads_empty(tmp_path: Path) -> None:
    buffer = BufferedSpool(tmp_path / "b.spool", budget=0, size_of=lambda o: 1)
    buffer.close()
    assert list(buffer) == [] and not buffer.spilled
