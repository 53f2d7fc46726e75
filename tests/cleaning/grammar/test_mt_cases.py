"""The offline backend (real harper-py) on what machine translation produces, and on what
checkers get wrong (issue 13). The same cases run against the real LanguageTool in
test_languagetool_real.py."""

import pytest

from cleaning.grammar import GrammarOptions, open_fixer


@pytest.fixture(scope="module")
def offline():
    with open_fixer(GrammarOptions(backend="offline")) as fixer:
        assert fixer.backend_name.startswith("offline-harper-")
        yield fixer


@pytest.mark.parametrize(
    "text",
    [
        "I'm not going to show you images here, because black holes leave no trace.",
        "The method is easy to understand and you guys can download it.",
        "So maybe the chemicals in it are useful.",
        "The ministry will tighten its export controls next year.",
        "Fang Fang and Qiao Qiao planted ylang ylang; beri beri and mahi mahi were so so.",
        "Tianma, danshen, chaihu, fuling and chenpi are herbs; shen is a TCM term.",
        "A stye, gleet, rales, coix seeds and cuppings were noted.",
        "It was simple things like that that made him a leader.",
        "Life expectancies rose, a soaring number, an overwhelming news day.",
    ],
)
def test_no_harm_on_what_checkers_get_wrong(offline, text):
    r = offline.fix(text)
    assert r.text == text, [(e.rule_id, e.original, e.replacement) for e in r.edits]


@pytest.mark.parametrize(
    "before, after",
    [
        ("There is many reasons for back pain.", "There are many reasons for back pain."),
        ("You should to drink more water.", "You should drink more water."),
        ("Informations about the disease are scarce.", "Information about the disease are scarce."),
        ("It is a effective method.", "It is an effective method."),
        ("He felt the pain in in his knee -- then it stopped.", "He felt the pain in his knee \u2014 then it stopped."),
        ("This is a self - assembly system.", "This is a self-assembly system."),
        ("i think she recieved the results.", "I think she received the results."),
    ],
)
def test_machine_translation_errors_are_repaired(offline, before, after):
    r = offline.fix(before)
    assert r.text == after, [(e.rule_id, e.original, e.replacement) for e in r.edits]
