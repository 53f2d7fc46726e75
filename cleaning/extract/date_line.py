"""The date line beside a post's headline: the day a personal site or an old blog shows with the post.

Such pages show the post's day as a short line right under the headline (`<i>March 3, 2009</i>`,
`Veröffentlicht am 17. November 2020`, the first line of a `<pre>` post) or, on LiveJournal, right above it
(`Feb. 17th, 2008 | 02:20 pm`). It sits in elements htmldate's free-text stage does not read (<i>, <font>,
<td>, <b>, <pre>, a bare text node), so htmldate's search falls through to the page's footer: a copyright
range, whose last year it then uses as a lower bound and returns alone; a "Last update" or "Page generated"
day. `headline_day` reads those few lines with the product's own parser (`date_text.parse_text`).

The evidence is the line's place: the first short line after the headline (else the one just before it),
before the post's prose starts. The caller asks only where its cascade has no day of its own (a year alone
is left) or where its day is the one the page labels as an update; a word never decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

from lxml.html import HtmlElement

#: a date line is short ("Geschrieben von Urs am 17. November 2020 | 3 Kommentare"); a longer line is prose
LINE_MAX = 90
#: lines read after the headline (a byline, the date, a comment count); before it, the one line (LiveJournal's header)
AFTER_LINES = 4
#: the headline is a short element whose text is the page's title
HEADLINE_MAX = 300

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
#: a line whose date is another kind of day: due or next ("Next review due: 3 March 2016", "bis 3. März"), a range
#: ("14–16 March 2015", "2019 - 2021"), a citation ("Lancet, 12 March 2013; 381: 1021", "vol. 12", "doi:")
OTHER_DATE_RE = re.compile(
    r"\b(?:next|due|until|deadline|expires?|valid|bis|jusqu|hasta|fino|tot)\b|"
    r"\d\s*[–—]\s*\d|\d\s+-\s+\d|;\s*\d|\bvol\.|\bdoi\b|\bpp?\.\s*\d", re.I)
_HIDDEN = {"script", "style", "noscript", "template", "head", "title"}
_HEADLINE = object()  # where the headline stands among the page's lines


class _Heading(str):
    """A line of a heading: before the headline it may be the post's day (Blogger's `<h2 class=date-header>`),
    after it a subheading (a standfirst naming a trial's start, "Events on 14 March") is no date line."""


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def find_headline(tree: HtmlElement, title: str | None, skip: set) -> HtmlElement | None:
    """The first element (outside `skip`) whose whole text is the post's title, else the first <h1>."""
    want = _norm(title or "")
    body = tree.find(".//body")
    if body is None:
        return None
    if want:
        for el in body.iter():
            if not isinstance(el.tag, str) or el.tag in _HIDDEN:
                continue
            own = _norm(el.text or "")
            if not own or not want.startswith(own):
                continue  # reading every element's whole text would cost a pass over the page each
            text = el.text_content()
            if len(text) <= HEADLINE_MAX and _norm(text) == want and not _inside(el, skip):
                link = el if el.tag == "a" else next(el.iterancestors("a"), None)
                if link is None:
                    return el
                if link.getparent() is not None and link.getparent().tag in _HEADINGS:
                    return link.getparent()  # <h3 class="post-title"><a href=permalink>
                # else a link to the post among "Recent posts", whose next line is another post's date
    h1 = next(body.iter("h1"), None)
    return h1 if h1 is not None and not _inside(h1, skip) else None


def _inside(el: HtmlElement, skip: set) -> bool:
    return el in skip or any(a in skip for a in el.iterancestors())


def _lines(el: HtmlElement, headline: HtmlElement, skip: set) -> Iterator[object]:
    """The page's text lines in reading order, `_HEADLINE` in the headline's place (its own text left out)."""
    if el is headline:
        yield _HEADLINE
        return
    if not isinstance(el.tag, str) or el.tag in _HIDDEN or el in skip:
        return
    if el.tag in _HEADINGS:
        yield from (_Heading(line) for line in el.text_content().splitlines())
        return
    yield from (line for line in (el.text or "").splitlines())
    for child in el:
        yield from _lines(child, headline, skip)
        yield from (line for line in (child.tail or "").splitlines())


def _take(lines: Iterator[object]) -> Iterator[object]:
    """The lines up to AFTER_LINES + 20 past the headline (the rest of a long page is never read)."""
    left = None
    for line in lines:
        yield line
        if line is _HEADLINE:
            left = AFTER_LINES + 20
        elif left is not None:
            left -= 1
            if left <= 0:
                return


def headline_day(tree: HtmlElement, title: str | None, skip: set,
                 parse: Callable[[str], date | None]) -> date | None:
    """The day the line next to the post's headline shows: the first of the short lines after it, before the
    first line of prose; else the line just before the headline. None when neither reads as a date."""
    headline = find_headline(tree, title, skip)
    body = tree.find(".//body")
    if headline is None or body is None:
        return None
    before = ""  # the last line before the headline
    after: list[str] = []
    seen = False
    try:
        lines = list(_take(_lines(body, headline, skip)))
    except RecursionError:  # a page nested deeper than Python's stack: no date line read
        return None
    for line in lines:
        if line is _HEADLINE:
            seen = True
            continue
        heading = isinstance(line, _Heading)
        line = line.strip()
        if not line or (seen and heading):
            continue
        if not seen:
            before = line
        elif len(line) > LINE_MAX or len(after) >= AFTER_LINES:
            break  # the post's prose: a date further down is a comment's or a footer's
        else:
            after.append(line)
    for line in (*after, before):
        if line and len(line) <= LINE_MAX:
            found = parse(line)
            if found is not None:
                return found
    return None


def fits(line: date, month: tuple[int, int] | None, partial: date | None, modified: date | None) -> bool:
    """Whether a date line's day fits what else the page says: the month its URL names, no later than the
    year found alone (a copyright range's last year, a footer's), nor than its modified value."""
    if month is not None and (line.year, line.month) != month:
        return False
    if partial is not None and line.year > partial.year:
        return False
    return modified is None or line <= modified
