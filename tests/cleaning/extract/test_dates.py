from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from cleaning.extract.dates import from_url, parse_text, plausible

NOW = datetime(2023, 5, 1, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", [
    "April 12, 2023", "12 April 2023", "2023-04-12 14:32", "2023/4/12", "Apr. 12, 2023", "12th of April 2023",
    "2023年4月12日", "Published: 12.04.2023", "Posted on April 12, 2023 by Dr. Li", "2023-04-12T14:32:00+08:00",
    "Wednesday, 12 April 2023",
])
def test_formats(text):
    assert parse_text(text, now=NOW) == date(2023, 4, 12)


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
