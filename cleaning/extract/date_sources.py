"""Machine-readable dates a page states about itself: JSON-LD, <meta>, microdata, <time>.

Each value becomes a `Stamp`: the day as written (the publisher's local day when the
timestamp carries an offset, or no time zone at all) and whether the value was an instant in
UTC ("...Z", "+00:00"), whose local day is unknown within a day either side (an evening story
in New York is stamped the next day in UTC).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from datetime import date, datetime, timedelta, timezone
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from . import jsonld
from .patterns import META_MODIFIED, META_PUBLISHED

# 2023-11-08, 2023-11-08T21:11:03-05:00, 2023-11-09 02:11:03.123Z, 2020-01-20T09:49:32+0000
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*"
                  r"(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?", re.I)
_PUBLISHED_KEYS = ("datePublished", "dateCreated", "uploadDate")
_SKIP_TYPES = ("Person", "Organization", "WebSite", "BreadcrumbList", "ImageObject", "Brand", "Place")
_ARTICLE_TYPES = ("Article", "BlogPosting", "Posting", "Report", "MedicalWebPage", "Recipe", "HowTo", "Review")
# An article that embeds a video or a podcast often describes it in JSON-LD: its upload day is the
# media's, not the article's (a 2015 video in a 2017 story), so these come after every other stamp.
MEDIA_TYPES = ("VideoObject", "AudioObject", "MediaObject", "Clip", "PodcastEpisode")
_ITEMPROPS = etree.XPath("descendant::body/descendant::*[@itemprop]")
ITEMPROP_PUBLISHED = frozenset({"datepublished", "datecreated", "pubdate", "uploaddate"})
ITEMPROP_MODIFIED = frozenset({"datemodified", "dateupdated", "dateupdate"})


@dataclass(frozen=True, slots=True)
class Stamp:
    day: date  # as written: the local day unless `utc`
    source: str  # json-ld, meta, microdata, time
    modified: bool = False  # an "updated"/"modified" value
    utc: bool = False  # an instant given in UTC: the local day may be the day before or after
    hour: int | None = None  # hour of day as written, when given
    key: str = ""  # the meta name / JSON-LD key / itemprop it came from
    instant: datetime | None = None  # the UTC instant, when `utc`

    def local_days(self) -> tuple[date, ...]:
        """Days this stamp may mean in the publisher's time zone (UTC-12 .. UTC+14)."""
        if not self.utc or self.hour is None:
            return (self.day,)
        days = [self.day]
        if self.hour < 12:
            days.append(self.day - timedelta(days=1))
        if self.hour >= 10:
            days.append(self.day + timedelta(days=1))
        return tuple(days)


MIDNIGHT = datetime(1970, 1, 1, tzinfo=timezone.utc)  # `Stamp.instant` of a date field written as midnight UTC


def parse_stamp(value: str, source: str, modified: bool = False, key: str = "") -> Stamp | None:
    """A Stamp from an ISO 8601 value (and near variants); None when it is not one."""
    m = _ISO.match(value or "")
    if not m:
        compact = (value or "").strip()
        if re.fullmatch(r"1\d{9}(?:\d{3})?", compact):  # Unix seconds or milliseconds (2001-2033): a UTC instant
            instant = datetime.fromtimestamp(int(compact[:10]), tz=timezone.utc)
            return Stamp(instant.date(), source, modified, True, instant.hour, key, instant)
        if re.fullmatch(r"(?:19|20)\d{6}", compact):
            try:
                return Stamp(datetime.strptime(compact, "%Y%m%d").date(), source, modified, key=key)
            except ValueError:
                return None
        return _rfc2822(compact, source, modified, key)
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    hour = int(m.group(4)) if m.group(4) else None
    zone = (m.group(7) or "").upper()
    utc = hour is not None and (zone in ("Z", "UTC", "GMT") or bool(re.fullmatch(r"[+-]00(?::?00)?", zone)))
    if utc and hour == 0 and int(m.group(5)) == 0 and not int(m.group(6) or 0):
        # Exactly midnight UTC is a date field serialised with a time (headless CMSs, Hugo: 2023-04-12T00:00:00Z),
        # not an instant: moved to a US zone it would become the evening before. A story published at exactly
        # 00:00:00 UTC is rare; this form on a date-only field is common. (`date_local.local_stamp` still takes the day
        # before when the page shows it: "April 11, 2023 8:00 PM ET".)
        return Stamp(day, source, modified, False, None, key, MIDNIGHT)
    instant = None
    if utc:
        try:
            instant = datetime(day.year, day.month, day.day, hour, int(m.group(5)), tzinfo=timezone.utc)
        except ValueError:
            utc = False
    return Stamp(day, source, modified, utc, hour, key, instant)


_RFC2822 = re.compile(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d\d(?::\d\d)?\s*"
                      r"(?:GMT|UTC|UT|Z|[+-]\d{4})")


def _rfc2822(value: str, source: str, modified: bool, key: str) -> Stamp | None:
    """An e-mail style instant ("Wed, 04 May 2022 00:25:56 GMT", what RSS and some JSON-LD write): with its zone, a
    UTC one an instant whose local day is the publisher's to find, as for ISO 8601."""
    if not _RFC2822.fullmatch(value):
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None or moment.utcoffset() != timedelta(0):
        return Stamp(moment.date(), source, modified, False, moment.hour, key)
    instant = moment.astimezone(timezone.utc)
    return Stamp(instant.date(), source, modified, True, instant.hour, key, instant)


def from_jsonld(objects: list[dict], parse_other, media: bool = False) -> list[Stamp]:
    """Stamps of the page's JSON-LD objects (not of people, organisations, images ...): those of
    embedded media (`MEDIA_TYPES`) when `media`, else all the others."""
    out = []
    # the article's own object before a page's (Yoast's WebPage in every @graph may carry the page's creation)
    for obj in sorted(objects, key=lambda o: (jsonld.listed(o), not any(k in jsonld.types(o) for k in _ARTICLE_TYPES))):
        kind = jsonld.types(obj)
        if any(k in kind for k in _SKIP_TYPES) or media != any(k in kind for k in MEDIA_TYPES):
            continue
        for key in (*_PUBLISHED_KEYS, "dateModified"):
            value = obj.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)  # Unix seconds or milliseconds, as headless CMSs write them
            if isinstance(value, str) and value.strip():
                stamp = (parse_stamp(value, "json-ld", key == "dateModified", key)
                         or _other(value, "json-ld", key == "dateModified", parse_other, key))
                if stamp:
                    out.append(stamp)
    return out


def _other(value: str, source: str, modified: bool, parse_other, key: str = "") -> Stamp | None:
    day = parse_other(value)
    return Stamp(day, source, modified, key=key) if day else None


def from_meta(tree: HtmlElement, parse_other) -> list[Stamp]:
    out = []
    head = tree.find("head")
    for meta in (head if head is not None else tree).iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv") or "").lower()
        if not key or key not in META_PUBLISHED and key not in META_MODIFIED:
            continue
        value = meta.get("content") or meta.get("datetime") or ""
        modified = key in META_MODIFIED
        stamp = parse_stamp(value, "meta", modified, key) or _other(value, "meta", modified, parse_other, key)
        if stamp:
            out.append(stamp)
    return out


def from_microdata(tree: HtmlElement, skip, parse_other) -> list[Stamp]:
    """itemprop=datePublished/dateModified on any element: <meta>, <time>, <abbr>, <span> ..."""
    out = []
    for el in _ITEMPROPS(tree):
        prop = (el.get("itemprop") or "").lower()
        modified = prop in ITEMPROP_MODIFIED
        if not modified and prop not in ITEMPROP_PUBLISHED or skip(el):
            continue
        value = el.get("content") or el.get("datetime") or el.get("title") or ""
        stamp = parse_stamp(value, "microdata", modified, prop)
        if stamp is None:
            text = " ".join((value or el.text_content()).split())[:120]
            stamp = _other(text, "microdata", modified, parse_other, prop) if text else None
        elif stamp.utc:
            # the element's own text is the day the site shows its readers
            shown = _other(" ".join(el.text_content().split())[:120], "microdata", modified, parse_other, prop)
            if shown is not None and shown.day in stamp.local_days():
                stamp = shown
        if stamp:
            out.append(stamp)
    return out


def from_time(tree: HtmlElement, skip, parse_other=None) -> list[Stamp]:
    """<time datetime> values; `modified` when class/itemprop hints say "updated"/"modified".

    A UTC datetime whose element shows a day in its window gives the shown day (the day the
    site prints for its readers)."""
    out = []
    for t in tree.iter("time"):
        value = t.get("datetime")
        if not value or skip(t):
            continue
        parent = t.getparent()
        hint = " ".join(filter(None, (t.get("itemprop"), t.get("class"), parent.get("class") if parent is not None else None,
                                      parent.get("itemprop") if parent is not None else None))).lower()
        modified = "modif" in hint or "updat" in hint
        if not modified and (t.get("pubdate") is not None or "publish" in hint or "publica" in hint or "entry-date" in hint):
            hint = "published " + hint
        stamp = parse_stamp(value, "time", modified, hint)
        if stamp and stamp.utc and parse_other is not None:
            shown = _other(" ".join(t.text_content().split())[:120], "time", modified, parse_other, hint)
            if shown is not None and shown.day in stamp.local_days():
                stamp = shown
        if stamp:
            out.append(stamp)
    return out


def local_now(now: datetime | None) -> datetime:
    return now.astimezone(timezone.utc) if now and now.tzinfo else (now or datetime.now(timezone.utc))


_WECHAT_SCRIPTS = etree.XPath("descendant::script[contains(., 'var ct')]")
_WECHAT_KEYWORDS = ("js_content", "rich_media", "publish_time")
_WECHAT_TEMPLATE = re.compile("|".join(_WECHAT_KEYWORDS), re.I)
_WECHAT_CT = re.compile(r"\bvar\s+ct\s*=\s*[\"'](\d{10})[\"']")


def from_script(tree: HtmlElement, index: Any = None) -> list[Stamp]:
    """A WeChat public-account article's publication instant, in its script (`var ct = "1686990300"`, Unix
    seconds): the page fills its visible date with JavaScript, so a stored copy often shows none. Read only
    on a page with WeChat's article template (`js_content`, `rich_media`, `publish_time` in a class or id,
    found in the page's `attrs.AttrIndex`): reading every page's scripts cost 1.5% of extraction."""
    if index is not None and not index.matching(_WECHAT_KEYWORDS, _WECHAT_TEMPLATE):
        return []
    for script in _WECHAT_SCRIPTS(tree):
        m = _WECHAT_CT.search(script.text or "")
        if m:  # WeChat is a Chinese platform: its publication day is Beijing's (UTC+8), whatever the page's language
            local = datetime.fromtimestamp(int(m.group(1)), tz=timezone(timedelta(hours=8)))
            return [Stamp(local.date(), "script", key="ct")]
    return []

