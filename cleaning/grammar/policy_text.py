"""What the text around a proposed edit says, for the policy's gates (policy.py): where a sentence starts, which
words look like names, and the shapes an edit must not touch (a dotted name, two words glued by a stop, a
verb whose subject is a name or which is in the subjunctive)."""

from __future__ import annotations

import re

from .edits import Candidate
from .vocabulary import WORD_RE

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs etc eg ie e.g i.e approx fig no vol oz lb lbs tsp tbsp cu ft in "
    "min max mg kg ml cm mm km hr hrs sec inc ltd co corp dept est jan feb mar apr jun jul aug sep "
    "sept oct nov dec mon tue wed thu fri sat sun u.s a.m p.m".split()
)


_CLOSING_QUOTES = "\"'\u201d\u2019"


def is_sentence_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t\"'\u201c\u2018(#*-":
        i -= 1
    if i < 0:
        return True
    if text[i] == "\n":
        return True
    if text[i] not in ".!?":
        return False
    if i + 1 == pos:  # no blank after the full stop: a domain, a decimal, "U.S."
        return False
    if text[i] in "?!" and text[i + 1] in _CLOSING_QUOTES:  # `"Why?" she asked`: the quotation ended
        return False
    m = re.search(r"([\w.]+)\.$", text[max(0, i - 12) : i + 1])
    word = m.group(1).lower().rstrip(".") if m else ""  # "etc.." is "etc"
    return word not in _ABBREVIATIONS and not (len(word) <= 2 and word.isalpha())


def blank_in_dotted_name(text: str, c: Candidate) -> bool:
    """A blank put into one unbroken token with two dots or more ("A.Word.A.Day", "U.S.A"): a name, not
    two sentences run together."""
    original = text[c.offset : c.end]
    if any(ch.isspace() for ch in original) or not any(ch.isspace() for ch in c.replacement):
        return False
    a = c.offset
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    b = c.offset
    while b < len(text) and not text[b].isspace():
        b += 1
    token = text[a:b]
    return token.count(".") >= 2 and ".." not in token and any(ch.isalpha() for ch in token)


_GLUED = re.compile(r"\w[.,;:!?]\w")


# Verbs after which "he consider", "that she be" is the subjunctive, not a missing -s.
_SUBJUNCTIVE_AFTER = frozenset(
    "ask asks asked asking insist insists insisted demand demands demanded suggest suggests suggested recommend "
    "recommends recommended require requires required urge urges urged propose proposes proposed request "
    "requests requested".split())
_PRONOUNS = frozenset("he she it they we i you".split())


def verb_of_a_name_or_a_subjunctive(text: str, offset: int) -> bool:
    """An agreement edit whose subject is a name ("The Times is", "Gronk, Serena perform": a newspaper, a
    compound subject), or a verb in the subjunctive ("we ask he consider"): the grammar is right as it is."""
    found = list(WORD_RE.finditer(text, max(0, offset - 80), offset))
    if not found:
        return False
    last = found[-1]
    if text[last.end() : offset].strip():
        return False  # punctuation between: no subject right before the verb
    if is_name_like(last.group(), is_sentence_start(text, last.start())) and last.group().lower() not in _PRONOUNS:
        return True
    words = [m.group().lower() for m in found[-3:]]
    if words[-1] in _PRONOUNS and len(words) >= 2:
        ask = words[-2] if words[-2] != "that" or len(words) < 3 else words[-3]
        return ask in _SUBJUNCTIVE_AFTER
    return False


def glues_after_punctuation(text: str, c: Candidate) -> bool:
    """An edit that leaves a word, a stop or comma and a word with no blank between them where there was
    one ("globe .MIWD00000PUS" -> "globe.MIWD00000PUS") runs two tokens together: a new error."""
    lead, tail = text[max(0, c.offset - 1) : c.offset], text[c.end : c.end + 2]
    return bool(_GLUED.search(lead + c.replacement + tail)) and not _GLUED.search(lead + text[c.offset : c.end] + tail)


def word_spans(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """Words overlapping [start, end), whole (extended to their boundaries)."""
    def inside(ch: str) -> bool:
        return ch.isalnum() or ch in "'\u2019-"

    end = min(end, len(text))
    left = start
    if start < end and inside(text[start]):  # the edit starts inside a word: take all of it
        while left > 0 and inside(text[left - 1]):
            left -= 1
    right = end
    if start < end and inside(text[end - 1]):
        while right < len(text) and inside(text[right]):
            right += 1
    return [(left + m.start(), m.group()) for m in WORD_RE.finditer(text[left:right])]


def digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


def is_name_like(word: str, at_sentence_start: bool) -> bool:
    if word.isupper() and len(word) > 1:
        return True  # acronyms: USB, CNET
    if any(ch.isupper() for ch in word[1:]):
        return True  # iPhone, McDonald, AirPods
    return word[:1].isupper() and not at_sentence_start and word != "I"


def halves_a_double(words: list[str], repl_words: list[str]) -> str | None:
    """The word when the edit turns "w w" into "w" (or deletes the second of two), else None."""
    if len(words) == 2 and words[0].lower() == words[1].lower() and len(repl_words) <= 1:
        if not repl_words or repl_words[0].lower() == words[0].lower():
            return words[0]
    return None
