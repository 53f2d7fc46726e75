"""Keeps a paragraph repeated verbatim within one body only once (machine translation says things twice)."""

from __future__ import annotations

import re

from cleaning.document import Document
from cleaning.steps.base import Step
from cleaning.text import split_paragraphs

_WS = re.compile(r"\s+")


def drop_repeated_paragraphs(body: str) -> tuple[str, int]:
    """`(body, removed)`: the first occurrence of each paragraph kept.

    "Verbatim" ignores leading and trailing whitespace and the amount of inner whitespace, nothing else
    (case and punctuation count). When nothing is removed the body comes back unchanged; otherwise the
    kept paragraphs are joined with one blank line.
    """
    text = body if isinstance(body, str) else ("" if body is None else str(body))
    paragraphs = split_paragraphs(text)
    seen: set[str] = set()
    kept: list[str] = []
    for p in paragraphs:
        key = _WS.sub(" ", p)
        if key not in seen:
            seen.add(key)
            kept.append(p)
    removed = len(paragraphs) - len(kept)
    return (text, 0) if removed == 0 else ("\n\n".join(kept), removed)


class DropRepeatedParagraphs(Step):
    name = "repeated_paragraphs"
    parallel = True

    def process(self, doc: Document) -> Document | None:
        body, removed = drop_repeated_paragraphs(doc.body_original)
        if removed:
            self.stats["documents_changed"] += 1
            self.stats["paragraphs_removed"] += removed
            doc.body_original = doc.body = body
        return doc
