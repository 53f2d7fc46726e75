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
    traps = TrapDetector(variants=12, now=NOW)
    months = [f"https://a.org/cal/{2020 + m // 12}/{m % 12 + 1:02d}/" for m in range(30)]
    kinds = [traps.check(url)[0] for url in months]
    assert kinds == [None] * 12 + ["calendar"] * 18
    assert traps.check(months[3])[0] is None  # seen before: not a new date
    assert traps.counts["calendar"] == 18


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
