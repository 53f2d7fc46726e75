"""The `truncated` flag (cleaning/extract/body.py): a body cut mid-sentence, not one that ends with a credit,
a copyright line, a wire's signature or a call to comment."""

from __future__ import annotations

import pytest

from cleaning.extract.body_lines import completeness_flags

PROSE = [" ".join(f"The study followed {i} adults who walked after meals and slept better." for i in range(3))] * 8


@pytest.mark.parametrize("last", [
    "Additional reporting by Ann Lee and Bo Chan; Editing by Cy Day and Dee Eve in the newsroom of the day",
    "Copyright 2024 The Daily Health Journal, a publication of Example Media Group, reproduction forbidden",
    "Some travellers were sent back by the authorities for entering the country illegally last week. PTI",
    "Tell us what YOU think...",
])
def test_a_whole_article_that_ends_without_a_full_stop_is_not_truncated(last: str) -> None:
    assert "truncated" not in completeness_flags([*PROSE, last])


@pytest.mark.parametrize("paras", [
    [*PROSE, "Still, the league suspended him for the rest of the season and he may receive further discipline...."],
    [*PROSE, "The researchers then asked the participants whether the walks had changed how they felt about"],
    ["Subscribers read the whole story of the trial and the findings.", "All..."],  # a paywall teaser
    # a credit word inside a long sentence that is cut: no credit line
    [*PROSE, "The vaccine produced by the company was given to 4,000 volunteers in three countries over two "
             "winters, and doctors said the early results showed that the older patients in the trial"],
])
def test_a_body_cut_mid_sentence_is_truncated(paras: list[str]) -> None:
    assert "truncated" in completeness_flags(paras)
