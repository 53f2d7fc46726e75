"""Progress of a cleaning run over all its passes (cleaning/progress.py), on a fake clock."""

from __future__ import annotations

import logging
import re
import threading
import time

import pytest

from cleaning.progress import PASSES, PRIOR_SECONDS, RunProgress


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    caplog.set_level(logging.INFO, logger="cleaning.progress")

    class Lines(list):
        def __iter__(self):
            return iter([r.getMessage() for r in caplog.records if r.name == "cleaning.progress"])

        def __len__(self):
            return len(list(iter(self)))

        def __getitem__(self, i):
            return list(iter(self))[i]

    return Lines()


def test_a_line_says_the_pass_the_count_the_rate_and_the_time_left_for_every_pass(lines):
    clock = Clock()
    p = RunProgress("cleaning r1", 100, interval=30, workers=1, clock=clock)
    p.begin("prepare")
    for _ in range(30):
        clock.advance(1.0)
        p.advance("prepare")
    line = lines[-1]  # logged at 30 s
    assert line.startswith("cleaning r1: pass 1/5 prepare: 30/100 documents (60/min), 30 s so far"), line
    # 70 pages left at the measured 1 s each, then the later passes at their prior cost per document
    expected = 70 + 100 * sum(PRIOR_SECONDS[name] for name in PASSES[1:])
    assert p.seconds_left() == pytest.approx(expected)
    assert "to go in all (passes prepare, dedup, vocabulary, grammar, write)" in line


def test_lines_are_throttled_to_the_interval_while_documents_flow(lines):
    clock = Clock()
    p = RunProgress("r", 1000, interval=30, clock=clock)
    p.begin("prepare")
    for _ in range(1000):
        clock.advance(0.1)  # 100 s in all
        p.advance("prepare")
    assert len(lines) == 1 + 3  # the pass's first line, then one per 30 s


def test_the_estimate_covers_the_passes_after_the_current_one():
    clock = Clock()
    p = RunProgress("r", 100, interval=0, workers=4, clock=clock)
    for i in range(100):
        clock.advance(0.5)
        p.advance("prepare", passed_on=i % 2 == 0)  # half the pages are dropped (listings, too short)
    clock.advance(2.0)
    p.begin("dedup", total=50)
    assert p.passes["prepare"].ended == clock.now  # a pass beginning ends the ones before it
    later = 50 * (PRIOR_SECONDS["dedup"] + PRIOR_SECONDS["vocabulary"] + PRIOR_SECONDS["grammar"] / 4
                  + PRIOR_SECONDS["write"])
    assert p.seconds_left() == pytest.approx(later)
    p.begin("vocabulary")
    p.begin("grammar")  # total from what vocabulary handed on is unknown yet: dedup's 50 stand
    assert p.passes["grammar"].total in (0, 50)
    p.expect("grammar", 50)
    for _ in range(10):
        clock.advance(1.0)
        p.advance("grammar")
    # grammar measured at 1 s per article (workers included), 40 to go, then the write pass
    assert p.seconds_left() == pytest.approx(40 * 1.0 + 50 * PRIOR_SECONDS["write"])


def test_no_estimate_before_the_runs_size_is_known():
    p = RunProgress("r", None, interval=0, clock=Clock())
    p.begin("prepare")
    assert p.seconds_left() is None


def test_the_heartbeat_speaks_when_documents_do_not_flow(lines):
    # A pass that does all its work before its first document (dedup deciding, a backend starting):
    # the heartbeat logs where the run is, so no gap is longer than the interval.
    clock = Clock()
    p = RunProgress("r", 10, interval=30, clock=clock)
    p.begin("dedup", total=10)
    n = len(lines)
    for _ in range(30):  # the heartbeat thread calls beat() ten times per interval
        clock.advance(3.0)
        p.beat()
    assert len(lines) - n == 3
    assert re.search(r"pass 2/5 dedup: under way for 81 s", lines[-1]), lines[-1]
    clock.advance(1.0)
    p.beat()
    assert len(lines) - n == 3  # 1 s after a line: nothing


def test_heartbeat_thread_runs_and_stops(lines):
    p = RunProgress("r", 5, interval=0.05)
    with p.heartbeat():
        time.sleep(0.3)
    assert len(lines) >= 3  # the first line at once, then the heartbeat's
    assert not [t for t in threading.enumerate() if t.name == "cleaning-progress"]


def test_interval_zero_is_silent(lines):
    p = RunProgress("r", 5, interval=0, clock=Clock())
    with p.heartbeat():
        p.begin("prepare")
        p.advance("prepare")
    assert len(lines) == 0


def test_steps_outside_the_flow_are_ignored():
    p = RunProgress("r", 5, interval=0, clock=Clock())
    p.advance("a-test-step")
    p.begin("another")
    assert all(x.done == 0 for x in p.passes.values())


@pytest.mark.parametrize("backend,installed,expected", [
    ("offline", False, 0.01), ("none", False, 0.001), ("languagetool", False, PRIOR_SECONDS["grammar"]),
    ("auto", False, 0.01), ("auto", True, PRIOR_SECONDS["grammar"]),
])
def test_the_grammar_pass_is_estimated_for_the_backend_that_will_run(monkeypatch, backend, installed, expected):
    import cleaning.grammar
    from cleaning.runner import CleanOptions, _grammar_prior

    monkeypatch.setattr(cleaning.grammar, "languagetool_status", lambda url, home=None: (installed, "test"),
                        raising=False)
    prior = _grammar_prior(CleanOptions(grammar_backend=backend))
    progress = RunProgress("cleaning x", 900, interval=0, prior={"grammar": prior} if prior is not None else None)
    assert progress.prior["grammar"] == expected
    # 900 pages on the offline backend: under a minute in all, not 5 (the grammar pass alone at LanguageTool's prior)
    if expected == 0.01:
        assert progress.seconds_left() < 60
