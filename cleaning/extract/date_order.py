"""Day-month order of numeric dates (04/05/2023): reading one number triple, and the order a
language tag or a page's own unambiguous numeric dates imply."""

from __future__ import annotations

import re
from datetime import date

DMY, MDY = "DMY", "MDY"
# A numeric day-month-year or month-day-year date: 12.04.2023, 12/04/2023, 12 | 04 | 2023. It opens with a
# digit, and the word boundary before it is tested behind that digit ((?<!\w\d)): a pattern that starts with a
# character class lets the regex engine skip to the next digit in C, where a leading (?=\d)\b tried every
# position (the same matches and groups, found 1.8 times faster in a page's text)
NUMERIC_DATE = re.compile(r"(\d(?<!\w\d)\d?)\s?([./-]|\s\|\s)\s?(\d{1,2})\s?\2\s?(\d{4})\b")
# Languages/regions whose numeric dates are month-first; English without a region decides nothing.
_MONTH_FIRST_LANGS = re.compile(r"^en[-_](?:us|ph|ca)\b|^(?:fil|tl)\b", re.I)


def read_numeric(a: int, b: int, year: int, sep: str, order: str | None) -> tuple[date | None, bool]:
    """(date, ambiguous) of a day-month-year or month-day-year number triple.

    Dots mean day first (12.04.2023) everywhere they are used; with / and - the order is only
    certain when one number is above 12, else `order` decides, else day first and ambiguous.
    """
    ambiguous = False
    if a > 12 or sep == ".":
        day_first = True
    elif b > 12:
        day_first = False
    elif a == b:
        day_first = True
    elif order in (DMY, MDY):
        day_first = order == DMY
    else:
        day_first, ambiguous = True, True
    try:
        return (date(year, b, a) if day_first else date(year, a, b)), ambiguous
    except ValueError:
        return None, False


def order_from_language(lang: str | None) -> str | None:
    """Numeric date order a language tag implies: en-US month first, other regional or non-English
    tags day first, bare 'en' (US or UK?) nothing."""
    lang = (lang or "").strip().lower()
    if not lang:
        return None
    if _MONTH_FIRST_LANGS.search(lang):
        return MDY
    if lang == "en" or lang.startswith("en-") and len(lang) < 5 or lang.startswith(("zh", "ja", "ko", "hu", "lt")):
        return None  # bare English; CJK and a few others write year first, which says nothing here
    return DMY


_LAST: tuple[str, list[re.Match]] = ("", [])


def numeric_dates(text: str) -> list[re.Match]:
    """The NUMERIC_DATEs of a text, in order. The page's text is searched once for the order it shows
    (`order_from_text`, on every page) and for the date read in it (`date_page.settle_order`): the last text's
    matches are kept (the very same string object, so no hashing of a page's text)."""
    global _LAST
    last = _LAST
    if last[0] is not text:
        last = _LAST = (text, list(NUMERIC_DATE.finditer(text)))
    return last[1]


def order_from_text(text: str) -> str | None:
    """The order the page's own unambiguous numeric dates show (25/03/2024 is day first)."""
    day_first = month_first = 0
    for m in numeric_dates(text):
        if m.group(2) == ".":
            continue
        a, b = int(m.group(1)), int(m.group(3))
        if a > 12 and b <= 12:
            day_first += 1
        elif b > 12 and a <= 12:
            month_first += 1
    if day_first and not month_first:
        return DMY
    if month_first and not day_first:
        return MDY
    return None
