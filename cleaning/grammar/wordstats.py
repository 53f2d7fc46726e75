"""Word frequencies (wordfreq's Zipf scale) and edit distance, for the spelling gate."""

from __future__ import annotations

import gzip
import importlib.util
import math
import re
from bisect import bisect_left, bisect_right
from functools import lru_cache, partial
from itertools import chain, compress, repeat
from operator import itemgetter, le
from pathlib import Path

_WORDFREQ = importlib.util.find_spec("wordfreq")  # found, not imported (see `english_frequencies`)
HAVE_FREQUENCIES = _WORDFREQ is not None  # an optional dependency: without it no spelling fix is applied
# Latin letters with inner apostrophes and hyphens ("Check-up", "patient's", "Café"): wordfreq's English
# tokenizer case-folds them and splits them at the hyphens, so their frequency needs no tokenizer here (the
# dotless ı, whose case-folding differs, and words it splits at an apostrophe go through wordfreq)
_LATIN_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*(?:-[^\W\d_]+(?:'[^\W\d_]+)*)*")


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Zipf frequency of a word in English (0 when unknown; 0 without wordfreq)."""
    found = zipf_from_table(word)
    if found is not None:
        return found
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


@lru_cache(maxsize=200_000)
def zipf_from_table(word: str) -> float | None:
    """`zipf(word)` when wordfreq's English table answers it alone (Latin letters, what English bodies are made
    of), else None: words of other scripts, and apostrophe words wordfreq splits itself, go through wordfreq's
    own tokenizer (its import ~0.2 s, then ~10 µs a word)."""
    if not HAVE_FREQUENCIES:
        return 0.0
    if word.isascii() and word.isalpha() and word.islower():
        return _compound_zipf([word])
    w = word.replace("\u2019", "'")  # wordfreq reads a typographic apostrophe as "'"
    if _LATIN_WORD.fullmatch(w) and max(map(ord, w)) < 0x250 and not any(c in "ıİ" for c in w):
        tokens = w.casefold().split("-")
        # wordfreq splits some apostrophe words ("y'all", "ma'am") into tokens of their own: those it reads itself
        if all("'" not in t or t in english_frequencies() for t in tokens):
            return _compound_zipf(tokens)
    return None


@lru_cache(maxsize=1)
def english_frequencies() -> dict[str, float]:
    """wordfreq's English table (`get_frequency_dict("en", "best")`), read from its data file the way
    wordfreq reads it, without importing wordfreq: its import compiles its tokenizers for every language
    (a quarter of a second in each cleaning process, which needs the table and never the tokenizers).
    Held equal to wordfreq's own table by tests/cleaning/grammar/test_wordstats.py."""
    path = Path(next(iter(_WORDFREQ.submodule_search_locations or ())), "data", "large_en.msgpack.gz")
    try:
        import msgpack

        with gzip.open(path, "rb") as infile:
            data = msgpack.load(infile, raw=False)
        if not (isinstance(data[0], dict) and data[0].get("format") == "cB" and data[0].get("version") == 1):
            raise ValueError(f"unexpected header {data[0]!r}")
    except (OSError, ValueError, ImportError, IndexError):  # another layout: wordfreq's own reader
        from wordfreq import get_frequency_dict

        return get_frequency_dict("en", "best")
    buckets = data[1:]
    # each bucket's words with its frequency, wordfreq's cB_to_freq(-index); zipped in C, not looped in Python
    freqs = (repeat(10 ** (-index / 100), len(bucket)) for index, bucket in enumerate(buckets))
    return dict(zip(chain.from_iterable(buckets), chain.from_iterable(freqs)))


def _compound_zipf(tokens: list[str]) -> float:
    """`zipf_frequency(word, "en")` of a `_LATIN_WORD`, given its tokens: their frequencies combine as
    1/f = 1/f1 + 1/f2 + ..., a missing token gives the minimum. wordfreq's arithmetic, step for step."""
    table = english_frequencies()
    one_over = 0.0
    for token in tokens:
        f = table.get(token)
        if f is None:
            return round(math.log(1e-9, 10) + 9, 2)  # noqa: FURB163 - wordfreq's minimum, its arithmetic
        one_over += 1.0 / f
    freq = max(1.0 / one_over, 1e-9)
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)  # noqa: FURB163 - as wordfreq computes it
    return round(math.log(freq, 10) + 9, 2)  # noqa: FURB163 - as wordfreq computes it


def _plain_zipf(word: str) -> float:
    """`zipf_frequency(word, "en")` for a lower-case ASCII word: its own single token
    (tests/cleaning/grammar/test_harper_speed.py)."""
    return _compound_zipf([word])


def distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment (Damerau) distance, capped at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


class CloseWords:
    """Whether English has a common word close to a given word: the spelling gate's question
    asked before Harper's suggestion search rather than after it.

    The spelling gate (`policy.Policy._spelling`) only ever accepts a suggestion that is a
    lower-case alphabetic word of wordfreq's English list, at least ``min_zipf`` common, within
    the gate's distance and (by default) with the same first letter. When no word of that list
    qualifies, no suggestion of any speller can pass, so the (slow) search can be skipped: the
    answer is the same. The list is held as letter counts so that one numpy comparison per word
    rules out almost every entry (a letter-count difference is a lower bound of the edit
    distance); the few left are measured with the gate's own `distance`.
    """

    def __init__(self, min_zipf: float) -> None:
        import numpy as np

        self.min_zipf = min_zipf
        # wordfreq rounds Zipf values to 0.01: keep everything that could round up to min_zipf.
        freqs = english_frequencies()
        floor = 10 ** (min_zipf - 9 - 0.01)
        # ordered by (first letter, length, word): stable sorts, the last key first, all keys in C
        words = sorted(filter(str.isalpha, compress(freqs, map(partial(le, floor), freqs.values()))))
        words.sort(key=len)
        words.sort(key=itemgetter(0))
        self._words = words
        self._np = np
        lengths = np.fromiter(map(len, words), dtype=np.int32, count=len(words))
        self._lengths = lengths
        self._length_list = lengths.tolist()  # bisected in C without numpy's per-call cost
        # an estimate of each word's Zipf value, only to rule words out (with a margin): a word
        # that passes is measured with `zipf`, as the gate measures it
        self._zipf = np.log10(np.fromiter(map(freqs.__getitem__, words), dtype=np.float64, count=len(words))) + 9
        # letters a-z are columns 0-25, any other letter shares column 26
        table = {c: i for i, c in enumerate("abcdefghijklmnopqrstuvwxyz")}
        self._column = table
        codes = np.frombuffer(
            "".join(words).translate({ord(c): chr(i) for c, i in table.items()}).encode("utf-32-le"),
            dtype=np.uint32,
        )
        codes = np.where(codes < 26, codes, 26)
        rows = np.repeat(np.arange(len(words)), lengths)
        cells = np.bincount(rows * 27 + codes, minlength=len(words) * 27)
        # one row per letter column: `exists` reads only the rows of its word's letters
        self._by_letter = np.ascontiguousarray(cells.reshape(len(words), 27).T.astype(np.int16))
        self._first: dict[str, tuple[int, int]] = {}
        start = 0
        for i in range(1, len(words) + 1):
            if i == len(words) or words[i][0] != words[start][0]:
                self._first[words[start][0]] = (start, i)
                start = i

    def _rows(self, lo: int, hi: int, n: int, d: int) -> range:
        return range(bisect_left(self._length_list, n - d, lo, hi), bisect_right(self._length_list, n + d, lo, hi))

    def exists(self, word: str, max_distance: int, min_gain: float, same_first_letter: bool = True) -> bool:
        """True when some listed word ``w2`` has ``distance(word, w2) <= max_distance`` (at most 1
        for words under 7 letters, as the gate has it), does not merely cut ``word``'s end off,
        is at least ``self.min_zipf`` and ``min_gain`` above ``word`` on the Zipf scale, and (with
        ``same_first_letter``) starts with the same letter. Never False for a word the gate
        could correct."""
        np = self._np
        lw = word.lower()
        n = len(lw)
        if not n:
            return False
        d = max_distance if n >= 7 else min(1, max_distance)
        if same_first_letter:
            spans = [self._first.get(lw[0], (0, 0))]
        else:
            spans = list(self._first.values())
        query: dict[int, int] = {}  # letter column -> count in the word
        for ch in lw:
            column = self._column.get(ch, 26)
            query[column] = query.get(column, 0) + 1
        letters = np.fromiter(query, dtype=np.intp, count=len(query))
        counts = np.fromiter(query.values(), dtype=np.int16, count=len(query))[:, None]
        base = zipf(lw)
        for lo, hi in spans:
            rows = self._rows(lo, hi, n, d)
            if not len(rows):
                continue
            sl = slice(rows.start, rows.stop)
            # letters w2 has beyond word's plus letters it lacks: each at most d when distance <= d. Summed
            # over the word's letters, and w2's other letters are all beyond: its length less the rest
            mine = self._by_letter[letters, sl]
            spread = self._lengths[sl] - mine.sum(axis=0) + np.abs(mine - counts).sum(axis=0)
            extra = self._lengths[sl] - n  # (more - fewer): more = (spread + extra) / 2
            near = (spread + np.abs(extra) <= 2 * d)
            common = self._zipf[sl] >= max(self.min_zipf, base + min_gain) - 0.02
            for k in np.nonzero(near & common)[0]:
                w2 = self._words[rows.start + int(k)]
                if lw.startswith(w2) or distance(lw, w2, max_distance) > d:
                    continue
                z = zipf(w2)
                if z >= self.min_zipf and z - base >= min_gain:
                    return True
        return False


@lru_cache(maxsize=4)
def close_words(min_zipf: float) -> CloseWords:
    """One `CloseWords` per process and threshold (building it takes a fraction of a second)."""
    return CloseWords(min_zipf)
