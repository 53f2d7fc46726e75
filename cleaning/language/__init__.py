"""Language identification of bodies: ``detect_language(text) -> LanguageResult``.

See ``cleaning/language/detect.py`` for what the result means and docs/dedup.md for the design.
"""

from cleaning.language.detect import UND, LanguageResult, LanguageSettings, detect_language

__all__ = ["UND", "LanguageResult", "LanguageSettings", "detect_language"]
