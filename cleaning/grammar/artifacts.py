"""The product's own repairs of machine-translation artifacts, and the registry that runs them all.

Grammar checkers miss these, or only flag them: a space before punctuation, a missing space after a
full stop, doubled punctuation, dashes typed as hyphens, compounds with a spaced hyphen, "should to",
"there is many", mass nouns given a plural; and the repetitions of `repetitions.py`. Each rule proposes
`Candidate`s with offsets into the original text; the fixer resolves and applies them together with
the backend's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .candidates import rule_candidate as _cand
from .edits import Candidate
from .gated import (ASCII_LETTERS, BLANKS, Gated, blank_before, first_ignorecase, first_of, forget_lowered, run_start,
                    run_starts, starts_ignorecase, with_tabs)
from .repetitions import (doubled_word, forget_sentences, near_repeated_sentence, repeated_clause,
                          repeated_clause_lower, repeated_sentence)

_MODAL_TO = re.compile(r"\b(?P<m>should|must)(?:[ \t]+not)?[ \t]+(?P<to>to)[ \t]+(?P<v>[a-z]+)\b", re.I)
_NOT_A_VERB = frozenset("the a an this that these those his her their my your our its some me him them us it".split())
_THERE_IS_MANY = re.compile(
    r"\b(?P<t>[Tt]here)[ \t]+(?P<be>is|was)[ \t]+(?P<q>many|several|numerous|various)[ \t]+(?P<n>[a-z]+s)\b"
)
# Mass nouns given a plural, a Chinese-English MT habit ("informations", "advices"): only nouns
# whose plural is not English in any sense ("researches", "evidences" are also verbs: left alone).
_MASS_PLURALS = {
    "informations": "information", "knowledges": "knowledge", "advices": "advice", "equipments": "equipment",
    "furnitures": "furniture", "feedbacks": "feedback", "softwares": "software", "homeworks": "homework",
    "luggages": "luggage", "baggages": "baggage",
}
_MASS_PLURAL = re.compile(r"(?<![\w'\u2019-])(?:" + "|".join(_MASS_PLURALS) + r")(?![\w'\u2019-])", re.I)
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=[\w)\]\"'\u2019\u201d%])[ \t]+(?=[,.;:!?](?![\w.]))|(?<=\w)[ \t]+(?=[,;:?!.]\s)")
_SPACE_BEFORE_CLOSE = re.compile(r"(?<=[\w.%])[ \t]+(?=\)(?:\W|$))")
_SPACE_AFTER_OPEN = re.compile(r"(?<=[(])[ \t]+(?=\w)")
_MISSING_SPACE = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z]+\b)|(?<=[a-z]{2},)(?=[a-z]{2,}\b)")
_SPACED_FULL_STOP = re.compile(r"(?<=[a-z])[ \t]+\.(?=[A-Z][a-z])")  # "school .Then"
_MULTI_SPACE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
_DOUBLED_PUNCT = re.compile(r"(?<=\w)(?P<p>[,;])(?P=p)+|(?<=[a-z])\.\.(?!\.)(?=\s|$)")

# Dashes written as typewriter hyphens: "--" ("space -- five years"), and a lone hyphen glued
# between a word and the clause that follows it ("so loud-it was", "the universe-this series").
# The word after the hyphen must open a clause (a pronoun, determiner, conjunction or discourse
# word), the hyphenated token must hold one hyphen only ("rock-and-roll", "state-of-the-art" are
# words), and neither side may be a digit ("COVID-19", "type-2"). Both become a spaced em dash.
_DOUBLE_HYPHEN = re.compile(r"(?<=[\w,.;:!?)\]\"'\u201d\u2019%])[ \t]*--[ \t]*(?=[\w\"'(\u201c\u2018])")
_CLAUSE_OPENERS = (
    "it|this|that|these|those|we|they|you|he|she|there|which|where|when|what|who|and|but|or|so|because|"
    "therefore|actually|basically|maybe|perhaps|then|each|imagine|say|the"
)
_HYPHEN_AS_DASH = re.compile(
    rf"(?<![\w'\u2019-])(?P<left>[A-Za-z][a-z]+)-(?P<right>(?:{_CLAUSE_OPENERS}))(?![\w'\u2019-])"
)
_NOT_BEFORE_DASH = frozenset("either neither both no so one".split())  # "either-or", "no-one"
# Compounds written with a spaced hyphen ("self - assembly", "three - dimensional", "large - scale").
_SPACED_COMPOUND = re.compile(
    r"(?<![\w-])(?P<left>self|non|anti|semi|multi|[A-Za-z]+|\d+)[ \t]+-[ \t]+"
    r"(?P<right>[a-z]+)(?![\w-])"
)
_COMPOUND_PREFIXES = frozenset("self non anti semi multi".split())
_COMPOUND_HEADS = frozenset("dimensional foot feet scale term sided shaped sized wide related".split())


_MISSING_SPACE_AT = re.compile(r"[.!?,][A-Za-z]")  # the punctuation and the letter a match sits between
_HYPHEN_OPENER = re.compile(rf"-(?:{_CLAUSE_OPENERS})(?![\w'\u2019-])")
_SPACED_HYPHEN = re.compile(r"[ \t]-[ \t]")


def _first_missing_space(text: str) -> int:
    m = _MISSING_SPACE_AT.search(text)
    return -1 if m is None else m.start()


def _first_hyphen_as_dash(text: str) -> int:
    if "-" not in text:
        return -1
    m = _HYPHEN_OPENER.search(text)
    # the left word ("loud" in "loud-it") is ASCII letters just before the hyphen
    return -1 if m is None else run_start(text, m.start(), ASCII_LETTERS)


def _compound_char(ch: str) -> bool:
    return ch in ASCII_LETTERS or ch.isdecimal()  # [A-Za-z]+ or \d+ (Unicode decimal digits, as re's \d)


def _first_spaced_compound(text: str) -> int:
    if "-" not in text:
        return -1
    m = _SPACED_HYPHEN.search(text)
    if m is None:
        return -1
    i = run_start(text, m.start(), BLANKS)
    while i > 0 and _compound_char(text[i - 1]):
        i -= 1
    return i


def _first_double_hyphen(text: str) -> int:
    i = text.find("--")
    return -1 if i < 0 else run_start(text, i, BLANKS)


def _first_blank_punct(t: str) -> int:
    return blank_before(t, ",.;:!?")


def _first_blank_close(t: str) -> int:
    return blank_before(t, ")")


def _first_blank_stop(t: str) -> int:
    return blank_before(t, ".")


def _first_two_blanks(t: str) -> int:
    return with_tabs(t, ("  ",), (" \t", "\t ", "\t\t"))


_G_SPACE_BEFORE_PUNCT = Gated("space_before_punct", _SPACE_BEFORE_PUNCT, _first_blank_punct,
                              run_starts(re.compile(r"[ \t]+(?=[,.;:!?])"), _first_blank_punct))
_G_SPACE_BEFORE_CLOSE = Gated("space_before_close", _SPACE_BEFORE_CLOSE, _first_blank_close,
                              run_starts(re.compile(r"[ \t]+(?=\))"), _first_blank_close))
_G_SPACE_AFTER_OPEN = Gated("space_after_open", _SPACE_AFTER_OPEN, lambda t: with_tabs(t, ("( ",), ("(\t",)))
_G_MISSING_SPACE = Gated("missing_space", _MISSING_SPACE, _first_missing_space)
_G_SPACED_FULL_STOP = Gated("spaced_full_stop", _SPACED_FULL_STOP, _first_blank_stop,
                            run_starts(re.compile(r"[ \t]+(?=\.)"), _first_blank_stop))
_G_MULTI_SPACE = Gated("multi_space", _MULTI_SPACE, _first_two_blanks,
                       run_starts(re.compile(r"[ \t]{2,}"), _first_two_blanks))
_G_DOUBLED_PUNCT = Gated("doubled_punct", _DOUBLED_PUNCT, lambda t: first_of(t, (",,", ";;", "..")))
_G_DOUBLE_HYPHEN = Gated("double_hyphen", _DOUBLE_HYPHEN, _first_double_hyphen)
_G_HYPHEN_AS_DASH = Gated("hyphen_as_dash", _HYPHEN_AS_DASH, _first_hyphen_as_dash)
_G_SPACED_COMPOUND = Gated("spaced_compound", _SPACED_COMPOUND, _first_spaced_compound)


_MODALS = ("should", "must")
_G_MODAL_TO = Gated("modal_to", _MODAL_TO, first_ignorecase(_MODALS), starts_ignorecase(_MODALS))
_G_MASS_PLURAL = Gated(
    "mass_plural", _MASS_PLURAL, first_ignorecase(tuple(_MASS_PLURALS)), starts_ignorecase(tuple(_MASS_PLURALS))
)


def _first_there_is_many(text: str) -> int:
    if not any(q in text for q in ("many", "several", "numerous", "various")):
        return -1
    return first_of(text, ("There", "there"))


_G_THERE_IS_MANY = Gated("there_is_many", _THERE_IS_MANY, _first_there_is_many)

#: Every gated regex, for the tests that compare each with its plain regex.
GATED: tuple[Gated, ...] = (
    _G_SPACE_BEFORE_PUNCT, _G_SPACE_BEFORE_CLOSE, _G_SPACE_AFTER_OPEN, _G_MISSING_SPACE, _G_SPACED_FULL_STOP,
    _G_MULTI_SPACE, _G_DOUBLED_PUNCT, _G_DOUBLE_HYPHEN, _G_HYPHEN_AS_DASH, _G_SPACED_COMPOUND, _G_MODAL_TO,
    _G_MASS_PLURAL, _G_THERE_IS_MANY,
)


# "everything we should to help her": the modal ends a clause whose verb is left out ("... we should [do]"), and
# "to help her" is a purpose clause after it
_ELIDED_BEFORE = re.compile(r"\b(?:everything|anything|nothing|something|all|what|whatever|as much as|as well as|"
                            r"more than|less than|as (?:often|soon|long) as)\s+[a-z]+\s+$", re.I)


def modal_to(text: str) -> Iterator[Candidate]:
    """"should to rest" -> "should rest", "should not to eat" -> "should not eat" (a modal takes the bare
    infinitive)."""
    for m in _G_MODAL_TO.finditer(text):
        if m.group("v").lower() in _NOT_A_VERB:
            continue
        if _ELIDED_BEFORE.search(text, max(0, m.start("m") - 40), m.start("m")):
            continue
        start = m.start("to")
        while text[start - 1] in " \t":  # the blanks before "to" go with it
            start -= 1
        yield _cand(start, m.end("to"), "", text, "MT_MODAL_TO", "grammar")


def there_is_many(text: str) -> Iterator[Candidate]:
    """"There is many reasons" -> "There are many reasons"."""
    for m in _G_THERE_IS_MANY.finditer(text):
        repl = "are" if m.group("be") == "is" else "were"
        yield _cand(m.start("be"), m.end("be"), repl, text, "MT_THERE_IS_PLURAL", "agreement")


def mass_plural(text: str) -> Iterator[Candidate]:
    for m in _G_MASS_PLURAL.finditer(text):
        word = m.group()
        repl = _MASS_PLURALS[word.lower()]
        if word[:1].isupper():
            repl = repl.capitalize()
        yield _cand(m.start(), m.end(), repl, text, "MT_MASS_NOUN_PLURAL", "agreement")


def spacing(text: str) -> Iterator[Candidate]:
    for rx, rule in (
        (_G_SPACE_BEFORE_PUNCT, "MT_SPACE_BEFORE_PUNCTUATION"),
        (_G_SPACE_BEFORE_CLOSE, "MT_SPACE_BEFORE_PUNCTUATION"),
        (_G_SPACE_AFTER_OPEN, "MT_SPACE_AFTER_BRACKET"),
    ):
        for m in rx.finditer(text):
            yield _cand(m.start(), m.end(), "", text, rule, "spacing")
    for m in _G_MISSING_SPACE.finditer(text):
        if _looks_like_address(text, m.start()):
            continue
        yield _cand(m.start(), m.start(), " ", text, "MT_MISSING_SPACE_AFTER_PUNCTUATION", "spacing")
    for m in _G_SPACED_FULL_STOP.finditer(text):
        yield _cand(m.start(), m.end(), ". ", text, "MT_MISPLACED_FULL_STOP", "spacing")
    for m in _G_MULTI_SPACE.finditer(text):
        yield _cand(m.start(), m.end(), " ", text, "MT_MULTIPLE_SPACES", "spacing")


def doubled_punctuation(text: str) -> Iterator[Candidate]:
    for m in _G_DOUBLED_PUNCT.finditer(text):
        yield _cand(m.start() + 1, m.end(), "", text, "MT_DOUBLED_PUNCTUATION", "punctuation")


def dashes(text: str) -> Iterator[Candidate]:
    for m in _G_DOUBLE_HYPHEN.finditer(text):
        if "-" in text[m.end() : m.end() + 1] or text[max(0, m.start() - 1) : m.start()] == "-":
            continue  # "---" and longer runs are rules or art, not dashes
        yield _cand(m.start(), m.end(), " \u2014 ", text, "MT_DOUBLE_HYPHEN_DASH", "punctuation")
    for m in _G_HYPHEN_AS_DASH.finditer(text):
        left, right = m.group("left"), m.group("right")
        if left.lower() in _NOT_BEFORE_DASH or left.lower() == right.lower():
            continue
        at = m.end("left")
        yield _cand(at, at + 1, " \u2014 ", text, "MT_HYPHEN_AS_DASH", "punctuation")


def spaced_compounds(text: str) -> Iterator[Candidate]:
    for m in _G_SPACED_COMPOUND.finditer(text):
        left, right = m.group("left"), m.group("right")
        if left.lower() in _COMPOUND_PREFIXES or right in _COMPOUND_HEADS:
            yield _cand(m.end("left"), m.start("right"), "-", text, "MT_SPACED_HYPHEN_COMPOUND", "punctuation")


def _looks_like_address(text: str, pos: int) -> bool:
    """A dot inside a URL, an e-mail address or a file name is not a full stop."""
    left = text.rfind(" ", 0, pos) + 1
    right = text.find(" ", pos)
    token = text[left : right if right >= 0 else len(text)]
    return bool(re.search(r"[/@:]|www|\.(?:com|org|net|html?|gov|edu)\b", token, re.I))


RULES: dict[str, Callable[[str], Iterator[Candidate]]] = {
    "repeated_clause": repeated_clause,
    "repeated_clause_lower": repeated_clause_lower,
    "repeated_sentence": repeated_sentence,
    "near_repeated_sentence": near_repeated_sentence,
    "modal_to": modal_to,
    "there_is_many": there_is_many,
    "mass_plural": mass_plural,
    "doubled_word": doubled_word,
    "spacing": spacing,
    "doubled_punctuation": doubled_punctuation,
    "dashes": dashes,
    "spaced_compounds": spaced_compounds,
}


def find_artifacts(text: str) -> list[Candidate]:
    out: list[Candidate] = []
    for rule in RULES.values():
        out.extend(rule(text))
    # a long body and its words are not kept after its rules ran
    forget_lowered()
    forget_sentences()
    return out
