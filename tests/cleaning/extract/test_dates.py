from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from cleaning.extract.date_text import parse_text, plausible
from cleaning.extract.date_urls import from_url

NOW = datetime(2023, 5, 1, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", [
    "April 12, 2023", "12 April 2023", "2023-04-12 14:32", "2023/4/12", "Apr. 12, 2023", "12th of April 2023",
    "2023年4月12日", "Published: 12.04.2023", "Posted on April 12, 2023 by Dr. Li", "2023-04-12T14:32:00+08:00",
    "Wednesday, 12 April 2023", "令和5年4月12日", "公開日：令和5年4月12日",
])
def test_formats(text):
    assert parse_text(text, now=NOW) == date(2023, 4, 12)


@pytest.mark.parametrize("text,langs", [
    ("2023년 4월 12일 14:30", ("ko", "en")), ("ngày 12 tháng 4 năm 2023", None), ("2023. április 12. 14:30", ("hu", "en")),
    ("12 अप्रैल 2023", ("hi", "en")), ("১২ এপ্রিল ২০২৩", ("bn", "en")), ("Posted 12-Apr-2023 by the desk", None),
    ("12 เมษายน 2566", ("th", "en")), ("中華民國112年4月12日", None),  # Thai (Buddhist era) and Taiwan's (ROC) years
])
def test_dates_written_in_more_scripts_and_shapes(text, langs):
    """Korean 년월일, Vietnamese "ngày ... tháng ... năm", Hungarian year-first, Hindi and Bengali month names (their
    vowel signs are no \\w, their digits are read as ASCII), and day-month-year joined by hyphens."""
    assert parse_text(text, languages=langs, now=NOW) == date(2023, 4, 12)


@pytest.mark.parametrize("text,expected", [
    ("3 days ago", date(2023, 4, 28)), ("2 hours ago", date(2023, 5, 1)), ("yesterday", date(2023, 4, 30)),
    ("1 week ago", date(2023, 4, 24)), ("3天前", date(2023, 4, 28)),
])
def test_relative_dates(text, expected):
    assert parse_text(text, now=NOW) == expected


def test_profile_formats_first():
    assert parse_text("04/12/2023", formats=("%d/%m/%Y",), now=NOW) == date(2023, 12, 4)


def test_future_and_ancient_rejected():
    assert plausible(date(2031, 1, 1), NOW) is None
    assert plausible(date(1980, 1, 1), NOW) is None
    assert plausible(date(2023, 5, 2), NOW) == date(2023, 5, 2)  # a day of clock skew is fine


def test_url_dates():
    assert from_url("https://x.test/2023/04/12/slug/", NOW) == date(2023, 4, 12)
    assert from_url("https://x.test/news/20230412-slug.html", NOW) == date(2023, 4, 12)
    assert from_url("https://x.test/2023/04/slug/", NOW) is None
    assert from_url("https://x.test/item/12345678", NOW) is None


# --- page-level behaviour (small hand-written pages) ------------------------------------------------

from cleaning.extract import extract  # noqa: E402
from cleaning.extract.date_order import order_from_language, order_from_text, read_numeric  # noqa: E402
from cleaning.extract.date_text import page_languages  # noqa: E402

PARAS = "".join(f"<p>Paragraph {i}: walking backwards strengthens the muscles along the spine and improves "
                f"balance, physiotherapists say, when it is done on flat ground for ten minutes a day.</p>"
                for i in range(4))


def _page(head: str = "", byline: str = "", lang: str = "en", extra: str = "") -> str:
    return (f'<html lang="{lang}"><head><title>Walking backwards</title>{head}</head><body>'
            f'<article><h1>Walking backwards</h1>{byline}{PARAS}</article>{extra}</body></html>')


@pytest.mark.parametrize("byline,lang,expected", [
    ('<div class="meta">Veröffentlicht am: 6. August 2009</div>', "de", date(2009, 8, 6)),
    ('<p class="date">Publicado el 6 de agosto de 2009</p>', "es", date(2009, 8, 6)),
    ('<span class="post-date">Опубликовано 6 августа 2009</span>', "ru", date(2009, 8, 6)),
    ('<p class="byline">By Lin Wei | Published Apr. 12, 2023</p>', "en", date(2023, 4, 12)),
    ('<div class="subline">26 | 01 | 2022</div>', "de", date(2022, 1, 26)),
])
def test_visible_dates_with_labels_in_many_languages(byline, lang, expected):
    ex = extract(_page(byline=byline, lang=lang), "https://x.test/a/walking", now=NOW.replace(year=2024))
    assert ex.published_date == expected and ex.date_source == "markup"


@pytest.mark.parametrize("byline", [
    '<span itemprop="datePublished" content="2023-04-12">12 April</span>',
    '<abbr itemprop="datePublished" title="2023-04-12T09:00:00+02:00">Wed</abbr>',
    '<span itemprop="datePublished">April 12, 2023</span>',
])
def test_microdata_on_any_element(byline):
    ex = extract(_page(byline=byline), "https://x.test/a/walking", now=NOW)
    assert (ex.published_date, ex.date_source) == (date(2023, 4, 12), "microdata")


def test_utc_instant_becomes_the_publishers_local_day():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-04-13T02:11:03Z"}</script>'
    # an evening story in New York, stamped the next day in UTC
    ex = extract(_page(head=ld, lang="en-US"), "https://x.test/a/walking", now=NOW)
    assert (ex.published_date, ex.date_source) == (date(2023, 4, 12), "json-ld")
    # the page shows its own local day next to the UTC value
    shown = '<time datetime="2023-04-12T22:11:03-04:00">April 12, 2023</time>'
    ex = extract(_page(head=ld, byline=shown, lang="en"), "https://x.test/a/walking", now=NOW)
    assert ex.published_date == date(2023, 4, 12)
    # no zone known (bare "en", .test domain): the UTC day stays
    ex = extract(_page(head=ld, lang="en"), "https://x.test/a/walking", now=NOW)
    assert ex.published_date == date(2023, 4, 13)
    # an offset that is not UTC is already local
    ld_local = ld.replace("2023-04-13T02:11:03Z", "2023-04-12T22:11:03-04:00")
    assert extract(_page(head=ld_local, lang="de"), "https://x.test/a", now=NOW).published_date == date(2023, 4, 12)


@pytest.mark.parametrize("shown", [
    '<span class="time">2023-04-13 06:58</span>', '<time>Apr 13, 2023</time>', '<p class="date">April 13, 2023</p>',
])
def test_a_utc_instant_gives_the_day_the_page_shows_in_its_text(shown):
    # Published at 06:58 in Beijing: 22:58 UTC the day before, on a page that says lang="en" (no zone to guess)
    meta = '<meta property="article:published_time" content="2023-04-12T22:58:00Z">'
    ex = extract(_page(head=meta, byline=shown), "https://x.test/a/walking", now=NOW)
    assert (ex.published_date, ex.date_source) == (date(2023, 4, 13), "meta")


def test_a_shown_day_the_instant_cannot_fall_on_nearby_is_no_evidence():
    # 12:53 UTC is the 12th from UTC-9 to UTC+9: a "today" line or other articles' dates showing the 13th
    # do not move it
    meta = '<meta property="article:published_time" content="2023-04-12T12:53:40+00:00">'
    ex = extract(_page(head=meta, byline='<span class="current-time">Thursday 13 April 2023</span>'),
                 "https://x.test/a/walking", now=NOW)
    assert ex.published_date == date(2023, 4, 12)


@pytest.mark.parametrize("chrome", [
    '<div class="topbar"><div class="date">Monday, 1 May 2023</div><div class="weather">6°C</div></div>',
    '<div class="masthead"><span class="today-date">Monday, May 1, 2023</span></div>',
    '<header class="site-header"><p class="date">2023-05-01</p><nav><a href="/">Home</a></nav></header>',
])
def test_the_sites_date_of_today_above_the_article_is_not_its_date(chrome):
    def page(head="", byline=""):
        return _page(head=head, byline=byline).replace("<body>", "<body>" + chrome)

    ex = extract(page(byline='<p class="meta">Published 12 April 2023</p>'), "https://x.test/a/walking", now=NOW)
    assert ex.published_date == date(2023, 4, 12)
    # nor does it move a UTC instant of the evening before (New York, 16:00) to the next day
    meta = '<meta property="article:published_time" content="2023-04-30T20:00:00Z">'
    ex = extract(page(head=meta).replace('lang="en"', 'lang="en-US"'), "https://x.test/a/walking", now=NOW)
    assert ex.published_date == date(2023, 4, 30)


def test_a_header_holding_the_headline_is_the_articles():
    page = _page().replace("<article><h1>Walking backwards</h1>",
                           '<article><header class="site-header"><h1>Walking backwards</h1>'
                           '<p class="date">April 12, 2023</p></header>')
    assert extract(page, "https://x.test/a/walking", now=NOW).published_date == date(2023, 4, 12)
    page = _page().replace('<body><article><h1>Walking backwards</h1>',
                           '<body><div class="masthead"><h1>Walking backwards</h1><p class="date">April 12, 2023</p>'
                           '</div><article>')
    assert extract(page, "https://x.test/a/walking", now=NOW).published_date == date(2023, 4, 12)


@pytest.mark.parametrize("byline,lang", [
    ('<p class="meta">Aktualisiert am 14.02.2023, erstellt am 09.01.2023</p>', "de"),
    ('<p class="meta">Última actualización: 14/02/2023</p><p class="meta">Fecha de publicación: 09/01/2023</p>', "es"),
    ('<div class="article-meta">Обновлено: 14.02.2023 · Опубликовано: 09.01.2023</div>', "ru"),
    ('<div class="meta">Updated Feb 14, 2023 | Posted Jan 9, 2023</div>', "en"),
    ('<div class="meta">Uppdaterad 14.02.2023 · Publicerad 09.01.2023</div>', "sv"),
    ('<div class="meta">Päivitetty 14.2.2023 · Julkaistu 9.1.2023</div>', "fi"),
    ('<div class="meta">Güncelleme: 14.02.2023 · Yayınlanma: 09.01.2023</div>', "tr"),
    ('<div class="meta">Modifié le 14/02/2023 · Publié le 09/01/2023</div>', "fr"),
    ('<div class="meta">Aktualizacja: 14.02.2023 · Opublikowano: 09.01.2023</div>', "pl"),
    ('<div class="meta">수정 2023.02.14 · 입력 2023.01.09</div>', "ko"),
    ('<div class="meta">עודכן 14.02.2023 · פורסם 09.01.2023</div>', "he"),
])
def test_an_update_shown_before_the_publication_is_the_update(byline, lang):
    ex = extract(_page(byline=byline, lang=lang), "https://x.test/a/walking", now=NOW)
    assert (ex.published_date, ex.updated_date) == (date(2023, 1, 9), date(2023, 2, 14))


@pytest.mark.parametrize("ago,written,lang", [("3 hours ago", "Published 6 April 2023", "en"),
                                               ("3小时前", "发布于 2023年04月06日", "zh"),
                                               ("yesterday", "Posted on April 6, 2023", "en")])
def test_a_relative_date_gives_way_to_a_date_the_page_writes_out(ago, written, lang):
    now = NOW.replace(day=10)
    byline = f'<div class="meta"><span class="ago">{ago}</span> <span class="src">Source: Health Daily</span></div>'
    page = _page(byline=byline, lang=lang).replace("</article>", f'<p class="pubdate">{written}</p></article>')
    assert extract(page, "https://x.test/a/walking", now=now).published_date == date(2023, 4, 6)
    # alone, it is read against the fetch time
    assert extract(_page(byline=byline, lang=lang), "https://x.test/a/walking", now=now).published_date == \
        parse_text(ago, now=now)



@pytest.mark.parametrize("ago,lang", [("3 hours ago", "en"), ("Published 2 days ago", "en"), ("yesterday", "en"),
                                      ("3小时前", "zh")])
def test_without_a_fetch_time_a_relative_date_is_not_read(ago, lang):
    """A stored page read later: "2 days ago" names no day without the time it was fetched (the reader's clock
    would move it every day). No date, flagged; a written date still counts; given `now`, it is read."""
    byline = f'<div class="meta"><span class="ago">{ago}</span> <span class="src">Source: Health Daily</span></div>'
    page = _page(byline=byline, lang=lang)
    ex = extract(page, "https://x.test/a/walking")
    assert ex.published_date is None and "date_relative_unread" in ex.flags
    assert extract(page.replace("</article>", '<p class="pubdate">Posted on April 6, 2023</p></article>'),
                   "https://x.test/a/walking").published_date == date(2023, 4, 6)
    assert extract(page, "https://x.test/a/walking", now=NOW).published_date == parse_text(ago, now=NOW)
    assert parse_text(ago) is None

@pytest.mark.parametrize("byline,expected", [
    ('<div class="meta">Opublikowano 9 października 2020</div>', date(2020, 10, 9)),
    ('<div class="meta">Yayınlanma: 17 Nisan 2023</div>', date(2023, 4, 17)),
])
def test_month_names_of_our_users_languages_without_a_page_language(byline, expected):
    page = _page(byline=byline).replace(' lang="en"', "")
    assert extract(page, "https://x.test/a/walking", now=NOW.replace(year=2024)).published_date == expected


@pytest.mark.parametrize("cited,lang", [
    ("<p>The trial, published in JAMA on March 12, 2021, followed 2,000 adults for two years.</p>", "en"),
    ("<p>The WHO guideline released 12 March 2021 recommends exercise for older adults every day.</p>", "en"),
    ("<p>Die Studie wurde erstellt am 12.03.2021 und hat 2000 Erwachsene zwei Jahre lang begleitet.</p>", "de"),
    ("<ul class='x'><li><a href='/o'>An older story about knees</a> Posted Jan 9, 2021</li></ul>", "en"),
])
def test_an_update_alone_does_not_pick_up_a_date_the_article_cites(cited, lang):
    page = _page(byline='<p class="meta">Updated March 3, 2023</p>', lang=lang).replace("</article>", cited + "</article>")
    assert extract(page, "https://x.test/a/walking", now=NOW).published_date == date(2023, 3, 3)


def test_a_relative_byline_does_not_give_way_to_a_date_in_the_prose():
    now = NOW.replace(day=10)
    page = _page(byline='<p class="meta">3 hours ago</p>').replace(
        "</article>", "<p>On March 12, 2021 the ministry changed its advice for people over seventy.</p></article>")
    assert extract(page, "https://x.test/a/walking", now=now).published_date == date(2023, 5, 10)


@pytest.mark.parametrize("wrapper", ["site has-top-bar", "with-site-header", "layout-masthead"])
def test_a_page_wrapper_named_for_its_top_bar_is_not_chrome(wrapper):
    page = _page(byline='<p class="meta">Published 12 April 2023</p>').replace("<body>", f'<body><div class="{wrapper}">')
    page = page.replace("<article><h1>Walking backwards</h1>", '<div class="post"><h2 class="entry-title">Walking backwards</h2>')
    page = page.replace("</article>", "</div></div>")
    assert extract(page, "https://x.test/a/walking", now=NOW).published_date == date(2023, 4, 12)


COMMENTS = ('<div id="comments" class="comments-area"><ol class="ast-comment-list"><li class="comment">'
            '<div class="comment-meta">January 3, 2024 at 9:12 am</div><p>Thank you, doctor.</p></li></ol></div>')


def test_a_readers_comment_date_is_never_the_publication_date():
    modified = '<script type="application/ld+json">{"@type": "BlogPosting", "dateModified": "2023-04-12T15:30:00+08:00"}</script>'
    ex = extract(_page(head=modified, extra=COMMENTS), "https://x.test/walking-backwards/", now=NOW.replace(year=2024))
    assert ex.published_date == date(2023, 4, 12)
    # a post date in a block whose class only mentions comments is read
    byline = '<div class="wpcom-comments-date has-comments">Posted on April 12, 2023 / 2 comments</div>'
    ex = extract(_page(byline=byline, extra=COMMENTS), "https://x.test/walking-backwards/", now=NOW.replace(year=2024))
    assert ex.published_date == date(2023, 4, 12)


def test_an_embedded_videos_upload_day_is_not_the_articles():
    video = ('<script type="application/ld+json">{"@type": "VideoObject", "name": "Clip",'
             ' "uploadDate": "2015-01-16T14:53:35+01:00"}</script>')
    meta = '<meta property="article:published_time" content="2017-12-01T12:01:11+01:00">'
    ex = extract(_page(head=video + meta), "https://x.test/a/walking", now=NOW)
    assert (ex.published_date, ex.date_source) == (date(2017, 12, 1), "meta")
    # on a page that is only the video, its upload day is the page's
    ex = extract(_page(head=video), "https://x.test/a/walking", now=NOW)
    assert (ex.published_date, ex.date_source) == (date(2015, 1, 16), "json-ld")


def test_url_date_beats_a_date_in_the_text_and_slug_numbers_are_no_day():
    byline = '<p class="date">Published May 3, 2023</p>'
    ex = extract(_page(byline=byline), "https://x.test/2023/04/12/walking-backwards/", now=NOW)
    assert (ex.published_date, ex.date_source) == (date(2023, 4, 12), "url")
    ex = extract(_page(byline=byline), "https://x.test/2023/10/3-fragen-an-die-aerztin/", now=NOW.replace(year=2024))
    assert (ex.published_date, ex.date_source) == (date(2023, 5, 3), "markup")


def test_archive_org_capture_is_not_a_publication_date():
    banner = ('<div id="wm-ipp-base"><div id="wm-ipp">The Wayback Machine captured this page on '
              '<span class="date">07 Mar 2013 19:44:48</span></div></div>')
    html = _page(extra="").replace("<body>", "<body>" + banner)
    url = "https://web.archive.org/web/20130307194448/http://walking.example.org/2008/05/26/backwards.html"
    ex = extract(html, url, now=NOW)
    assert (ex.published_date, ex.date_source) == (date(2008, 5, 26), "url")
    ex = extract(html, "https://web.archive.org/web/20130307194448/http://walking.example.org/backwards", now=NOW)
    assert ex.published_date is None and "no_date" in ex.flags
    assert "Wayback" not in ex.body


def test_a_copyright_year_is_not_a_day():
    ex = extract(_page(extra="<footer><p>© 2021 Walking Notes</p></footer>"), "https://x.test/a", now=NOW)
    assert ex.date_source == "fallback" and {"date_year_only", "date_uncertain"} <= set(ex.flags)


@pytest.mark.parametrize("lang,hint,extra,expected,ambiguous", [
    ("en", None, "", date(2023, 5, 4), True),  # bare English: US or UK? day first, flagged
    ("en", "MDY", "", date(2023, 4, 5), False),
    ("en-US", None, "", date(2023, 4, 5), False),
    ("en-GB", None, "", date(2023, 5, 4), False),
    ("de", None, "", date(2023, 5, 4), False),
    ("en", None, "<p class='note'>Reviewed 12/25/2022</p>", date(2023, 4, 5), False),  # the page's own order
    ("en", None, "<p class='note'>Reviewed 25/12/2022</p>", date(2023, 5, 4), False),
])
def test_ambiguous_numeric_dates(lang, hint, extra, expected, ambiguous):
    html = _page(byline='<p class="date">Posted 04/05/2023</p>', lang=lang, extra=extra)
    ex = extract(html, "https://x.test/a/walking", now=NOW.replace(year=2024), date_order=hint)
    assert ex.published_date == expected
    assert ("date_ambiguous" in ex.flags) is ambiguous


def test_ambiguous_numeric_date_settled_by_the_url_month():
    html = _page(byline='<p class="date">Posted 04/05/2023</p>')
    ex = extract(html, "https://x.test/2023/04/walking.html", now=NOW.replace(year=2024))
    assert ex.published_date == date(2023, 4, 5) and "date_ambiguous" not in ex.flags


def test_locale_stands_in_for_a_missing_html_lang():
    html = _page(byline='<p class="date">Posted 04/05/2023</p>').replace(' lang="en"', "")
    assert extract(html, "https://x.test/a", now=NOW.replace(year=2024), locale="en-US").published_date == date(2023, 4, 5)


def test_read_numeric_and_orders():
    assert read_numeric(4, 5, 2023, "/", None) == (date(2023, 5, 4), True)
    assert read_numeric(4, 5, 2023, ".", None) == (date(2023, 5, 4), False)
    assert read_numeric(13, 5, 2023, "/", "MDY") == (date(2023, 5, 13), False)
    assert read_numeric(4, 25, 2023, "-", None) == (date(2023, 4, 25), False)
    assert order_from_language("en-US") == "MDY" and order_from_language("fr") == "DMY"
    assert order_from_language("en") is None and order_from_language(None) is None
    assert order_from_text("on 12/31/2022 and 1/2/2023") == "MDY"
    assert order_from_text("on 31/12/2022 and 12/31/2022") is None
    assert page_languages("pt-BR") == ("pt", "en") and page_languages(None)[0] == "en"


def test_dateparser_is_loaded_by_the_first_date_that_needs_it():
    import subprocess
    import sys

    from cleaning.extract import date_text

    fresh = subprocess.run([sys.executable, "-c", "from cleaning.extract import extract, date_text; "
                            "print(date_text._parser.cache_info().currsize)"], capture_output=True, text=True,
                           check=True)
    assert fresh.stdout.strip() == "0"  # importing `extract` left it for the first date that needs it
    date_text._parser.cache_clear()
    date_text._month_name_date.cache_clear()
    stamped = _page(head='<meta property="article:published_time" content="2023-04-05T10:00:00Z">')
    assert extract(stamped, "https://x.test/a/stamped", now=NOW).published_date == date(2023, 4, 5)
    assert date_text._parser.cache_info().currsize == 0  # its data (~0.25 s) not loaded for a page that did not need it
    assert date_text._month_name_date("6 августа 2009", date_text.DEFAULT_LANGUAGES) == date(2009, 8, 6)
    assert date_text._parser.cache_info().currsize == 1


def test_a_reading_in_the_future_settles_the_order():
    html = _page(byline='<p class="date">Posted 04/05/2023</p>')  # seen on 1 May 2023: not 4 May
    ex = extract(html, "https://x.test/a/walking", now=NOW)
    assert ex.published_date == date(2023, 4, 5) and "date_ambiguous" not in ex.flags


def test_date_lines_leave_the_body_in_several_languages_but_numbers_stay():
    from cleaning.extract.body_lines import clean_lines

    lines = ["Veröffentlicht am 6. August 2009", "Mis à jour le 6 août 2009", "Published 12 April 2023",
             "3 Kinder 2022", "10 Prozent 2023", "Walking backwards helps the lower back, doctors say."]
    assert clean_lines(lines, set()) == ["3 Kinder 2022", "10 Prozent 2023",
                                         "Walking backwards helps the lower back, doctors say."]


@pytest.mark.parametrize("text,expected", [("令和元年5月1日", date(2019, 5, 1)), ("平成30年12月31日", date(2018, 12, 31)),
                                           ("昭和64年1月7日", date(1989, 1, 7))])
def test_japanese_era_dates(text, expected):
    assert parse_text(text, now=NOW) == expected


def _ld(*objects: str) -> str:
    return f'<script type="application/ld+json">{{"@context": "https://schema.org", "@graph": [{", ".join(objects)}]}}</script>'


@pytest.mark.parametrize("head", [
    _ld('{"@type": "NewsArticle", "headline": "Walking backwards", "datePublished": 1681286400}'),
    _ld('{"@type": "NewsArticle", "headline": "Walking backwards", "datePublished": "1681286400000"}'),
    '<meta property="article:published_time" content="1681286400">',
])
def test_unix_timestamps_in_json_ld_and_meta_are_read(head):
    """Headless CMSs write Unix seconds or milliseconds (here 2023-04-12 08:00 UTC)."""
    assert extract(_page(head=head), "https://x.test/a/walking", now=NOW).published_date == date(2023, 4, 12)


def test_the_articles_json_ld_date_comes_before_the_web_pages():
    """Yoast's @graph: a WebPage (here dated by the page's creation) before the NewsArticle; an ItemList's member
    articles still come after the page's own objects."""
    head = _ld('{"@type": "WebPage", "name": "Walking backwards", "datePublished": "2019-01-01T00:00:00+00:00"}',
               '{"@type": "ItemList", "itemListElement": [{"@type": "NewsArticle", "headline": "Other", '
               '"datePublished": "2020-02-02T10:00:00+01:00"}]}',
               '{"@type": "NewsArticle", "headline": "Walking backwards", "datePublished": "2023-04-12T10:00:00+02:00"}')
    assert extract(_page(head=head), "https://x.test/a/walking", now=NOW).published_date == date(2023, 4, 12)
    listed_only = _ld('{"@type": "WebPage", "name": "Walking backwards", "datePublished": "2023-04-12T10:00:00+02:00"}',
                      '{"@type": "ItemList", "itemListElement": [{"@type": "NewsArticle", "headline": "Other", '
                      '"datePublished": "2020-02-02T10:00:00+01:00"}]}')
    assert extract(_page(head=listed_only), "https://x.test/a/walking", now=NOW).published_date == date(2023, 4, 12)



@pytest.mark.parametrize("byline,lang", [
    ('<time datetime="6 августа 2009">6.08</time>', "ru"),
    ('<time class="updated" datetime="6. August 2009">gestern</time>', "de"),
    ('<time datetime="August 6, 2009">Thursday</time>', "en"),
])
def test_a_time_value_written_for_people_is_read_in_the_pages_language(byline, lang):
    """HTML asks <time datetime> for a machine-readable value; pages also write it for people."""
    ex = extract(_page(byline=byline, lang=lang), "https://x.test/a/walking", now=NOW)
    assert (ex.published_date, ex.date_source) == (date(2009, 8, 6), "time")


def test_a_time_value_that_is_a_duration_is_no_date():
    ex = extract(_page(byline='<time datetime="PT5M">5 min read</time>'), "https://x.test/a/walking", now=NOW)
    assert ex.published_date is None


@pytest.mark.parametrize("byline,lang,expected", [
    ('<p class="date">05 Mar 19</p>', "en", date(2019, 3, 5)),
    ('<span class="post-date">12 мая 19</span>', "ru", date(2019, 5, 12)),
    ('<p class="date">Mar. 5, 98</p>', "en", date(1998, 3, 5)),
])
def test_a_two_digit_year_in_a_date_classed_element(byline, lang, expected):
    ex = extract(_page(byline=byline, lang=lang), "https://x.test/a/walking", now=NOW)
    assert (ex.published_date, ex.date_source) == (expected, "markup")


def test_a_two_digit_year_is_written_out_only_in_a_day_month_date():
    from cleaning.extract.date_text import with_full_year

    today = date(2026, 12, 3)
    assert with_full_year("Posted 05 Mar 19 by", today) == "Posted 05 Mar 2019 by"
    assert with_full_year("05 Mar 27", today) == "05 Mar 1927"  # not in the future
    assert with_full_year("05 Mar 19:30", today) is None  # a time of day
    assert with_full_year("05 Mar 2019", today) is None
    ex = extract(_page(byline='<p>We walked 12 May 19 times.</p>'), "https://x.test/a/walking", now=NOW)
    assert ex.published_date is None  # prose: a count, not a date


@pytest.mark.parametrize("label", ["publication", "date-publication", "publicado", "fecha-publicacion"])
def test_a_time_in_an_element_named_for_the_publication_beats_a_pubdate_further_down(label):
    """A French magazine's header says "Le <time datetime=...>28 juin 2019</time>" in `<p class="publication">`; a
    readers' forum teaser further down marks its own post's day with the obsolete `pubdate` attribute."""
    body = "".join(f"<p>Paragraphe {i} de l'article, assez long pour en être un, sur la santé publique.</p>"
                   for i in range(6))
    page = (f'<html lang="fr"><head><title>Chronique</title></head><body><article><header><h1>Chronique</h1>'
            f'<p class="{label}">Le <time datetime="2019-06-28T13:49:45Z">28 juin 2019</time></p></header>{body}'
            '</article><div class="forum"><p>Un lecteur répond (...)</p><p class="info">Le <time '
            'datetime="2019-09-22T07:30:29Z" pubdate>22 septembre</time>, par Kevin</p></div></body></html>')
    ex = extract(page, url="https://example.fr/magazine/chroniques/une-chronique")
    assert ex.published_date == date(2019, 6, 28), (ex.published_date, ex.date_source)


def test_a_month_name_in_a_script_the_page_does_not_declare_is_read_in_that_scripts_languages():
    """An Arabic portal with a bare `<html>` writes its article:published_time for people ("Wednesday, 07 October
    2020 - 12:09 PM" in Arabic); the default languages cannot read it, and the site's creation_date meta (the
    year 2000) won."""
    body = "".join(f"<p>فقرة {i} من المقال عن الصحة العامة والتغذية السليمة للأطفال في المدارس.</p>" for i in range(5))
    page = ('<html><head><title>خبر</title><meta property="article:published_time" content="الأربعاء، 07 أكتوبر 2020 - '
            '12:09 م" /><meta name="creation_date" content="10-Nov-2000" /></head><body><article><h1>خبر</h1>'
            f'{body}</article></body></html>')
    ex = extract(page, url="https://portal.example/news/newdetails/3126898/1/x")
    assert ex.published_date == date(2020, 10, 7), (ex.published_date, ex.date_source)


@pytest.mark.parametrize("shown,expected", [("06.01.2022", date(2022, 1, 6)), ("04.01.2022", date(2022, 1, 4)),
                                            (None, date(2022, 1, 4))])
def test_when_json_ld_and_the_meta_disagree_the_day_the_page_shows_settles_it(shown, expected):
    """JSON-LD says the article was published on the 4th, the meta's article:published_time the 6th: the page's
    own date line decides; without one, JSON-LD's (the more precise source) stays."""
    body = "".join(f"<p>Absatz {i}: Mit dem Camper durch Schweden, mit Tipps zu Stellplätzen und Routen.</p>"
                   for i in range(5))
    line = f'<div class="article-info"><span class="info-item">{shown}</span></div>' if shown else ""
    page = ('<html lang="de"><head><title>Vanlife</title><meta property="article:published_time" '
            'content="2022-01-06T08:29:34" /><script type="application/ld+json">{"@context": "https://schema.org", '
            '"@type": "NewsArticle", "headline": "Vanlife", "datePublished": "2022-01-04T07:29:00.000Z"}</script>'
            f'</head><body><article><h1>Vanlife</h1>{line}{body}</article></body></html>')
    ex = extract(page, url="https://magazin.example/szene/vanlife-in-schweden/")
    assert ex.published_date == expected, (ex.published_date, ex.date_source)


_NOTA = "".join(f"<p>Párrafo {i} de la nota, con lo que dijo el tribunal y lo que viene después para la causa.</p>"
                for i in range(5))


def _nota(published: str, before: str, after: str) -> str:
    """A Spanish-language story page whose JSON-LD says `published`, its body between `before` and `after`."""
    return ('<html lang="es"><head><title>Nota</title><script type="application/ld+json">{"@type": "NewsArticle", '
            f'"headline": "Nota", "datePublished": "{published}"}}</script></head><body>{before}{_NOTA}{after}'
            '</body></html>')


def test_an_e_mail_style_instant_in_json_ld_is_the_publishers_local_day():
    """JSON-LD written as RSS writes dates ("Wed, 04 May 2022 00:25:56 GMT") on an Argentine site: 9:25 PM on
    the 3rd in Buenos Aires, not the 4th."""
    page = _nota("Wed, 04 May 2022 00:25:56 GMT", "<article><h1>Nota</h1>", "</article>")
    ex = extract(page, url="https://www.diario.example.com.ar/deportes/la-jugada-nid03052022/")
    assert ex.published_date == date(2022, 5, 3), (ex.published_date, ex.date_source)


def test_the_date_line_under_the_headline_settles_a_utc_instant_not_the_sites_today_in_its_header():
    """A Paraguayan site (.com, lang "es": no zone) states 22:12 UTC on the 5th; its header shows today's date
    ("06 may 2022", the day the page was saved), its headline line "05 de mayo de 2022"."""
    page = _nota("2022-05-05T22:12:00 UTC", '<header><div class="date-wrapper"><span class="date">06 may 2022</span>'
                 '</div></header><article><h1>Nota</h1><time class="date">05 de mayo de 2022</time>', "</article>")
    ex = extract(page, url="https://www.noticias.example.com/tribunal-confirma-n2999999.html")
    assert ex.published_date == date(2022, 5, 5), (ex.published_date, ex.date_source)


def test_the_first_date_classed_element_in_page_order_wins_whichever_library_reads_it():
    """The post's "miércoles, 4 de mayo de 2022" (read in the page's language) comes before a teaser list's
    "03-05-2022" (which htmldate reads without help): the post's day is the first."""
    teasers = "".join(f"<div class='card'><a href='/n{i}'>Otra nota {i}</a><div class='author'>Redacción</div>"
                      f"<div class='h6 inline-block date'>03-05-2022</div></div>" for i in range(3))
    page = ('<html lang="es"><head><title>Nota</title></head><body><main><section class="story-title"><header>'
            '<h1>Nota</h1></header></section><div class="story-content"><article><div class="story-subtitle">'
            '<div class="story-meta-datetime"><span><strong class="date">miércoles, 4 de mayo de 2022</strong></span>'
            f'</div></div>{_NOTA}</article></div><aside class="mas">{teasers}</aside></main></body></html>')
    ex = extract(page, url="https://www.diario.example.cl/espectaculos/noticia/nota/")
    assert ex.published_date == date(2022, 5, 4), (ex.published_date, ex.date_source)
