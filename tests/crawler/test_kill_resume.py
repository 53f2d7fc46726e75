"""SIGKILL at random points of a crawl and of its cleaning stage, repeatedly; the resumed run's datasets equal
an uninterrupted run's: the same articles, no doubles, no partial files.

The kill points come from a seeded generator (HEALTH_KILL_SEED, default 20241124) and are printed, so a
failure can be replayed. A few kills per stage keep the test within a minute or two.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, run_crawl
from tests.support.kill import kill_when

SEED = int(os.environ.get("HEALTH_KILL_SEED", "20241124"))
DATASETS = ("pages", "articles", "hot_picks", "duplicates", "grammar_edits")
COMMON = ["-s", "HEALTH_GRAMMAR_BACKEND=offline", "-s", "HEALTH_PROGRESS_INTERVAL=0", "-s", "HEALTH_RETRY_BACKOFF=0.1"]


def _visible_files(out: Path) -> list[Path]:
    """Part files a reader sees (temporary files are dot-prefixed and ignored by every reader)."""
    return [p for name in DATASETS for p in (out / name).glob("crawl_date=*/*.parquet") if not p.name.startswith(".")]


def _assert_nothing_partial(out: Path) -> None:
    for path in _visible_files(out):
        pq.read_table(path)  # raises on a truncated or half-written file


def _page_files(out: Path) -> int:
    return len(list((out / "pages").glob("crawl_date=*/part-*.parquet")))


def _spawn(out: Path, job: Path, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "health", "-s", f"OUTPUT_DIR={out}", "-s", f"JOBDIR={job}",
           "-s", "LOG_LEVEL=INFO", *COMMON, *extra]
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())


def _succeeded(out: Path) -> bool:
    return any(json.loads(p.read_text()).get("status") == "succeeded" for p in (out / "_runs").glob("*.json"))


def _datasets(out: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(out / name) for name in DATASETS if (out / name).exists()}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("baseline") / "out"
    run_crawl(out, *COMMON)
    return _datasets(out)


def _assert_equal_to_baseline(out: Path, baseline: dict[str, pd.DataFrame]) -> None:
    _assert_nothing_partial(out)
    got = _datasets(out)
    articles, want = got["articles"], baseline["articles"]
    assert articles["article_id"].is_unique, "an article was written twice"
    assert sorted(articles["article_id"]) == sorted(want["article_id"])
    assert sorted(articles["body"]) == sorted(want["body"])
    assert sorted(articles["title"]) == sorted(want["title"])
    assert len(set(got["pages"]["run_id"])) == 1, "the resumed crawl is one run"
    for name, key in (("hot_picks", ["article_id", "block", "rank"]), ("duplicates", ["url"])):
        if name in want:
            rows = got[name][key]
            assert not rows.duplicated().any(), f"{name}: doubled rows"
            assert sorted(map(tuple, rows.values)) == sorted(map(tuple, want[name][key].values)), name
    if "grammar_edits" in want:
        assert len(got.get("grammar_edits", [])) == len(want["grammar_edits"])
    for _, group in got["hot_picks"].groupby(["article_id", "block"]):
        assert sorted(group["rank"]) == list(range(1, len(group) + 1))


def test_repeated_sigkill_during_the_crawl_then_resume(tmp_path: Path, baseline):
    rng = random.Random(SEED)
    out, job = tmp_path / "out", tmp_path / "job"
    slow = ["-s", "HEALTH_PAGES_FLUSH_ITEMS=3", "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.05",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "HEALTH_CLEAN_ON_CLOSE=False"]
    kills = []
    for _ in range(3):
        target = _page_files(out) + rng.randint(1, 4)  # a few more flushed files, then a random moment
        delay = rng.uniform(0, 0.3)
        proc = _spawn(out, job, *slow)
        if kill_when(proc, lambda: _page_files(out) >= target, delay):
            kills.append((target, round(delay, 3)))
            _assert_nothing_partial(out)
            assert not (out / "articles").exists()  # nothing is cleaned before the crawl ends
    print(f"seed {SEED}: killed after (page files, delay) {kills}")
    assert len(kills) >= 2, f"too few kills landed (seed {SEED}: {kills})"
    run_crawl(out, "-s", f"JOBDIR={job}", *COMMON)  # resume to the end, cleaning included
    _assert_equal_to_baseline(out, baseline)


def test_repeated_sigkill_during_cleaning_then_resume(tmp_path: Path, baseline):
    rng = random.Random(SEED + 1)
    longest = 0.8  # the demo site's cleaning takes about 1 s (offline grammar, pages prepared while crawling)
    for attempt in range(4):  # a run that finished before the first kill proves nothing: again, with shorter delays
        out, job = tmp_path / f"out{attempt}", tmp_path / f"job{attempt}"
        staging = out / "_staging"
        kills, finished = [], False
        for _ in range(3):
            delay = rng.uniform(0, longest)
            proc = _spawn(out, job)
            if not kill_when(proc, lambda: staging.exists() and any(staging.iterdir()), delay, timeout=120) \
                    or _succeeded(out):  # finished before the kill, or killed after recording its success:
                finished = True          # complete (a JOBDIR whose run succeeded starts a new run: crawler/runs.py)
                break
            kills.append(round(delay, 3))
            _assert_nothing_partial(out)
            if (out / "articles").exists():  # a commit that ran to its end left whole, single copies
                assert pd.read_parquet(out / "articles")["article_id"].is_unique
        if kills:
            break
        longest /= 2
    print(f"seed {SEED + 1}: killed {kills} s into cleaning")
    assert kills, f"no kill landed during cleaning (seed {SEED + 1})"
    if not finished:
        proc = run_crawl(out, "-s", f"JOBDIR={job}", *COMMON)  # redo the killed clean by re-running
        assert "succeeded" in proc.stderr
    assert not any(staging.glob("*/out/*/*/*.parquet")), "staged files left behind"
    _assert_equal_to_baseline(out, baseline)


def test_a_killed_clean_is_redone_by_the_cleaning_command(tmp_path: Path, baseline):
    """The other way back: `python -m cleaning run --run-id` over the stored pages, after a kill mid-clean."""
    rng = random.Random(SEED + 2)
    out, job = tmp_path / "out", tmp_path / "job"
    staging = out / "_staging"
    proc = _spawn(out, job)
    assert kill_when(proc, lambda: staging.exists() and any(staging.iterdir()), rng.uniform(0, 0.5), timeout=120)
    run_id = (job / "health_run_id.txt").read_text().strip()
    clean = subprocess.run([sys.executable, "-m", "cleaning", "run", "--output-dir", str(out), "--run-id", run_id,
                            "--grammar-backend", "offline"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert clean.returncode == 0, clean.stderr[-3000:]
    _assert_equal_to_baseline(out, baseline)
