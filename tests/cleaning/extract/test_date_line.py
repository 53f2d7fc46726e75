"""The date line beside a post's headline (`date_line`): old personal sites and blogs, whose footer (a
copyright range, "Last update", "Page generated") htmldate's search reads instead."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from lxml import html

from cleaning.extract import extract
from cleaning.extract.date_line import fits, headline_day
from cleaning.extract.date_text import parse_text

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
URL = "http://pebble.example.net/notes/knee.html"
TEXT = ("Walking every morning slowly changed how I sleep and how I feel about my health, and the knee "
        "no longer swells after the stairs. ")


def test_a_table_page_date_under_its_headline_beats_a_copyright_range():
    page = (f"<html><head><title>Knee notes</title></head><body><table><tr><td>"
            f"<b><font size=4>Knee notes</font></b><br><i>March 3, 2009</i><br><br>{TEXT * 3}</td></tr></table>"
            f"<p>&copy; 2001-2012 Pebble Notes</p></body></html>")
    ex = extract(page, URL, now=NOW)
    assert ex.published_date == date(2009, 3, 3) and ex.date_source == "text"
    # a day, not a year alone; still uncertain: a line under a headline can be an event's day
    assert not {"date_year_only", "date_partial"} & set(ex.flags) and "date_uncertain" in ex.flags


def test_a_livejournal_header_above_the_headline_not_a_comment_below():
    page = ("<html><head><title>Notes</title></head><body><table><tr><td class=index>Feb. 17th, 2008 | 02:20 pm"
            f"</td></tr><tr><td><b>Notes</b></td></tr><tr><td>{TEXT * 3}</td></tr></table>"
            "<div class=comment><b>ulla</b> 2008-02-19 09:01 am (UTC)<br>Thank you.</div></body></html>")
    ex = extract(page, URL, now=NOW)
    assert ex.published_date == date(2008, 2, 17) and ex.date_source == "text"


def test_a_last_update_footer_is_the_update_and_the_byline_under_the_headline_the_publication():
    page = ("<html><head><title>Rücken</title></head><body><center><h1>Rücken</h1><font size=2>Geschrieben von "
            f"Urs am 17. November 2020</font></center><div>{TEXT * 3}</div><div>Last update 22.12.2021</div>"
            "</body></html>")
    ex = extract(page, URL, now=NOW)
    assert ex.published_date == date(2020, 11, 17) and ex.updated_date == date(2021, 12, 22)


def test_a_pre_post_opening_with_its_date_beats_the_page_generated_footer():
    page = ("<html><head><title>Migraine diary</title></head><body><h2>Migraine diary</h2><pre>November 20, 2004\n\n"
            f"{TEXT}\n\n{TEXT}\n</pre><hr><address>Page generated 25.12.2005.</address></body></html>")
    ex = extract(page, URL, now=NOW)
    assert ex.published_date == date(2004, 11, 20) and ex.updated_date == date(2005, 12, 25)


def test_without_a_date_line_the_footer_day_is_kept():
    # no page loses its date: the generated day stays the publication when nothing else is shown
    page = (f"<html><head><title>Migraine diary</title></head><body><h2>Migraine diary</h2><pre>{TEXT}\n</pre>"
            "<hr><address>Page generated 25.12.2005.</address></body></html>")
    assert extract(page, URL, now=NOW).published_date == date(2005, 12, 25)


def test_only_lines_next_to_the_headline_count():
    tree = html.fromstring(f"<html><body><h1>Knee notes</h1><p>{TEXT}</p><p>March 3, 2009</p></body></html>")
    assert headline_day(tree, "Knee notes", set(), parse_text) is None  # after the prose: not the post's line
    tree = html.fromstring(f"<html><body><h1>Knee notes</h1><p>By Ann | March 3, 2009</p><p>{TEXT}</p></body></html>")
    assert headline_day(tree, "Knee notes", set(), parse_text) == date(2009, 3, 3)


def test_a_line_must_fit_the_urls_month_and_the_year_found_alone():
    assert fits(date(2009, 3, 3), None, date(2012, 1, 1), None)
    assert not fits(date(2013, 3, 3), None, date(2012, 1, 1), None)  # after the footer's last year
    assert not fits(date(2009, 3, 3), (2009, 4), None, None)  # not the month the URL files it under
    assert not fits(date(2009, 3, 3), None, None, date(2009, 2, 1))  # after the page's modified value


def test_an_xhtml_pages_xml_lang_is_its_language_for_month_names():
    # lxml's HTML parser keeps xml:lang as a plain attribute; without it Czech is not among the languages tried
    page = ('<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="cs"><head><title>Hory</title></head><body>'
            f'<h1>Hory</h1><p class="meta">3. srpna 2020 | <a href="#c">2 komentáře</a></p><p>{TEXT * 3}</p>'
            '<div id="sidebar"><h3>Recent</h3><ul><li><a href="/o1/">Older post</a> 14.09.2020</li></ul></div>'
            '</body></html>')
    assert extract(page, URL, now=NOW).published_date == date(2020, 8, 3)


def test_a_link_to_the_post_among_recent_posts_is_no_headline():
    tree = html.fromstring(f"<html><body><ul><li><a href=/k>Knee notes</a></li><li>14.04.2009</li></ul>"
                           f"<h3><a href=/k>Knee notes</a></h3><p>March 3, 2009</p><p>{TEXT}</p></body></html>")
    assert headline_day(tree, "Knee notes", set(), parse_text) == date(2009, 3, 3)


@pytest.mark.parametrize("line,day", [
    ("Next review due: 3 March 2016", date(2016, 3, 3)),  # a health page's next review
    ("Lancet, 12 March 2013; 381: 1021-8", date(2013, 3, 12)),  # the study the headline reports
    ("Open days 14 – 16 March 2015", date(2015, 3, 14)),  # an event's range
])
def test_a_line_under_the_headline_dating_something_else_is_no_publication_day(line, day):
    page = (f"<html><head><title>Knee notes</title></head><body><h1>Knee notes</h1><p><i>{line}</i></p>"
            f"<p>{TEXT * 3}</p><div>&copy; 2005-2021 Pebble Notes</div></body></html>")
    assert extract(page, URL, now=NOW).published_date not in (day, date(2015, 3, 16))


def test_a_subheading_under_the_headline_is_no_date_line_but_blogger_s_date_header_above_it_is():
    sub = (f"<html><head><title>Trial news</title></head><body><h1>Trial news</h1><h2>A trial that began on 3 May 2010 finished this spring, its authors say"
           f"</h2><p>{TEXT * 3}</p><div>&copy; 2005-2021 Pebble Notes</div></body></html>")
    assert extract(sub, URL, now=NOW).published_date != date(2010, 5, 3)
    blogger = ("<html><head><title>Pebble Notes: Knee</title></head><body><h2 class=date-header>Tuesday, March 3, 2009"
               f"</h2><h3 class=post-title>Knee</h3><p>{TEXT * 3}</p><div>&copy; 2001-2012 Pebble Notes</div></body></html>")
    assert extract(blogger, URL, now=NOW).published_date == date(2009, 3, 3)
