"""Turns a finished document into the rows of the derived datasets, column for column (storage/schemas.py)."""

from __future__ import annotations

from typing import Any

from cleaning.document import Document
from cleaning.steps.base import Step
from cleaning.text import word_count


def article_row(doc: Document, run_id: str) -> dict[str, Any]:
    ex = doc.extraction
    return {
        "article_id": doc.article_id,
        "version": doc.version,
        "url": doc.canonical_url or doc.page.url,
        "site": doc.page.site,
        "title": ex.title,
        "published_date": ex.published_date,
        "updated_date": ex.updated_date,
        "date_source": ex.date_source,
        "body": doc.body,
        "body_original": doc.body_original,
        "language": doc.language,
        "language_score": doc.language_score,
        "languages": doc.languages,
        "mixed_language": len(doc.languages) > 1,
        "word_count": word_count(doc.body),
        "body_source": ex.body_source,
        "flags": list(ex.flags),
        "content_hash": doc.content_hash,
        "grammar_backend": doc.grammar_backend,
        "grammar_status": doc.grammar_status,
        "grammar_edit_count": len(doc.grammar_edits),
        "crawled_at": doc.page.fetched_at,
        "run_id": run_id,
    }


def hot_pick_rows(doc: Document, run_id: str) -> list[dict[str, Any]]:
    return [{"article_id": doc.article_id, "version": doc.version, "block": p.block, "rank": p.rank,
             "title": p.title, "url": p.url, "teaser": p.teaser, "published_date": p.published_date,
             "run_id": run_id} for p in doc.extraction.hot_picks]


def grammar_edit_rows(doc: Document, run_id: str) -> list[dict[str, Any]]:
    return [{"article_id": doc.article_id, "version": doc.version, "offset": e.offset, "length": e.length,
             "original": e.original, "replacement": e.replacement, "rule_id": e.rule_id, "category": e.category,
             "backend": e.backend, "run_id": run_id} for e in doc.grammar_edits]


class MakeRows(Step):
    name = "rows"
    parallel = True

    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id

    def process(self, doc: Document) -> Document | None:
        doc.rows = {"articles": [article_row(doc, self.run_id)], "hot_picks": hot_pick_rows(doc, self.run_id),
                    "grammar_edits": grammar_edit_rows(doc, self.run_id)}
        for name, rows in doc.rows.items():
            self.stats[name] += len(rows)
        return doc
