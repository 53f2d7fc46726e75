"""The offline backend's other engine, LingoTweaker (LanguageTool's rules in Rust; optional extra
``lingotweaker``): the same rule map as LanguageTool, offsets in characters."""

import pytest

from cleaning.grammar import GrammarOptions, apply_edits, open_fixer

pytest.importorskip("lt_py", reason="lingotweaker is not installed (pip install -e '.[lingotweaker]')")


@pytest.fixture(scope="module")
def lingo():
    with open_fixer(GrammarOptions(backend="offline", offline_engine="lingotweaker")) as fixer:
        assert fixer.backend_name.startswith("offline-lingotweaker-")
        yield fixer


@pytest.mark.parametrize(
    "before, after",
    [
        ("The patients has a high fever.", "The patients have a high fever."),
        ("Patients should to rest — and “there is many reasons”.", "Patients should rest — and “there are many reasons”."),
        ("中医 says he have a headache.", "中医 says he has a headache."),
    ],
)
def test_repairs_with_character_offsets(lingo, before, after):
    r = lingo.fix(before)
    assert r.text == after and apply_edits(before, r.edits) == r.text


def test_no_harm_on_names_and_terms(lingo):
    text = "Fang Fang took danshen and tianma for a stye."
    assert lingo.fix(text).text == text
