from cleaning.grammar import repetitions as R
from cleaning.grammar.edits import apply_edits, resolve

REPETITION_RULES = (R.repeated_clause, R.repeated_clause_lower, R.repeated_sentence, R.near_repeated_sentence,
                    R.doubled_word)


def repair(text: str) -> str:
    return apply_edits(text, resolve([c for rule in REPETITION_RULES for c in rule(text)]))


def test_sentence_repeated_within_a_paragraph():
    text = "Rest the knee for two days. Apply ice to the knee. Rest the knee for two days. Then walk."
    assert repair(text) == "Rest the knee for two days. Apply ice to the knee. Then walk."
    # in another paragraph it is not an artifact
    two = "Rest the knee for two days.\nRest the knee for two days."
    assert repair(two) == two


def test_near_repeated_sentence_in_a_paragraph():
    text = ("Walking backwards strengthens the muscles of the lower back and the legs. It is easy. "
            "Walking backwards strengthens the muscles of the lower back and legs.")
    assert repair(text) == ("Walking backwards strengthens the muscles of the lower back and the legs. "
                            "It is easy.")
    different = ("Walking backwards strengthens the muscles of the lower back and the legs. "
                 "Walking forwards relaxes the muscles of the upper back and the arms.")
    assert repair(different) == different


def test_the_restatement_filter_keeps_real_repeats():
    text = ("the acid flows back into the esophagus, this means the acid flows back into the esophagus and "
            "it hurts. " * 3)
    assert [c.rule_id for c in R.repeated_clause_lower(text)] == ["MT_REPEATED_CLAUSE"] * 3


def test_a_near_twin_that_says_something_else_stays():
    # one number, a negation, or one content word for another: two statements, not one said twice
    for text in (
        "Children under 6 years should not take this medicine without advice from a doctor. "
        "Children under 12 years should not take this medicine without advice from a doctor.",
        "Patients with high blood pressure should take this medicine every day with food. "
        "Patients with high blood pressure should not take this medicine every day with food.",
        "Patients with high blood pressure should take the tablets every morning before meals. "
        "Patients with high blood pressure should take the tablets every morning after meals.",
    ):
        assert repair(text) == text, text
    # articles, auxiliaries and an inflection: the same sentence rendered twice
    first = "Walking backwards slowly every day for ten minutes strengthens the muscles of the lower back and the legs."
    twice = first + " Walking backwards slowly every day for ten minutes strengthen the muscles of the lower back and legs."
    assert repair(twice) == first
