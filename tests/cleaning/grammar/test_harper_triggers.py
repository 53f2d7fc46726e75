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


# A sentence each enabled rule lints (Harper 2.13, harper-py 0.2.0), and the same sentence put right.
LINTED = {
    "SentenceCapitalization": ("the patient was given a new drug and she recovered within a week.",
                               "The patient was given a new drug and she recovered within a week."),
    "CapitalizePersonalPronouns": ("Yesterday i went to the clinic for a checkup.",
                                   "Yesterday I went to the clinic for a checkup."),
    "RepeatedWords": ("The doctor said that the the results were normal.", "The doctor said that the results were normal."),
    "AnA": ("She ate a apple after the appointment.", "She ate an apple after the appointment."),
    "DiscourseMarkers": ("However the treatment did not work for everyone.",
                         "However, the treatment did not work for everyone."),
    "OpenCompounds": ("The twins talked to eachother about it.", "The twins talked to each other about it."),
    "RegularIrregulars": ("The childs were examined by the nurse.", "The children were examined by the nurse."),
    "SingleBe": ("It's is a common condition.", "It is a common condition."),
    "ThereIsAgreement": ("There is patients in the room.", "There are patients in the room."),
    "NeedToNoun": ("I need to information now.", "I need the information now."),
    "TheAnother": ("He moved to the another hospital.", "He moved to another hospital."),
    "SimplePastToPastParticiple": ("She has went to the hospital twice.", "She has gone to the hospital twice."),
    "Cant": ("I cant go to the store today.", "I can't go to the store today."),
    "Nowadays": ("Now a days many people work from home.", "Nowadays many people work from home."),
    "DespiteOf": ("Despite of the rain, we went out.", "Despite the rain, we went out."),
    "PluralWrongWordOfPhrase": ("From various points of views the plan works.", "From various points of view the plan works."),
    "Therefore": ("There fore we must act now.", "Therefore, we must act now."),
    "Furthermore": ("Further more, the trial was small.", "Furthermore, the trial was small."),
    "Lots": ("She has lot's of energy.", "She has lots of energy."),
    "OfCourse": ("Ofcourse the doctor was right.", "Of course, the doctor was right."),
    "MergeWords": ("I do n't know the answer.", "I don't know the answer."),
}
#: no enabled rule's trigger fires on these: the fast path never parses them
UNTRIGGERED = ["Patients recover faster with rest.", "Drink water every morning.",
               "Regular exercise helps most people.", "Sleep well and eat vegetables."]


def rules():
    from cleaning.grammar.policy import harper_rules

    return harper_rules()


def test_every_enabled_rule_has_a_trigger_and_an_example():
    assert set(LINTED) == set(rules()) - {"SpellCheck"}
    assert all(info.get("trigger") for name, info in rules().items() if name != "SpellCheck")


def test_each_rule_lints_its_example_and_its_trigger_fires_on_it():
    from cleaning.grammar.backends.harper_backend import HarperBackend
    from cleaning.grammar.triggers import SentenceFilter

    reference = HarperBackend(prefilter=False)
    for rule, (wrong, _) in LINTED.items():
        assert f"HARPER_{rule}" in {m["rule_id"] for m in reference.check([wrong])[0]}, rule
        assert SentenceFilter({rule: rules()[rule]}).wanted(wrong), rule


def test_the_fast_path_gives_the_reference_matches_and_parses_only_triggered_sentences():
    from cleaning.grammar.backends.harper_backend import HarperBackend
    from cleaning.grammar.triggers import SentenceFilter

    texts = [s for pair in LINTED.values() for s in pair] + UNTRIGGERED
    reference, fast = HarperBackend(prefilter=False), HarperBackend(prefilter=True)
    assert [grammar(m) for m in fast.check(texts)] == [grammar(m) for m in reference.check(texts)]
    wanted = SentenceFilter(rules(), skip=frozenset({"SpellCheck"}))
    assert not any(wanted.wanted(s) for s in UNTRIGGERED)
    sent = sum(wanted.wanted(s) for s in texts)
    assert fast.linted[0] == sent <= len(texts) - len(UNTRIGGERED)
    assert reference.linted[0] == len(texts)


def test_a_rule_without_a_trigger_is_asked_about_every_sentence():
    from cleaning.grammar.triggers import SentenceFilter

    table = {"AnA": rules()["AnA"], "SomeNewRule": {"category": "grammar"}}
    assert all(SentenceFilter(table).wanted(s) for s in UNTRIGGERED)


def test_without_dictionary_data_for_this_harper_the_code_triggers_fire_on_every_sentence(monkeypatch):
    from cleaning.grammar import triggers

    table = {"MergeWords": rules()["MergeWords"]}
    assert triggers.harper_words() is not None  # the shipped file is for the installed harper-py
    assert not any(triggers.SentenceFilter(table).wanted(s) for s in UNTRIGGERED)
    monkeypatch.setattr(triggers, "harper_words", lambda: None)
    assert all(triggers.SentenceFilter(table).wanted(s) for s in UNTRIGGERED)


def linted_by(rule: str, texts: list[str]) -> list[str]:
    linter = harper.Linter(harper.Dialect.AMERICAN)
    linter.set_lint_config({name: name == rule for name in linter.get_default_lint_config()})
    return [t for t in texts if linter.lint(t, language="plaintext")]


@pytest.mark.parametrize(("rule", "probes"), [
    # the phrase lists live in Harper: every common word (and a few phrases) as a sentence opener
    ("DiscourseMarkers", lambda words: [f"{w.capitalize()} we went home." for w in words[:6000]]
     + [f"{p} we went home." for p in ("For example", "On the other hand", "In fact", "As a result", "Of course")]),
    ("OpenCompounds", lambda words: [f"We saw it {a}{b} today." for a in words[:120] for b in words[:120]]),
    ("CapitalizePersonalPronouns", lambda words: ["i am here.", "you and i went.", "i'm here.", "i've gone.", "i'll go.", "i'd go."]),
    ("Nowadays", lambda words: [f"{v} people work." for v in ("Now a days", "Now-a-days", "Nowdays", "Now days", "Now adays", "Nowaday")]),
    ("OfCourse", lambda words: [f"He came, {v}." for v in ("of curse", "off course", "ofcourse", "of coarse", "of cource", "of corse", "of cause", "offcourse", "off curse")]),
    ("Lots", lambda words: [f"We had {v} fun." for v in ("lot's of", "a lots of", "lot's and lot's", "lots and lot's", "lot's on", "lot's to", "a lots", "a lot's")]),
    # the word after "there is" decides (the trigger leaves out words Harper never reads as the noun there)
    ("ThereIsAgreement", lambda words: [f.format(w=w, c=c) for w in words[:1200]
                                        for f in ("There is {w} {c}", "There are {w} {c}", "There was {w} {c}",
                                                  "There were {w} {c}", "There's {w} {c}", "Are there {w} {c}")
                                        for c in ("here.", "of them.")]),
])
def test_the_trigger_fires_on_whatever_the_rule_lints_among_probes(rule, probes):
    from wordfreq import top_n_list

    from cleaning.grammar.triggers import SentenceFilter

    words = [w for w in top_n_list("en", 8000) if w.isalpha()]
    texts = probes(words)
    linted = linted_by(rule, texts)
    assert linted  # the probes reach the rule
    trigger = SentenceFilter({rule: rules()[rule]})
    assert [t for t in linted if not trigger.wanted(t)] == []


def test_merge_words_without_apostrophes_looks_only_at_pairs_holding_an_unknown_word():
    """The plain path (no apostrophe) checks only the pairs around words Harper does not know, and
    agrees with Harper on split words whatever the whitespace between their halves."""
    from cleaning.grammar import triggers

    words = triggers.harper_words()
    split = ["I agree whole heartedly with the plan.", "The child was hit by a car\tyester day.",
             "We walked to the book store after lunch.", "She ate break fast at seven."]
    whole = ["I agree wholeheartedly with the plan.", "We walked to the bookstore after lunch.",
             "A ghast look crossed his face.", "Whole-hearted support came from 2 groups."]
    assert [s for s in split + whole if triggers.merge_words(s, words)] == \
        linted_by("MergeWords", split + whole) == [s for s in split if linted_by("MergeWords", [s])]
    # given the lower-cased sentence's ASCII words (as SentenceFilter does), the same answers
    for s in split + whole:
        low_words = triggers._ASCII_WORD.findall(s.lower())
        assert triggers.merge_words(s, words, low_words) == triggers.merge_words(s, words)
        assert triggers.regular_irregulars(s, words, low_words) == triggers.regular_irregulars(s, words)


def test_a_ready_backend_has_loaded_the_word_lists_before_its_first_sentence():
    from cleaning.grammar import triggers
    from cleaning.grammar.backends.harper_backend import HarperBackend

    triggers.harper_words.cache_clear()
    HarperBackend().ready()
    assert triggers.harper_words.cache_info().currsize == 1


def _variants(sentence: str) -> list[str]:
    out = [sentence, sentence.upper(), sentence.lower(), sentence.title(), sentence.replace(" ", "  "),
           sentence.replace(" ", "\u00a0"), sentence.replace("'", "\u2019"), "\u201c" + sentence + "\u201d",
           "3" + sentence, sentence.replace(" ", "-"), "caf\u00e9 " + sentence, sentence + " \u2014 ok."]
    # the characters case-insensitive matching takes for ASCII letters: such a sentence meets the regexes
    for odd, plain in (("\u0130", "I"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "K")):
        out.append(sentence.replace(plain, odd))
    return out


@pytest.mark.parametrize("hints", [True, False], ids=["with-hints", "regex-only"])
def test_a_trigger_s_words_and_text_never_hide_a_sentence_its_regex_matches(hints):
    """trigger_words / trigger_text / trigger_repeats skip the regex only where it cannot match."""
    import re

    from cleaning.grammar.triggers import SentenceFilter

    table = {name: info for name, info in rules().items()
             if info.get("trigger") and not info["trigger"].startswith("code:")}
    assert any("trigger_words" in info or "trigger_text" in info or "trigger_repeats" in info
               for info in table.values())
    near_misses = ["is therefore", "nowadays ", "now-adays ", "nowa days ", "for example ", "on the other hand ",
                   "guideline of views", "pilots", "there re fore", "fur-ther-more", "it's is", "I have went",
                   "the  another", "despite\tof", "don't don't", "\u00e9 \u00e9", "caf\u00e9 caf\u00e9",
                   "\u017fo \u017fo", "\u0130s \u0130S there", "ok. ok", "THE the", "Kant cant", "alot", "upto",
                   "the cat and the dog", "the, the", "the - the", "a a", "it's it's", "its it's"]
    sentences = [v for s in [*(w for pair in LINTED.values() for w in pair), *UNTRIGGERED, *near_misses]
                 for v in _variants(s)]
    for name, info in table.items():
        regex = re.compile(info["trigger"])
        rule = info if hints else {"trigger": info["trigger"]}
        fast = SentenceFilter({name: rule})
        for s in sentences:
            plain = s.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"}))
            assert fast.wanted(s) == bool(regex.search(plain)), (name, s)


def test_an_article_harper_corrects_keeps_the_case_it_had():
    from cleaning.grammar.backends.harper_backend import HarperBackend

    backend = HarperBackend()
    [opening, inside] = backend.check(["A asthma attack can start at night.", "She had a MRI last week."])
    assert [m["replacements"] for m in opening if m["rule_id"] == "HARPER_AnA"] == [["An"]]
    assert [m["replacements"] for m in inside if m["rule_id"] == "HARPER_AnA"] == [["an"]]


def test_inflected_verb_after_to_is_left_off():
    # "to" before an -ed adjective is a preposition in health text: "due to enlarged adenoids"
    from cleaning.grammar.fixer import GrammarFixer
    from cleaning.grammar.options import GrammarOptions

    with GrammarFixer(GrammarOptions(backend="offline")) as fixer:
        for text in ("Snoring in children is often due to enlarged adenoids.",
                     "Owing to reduced kidney function, the dose is halved."):
            assert fixer.fix(text).text == text
