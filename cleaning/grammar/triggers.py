"""Which sentences could a Harper rule ever lint: a cheap test per rule, so the offline backend
parses only the sentences some enabled rule could find something in (Harper's parsing is most of
its cost, whatever the rules).

Each rule of rules.json ("harper") may declare ``"trigger"``: a Python regex searched in the
sentence, or ``"code:NAME"`` for a test below. A trigger must be TRUE for every sentence the rule
could lint (a superset, built from what the rule checks; generous where unsure); a rule without
one is asked about every sentence. Curly apostrophes are read as straight ones first (a trigger
written with ' then fires for either).

A regex trigger may also say what every sentence it matches holds: ``"trigger_words"``, one of
these whole words (runs of ASCII letters, lower case); ``"trigger_text"``, one of these strings of
the lower-cased sentence; ``"trigger_repeats"``, some word twice in a row, only non-letters between
(ASCII sentences only). That is checked first, and the regex runs only where it could match: searched
in every sentence, the regexes cost more than Harper's parse of the fifth of the sentences they let
through. A sentence holding one of the four characters Python's case-insensitive matching takes
for an ASCII letter (İ ı ſ K) always meets the regex.

The code triggers need Harper's dictionary (data/harper_words.json.gz, made by
bench/harper_words.py from the installed harper-py). With a file made for another harper-py
version they answer yes for every sentence.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib import metadata
from itertools import islice
from operator import eq
from pathlib import Path

DATA = Path(__file__).with_name("data") / "harper_words.json.gz"
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"})
CODE = "code:"

_LETTERS = r"[^\W\d_]+"
#: Harper's words are runs of letters, with apostrophes inside (digits and hyphens split them).
_WORD = re.compile(rf"{_LETTERS}(?:'{_LETTERS})*")
#: the letters and apostrophes ending a chunk, whitespace, and those starting the next chunk
_PAIR = re.compile(r"((?:[^\W\d_]|')+)\s+(?=((?:[^\W\d_]|')+))")
#: a run of letters: without apostrophes in a sentence, each word of a `_PAIR` is one of these
_LETTER_RUN = re.compile(_LETTERS)
#: in ASCII text: the runs of letters (words for ``trigger_words``)
_ASCII_WORD = re.compile(r"[a-zA-Z]+")
#: the only characters that case-insensitive matching (or lower()) takes for an ASCII letter
_ASCII_LOOKALIKES = "\u0130\u0131\u017f\u212a"


class HarperWords:
    def __init__(self, data: Mapping) -> None:
        self.dictionary = frozenset(data["dictionary"].split("\n"))  # a superset of Harper's, lower-case
        self.known = frozenset(data["known"].split("\n"))  # a subset of it
        self.irregular_lemmas = frozenset(v[0] for v in data["irregular_verbs"])
        self.irregular_singulars = frozenset(n[0] for n in data["irregular_nouns"])


@lru_cache(maxsize=1)
def harper_words() -> HarperWords | None:
    """None when the file is missing or made for another harper-py (the code triggers then always fire)."""
    try:
        data = json.loads(gzip.decompress(DATA.read_bytes()))
        if data["harper_py"] != metadata.version("harper-py"):
            return None
    except (OSError, ValueError, KeyError, metadata.PackageNotFoundError):
        return None
    return HarperWords(data)


@lru_cache(maxsize=20_000)  # a few contractions and possessives ("it's", "don't") make most of the calls
def _pieces(run: str, tail: bool) -> frozenset[str]:
    """The words Harper may have cut at this end of a chunk: the run of letters and apostrophes,
    cut at or after any apostrophe in it, with and without apostrophes at its ends."""
    cuts = {0, len(run)} | {i for i, c in enumerate(run) if c == "'"} | {i + 1 for i, c in enumerate(run) if c == "'"}
    out = {run[i:] if tail else run[:i] for i in cuts}
    return frozenset(p for w in out for p in (w, w.strip("'")) if p.strip("'"))


def _skipped_by_merge_words(word: str) -> bool:
    return word == "a" or (len(word) == 1 and word.isupper())


def merge_words(sentence: str, words: HarperWords, low_words: list[str] | None = None) -> bool:
    """MergeWords lints two words with only whitespace between whose concatenation (or with an
    apostrophe between) is a dictionary word, when either word is not one; never "a" or a single
    capital ("a ghast", "A ghast": no lint, though "aghast" is a word and "ghast" is not).
    ``low_words``: the ASCII words of the lower-cased sentence, when the caller has them already."""
    if "'" not in sentence:
        return _merge_words_plain(sentence, words, low_words)
    known, d = words.known, words.dictionary
    for left, right in _PAIR.findall(sentence):
        low_left, low_right = left.lower(), right.lower()
        if "'" not in low_left and "'" not in low_right:  # most pairs: no cut to try
            if low_left in known and low_right in known:  # most of those: nothing to look at
                continue
            if _skipped_by_merge_words(left) or _skipped_by_merge_words(right):
                continue
            if low_left + low_right in d or f"{low_left}'{low_right}" in d:
                return True
            continue
        if _skipped_by_merge_words(left) or _skipped_by_merge_words(right):
            continue
        left, right = low_left, low_right
        for a in _pieces(left, True):
            for b in _pieces(right, False):
                if (a not in known or b not in known) and (a + b in d or f"{a}'{b}" in d):
                    return True
    return False


def _merge_words_plain(sentence: str, words: HarperWords, low_words: list[str] | None = None) -> bool:
    """`merge_words` for a sentence without apostrophes, where each word of a pair is a run of letters and
    the pair is two runs with only whitespace between: only the pairs holding a word Harper does not know
    can be linted, so only those are looked at."""
    known, d = words.known, words.dictionary
    if sentence.isascii():
        # Most sentences: no pair around a word Harper does not know makes a dictionary word, so none is
        # looked at further (the positions and the words' case, below, decide only for such a pair).
        low = _ASCII_WORD.findall(sentence.lower()) if low_words is None else low_words
        if known.issuperset(low) or not any(
            _merges(low[j], low[j + 1], d) for i, w in enumerate(low) if w not in known
            for j in (i - 1, i) if 0 <= j < len(low) - 1
        ):
            return False
    runs = [(m.start(), m.end(), m.group()) for m in _LETTER_RUN.finditer(sentence)]
    lows = [run[2].lower() for run in runs]
    for i in [i for i, w in enumerate(lows) if w not in known]:
        for j in (i - 1, i):  # the pair (j, j + 1): the unknown word on its right, then on its left
            if j < 0 or j + 1 >= len(runs) or not sentence[runs[j][1] : runs[j + 1][0]].isspace():
                continue
            if _skipped_by_merge_words(runs[j][2]) or _skipped_by_merge_words(runs[j + 1][2]):
                continue
            if _merges(lows[j], lows[j + 1], d):
                return True
    return False


def _merges(left: str, right: str, dictionary: frozenset[str]) -> bool:
    return left + right in dictionary or f"{left}'{right}" in dictionary


def regular_irregulars(sentence: str, words: HarperWords, low_words: list[str] | None = None) -> bool:
    """RegularIrregulars lints a word the dictionary lacks, ending in -s, -ed, -er or -est, that is
    the regular form of an irregular plural, past or comparative ("childs", "eated", "gooder").
    ``low_words`` as for `merge_words`."""
    d = words.dictionary
    low = sentence.lower()
    if low.isascii() and "'" not in low:
        # each word is a run of ASCII letters: only those Harper does not know can be linted (most
        # sentences have none), and each is tried once
        todo = set(_ASCII_WORD.findall(low) if low_words is None else low_words).difference(words.known)
    else:
        todo = _WORD.findall(low)
    for word in todo:
        if word[-1] not in "sdrt" or word in words.known:
            continue
        for w in {word, *word.split("'")}:
            if w in words.known or not w.endswith(("s", "ed", "er", "est")):
                continue
            if w.endswith("s"):
                for sg in {w[:-1], w[:-2] if w.endswith("es") else w[:-1]}:
                    if sg in words.irregular_singulars or (
                        sg in d
                        and (
                            (sg.endswith("y") and sg[:-1] + "ies" in d)
                            or (sg.endswith("fe") and sg[:-2] + "ves" in d)
                            or (sg.endswith("f") and sg[:-1] + "ves" in d)
                            or (sg.endswith("o") and sg + "es" in d)
                        )
                    ):
                        return True
            if w.endswith("ed") and {w[:-2], w[:-1], w[:-3]} & words.irregular_lemmas:
                return True
            if {w[:-2], w[:-3]} & {"good", "far", "well", "bad"}:
                return True
    return False


CODE_TRIGGERS: dict[str, Callable[[str, HarperWords, list[str] | None], bool]] = {
    "merge_words": merge_words,
    "regular_irregulars": regular_irregulars,
}


class SentenceFilter:
    """``wanted(sentence)``: could any of these rules lint it? Built from the rules' table."""

    def __init__(self, rules: Mapping[str, Mapping], skip: frozenset[str] = frozenset()) -> None:
        patterns: list[tuple[str, frozenset[str] | None, re.Pattern | None, bool]] = []
        codes: list[Callable[[str, HarperWords, list[str] | None], bool]] = []
        self.always = False
        for name, info in rules.items():
            if name in skip:
                continue
            trigger = info.get("trigger")
            if not trigger:
                self.always = True  # a rule without a trigger: every sentence
            elif trigger.startswith(CODE):
                codes.append(CODE_TRIGGERS[trigger[len(CODE) :]])
            else:
                needs_words, needs_text = info.get("trigger_words"), info.get("trigger_text")
                # the strings as one alternation: searched in C, where a loop over them ran in Python
                text = re.compile("|".join(map(re.escape, needs_text))) if needs_text else None
                patterns.append((trigger, frozenset(needs_words) if needs_words else None,
                                 text, bool(info.get("trigger_repeats"))))
        # apart: a joined alternation is slower
        self._regexes = [(re.compile(p), words, text, repeats) for p, words, text, repeats in patterns]
        self._codes = codes

    def ready(self) -> None:
        """Loads Harper's word lists now, for a process about to check sentences (a crawl's helper), so
        that the first pages file does not pay for them."""
        if self._codes and not self.always:
            harper_words()

    def wanted(self, sentence: str) -> bool:
        if self.always:
            return True
        # the apostrophes to read as "'" are not ASCII: most sentences need no translation
        s = sentence if sentence.isascii() else sentence.translate(APOSTROPHES)
        # the lower-cased sentence and its ASCII words: read once, for the regexes' hints and the code triggers
        low = s.lower()
        tokens = _ASCII_WORD.findall(low)
        if self._regex_fires(s, low, tokens):
            return True
        if not self._codes:
            return False
        words = harper_words()  # loaded on the first sentence no regex wants
        return words is None or any(code(s, words, tokens) for code in self._codes)

    def _regex_fires(self, s: str, low: str, words: list[str]) -> bool:
        ascii_ = s.isascii()
        if not ascii_ and any(c in s for c in _ASCII_LOOKALIKES):
            return any(regex.search(s) for regex, *_ in self._regexes)
        tokens: set[str] | None = None
        for regex, needs_words, needs_text, repeats in self._regexes:
            if needs_text is not None and needs_text.search(low) is None:
                continue
            if needs_words is not None or (repeats and ascii_):
                if tokens is None:
                    tokens = set(words)
                if needs_words is not None and tokens.isdisjoint(needs_words):
                    continue
                if repeats and ascii_ and not _may_repeat(s, words, tokens):
                    continue
            if regex.search(s):
                return True
        return False


def _may_repeat(s: str, words: list[str], tokens: set[str]) -> bool:
    """Could a word be repeated in this ASCII sentence (its lower-cased words and their set)? Without
    apostrophes a repeated word is a run of letters, so the two are neighbours among the words."""
    if len(tokens) == len(words):
        return False
    return "'" in s or any(map(eq, words, islice(words, 1, None)))
