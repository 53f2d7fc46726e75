"""Per-document steps in worker processes: same results and counts as in-process, order kept, failures contained."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cleaning.document import Document, Page
from cleaning.workers import ProcessMapper, WorkerDied
from tests.cleaning.steps.helpers import Dies, Numbered, Warns, WhereCleaned
from tests.conftest import REPO

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _docs(n: int) -> list[Document]:
    return [Document(page=Page(url=f"https://a.example/{i}", status=200, fetched_at=T0)) for i in range(n)]


@pytest.mark.parametrize("workers", [1, 2])
def test_order_counts_and_drops(workers: int) -> None:
    out = list(ProcessMapper(workers, per_helper=2, max_pending=8).map([Numbered(drop="3")], _docs(40)))
    assert [d.page.url if d else None for d, _ in out] == [
        None if i % 10 == 3 else f"https://a.example/{i}" for i in range(40)]
    assert sum(s["numbered"]["seen"] for _, s in out) == 40
    assert sum(s["numbered"]["dropped/unlucky"] for _, s in out) == 4


@pytest.mark.parametrize("workers", [1, 2])
def test_a_step_that_raises_costs_that_document_only(workers: int) -> None:
    out = list(ProcessMapper(workers).map([Numbered(fail="7")], _docs(20)))
    assert sum(d is None for d, _ in out) == 2
    assert sum(s["numbered"]["dropped/error:ValueError"] for _, s in out) == 2


def test_a_long_run_is_not_held_up_by_a_helper_still_starting_once_the_held_back_results_are_full() -> None:
    """The results wait, in order, for the first document, which the starting helper was given: this process
    takes it back too, instead of waiting for the helper to come up (a run's grammar pass used to wait for a
    helper's whole start-up as soon as 64 results were held back)."""
    import os

    out = list(ProcessMapper(2, max_pending=8).map([WhereCleaned(start_delay=30.0)], _docs(100)))
    assert [d.page.url for d, _ in out] == [f"https://a.example/{i}" for i in range(100)]
    assert sum(s["where"].get(f"pid/{os.getpid()}", 0) for _, s in out) == 100


def test_a_helpers_warnings_go_where_the_parents_go_in_its_format(tmp_path: Path) -> None:
    """A spawned helper starts without its parent's logging (Scrapy's LOG_FILE and LOG_FORMAT): its warnings
    used to be bare lines on its stderr, missing from the run's log."""
    import os

    handler = logging.FileHandler(tmp_path / "run.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))  # Scrapy's
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        out = list(ProcessMapper(2, per_helper=2).map([Warns(delay=0.005)], _docs(400)))
    finally:
        root.removeHandler(handler)
        handler.close()
    cleaned_by = Counter[str]()
    for _, stats in out:
        cleaned_by.update(stats["warns"])
    helpers = {int(key[4:]) for key in cleaned_by if key.startswith("pid/")} - {os.getpid()}
    assert helpers, "no helper cleaned a document"
    lines = (tmp_path / "run.log").read_text().splitlines()
    for pid in helpers:
        said = [line for line in lines if line.endswith(f" warned in {pid}")]
        assert len(said) == cleaned_by[f"pid/{pid}"]
        assert all(re.match(r"\d{4}-\d\d-\d\d [\d:,]+ \[tests\.warns\] WARNING: https://a\.example/", s) for s in said)


def test_a_dead_worker_stops_the_run_with_a_clear_error() -> None:
    with pytest.raises(WorkerDied, match="ended unexpectedly"):
        list(ProcessMapper(3).map([Dies(delay=0.005)], _docs(2000)))


def test_a_small_run_is_not_held_up_by_a_helper_still_starting() -> None:
    """The helper is given a document while it starts (importing takes seconds): once the input is all
    handed out, this process takes it back instead of waiting for the helper to come up."""
    import os

    out = list(ProcessMapper(2).map([WhereCleaned(start_delay=5.0)], _docs(3)))
    assert [d.page.url for d, _ in out] == [f"https://a.example/{i}" for i in range(3)]
    assert sum(s["where"].get(f"pid/{os.getpid()}", 0) for _, s in out) == 3


STOPPED_MAP = """
from datetime import datetime, timezone
from cleaning.document import Document, Page
from cleaning.workers import ProcessMapper
from tests.cleaning.steps.helpers import StopsWhileHelpersStart

if __name__ == "__main__":
    body = b"x" * 1_000_000  # far more than a pipe holds: its feeder thread waits for the helper to read it
    docs = [Document(page=Page(url=f"https://a.example/{i}", status=200, fetched_at=datetime.now(timezone.utc),
                               body=body)) for i in range(3)]
    try:
        list(ProcessMapper(2).map([StopsWhileHelpersStart()], docs))
    except KeyboardInterrupt:
        print("stopped", flush=True)
"""


def test_a_map_stopped_before_its_helper_read_its_document_lets_the_process_exit() -> None:
    """Ctrl-C while a helper still starts: the document on its way to it is dropped, not waited for at exit
    (a `multiprocessing.Queue` joins its feeder thread, which waited for ever on a full pipe that nobody reads)."""
    proc = subprocess.Popen([sys.executable, "-c", STOPPED_MAP], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("the process did not exit once its map was stopped")
    assert out.strip() == "stopped" and proc.returncode == 0


def test_a_helper_builds_no_record_its_parents_handlers_would_drop() -> None:
    """Scrapy leaves the root logger at NOTSET and filters by LOG_LEVEL in its handler: a helper copying that
    would build a record for every debug call of its libraries (trafilatura makes many per page)."""
    from cleaning.helper_logging import LogSetup, LogTarget, log_like_parent

    root = logging.getLogger()
    kept = root.handlers[:], root.level
    root.handlers.clear()
    try:
        log_like_parent(LogSetup(logging.NOTSET, (LogTarget(None, logging.INFO, None),)))
        assert not logging.getLogger("trafilatura.core").isEnabledFor(logging.DEBUG)
        assert logging.getLogger("trafilatura.core").isEnabledFor(logging.INFO)
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = kept[0]
        root.setLevel(kept[1])
