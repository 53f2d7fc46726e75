import logging

from cleaning.progress import ProgressLog


def test_progress_says_done_rate_and_what_remains(caplog):
    caplog.set_level(logging.INFO, logger="cleaning.progress")
    p = ProgressLog("cleaning r1: pages extracted", total=100, unit="pages", interval=0.0)
    for _ in range(25):
        p.tick()
    line = caplog.records[-1].getMessage()
    assert line.startswith("cleaning r1: pages extracted: 25/100 pages (") and "/min)" in line and "to go" in line


def test_progress_is_throttled(caplog):
    caplog.set_level(logging.INFO, logger="cleaning.progress")
    p = ProgressLog("x", total=10, interval=3600)
    for _ in range(10):
        p.tick()
    assert not caplog.records
