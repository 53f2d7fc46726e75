"""htmldate's date search, run stage by stage so that each date says where it came from.

`htmldate.find_date` returns a string and nothing about the evidence. Its cascade is a
handful of module functions (meta header, JSON, abbr, date-classed elements, <time>, timestamp
patterns, images, idiosyncrasies, free text, whole-page patterns); `search` calls the same
functions in the same order with the same options, and returns the stage that answered. The
URL stage is left to the caller, who weighs URL dates against the page (htmldate returns a URL
date before looking at the page at all).

If a later htmldate renames these functions, `search` falls back to `find_date` itself and
labels the result "htmldate".
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from datetime import date, datetime

from lxml import etree
from lxml.html import HtmlElement

from .date_text import with_full_year

LOG = logging.getLogger(__name__)
_DIGIT = re.compile(r"\d")

try:  # the stage functions of htmldate.core (1.9 - 1.11); see the module docstring
    from htmldate import core as _core
    from htmldate.extractors import (discard_unwanted, idiosyncrasies_search, img_search, json_search,
                                     pattern_search)
    from htmldate.settings import CLEANING_LIST, MAX_SEGMENT_LEN, MIN_SEGMENT_LEN
    from htmldate.utils import Extractor, clean_html
    from htmldate.validators import check_extracted_reference, get_min_date

    _STAGED = all(hasattr(_core, n) for n in ("examine_header", "examine_abbr_elements", "examine_elements",
                                               "date_candidates", "examine_time_elements", "compare_reference",
                                               "search_page", "serialize", "TIMESTAMP_PATTERN"))
except ImportError:  # pragma: no cover - depends on the installed htmldate
    _STAGED = False

# Wayback Machine captures carry a toolbar full of capture dates; htmldate drops its main div,
# these are the rest of it (and of other archives' banners). Compiled once, and [@id] first: testing the six
# conditions on every element cost ten times more (40 us on a 2 KB page, run on every page's search copy).
_ARCHIVE_XPATH = etree.XPath("//*[@id][@id='wm-ipp-base' or @id='wm-ipp' or @id='wm-ipp-print' or @id='donato' "
                             "or starts-with(@id, 'wm-') or @id='playback']")


def _options(now: datetime | None, original: bool = True):
    # extensive=False only keeps htmldate from calling dateparser with every language of the world
    # (seconds on the first page that has, say, a Russian month name); the caller's `parse`, which
    # knows the page's language, reads such dates instead. All of htmldate's stages still run.
    latest = (now.replace(tzinfo=None) if now else datetime.now()).replace(hour=23, minute=59, second=59)
    return Extractor(False, latest, get_min_date(None), original, "%Y-%m-%d")


def _as_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def strip_archive_banner(tree: HtmlElement) -> None:
    """Removes archive.org's toolbar: its dates are capture dates, not publication dates."""
    for el in _ARCHIVE_XPATH(tree):
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)


def search(tree: HtmlElement, now: datetime | None = None, header: bool = True,
           structured: bool = True, parse=None, skip=()) -> tuple[date | None, str | None]:
    """(date, stage) from htmldate's page search, without the URL stage; the tree is not changed.

    `header=False` skips htmldate's meta stage, `structured=False` its meta and JSON stages (the
    caller read those itself and wants what the page shows). `parse` (text -> date or None), when
    given, reads the date-classed elements htmldate could not ("Published Apr. 12, 2023"). Elements
    in `skip` (related-article blocks: their teasers' dates are other articles' dates) are not searched. Stages: meta, json-ld, abbr, markup (date-classed elements), title, time,
    timestamp, image-url, text-pattern, text (free text and whole-page patterns).
    """
    if not _STAGED:
        return _whole(tree, now)
    options = _options(now)
    try:
        if header and structured:
            found = _as_date(_core.examine_header(tree, options))
            if found:
                return found, "meta"
        if structured:
            found = _as_date(json_search(tree, options))
            if found:
                return found, "json-ld"
        found = _as_date(_core.examine_abbr_elements(tree, options))
        if found:
            return found, "abbr"
        if not structured:
            # what the page shows: its JSON-LD would otherwise reach the timestamp stage below as text
            skip = [*skip, *tree.xpath("//script[contains(@type, 'ld+json')]")]
        work = _copy_without(tree, skip)
        strip_archive_banner(work)
        try:
            work = discard_unwanted(clean_html(work, CLEANING_LIST))
        except ValueError:  # lxml refuses some control characters; search the uncleaned copy
            pass
        candidates = _core.date_candidates(work, True)
        found = _first_reading(candidates, options, parse)
        if found:
            return found, "markup"
        found = _as_date(_core.examine_elements(work.xpath(".//title|.//h1"), options))
        if found:
            return found, "title"
        found = _as_date(_core.examine_time_elements(work, options)) or _own_reading_times(work, parse)
        if found:
            return found, "time"
        htmlstring = _core.serialize(work)
        found = _as_date(pattern_search(htmlstring, _core.TIMESTAMP_PATTERN, options))
        if found:
            return found, "timestamp"
        found = _as_date(img_search(work, options))
        if found:
            return found, "image-url"
        found = _as_date(idiosyncrasies_search(htmlstring, options))
        if found:
            return found, "text-pattern"
        reference = None
        segments = []
        for segment in _core.FREE_TEXT_EXPRESSIONS(work):
            segment = segment.strip()
            if MIN_SEGMENT_LEN < len(segment) < MAX_SEGMENT_LEN:
                segments.append(segment)
                reference = _core.compare_reference(reference, segment, options)
        found = _as_date(check_extracted_reference(reference, options)) or _earliest(segments, parse) \
            or _as_date(_core.search_page(htmlstring, options))
        return (found, "text") if found else (None, None)
    except (AttributeError, TypeError) as exc:  # an htmldate whose internals moved: use its public call
        LOG.debug("htmldate stages unavailable (%r); using find_date", exc)
        return _whole(tree, now)


def _copy_without(tree: HtmlElement, skip) -> HtmlElement:
    marked = [el for el in skip if el.getparent() is not None]
    for el in marked:
        el.set("data-xdate-skip", "1")
    try:
        work = deepcopy(tree)
    finally:
        for el in marked:
            del el.attrib["data-xdate-skip"]
    if marked:
        for el in work.xpath("//*[@data-xdate-skip]"):
            if el.getparent() is not None:
                el.getparent().remove(el)
    return work


def _first_reading(candidates: list[HtmlElement], options, parse) -> date | None:
    """The first date-classed element, in page order, with a date htmldate reads or, failing it, the caller's
    `parse` ("miércoles, 4 de mayo de 2022", which htmldate reads only with dateparser's every language): a
    teaser's "03-05-2022" further down is not the post's day because htmldate reads it."""
    if parse is None or len(candidates) > 1000:
        return _as_date(_core.examine_elements(candidates, options))
    for el in candidates:
        found = _as_date(_core.examine_elements([el], options)) or _own_reading(el, parse)
        if found:
            return found
    return None


def _own_reading(el: HtmlElement, parse) -> date | None:
    text = el.text_content()
    if not 6 <= len(text) <= 300:
        return None
    found = parse(text)
    if not found:
        full = with_full_year(text)  # a date-classed element: "05 Mar 19" is a date
        found = parse(full) if full else None
    return found


def _own_reading_times(work: HtmlElement, parse) -> date | None:
    """<time datetime> values written for people in the page's language ("3 мая 2019"), which htmldate reads
    only with dateparser's every language (extensive search)."""
    if parse is None:
        return None
    for value in work.xpath(".//time/@datetime")[:1000]:
        value = " ".join(str(value).split())
        if 6 <= len(value) <= 300:
            found = parse(value)
            if found:
                return found
    return None


def _earliest(segments: list[str], parse) -> date | None:
    """The earliest date the caller's parser reads in short text segments (what htmldate's free-text
    stage does with dateparser, here with the page's language)."""
    if parse is None:
        return None
    found = [d for d in (parse(s) for s in segments[:2000] if _DIGIT.search(s)) if d]
    return min(found) if found else None


def _whole(tree: HtmlElement, now: datetime | None) -> tuple[date | None, str | None]:
    from htmldate import find_date

    latest = (now.replace(tzinfo=None) if now else datetime.now())
    work = deepcopy(tree)
    strip_archive_banner(work)
    found = _as_date(find_date(work, extensive_search=True, original_date=True, max_date=latest.strftime("%Y-%m-%d")))
    return (found, "htmldate") if found else (None, None)
