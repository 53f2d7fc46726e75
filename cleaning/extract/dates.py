"""Publication and update dates of a page, with where each came from (`date_source`).

Order (first that answers wins), measured on the dates dev set (docs/extraction.md):
1. `profile`: the site profile's date selector and formats;
2. `url`: a full date in the URL (/2023/04/12/, -20230412-); archive.org's capture prefix is
   removed first, so a capture time is never a publication date;
3. the page's own machine-readable publication value, first of `meta` (article:published_time,
   ...), `json-ld` (datePublished, ...), `microdata` (itemprop=datePublished on any element).
   A value that is a UTC instant ("...Z") may name the next or previous day in the publisher's
   zone; another stated value or the visible date that falls in that window wins;
4. htmldate's page search (`date_search`), whose stage becomes the source: `markup` (date-classed
   elements, abbr), `time`, `json-ld`, `timestamp`, `text`, `text-pattern`, `title`, `image-url`;
5. as a last resort the page's "modified" value (`meta`);
6. `fallback`, only when nothing above gave a day: the month the URL names (/2023/04/), else the month
   htmldate's search found without a day (never a year alone); the 1st of it, flagged `date_uncertain`
   and `date_partial`.

Day-month order: a numeric date such as 04/05/2023 is read with the caller's `date_order` hint, else
the order the page's unambiguous numeric dates show, else the page language; when nothing decides,
the day-first reading is kept and the flag `date_ambiguous` is set.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

from . import date_search, jsonld, zones
from .date_sources import Stamp, from_jsonld, from_meta, from_microdata, from_time
from .patterns import MODIFIED_LABEL_RE

MIN_YEAR = 1995
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WORD = r"[^\W\d_]{3,}\.?"  # a month name in any alphabet ("August", "juillet", "Oktober", "мая")
# Where a date sits in free text. Each pattern is tried on the text; the match is then parsed.
DATE_TEXT_PATTERNS = [
    re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::\d{2})?)?\b"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", re.I),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+\d{{4}}\b", re.I),
    re.compile(r"\b(\d{1,2})\s?([./-]|\s\|\s)\s?(\d{1,2})\s?\2\s?(\d{4})\b"),  # 12.04.2023, 12/04/2023, 12 | 04 | 2023
    re.compile(rf"(?<!\w)\d{{1,2}}\.?\s+(?:de\s+)?{_WORD},?\s+(?:de\s+)?(?:19|20)\d{{2}}\b"),
    re.compile(rf"(?<!\w){_WORD}\s+\d{{1,2}},?\s+(?:19|20)\d{{2}}\b"),
]
_NUMERIC = DATE_TEXT_PATTERNS[4]
RELATIVE_RE = re.compile(
    r"\b(?:(\d+|an?|one)\s+(second|minute|min|hour|hr|day|week|month|year)s?\s+ago)\b|\b(yesterday|today)\b"
    r"|(\d+)\s*(分钟|小时|天|周|个月|年)前|(昨天|今天)", re.I)
_UNIT_DAYS = {"second": 0, "minute": 0, "min": 0, "hour": 0, "hr": 0, "day": 1, "week": 7,
              "分钟": 0, "小时": 0, "天": 1, "周": 7}
DMY, MDY = "DMY", "MDY"
# Languages/regions whose numeric dates are month-first; English without a region decides nothing.
_MONTH_FIRST_LANGS = re.compile(r"^en[-_](?:us|ph|ca)\b|^(?:fil|tl)\b", re.I)


def _utc_today(now: datetime | None) -> date:
    return (now or datetime.now(timezone.utc)).date()


def plausible(d: date | None, now: datetime | None = None) -> date | None:
    """The date, or None when it is before MIN_YEAR or more than a day in the future."""
    if d is None or d.year < MIN_YEAR or d > _utc_today(now) + timedelta(days=1):
        return None
    return d


# --- parsing one date string ---------------------------------------------------------------------

# Languages dateparser tries when the page's language is unknown (it would otherwise try all ~200
# locales one after the other: seconds for the first page with, say, a Russian month name).
DEFAULT_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "zh", "ja")
_DP_SETTINGS = {"NORMALIZE": True, "PARSERS": ["custom-formats", "absolute-time"], "PREFER_DATES_FROM": "past",
                "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": True}


@lru_cache(maxsize=64)
def _parser(languages: tuple[str, ...]):
    """dateparser for month names in the given languages (strict: day, month and year must all be
    there); None when dateparser knows none of them."""
    with warnings.catch_warnings():  # import-time warnings of a dependency must not stop a crawl
        warnings.simplefilter("ignore")
        from dateparser import DateDataParser

    try:
        return DateDataParser(languages=list(languages), settings=_DP_SETTINGS)
    except ValueError:  # a language dateparser does not know
        known = tuple(lang for lang in languages if lang in DEFAULT_LANGUAGES)
        return _parser(known) if known and known != languages else None


def page_languages(lang: str | None, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """dateparser languages for a page: its own (from <html lang> or the caller) plus English, else the defaults."""
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    langs = tuple(dict.fromkeys((*extra, code, "en"))) if code and code.isalpha() and len(code) <= 3 else ()
    return tuple(x for x in langs if x) or (*extra, *DEFAULT_LANGUAGES)


@lru_cache(maxsize=4096)
def _month_name_date(text: str, languages: tuple[str, ...] | None) -> date | None:
    from htmldate.extractors import regex_parse

    found = regex_parse(text)  # English, German, French, Turkish ... month names, fast
    if found is not None:
        return found.date()
    parser = _parser(tuple(languages) if languages else DEFAULT_LANGUAGES)
    if parser is None:
        return None
    try:
        data = parser.get_date_data(text)
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors on junk
        return None
    return data["date_obj"].date() if data and data["date_obj"] else None


def warm_up() -> None:
    """Loads dateparser (and its default languages) now, so that the first page does not pay for it."""
    for text in ("6 de agosto de 2009", "6 августа 2009", "2009年8月6日", "6 agosto 2009"):
        _month_name_date(text, DEFAULT_LANGUAGES)


def _relative(m: re.Match, now: datetime | None) -> date | None:
    base = (now or datetime.now(timezone.utc)).date()
    word = (m.group(3) or m.group(6) or "").lower()
    if word:
        return base if word in ("today", "今天") else base - timedelta(days=1)
    count_text, unit = (m.group(1), m.group(2)) if m.group(2) else (m.group(4), m.group(5))
    count = 1 if count_text.lower() in ("a", "an", "one") else int(count_text)
    unit = unit.lower()
    if unit in ("month", "个月"):
        months = base.year * 12 + base.month - 1 - count
        year, month = divmod(months, 12)
        return _clamped(year, month + 1, base.day)
    if unit in ("year", "年"):
        return _clamped(base.year - count, base.month, base.day)
    if unit in ("hour", "hr", "小时", "minute", "min", "分钟", "second"):
        now_dt = now or datetime.now(timezone.utc)
        seconds = {"hour": 3600, "hr": 3600, "小时": 3600, "minute": 60, "min": 60, "分钟": 60}.get(unit, 1)
        return (now_dt - timedelta(seconds=count * seconds)).date()
    return base - timedelta(days=count * _UNIT_DAYS.get(unit, 1))


def _clamped(year: int, month: int, day: int) -> date | None:
    for d in (day, 30, 29, 28):
        try:
            return date(year, month, min(day, d))
        except ValueError:
            continue
    return None


_DATEISH = re.compile(r"\d|yesterday|today|昨天|今天", re.I)
# A time of day written inside a date ("Jan 04 09:34 2021"): none of the patterns bridges it.
_TIME_OF_DAY = re.compile(r"(?<!\S)\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?!\S)", re.I)


def find_date_string(text: str) -> str | None:
    """The first date-like substring of `text` (absolute first, then relative)."""
    if not _DATEISH.search(text):
        return None  # every pattern needs a digit or a relative day word
    for pat in DATE_TEXT_PATTERNS:
        m = pat.search(text)
        if m:
            return m.group(0)
    m = RELATIVE_RE.search(text)
    return m.group(0) if m else None


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


def parse_text_ex(text: str, formats: tuple[str, ...] = (), languages: tuple[str, ...] | None = None,
                  now: datetime | None = None, order: str | None = None) -> tuple[date | None, bool]:
    """(date, ambiguous) of a date written for people; see `parse_text`."""
    text = " ".join((text or "").split())[:300]
    if not text:
        return None, False
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date(), False
        except ValueError:
            pass
    found = find_date_string(text)
    if found is None and ":" in text:
        found = find_date_string(" ".join(_TIME_OF_DAY.sub(" ", text).split()))
    if found is None:
        return None, False
    for fmt in formats:
        try:
            return datetime.strptime(found, fmt).date(), False
        except ValueError:
            pass
    m = DATE_TEXT_PATTERNS[0].fullmatch(found) or DATE_TEXT_PATTERNS[1].fullmatch(found)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), False
        except ValueError:
            return None, False
    m = _NUMERIC.fullmatch(found)
    if m:
        return read_numeric(int(m.group(1)), int(m.group(3)), int(m.group(4)), m.group(2), order)
    m = RELATIVE_RE.fullmatch(found)
    if m:
        return _relative(m, now), False
    quick = _english_month_date(found)
    if quick is not None:
        return quick, False
    langs = tuple(languages) if languages else None
    return _month_name_date(found.replace("Sept.", "Sep.").replace("Sept ", "Sep "), langs), False


def parse_text(text: str, formats: tuple[str, ...] = (), languages: tuple[str, ...] | None = None,
               now: datetime | None = None, order: str | None = None) -> date | None:
    """A date written for people: the given strptime formats first, then the first date-like
    substring: ISO and CJK forms, numeric day-month-year (see `read_numeric`), month names in
    English or (through htmldate and dateparser) other languages, relative dates against `now`."""
    return parse_text_ex(text, formats, languages, now, order)[0]


_EN_FORMATS = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y")


def _english_month_date(found: str) -> date | None:
    """'April 12, 2023', '12 April 2023', 'Apr. 12, 2023', '12th of Sept 2023': strptime after normalising."""
    norm = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b|\bof\b|[.,]", " ", found, flags=re.I)
    norm = " ".join(norm.split()).replace("Sept ", "Sep ").replace("sept ", "sep ")
    for fmt in _EN_FORMATS:
        try:
            return datetime.strptime(norm, fmt).date()
        except ValueError:
            continue
    return None


def parse_iso(value: str) -> date | None:
    """Machine-readable dates (JSON-LD, meta, <time datetime>): ISO 8601 and near variants."""
    from .date_sources import parse_stamp

    stamp = parse_stamp(value or "", "")
    return stamp.day if stamp else parse_text(value)


# --- URLs ------------------------------------------------------------------------------------------

_ARCHIVE_PREFIX = re.compile(r"^https?://(?:web\.)?archive\.org/web/\d{4,14}[a-z_]*/", re.I)
# A day is two digits, or one digit that ends the path segment: /2023/10/3-fragen is a slug, not a day.
_URL_DATE = [re.compile(r"(?<!\d)((?:19|20)\d{2})[/_-](0?[1-9]|1[0-2])[/_-]([0-3]\d|[1-9](?=[/.?#]|$))(?!\d)"),
             re.compile(r"[/_-]((?:19|20)\d{2})(\d{2})(\d{2})(?:[/_.-]|$)")]


def original_url(url: str | None) -> str | None:
    """The archived page's own URL for an archive.org capture URL (else the URL itself)."""
    if not url:
        return url
    return _ARCHIVE_PREFIX.sub("", url, count=1) or url


def is_archive_capture(url: str | None) -> bool:
    return bool(url and _ARCHIVE_PREFIX.match(url))


_URL_MONTH = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/")


def url_month(url: str | None) -> tuple[int, int] | None:
    """(year, month) of a /2023/04/ path, the blog-style URL that names no day."""
    m = _URL_MONTH.search(original_url(url) or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def from_url(url: str | None, now=None) -> date | None:
    url = original_url(url)
    for pat in _URL_DATE:
        for m in pat.finditer(url or ""):
            try:
                return plausible(date(int(m.group(1)), int(m.group(2)), int(m.group(3))), now)
            except ValueError:
                continue
    return None


# --- day-month order ---------------------------------------------------------------------------------

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


def order_from_text(text: str) -> str | None:
    """The order the page's own unambiguous numeric dates show (25/03/2024 is day first)."""
    day_first = month_first = 0
    for m in _NUMERIC.finditer(text):
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


def _settle_order(found: date, ctx: DateContext, now: datetime | None = None) -> tuple[date, bool]:
    """Re-reads a date found in text when the page writes it as an ambiguous a/b/yyyy.

    The date matches one reading of such a number (or is htmldate's month-only fallback for it,
    when the day-first reading lay in the future). A reading in the future is out; then the
    order (hint, page evidence, language); then a URL day or month that matches one reading;
    else the day-first reading, flagged. Returns (date, still ambiguous)."""
    for m in _NUMERIC.finditer(ctx.text):
        sep, a, b, year = m.group(2), int(m.group(1)), int(m.group(3)), int(m.group(4))
        if sep == "." or year != found.year or a > 12 or b > 12 or a == b:
            continue
        readings = {DMY: _safe(year, b, a), MDY: _safe(year, a, b)}
        if found not in readings.values() and not (found.day == 1 and any(
                d and (d.year, d.month) == (found.year, found.month) for d in readings.values())):
            continue
        possible = {k: d for k, d in readings.items() if plausible(d, now)}
        if len(possible) == 1:
            return next(iter(possible.values())), False
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


def _written(text: str, day: date, limit: int = 500) -> bool:
    """True when the page text writes out this very day (not only its month or year)."""
    year = str(day.year)
    for pat in DATE_TEXT_PATTERNS:
        for seen, m in enumerate(pat.finditer(text)):
            if seen >= limit:
                break
            if year in m.group(0) and parse_text(m.group(0)) == day:
                return True
    return False


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --- the page --------------------------------------------------------------------------------------

def _local(stamps: list[Stamp], shown: list[Stamp], lang: str | None, url: str | None) -> Stamp | None:
    """The first published stamp; a UTC instant becomes the publisher's local day.

    The local day is another stated value without UTC that falls in the instant's window (a day
    either side: a published value, else a <time> the page shows), else the instant converted to the zone of the page's language or country
    domain (`zones`), else the UTC day."""
    if not stamps:
        return None
    first = stamps[0]
    if not first.utc:
        return first
    window = first.local_days()
    for other in (*stamps[1:], *shown):
        if not other.utc and other.day in window:
            return Stamp(other.day, first.source, key=first.key)
    local = zones.local_day(first.instant, lang, url) if first.instant else None
    return Stamp(local, first.source, key=first.key) if local else first


def _updated_from_text(text: str, now, order) -> date | None:
    for m in MODIFIED_LABEL_RE.finditer(text):
        chunk = text[m.end():m.end() + 60]
        found = find_date_string(chunk)
        if found and chunk.find(found) < 25:
            d = plausible(parse_text(found, now=now, order=order), now)
            if d:
                return d
    return None


def _excluded(el: HtmlElement, skip: set) -> bool:
    for anc in el.iterancestors():
        if anc in skip or anc.tag in ("footer", "nav", "aside"):
            return True
    return False


_VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(parent::script or parent::style or parent::noscript or parent::template)]")


def page_text(tree: HtmlElement) -> str:
    """The page's text without scripts and styles (at most 200,000 characters)."""
    try:
        return " ".join(_VISIBLE_TEXT(tree))[:200_000]
    except ValueError:
        return ""


def find_dates(tree: HtmlElement, url: str | None, profile=None, skip: set | None = None,
               now: datetime | None = None, date_order: str | None = None, locale: str | None = None,
               jsonld_objects: list[dict] | None = None, text: str | None = None,
               ) -> tuple[date | None, date | None, str | None, list[str]]:
    """Returns (published, updated, source, flags). The tree is not changed. `text` is the page's
    `page_text`, when the caller has it (it is read on most pages)."""
    skip = skip or set()
    flags: list[str] = []
    excluded = (lambda el: _excluded(el, skip))
    lang = tree.get("lang") or locale
    ctx = DateContext(hint=(date_order or "").upper() or None, lang=lang, tree=tree, _text=text)

    languages = page_languages(lang, tuple(profile.languages) if profile is not None and profile.languages else ())

    def other(value: str) -> date | None:
        return plausible(parse_text(value, languages=languages, now=now), now)

    stamps = [s for s in (*from_jsonld(jsonld.objects(tree) if jsonld_objects is None else jsonld_objects, other), *from_meta(tree, other), *from_microdata(tree, excluded, other))
              if plausible(s.day, now)]
    published_stamps = [s for s in stamps if not s.modified]
    modified = [s for s in stamps if s.modified]
    times = [s for s in from_time(tree, excluded, other) if plausible(s.day, now)]
    modified = modified or [s for s in times if s.modified]
    # <time pubdate> / class "published": as precise as microdata, after it
    published_stamps += [s for s in times if not s.modified and s.key.startswith("published")]
    updated = modified[0].day if modified else None

    published = source = None
    partial: date | None = None  # a month or year the search found without a day: the fallback's material
    if profile is not None and profile.selectors.date:
        try:
            els = tree.cssselect(profile.selectors.date)
        except Exception:  # noqa: BLE001
            els = []
        for el in els:
            value = el.get("datetime") or el.get("content") or el.text_content()
            d, ambiguous = parse_text_ex(value, profile.date_formats, languages, now,
                                          ctx.order() if _NUMERIC.search(value) else None)
            if plausible(d, now):
                published, source = d, "profile"
                if ambiguous:
                    flags.append("date_ambiguous")
                break
        if published is None:
            flags.append("profile_date_missed")

    url_day = from_url(url, now) or (from_url(_canonical(tree), now) if not is_archive_capture(url) else None)
    ctx.url_day, ctx.url_month = url_day, url_month(url)
    if published is None and url_day is not None:
        published, source = url_day, "url"

    if published is None and published_stamps:
        chosen = _local(published_stamps, times, lang, original_url(url))
        published, source = chosen.day, chosen.source
    if published is None:
        found, stage = date_search.search(tree, now, header=not modified, skip=skip,
                                          parse=lambda text: plausible(parse_text(
                                              text, languages=languages, now=now,
                                              order=ctx.order() if _NUMERIC.search(text) else None), now))
        ambiguous = False
        if found is not None and stage in _TEXT_STAGES:
            found, ambiguous = _settle_order(found, ctx, now)
            if found.day == 1 and not _written(ctx.text, found):
                partial, found = found, None  # htmldate's month-only or year-only fallback: not a day
                flags.append("date_partial")
        if found is not None and plausible(found, now):
            published, source = found, _SOURCE.get(stage, stage)
            if ambiguous:
                flags.append("date_ambiguous")
    if published is None and modified:
        published, source = modified[0].day, modified[0].source
    if published is None:
        month = ctx.url_month or (url_month(_canonical(tree)) if not is_archive_capture(url) else None)
        published = fallback_date(month, partial, now)
        if published is not None:
            source = "fallback"
            flags.extend(f for f in ("date_partial", "date_uncertain") if f not in flags)

    if updated is None:
        updated = _updated_from_text(ctx.text, now, ctx.order()) if MODIFIED_LABEL_RE.search(ctx.text) else None
    if updated and published and updated < published:
        updated = None
    return published, updated, source, flags


def fallback_date(month: tuple[int, int] | None, partial: date | None, now: datetime | None = None) -> date | None:
    """The last tier, for a page where no source gave a day: the 1st of the month its URL names
    (/2023/04/: the publisher's own filing), else the 1st of the month htmldate's search found without a
    day. Never a day nobody stated, and never a year alone: htmldate gives a bare year (a copyright
    line, the year the footer was rendered) as January 1st, so a January result is left out, since it
    cannot be told from a year. None when there is nothing.

    htmldate's broader `find_date(original_date=False, extensive_search=True)` is not called here: on
    the dev set it dated no page this tier leaves undated except by a copyright year, and its
    all-locale dateparser costs 1.6 s on the first text it cannot read (docs/extraction.md)."""
    if month is not None:
        found = plausible(_safe(month[0], month[1], 1), now)
        if found is not None:
            return found
    if partial is not None and partial.month != 1:
        return plausible(partial.replace(day=1), now)
    return None


_SOURCE = {"abbr": "markup", "meta": "meta", "json-ld": "json-ld", "markup": "markup", "time": "time",
           "timestamp": "text", "text-pattern": "text", "text": "text", "title": "title", "image-url": "image-url",
           "htmldate": "htmldate"}
_TEXT_STAGES = {"abbr", "markup", "time", "text", "text-pattern", "title", "htmldate"}


def _canonical(tree: HtmlElement) -> str | None:
    for link in tree.iterfind(".//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return link.get("href")
    for meta in tree.iterfind(".//meta[@property='og:url']"):
        return meta.get("content")
    return None
