r"""Cheap starts for the grammar rules' regexes (used by `cleaning/grammar/artifacts.py` and `repetitions.py`).

Most rules' regexes open with a lookbehind, so the regex engine tries the whole pattern at every
character of a body; and most bodies hold none of a rule's triggers ("--", " ,", ",,"). Each rule's
regex is therefore searched from the first place a match could start, found with `str.find` (or a
regex that opens with a literal, which the engine skips to quickly): a lookbehind and `\b` still see
the text before that place (`Pattern.finditer(text, pos)`), so the matches are the same ones, in the
same order. -1 means no match can occur: the rule is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

BLANKS = " \t"
ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def first_of(text: str, needles: tuple[str, ...]) -> int:
    """Where the earliest of ``needles`` occurs in ``text`` (-1: none does)."""
    best = -1
    for n in needles:
        # an occurrence before the best so far ends before best - 1 + len(n)
        i = text.find(n) if best < 0 else text.find(n, 0, best - 1 + len(n))
        if i >= 0:
            best = i
    return best


def with_tabs(text: str, spaced: tuple[str, ...], tabbed: tuple[str, ...]) -> int:
    # bodies seldom hold a tab: its variants are only looked for when one is there
    return first_of(text, spaced + tabbed if "\t" in text else spaced)


def run_start(text: str, i: int, chars: str | frozenset[str]) -> int:
    """The start of the run of ``chars`` that ends just before ``i``."""
    while i > 0 and text[i - 1] in chars:
        i -= 1
    return i


def blank_before(text: str, follow: str) -> int:
    """Where a match that is a run of blanks followed by one of ``follow`` can start: the start of the
    blank run before the first blank-then-``follow``. A match starting earlier would be a run of blanks
    covering the non-blank just before that run."""
    i = with_tabs(text, tuple(" " + c for c in follow), tuple("\t" + c for c in follow))
    return -1 if i < 0 else run_start(text, i, BLANKS)


class Gated:
    """A rule's regex with a cheap lower bound on where its first match can start (``first``: -1
    when no match can occur). `finditer` gives exactly ``rx.finditer(text)``'s matches.

    With ``starts`` (for a regex whose matches are never empty): every place a match can start, in
    order, or None when unsure; the regex is then only tried at those places, skipping those inside
    the previous match, which is how `finditer` moves on."""

    __slots__ = ("first", "name", "rx", "starts")

    def __init__(
        self, name: str, rx: re.Pattern, first: Callable[[str], int],
        starts: Callable[[str], list[int] | None] | None = None,
    ) -> None:
        self.name, self.rx, self.first, self.starts = name, rx, first, starts

    def finditer(self, text: str) -> Iterator[re.Match]:
        if self.starts is not None:
            at = self.starts(text)
            if at is not None:
                return self._at(text, at)
        pos = self.first(text)
        return self.rx.finditer(text, pos) if pos >= 0 else iter(())

    def _at(self, text: str, starts: list[int]) -> Iterator[re.Match]:
        end = 0
        match = self.rx.match
        for i in starts:
            if i >= end:
                m = match(text, i)
                if m is not None:
                    end = m.end()
                    yield m


def run_starts(runs: re.Pattern, first: Callable[[str], int]) -> Callable[[str], list[int]]:
    """For a regex whose every match is a whole run of blanks (it opens with a lookbehind for a
    non-blank) with something after it: the starts of the runs ``runs`` finds (blank runs, each with
    that something after it), searched from ``first``."""

    def starts(text: str) -> list[int]:
        pos = first(text)
        return [] if pos < 0 else [m.start() for m in runs.finditer(text, pos)]

    return starts


#: Non-ASCII characters that match an ASCII letter under re.IGNORECASE, or lower-case to one
#: (tests/cleaning/grammar/test_artifacts_fast.py derives the list from every code point).
FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"
_last_lowered: tuple[str, str | None] = ("", "")


def lowered(text: str) -> str | None:
    """``text.lower()`` when an ASCII word is in it exactly when a case-insensitive regex can match
    that word in ``text``; None when a character that folds to an ASCII letter ("\u017f", the Kelvin
    sign) makes that unsure. The last answer is kept: the case-insensitive rules ask in turn."""
    global _last_lowered
    last = _last_lowered
    if last[0] is text:
        return last[1]
    low = None if not text.isascii() and any(c in text for c in FOLDS_TO_ASCII) else text.lower()
    _last_lowered = (text, low)
    return low


def forget_lowered() -> None:
    """Drops the kept answer of `lowered` (a long body is not held after its rules ran)."""
    global _last_lowered
    _last_lowered = ("", "")


def first_ignorecase(words: tuple[str, ...]) -> Callable[[str], int]:
    """For a case-insensitive regex whose every match holds one of ``words``: 0 (search it all) or
    -1 (none of the words is in the text in any case)."""

    def first(text: str) -> int:
        low = lowered(text)
        return 0 if low is None or any(w in low for w in words) else -1

    return first


def starts_ignorecase(words: tuple[str, ...]) -> Callable[[str], list[int] | None]:
    """For a case-insensitive regex whose every match opens with one of ``words``: where they occur
    in the text, in any case (None when a folding character makes that unsure). Without one,
    ``text.lower()`` maps character to character (only U+0130 lower-cases to two), so its offsets are
    the text's."""

    def starts(text: str) -> list[int] | None:
        low = lowered(text)
        if low is None:
            return None
        found = []
        for w in words:
            i = low.find(w)
            while i >= 0:
                found.append(i)
                i = low.find(w, i + 1)
        found.sort()
        return found

    return starts
