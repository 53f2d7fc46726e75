"""Trap detection (crawler/traps.py): calendars, session ids, repeating paths, query explosions."""

from __future__ import annotations

from datetime import datetime, timezone

from crawler.traps import TrapDetector

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def test_articles_and_listings_are_no_traps() -> None:
    traps = TrapDetector(variants=5, now=NOW)
    for url in ("https://a.org/2026/05/31/walk-daily.html", "https://a.org/a/1850.html", "https://a.org/news?page=9",
                "https://a.org/tag/sleep/", "https://a.org/x?utm=1&id=4", "https://a.org/cal/2026/05/"):
        assert traps.check(url) == (None, url)
    assert not traps.counts


def test_a_calendar_far_in_the_future_or_the_past_is_a_trap() -> None:
    traps = TrapDetector(now=NOW)
    assert traps.check("https://a.org/events/2031/01/")[0] == "calendar"
    assert traps.check("https://a.org/events?month=1985-04")[0] == "calendar"
    assert traps.check("https://a.org/events?year=1900&month=3")[0] == "calendar"
    assert traps.check("https://a.org/events/2027/12/")[0] is None  # next year: may be planned


def test_one_calendar_template_with_too_many_dates_is_a_trap() -> None:
    traps = TrapDetector(calendar_variants=12, now=NOW)
    months = [f"https://a.org/cal/{2020 + m // 12}/{m % 12 + 1:02d}/" for m in range(30)]
    kinds = [traps.check(url, before)[0] for before, url in zip(["https://a.org/cal/", *months], months)]
    assert kinds == [None] * 13 + ["calendar"] * 17  # the first month is linked from outside the calendar
    assert traps.check(months[3], months[2])[0] is None  # seen before: not a new date
    assert traps.counts["calendar"] == 17


def test_session_ids_are_removed_and_counted() -> None:
    traps = TrapDetector(now=NOW)
    assert traps.check("https://a.org/topics/?sid=ab12&q=x") == ("session_id", "https://a.org/topics/?q=x")
    assert traps.check("https://a.org/p;jsessionid=F00D?x=1") == ("session_id", "https://a.org/p?x=1")
    assert traps.check("https://a.org/p?PHPSESSID=1") == ("session_id", "https://a.org/p")
    assert traps.counts["session_id"] == 3


def test_repeating_and_endless_paths() -> None:
    traps = TrapDetector(segment_repeats=3, path_depth=6, now=NOW)
    assert traps.check("https://a.org/a/b/a/b/")[0] is None
    assert traps.check("https://a.org/a/b/a/b/a/")[0] == "repeating_path"
    assert traps.check("https://a.org/1/2/3/4/5/6/7")[0] == "repeating_path"


def test_query_explosions_but_not_page_numbers() -> None:
    traps = TrapDetector(variants=4, now=NOW)
    kinds = [traps.check(f"https://a.org/search?q=x&sort={s}")[0] for s in range(6)]
    assert kinds == [None] * 4 + ["query_explosion"] * 2
    assert all(traps.check(f"https://a.org/list?page={n}")[0] is None for n in range(50))
    many = "&".join(f"f{i}=1" for i in range(11))
    assert traps.check(f"https://a.org/other?{many}")[0] == "query_explosion"
    assert traps.check("https://b.org/search?q=x&sort=9")[0] is None  # another site, its own counts


def test_calendar_families_trip_after_a_few_dates_whatever_their_form() -> None:
    # Within the years articles are written in: only the number of dates of one family gives them away.
    families = {
        "path year/month": lambda y, m: f"https://a.org/calendar/{y}/{m:02d}/",
        "query month": lambda y, m: f"https://a.org/events?month={y}-{m:02d}",
        "query year and month": lambda y, m: f"https://a.org/events?year={y}&month={m}",
        "path day": lambda y, m: f"https://a.org/calendar/{y}-{m:02d}-01",
        "under a section": lambda y, m: f"https://a.org/news/{y}/{m}/",
    }
    for name, url in families.items():
        traps = TrapDetector(variants=500, calendar_variants=24, now=NOW)
        months = [url(2026 - n // 12, 12 - n % 12) for n in range(60)]  # five years back, month by month
        # The first month is linked from the home page; each month's page links the month before.
        kinds = [traps.check(months[0], "https://a.org/")[0]]
        kinds += [traps.check(u, before)[0] for before, u in zip(months, months[1:])]
        assert kinds == [None] * 25 + ["calendar"] * 35, name
        assert traps.counts["calendar"] == 35, name
        assert traps.check(months[5], months[4])[0] is None, name  # a date already seen is no new one


def test_a_blogs_own_archive_months_are_all_followed() -> None:
    """Ten years of monthly archives listed on the home page (and again on every archive page) are the
    site's own: none is held back, while a walk past them from an archive page still trips."""
    traps = TrapDetector(variants=500, calendar_variants=24, now=NOW)
    months = [f"https://blog.org/{2026 - n // 12}/{12 - n % 12:02d}/" for n in range(120)]
    assert all(traps.check(u, "https://blog.org/")[0] is None for u in months)
    assert all(traps.check(u, months[7])[0] is None for u in months)  # the archive sidebar on a month page
    older = [f"https://blog.org/{2016 - n // 12}/{12 - n % 12:02d}/" for n in range(30)]
    walked = [traps.check(u, before)[0] for before, u in zip([months[-1], *older], older)]
    assert walked == [None] * 24 + ["calendar"] * 6
    assert traps.counts["calendar"] == 6


def test_dated_articles_are_never_held_back() -> None:
    traps = TrapDetector(variants=500, calendar_variants=3, now=NOW)
    urls = [f"https://a.org/{2020 + n % 6}/{n % 12 + 1:02d}/{n % 28 + 1:02d}/story-{n}.html" for n in range(1000)]
    urls += [f"https://a.org/news/2025-03-{n % 28 + 1:02d}-item-{n}" for n in range(200)]
    urls += [f"https://a.org/article?id={n}&date=2025-03-{n % 28 + 1:02d}" for n in range(200)]
    assert all(traps.check(u) == (None, u) for u in urls)
    assert not traps.counts
    # ... while their site's calendar is stopped at its third month.
    months = [f"https://a.org/{y}/{m:02d}/" for y, m in ((2026, 5), (2026, 4), (2026, 3), (2026, 2), (2026, 1))]
    assert [traps.check(u, before)[0] for before, u in zip(["https://a.org/", *months], months)] \
        == [None, None, None, None, "calendar"]
