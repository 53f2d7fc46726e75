"""Overlap resolution (cleaning/grammar/edits.py): what two proposals may change together."""

from __future__ import annotations

from cleaning.grammar import GrammarFixer, GrammarOptions, apply_edits
from cleaning.grammar.edits import Candidate, resolve

from .conftest import ScriptedBackend

TEXT = "It got better.If you rest, it heals."
P = TEXT.index("If")


def _cand(offset: int, length: int, replacement: str, category: str, rule: str = "R") -> Candidate:
    return Candidate(offset, length, replacement, rule, category, "test", TEXT[offset:offset + length])


def test_an_insertion_and_a_replacement_that_inserts_the_same_point_are_one_change():
    inserted = _cand(P, 0, " ", "spacing", "OWN_MISSING_SPACE")
    prefixed = _cand(P, 2, " If", "punctuation", "SENTENCE_WHITESPACE")  # LanguageTool's way of saying it
    for order in ([inserted, prefixed], [prefixed, inserted]):
        chosen = resolve(order)
        assert [c.rule_id for c in chosen] == ["OWN_MISSING_SPACE"]  # the more specific category wins
        assert apply_edits(TEXT, chosen) == "It got better. If you rest, it heals."
    # the same with the space added as the end of the word before
    suffixed = _cand(P - 7, 7, "better. ", "punctuation")
    assert len(resolve([inserted, suffixed])) == 1


def test_edits_beside_an_insertion_that_insert_nothing_there_are_kept():
    text = "It got better.if you rest, it heals."
    p = text.index("if")
    inserted = Candidate(p, 0, " ", "R1", "spacing", "test", "")
    capital = Candidate(p, 2, "If", "R2", "capitalization", "test", "if")
    before = Candidate(p - 7, 7, "better!", "R3", "punctuation", "test", "better.")
    chosen = resolve([inserted, capital, before])
    assert len(chosen) == 3
    assert apply_edits(text, chosen) == "It got better! If you rest, it heals."
    # two insertions at different points stay independent
    assert len(resolve([inserted, Candidate(p + 2, 0, ",", "R4", "punctuation", "test", "")])) == 2


def test_a_backend_and_the_own_rules_never_double_a_space():
    backend = ScriptedBackend({"If": (" If", "SENTENCE_WHITESPACE", "punctuation", False)})
    with GrammarFixer(GrammarOptions(backend="none"), backend=backend) as f:
        r = f.fix(TEXT, language="en")
    assert "  " not in r.text and "better. If" in r.text
    assert apply_edits(TEXT, r.edits) == r.text
    # the edits, applied back to front by hand, give the same text
    out = TEXT
    for e in sorted(r.edits, key=lambda e: e.offset, reverse=True):
        out = out[:e.offset] + e.replacement + out[e.offset + e.length:]
    assert out == r.text
