"""Keeps a paragraph repeated verbatim within one page only once."""

from __future__ import annotations

from cleaning.dedup.text import drop_repeated_paragraphs
from cleaning.document import Document
from cleaning.steps import Step


class RepeatedParagraphStep(Step):
    name = "repeated_paragraphs"

    def __call__(self, doc: Document) -> Document | None:
        body, removed = drop_repeated_paragraphs(doc.body_original)
        if removed:
            self.stats["documents_changed"] += 1
            self.stats["paragraphs_removed"] += removed
            doc.body_original = doc.body = body
        return doc
