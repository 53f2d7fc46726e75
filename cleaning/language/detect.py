"""detect_language: the language of a body, whether it mixes languages, and in what shares.

One detection per document: the text is read through a bounded sample (at most
``max_chunks`` windows of ``chunk_chars`` characters, 1,200 by default, see ``sample``),
cut into chunks of one language each, and the identifier is called once with those
chunks. Its per-chunk answers give both the language and the mixed-language check, so
nothing is identified twice and the cost does not grow with the text's length or its
number of paragraphs (langdetect on every paragraph used to be most of cleaning's time).

* ``language`` is the language with the largest *share*: the fraction of the letters
  of the confidently identified chunks (top probability at least ``chunk_min_score``)
  that it accounts for. ``score`` is the letter-weighted mean probability of that
  language's chunks, so ``score`` means the same for a one-chunk note and a long page.
* ``languages`` lists the languages whose share is at least ``min_share``, largest
  first; ``mixed`` is true when there are two or more. A page that is 60 % English
  and 40 % Chinese is ``en`` / mixed / ``["en", "zh"]`` whichever part comes first;
  a short foreign quote does not make a page mixed.
* ``und`` (and an empty result) when the text is empty, has fewer than ``min_letters``
  letters, is mostly not letters (binary garbage, tables of numbers: letters are
  less than ``min_letter_ratio`` of the non-space characters), no chunk is identified
  confidently, or ``score`` is below ``min_score``. The letter checks read the sample,
  not the whole text, for the same reason.

Deterministic, thread-safe, never raises (anything unexpected gives ``und``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from cleaning.language import lid
from cleaning.language.sample import chunks, clean, count_non_space, windows

__all__ = ["UND", "LanguageResult", "LanguageSettings", "Identifier", "detect_language"]

UND = "und"

# [chunk] -> for each chunk [(ISO 639-1, probability)], best first
Identifier = Callable[[list[str]], list[list[tuple[str, float]]]]


@dataclass(frozen=True, slots=True)
class LanguageResult:
    language: str = UND  # ISO 639-1 or "und"
    score: float = 0.0  # probability of `language` (0.0 for "und")
    languages: list[str] = field(default_factory=list)  # languages with share >= min_share, by share
    mixed: bool = False  # two or more languages with share >= min_share
    shares: dict[str, float] = field(default_factory=dict)  # language -> share of letters


@dataclass(frozen=True, slots=True)
class LanguageSettings:
    min_letters: int = 20  # fewer letters than this: "und" (too short)
    min_score: float = 0.50  # score below this: "und" (low confidence)
    min_letter_ratio: float = 0.4  # letters / non-space characters below this: "und" (garbage)
    chunk_chars: int = 200  # a chunk is at most this long
    max_chunks: int = 6  # a longer text is read through this many evenly spread windows
    chunk_min_letters: int = 20  # a chunk with fewer letters is not identified on its own
    chunk_min_score: float = 0.40  # a chunk identified less surely than this counts for nothing
    min_share: float = 0.15  # a language with a smaller share is not listed


_DEFAULT = LanguageSettings()


def detect_language(text: object, settings: LanguageSettings | None = None, *,
                    identify: Identifier | None = None) -> LanguageResult:
    """Language of a text; see the module docstring. Never raises.

    ``identify`` replaces fastText's lid.176 (bench/language_eval.py measures other detectors
    through the same sampling and mixed-language check)."""
    try:
        return _detect(text, settings or _DEFAULT, identify or lid.identify)
    except Exception:
        return LanguageResult()


def _as_text(text: object) -> str:
    if text is None:
        return ""
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text).decode("utf-8", errors="replace")
    return text if isinstance(text, str) else str(text)


def _detect(text: object, s: LanguageSettings, identify: Identifier) -> LanguageResult:
    raw = _as_text(text)
    if not raw.strip():
        return LanguageResult()
    sample = [clean(w) for w in windows(raw, s.chunk_chars, s.max_chunks)]
    parts, letters = chunks(sample, s.chunk_chars, s.chunk_min_letters)
    if letters < s.min_letters or letters < s.min_letter_ratio * sum(map(count_non_space, sample)):
        return LanguageResult()
    if not parts:  # letters enough, but in pieces too small to say anything alone
        parts = [(" ".join(" ".join(sample).split()), letters)]
    weight: Counter[str] = Counter()
    prob_sum: Counter[str] = Counter()
    for (_, n), ranked in zip(parts, identify([p for p, _ in parts])):
        if not ranked or ranked[0][1] < s.chunk_min_score:
            continue
        lang, p = ranked[0]
        weight[lang] += n
        prob_sum[lang] += n * p
    total = sum(weight.values())
    if total == 0:
        return LanguageResult()
    shares = {k: round(v / total, 6) for k, v in weight.items()}
    ordered = sorted(shares, key=lambda k: (-shares[k], k))
    languages = [k for k in ordered if shares[k] >= s.min_share]
    best = ordered[0]
    score = round(prob_sum[best] / weight[best], 6)
    if score < s.min_score:
        return LanguageResult(UND, 0.0, languages, len(languages) > 1, shares)
    return LanguageResult(best, score, languages, len(languages) > 1, shares)
