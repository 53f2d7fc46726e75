"""Detects the body's language; other languages are kept and written, only marked."""

from __future__ import annotations

from cleaning.document import Document
from cleaning.language import detect_language
from cleaning.steps.base import Step


class DetectLanguage(Step):
    name = "language"
    parallel = True

    def ready(self) -> None:
        from cleaning.language.lid import load_model

        load_model()

    def process(self, doc: Document) -> Document | None:
        result = detect_language(doc.body_original)
        doc.language, doc.language_score = result.language, float(result.score)
        doc.languages = list(result.languages) if result.mixed else []
        self.stats[f"language/{doc.language}"] += 1
        if result.mixed:
            self.stats["mixed_language"] += 1
        return doc
