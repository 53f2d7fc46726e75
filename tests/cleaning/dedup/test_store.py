"""Where the dedup state lives: a missing, stale or unreadable state is rebuilt from the articles dataset."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from cleaning.dedup.store import load_dedup_state, save_dedup_state
from cleaning.storage.datasets import PartitionedWriter

RUN = "20260101T000000Z_store1"
BODY = "a long enough body of words to have shingles and a signature of its own in the state " * 3


def _articles(root: Path) -> None:
    w = PartitionedWriter(root, "articles", RUN)
    w.write({"article_id": "a1", "version": 1, "url": "https://a.example/1", "body_original": BODY,
             "crawled_at": datetime(2026, 1, 1, tzinfo=timezone.utc), "run_id": RUN}, "2026-01-01")
    w.flush()


def test_state_is_saved_then_loaded_and_rebuilt_when_unreadable(tmp_path: Path) -> None:
    _articles(tmp_path)
    rebuilt = load_dedup_state(tmp_path, include_runs={RUN})  # nothing saved yet: rebuilt from articles
    assert rebuilt.get("a1") is not None
    save_dedup_state(tmp_path, rebuilt, runs={RUN})
    assert load_dedup_state(tmp_path, include_runs={RUN}) == rebuilt
    (tmp_path / "_state" / "dedup.parquet").write_bytes(b"garbage")
    (tmp_path / "_state" / "dedup.json").write_text("{not json")
    assert load_dedup_state(tmp_path, include_runs={RUN}) == rebuilt
    assert len(load_dedup_state(tmp_path, include_runs=set())) == 0  # a first run sees no earlier articles
