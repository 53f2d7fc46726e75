"""The last date tier (`date_source` "fallback", flag `date_uncertain`): only where no source gave a day."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from cleaning.extract import extract
from cleaning.extract.date_text import parse_text
from cleaning.extract.dates import fallback_date

NOW = datetime(2024, 3, 1, 12, tzinfo=timezone.utc)
PARAS = "".join(f"<p>Paragraph {i}: a short daily walk after meals lowers blood sugar in people with type 2 "
                f"diabetes, a small trial found, and the effect lasted for about two hours.</p>" for i in range(4))


def _page(byline: str = "", head: str = "", footer: str = "", lang: str = "en") -> str:
    return (f'<html lang="{lang}"><head><title>Walking after meals</title>{head}</head><body>'
            f'<article><h1>Walking after meals</h1>{byline}{PARAS}</article>{footer}</body></html>')


def _uncertain(ex) -> bool:
    return ex.date_source == "fallback" and {"date_uncertain", "date_partial"} <= set(ex.flags)


def test_a_blog_url_that_names_only_a_month_gives_the_first_of_it_flagged():
    ex = extract(_page(), "https://walkingnotes.example.org/2018/08/after-meals.html", now=NOW)
    assert ex.published_date == date(2018, 8, 1) and _uncertain(ex)
    assert "no_date" not in ex.flags


def test_the_canonical_url_month_counts_too_but_not_an_archive_capture():
    head = '<link rel="canonical" href="https://walkingnotes.example.org/2019/11/after-meals.html">'
    ex = extract(_page(head=head), "https://walkingnotes.example.org/p?id=7", now=NOW)
    assert ex.published_date == date(2019, 11, 1) and _uncertain(ex)
    ex = extract(_page(), "https://web.archive.org/web/20130307194448/http://walkingnotes.example.org/after-meals",
                 now=NOW)
    assert ex.published_date is None and "no_date" in ex.flags  # a capture time is no month of publication


def test_a_month_stated_on_the_page_without_a_day():
    ex = extract(_page(byline='<p class="issue">Newsletter 2021-03</p>'),
                 "https://walkingnotes.example.org/a/after-meals", now=NOW)
    assert ex.published_date == date(2021, 3, 1) and _uncertain(ex)


@pytest.mark.parametrize("footer", ["<footer><p>© 2021 Walking Notes</p></footer>", "<p>Issue 2021-01</p>"])
def test_a_year_alone_is_january_first_flagged_year_only(footer):
    # htmldate gives a copyright year as January 1st (a January month looks the same): the last resort,
    # said to be no more than a year, so that an analyst who wants days or months can drop it
    ex = extract(_page(footer=footer), "https://walkingnotes.example.org/a/after-meals", now=NOW)
    assert ex.published_date == date(2021, 1, 1) and _uncertain(ex)
    assert "date_year_only" in ex.flags and "no_date" not in ex.flags


def test_a_month_is_never_flagged_year_only():
    ex = extract(_page(footer="<p>Issue 2021-03</p>"), "https://walkingnotes.example.org/a/after-meals", now=NOW)
    assert ex.published_date == date(2021, 3, 1) and "date_year_only" not in ex.flags
    ex = extract(_page(), "https://walkingnotes.example.org/2018/01/after-meals.html", now=NOW)
    assert ex.published_date == date(2018, 1, 1) and "date_year_only" not in ex.flags  # the URL names January


def test_a_year_alone_is_flagged_when_the_url_month_lies_after_the_fetch():
    ex = extract(_page(footer="<footer><p>© 2021 Walking Notes</p></footer>"),
                 "https://walkingnotes.example.org/2031/05/after-meals.html", now=NOW)
    assert ex.published_date == date(2021, 1, 1) and "date_year_only" in ex.flags


def test_a_copyright_year_after_the_fetch_is_no_date():
    ex = extract(_page(footer="<footer><p>© 2031 Walking Notes</p></footer>"),
                 "https://walkingnotes.example.org/a/after-meals", now=NOW)
    assert ex.published_date is None and "no_date" in ex.flags


def test_the_url_month_wins_over_a_year_the_page_shows():
    ex = extract(_page(footer="<footer><p>© 2023 Walking Notes</p></footer>"),
                 "https://walkingnotes.example.org/2018/08/after-meals.html", now=NOW)
    assert ex.published_date == date(2018, 8, 1) and _uncertain(ex)


@pytest.mark.parametrize("byline,head,expected,source", [
    ('<p class="date">Posted August 14, 2018</p>', "", date(2018, 8, 14), "markup"),
    ("", '<meta property="article:published_time" content="2018-08-14T10:00:00+02:00">', date(2018, 8, 14), "meta"),
    ("", '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2018-08-14"}</script>',
     date(2018, 8, 14), "json-ld"),
])
def test_a_page_with_a_precise_date_never_uses_the_fallback(byline, head, expected, source):
    # the URL names a month (the fallback's material) and the footer a year: both lose to the stated day
    ex = extract(_page(byline=byline, head=head, footer="<footer><p>© 2023 Walking Notes</p></footer>"),
                 "https://walkingnotes.example.org/2018/08/after-meals.html", now=NOW)
    assert (ex.published_date, ex.date_source) == (expected, source)
    assert "date_uncertain" not in ex.flags and "date_partial" not in ex.flags


def test_a_page_without_any_date_still_has_none():
    ex = extract(_page(), "https://walkingnotes.example.org/a/after-meals", now=NOW)
    assert ex.published_date is None and ex.date_source is None and "no_date" in ex.flags
    assert "date_uncertain" not in ex.flags


def test_fallback_date_rules():
    assert fallback_date((2018, 8), date(2023, 5, 1), NOW) == date(2018, 8, 1)  # the URL's month first
    assert fallback_date(None, date(2023, 5, 1), NOW) == date(2023, 5, 1)
    assert fallback_date(None, date(2023, 1, 1), NOW) == date(2023, 1, 1)  # a year alone: the last resort
    assert fallback_date(None, date(2025, 1, 1), NOW) is None  # after the fetch
    assert fallback_date((2024, 4), None, NOW) is None  # a month after the fetch is no publication month
    assert fallback_date((2024, 4), date(2023, 5, 1), NOW) == date(2023, 5, 1)
    assert fallback_date(None, None, NOW) is None


@pytest.mark.parametrize("text,expected", [
    ("Jan 04 09:34 2021", date(2021, 1, 4)),
    ("12 April 10:30 am 2023", date(2023, 4, 12)),
    ("Posted 10:30", None),
])
def test_a_time_of_day_inside_a_date_is_read_past(text, expected):
    assert parse_text(text) == expected


def test_a_date_classed_element_with_a_time_inside_is_a_precise_date():
    byline = '<div class="date"><span>Jan</span> <span>04</span> <span>09:34</span> <span>2021</span></div>'
    ex = extract(_page(byline=byline), "https://walkingnotes.example.org/a/after-meals", now=NOW)
    assert (ex.published_date, ex.date_source) == (date(2021, 1, 4), "markup") and "date_uncertain" not in ex.flags


def test_a_pages_only_day_its_review_date_beats_a_copyright_year():
    """"Medically reviewed by ... on August 8, 2024" in a plain paragraph and "© 2025" in the footer: the
    reviewed day is the page's only day, and an annotator takes it; January 1st of the footer's year is none."""
    byline = "<p>Written by Dana Reyes. Medically reviewed by Carol Lin, MD on August 08, 2024</p>"
    ex = extract(_page(byline=byline, footer="<footer><p>© 2025 Riverbend Health LLC</p></footer>"),
                 "https://riverbend.example.org/walking-after-meals", now=NOW.replace(year=2025))
    assert ex.published_date == date(2024, 8, 8) and ex.date_source == "text"
    assert "date_year_only" not in ex.flags and "date_uncertain" in ex.flags  # a review's day: maybe not the first


def test_an_update_a_reader_mentions_is_no_pages_day():
    """Only a medical review's label stands in for the copyright year: a reader's comment saying "updated:
    3 March 2025" does not date the page."""
    comment = ('<div id="comments" class="comments"><div class="comment"><p>Jane wrote: my doctor updated: 3 March '
               '2025 my dose</p></div></div>')
    ex = extract(_page(footer=comment + "<footer><p>© 2019 Walking Notes</p></footer>"),
                 "https://walkingnotes.example.org/after-meals", now=NOW.replace(year=2025, month=6))
    assert ex.published_date == date(2019, 1, 1) and "date_year_only" in ex.flags
