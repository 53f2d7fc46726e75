"""Cleaning steps: each does one job on a Document and keeps its own counts.

A step returns the document (possibly changed) or None after recording why it
dropped it; `pipeline.py` composes them in the order of the data flow.
"""

from __future__ import annotations

from collections import Counter

from cleaning.document import Document


class Step:
    name = "step"

    def __init__(self) -> None:
        self.stats: Counter[str] = Counter()

    def drop(self, doc: Document, reason: str) -> None:
        doc.dropped = reason
        self.stats[f"dropped/{reason}"] += 1
        return None

    def __call__(self, doc: Document) -> Document | None:  # pragma: no cover - interface
        raise NotImplementedError
