"""A paragraph said twice in a row: kept once (identical meaning whitespace-insensitive only); a paragraph
that comes back later is the page's structure and stays."""

from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from cleaning.document import Document, Page
from cleaning.steps.drop_repeated_paragraphs import DropRepeatedParagraphs, drop_repeated_paragraphs


def test_a_paragraph_said_twice_in_a_row_is_kept_once():
    body = "Intro.\n\nThe liver filters the blood.\n\nThe liver  filters the blood.\n\nThe liver filters the blood.\n\nEnd."
    out, n = drop_repeated_paragraphs(body)
    assert n == 2
    assert out == "Intro.\n\nThe liver filters the blood.\n\nEnd."


def test_two_or_three_paragraphs_said_twice_in_a_row_are_kept_once():
    assert drop_repeated_paragraphs("A.\n\nB.\n\nA.\n\nB.\n\nC.") == ("A.\n\nB.\n\nC.", 2)
    assert drop_repeated_paragraphs("A.\n\nB.\n\nC.\n\nA.\n\nB.\n\nC.")[1] == 3


def test_a_paragraph_that_comes_back_later_is_structure_and_stays():
    """A heading in each section, the same question in each interview, a table header, a speaker's label."""
    body = ("Breakfast\n\nOats and berries.\n\nLunch\n\nSoup.\n\nBreakfast\n\nEggs.\n\n"
            "What do you cook at home?\n\nPasta, mostly.\n\nWhat do you cook at home?\n\nRice.\n\n"
            "| Pos | Player |\n\n| 1 | Ann |\n\n| Pos | Player |\n\n| 1 | Bo |\n\nAnne:\n\nYes.\n\nAnne:\n\nNo.")
    assert drop_repeated_paragraphs(body) == (body, 0)


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
    doc.body_original = doc.body = "Same.\n\nSame.\n\nOther.\n\nSame."
    step = DropRepeatedParagraphs()
    assert list(step.run([doc])) == [doc]
    assert doc.body_original == doc.body == "Same.\n\nOther.\n\nSame."
    assert step.stats == {"documents_changed": 1, "paragraphs_removed": 1}
