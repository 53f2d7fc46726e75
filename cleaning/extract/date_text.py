"""Dates written for people: finding a date-like substring in text and reading it (strptime formats,
ISO and CJK forms, numeric triples, English and other month names through htmldate and dateparser,
relative dates), and whether a date is plausible at all."""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from .date_order import NUMERIC_DATE, read_numeric

MIN_YEAR = 1995
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WORD = r"[^\W\d_]{3,}\.?"  # a month name in any alphabet ("August", "juillet", "Oktober", "мая")
# ... in an Indic or Thai script, whose vowel signs Python's \w leaves out ("जून", "জুন", "มิถุนายน")
_INDIC_WORD = r"[\u0900-\u0dff\u0e00-\u0e7f]{2,}"
# A Japanese era date: 令和3年3月5日 is 2021-03-05 (元年: the era's first year); Taiwan's 民國112年6月5日 is 2023-06-05
ERA_DATE = re.compile(r"(令和|平成|昭和|民國|民国)\s*(元|\d{1,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ERA_BASE = {"令和": 2018, "平成": 1988, "昭和": 1925, "民國": 1911, "民国": 1911}
_BUDDHIST_ERA = 543  # Thai dates count years from 543 BC: 2566 is 2023
# Vietnamese: (ngày) 5 tháng 6 năm 2023 (day, month, year)
VI_DATE = re.compile(r"(?=\d)(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2}),?\s+(?:năm\s+)?((?:19|20)\d{2})\b", re.I)
INDIC_DATE = re.compile(rf"(?=\d)(?<!\w)\d{{1,2}}\s+{_INDIC_WORD}\.?,?\s+(?:19|20|25)\d{{2}}\b")  # 5 जून 2023; Thai 2566
# Where a date sits in free text. Each pattern is tried on the text; the match is then parsed.
DATE_TEXT_PATTERNS = [
    re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::\d{2})?)?\b"),
    re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]"),  # Chinese, Japanese, Korean
    re.compile(rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", re.I),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s+(?:of\s+)?|-){_MONTHS}(?:,?\s+|-)\d{{4}}\b", re.I),  # also 5-Jun-2023
    NUMERIC_DATE,  # 12.04.2023, 12/04/2023, 12 | 04 | 2023
    re.compile(rf"(?<!\w)\d{{1,2}}\.?\s+(?:de\s+)?{_WORD},?\s+(?:de\s+)?(?:19|20)\d{{2}}\b"),
    re.compile(rf"(?<!\w){_WORD}\s+\d{{1,2}},?\s+(?:19|20)\d{{2}}\b"),
    ERA_DATE,
    re.compile(rf"(?=[12])(?<![\d.])(?:19|20)\d{{2}}\.\s+{_WORD}\s+\d{{1,2}}\."),  # Hungarian: 2023. június 5.
    VI_DATE,
    INDIC_DATE,
]
_LOOSE_PATTERNS = (5, 6, 8, 10)  # DATE_TEXT_PATTERNS read by a month word of any language ({_WORD})
# Patterns of one language or script, tried only on a text that has it (each full search of a page costs)
_ONLY_WITH = {VI_DATE: re.compile("tháng", re.I), INDIC_DATE: re.compile(r"[\u0900-\u0dff\u0e00-\u0e7f]")}
RELATIVE_RE = re.compile(
    r"\b(?:(\d+|an?|one)\s+(second|minute|min|hour|hr|day|week|month|year)s?\s+ago)\b|\b(yesterday|today)\b"
    r"|(\d+)\s*(分钟|小时|天|周|个月|年)前|(昨天|今天)", re.I)
_UNIT_DAYS = {"second": 0, "minute": 0, "min": 0, "hour": 0, "hr": 0, "day": 1, "week": 7,
              "分钟": 0, "小时": 0, "天": 1, "周": 7}


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
DEFAULT_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "tr", "id", "zh", "ja")
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
    day = data["date_obj"].date() if data and data["date_obj"] else None
    if day is not None and 2400 <= day.year < 2700:
        day = _clamped(day.year - _BUDDHIST_ERA, day.month, day.day)  # a Thai year
    return day


def _relative(m: re.Match, now: datetime | None) -> date | None:
    """The day "3 hours ago" names from the fetch time `now`; None without one (the clock of whoever reads a
    stored page says nothing about the day it was fetched)."""
    if now is None:
        return None
    base = now.date()
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
        now_dt = now
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


_DATEISH = re.compile(r"\d|yesterday|today|昨天|今天|元年", re.I)
# Every DATE_TEXT_PATTERN but ERA_DATE (年) needs a year's four digits: a text without them ("Page 2 of 14", "5 min
# read") is searched for a relative date only. (\d\d\d\d: a pattern opening with a class is scanned in C)
_YEAR_DIGITS = re.compile(r"\d\d\d\d")
# A time of day written inside a date ("Jan 04 09:34 2021"): none of the patterns bridges it.
_TIME_OF_DAY = re.compile(r"(?<!\S)\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?!\S)", re.I)


# Arabic-Indic, Persian, full-width, Devanagari, Bengali and Thai digits, as the patterns and parsers read them
ASCII_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９०१२३४५६७८९০১২৩৪৫৬৭৮৯๐๑๒๓๔๕๖๗๘๙",
                             "0123456789" * 6)


def patterns_for(text: str) -> list[tuple[int, re.Pattern]]:
    """(index, pattern) of the DATE_TEXT_PATTERNS worth searching `text` with (a script's own only if it has it)."""
    return [(i, pat) for i, pat in enumerate(DATE_TEXT_PATTERNS) if pat not in _ONLY_WITH or _ONLY_WITH[pat].search(text)]


def find_date_string(text: str) -> str | None:
    """The first date-like substring of `text` (absolute first, then relative), digits as ASCII."""
    text = text.translate(ASCII_DIGITS)
    if not _DATEISH.search(text):
        return None  # every pattern needs a digit or a relative day word
    # The first date in the text, not the first pattern's ("relu le 14 février 2023. Publié le 9 janvier 2023" is
    # the 14th, though the English-month pattern reads "9 janvier" as January); a match of the loose month-word
    # patterns counts only when it reads as a date ("Volume 12, 2023", "Week 12, 2023" do not).
    found: list[tuple[int, int, re.Match]] = []
    end = len(text)
    tried = patterns_for(text) if _YEAR_DIGITS.search(text) or "年" in text else []
    for i, pat in tried:
        # a date string is under 48 characters: one starting before the first found so far ends before this
        m = pat.search(text, 0, end)
        if m:
            found.append((m.start(), i, m))
            if i not in _LOOSE_PATTERNS:
                end = min(end, m.start() + 48)
    found.sort(key=lambda f: (f[0], f[1]))
    for _, i, m in found:
        if i not in _LOOSE_PATTERNS or _month_name_date(m.group(0), None) is not None:
            return m.group(0)
    if found:
        return min(found, key=lambda f: f[1])[2].group(0)
    m = RELATIVE_RE.search(text)
    return m.group(0) if m else None


# A day and a month word with a two-digit year ("05 Mar 19", "12 мая 19", "Mar. 5, 19"); not a time ("05 Mar 19:30")
_SHORT_YEAR = re.compile(r"\b(?:(\d{1,2})\.?\s+([^\W\d_]{3,}\.?)|([^\W\d_]{3,}\.?)\s+(\d{1,2}),?)\s+(\d{2})(?![\d:.])")


def with_full_year(text: str, today: date | None = None) -> str | None:
    """`text` with its first day-month-word date's two-digit year written out (the latest century that does not put
    it in the future: "05 Mar 19" -> "05 Mar 2019"), or None when it has no such date. For elements that say they
    hold a date: in prose "12 May 19" is as likely a count."""
    m = _SHORT_YEAR.search(text)
    if m is None:
        return None
    year = 2000 + int(m.group(5))
    if year > (today or date.today()).year:
        year -= 100
    return f"{text[:m.start(5)]}{year}{text[m.end(5):]}"


def is_relative(text: str) -> bool:
    """Whether the first date-like substring of `text` is relative ("3 hours ago", "昨天")."""
    found = find_date_string(" ".join((text or "").split())[:300])
    return found is not None and RELATIVE_RE.fullmatch(found) is not None


def _with_formats(text: str, formats: tuple[str, ...]) -> date | None:
    """The date the first strptime format that fits reads from `text` (None when none fits)."""
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    return None


def parse_text_ex(text: str, formats: tuple[str, ...] = (), languages: tuple[str, ...] | None = None,
                  now: datetime | None = None, order: str | None = None) -> tuple[date | None, bool]:
    """(date, ambiguous) of a date written for people; see `parse_text`."""
    text = " ".join((text or "").split())[:300].translate(ASCII_DIGITS)
    if not text:
        return None, False
    by_format = _with_formats(text, formats)
    if by_format is not None:
        return by_format, False
    found = find_date_string(text)
    if found is None and ":" in text:
        found = find_date_string(" ".join(_TIME_OF_DAY.sub(" ", text).split()))
    if found is None:
        return None, False
    by_format = _with_formats(found, formats)
    if by_format is not None:
        return by_format, False
    m = ERA_DATE.fullmatch(found)
    if m:
        year = _ERA_BASE[m.group(1)] + (1 if m.group(2) == "元" else int(m.group(2)))
        try:
            return date(year, int(m.group(3)), int(m.group(4))), False
        except ValueError:
            return None, False
    m = DATE_TEXT_PATTERNS[0].fullmatch(found) or DATE_TEXT_PATTERNS[1].fullmatch(found)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), False
        except ValueError:
            return None, False
    m = VI_DATE.fullmatch(found)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1))), False
        except ValueError:
            return None, False
    m = NUMERIC_DATE.fullmatch(found)
    if m:
        return read_numeric(int(m.group(1)), int(m.group(3)), int(m.group(4)), m.group(2), order)
    m = RELATIVE_RE.fullmatch(found)
    if m:
        return _relative(m, now), False
    quick = _english_month_date(found)
    if quick is not None:
        return quick, False
    langs = with_script_languages(found, tuple(languages) if languages else None)
    return _month_name_date(found.replace("Sept.", "Sep.").replace("Sept ", "Sep "), langs), False


# The languages a month name written in a script can be in: a page that declares no language (or another one) may
# still write "07 أكتوبر 2020" in its meta, which no default language reads
_SCRIPT_LANGUAGES = (
    (re.compile("[\u0600-\u06ff]"), ("ar", "fa", "ur")), (re.compile("[\u0400-\u04ff]"), ("ru", "uk", "bg", "sr", "be")),
    (re.compile("[\u0370-\u03ff]"), ("el",)), (re.compile("[\u0590-\u05ff]"), ("he",)), (re.compile("[\u0e00-\u0e7f]"), ("th",)),
    (re.compile("[\u0900-\u097f]"), ("hi", "mr", "ne")), (re.compile("[\u0980-\u09ff]"), ("bn",)),
    (re.compile("[\uac00-\ud7af]"), ("ko",)))


def with_script_languages(text: str, languages: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """`languages` (None: the defaults), plus those of a script `text` is written in when none of them is there."""
    if text.isascii():
        return languages
    out = languages
    for script, langs in _SCRIPT_LANGUAGES:
        if script.search(text) and not set(langs) & set(out or DEFAULT_LANGUAGES):
            out = (*(out or DEFAULT_LANGUAGES), *langs)
    return out


def parse_text(text: str, formats: tuple[str, ...] = (), languages: tuple[str, ...] | None = None,
               now: datetime | None = None, order: str | None = None) -> date | None:
    """A date written for people: the given strptime formats first, then the first date-like
    substring: ISO and CJK forms, numeric day-month-year (see `read_numeric`), month names in
    English or (through htmldate and dateparser) other languages, relative dates against `now`."""
    return parse_text_ex(text, formats, languages, now, order)[0]


_EN_FORMATS = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y")


def _english_month_date(found: str) -> date | None:
    """'April 12, 2023', '12 April 2023', 'Apr. 12, 2023', '12th of Sept 2023': strptime after normalising."""
    norm = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b|\bof\b|[.,]|(?<=\w)-(?=\w)", " ", found, flags=re.I)
    norm = " ".join(norm.split()).replace("Sept ", "Sep ").replace("sept ", "sep ")
    return _with_formats(norm, _EN_FORMATS)


def parse_iso(value: str) -> date | None:
    """Machine-readable dates (JSON-LD, meta, <time datetime>): ISO 8601 and near variants."""
    from .date_sources import parse_stamp

    stamp = parse_stamp(value or "", "")
    return stamp.day if stamp else parse_text(value)
