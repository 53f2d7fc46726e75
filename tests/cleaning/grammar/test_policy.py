from cleaning.grammar import CorpusVocabulary, GrammarFixer, GrammarOptions, RulePolicy, apply_edits
from cleaning.grammar.edits import Candidate, resolve

from .conftest import ScriptedBackend

SPELL = "MORFOLOGIK_RULE_EN_US"


def fixer_with(script, **opts):
    return GrammarFixer(GrammarOptions(backend="none", **opts), backend=ScriptedBackend(script))


def test_medical_words_survive_spelling_suggestions():
    script = {w: (r, SPELL, "spelling", True) for w, r in
              [("pulposus", "purposes"), ("lordosis", "lordship"), ("quadriceps", "quadrupeds"),
               ("proprioceptive", "perceptive"), ("spondylolisthesis", "spondylosis")]}
    text = ("The nucleus pulposus bulges; lumbar lordosis, the quadriceps and proprioceptive training "
            "help in spondylolisthesis.")
    with fixer_with(script) as f:
        r = f.fix(text)
    assert r.text == text and r.edits == []


def test_real_typo_is_fixed_and_best_alternative_chosen():
    script = {"recieved": ("receved", SPELL, "spelling", True)}
    with fixer_with(script) as f:
        f._backend.script["recieved"] = ("received", SPELL, "spelling", True)
        r = f.fix("She recieved the results.")
    assert r.text == "She received the results."
    assert r.edits[0].category == "spelling" and r.edits[0].original == "recieved"


def test_protected_and_recurring_words_survive():
    script = {"Stadia": ("Stadium", SPELL, "spelling", True), "coquito": ("mosquito", SPELL, "spelling", True),
              "recieved": ("received", SPELL, "spelling", True)}
    vocab = CorpusVocabulary()
    for body in ["Make coquito at home.", "A coquito recipe.", "She recieved it."]:
        vocab.add(body)
    assert "coquito" in vocab.recurring(min_docs=2)
    assert "the" not in vocab.recurring(min_docs=1)  # common words are not protected
    with fixer_with(script) as f:
        f.protect(vocab.recurring(min_docs=2))
        r = f.fix("We tried Stadia and coquito, then recieved it.")
    assert r.text == "We tried Stadia and coquito, then received it."
    with fixer_with(script, protected_words=frozenset({"recieved"})) as f:
        assert f.fix("She recieved it.").text == "She recieved it."


def test_proper_nouns_acronyms_and_numbers_are_left_alone():
    script = {
        "Smithe": ("Smith", "AGREEMENT_X", "agreement", False),
        "USB": ("US", "X_RULE", "grammar", False),
        "3a": ("3an", "X_RULE", "grammar", False),
        "10mg": ("10 mg", "X_RULE", "grammar", False),
        "twenty": ("20", "X_RULE", "grammar", False),
    }
    text = "Dr Smithe took a USB stick, a Pixel 3a phone, 10mg and twenty pills."
    with fixer_with(script) as f:
        assert f.fix(text).text == text


def test_categories_are_configurable():
    script = {"very unique": ("unique", "VERY_UNIQUE", "style", False),
              "he have": ("he has", "HE_VERB_AGR", "agreement", False)}
    text = "It is very unique and he have it."
    with fixer_with(script) as f:
        assert f.fix(text).text == "It is very unique and he has it."
    policy = RulePolicy(categories=frozenset({"style"}))
    with fixer_with(script, policy=policy, artifact_rules=False) as f:
        assert f.fix(text).text == "It is unique and he have it."
    policy = RulePolicy(disabled_rules=frozenset({"HE_VERB_AGR"}))
    with fixer_with(script, policy=policy) as f:
        assert f.fix(text).text == text
    policy = RulePolicy(categories=frozenset(), enabled_rules=frozenset({"VERY_UNIQUE"}))
    with fixer_with(script, policy=policy, artifact_rules=False) as f:
        assert f.fix(text).text == "It is unique and he have it."


def test_spelling_gate_refuses_unsafe_fixes():
    script = {w: (r, SPELL, "spelling", True) for w, r in
              [("realised", "realized"), ("vigour", "vigor"), ("canner", "cancer"), ("hardne", "hard"),
               ("Eichel", "Either"), ("courtside", "outside")]}
    text = ("I realised the vigour of the canner. The canner and the canner again. "
            "Watch from courtside.\nEichel scored.\nbone hardne")
    with fixer_with(script) as f:
        assert f.fix(text).text == text


def test_overlapping_and_conflicting_suggestions_are_resolved():
    a = Candidate(0, 7, "the", "R1", "repetition", "x", "the the")
    b = Candidate(4, 3, "The", "R2", "capitalization", "x", "the")
    c = Candidate(10, 3, "cat", "R3", "spelling", "x", "cta")
    d = Candidate(10, 3, "act", "R4", "spelling", "x", "cta")  # same span, disagrees with c
    e = Candidate(20, 0, ",", "R5", "punctuation", "x", "")
    f = Candidate(20, 0, ";", "R6", "punctuation", "x", "")  # two insertions at one point
    g = Candidate(30, 2, "xy", "R7", "grammar", "x", "ab")
    g2 = Candidate(30, 2, "xy", "R8", "grammar", "x", "ab")  # identical proposal counts once
    chosen = resolve([a, b, c, d, e, f, g, g2])
    assert [x.rule_id for x in chosen] == ["R1", "R7"]
    # and the result never overlaps
    text = "the the x cta" + " " * 30
    apply_edits(text, chosen)


def test_capitalisation_only_at_a_real_sentence_start():
    script = {"water": ("Water", "UPPERCASE_SENTENCE_START", "capitalization", False),
              "walking": ("Walking", "UPPERCASE_SENTENCE_START", "capitalization", False)}
    text = "Add 8 oz. water and stir. walking helps."
    with fixer_with(script) as f:
        assert f.fix(text).text == "Add 8 oz. water and stir. Walking helps."


# -- the cases of issue 13 -------------------------------------------------------------------

REDUPLICATED = "Fang Fang met Qiao Qiao; ylang ylang, beri beri and mahi mahi; the film was so so."


def test_reduplicated_names_and_words_are_never_halved_whoever_proposes_it():
    # LanguageTool's way (the pair replaced by one word) and Harper's (the second word deleted)
    pairs = ["Fang Fang", "Qiao Qiao", "ylang ylang", "beri beri", "mahi mahi", "so so"]
    as_pair = {p: (p.split()[0], "ENGLISH_WORD_REPEAT_RULE", "repetition", False) for p in pairs}
    with fixer_with(as_pair) as f:
        assert f.fix(REDUPLICATED).text == REDUPLICATED
    halves = {p.split()[0]: ("", "HARPER_RepeatedWords", "repetition", False) for p in pairs}
    with fixer_with(halves) as f:
        r = f.fix(REDUPLICATED)
    assert r.text == REDUPLICATED and r.edits == []
    # a slip of a function word is still repaired
    with fixer_with({"the the": ("the", "ENGLISH_WORD_REPEAT_RULE", "repetition", False)}) as f:
        assert f.fix("See the the doctor.").text == "See the doctor."


ISSUE_TERMS = [("tianma", "trauma"), ("danshen", "dashed"), ("chaihu", "chair"), ("fuling", "filing"),
               ("chenpi", "cheap"), ("shen", "seen"), ("stye", "style"), ("coix", "coin"), ("gleet", "greet"),
               ("rales", "races"), ("cuppings", "clippings")]


def test_medical_and_tcm_terms_are_never_corrected_into_common_words():
    script = {w: (r, SPELL, "spelling", True) for w, r in ISSUE_TERMS}
    text = ("Decoct tianma with danshen, chaihu, fuling and chenpi; shen is weak. A stye, gleet, rales "
            "in both lungs, coix seed, and cuppings twice a week.")
    with fixer_with(script) as f:
        r = f.fix(text)
    assert r.text == text and r.edits == []
    # and not through another category either
    script = {w: (r, "CONFUSION_X", "grammar", False) for w, r in ISSUE_TERMS}
    with fixer_with(script) as f:
        assert f.fix(text).text == text


def test_the_products_own_rules_pass_the_same_gates():
    from cleaning.grammar.options import RulePolicy
    from cleaning.grammar.policy import Context, Policy

    policy = Policy(RulePolicy())
    text = "Take danshen daily. Fang Fang rests. Walk 10 km."
    ctx = Context(text=text, protected=frozenset({"rests"}))

    def own(start: int, end: int, repl: str, category: str = "grammar") -> Candidate:
        return Candidate(start, end - start, repl, "MT_TEST", category, "rules", text[start:end])

    assert policy.check(own(5, 12, "dashed"), ctx) is None  # a TCM term
    assert policy.check(own(20, 25, ""), ctx) is None  # a name ("Fang" of "Fang Fang")
    assert policy.check(own(26, 31, "rest"), ctx) is None  # a protected word
    assert policy.check(own(38, 40, "12"), ctx) is None  # a number
    assert policy.check(own(15, 19, "", "repetition"), ctx) is None  # a deleted word that is no copy
    ok = own(33, 37, "walk", "capitalization")
    assert policy.check(ok, ctx) is None  # capitalisation only at a sentence start, and only upwards


def test_a_deleted_sentence_must_repeat_what_stays():
    from cleaning.grammar.options import RulePolicy
    from cleaning.grammar.policy import Context, Policy

    policy = Policy(RulePolicy())
    text = "Rest the knee for two days. Dr Li agrees. Rest the knee for two days."
    ctx = Context(text=text, protected=frozenset())
    second = text.rindex(" Rest")
    copy = Candidate(second, len(text) - second, "", "MT_REPEATED_SENTENCE", "repetition", "rules", text[second:])
    assert policy.check(copy, ctx) is copy
    dr = text.index(" Dr")
    other = Candidate(dr, second - dr, "", "MT_REPEATED_SENTENCE", "repetition", "rules", text[dr:second])
    assert policy.check(other, ctx) is None  # "Dr Li agrees." is said once: not a repeat


# -- what a grammar backend must not do to well-written English (found by crawling real pages) ----------

def _checked(text: str, original: str, replacement: str, category: str, nth: int = 0) -> bool:
    """Whether the policy lets a backend replace the `nth` occurrence of `original` in `text`."""
    from cleaning.grammar.policy import Context, Policy

    at = -1
    for _ in range(nth + 1):
        at = text.index(original, at + 1)
    c = Candidate(at, len(original), replacement, "LT_RULE", category, "languagetool-6.6", original)
    return Policy(RulePolicy()).check(c, Context(text, frozenset())) is not None


def test_a_dotted_name_gets_no_blanks():
    assert not _checked("Subscribe to A.Word.A.Day today.", "Word", " Word", "spacing")
    assert not _checked("Made in the U.S.A for years.", "A", " A", "spacing")
    assert _checked("It helps the body.Then it rests.", "Then", " Then", "spacing")  # two sentences run together


def test_a_blank_removed_before_a_stop_must_not_glue_two_words():
    assert not _checked("Stocks rose across the globe .MIWD00000PUS gained 2%.", " .", ".", "spacing")
    assert _checked("The liver filters blood . It also stores sugar.", " .", ".", "spacing")


def test_no_capital_after_a_quoted_question_or_an_abbreviation():
    assert not _checked('"Who are we to judge ourselves?" she wrote.', "she", "She", "capitalization")
    assert not _checked("Clients, media, etc.. requires care.", "requires", "Requires", "capitalization")
    # still a sentence start: after a full stop, after a heading, after a paragraph
    assert _checked("It rests. then it heals.", "then", "Then", "capitalization")
    assert _checked('He said, "I am done." then he left.', "then", "Then", "capitalization")  # a full stop
    assert _checked("Symptoms\n\nthe patient feels tired.", "the", "The", "capitalization")
    assert _checked("The body heals.\n\nthe patient rests.", "the", "The", "capitalization")


def test_agreement_leaves_a_name_subject_and_the_subjunctive_alone():
    assert not _checked("The Times is committed to publishing letters.", "is", "are", "agreement")
    assert not _checked("Gronk, Serena perform with the dancers.", "perform", "performs", "agreement")
    assert not _checked("We ask he consider his position.", "consider", "considers", "agreement")
    assert not _checked("They insisted that she be present.", "be", "is", "agreement")
    # machine translation's own slips are still fixed
    assert _checked("The patient have a fever.", "have", "has", "agreement")
    assert _checked("He go to the clinic every week.", "go", "goes", "agreement")
    assert _checked("Doctors say he need more rest.", "need", "needs", "agreement")


def test_a_stray_opener_s_word_found_later_in_the_paragraph_does_not_block_the_repeat():
    from cleaning.grammar.fixer import GrammarFixer
    from cleaning.grammar.options import GrammarOptions

    fixer = GrammarFixer(GrammarOptions(backend="none"))
    for tail in ("such as low back pain.", "such as numbness in one or both lower limbs."):
        # "in" of "This results in" is found again after the copy: it was taken for a copied word out of order
        text = f"It causes numbness, pain and a series of This results in a series of symptoms {tail}"
        assert fixer.fix(text).text == f"It causes numbness, pain and a series of symptoms {tail}", tail


def test_chinese_materia_medica_names_survive_spelling_suggestions():
    # a common word one or two letters away (a city, an everyday noun) is no correction of a herb's name
    script = {w: (r, SPELL, "spelling", True) for w, r in
              [("poria", "peoria"), ("stemona", "stamina"), ("uncaria", "uncaring"), ("gastrodia", "gastropod"),
               ("tussilago", "tussle")]}
    text = "Add 5 g of poria and stemona; uncaria and gastrodia calm the liver, tussilago eases a cough."
    with fixer_with(script) as f:
        assert f.fix(text).text == text
