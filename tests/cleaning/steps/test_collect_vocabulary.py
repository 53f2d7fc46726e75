"""CollectSiteVocabulary: words used across several bodies become words grammar never changes."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from cleaning.document import Document, Page
from cleaning.steps import CollectSiteVocabulary


def test_recurring_words_are_written_and_documents_pass_through(tmp_path: Path) -> None:
    docs = []
    for i in range(4):
        doc = Document(page=Page(url=f"https://a.example/{i}", status=200, fetched_at=datetime.now(timezone.utc)))
        doc.body_original = f"Danshen tea {'and chaihu' if i < 2 else ''} was served, note {i}."
        docs.append(doc)
    step = CollectSiteVocabulary(tmp_path / "words.txt", min_docs=3)
    assert list(step.run(docs)) == docs
    words = set((tmp_path / "words.txt").read_text().split())
    assert "danshen" in words and "chaihu" not in words
