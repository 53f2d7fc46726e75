"""The grammar stage's fast paths give exactly what the plain searches give.

Each rule's regex is searched from a cheap lower bound on where its first match can start (and skipped
when that bound says none can occur), the restatement windows are filtered, the sentence split is
shared and skips paragraphs without a stop, and `latin_ratio` counts ASCII letters from bytes. Every
one of those is compared here with the plain search on many generated texts built from the rules'
triggers (hypothesis), so a bound that is one character too late fails.
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaning.grammar import artifacts as A
from cleaning.grammar import gated as G
from cleaning.grammar import repetitions as R
from cleaning.grammar import segment
from cleaning.grammar.segment import latin_ratio, sentences

# the rules' triggers, their near misses, and characters that sit at their edges
PIECES = [
    " ", " ", " ", "  ", "\t", "\n", ",", ".", ";", ":", "!", "?", "-", "--", "---", " - ", "(", ")", "[", "]",
    "'", "\u2019", '"', "\u201c", "\u201d", "%", "_", "0", "7", "\u0663", "\u00bd", "a", "e", "s", "t", "T",
    "\u00e9", "\u00d7", "\u4e2d", "\u0436", "\u017f", "\u212a", "\u0131", "\u0130", "\u03a3",
    "the", "The", "THE", "to", "a", "an", "it", "It", "this", "This", "That", "And", "As", "so", "we",
    "this is", "that is", "that is to say", "which means", "namely", "in other words", "this results in",
    "should", "Should", "must", "MUST", "\u017fhould", "There", "there", "is", "was", "many", "several",
    "informations", "Advices", "KNOWLEDGES", "equipments", "self", "non", "three", "dimensional", "scale",
    "loud", "universe", "either", "no", "e.g.", "U.S.", "www", ".com", "..", ",,", ";;", "...",
    "acid flows back", "into the", "esophagus", "a series of", "clinical", "rest", "water", "Then",
]

texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
# copies of a clause around a restater or a stray opener, as the backreference rules need
CLAUSES = ["the acid flows back into the esophagus", "a series of clinical", "we rest the knee, then walk",
           "it hurts these diseases", "drink water every day"]
restated = st.builds(
    lambda pre, a, sep, s, post: pre + a + sep + s + " " + a + post,
    st.sampled_from(["", "and ", "It said ", "x "]),
    st.sampled_from(CLAUSES),
    st.sampled_from([" ", ", ", "; ", "  ", ",  "]),
    st.sampled_from(["this means", "which means,", "that is", "This results in", "It is", "namely", "this is"]),
    texts,
)
# sentences said twice (or nearly) in a paragraph, ended by any stop or none
WORDS = ["the", "knee", "rest", "walking", "backwards", "strengthens", "muscles", "of", "lower", "back", "and", "legs"]
sentence = st.builds(lambda ws, stop: " ".join(ws) + stop, st.lists(st.sampled_from(WORDS), min_size=2, max_size=12),
                     st.sampled_from([".", "!", "?", "?!", "...", "", "?\u201d"]))
repeated = st.lists(sentence, min_size=1, max_size=4).flatmap(
    lambda ss: st.permutations(ss + ss[: 2]).map(lambda xs: " ".join(xs)))
# a restatement deep in a long paragraph, among other restaters and openers: windows cut through it
FILLER = ["we rest ", "this is fine ", "It is ", "the knee ", "namely ", "that is, ", "drink water "]
long_restated = st.builds(lambda pre, r, post: "".join(pre) + r + "".join(post),
                          st.lists(st.sampled_from(FILLER), max_size=120), restated,
                          st.lists(st.sampled_from(FILLER), max_size=120))
bodies = st.one_of(texts, restated, repeated, long_restated,
                   st.lists(st.one_of(texts, restated, repeated), max_size=6).map("\n".join))

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _matches(it) -> list:
    return [(m.span(), m.groups()) for m in it]


@pytest.mark.parametrize("gated", A.GATED, ids=lambda g: g.name)
@SETTINGS
@given(text=bodies)
def test_each_gated_regex_finds_what_its_plain_search_finds(gated, text):
    assert _matches(gated.finditer(text)) == _matches(gated.rx.finditer(text))


@SETTINGS
@given(text=bodies)
@example(text=" This hurts a")  # a blank run at the very start has nothing before it
def test_starter_anchors_are_the_lookbehind_pattern_s(text):
    assert list(R._starter_anchors(text)) == [m.span() for m in R._STARTER_AT.finditer(text)]


def _plain_paragraph_sentences(text: str) -> list:
    out, pos = [], 0
    for para in text.split("\n"):
        out.append((pos, para, [(a, b, re.findall(r"\w+", para[a:b].lower())) for a, b in R._sentence_spans(para)]))
        pos += len(para) + 1
    return out


def _cands(text: str) -> list:
    return [(c.offset, c.length, c.replacement, c.rule_id, c.category, c.original) for c in A.find_artifacts(text)]


@SETTINGS
@given(text=bodies)
@example(text="Is the knee fine? Is the knee fine?")
def test_find_artifacts_equals_its_plain_searches(text):
    fast = _cands(text)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(A.Gated, "finditer", lambda self, t: self.rx.finditer(t))
        m.setattr(R, "_starter_anchors", lambda t: (x.span() for x in R._STARTER_AT.finditer(t)))
        m.setattr(R, "_restatements", lambda t: [(math.inf, -math.inf)])  # a pair inside every window
        m.setattr(R, "_paragraph_sentences", _plain_paragraph_sentences)
        m.setattr(R, "_may_double", lambda t: True)
        plain = _cands(text)
    assert fast == plain


def _plain_latin_ratio(text: str) -> float:
    letters = len(segment._LETTER.findall(text))
    return 1.0 if letters == 0 else len(segment._LATIN.findall(text)) / letters


@settings(max_examples=1000, deadline=None)
@given(text=st.one_of(texts, st.text(), st.text(alphabet=st.characters(max_codepoint=0x600))))
def test_latin_ratio_equals_the_plain_count(text):
    assert repr(latin_ratio(text)) == repr(_plain_latin_ratio(text))


def test_latin_ratio_over_every_code_point():
    every = "".join(map(chr, range(0x110000)))
    assert latin_ratio(every) == _plain_latin_ratio(every)


@SETTINGS
@given(text=texts)
def test_sentences_equal_the_plain_split(text):
    def plain(paragraph):
        start = 0
        for m in re.finditer(r"(?<=[.!?])[\"'\u201d\u2019)]?\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])", paragraph):
            yield start, paragraph[start : m.start()]
            start = m.end()
        if paragraph[start:].strip():
            yield start, paragraph[start:]

    assert list(sentences(text)) == list(plain(text))


def test_folds_to_ascii_is_every_character_a_case_insensitive_ascii_word_can_match():
    # the case-insensitive rules are skipped when their words are not in text.lower(); that is only
    # sure without these characters, so the list must be complete
    every = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000)
    folding = set(re.compile("[a-z]", re.IGNORECASE).findall(every))
    folding |= {c for c in every if any("a" <= x <= "z" or "A" <= x <= "Z" for x in c.lower())}
    assert folding == set(G.FOLDS_TO_ASCII)
    # and without them str.lower() maps one character to one, so offsets in text.lower() are the text's
    assert [c for c in every if len(c.lower()) != 1] == ["\u0130"]


def test_a_rule_whose_trigger_is_absent_is_skipped_and_one_present_is_found():
    assert A._G_DOUBLED_PUNCT.first("no doubled stops here.") == -1
    assert [c.original for c in A.doubled_punctuation("well,, then")] == [","]
    assert A._G_MASS_PLURAL.first("plain advice") == -1
    assert A._G_MASS_PLURAL.first("\u017fome advices") == 0  # a folding character: searched
    assert [c.replacement for c in A.mass_plural("ADVICES and Informations")] == ["Advice", "Information"]


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(bodies, st.text(alphabet="ab Z9_'-\u2019\n.,\u00e9\u4e2d\u0663", max_size=400)),
       data=st.data())
def test_word_index_gives_the_words_a_stretch_reads(text, data):
    from cleaning.grammar.policy import WordIndex
    from cleaning.grammar.vocabulary import WORD_RE

    index = WordIndex(text)
    for _ in range(10):
        x = data.draw(st.integers(0, len(text)))
        y = data.draw(st.integers(x, len(text)))
        assert index.words_in(x, y) == [w.lower() for w in WORD_RE.findall(text[x:y])]


def test_repeats_in_a_long_paragraph_are_checked_as_each_alone(monkeypatch):
    from cleaning.grammar import GrammarOptions, open_fixer
    from cleaning.grammar.policy import Policy

    steps = " ".join(f"Then {w} the knee and wait a while before you walk." for w in ("rest", "ice", "lift") * 40)
    text = steps + " Rest the knee for two days. Rest the knee for two days, the the knee." * 40
    with open_fixer(GrammarOptions(backend="none")) as fixer:
        fast = fixer.fix(text)
    monkeypatch.setattr(Policy, "_index", lambda self, text: None)  # each repeat reads its own stretch
    with open_fixer(GrammarOptions(backend="none")) as fixer:
        plain = fixer.fix(text)
    assert len(fast.edits) > 80
    assert (fast.text, fast.edits) == (plain.text, plain.edits)


def test_the_rules_keep_no_body_after_they_ran():
    from cleaning.grammar import gated

    body = "The patient should to rest. " * 50
    A.find_artifacts(body)
    assert gated._last_lowered[0] is not body and R._last_sentences[0] is not body


def _plain_looks_english(paragraph: str) -> bool:
    words = segment._TOKEN.findall(paragraph.lower())
    return len(words) < 8 or sum(map(segment._FUNCTION_WORDS.__contains__, words)) / len(words) >= 0.12


TYPOGRAPHIC = st.sampled_from(list(segment._TYPOGRAPHIC))
ascii_or_typographic = st.text(alphabet=st.one_of(st.characters(max_codepoint=0x7f), TYPOGRAPHIC))


@settings(max_examples=1000, deadline=None)
@given(text=st.one_of(texts, st.lists(st.sampled_from(PIECES + WORDS + ["x1", "_of", "Of", "IT", "it\u2019s"]),
                                      max_size=40).map(" ".join), ascii_or_typographic))
def test_looks_english_equals_the_plain_count(text):
    assert segment.looks_english(text) == _plain_looks_english(text)


@settings(max_examples=1000, deadline=None)
@given(text=st.one_of(ascii_or_typographic, texts))
def test_ascii_word_runs_are_the_lower_cased_regex_words(text):
    plain = segment.ascii_for_words(text)
    if plain is not None:
        assert len(plain) == len(text)
        for a, b in ((0, len(text)), (len(text) // 3, len(text) // 2)):
            assert plain[a:b].translate(R._ASCII_WORD_RUNS).split() == R._WORD_RUN.findall(text[a:b].lower())
    else:
        assert not text.translate({ord(c): " " for c in segment._TYPOGRAPHIC}).isascii()


def _plain_sentence_spans(para: str) -> list[tuple[int, int]]:
    stop = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s|$)|[\u3002\uff01\uff1f]+[\"'\u201d\u2019)\]\uff09]*")
    spans, start = [], 0
    for m in stop.finditer(para):
        after = re.compile(r"\s*(\S)").match(para, m.end())
        if after and after.group(1).islower():
            continue
        if m.group().rstrip("\"'\u201d\u2019)]") == ".":
            words = para[max(0, m.start() - R._LOOK_BACK) : m.start()].split()
            word = words[-1].lstrip("\"'\u201c\u2018([") if words else ""
            if "." in word or word.lower() in R._ABBREVIATIONS:
                continue
            if len(word) == 1 and word.isalpha():
                before = words[-2].lstrip("\"'\u201c\u2018([") if len(words) > 1 else ""
                if not before or before[0].isupper() or before.rstrip(".").lower() in R._ABBREVIATIONS:
                    continue
        spans.append((start, m.end()))
        start = m.end()
    if para[start:].strip():
        spans.append((start, len(para)))
    return spans


STOPS = [". ", ".", "!", "?", "?!", "...", ".\u201d ", ".) ", "\u3002", "\uff01\uff09", " ", "\t", "\u00a0", "Dr", "dr",
         "J", "B", "x", "U.S", "e.g", "al", "no", "(", "\u201c", "Smith", "the", "\u00e9t\u00e9", "A", "0.2", "mg"]


@settings(max_examples=1000, deadline=None)
@given(para=st.one_of(st.lists(st.sampled_from(STOPS + PIECES), max_size=50).map("".join), texts))
def test_sentence_spans_equal_the_plain_split(para):
    assert R._sentence_spans(para) == _plain_sentence_spans(para)


DOUBLES = ["the", "The", "THE", "tHe", "and", "i", "I", "\u0130", "\u0131", "\u212a", "\u017f", "a", "A", "is", "Fang",
           "to", "it's", "x-ray", "e\u0301", "\u00e9", "\u2019", "'", "-", "_", "9", " ", " ", "  ", "\t", "\n", ".", ",",
           "(", "\u201c", "\u201d", "\u4e2d", "\ud800"]


_pieces = st.lists(st.sampled_from(DOUBLES), max_size=12).map("".join)
doubled = st.builds(lambda pre, w, gap, w2, post: pre + w + gap + w2 + post, _pieces,
                    st.sampled_from(DOUBLES[:16]), st.sampled_from([" ", "  ", "\t", " \t", "\u00a0", "\n"]),
                    st.sampled_from(DOUBLES[:16]), _pieces)


@settings(max_examples=2000, deadline=None)
@given(text=st.one_of(doubled, st.lists(st.sampled_from(DOUBLES), max_size=30).map("".join)))
def test_doubled_word_gate_never_hides_a_doubled_word(text):
    gated = list(R.doubled_word(text))
    with pytest.MonkeyPatch.context() as m:
        m.setattr(R, "_may_double", lambda t: True)
        plain = list(R.doubled_word(text))
    assert gated == plain
    if plain:
        assert R._may_double(text)
