"""The product's own repairs of machine-translation artifacts.

Grammar checkers miss these, or only flag them: a clause repeated after a stray
capital ("a series of This results in a series of"), a sentence repeated within a
paragraph, doubled words, a space before punctuation, a missing space after a full
stop. Each rule proposes `Candidate`s with offsets into the original text; the fixer
resolves and applies them together with the backend's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .edits import Candidate
from .gated import (ASCII_LETTERS, BLANKS, Gated, blank_before, first_ignorecase, first_of, forget_lowered, run_start,
                    run_starts, starts_ignorecase, with_tabs)
from .policy import REMOVABLE_DOUBLES

BACKEND = "rules"

_WORD = r"[A-Za-z][\w'\u2019-]*"
_LOWER_WORD = r"[a-z][\w'\u2019-]*"

# A  S  A  where A is two to twenty words (ten characters or more) starting lower-case (commas allowed) and
# S a short stray clause opening with a capitalised sentence starter in mid-sentence
# ("This results in", "That is why"): the machine translation said A twice. Keep the
# first A, drop "S A". Proper nouns do not open S, so "by the House ... by the" is safe.
_STARTERS = (
    "This|That|These|Those|It|Which|Thus|So|There|Such|Therefore|Namely|What|Its|They|"
    "Because|Hence|Also|And|But|Then|Meaning|Resulting|As"
)
_A_WORD = rf"{_LOWER_WORD}[,;]?"
_REPEATED_CLAUSE = re.compile(
    rf"(?<![\w'\u2019-])(?P<a>(?:{_A_WORD}[ \t]+){{1,19}}{_LOWER_WORD})[,;]?[ \t]+"
    rf"(?P<s>(?:{_STARTERS})(?:[ \t]+{_LOWER_WORD}){{0,5}})[ \t]+(?P=a)(?![\w'\u2019-])"
)
# The same, with a lower-case connective between the copies ("the acid flows back into the
# esophagus, this means the acid flows back into the esophagus and ..."): only connectives that
# announce a restatement, and a copy of four words or more.
_RESTATERS = "this means|which means|that is|that is to say|namely|in other words|this results in|this is"
_REPEATED_CLAUSE_LOWER = re.compile(
    rf"(?<![\w'\u2019-])(?P<a>(?:{_A_WORD}[ \t]+){{3,19}}{_LOWER_WORD})[,;]?[ \t]+"
    rf"(?P<s>(?:{_RESTATERS}))[,]?[ \t]+(?P=a)(?![\w'\u2019-])"
)
_MODAL_TO = re.compile(r"\b(?P<m>should|must)[ \t]+(?P<to>to)[ \t]+(?P<v>[a-z]+)\b", re.I)
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
_DOUBLED_WORD = re.compile(rf"(?<![\w'\u2019-])(?P<w>{_WORD})(?P<gap>[ \t]+)(?P=w)(?![\w'\u2019-])", re.I)
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=[\w)\]\"'\u2019\u201d%])[ \t]+(?=[,.;:!?](?![\w.]))|(?<=\w)[ \t]+(?=[,;:?!.]\s)")
_SPACE_BEFORE_CLOSE = re.compile(r"(?<=[\w.%])[ \t]+(?=\)(?:\W|$))")
_SPACE_AFTER_OPEN = re.compile(r"(?<=[(])[ \t]+(?=\w)")
_MISSING_SPACE = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z]+\b)|(?<=[a-z]{2},)(?=[a-z]{2,}\b)")
_SPACED_FULL_STOP = re.compile(r"(?<=[a-z])[ \t]+\.(?=[A-Z][a-z])")  # "school .Then"
_MULTI_SPACE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
_DOUBLED_PUNCT = re.compile(r"(?<=\w)(?P<p>[,;])(?P=p)+|(?<=[a-z])\.\.(?!\.)(?=\s|$)")
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")

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


def _cand(m_start: int, m_end: int, repl: str, text: str, rule: str, category: str) -> Candidate:
    return Candidate(
        offset=m_start,
        length=m_end - m_start,
        replacement=repl,
        rule_id=rule,
        category=category,
        backend=BACKEND,
        original=text[m_start:m_end],
    )


_STARTER_AT = re.compile(rf"(?<=[a-z,;])[ \t]+(?:{_STARTERS})\b")
_RESTATER_AT = re.compile(rf"[ \t](?:{_RESTATERS})\b", re.I)
# _STARTER_AT opens with a lookbehind (tried at every character). Its matches are found from the
# starter words instead, which open with a capital (the regex engine skips to those): a starter after
# a run of blanks that follows a lower-case letter, comma or semicolon gives the anchor (that run and
# the word). A starter word found inside another word hides no anchor: an anchor's word follows a blank.
_STARTER_WORD = re.compile(rf"(?:{_STARTERS})\b")
_BEFORE_STARTER = frozenset("abcdefghijklmnopqrstuvwxyz,;")


def _starter_anchors(text: str) -> Iterator[tuple[int, int]]:
    """The spans of `_STARTER_AT`'s matches, in order."""
    for m in _STARTER_WORD.finditer(text):
        i = m.start()
        if i and text[i - 1] in BLANKS:
            r = run_start(text, i, BLANKS)
            if r and text[r - 1] in _BEFORE_STARTER:
                yield r, m.end()


# A match of _REPEATED_CLAUSE_LOWER holds its restater in lower case, as written here.
_LOWER_RESTATERS = tuple(_RESTATERS.split("|"))
# The copy after a restater opens with the copy's first two words (A has four or more), each a whole
# run of word characters, with what follows each in A: an optional comma or semicolon and a blank.
_COPY_HEAD = re.compile(r"[a-z][\w'\u2019-]*[,;]?[ \t]+[a-z][\w'\u2019-]*[,;]?[ \t]")


def _restatements(text: str) -> list[tuple[int, int]]:
    """Where a match of `_REPEATED_CLAUSE_LOWER` may lie: for each lower-case restater that has a
    blank before it and a copy's head after it (", " or " ", then two words) that also occurs before
    it, (where that earlier occurrence starts, where the head after it ends). A match around the
    restater spans both; a window holding no such pair holds no match."""
    out = []
    for r in _LOWER_RESTATERS:
        i = text.find(r)
        while i >= 0:
            k = i + len(r)
            if i and text[i - 1] in BLANKS:
                if text.startswith(",", k):
                    k += 1
                if k < len(text) and text[k] in BLANKS:
                    c = k + 1
                    while c < len(text) and text[c] in BLANKS:
                        c += 1
                    head = _COPY_HEAD.match(text, c)
                    if head is not None:
                        first = text.rfind(head.group(), 0, i)
                        if first >= 0:
                            out.append((first, head.end()))
            i = text.find(r, i + 1)
    return out


def _near(
    rx: re.Pattern, anchors: Iterator[tuple[int, int]], text: str, before: int = 400, after: int = 500,
    spans: list[tuple[int, int]] | None = None,
) -> Iterator[re.Match]:
    """Matches of a backreference pattern, searched only around its cheap anchors (a stray clause
    opener): scanning a whole body with the backreference is slow. With ``spans``, a window that
    holds none of them whole (each match of ``rx`` covers one) is not searched."""
    seen: set[tuple[int, int]] = set()
    for a_start, a_end in anchors:
        lo, hi = max(0, a_start - before), min(len(text), a_end + after)
        if spans is not None and not any(lo <= a0 and a1 <= hi for a0, a1 in spans):
            continue
        for m in rx.finditer(text, lo, hi):
            if m.span() not in seen:
                seen.add(m.span())
                yield m


def repeated_clause(text: str) -> Iterator[Candidate]:
    for m in _near(_REPEATED_CLAUSE, _starter_anchors(text), text):
        if len(m.group("a")) < 10:
            continue
        # "S A" plus the blank before S goes: "a series of This results in a series of
        # clinical" -> "a series of clinical".
        yield _cand(m.end("a"), m.end(), "", text, "MT_REPEATED_CLAUSE", "repetition")


def repeated_clause_lower(text: str) -> Iterator[Candidate]:
    spans = _restatements(text)
    if not spans:
        return
    anchors = (m.span() for m in _RESTATER_AT.finditer(text))
    for m in _near(_REPEATED_CLAUSE_LOWER, anchors, text, spans=spans):
        if len(m.group("a")) >= 15:
            yield _cand(m.end("a"), m.end(), "", text, "MT_REPEATED_CLAUSE", "repetition")


def modal_to(text: str) -> Iterator[Candidate]:
    """"should to rest" -> "should rest" (a modal takes the bare infinitive)."""
    for m in _G_MODAL_TO.finditer(text):
        if m.group("v").lower() in _NOT_A_VERB:
            continue
        yield _cand(m.end("m"), m.end("to"), "", text, "MT_MODAL_TO", "grammar")


def there_is_many(text: str) -> Iterator[Candidate]:
    """"There is many reasons" -> "There are many reasons"."""
    for m in _G_THERE_IS_MANY.finditer(text):
        repl = "are" if m.group("be") == "is" else "were"
        yield _cand(m.start("be"), m.end("be"), repl, text, "MT_THERE_IS_PLURAL", "agreement")


_WORD_RUN = re.compile(r"\w+")
_last_sentences: tuple[str, list] = ("", [])


def _paragraph_sentences(text: str) -> list[tuple[int, str, list[tuple[int, int, list[str]]]]]:
    """Each paragraph (its offset, its text) with its sentences (start and end in the paragraph, the
    lower-cased words), for the two repeated-sentence rules, which ask in turn: the last answer is
    kept. A paragraph without a full stop, "!" or "?" is one sentence, which repeats nothing: its
    list is left empty."""
    global _last_sentences
    last = _last_sentences
    if last[0] is text:
        return last[1]
    out = []
    pos = 0
    for para in text.split("\n"):
        sents = []
        if "." in para or "!" in para or "?" in para:
            # the words of m.group().strip().lower() too: strip() takes only whitespace, which \w+ never
            # matches and which ends str.lower()'s look around a capital sigma either way
            low = para.lower()
            if len(low) == len(para) and "\u03a3" not in para:
                # lower() maps each character alone (only U+0130 lower-cases to two characters, only a
                # capital sigma looks at its neighbours): a sentence's slice of it is its lower()
                sents = [(m.start(), m.end(), _WORD_RUN.findall(low, m.start(), m.end()))
                         for m in _SENTENCE.finditer(para)]
            else:
                sents = [(m.start(), m.end(), _WORD_RUN.findall(m.group().lower()))
                         for m in _SENTENCE.finditer(para)]
        out.append((pos, para, sents))
        pos += len(para) + 1
    _last_sentences = (text, out)
    return out


def near_repeated_sentence(text: str) -> Iterator[Candidate]:
    """A sentence of eight words or more said again in other words in its paragraph (nine in ten of
    its words the same, in order): the machine translation rendered one source sentence twice."""
    import difflib

    for pos, para, sents in _paragraph_sentences(text):
        seen: list[tuple[list[str], set[str]]] = []
        for m_start, m_end, words in sents:
            if len(words) < 8:
                continue
            bag = set(words)
            n = len(words)
            twin = False
            for w, b in seen[-40:]:  # the cheap tests first
                if (
                    -2 <= len(w) - n <= 2
                    and len(bag & b) >= 0.8 * max(len(bag), len(b))
                    and w != words
                    and difflib.SequenceMatcher(None, w, words, autojunk=False).ratio() >= 0.9
                ):
                    twin = True
                    break
            if twin:
                start = pos + m_start
                while start > pos and para[start - pos - 1] in " \t":
                    start -= 1
                yield _cand(start, pos + m_end, "", text, "MT_NEAR_REPEATED_SENTENCE", "repetition")
            else:
                seen.append((words, bag))


def mass_plural(text: str) -> Iterator[Candidate]:
    for m in _G_MASS_PLURAL.finditer(text):
        word = m.group()
        repl = _MASS_PLURALS[word.lower()]
        if word[:1].isupper():
            repl = repl.capitalize()
        yield _cand(m.start(), m.end(), repl, text, "MT_MASS_NOUN_PLURAL", "agreement")


def doubled_word(text: str) -> Iterator[Candidate]:
    for m in _DOUBLED_WORD.finditer(text):
        w = m.group("w")
        second = text[m.end("gap") : m.end()]
        if w.lower() not in REMOVABLE_DOUBLES or second != w and second != w.lower():
            continue  # "Fang Fang", "ylang ylang", "so so", "had had": not slips
        yield _cand(m.end("w"), m.end(), "", text, "MT_DOUBLED_WORD", "repetition")


def repeated_sentence(text: str) -> Iterator[Candidate]:
    """A sentence of four or more words said again, word for word, in its paragraph."""
    for pos, para, sents in _paragraph_sentences(text):
        seen: set[str] = set()
        for m_start, m_end, words in sents:
            if len(words) < 4:
                continue
            key = " ".join(words)
            if key in seen:
                start = pos + m_start
                # take the blank before it with it
                while start > pos and para[start - pos - 1] in " \t":
                    start -= 1
                end = pos + m_end
                yield _cand(start, end, "", text, "MT_REPEATED_SENTENCE", "repetition")
            else:
                seen.add(key)


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
    global _last_sentences
    out: list[Candidate] = []
    for rule in RULES.values():
        out.extend(rule(text))
    # a long body and its words are not kept after its rules ran
    forget_lowered()
    _last_sentences = ("", [])
    return out
