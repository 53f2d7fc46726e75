"""Fuzzing settings: modest example counts, a per-example time budget (hypothesis `deadline`), and a hard
hang guard: a property that runs past HANG_SECONDS dumps every thread's stack and ends the test run, so a hang
is a failure with a traceback, never a stuck CI job.

HEALTH_FUZZ_EXAMPLES=N raises the example counts for a longer local run.
"""

from __future__ import annotations

import faulthandler
import os
import sys

import pytest
from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("HEALTH_FUZZ_EXAMPLES", "0"))
HANG_SECONDS = max(180, EXAMPLES)  # per property; the budget per document is checked by each test

settings.register_profile(
    "health-fuzz",
    max_examples=EXAMPLES or 60,
    deadline=None,  # each property sets its own per-document budget
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    derandomize=not EXAMPLES,  # CI runs are reproducible; a longer local run explores
    database=None,
    print_blob=True,
)


@pytest.fixture(autouse=True)
def _hang_guard():
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True, file=sys.stderr)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


def examples(n: int) -> int:
    return EXAMPLES or n
