"""A LanguageTool that answers at start and then hangs costs at most the run's budget."""

import time

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
