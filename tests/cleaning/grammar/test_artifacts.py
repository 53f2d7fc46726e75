import pytest

from cleaning.grammar import GrammarOptions, apply_edits, open_fixer
from cleaning.grammar.artifacts import find_artifacts
from cleaning.grammar.edits import resolve


def repair(text: str) -> str:
    return apply_edits(text, resolve(find_artifacts(text)))


@pytest.mark.parametrize(
    "before, after",
    [
        # a clause repeated after a stray capital
        ("pain and a series of This results in a series of clinical symptoms.",
         "pain and a series of clinical symptoms."),
        ("it hurts these diseases It is these diseases that matter.", "it hurts these diseases that matter."),
        ("the acid flows back into the esophagus, irritating the mucosa This means the acid flows back "
         "into the esophagus, irritating the mucosa and the throat.",
         "the acid flows back into the esophagus, irritating the mucosa and the throat."),
        # doubled words
        ("Walk to to the park with the the dog.", "Walk to the park with the dog."),
        ("Walk in in the park, we we go.", "Walk in the park, we go."),
        # dashes written as hyphens, compounds written with a spaced hyphen
        ("they take us into space -- five years", "they take us into space \u2014 five years"),
        ("the sound was so loud-it was amplified", "the sound was so loud \u2014 it was amplified"),
        ("a self - assembly system in three - dimensional space", "a self-assembly system in three-dimensional space"),
        # machine-translation grammar
        ("You should to drink water and must to rest.", "You should drink water and must rest."),
        ("There is many reasons, and there was several causes.", "There are many reasons, and there were several causes."),
        ("Informations and advices for patients.", "Information and advice for patients."),
        ("the acid flows back into the esophagus, this means the acid flows back into the esophagus and hurts.",
         "the acid flows back into the esophagus and hurts."),
        # spaces before punctuation, missing space after a full stop
        ("Pain , numbness and swelling .", "Pain, numbness and swelling."),
        ("It rained.Then it stopped.", "It rained. Then it stopped."),
        ("walk slowly .Then rest", "walk slowly. Then rest"),
        ("see the table (below ) and ( here)", "see the table (below) and (here)"),
    ],
)
def test_each_artifact_kind_is_repaired(before, after):
    assert repair(before) == after


@pytest.mark.parametrize(
    "text",
    [
        "He had had enough. I said that that was fine.",
        # reduplicated names and words are never halved
        "Fang Fang and Qiao Qiao met; ylang ylang, beri beri, mahi mahi; it was so so. Bye bye.",
        # hyphens that are words, and modals that elide a verb
        "an odd-even scheme, either-or, so-so, rock-and-roll, COVID-19, type-2 diabetes, a cure-all, no-one",
        "We must do everything we can to help, as much as we could to stop it.",
        "They researches the evidences.",
        # a restatement that is not a copy
        "Think about the cost, the cost of labor. If the universe is empty, if the universe is empty, it is flat.",
        "It was impeached by the House and removed from office by the Senate.",
        "Visit www.example.com.Now and e.g. 1,000 mg or 2.5 ml or U.S.Army.",
        "The ratio is 3 .5 here",
    ],
)
def test_legitimate_text_is_left_alone(text):
    assert repair(text) == text


def test_artifacts_apply_with_no_backend():
    with open_fixer(GrammarOptions(backend="none")) as fixer:
        r = fixer.fix("It it rained , and the the wind blew.")
    assert r.text == "It rained, and the wind blew."
    assert r.backend == "rules" and r.status == "fixed"
    assert {e.category for e in r.edits} == {"repetition", "spacing"}


def test_a_modal_that_ends_an_elided_clause_keeps_its_to():
    from cleaning.grammar.artifacts import modal_to

    for text in ("We did everything we should to help her.", "They did all they must to save him."):
        assert list(modal_to(text)) == [], text
    assert [c.original for c in modal_to("Patients should to rest for two days.")] == [" to"]


def test_should_not_to_loses_its_to():
    from cleaning.grammar.artifacts import find_artifacts
    from cleaning.grammar.edits import apply_edits, resolve

    for text, fixed in (("Diabetics should not to eat too much fruit.", "Diabetics should not eat too much fruit."),
                        ("You must not to stop the medicine suddenly.", "You must not stop the medicine suddenly.")):
        assert apply_edits(text, resolve([c for c in find_artifacts(text) if c.rule_id == "MT_MODAL_TO"])) == fixed
