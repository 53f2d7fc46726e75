"""The language detection the product used until issue 15 (langdetect, once per paragraph), kept
unchanged as the baseline of bench/language_eval.py so both are measured in the same run.

Not product code: cleaning/language/ replaced it. Original docstring follows.

Language detection with langdetect: deterministic, thread-safe, never raises.

* **Deterministic**: the module builds its own ``DetectorFactory`` (it does not
  touch langdetect's global one), loads the profiles in sorted file order and
  fixes the seed, and every call gets a fresh ``Detector`` whose random
  generator is re-seeded before use. The same text gives the same answer in
  every run, thread and process.
* **Thread-safe**: profile loading happens once, under a lock; afterwards the
  factory is only read. Detectors are never shared between calls.
* **Never raises**: anything unexpected yields ``und``.

Result: ``language`` is an ISO 639-1 code (langdetect's ``zh-cn``/``zh-tw``
become ``zh``) or ``und`` when the text is empty, too short (fewer than
``min_letters`` letters), mostly not letters (binary garbage, tables of
numbers: letters are less than ``min_letter_ratio`` of the non-space
characters) or the top probability is below ``min_score``.

Long texts (at least ``paragraph_min_total`` letters and two paragraphs or
more, paragraphs separated by a blank line) are also detected paragraph by
paragraph. Each language's *share* is the fraction of letters of the
confidently detected paragraphs it accounts for; ``languages`` lists the
languages whose share is at least ``min_share``, largest share first, and
``mixed`` is true when there are two or more. For such texts ``language`` is
the language with the largest share and ``score`` the letter-weighted mean
probability of its paragraphs, so a page that is 60 % English and 40 %
Chinese is ``en`` / ``mixed=True`` / ``languages=["en", "zh"]``, whichever
part comes first.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

__all__ = [
    "LanguageResult",
    "LanguageSettings",
    "UND",
    "detect_language",
]

UND = "und"


@dataclass(frozen=True, slots=True)
class LanguageResult:
    language: str = UND  # ISO 639-1 or "und"
    score: float = 0.0  # probability of `language` (0.0 for "und")
    languages: list[str] = field(default_factory=list)  # per-paragraph languages, by share
    mixed: bool = False  # two or more languages with share >= min_share
    shares: dict[str, float] = field(default_factory=dict)  # language -> share of letters


@dataclass(frozen=True, slots=True)
class LanguageSettings:
    min_letters: int = 20  # fewer letters than this: "und" (too short)
    min_score: float = 0.80  # top probability below this: "und" (low confidence)
    min_letter_ratio: float = 0.4  # letters / non-space characters below this: "und" (garbage)
    paragraph_min_letters: int = 20  # shorter paragraphs are not detected on their own
    paragraph_min_total: int = 200  # per-paragraph detection from this many letters on
    max_paragraphs: int = 64  # at most this many paragraphs detected (evenly sampled)
    max_paragraph_chars: int = 2000  # each paragraph cut to this many characters
    max_chars: int = 10000  # whole-text detection reads this many characters
    min_share: float = 0.15  # a language with a smaller share is not listed


_DEFAULT = LanguageSettings()
_LOCK = threading.Lock()
_FACTORY = None
_SEED = 0


def _factory():
    """The module's own langdetect factory, loaded once under a lock."""
    global _FACTORY
    fac = _FACTORY
    if fac is not None:
        return fac
    with _LOCK:
        if _FACTORY is None:
            from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

            fac = DetectorFactory()
            profiles = []
            for name in sorted(os.listdir(PROFILES_DIRECTORY)):
                path = os.path.join(PROFILES_DIRECTORY, name)
                if name.startswith(".") or not os.path.isfile(path):
                    continue
                with open(path, encoding="utf-8") as fh:
                    profiles.append(fh.read())
            fac.load_json_profile(profiles)
            fac.set_seed(_SEED)  # instance attribute: the global class is untouched
            _FACTORY = fac
        return _FACTORY


def _iso(code: str) -> str:
    code = code.lower()
    if code.startswith("zh"):
        return "zh"
    return code.split("-")[0]


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def _clean(text: str) -> str:
    # control and unassigned/private characters carry no language; drop them
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] == "C" and ch not in "\n\t":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _probabilities(text: str, max_chars: int) -> list[tuple[str, float]]:
    """[(iso code, probability)] best first; [] when nothing can be said."""
    fac = _factory()
    det = fac.create()
    det.set_max_text_length(max_chars)
    det.append(text)
    try:
        probs = det.get_probabilities()
    except Exception:  # LangDetectException: no features in text
        return []
    merged: dict[str, float] = {}
    for lp in probs:
        iso = _iso(lp.lang)
        merged[iso] = merged.get(iso, 0.0) + float(lp.prob)
    return sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))


def _top(text: str, max_chars: int, settings: LanguageSettings) -> tuple[str, float]:
    probs = _probabilities(text, max_chars)
    if not probs:
        return UND, 0.0
    lang, p = probs[0]
    if p < settings.min_score:
        return UND, 0.0
    return lang, round(p, 6)


_PARAGRAPH_SPLIT = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def _paragraphs(text: str) -> list[str]:
    """Paragraphs separated by a blank line (as in Extraction.body)."""
    return [p.strip() for p in _PARAGRAPH_SPLIT.split(text) if p.strip()]


def _sample(items: list, k: int) -> list:
    if len(items) <= k:
        return items
    step = len(items) / k
    return [items[int(i * step)] for i in range(k)]


def detect_language(text: object, settings: LanguageSettings | None = None) -> LanguageResult:
    """Language of a text; see the module docstring. Never raises."""
    try:
        return _detect(text, settings or _DEFAULT)
    except Exception:
        return LanguageResult()


def _detect(text: object, s: LanguageSettings) -> LanguageResult:
    if text is None:
        return LanguageResult()
    if isinstance(text, (bytes, bytearray, memoryview)):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        text = str(text)
    text = _clean(text)
    total_letters = _letters(text)
    if total_letters < s.min_letters:
        return LanguageResult()
    non_space = sum(1 for ch in text if not ch.isspace())
    if total_letters < s.min_letter_ratio * non_space:
        return LanguageResult()

    paragraphs = _paragraphs(text) if total_letters >= s.paragraph_min_total else []
    paragraphs = [p for p in paragraphs if _letters(p) >= s.paragraph_min_letters]
    if len(paragraphs) < 2:
        lang, score = _top(text, s.max_chars, s)
        if lang == UND:
            return LanguageResult()
        return LanguageResult(lang, score, [lang], False, {lang: 1.0})

    weight: Counter[str] = Counter()
    prob_sum: Counter[str] = Counter()
    for p in _sample(paragraphs, s.max_paragraphs):
        p = p[: s.max_paragraph_chars]
        lang, score = _top(p, s.max_paragraph_chars, s)
        if lang == UND:
            continue
        n = _letters(p)
        weight[lang] += n
        prob_sum[lang] += n * score
    total = sum(weight.values())
    if total == 0:
        lang, score = _top(text, s.max_chars, s)
        if lang == UND:
            return LanguageResult()
        return LanguageResult(lang, score, [lang], False, {lang: 1.0})
    shares = {k: round(v / total, 6) for k, v in weight.items()}
    ordered = sorted(shares, key=lambda k: (-shares[k], k))
    languages = [k for k in ordered if shares[k] >= s.min_share]
    best = ordered[0]
    score = round(prob_sum[best] / weight[best], 6)
    if score < s.min_score:
        return LanguageResult(UND, 0.0, languages, len(languages) > 1, shares)
    return LanguageResult(best, score, languages, len(languages) > 1, shares)
