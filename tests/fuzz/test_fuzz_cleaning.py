"""The per-page cleaning chain (extract, repeated paragraphs, language) and the text helpers under it,
fed hostile pages: a document always comes out, kept with sane fields or dropped with a reason."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaning.dedup.text import content_hash, normalize_text
from cleaning.document import Document, Page
from cleaning.steps import DetectLanguage, DropRepeatedParagraphs, ExtractArticle
from cleaning.steps.drop_repeated_paragraphs import drop_repeated_paragraphs
from cleaning.workers import run_segment
from tests.fuzz.conftest import examples
from tests.fuzz.strategies import NOISE, article_pages, hostile_text, mutated_pages

BUDGET = 8.0
STEPS = [ExtractArticle(), DropRepeatedParagraphs(), DetectLanguage()]  # the per-page segment of cleaning/flow.py


def _page(html: str | bytes, status: int = 200) -> Page:
    body = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    return Page(url="https://health.example.org/a/1.html", status=status, body=body,
                fetched_at=datetime(2025, 6, 1, tzinfo=timezone.utc), site="health.example.org", kind="unknown")


@settings(settings.get_profile("health-fuzz"), max_examples=examples(60))
@given(st.one_of(article_pages().map(lambda p: p[0]), mutated_pages(), hostile_text),
       st.sampled_from([200, 200, 200, 404, 500]))
def test_the_cleaning_chain_never_breaks(html, status):
    started = time.monotonic()
    doc = Document(page=_page(html, status))
    out, _ = run_segment(STEPS, doc)
    assert time.monotonic() - started < BUDGET
    if out is None:
        assert re.fullmatch(r"[\w:./ -]+", doc.dropped), doc.dropped  # a reason, countable in the manifest
        return
    assert doc.body.strip() and doc.article_id and re.fullmatch(r"[0-9a-f]{16}", doc.article_id)
    assert doc.language == "und" or re.fullmatch(r"[a-z]{2,3}", doc.language)
    lines = {line.strip() for line in doc.body.split("\n")}
    assert not lines & set(NOISE)
    d = doc.extraction.published_date
    assert d is None or d.year >= 1990 and d <= doc.page.fetched_at.date()
    paragraphs = [" ".join(p.split()) for p in doc.body.split("\n\n") if p.strip()]
    assert all(a != b for a, b in zip(paragraphs, paragraphs[1:])), "a paragraph said twice in a row survived"


@settings(settings.get_profile("health-fuzz"), max_examples=examples(100))
@given(st.lists(st.one_of(hostile_text, st.sampled_from(["Share", "same paragraph", "  same   paragraph "])),
                max_size=12))
def test_text_helpers(parts):
    body = "\n\n".join(parts)
    kept, removed = drop_repeated_paragraphs(body)
    assert removed >= 0 and (removed or kept == body)
    again, removed_again = drop_repeated_paragraphs(kept)
    assert removed_again == 0 and again == kept, "not idempotent"
    norm = normalize_text(body)
    assert norm == normalize_text(norm) and "  " not in norm and norm == norm.strip()
    assert re.fullmatch(r"[0-9a-f]{32}", content_hash(body))
