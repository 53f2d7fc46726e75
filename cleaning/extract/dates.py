"""Publication and update dates of a page, with where each came from.

Order of trust (first hit wins; `date_source` records which):
profile selector (with the profile's strptime formats) > JSON-LD > <meta> > <time> >
a visible date line near the title > the URL. "Updated"/"modified" dates are kept apart.
Dates in the future, before 1995, or inside copyright lines are rejected. Date strings are
*located* with patterns (data below) and *parsed* with `datetime.fromisoformat` / strptime
or, for anything else (month names in many languages, relative dates), `dateparser`.
"""

from __future__ import annotations

import json
import re
import warnings
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from lxml.html import HtmlElement

from .patterns import (COPYRIGHT_RE, DATE_CLASS_RE, META_MODIFIED, META_PUBLISHED, MODIFIED_LABEL_RE,
                       PUBLISHED_LABEL_RE)

MIN_YEAR = 1995
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# Where a date sits in free text. Each pattern is tried on the text; the match is then parsed.
DATE_TEXT_PATTERNS = [
    re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::\d{2})?)?\b"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", re.I),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+\d{{4}}\b", re.I),
    re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b"),
]
RELATIVE_RE = re.compile(
    r"\b(?:\d+|an?|one)\s+(?:second|minute|min|hour|hr|day|week|month|year)s?\s+ago\b|\b(?:yesterday|today)\b"
    r"|\d+\s*(?:分钟|小时|天|周|个月|年)前|昨天|今天", re.I)
_ISO_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def _utc_today(now: datetime | None) -> date:
    return (now or datetime.now(timezone.utc)).date()


def plausible(d: date | None, now: datetime | None = None) -> date | None:
    """The date, or None when it is before MIN_YEAR or more than a day in the future."""
    if d is None or d.year < MIN_YEAR or d > _utc_today(now) + timedelta(days=1):
        return None
    return d


def parse_iso(value: str) -> date | None:
    """Machine-readable dates (JSON-LD, meta, <time datetime>): ISO 8601 and near variants."""
    value = (value or "").strip()
    if not value:
        return None
    m = _ISO_RE.match(value)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if re.fullmatch(r"\d{8}", value):
        try:
            return datetime.strptime(value, "%Y%m%d").date()
        except ValueError:
            return None
    return parse_text(value)


@lru_cache(maxsize=4096)
def _dateparser(text: str, base: datetime | None, languages: tuple[str, ...] | None) -> date | None:
    with warnings.catch_warnings():  # import-time warnings of a dependency must not stop a crawl
        warnings.simplefilter("ignore")
        import dateparser

    settings = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
                "PARSERS": ["relative-time", "absolute-time", "custom-formats", "timestamp"]}
    if base is not None:
        settings["RELATIVE_BASE"] = base.replace(tzinfo=None)
    if re.match(r"\s*\d{4}", text):
        settings["DATE_ORDER"] = "YMD"
    try:
        dt = dateparser.parse(text, languages=list(languages) if languages else None, settings=settings)
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors on junk
        return None
    return dt.date() if dt else None


def find_date_string(text: str) -> str | None:
    """The first date-like substring of `text` (absolute first, then relative)."""
    for pat in DATE_TEXT_PATTERNS:
        m = pat.search(text)
        if m:
            return m.group(0)
    m = RELATIVE_RE.search(text)
    return m.group(0) if m else None


def parse_text(text: str, formats: tuple[str, ...] = (), languages: tuple[str, ...] | None = None,
               now: datetime | None = None) -> date | None:
    """A date written for people: tries the given strptime formats, then a located substring via dateparser."""
    text = " ".join((text or "").split())
    if not text or len(text) > 300:
        text = text[:300]
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    found = find_date_string(text)
    if found is None:
        return None
    for fmt in formats:
        try:
            return datetime.strptime(found, fmt).date()
        except ValueError:
            pass
    m = DATE_TEXT_PATTERNS[0].fullmatch(found) or DATE_TEXT_PATTERNS[1].fullmatch(found)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = DATE_TEXT_PATTERNS[4].fullmatch(found)
    if m:  # 12.04.2023 is day-first (European); 04/12/2023 month-first unless the first number is > 12
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day_first = "." in found or a > 12
        try:
            return date(y, b, a) if day_first else date(y, a, b)
        except ValueError:
            return None
    quick = _english_month_date(found)
    if quick is not None:
        return quick
    base = now.replace(tzinfo=None) if now else None
    if RELATIVE_RE.fullmatch(found) and base is None:
        base = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0, second=0, minute=0)
    return _dateparser(found.rstrip(".").replace("Sept.", "Sep.").replace("Sept ", "Sep "), base,
                       tuple(languages) if languages else None)


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


# --- page-level search -------------------------------------------------------------------------

def _jsonld_objects(tree: HtmlElement):
    for script in tree.iterfind(".//script[@type]"):
        if "ld+json" not in (script.get("type") or "").lower() or not script.text:
            continue
        try:
            data = json.loads(script.text, strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            obj = stack.pop()
            if isinstance(obj, list):
                stack.extend(reversed(obj))
            elif isinstance(obj, dict):
                yield obj
                for key in ("@graph", "mainEntity", "mainEntityOfPage", "hasPart"):
                    if isinstance(obj.get(key), (list, dict)):
                        stack.append(obj[key])


def _from_jsonld(tree: HtmlElement, now) -> tuple[date | None, date | None]:
    published = updated = None
    for obj in _jsonld_objects(tree):
        kind = obj.get("@type")
        kind = " ".join(kind) if isinstance(kind, list) else str(kind or "")
        if any(k in kind for k in ("Person", "Organization", "WebSite", "BreadcrumbList", "ImageObject")):
            continue
        for key in ("datePublished", "dateCreated", "uploadDate"):
            if published is None and isinstance(obj.get(key), str):
                published = plausible(parse_iso(obj[key]), now)
        if updated is None and isinstance(obj.get("dateModified"), str):
            updated = plausible(parse_iso(obj["dateModified"]), now)
    return published, updated


def _from_meta(tree: HtmlElement, now) -> tuple[date | None, date | None]:
    published = updated = None
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv") or "").lower()
        if not key:
            continue
        value = meta.get("content") or meta.get("datetime") or ""
        if published is None and key in META_PUBLISHED:
            published = plausible(parse_iso(value), now)
        elif updated is None and key in META_MODIFIED:
            updated = plausible(parse_iso(value), now)
    return published, updated


def _excluded(el: HtmlElement, skip: set) -> bool:
    for anc in el.iterancestors():
        if anc in skip or anc.tag in ("footer", "nav", "aside"):
            return True
    return False


def _from_time(tree: HtmlElement, skip: set, now) -> tuple[date | None, date | None]:
    published = updated = None
    candidates = []
    for t in tree.iter("time"):
        if _excluded(t, skip):
            continue
        value = t.get("datetime") or t.text_content()
        d = plausible(parse_iso(value) if t.get("datetime") else parse_text(value, now=now), now)
        if d is None:
            continue
        hint = " ".join(filter(None, (t.get("itemprop"), t.get("class"), t.getparent().get("class")
                                      if t.getparent() is not None else None))).lower()
        if "modif" in hint or "updat" in hint:
            updated = updated or d
        else:
            candidates.append((0 if ("publish" in hint or t.get("pubdate") is not None) else 1, d))
    if candidates:
        published = min(candidates, key=lambda c: c[0])[1]
    return published, updated


def _from_text(tree: HtmlElement, skip: set, now, formats=(), languages=None) -> tuple[date | None, date | None]:
    """Short visible lines that look like a date line: classed like one, or labelled 'Published'."""
    published = updated = None
    body = tree.find(".//body")
    if body is None:
        return None, None
    seen = 0
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "a", "option"):
            continue
        seen += 1
        if seen > 5000:
            break
        cls = f"{el.get('class', '')} {el.get('id', '')}"
        text = el.text_content() if len(el) < 6 else (el.text or "")
        text = " ".join(text.split())
        if not text or len(text) > 120 or not any(ch.isdigit() for ch in text):
            continue
        classed = bool(DATE_CLASS_RE.search(cls))
        labelled_mod = MODIFIED_LABEL_RE.search(text)
        if not (classed or labelled_mod or PUBLISHED_LABEL_RE.search(text) or len(el) == 0):
            continue
        if COPYRIGHT_RE.search(text) or _excluded(el, skip):
            continue
        if not classed and not labelled_mod and not PUBLISHED_LABEL_RE.search(text):
            # an unclassed leaf: only when the whole line is a date (e.g. "April 12, 2023")
            found = find_date_string(text)
            if not found or len(found) < len(text) - 12 or RELATIVE_RE.fullmatch(found):
                continue
        d = plausible(parse_text(text, formats, languages, now), now)
        if d is None:
            continue
        if labelled_mod:
            updated = updated or d
        elif published is None:
            published = d
        if published and updated:
            break
    return published, updated


_URL_DATE = [re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|[-_.]|$)"),
             re.compile(r"[/_-]((?:19|20)\d{2})(\d{2})(\d{2})(?:[/_.-]|$)")]


def from_url(url: str | None, now=None) -> date | None:
    for pat in _URL_DATE:
        m = pat.search(url or "")
        if m:
            try:
                return plausible(date(int(m.group(1)), int(m.group(2)), int(m.group(3))), now)
            except ValueError:
                continue
    return None


def find_dates(tree: HtmlElement, url: str | None, profile=None, skip: set | None = None,
               now: datetime | None = None) -> tuple[date | None, date | None, str | None, list[str]]:
    """Returns (published, updated, source, flags)."""
    skip = skip or set()
    flags: list[str] = []
    published = updated = None
    source = None
    if profile is not None and profile.selectors.date:
        try:
            els = tree.cssselect(profile.selectors.date)
        except Exception:  # noqa: BLE001
            els = []
        for el in els:
            d = plausible(parse_text(el.text_content(), profile.date_formats, profile.languages or None, now), now)
            if d:
                published, source = d, "profile"
                break
        if published is None:
            flags.append("profile_date_missed")
    steps = (("json-ld", lambda: _from_jsonld(tree, now)), ("meta", lambda: _from_meta(tree, now)),
             ("time", lambda: _from_time(tree, skip, now)),
             ("text", lambda: _from_text(tree, skip, now, profile.date_formats if profile else (),
                                         (profile.languages or None) if profile else None)))
    for name, step in steps:
        if published and updated:
            break
        p, u = step()
        if published is None and p is not None:
            published, source = p, name
        updated = updated or u
    if published is None:
        d = from_url(url, now)
        if d:
            published, source = d, "url"
    if updated and published and updated < published:
        updated = None
    return published, updated, source, flags
