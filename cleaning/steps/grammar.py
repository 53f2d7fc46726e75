"""Fixes grammar of bodies in the kept languages; the fixer never raises, so no row is lost."""

from __future__ import annotations

from cleaning.document import Document
from cleaning.steps import Step


class GrammarStep(Step):
    name = "grammar"

    def __init__(self, fixer: object, keep_languages: frozenset[str]) -> None:
        super().__init__()
        self.fixer = fixer
        self.keep_languages = keep_languages

    def __call__(self, doc: Document) -> Document | None:
        if doc.language not in self.keep_languages:
            doc.grammar_status = f"skipped:language={doc.language}"
            doc.grammar_backend = ""
            self.stats["skipped_language"] += 1
            return doc
        result = self.fixer.fix(doc.body_original, language=doc.language)  # type: ignore[attr-defined]
        doc.body = result.text
        doc.grammar_edits = list(result.edits)
        doc.grammar_backend = result.backend
        doc.grammar_status = result.status
        self.stats[f"status/{result.status.split(':')[0]}"] += 1
        self.stats["edits"] += len(result.edits)
        for edit in result.edits:
            self.stats[f"category/{edit.category}"] += 1
        return doc
