"""The publication day a page's stated values give: the first published stamp, a UTC instant made the
publisher's local day (`dates` asks it; `zones` knows the zones)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from . import zones
from .date_sources import MIDNIGHT, Stamp

#: the zones a date shown in the page's text may move a UTC instant to: UTC-9 (Alaska) to UTC+9 (China +8,
#: Japan and Korea +9); farther zones come from the page's language or domain (`zones`)
SHOWN_MAX_OFFSET = 9


def local_stamp(stamps: list[Stamp], shown: list[Stamp], lang: str | None, url: str | None,
           visible: Callable[[], date | None] | None = None) -> Stamp | None:
    """The first published stamp; a UTC instant becomes the publisher's local day.

    The local day is another stated value without UTC that falls in the instant's window (a day
    either side: a published value, else a <time> the page shows, else the date the page's text shows,
    `visible()`: "2023-06-20 06:58" in Beijing is 2023-06-19T22:58Z), else the instant converted to the
    zone of the page's language or country domain (`zones`), else the UTC day."""
    if not stamps:
        return None
    first = stamps[0]
    if visible is not None and first.source == "json-ld" and any(
            s.source == "meta" and s.day not in first.local_days() for s in stamps[1:]):
        # JSON-LD's datePublished and the meta's article:published_time disagree (by days: one of them is a
        # draft's or a republished page's): the meta's, when it is the day the page shows its readers
        seen = visible()
        agreeing = [s for s in stamps if s.source == "meta" and s.day == seen] if seen is not None else []
        if agreeing and seen not in first.local_days():
            first = agreeing[0]
    if first.instant is MIDNIGHT:  # a date field; or the evening before, in America, when the page shows it
        seen = visible() if visible is not None else None
        if seen is not None and seen == first.day - timedelta(days=1):
            return Stamp(seen, first.source, key=first.key)
        return first
    if not first.utc:
        return first
    window = first.local_days()
    for other in (*stamps[1:], *shown):
        if not other.utc and other.day in window:
            return Stamp(other.day, first.source, key=first.key)
    local = zones.local_day(first.instant, lang, url) if first.instant else None
    if visible is not None and first.instant is not None:
        # What the text shows is weaker evidence than a stated value (a site's "today" line, the dates of
        # other articles): it counts only for a day the instant falls on within SHOWN_MAX_OFFSET hours.
        near = {(first.instant + timedelta(hours=h)).date() for h in (-SHOWN_MAX_OFFSET, 0, SHOWN_MAX_OFFSET)}
        # One day there, the zone's (or UTC's) own: the text could only confirm it, and reading it is a page search
        if near != {local or first.day}:
            seen = visible()
            if seen is not None and seen in near:
                return Stamp(seen, first.source, key=first.key)
    return Stamp(local, first.source, key=first.key) if local else first
