"""`python -m cleaning run` rebuilds, offline and on several processes, the rows the crawl wrote."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cleaning.storage.schemas import DERIVED
from tests.conftest import REPO, run_crawl


def _load(root: Path, name: str) -> pd.DataFrame:
    df = pd.read_parquet(root / name)
    df = df.drop(columns=["crawl_date"]).astype({c: "string" for c in df.columns if df[c].dtype == object})
    keys = [c for c in ("article_id", "version", "rank", "offset", "url") if c in df.columns]
    return df.sort_values(keys).reset_index(drop=True)


@pytest.mark.parametrize("crawl", ["as users run it", "slowly, its helpers lent to the grammar pass"])
def test_offline_rebuild_equals_the_crawl(tmp_path: Path, crawl: str):
    crawled = tmp_path / "crawled"
    if crawl == "as users run it":
        run_crawl(crawled)
    else:  # the preparing helpers are up before the crawl ends, and stand by for the grammar-and-rows pass
        proc = run_crawl(crawled, "-s", "DOWNLOAD_DELAY=0.1", "-s", "HEALTH_CLEAN_WORKERS=2", "-s", "LOG_LEVEL=DEBUG")
        assert "lent helpers" in proc.stderr
        assert int(pd.read_parquet(crawled / "grammar_edits").shape[0]) > 0  # fixes were made there
    rebuilt = tmp_path / "rebuilt"
    shutil.copytree(crawled / "pages", rebuilt / "pages")
    shutil.copytree(crawled / "_runs", rebuilt / "_runs")
    proc = subprocess.run([sys.executable, "-m", "cleaning", "run", "--output-dir", str(rebuilt), "--workers", "2",
                           "--grammar-backend", "offline"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for name in DERIVED:
        pd.testing.assert_frame_equal(_load(crawled, name), _load(rebuilt, name), check_dtype=False)


def test_rerunning_a_run_replaces_its_rows(tmp_path: Path):
    out = tmp_path / "out"
    run_crawl(out, "-s", "HEALTH_GRAMMAR_BACKEND=none")
    before = _load(out, "articles")
    run_id = before["run_id"].iloc[0]
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-m", "cleaning", "run", "--output-dir", str(out), "--run-id", run_id,
                               "--workers", "1", "--grammar-backend", "none"],
                              cwd=REPO, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
    pd.testing.assert_frame_equal(before, _load(out, "articles"), check_dtype=False)


def test_run_without_pages_is_a_clear_error(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "cleaning", "run", "--output-dir", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "no pages dataset" in proc.stderr


def test_run_with_an_empty_pages_dataset_says_so(tmp_path: Path):
    (tmp_path / "pages").mkdir()
    proc = subprocess.run([sys.executable, "-m", "cleaning", "run", "--output-dir", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "no stored run to clean" in proc.stderr, proc.stderr
