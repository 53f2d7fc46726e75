"""A LanguageTool that answers at start and then hangs costs at most the run's budget."""

import time
from dataclasses import replace

from cleaning.grammar import GrammarOptions, open_fixer

from .conftest import HangingLanguageTool


def test_a_hanging_server_costs_at_most_the_run_budget():
    texts = [f"Text {i}: she recieved a apple and he have it." for i in range(40)]
    with HangingLanguageTool() as server:
        opts = GrammarOptions(backend="languagetool", languagetool_url=server.url, request_timeout=30,
                              run_budget_seconds=2.0, batch_size=4)
        t0 = time.monotonic()
        with open_fixer(opts) as fixer:
            assert fixer.backend_name == "languagetool-6.4"  # it answered at start
            first = fixer.fix_many(texts[:20], ["en"] * 20)
            second = fixer.fix_many(texts[20:], ["en"] * 20)  # the budget is spent: not asked again
            later = fixer.fix("One more text with a apple.")
        elapsed = time.monotonic() - t0
        asked = len(server.checks)
    assert elapsed < 10, f"a hung backend cost {elapsed:.1f} s with a 2 s budget"
    for r, text in zip(first + second + [later], texts + ["One more text with a apple."]):
        assert r.text == text and r.edits == []
        assert r.status.startswith("error:deadline:"), r.status
    assert asked == 1  # one request hung; nothing more was sent


def test_consecutive_request_timeouts_stop_asking(monkeypatch):
    with HangingLanguageTool() as server:
        opts = GrammarOptions(backend="languagetool", languagetool_url=server.url, request_timeout=0.5,
                              run_budget_seconds=None, max_consecutive_timeouts=2, batch_size=1)
        with open_fixer(opts) as fixer:
            a = fixer.fix("She have a apple.")
            b = fixer.fix("He have a apple.")
            c = fixer.fix("They has a apple.")
    assert a.status.startswith("error:backend_failed") and b.status.startswith("error:backend_failed")
    assert c.status.startswith("error:deadline:") and "in a row timed out" in c.status
    assert len(server.checks) == 2


def test_offline_backend_within_budget_is_unaffected():
    with open_fixer(GrammarOptions(backend="none", run_budget_seconds=0.0)) as fixer:
        assert fixer.fix("It it rained.").text == "It rained."  # no backend: nothing to wait for


def test_the_processes_of_one_run_give_up_on_a_hung_backend_once(tmp_path):
    """A crawl's helpers and its cleaning each have their own fixer: the first to find the backend hung says so
    in the run's note, and the others do not wait out timeouts of their own (a 90 s wait each, by default)."""
    note = tmp_path / "cache" / "backend-hung.run"
    with HangingLanguageTool() as server:
        opts = GrammarOptions(backend="languagetool", languagetool_url=server.url, request_timeout=0.5,
                              run_budget_seconds=None, max_consecutive_timeouts=2, batch_size=1,
                              hung_note=str(note))
        with open_fixer(opts) as first:
            first.fix("She have a apple.")
            first.fix("He have a apple.")
        assert "in a row timed out" in note.read_text()
        with open_fixer(opts) as second:  # another process of the same run
            t0 = time.monotonic()
            later = second.fix("They has a apple.")
            elapsed = time.monotonic() - t0
        asked = len(server.checks)
        with open_fixer(replace(opts, hung_note=str(tmp_path / "other-run"))) as other:
            other.fix("They has a apple.")  # another run asks afresh
    assert later.status.startswith("error:deadline:") and "in a row timed out" in later.status
    assert asked == 2 and elapsed < 0.5
    assert len(server.checks) == 3


def test_a_call_stuck_in_a_hung_server_does_not_hold_up_the_process_exit():
    """The run's budget gave up on the call, and a process told to stop exits at once: the call's thread is not
    joined at exit (an executor's thread was, up to the request's 30 s timeout)."""
    import subprocess
    import sys

    from tests.conftest import REPO

    code = ("import sys, time\n"
            "from cleaning.grammar import GrammarOptions, open_fixer\n"
            "opts = GrammarOptions(backend='languagetool', languagetool_url=sys.argv[1], request_timeout=30,\n"
            "                      run_budget_seconds=0.5)\n"
            "fixer = open_fixer(opts).__enter__()\n"
            "print(fixer.fix('She have a apple.').status, flush=True)\n")
    with HangingLanguageTool() as server:
        t0 = time.monotonic()
        done = subprocess.run([sys.executable, "-c", code, server.url], cwd=REPO, capture_output=True, text=True, check=False,
                              timeout=60)
        elapsed = time.monotonic() - t0
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("error:deadline:")
    assert elapsed < 15, f"the process took {elapsed:.1f} s to exit"
