"""crawler/interrupts.py on its own: the recorder in front of the shutdown handlers, and a signal while the
run's end cleans stopping that cleaning at once. Whole crawls with real signals: test_ctrl_c.py."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from crawler.interrupts import STATS_KEY, Interrupts
from tests.support.crawler import project_crawler


@pytest.fixture
def handlers():  # type: ignore[no-untyped-def]
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_signals_are_recorded_in_front_of_the_handlers_already_there(tmp_path: Path, handlers) -> None:
    crawler = project_crawler(tmp_path)
    interrupts = Interrupts.of(crawler)
    seen: list[int] = []

    def scrapy_like(signum: int, frame: object) -> None:
        seen.append(signum)
        signal.signal(signal.SIGINT, lambda s, f: seen.append(-s))  # the forced-stop handler, for the next one

    signal.signal(signal.SIGINT, scrapy_like)
    interrupts.engine_started()
    interrupts.engine_started()  # never wrapped twice
    os.kill(os.getpid(), signal.SIGINT)
    assert seen == [signal.SIGINT] and interrupts.received == ["SIGINT"] and not interrupts.forced
    os.kill(os.getpid(), signal.SIGINT)  # the handler installed by the first one is watched too
    assert seen == [signal.SIGINT, -signal.SIGINT] and interrupts.forced
    assert crawler.stats.get_value(STATS_KEY) == "SIGINT SIGINT"
    assert interrupts.exit_code == 130


def test_a_signal_while_cleaning_stops_it_at_once_and_the_handlers_come_back(tmp_path: Path, handlers) -> None:
    interrupts = Interrupts.of(project_crawler(tmp_path))
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        with interrupts.stop_at_once():
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(10**8):  # the handler runs between two bytecodes: never gets here to the end
                pass
            raise AssertionError("the signal did not stop the work")
    assert interrupts.stopped_at_once and interrupts.forced and interrupts.received == ["SIGTERM"]
    assert interrupts.exit_code == 143
    assert signal.getsignal(signal.SIGTERM) is before
