"""`python -m cleaning run` at its edges, as a user runs it (a subprocess): a LanguageTool that answers at
start and then hangs costs at most the grammar deadlines, and the rows are written unfixed with their status
(the run says `partial`, exit 3); Ctrl-C or SIGTERM stops it within seconds, with a clear message, a
non-zero exit, and what earlier runs committed intact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from cleaning.storage.datasets import PartitionedWriter
from tests.cleaning.grammar.conftest import HangingLanguageTool
from tests.conftest import REPO
from tests.faultsite.content import article_html, make_article

EARLIER, LATER = "20260101T000000Z_aaaaaa", "20260102T000000Z_bbbbbb"


def _store_pages(root: Path, run_id: str, n: int) -> None:
    writer = PartitionedWriter(root, "pages", run_id, tag="t")
    for i in range(n):
        article = make_article(f"{run_id[-6:]}-story-{i}")
        writer.write({"url": f"https://a.org/{article.slug}.html", "status": 200, "site": "a.org", "kind": "unknown",
                      "fetched_at": datetime.now(timezone.utc), "content_type": "text/html; charset=utf-8",
                      "body": article_html(article).encode(), "run_id": run_id}, partition="2026-01-01")
    writer.flush()


def _clean(root: Path, *args: str, lt_url: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "HEALTH_LANGUAGETOOL_URL": lt_url, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "cleaning", "run", "--output-dir", str(root), "--workers", "2",
                             *args], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _manifest(root: Path, run_id: str) -> dict:
    return json.loads((root / "_runs" / f"{run_id}.json").read_text())


def test_a_hanging_languagetool_costs_at_most_the_deadlines_and_rows_are_written_unfixed(tmp_path: Path) -> None:
    _store_pages(tmp_path, LATER, 6)
    with HangingLanguageTool() as server:
        started = time.monotonic()
        proc = _clean(tmp_path, "--grammar-backend", "languagetool", "--grammar-timeout", "1", "--grammar-budget", "2",
                      lt_url=server.url)
        out, err = proc.communicate(timeout=120)
        elapsed = time.monotonic() - started
        assert server.checks, "the backend was never asked: the test proves nothing"
    # Two processes, each at most ~2 s of waiting, plus start-up: far below one default 30 s request timeout.
    assert elapsed < 25, f"a hung grammar backend cost {elapsed:.0f} s"
    assert proc.returncode == 3, err[-2000:]  # partial: written, but not all of the work was done
    assert "partial:" in err and "6 articles written without their grammar fixes (deadline: " in err  # the cause
    articles = pd.read_parquet(tmp_path / "articles", columns=["url", "grammar_status", "body"])
    assert len(articles) == 6
    assert all(s.startswith("error:") for s in articles["grammar_status"]), set(articles["grammar_status"])
    cleaning = _manifest(tmp_path, LATER)["cleaning"]
    assert cleaning["status"] == "committed" and cleaning["counts"]["grammar_unfixed"] == 6


@pytest.mark.parametrize("sig, code, whole_rebuild", [(signal.SIGINT, 130, False), (signal.SIGTERM, 143, True)])
def test_a_signal_stops_the_run_promptly_and_keeps_what_was_committed(tmp_path: Path, sig: signal.Signals,
                                                                     code: int, whole_rebuild: bool) -> None:
    _store_pages(tmp_path, EARLIER, 3)
    done = _clean(tmp_path, "--grammar-backend", "none")
    _, err = done.communicate(timeout=120)
    assert done.returncode == 0, err[-2000:]
    before = pd.read_parquet(tmp_path / "articles").sort_values("url").reset_index(drop=True)
    _store_pages(tmp_path, LATER, 6)
    # Either the new run alone, or every run again (stopped while re-cleaning the committed one).
    which = () if whole_rebuild else ("--run-id", LATER)
    stopped_run = EARLIER if whole_rebuild else LATER
    with HangingLanguageTool() as server:
        # Default deadlines (30 s per request): without a prompt stop, the run would wait for them.
        proc = _clean(tmp_path, *which, "--grammar-backend", "languagetool", lt_url=server.url)
        limit = time.monotonic() + 90
        while not server.checks and time.monotonic() < limit and proc.poll() is None:
            time.sleep(0.1)
        assert server.checks, "the run never reached the grammar step"
        time.sleep(0.5)  # hung inside a grammar request
        signalled = time.monotonic()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
        stopped = time.monotonic() - signalled
    assert stopped < 10, f"the run took {stopped:.1f} s to stop"
    assert proc.returncode == code, err[-2000:]
    assert f"interrupted by {sig.name}" in err and "Traceback" not in err
    assert _manifest(tmp_path, stopped_run)["cleaning"]["status"] == "interrupted"
    after = pd.read_parquet(tmp_path / "articles").sort_values("url").reset_index(drop=True)
    # The committed run's rows, untouched (a whole rebuild used to remove them first); none of the stopped run's.
    pd.testing.assert_frame_equal(before, after)
