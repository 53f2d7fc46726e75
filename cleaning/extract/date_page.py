"""A page's text as the date code reads it, and the day-month order settled on one page: the caller's
hint, the page's own unambiguous numeric dates, its language, then the URL (`DateContext`,
`settle_order`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree
from lxml.html import HtmlElement

from .date_order import DMY, MDY, numeric_dates, order_from_language, order_from_text
from .date_text import parse_text, patterns_for, plausible

_VISIBLE_TEXT = etree.XPath(
    "descendant::body/descendant::text()[not(parent::script or parent::style or parent::noscript or parent::template)]",
    smart_strings=False)  # plain strings: a fifth faster, and only their text is used


def page_text(tree: HtmlElement) -> str:
    """The page's text without scripts and styles (at most 200,000 characters)."""
    try:
        return " ".join(_VISIBLE_TEXT(tree))[:200_000]
    except ValueError:
        return ""


def page_date_order(tree: HtmlElement, text: str | None = None) -> str | None:
    """The order the page's unambiguous numeric dates show, as evidence for the other pages of its site;
    None when it has none. `text` is the page's `page_text`, when the caller has it already.

    The page text is read, never the source first: searching the whole source for a numeric date cost
    twice the text itself (5 ms a page on the dev sets, scripts and styles full of digits)."""
    return order_from_text(page_text(tree) if text is None else text)


@dataclass
class DateContext:
    """What decides a numeric day-month order on one page: hint, then page evidence, then language."""

    hint: str | None = None  # "DMY"/"MDY" from the caller (site profile, site-wide evidence)
    lang: str | None = None  # <html lang> or the caller's locale
    tree: HtmlElement | None = None  # the page, read only when a numeric date needs it
    url_day: date | None = None
    url_month: tuple[int, int] | None = None  # /2023/04/ in the URL
    _text: str | None = field(default=None, repr=False)
    _order: str | None = field(default=None, repr=False)
    _done: bool = field(default=False, repr=False)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = page_text(self.tree) if self.tree is not None else ""
        return self._text

    def order(self) -> str | None:
        if not self._done:
            self._order = (self.hint if self.hint in (DMY, MDY) else None) or order_from_text(self.text) \
                or order_from_language(self.lang)
            self._done = True
        return self._order


def settle_order(found: date, ctx: DateContext, now: datetime | None = None) -> tuple[date, bool]:
    """Re-reads a date found in text when the page writes it as an ambiguous a/b/yyyy.

    The date matches one reading of such a number (or is htmldate's month-only fallback for it,
    when the day-first reading lay in the future). A reading in the future is out; then the
    order (hint, page evidence, language); then a URL day or month that matches one reading;
    else the day-first reading, flagged. Returns (date, still ambiguous)."""
    for m in numeric_dates(ctx.text):
        sep, a, b, year = m.group(2), int(m.group(1)), int(m.group(3)), int(m.group(4))
        if sep == "." or year != found.year or a > 12 or b > 12 or a == b:
            continue
        readings = {DMY: safe_date(year, b, a), MDY: safe_date(year, a, b)}
        if found not in readings.values() and not (found.day == 1 and any(
                d and (d.year, d.month) == (found.year, found.month) for d in readings.values())):
            continue
        possible = {k: d for k, d in readings.items() if plausible(d, now)}
        if len(possible) == 1:
            return next(iter(possible.values())), False
        weekday = _WEEKDAY.search(ctx.text, max(0, m.start() - 30), m.start())
        before = (weekday.group("before") or "").strip() if weekday is not None else ""
        if weekday is not None and (not before[:1].isupper() or before.lower() in _DATE_LABELS):
            # "Tue, 03/05/2019": the weekday the site prints settles it
            named = _WEEKDAYS.index(weekday.group(2).lower()[:3])
            same = [d for d in possible.values() if d.weekday() == named]
            if len(same) == 1:
                return same[0], False
        order = ctx.order()
        if order is not None:
            return readings[order] or found, False
        if ctx.url_day in readings.values():
            return ctx.url_day, False
        by_month = [d for d in readings.values() if d and (d.year, d.month) == ctx.url_month]
        if len(by_month) == 1:
            return by_month[0], False
        return readings[DMY] or found, True
    return found, False


_DATE_LABELS = {"posted", "published", "updated", "submitted", "on", "date", "dated", "modified", "created"}
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A weekday right before the date: written out, or abbreviated with its point or comma ("Tue, 03/05/2019"); not a
# name's last word ("the Baltimore Sun 03/05/2023")
_WEEKDAY = re.compile(r"(?<![\w.])(?P<before>[A-Z]\w*\s+)?\b(mon|tue|wed|thu|fri|sat|sun)"
                      r"(?:(?:day|sday|nesday|rsday|urday)\b,?|s?[.,])\s*$", re.I)


def written_on_page(text: str, day: date, limit: int = 500) -> bool:
    """True when the page text writes out this very day (not only its month or year)."""
    year = str(day.year)
    for _, pat in patterns_for(text):
        for seen, m in enumerate(pat.finditer(text)):
            if seen >= limit:
                break
            if year in m.group(0) and parse_text(m.group(0)) == day:
                return True
    return False


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
