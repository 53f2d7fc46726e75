"""The document model shared by the crawl and the batch cleaning stage.

Plain dataclasses, no live objects, so items pickle (Scrapy JOBDIR, worker
processes) and turn into Parquet rows without surprises.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import date, datetime
from typing import Any


@dataclass(slots=True)
class HotPick:
    """One entry of a related-articles block ("Hot Picks", "Related", ...)."""

    rank: int  # 1-based position in its block (1..n)
    title: str
    url: str | None = None  # absolute http(s), distinct within its block
    teaser: str | None = None
    published_date: date | None = None
    block: str | None = None  # the block's own heading, e.g. "Hot Picks"


@dataclass(slots=True)
class Extraction:
    """What `cleaning.extract` found on one page.

    Never raised out of: a page with nothing usable comes back with empty
    fields and `reason` saying why.
    """

    title: str = ""
    body: str = ""  # paragraphs separated by a blank line
    published_date: date | None = None
    updated_date: date | None = None
    date_source: str | None = None  # json-ld, meta, time, text, url, profile
    hot_picks: list[HotPick] = field(default_factory=list)
    canonical_url: str | None = None  # <link rel=canonical>, absolute
    html_language: str | None = None  # <html lang>, a hint only
    body_source: str = ""  # profile, generic, fallback ("" when no body)
    flags: list[str] = field(default_factory=list)  # too_short, truncated, ...
    reason: str | None = None  # why a field is empty, e.g. "not_html"
    # "DMY"/"MDY": the day-month order the page's own unambiguous numeric dates show (25/03/2024); the
    # run's other pages of the site use it to settle their ambiguous dates (cleaning/steps/settle_date_order.py)
    date_order: str | None = None


@dataclass(slots=True)
class Page:
    """One fetched page, as stored in the `pages` dataset: the raw body, decoded later by cleaning."""

    url: str
    status: int
    fetched_at: datetime  # timezone-aware UTC
    body: bytes = b""  # the response body as received
    site: str = ""
    run_id: str = ""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    kind: str = "unknown"  # article, listing, unknown (from the site profile)
    declared_encoding: str | None = None  # Content-Type or <meta> charset
    detected_encoding: str | None = None  # what the crawler decoded it as
    profile: Any = None  # the SiteProfile the crawl used (None: generic); travels with the page


@dataclass(slots=True)
class GrammarEdit:
    """One edit applied to a body; offsets index the text before fixing."""

    offset: int
    length: int
    original: str
    replacement: str
    rule_id: str
    category: str
    backend: str


@dataclass(slots=True)
class Document:
    """A page on its way through the cleaning chain."""

    page: Page
    article_id: str = ""
    canonical_url: str = ""
    extraction: Extraction = field(default_factory=Extraction)
    body_original: str = ""  # extracted body before grammar fixing
    body: str = ""  # body after fixing
    language: str = "und"
    language_score: float = 0.0
    languages: list[str] = field(default_factory=list)  # per-paragraph, when mixed
    grammar_backend: str = ""
    grammar_status: str = ""
    grammar_edits: list[GrammarEdit] = field(default_factory=list)
    content_hash: str = ""
    fingerprint: Any = None  # dedup's hash, shingles and MinHash signature of body_original (HashContent)
    rare_words: Any = None  # body_original's words for the site vocabulary (ListRareWords: cleaning.grammar.RareWords)
    dropped: str | None = None  # reason when the document leaves the chain
    duplicate_of: str | None = None
    duplicate_kind: str | None = None
    similarity: float | None = None
    version: int = 1
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # dataset -> rows, made by MakeRows


def to_plain(value: Any) -> Any:
    """JSON-ready form of a model object (dataclasses to dicts, dates to ISO strings)."""
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value
