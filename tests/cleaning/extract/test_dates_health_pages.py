"""Dates on health sites' pages (a third review of invented pages, and a review of its fixes): midnight-UTC date
fields, the day a page's text shows, long bylines, medical review labels, digits of other scripts, a printed
weekday, JSON-LD lists, loose date strings. Small written pages, one class each."""

from __future__ import annotations

from datetime import date

import pytest

from cleaning.extract import extract
from cleaning.extract.date_text import parse_text
from tests.cleaning.extract.test_dates import NOW, _page


@pytest.mark.parametrize("head", [
    '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-04-12T00:00:00.000Z"}</script>',
    '<meta property="article:published_time" content="2023-04-12T00:00:00+00:00">',
])
def test_midnight_utc_is_a_date_field_not_an_instant(head):
    """Headless CMSs and Hugo write a date-only field as midnight UTC: on an en-US page it must not become the
    evening before in New York."""
    ex = extract(_page(head=head, lang="en-US"), "https://x.test/a/walking", now=NOW)
    assert ex.published_date == date(2023, 4, 12)
    # a real instant of the evening still moves (20:30 UTC is 16:30 in New York, the same day; 01:30 UTC the day before)
    late = head.replace("T00:00:00.000Z", "T01:30:00.000Z").replace("T00:00:00+00:00", "T01:30:00+00:00")
    assert extract(_page(head=late, lang="en-US"), "https://x.test/a/walking", now=NOW).published_date == date(2023, 4, 11)


def test_the_day_a_page_shows_is_read_from_its_text_not_from_its_json_ld():
    """A UTC instant of the evening (Yoast writes +00:00) is checked against the day the page shows; the page's
    own JSON-LD must not answer for its text."""
    head = ('<script type="application/ld+json">{"@graph": [{"@type": "Article", '
            '"datePublished": "2022-10-04T01:30:45+00:00"}]}</script>')
    ex = extract(_page(head=head, byline="<p>Oct 3, 2022 — Dr. Hannah Cole</p>"), "https://x.test/a/walking",
                 now=NOW)
    assert ex.published_date == date(2022, 10, 3)


def test_a_long_byline_is_read_before_the_copyright_year():
    """htmldate's text stage reads segments under 52 characters, and the footer's year then discards what is
    older: a labelled date in a long byline is the day, not January 1st of the copyright year."""
    byline = ('<div class="css-b8a1c2">By Marcus Lee, Staff Writer · Published on November 2, 2022 · 6 min read'
              '</div>')
    page = _page(byline=byline, lang="en-US", extra="<footer><p>© 2023 Riverbend Health</p></footer>")
    ex = extract(page, "https://x.test/a/walking", now=NOW)
    assert ex.published_date == date(2022, 11, 2) and "date_year_only" not in ex.flags


@pytest.mark.parametrize("byline,lang", [
    ('<p class="meta">Reviewed: 02/14/2023 · Posted: 01/09/2023</p>', "en-US"),
    ('<p class="meta">Medically reviewed by Dr. Jane Smith, MD on February 14, 2023 · Published January 9, 2023</p>',
     "en"),
    ('<div class="infos">Relu et validé par le Dr Claire Martin le 14 février 2023. Publié le 9 janvier 2023</div>',
     "fr"),
    ('<p class="meta">Geprüft von Dr. Max Muster am 14.02.2023, veröffentlicht am 09.01.2023</p>', "de"),
])
def test_a_medical_review_shown_before_the_publication_is_the_update(byline, lang):
    ex = extract(_page(byline=byline, lang=lang), "https://x.test/a/walking", now=NOW)
    assert (ex.published_date, ex.updated_date) == (date(2023, 1, 9), date(2023, 2, 14))


def test_a_peer_reviewed_study_is_no_review_label():
    from cleaning.extract.patterns import REVIEW_LABEL_RE

    assert REVIEW_LABEL_RE.search("a peer-reviewed study on March 3, 2020") is None
    assert REVIEW_LABEL_RE.search("Medically reviewed by Dr. Jane Smith, MD on March 3, 2020") is not None


def test_arabic_indic_and_full_width_digits_are_read():
    byline = '<p class="meta">نُشر في ١٢ مارس ٢٠٢٣</p>'
    assert extract(_page(byline=byline, lang="ar"), "https://x.test/a/walking", now=NOW).published_date == \
        date(2023, 3, 12)
    assert parse_text("发布时间：２０２３年４月１２日", now=NOW) == date(2023, 4, 12)


def test_the_weekday_a_site_prints_settles_an_ambiguous_date():
    """Drupal's default 'Tue, 03/05/2019' under a bare lang="en": 5 March 2019 was a Tuesday, 3 May a Friday."""
    byline = '<p class="submitted">Submitted by admin on Tue, 03/05/2019 - 10:22</p>'
    ex = extract(_page(byline=byline), "https://x.test/a/walking", now=NOW)
    assert ex.published_date == date(2019, 3, 5) and "date_ambiguous" not in ex.flags
    byline = '<p class="submitted">Submitted by admin on Fri, 03/05/2019 - 10:22</p>'
    assert extract(_page(byline=byline), "https://x.test/a/walking", now=NOW).published_date == date(2019, 5, 3)


def test_a_json_ld_list_of_related_articles_before_the_pages_own_does_not_date_it():
    related = ('{"@type": "ItemList", "itemListElement": [{"@type": "NewsArticle", "headline": "Other", '
               '"datePublished": "2023-03-28"}]}')
    own = '{"@type": "NewsArticle", "headline": "Walking backwards", "datePublished": "2023-04-17"}'
    head = (f'<script type="application/ld+json">{related}</script>'
            f'<script type="application/ld+json">{own}</script>')
    assert extract(_page(head=head), "https://x.test/a/walking", now=NOW).published_date == date(2023, 4, 17)


@pytest.mark.parametrize("text,expected", [
    ("Volume 12, 2023. Published March 5, 2023", "March 5, 2023"),
    ("Last updated: Issue 4, 2023 · 5 March 2023", "5 March 2023"),
    ("Relu le 14 février 2023. Publié le 9 janvier 2023", "14 février 2023"),
])
def test_the_first_date_in_the_text_is_one_that_reads_as_a_date(text, expected):
    from cleaning.extract.date_text import find_date_string

    assert find_date_string(text) == expected


def test_a_sentence_saying_reviewed_on_is_no_update_label():
    page = _page(byline='<p class="meta">Published April 2, 2023</p>').replace(
        "</article>", "<p>The FDA reviewed the application on June 9, 2023 and asked for more data.</p></article>")
    ex = extract(page, "https://x.test/a/walking", now=NOW.replace(year=2024))
    assert (ex.published_date, ex.updated_date) == (date(2023, 4, 2), None)


def test_a_papers_name_is_no_weekday():
    byline = '<p class="source">Reported by the Baltimore Sun 03/05/2023</p>'
    ex = extract(_page(byline=byline), "https://x.test/a/walking", now=NOW.replace(year=2024))
    assert ex.published_date == date(2023, 5, 3) and "date_ambiguous" in ex.flags


def test_midnight_utc_gives_way_to_the_evening_the_page_shows():
    head = '<meta property="article:published_time" content="2023-04-12T00:00:00Z">'
    byline = "<p class=\"byline\">April 11, 2023 8:00 PM ET</p>"
    ex = extract(_page(head=head, byline=byline, lang="en-US"), "https://x.test/a/walking", now=NOW)
    assert ex.published_date == date(2023, 4, 11)


@pytest.mark.parametrize("byline", ['<p class="meta">Reviewed by Dr Jane Smith, MD on February 14, 2023 · Published January 9, 2023</p>',
                                    '<p class="meta">Reviewed on February 14, 2023 · Published January 9, 2023</p>'])
def test_a_review_line_without_medically_is_an_update_too(byline):
    ex = extract(_page(byline=byline), "https://x.test/a/walking", now=NOW)
    assert (ex.published_date, ex.updated_date) == (date(2023, 1, 9), date(2023, 2, 14))


def test_a_label_before_the_weekday_is_no_name():
    ex = extract(_page(byline='<p class="meta">Posted Tue, 03/05/2019</p>'), "https://x.test/a/walking", now=NOW)
    assert ex.published_date == date(2019, 3, 5)
