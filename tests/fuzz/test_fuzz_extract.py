"""Extraction fed random and mutated pages: never raises, never hangs, keeps its invariants."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaning.extract import extract
from tests.fuzz.conftest import examples
from tests.fuzz.strategies import NOISE, article_pages, hostile_text, mutated_pages

BUDGET = 5.0  # seconds per document; extraction takes milliseconds, so this only catches blow-ups
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
URL = "https://health.example.org/2024/05/article.html"


def _extract(html):
    started = time.monotonic()
    ex = extract(html, URL, now=NOW)
    elapsed = time.monotonic() - started
    assert elapsed < BUDGET, f"extraction took {elapsed:.1f} s"
    return ex


def _check_invariants(ex) -> None:
    assert isinstance(ex.title, str) and isinstance(ex.body, str)
    for d in (ex.published_date, ex.updated_date):
        assert d is None or (isinstance(d, date) and date(1990, 1, 1) <= d <= (NOW + timedelta(days=1)).date()), d
    blocks: dict[str | None, list[int]] = {}
    for pick in ex.hot_picks:
        blocks.setdefault(pick.block, []).append(pick.rank)
        assert isinstance(pick.title, str)
        assert pick.url is None or pick.url.startswith(("http://", "https://"))
    for ranks in blocks.values():
        assert ranks == list(range(1, len(ranks) + 1)), ranks
    assert "\x00" not in ex.body and "\x00" not in ex.title


@settings(settings.get_profile("health-fuzz"), max_examples=examples(80))
@given(article_pages())
def test_article_pages_give_their_text_without_boilerplate(page):
    html, paragraphs = page
    ex = _extract(html)
    _check_invariants(ex)
    body_lines = {line.strip() for line in ex.body.split("\n") if line.strip()}
    for noise in NOISE:
        assert noise not in body_lines, f"boilerplate {noise!r} came out as a body paragraph"
    assert ex.body, ex.reason
    found = sum(1 for p in paragraphs if p in ex.body)
    assert found >= len(paragraphs) / 2, f"only {found} of {len(paragraphs)} paragraphs extracted"


@settings(settings.get_profile("health-fuzz"), max_examples=examples(100))
@given(mutated_pages())
def test_mutated_pages_never_break_extraction(html):
    _check_invariants(_extract(html))


@settings(settings.get_profile("health-fuzz"), max_examples=examples(60))
@given(st.one_of(hostile_text, st.binary(max_size=3000)))
def test_any_input_at_all(data):
    _check_invariants(_extract(data))
