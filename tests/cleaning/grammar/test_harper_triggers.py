"""The offline backend's matches for a sentence do not depend on the other sentences checked
with it: what lets its fast path skip sentences and still give the reference path's matches."""

from __future__ import annotations

import pytest

from cleaning.grammar.wordstats import HAVE_FREQUENCIES

harper = pytest.importorskip("harper")
pytestmark = pytest.mark.skipif(not HAVE_FREQUENCIES, reason="wordfreq is not installed")


def grammar(matches):
    """The rule matches, without spelling (its own prefilter is tested in test_harper_speed.py)."""
    return sorted((m["offset"], m["length"], m["rule_id"], tuple(sorted(m["replacements"])))
                  for m in matches if not m["rule_id"].endswith("SpellCheck"))


def test_a_sentence_gets_the_same_matches_whatever_is_checked_before_it():
    from cleaning.grammar.backends.harper_backend import HarperBackend

    target = ["She ate a apple after the appointment.",
              "His repeated assertions to to Victoria Derbyshire on Sunday that he is confident."]
    for prefilter in (False, True):
        backend = HarperBackend(prefilter=prefilter)
        alone = [grammar(backend.check([t])[0]) for t in target]
        assert all(alone)
        # Harper's AnA stops at "a SQL": joined in one text, every later "a"/"an" went unchecked
        together = [grammar(m) for m in backend.check(["We ran a SQL query on it.", *target])[1:]]
        assert together == alone
