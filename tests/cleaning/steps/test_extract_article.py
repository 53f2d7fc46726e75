"""ExtractArticle: a stored page becomes a document, or leaves with a countable reason."""

from __future__ import annotations

from datetime import datetime, timezone

from cleaning.document import Document, Page
from cleaning.steps import ExtractArticle

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
TEXT = " ".join(f"Walking after dinner helps the body handle blood sugar, point {i}." for i in range(12))
HTML = f"<html><head><title>Walk</title></head><body><article><h1>Walk</h1><p>{TEXT}</p></article></body></html>"


def _doc(body: bytes, status: int = 200, kind: str = "unknown", url: str = "https://a.example/x.html?utm_source=m"):
    return Document(page=Page(url=url, status=status, fetched_at=T0, body=body, kind=kind,
                              content_type="text/html; charset=utf-8"))


def test_an_article_gets_its_id_canonical_url_and_body_and_drops_the_raw_bytes() -> None:
    step = ExtractArticle(min_words=40)
    doc = step.process(_doc(HTML.encode()))
    assert doc is not None and doc.body == doc.body_original and "blood sugar" in doc.body
    assert doc.canonical_url == "https://a.example/x.html" and len(doc.article_id) == 16
    assert doc.page.body == b""  # the spool carries the extraction, not the page
    assert step.stats["documents"] == 1


def test_an_article_read_at_a_folder_address_keeps_its_slash_and_the_same_id() -> None:
    """`/walk/` may be a 404 without its slash: the stored url is the address it was read at, and the id
    is the slash-less form's, so `/walk` and `/walk/` stay one article."""
    step = ExtractArticle(min_words=40)
    slash = step.process(_doc(HTML.encode(), url="https://a.example/walk/?utm_source=m"))
    plain = step.process(_doc(HTML.encode(), url="https://a.example/walk"))
    assert slash is not None and plain is not None
    assert slash.canonical_url == "https://a.example/walk/" and plain.canonical_url == "https://a.example/walk"
    assert slash.article_id == plain.article_id

def test_pages_that_are_no_articles_leave_with_a_reason() -> None:
    step = ExtractArticle(min_words=40)
    assert step.process(_doc(b"<h1>gone</h1>", status=404)) is None
    assert step.process(_doc(HTML.encode(), kind="listing")) is None
    short = b"<html><body><article><p>Only a few words here, not an article.</p></article></body></html>"
    assert step.process(_doc(short)) is None
    assert step.process(_doc(short, kind="article")) is not None  # the profile says article: kept
    assert step.stats["dropped/http_404"] == step.stats["dropped/listing_page"] == step.stats["dropped/too_short"] == 1
