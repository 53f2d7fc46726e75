"""Repeated paragraphs: kept once, verbatim meaning whitespace-insensitive only."""

from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from cleaning.document import Document, Page
from cleaning.steps.drop_repeated_paragraphs import DropRepeatedParagraphs, drop_repeated_paragraphs


def test_drop_repeated_paragraphs_keeps_first():
    body = "Intro.\n\nRead more: sign up\n\nMiddle text.\n\nRead  more: sign up\n\nEnd.\n\nIntro."
    out, n = drop_repeated_paragraphs(body)
    assert n == 2
    assert out == "Intro.\n\nRead more: sign up\n\nMiddle text.\n\nEnd."


def test_drop_repeated_paragraphs_nothing_to_do_returns_body_unchanged():
    body = "One.\n\n\nTwo.\n"
    assert drop_repeated_paragraphs(body) == (body, 0)
    assert drop_repeated_paragraphs("") == ("", 0)
    assert drop_repeated_paragraphs(None) == ("", 0)  # type: ignore[arg-type]


def test_case_differs_is_not_verbatim():
    assert drop_repeated_paragraphs("Hello.\n\nhello.")[1] == 0


@given(st.text())
def test_idempotent(s):
    out, removed = drop_repeated_paragraphs(s)
    assert removed >= 0
    assert drop_repeated_paragraphs(out)[1] == 0


def test_the_step_changes_both_bodies_and_counts():
    doc = Document(page=Page(url="https://a.example/1", status=200, fetched_at=datetime.now(timezone.utc)))
    doc.body_original = doc.body = "Same.\n\nOther.\n\nSame."
    step = DropRepeatedParagraphs()
    assert list(step.run([doc])) == [doc]
    assert doc.body_original == doc.body == "Same.\n\nOther."
    assert step.stats == {"documents_changed": 1, "paragraphs_removed": 1}
