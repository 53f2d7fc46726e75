"""The detectors bench/language_eval.py compares; each is optional (absent package: row skipped).

Every candidate except today's and the reference runs through the product's own sampling and
mixed-language check (``detect_language(text, identify=...)``), so rows differ only by the
identifier. ``identify`` adapters map each library's answer to [(ISO 639-1, probability)].
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cleaning.language import LanguageResult, detect_language  # noqa: E402
from cleaning.language import lid, sample  # noqa: E402
from cleaning.language.detect import _DEFAULT, Identifier  # noqa: E402


class Counted:
    """Counts the texts handed to a detector (detections per document)."""

    def __init__(self) -> None:
        self.calls = 0
        self.chars = 0

    def wrap(self, identify: Identifier) -> Identifier:
        def counted(chunks: list[str]) -> list[list[tuple[str, float]]]:
            self.calls += len(chunks)
            self.chars += sum(map(len, chunks))
            return identify(chunks)
        return counted


def _two_letter(code: str | None) -> str | None:
    if not code:
        return None
    code = code.lower().replace("_", "-").split("-")[0]
    return {"iw": "he", "in": "id", "ji": "yi", "jw": "jv"}.get(code, code) if len(code) == 2 else lid._FOLD.get(code)


def _ranked(pairs) -> list[tuple[str, float]]:
    merged: dict[str, float] = {}
    for code, p in pairs:
        iso = _two_letter(code)
        if iso and iso != "un":
            merged[iso] = merged.get(iso, 0.0) + float(p)
    return sorted(((c, min(p, 1.0)) for c, p in merged.items()), key=lambda kv: (-kv[1], kv[0]))


def lingua_reference() -> Callable[[str], str]:
    """lingua, high-accuracy mode, all languages: the reference (whole text, one answer)."""
    from lingua import LanguageDetectorBuilder

    det = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

    def ref(text: str) -> str:
        lang = det.detect_language_of(text)
        if lang is None:
            return "und"
        code = lang.iso_code_639_1.name.lower()
        return "no" if code == "nb" else code  # Bokmål: lid.176 and langdetect say "no"
    return ref


def identifiers() -> dict[str, Callable[[], Identifier]]:
    """name -> factory of an identify function (imports happen in the factory)."""

    def langdetect_seeded():
        import language_baseline as base

        probabilities = getattr(base._probabilities, "__wrapped__", base._probabilities)  # not today's counter
        return lambda chunks: [_ranked(probabilities(c, 10000)) for c in chunks]

    def langdetect_rs():
        """A Rust port of langdetect that claims the same answers, bit for bit; same profiles and seed
        as today's."""
        import os

        from langdetect.detector_factory import PROFILES_DIRECTORY
        from langdetect_rs import DetectorFactory

        factory = DetectorFactory()
        profiles = []
        for name in sorted(os.listdir(PROFILES_DIRECTORY)):
            if not name.startswith("."):
                with open(os.path.join(PROFILES_DIRECTORY, name), encoding="utf-8") as fh:
                    profiles.append(fh.read())
        factory.load_json_profile(profiles)
        factory.set_seed(0)

        def one(c: str):
            det = factory.create()
            det.set_max_text_length(10000)
            det.append(c)
            try:
                return _ranked((lp.lang, lp.prob) for lp in det.get_probabilities())
            except Exception:  # no features in the text
                return []
        return lambda chunks: [one(c) for c in chunks]

    def py3langid():
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return lambda chunks: [_ranked(ident.rank(c)[:3]) for c in chunks]

    def cld2():
        import pycld2

        def one(c: str):
            reliable, _, details = pycld2.detect(c, isPlainText=True, bestEffort=True)
            # CLD2 gives no probability: the percent of the text in each language stands for it
            return _ranked((code, pct / 100) for _, code, pct, _ in details if pct)
        return lambda chunks: [one(c) for c in chunks]

    def cld3():
        import gcld3  # from the cld3-py wheel (gcld3 itself does not build here)

        det = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=4000)
        return lambda chunks: [_ranked((r.language, r.probability) for r in det.FindTopNMostFreqLangs(c, 3)
                                       if r.language != "und") for c in chunks]

    def whatlang():
        import langcodes
        import whatlang

        def one(c: str):
            r = whatlang.detect(c)
            if r is None:
                return []
            code = "zh" if r.lang == "cmn" else langcodes.Language.get(r.lang).language
            return _ranked([(code, r.confidence)])
        return lambda chunks: [one(c) for c in chunks]

    def lingua_low():
        from lingua import LanguageDetectorBuilder

        det = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().with_preloaded_language_models().build()
        return lambda chunks: [_ranked((v.language.iso_code_639_1.name, v.value)
                                       for v in det.compute_language_confidence_values(c)[:3]) for c in chunks]

    return {
        "fastText lid.176 (product)": lambda: lid.identify,
        "langdetect, seeded": langdetect_seeded,
        "langdetect-rs, seeded": langdetect_rs,
        "py3langid": py3langid,
        "CLD2 (pycld2)": cld2,
        "CLD3 (cld3-py)": cld3,
        "whatlang": whatlang,
        "lingua low accuracy": lingua_low,
    }


def product_with(identify: Identifier, counter: Counted) -> Callable[[str], LanguageResult]:
    wrapped = counter.wrap(identify)
    return lambda text: detect_language(text, identify=wrapped)


def today(counter: Counted) -> Callable[[str], LanguageResult]:
    """langdetect once per paragraph, as the product did before (bench/language_baseline.py)."""
    import language_baseline as base

    original = base._probabilities

    def counted(text: str, max_chars: int):
        counter.calls += 1
        counter.chars += min(len(text), max_chars)
        return original(text, max_chars)
    counted.__wrapped__ = original  # type: ignore[attr-defined]
    base._probabilities = counted
    return base.detect_language


def joined_single_call(counter: Counted) -> Callable[[str], LanguageResult]:
    """The literal alternative: one lid.176 call on the whole sample; mixing seen only between
    Latin and other scripts (a second call names the other script's language)."""
    s = _DEFAULT

    def detect(text: str) -> LanguageResult:
        if not isinstance(text, str) or not text.strip():
            return LanguageResult()
        wins = [sample.clean(w) for w in sample.windows(text, s.chunk_chars, s.max_chunks)]
        joined = " ".join(" ".join(wins).split())
        total = sample.count_letters(joined)
        if total < s.min_letters or total < s.min_letter_ratio * sample.count_non_space(joined):
            return LanguageResult()
        counter.calls += 1
        counter.chars += len(joined)
        ranked = lid.identify([joined])[0]
        if not ranked or ranked[0][1] < s.min_score:
            return LanguageResult()
        lang, score = ranked[0]
        other = " ".join(sample._OTHER_RUN.findall(joined))
        share = sample.count_letters(other) / total
        if s.min_share <= share <= 1 - s.min_share:
            latin = sample._OTHER_RUN.sub(" ", joined)
            counter.calls += 2
            counter.chars += len(latin) + len(other)
            a, b = lid.identify([latin])[0], lid.identify([other])[0]
            if a and b and a[0][0] != b[0][0]:
                shares = {a[0][0]: round(1 - share, 6), b[0][0]: round(share, 6)}
                langs = sorted(shares, key=lambda k: -shares[k])
                return LanguageResult(langs[0], score, langs, True, shares)
        return LanguageResult(lang, score, [lang], False, {lang: 1.0})
    return detect
