"""Publication and update dates of a page, with where each came from (`date_source`).

Order (first that answers wins), measured on the dates dev set (docs/extraction.md):
1. `profile`: the site profile's date selector and formats;
2. `url`: a full date in the URL (/2023/04/12/, -20230412-); archive.org's capture prefix is
   removed first, so a capture time is never a publication date;
3. the page's own machine-readable publication value, first of `json-ld` (datePublished, ...),
   `meta` (article:published_time, ...), `microdata` (itemprop=datePublished on any element), and
   last the JSON-LD of media the page embeds (a video's uploadDate is the video's day).
   A value that is a UTC instant ("...Z") may name the next or previous day in the publisher's
   zone; another stated value or the visible date that falls in that window wins;
4. htmldate's page search (`date_search`), whose stage becomes the source: `markup` (date-classed
   elements, abbr), `time`, `json-ld`, `timestamp`, `text`, `text-pattern`, `title`, `image-url`;
5. the date line beside the post's headline (`date_line`: "March 3, 2009" under it, LiveJournal's header above
   it), when it fits the URL's month, the year found alone and the modified value; it also replaces a day the
   search read that the page labels as its update ("Last update 22.12.2021", "Page generated ..."), if earlier;
5b. as a last resort the page's "modified" value (`meta`);
6. `fallback`, only when nothing above gave a day: the month the URL names (/2023/04/), else the month
   htmldate's search found without a day; the 1st of it, flagged `date_uncertain` and `date_partial`;
   else January 1st of a year found alone (a copyright line), flagged `date_year_only` as well.

Day-month order: a numeric date such as 04/05/2023 is read with the caller's `date_order` hint, else
the order the page's unambiguous numeric dates show, else the page language; when nothing decides,
the day-first reading is kept and the flag `date_ambiguous` is set.

This module is that cascade and its fallback; the pieces it uses live beside it: `date_text` (reading a
date written for people), `date_order` (day-month order of numeric dates), `date_urls` (dates in URLs),
`date_page` (the page's text and the order settled on one page), `date_sources` (machine-readable
values), `date_local` (a UTC instant's local day) and `date_search` (htmldate's page search).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from lxml.html import HtmlElement

from . import attrs, date_search, jsonld
from .date_local import local_stamp
from .body_comments import comment_section_elements
from .date_line import OTHER_DATE_RE, fits, headline_day
from .date_order import NUMERIC_DATE
from .date_page import DateContext, safe_date, settle_order, written_on_page
from .date_sources import from_jsonld, from_meta, from_microdata, from_script, from_time
from .date_text import ASCII_DIGITS, RELATIVE_RE, find_date_string, is_relative, page_languages, parse_text, parse_text_ex, plausible
from .date_urls import canonical_href, from_url, is_archive_capture, original_url, url_month
from .patterns import (LOWER_ODD_RE, MODIFIED_LABEL_KEYS, MODIFIED_LABEL_RE, PUBLISHED_BYLINE_RE, REVIEW_LABEL_RE,
                       REVIEW_WORDS)


def _labelled_date(text: str, label: re.Pattern, now, order: Callable[[], str | None],
                   start: int = 0, end: int | None = None) -> tuple[date, int] | None:
    """(date, where its label starts) of the first date written just after a label ("Updated: ...",
    "Veröffentlicht am ..."), in text[start:end]; `order()` gives the page's day-month order (asked only for a
    numeric date: reading the page for it costs)."""
    for m in label.finditer(text, start, len(text) if end is None else end):
        chunk = text[m.end():m.end() + 60].translate(ASCII_DIGITS)
        found = find_date_string(chunk)
        if found and chunk.find(found) < 25:
            d = plausible(parse_text(found, now=now, order=order() if NUMERIC_DATE.search(found) else None), now)
            if d:
                return d, m.start()
    return None


def _may_hold(text: str, low: str, keys: tuple[str, ...]) -> bool:
    """False only when a label pattern whose `keys` these are cannot match `text` (`low`: text.lower())."""
    return any(key in low for key in keys) or not text.isascii() and LOWER_ODD_RE.search(text) is not None


def _before_update(ctx: DateContext, found: date, update: tuple[date, int] | None, now) -> date:
    """The search read the first date shown; when the page labels it as the update ("Aktualisiert am 14.02.2023,
    erstellt am 09.01.2023"), the date the same byline labels as published, if earlier, is the day."""
    if update is None or update[0] != found:
        return found
    at = update[1]
    first = _labelled_date(ctx.text, PUBLISHED_BYLINE_RE, now, ctx.order, max(0, at - NEXT_LABEL_CHARS),
                           at + NEXT_LABEL_CHARS)
    return first[0] if first is not None and first[0] < found else found


#: how far from the update's label the publication's label may be: the same byline ("Aktualisiert am 14.02.2023,
#: erstellt am 09.01.2023"), not a date the article cites ("published in JAMA on ...")
NEXT_LABEL_CHARS = 80


# A comments section's own class or id ("comments", "comment-list", "ast-comment-list", "comments-area"), not a
# class that only mentions comments ("has-comments", "comments-link", a theme's "wpcom-comments-date" holding
# the post's date and its comment count)
_COMMENTS = re.compile(r"(?:^|\s)(?:comments?|commentlist|(?:[a-z]+-)?comments?-(?:list|area|respond|section|thread|"
                       r"wrapper|container))(?:\s|$)", re.I)


def comment_sections(tree: HtmlElement, index: attrs.AttrIndex | None = None) -> set[HtmlElement]:
    """The page's comments (their dates are readers', not the article's). `index`: the page's, if built."""
    index = index or attrs.index(tree)
    return set(index.matching(("comment",), _COMMENTS)) | set(comment_section_elements(index))


# The site's own chrome above the article: a masthead or top bar showing today's date ("Tuesday, June 20,
# 2023"), a site header. Its date is the day the page was rendered, not the article's.
_CHROME = re.compile(r"(?:^|[\s_-])(?:todays?|todays?-?date|current-?date|date-?today|masthead|top-?bar|"
                     r"site-?header|header-?top|top-?header)(?:$|[\s_-])", re.I)
_CHROME_WORDS = ("today", "current", "masthead", "topbar", "top-bar", "siteheader", "site-header", "headertop",
                 "header-top", "topheader", "top-header")


def site_chrome(tree: HtmlElement, index: attrs.AttrIndex | None = None) -> set[HtmlElement]:
    """The page's masthead, top bar and site header, and elements named for today's date; never one
    inside an <article>, or holding the headline (<h1>), an <article>, <main> or a paragraph of prose (a header
    that is the article's, a wrapper of the whole page)."""
    found = set()
    for el in (index or attrs.index(tree)).matching(_CHROME_WORDS, _CHROME):
        if any(a.tag == "article" for a in el.iterancestors()):
            continue
        if next(el.iter("h1", "article", "main"), None) is not None or _holds_prose(el):
            continue  # a wrapper of the page ("site has-top-bar"), not the bar
        found.add(el)
    return found


def _holds_prose(el: HtmlElement) -> bool:
    return any(len(p.text_content().split()) >= 20 for p in el.iter("p"))


def _excluded(el: HtmlElement, skip: set) -> bool:
    for anc in el.iterancestors():
        if anc in skip or anc.tag in ("footer", "nav", "aside"):
            return True
    return False


def find_dates(tree: HtmlElement, url: str | None, profile=None, skip: set | None = None,
               now: datetime | None = None, date_order: str | None = None, locale: str | None = None,
               jsonld_objects: list[dict] | None = None, text: str | None = None,
               index: attrs.AttrIndex | None = None, headline: str | None = None,
               ) -> tuple[date | None, date | None, str | None, list[str]]:
    """Returns (published, updated, source, flags). The tree is not changed. `text` is the page's
    `page_text`, and `index` its `attrs.index`, when the caller has them; `headline` the post's title, whose
    element the date line beside it is looked for next to (`date_line`)."""
    index = index or attrs.index(tree)
    left_out: list[set] = []

    def skipped() -> set:
        """What no date is read in: the caller's `skip`, comments, site chrome; found on the first question (a
        page dated by its URL or a stated value, with no <time> or microdata to judge, never asks)."""
        if not left_out:
            left_out.append(set(skip or ()) | comment_sections(tree, index) | site_chrome(tree, index))
        return left_out[0]

    flags: list[str] = []
    excluded = (lambda el: _excluded(el, skipped()))
    lang = tree.get("lang") or tree.get("xml:lang") or locale  # XHTML may declare only xml:lang
    ctx = DateContext(hint=(date_order or "").upper() or None, lang=lang, tree=tree, _text=text)

    languages = page_languages(lang, tuple(profile.languages) if profile is not None and profile.languages else ())

    def other(value: str) -> date | None:
        return plausible(parse_text(value, languages=languages, now=now), now)

    objects = jsonld.objects(tree) if jsonld_objects is None else jsonld_objects
    stamps = [s for s in (*from_jsonld(objects, other), *from_meta(tree, other), *from_microdata(tree, excluded, other),
                          *from_script(tree, index), *from_jsonld(objects, other, media=True))
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
                                          ctx.order() if NUMERIC_DATE.search(value) else None)
            if plausible(d, now):
                published, source = d, "profile"
                if ambiguous:
                    flags.append("date_ambiguous")
                break
        if published is None:
            flags.append("profile_date_missed")

    url_day = from_url(url, now) or (from_url(canonical_href(tree), now) if not is_archive_capture(url) else None)
    ctx.url_day, ctx.url_month = url_day, url_month(url)
    if published is None and url_day is not None:
        published, source = url_day, "url"

    relatives_seen: list[str] = []
    memo: dict[str, tuple[date, int] | None] = {}
    line_memo: list[date | None] = []

    def labelled_update() -> tuple[date, int] | None:
        """(date, where its label is) the page's text labels as an update ("Aktualisiert am ..."), read once."""
        if "update" not in memo:
            low = ctx.text.lower()
            found = _labelled_date(ctx.text, MODIFIED_LABEL_RE, now, ctx.order) \
                if _may_hold(ctx.text, low, MODIFIED_LABEL_KEYS) else None
            if any(word in low for word in REVIEW_WORDS):  # a medical review, said first, is an update too
                review = _labelled_date(ctx.text, REVIEW_LABEL_RE, now, ctx.order, 0, found[1] if found else None)
                found = review or found
            memo["update"] = found
        return memo["update"]

    def search(structured: bool = True, relative: bool = False) -> tuple[date | None, str | None]:
        def parse(text: str) -> date | None:
            if not relative and RELATIVE_RE.search(text) and is_relative(text):
                relatives_seen.append(text)
                return None
            return plausible(parse_text(text, languages=languages, now=now,
                                        order=ctx.order() if NUMERIC_DATE.search(text) else None), now)

        return date_search.search(tree, now, header=not modified, structured=structured, skip=skipped(), parse=parse)

    def dated_line() -> date | None:
        """The day the line beside the post's headline shows (`date_line`), read once."""
        if not line_memo:
            line_memo.append(headline_day(tree, headline, skipped(), read_line))
        return line_memo[0]

    def read_line(value: str) -> date | None:
        if MODIFIED_LABEL_RE.search(value) or REVIEW_LABEL_RE.search(value) or OTHER_DATE_RE.search(value):
            return None  # an update's or a review's day, a due date, a range, a citation: not the publication
        return plausible(parse_text(value, languages=languages, now=now,
                                    order=ctx.order() if NUMERIC_DATE.search(value) else None), now)

    def shown() -> date | None:
        """The day the page's text shows (not its meta or JSON-LD): the line beside the headline, else as the search
        below would read it (which may meet a site header's "today" first)."""
        line = dated_line()
        if line is not None:
            return line
        found, stage = search(structured=False)
        if found is None or stage not in _TEXT_STAGES:
            return None
        found, _ = settle_order(found, ctx, now)
        return found if found.day != 1 or written_on_page(ctx.text, found) else None

    if published is None and published_stamps:
        chosen = local_stamp(published_stamps, times, lang, original_url(url), shown)
        published, source = chosen.day, chosen.source
    if published is None:
        found, stage = search()
        if relatives_seen and now is None:
            # "3 hours ago" says a day only against the page's fetch time; the clock of whoever extracts a
            # stored page says nothing about it, so without `now` no relative date is read
            flags.append("date_relative_unread")
        elif relatives_seen and (found is None or stage not in _MARKED_STAGES):
            # It gives way to a date the page writes out where dates go (a date-classed element, <time>),
            # not to one its prose or a list happens to cite
            again = search(relative=True)
            if again[0] is not None and (found is None or again[1] in _MARKED_STAGES):
                found, stage = again
        ambiguous = False
        if found is not None and stage in _TEXT_STAGES:
            found, ambiguous = settle_order(found, ctx, now)
            if found.day == 1 and not written_on_page(ctx.text, found):
                partial, found = found, None  # htmldate's month-only or year-only fallback: not a day
                flags.append("date_partial")
        if found is not None and plausible(found, now):
            published, source = found, _SOURCE.get(stage, stage)
            if ambiguous:
                flags.append("date_ambiguous")
            update = labelled_update()
            published = _before_update(ctx, published, update, now)
            if update is not None and update[0] == published:
                # the day the search read is the one a footer labels "Last update" or "Page generated": the
                # date line beside the headline, when earlier, is the post's
                line = dated_line()
                if line is not None and line < published:
                    published, source = line, "text"
                    flags.append("date_uncertain")  # a line under a headline may be an event's day
    if published is None:
        # A byline htmldate's text stage does not read (a segment over 52 characters: "By ..., RN · Medically
        # reviewed by ... · Published on November 2, 2022 · 6 min read"), before a modified stamp or a year
        byline = _labelled_date(ctx.text, PUBLISHED_BYLINE_RE, now, ctx.order)
        if byline is not None:
            published, source = byline[0], "text"
    month = None
    if published is None:
        month = ctx.url_month or (url_month(canonical_href(tree)) if not is_archive_capture(url) else None)
        line = dated_line()
        # Before a modified stamp or a year alone (a copyright range's last year): the day the line beside the
        # headline shows, when it agrees with the month the URL names, the year found alone or the update
        if line is not None and fits(line, month, partial, modified[0].day if modified else None):
            published, source = line, "text"
            flags.append("date_uncertain")  # a line under a headline may be an event's day
            if "date_partial" in flags:
                flags.remove("date_partial")  # the search's year alone gave way to a day
    if published is None and modified:
        published, source = modified[0].day, modified[0].source
    if published is None:
        published = fallback_date(month, partial, now)
        if published is not None:
            source = "fallback"
            flags.extend(f for f in ("date_partial", "date_uncertain") if f not in flags)
            if published.month == 1 and (published.year, published.month) != month:
                # not the URL's month: a year alone (or a January) htmldate found. A medical review's day the
                # page states ("Medically reviewed by ... on August 8, 2024") says more than a copyright year;
                # still flagged uncertain (it is a review's day, the publication may be older)
                reviewed = _reviewed_day(ctx, now)
                if reviewed is not None:
                    published, source = reviewed, "text"
                else:
                    flags.append("date_year_only")

    if updated is None:
        labelled = labelled_update()
        updated = labelled[0] if labelled else None
    if updated and published and updated < published:
        updated = None
    return published, updated, source, flags


def _reviewed_day(ctx: DateContext, now: datetime | None) -> date | None:
    """The day a medical-review label of the page's text names (its reviewer, or "Reviewed:"), if any."""
    low = ctx.text.lower()
    if not any(word in low for word in REVIEW_WORDS):
        return None
    found = _labelled_date(ctx.text, REVIEW_LABEL_RE, now, ctx.order)
    return found[0] if found is not None else None


def fallback_date(month: tuple[int, int] | None, partial: date | None, now: datetime | None = None) -> date | None:
    """The last tier, for a page where no source gave a day: the 1st of the month its URL names
    (/2023/04/: the publisher's own filing), else the 1st of the month htmldate's search found without a
    day, else January 1st of the year it found alone. htmldate gives a bare year (mostly a copyright
    line: the year the footer was rendered, which is the publication year or later) as January 1st, and
    so does this tier, as htmldate's users get it; the caller flags it `date_year_only` next to
    `date_uncertain`, so an analyst who wants days or months drops it. None when there is nothing.

    htmldate's broader `find_date(original_date=False, extensive_search=True)` is not called here: on
    the dev set it dated no page this tier leaves undated, and its all-locale dateparser costs 1.6 s
    on the first text it cannot read (docs/extraction.md)."""
    if month is not None:
        found = plausible(safe_date(month[0], month[1], 1), now)
        if found is not None:
            return found
    if partial is not None:
        return plausible(partial.replace(day=1), now)
    return None


_SOURCE = {"abbr": "markup", "meta": "meta", "json-ld": "json-ld", "markup": "markup", "time": "time",
           "timestamp": "text", "text-pattern": "text", "text": "text", "title": "title", "image-url": "image-url",
           "htmldate": "htmldate"}
_TEXT_STAGES = {"abbr", "markup", "time", "text", "text-pattern", "title", "htmldate"}
_MARKED_STAGES = {"meta", "json-ld", "abbr", "markup", "time"}  # a date where the page puts its dates
