"""Ambiguous numeric dates (12/03/2024) settled by the site's own evidence in the run (a whole-run step).

Extraction reads `12/03/2024` day first and flags it `date_ambiguous` when nothing on the page settles
the order (docs/extraction.md). The other pages of the same site usually do: a site writes its dates
one way. For each site of the run, in this order:

1. `text`: the order its pages' unambiguous numeric dates show (25/03/2024 day first, 03/25/2024 month
   first; `Extraction.date_order`), when at least RATIO of the pages that show one agree;
2. `url`: the order unambiguous numeric dates in its pages' URLs show (/news/25-03-2024/...), alike;
3. `language`: the order its pages' `<html lang>` tags imply (en-US month first, en-GB, fr... day first),
   with the same agreement;
4. `page language`: the order the page's detected language implies (a French page is day first);

and a reading in the future (after the page was fetched) is never chosen. A settled date loses the
`date_ambiguous` flag and gains `date_order_site`; a date nothing settles keeps `date_ambiguous`. Runs
after `hash` (the per-page segment stays as it is) and before dedup, which prefers the earliest date.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from cleaning.document import Document
from cleaning.extract.date_order import DMY, MDY, order_from_language, order_from_text
from cleaning.steps.base import Step

AMBIGUOUS, SETTLED = "date_ambiguous", "date_order_site"
RATIO = 0.8  # share of a site's evidence that must agree: one stray page (a quoted US date) does not flip a site


def agreed_order(votes: Counter[str], ratio: float = RATIO) -> str | None:
    """DMY or MDY when at least `ratio` of the votes name it; None when there are none or they split."""
    total = votes[DMY] + votes[MDY]
    if not total:
        return None
    for order in (DMY, MDY):
        if votes[order] / total >= ratio:
            return order
    return None


def swapped(day: date) -> date | None:
    """The month-first reading of a date read day first (and back): 2024-03-12 <-> 2024-12-03."""
    try:
        return date(day.year, day.day, day.month)
    except ValueError:
        return None


class SiteEvidence:
    """What a site's pages in the run say about its numeric date order."""

    def __init__(self) -> None:
        self.text: Counter[str] = Counter()
        self.url: Counter[str] = Counter()
        self.language: Counter[str] = Counter()

    def add(self, doc: Document) -> None:
        ex = doc.extraction
        shown = getattr(ex, "date_order", None)  # results prepared by an older version lack it
        if shown in (DMY, MDY):
            self.text[shown] += 1
        in_url = order_from_text(doc.page.url)
        if in_url:
            self.url[in_url] += 1
        implied = order_from_language(ex.html_language)
        if implied:
            self.language[implied] += 1

    def order(self) -> tuple[str | None, str]:
        """(order, what decided it) for the site as a whole."""
        for name, votes in (("text", self.text), ("url", self.url), ("language", self.language)):
            order = agreed_order(votes)
            if order:
                return order, name
        return None, ""


def settle(doc: Document, site_order: str | None, how: str) -> str:
    """Settles `doc`'s ambiguous publication date in place; what decided it, or "" when nothing did."""
    ex = doc.extraction
    if AMBIGUOUS not in ex.flags or ex.published_date is None:
        return ""
    order, decided = site_order, how
    if order is None:
        order, decided = order_from_language(doc.language), "page_language"
    if order is None:
        return ""
    chosen = ex.published_date if order == DMY else swapped(ex.published_date)
    latest = doc.page.fetched_at.date() + timedelta(days=1)
    if chosen is None or chosen > latest:
        return ""  # the evidence names a reading the page cannot mean: it stays flagged
    ex.published_date = chosen
    if ex.updated_date is not None and ex.updated_date < chosen:
        ex.updated_date = None
    ex.flags = [f for f in ex.flags if f != AMBIGUOUS] + [SETTLED]
    return decided


class SettleDateOrder(Step):
    name = "date_order"
    whole_run = True

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        evidence: defaultdict[str, SiteEvidence] = defaultdict(SiteEvidence)
        for doc in docs:
            evidence[doc.page.site].add(doc)
        orders = {site: e.order() for site, e in evidence.items()}
        for doc in docs:
            if AMBIGUOUS in doc.extraction.flags:
                decided = settle(doc, *orders.get(doc.page.site, (None, "")))
                self.stats[f"settled/{decided}" if decided else "ambiguous"] += 1
            yield doc
