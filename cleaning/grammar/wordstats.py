"""Word frequencies (wordfreq's Zipf scale) and edit distance, for the spelling gate."""

from __future__ import annotations

from functools import lru_cache

try:  # an optional dependency: without it spelling suggestions are never applied
    from wordfreq import zipf_frequency as _zipf_frequency
except ImportError:  # pragma: no cover - exercised only where wordfreq is missing
    _zipf_frequency = None

HAVE_FREQUENCIES = _zipf_frequency is not None


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Zipf frequency of a word in English (0 when unknown; 0 without wordfreq)."""
    if _zipf_frequency is None:
        return 0.0
    return _zipf_frequency(word, "en")


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
