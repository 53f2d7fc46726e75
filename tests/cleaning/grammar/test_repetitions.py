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


def test_a_full_stop_inside_a_dose_or_after_an_abbreviation_ends_no_sentence():
    # Split at every full stop, the second sentence's "… 0." + "2 mg …" repeated the first one's tail,
    # and that piece was deleted: the dose was left as "doxazosin 0."
    for text in (
        "For an enlarged prostate, take tamsulosin 0.2 mg once a day at night. "
        "Older patients with low blood pressure take doxazosin 0.2 mg once a day at night.",
        "Dr. Wu says the dose matters for older patients. Nurse Chen says so too. Dr. Wu says it twice.",
        "In 2020 the U.S. Food and Drug Administration approved the drug for adults. "
        "In 2022 the U.S. Food and Drug Administration approved the drug for adults.",
        "Keep the level at 4.4 mmol/L. Aim for 4.4 to 7.0 mmol/L. Check it at 7 a.m. Then eat.",
        "Smith et al. found that sleep helps. Jones et al. found that sleep helps.",
        "Vitamin D. It matters. Vitamin C. It matters.",
    ):
        assert repair(text) == text, text


def test_a_repeat_that_holds_a_decimal_or_an_abbreviation_goes_whole():
    assert repair("Use colchicine 0.5 mg each time. Use colchicine 0.5 mg each time.") == \
        "Use colchicine 0.5 mg each time."
    assert repair("The dose is 2.5 mg. Children take 1.5 mg. The dose is 2.5 mg.") == \
        "The dose is 2.5 mg. Children take 1.5 mg."
    assert repair("Dr. Li said that the dose is important. Dr. Li said that the dose is important.") == \
        "Dr. Li said that the dose is important."
    assert repair('He said: "Rest well tonight." He said: "Rest well tonight." Then he left.') == \
        'He said: "Rest well tonight." Then he left.'
    # a letter after a lower-case word ends a sentence ("ultraviolet B."); after a name it is an initial
    assert repair("Glass blocks most of ultraviolet B. Glass blocks most of ultraviolet B. Eat fish.") == \
        "Glass blocks most of ultraviolet B. Eat fish."
    assert repair("A study by John J. Smith found that sleep helps. Jane K. Smith found that sleep helps.") == \
        "A study by John J. Smith found that sleep helps. Jane K. Smith found that sleep helps."


def test_repetition_deletions_take_whole_sentences_only():
    import random

    rng = random.Random(7)
    pieces = ["Take 0.5 mg of it twice a day.", "Dr. Li agrees with this.", "The U.S. trial ended early.",
              "Levels of 4.4 mmol/L are normal.", "Ask a doctor first.", "It works, e.g. for adults."]
    for _ in range(300):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(2, 7)))
        out = repair(text)
        # whatever was removed, what is left is made of the pieces, each whole
        left = out
        for p in sorted(pieces, key=len, reverse=True):
            left = left.replace(p, "")
        assert not left.strip(), (text, out)


def test_the_sentence_before_said_again_cut_short_goes():
    text = ("If it is not treated, the inflammation goes deep, destroying the ligament and the bone, and finally "
            "the teeth fall off. If it is not treated, the inflammation goes deep, destroying the ligament and the "
            "bone. Brush twice a day.")
    assert repair(text) == ("If it is not treated, the inflammation goes deep, destroying the ligament and the "
                            "bone, and finally the teeth fall off. Brush twice a day.")
    for kept in (
        # the longer one second: it adds something, and the shorter one first is no copy of it
        "Patients with diabetes should check their blood sugar every day. Patients with diabetes should check "
        "their blood sugar every day before meals.",
        # a short opening in common is no copy
        "Drink a glass of water every morning before breakfast. Drink a glass of water after dinner as well.",
        # not the sentence just before
        "Keep the wound clean and dry for the first three days after surgery. Change the dressing daily. "
        "Keep the wound clean and dry for the first three days.",
    ):
        assert repair(kept) == kept, kept


def test_full_width_stops_end_sentences():
    assert repair("Use colchicine 0.5 mg each time\u3002Use colchicine 0.5 mg each time.") == \
        "Use colchicine 0.5 mg each time\u3002"
    assert repair("Is the dose too high\uff1fIs the dose too high\uff1f Ask the doctor.") == \
        "Is the dose too high\uff1f Ask the doctor."


def test_a_near_twin_that_differs_by_and_or_all_some_or_a_modal_is_a_second_statement():
    for text in (
        "All patients with this gene mutation will develop the disease before the age of sixty. "
        "Some patients with this gene mutation will develop the disease before the age of sixty.",
        "Do not take this medicine together with alcohol and sleeping pills at night. "
        "Do not take this medicine together with alcohol or sleeping pills at night.",
        "Patients with a weak heart can take this drug after a meal with water. "
        "Patients with a weak heart may take this drug after a meal with water.",
    ):
        assert repair(text) == text, text
