"""Where the dedup state lives next to the datasets, and how it is rebuilt when missing.

OUTPUT_DIR/_state/dedup.parquet holds hashes and MinHash signatures of every
article written; dedup.json beside it names the runs it includes. Re-cleaning a
run, or a missing or unreadable state, rebuilds it from the `articles` dataset.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from cleaning.storage.datasets import read_rows
from cleaning.storage.manifests import write_json_atomic

logger = logging.getLogger(__name__)


def _paths(root: Path) -> tuple[Path, Path]:
    base = Path(root) / "_state"
    return base / "dedup.parquet", base / "dedup.json"


def _article_runs(root: Path) -> set[str]:
    return {r["run_id"] for r in read_rows(root, "articles", columns=["run_id"], batch_size=10000)}


def load_dedup_state(root: Path, include_runs: set[str]) -> Any:
    """The dedup state of the articles written by `include_runs` (the runs before the one being cleaned)."""
    from cleaning.dedup.state import DedupState

    state_path, meta_path = _paths(root)
    wanted = _article_runs(root) & set(include_runs)
    try:
        runs = set(json.loads(meta_path.read_text(encoding="utf-8"))["runs"])
        if state_path.is_file() and runs == wanted:
            return DedupState.load(state_path)
        reason = "it holds other runs than the ones wanted"
    except (OSError, ValueError, KeyError, TypeError):
        reason = "it is missing or unreadable"
    if not wanted:
        return DedupState()
    logger.info("rebuilding dedup state from the articles dataset (%s)", reason)
    rows = ((r["article_id"], r["url"], r["body_original"], r["version"], r["published_date"])
            for r in read_rows(root, "articles",
                               columns=["article_id", "url", "body_original", "version", "published_date", "run_id"])
            if r["run_id"] in wanted)
    return DedupState.rebuild(rows)


def save_dedup_state(root: Path, state: Any, runs: set[str]) -> None:
    """Saves the state and, beside it, which runs' articles it holds."""
    state_path, meta_path = _paths(root)
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state.save(state_path)
    write_json_atomic(meta_path, {"runs": sorted(_article_runs(root) & set(runs))})


def remove_dedup_state(root: Path) -> None:
    for path in _paths(root):
        path.unlink(missing_ok=True)
