"""GLEU (Napoles et al. 2015; "GLEU without tuning", 2016) and the JFLEG text path.

A faithful re-implementation of the reference scorer (``compute_gleu`` of the JFLEG
release): corpus-level n-gram precision (n = 1..4) where a hypothesis n-gram counts
if it is in the reference, minus the n-grams it shares with what the reference
removed from the source; brevity penalty; averaged over ``iterations`` random draws
of one reference per sentence, the draw of iteration j seeded with ``j * 101``.

Also the tokenise/detokenise pair used to feed the product real-looking text and
to score its output under the source's spacing convention.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Sequence

ORDER = 4


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) + 1 - n))


def _diff(a: Counter, b: Counter) -> Counter:
    """n-grams of a that are not in b at all (the reference scorer's get_ngram_diff)."""
    d = Counter(a)
    for k in set(a) & set(b):
        del d[k]
    return d


def _sentence_stats(hyp: list[str], src_ngrams: list[Counter], ref: list[str]) -> list[int]:
    hlen = len(hyp)
    stats = [hlen, len(ref)]
    for n in range(1, ORDER + 1):
        h = _ngrams(hyp, n)
        r = _ngrams(ref, n)
        s_diff = _diff(src_ngrams[n - 1], r)
        stats.append(max(sum((h & r).values()) - sum((h & s_diff).values()), 0))
        stats.append(max(hlen + 1 - n, 0))
    return stats


def _score(stats: list[int]) -> float:
    if any(x == 0 for x in stats):
        return 0.0
    c, r = stats[:2]
    log_prec = sum(math.log(x / y) for x, y in zip(stats[2::2], stats[3::2])) / ORDER
    return math.exp(min(0.0, 1 - r / c) + log_prec)


def corpus_gleu(
    sources: Sequence[Sequence[str]],
    references: Sequence[Sequence[Sequence[str]]],
    hypotheses: Sequence[Sequence[str]],
    iterations: int = 500,
) -> tuple[float, float]:
    """Mean and standard deviation of GLEU (0..1) over the random reference draws.

    ``references[k][i]`` is reference set k's tokens for sentence i.
    """
    nrefs = len(references)
    nsent = len(hypotheses)
    if nrefs == 1:
        iterations = 1
    indices = []
    for j in range(iterations):
        random.seed(j * 101)
        indices.append([random.randint(0, nrefs - 1) for _ in range(nsent)])
    totals = [[0] * (2 * ORDER + 2) for _ in range(iterations)]
    for i, hyp in enumerate(hypotheses):
        src_ngrams = [_ngrams(sources[i], n) for n in range(1, ORDER + 1)]
        by_ref: dict[int, list[int]] = {}
        for j in range(iterations):
            k = indices[j][i]
            if k not in by_ref:
                by_ref[k] = _sentence_stats(list(hyp), src_ngrams, list(references[k][i]))
            row = totals[j]
            for m, v in enumerate(by_ref[k]):
                row[m] += v
    scores = [_score(t) for t in totals]
    mean = sum(scores) / len(scores)
    std = math.sqrt(sum((s - mean) ** 2 for s in scores) / len(scores))
    return mean, std


# --- the text path ------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?ix)
      \w+(?=n't\b)          # do|n't
    | n't\b
    | '(?:s|re|ve|ll|d|m)\b  # 's 're ...
    | \d+(?:[.,]\d+)+        # 1,000  2.5
    | \w+(?:[-']\w+)*        # words, hyphenated words
    | \.\.\.|--|``|''
    | [^\w\s]                # any other single symbol
    """
)


def tokenize(text: str) -> list[str]:
    """A PTB-like tokenisation, applied alike to source and corrected text."""
    return _TOKEN.findall(text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"'))


def detokenize(line: str) -> str:
    """Undo JFLEG's spacing: 'do n't', 'word ,' and '( x )' become ordinary text."""
    s = " " + line.strip() + " "
    s = re.sub(r" n't ", "n't ", s)
    s = re.sub(r" '(s|re|ve|ll|d|m) ", r"'\1 ", s, flags=re.I)
    s = re.sub(r" ([.,;:!?%)\]}])", r"\1", s)
    s = re.sub(r"([(\[{$]) ", r"\1", s)
    s = re.sub(r' " (.*?) " ', r' "\1" ', s)
    return re.sub(r"\s+", " ", s).strip()
