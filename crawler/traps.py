"""Crawler traps: URL spaces a site generates without end, detected before a request is made.

- `calendar`: a date in the URL far outside the years articles are written in (an endless "next month"),
  or a calendar-like URL family that walks itself through more than HEALTH_TRAP_CALENDAR_VARIANTS (default
  24) new dates. A family is the URL with its date-like parts (year/month[/day] in the path or a query
  value, `/2024/03/`, `/calendar/2024-03-01`, `?month=2024-03`, `?year=2024&month=3`) taken out: the pages
  of a calendar differ only there. Only dates linked from a page of the same family count (a calendar's
  "next month"): the months a site lists elsewhere (a blog's archive list on its home page or articles,
  its sitemap) are its own, however many, and stay followed even when its archive pages list them again.
  A dated article (`/2024/03/12/some-slug.html`) keeps its slug, so each article is a family of its own
  and never held back;
- `session_id`: a session token in the query or path (`sid=`, `PHPSESSID=`, `;jsessionid=`): the token is
  removed and the URL without it is followed, so the page itself is not lost;
- `repeating_path`: a path segment repeated HEALTH_TRAP_SEGMENT_REPEATS times, or a path deeper than
  HEALTH_TRAP_PATH_DEPTH segments (`/a/b/a/b/a/b/...`, relative links that grow);
- `query_explosion`: more than HEALTH_TRAP_URL_VARIANTS query strings on one path (filters, sort orders
  and tracking in every combination; page numbers are not counted, the listing budget bounds those), or
  more than 10 query parameters.

Each detection is counted in the stats as `health/traps/<kind>`. Memory is bounded: per path (or calendar
family) only the first HEALTH_TRAP_URL_VARIANTS (HEALTH_TRAP_CALENDAR_VARIANTS) variants are remembered (as
hashes), then a count.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.pagination import PAGE_PARAMS

SESSION_PARAMS = frozenset({"sid", "sessionid", "session_id", "session", "sess", "phpsessid", "jsessionid",
                            "aspsessionid", "cfid", "cftoken", "zenid", "oscsid", "s_id"})
_PATH_SESSION = re.compile(r";(jsessionid|sid|phpsessid)=[^/?#]*", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:1[89]|2\d)\d{2})(?!\d)")
# A year and a month (and a day): 2026/11, 2026-11-30, 1999_01. A bare number is no date.
_DATE = re.compile(r"(?<!\d)((?:1[89]|2\d)\d{2})([-/_.])(0?[1-9]|1[0-2])(?:\2(0?[1-9]|[12]\d|3[01]))?(?!\d)")
DATE_PARAMS = frozenset({"year", "month", "day", "date", "week", "ym", "ymd", "cal", "calendar"})
MAX_QUERY_PARAMS = 10
OLDEST_YEAR = 1990  # before the web; a calendar that far back is walking, not publishing


class TrapDetector:
    """Judges each URL before it becomes a request: `check(url)` -> (trap kind or None, URL to follow)."""

    def __init__(self, variants: int = 200, segment_repeats: int = 3, path_depth: int = 16,
                 now: datetime | None = None, calendar_variants: int = 24) -> None:
        self.variants = variants
        self.calendar_variants = calendar_variants
        self.segment_repeats = segment_repeats
        self.path_depth = path_depth
        self.newest_year = (now or datetime.now(timezone.utc)).year + 1
        self._query_variants: dict[tuple[str, str], set[int]] = {}
        self._date_variants: dict[tuple[str, str], set[int]] = {}
        self._date_listed: dict[tuple[str, str], set[int]] = {}  # dates a page outside the family linked
        self.counts: Counter[str] = Counter()

    def check(self, url: str, source: str | None = None) -> tuple[str | None, str]:
        """The trap kind the URL falls in (None: no trap) and the URL to request instead (session ids
        stripped); a URL in any other trap is not to be requested. `source`: the page the link is on
        (None: a sitemap or a start URL)."""
        kind, url = self._strip_session(url)
        parts = urlsplit(url)
        trap = self._repeating_path(parts.path) or self._calendar(parts, source) or self._query_explosion(parts)
        if trap:
            self.counts[trap] += 1
            return trap, url
        if kind:
            self.counts[kind] += 1
        return kind, url

    def _strip_session(self, url: str) -> tuple[str | None, str]:
        parts = urlsplit(url)
        path = _PATH_SESSION.sub("", parts.path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        kept = [(k, v) for k, v in query if k.lower() not in SESSION_PARAMS]
        if path == parts.path and len(kept) == len(query):
            return None, url
        return "session_id", urlunsplit((parts.scheme, parts.netloc, path, urlencode(kept), parts.fragment))

    def _repeating_path(self, path: str) -> str | None:
        segments = [s for s in path.split("/") if s]
        if len(segments) > self.path_depth:
            return "repeating_path"
        if segments and max(Counter(segments).values()) >= self.segment_repeats:
            return "repeating_path"
        return None

    def _calendar(self, parts, source: str | None) -> str | None:  # type: ignore[no-untyped-def]
        query = parse_qsl(parts.query, keep_blank_values=True)
        years = [int(m.group(1)) for m in _DATE.finditer(parts.path + "?" + parts.query)]
        dated = [(k, v) for k, v in query if k.lower() in DATE_PARAMS]
        years += [int(y) for _, v in dated for y in _YEAR.findall(v)]
        if not years and not dated:
            return None
        if any(y < OLDEST_YEAR or y > self.newest_year for y in years):
            return "calendar"
        family, variant = _family(parts), hash(parts.path + "?" + parts.query)
        listed = self._date_listed.setdefault(family, set())
        if source is None or _family(urlsplit(source)) != family:
            if len(listed) < self.variants:  # memory stays bounded; a date not remembered can count later
                listed.add(variant)
            return None
        if variant in listed:
            return None
        return "calendar" if self._over(self._date_variants, family, variant, self.calendar_variants) else None

    def _query_explosion(self, parts) -> str | None:  # type: ignore[no-untyped-def]
        if not parts.query:
            return None
        query = parse_qsl(parts.query, keep_blank_values=True)
        if len(query) > MAX_QUERY_PARAMS:
            return "query_explosion"
        variant = urlencode(sorted((k, v) for k, v in query if k.lower() not in PAGE_PARAMS))
        if not variant:
            return None
        return "query_explosion" if self._over(self._query_variants, (parts.netloc, parts.path), variant) else None

    def _over(self, table: dict[tuple[str, str], set[int]], key: tuple[str, str], variant: str | int,
              limit: int | None = None) -> bool:
        seen = table.setdefault(key, set())
        h = variant if isinstance(variant, int) else hash(variant)
        if h in seen:
            return False
        if len(seen) >= (self.variants if limit is None else limit):
            return True
        seen.add(h)
        return False


def _family(parts) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The calendar family of a URL: its host and the URL with its dates taken out. Anything else that
    differs (a slug, an id) makes another family, so dated articles never add up."""
    query = parse_qsl(parts.query, keep_blank_values=True)
    # without a trailing slash: the page a link is on may be known by its canonical URL, which differs there
    template = _DATE.sub("{date}", parts.path.rstrip("/")) + "?" + urlencode(
        [(k, "{date}" if k.lower() in DATE_PARAMS else _DATE.sub("{date}", v)) for k, v in query])
    return parts.netloc, template


__all__ = ["SESSION_PARAMS", "TrapDetector"]
