"""Turns a stored page into a document: extraction, article id, and the reasons a page is no article."""

from __future__ import annotations

from functools import lru_cache

from cleaning.dedup.urls import article_id, resolve_canonical
from cleaning.document import Document
from cleaning.profiles import ProfileError, SiteProfile, load_profile
from cleaning.rows import word_count
from cleaning.steps import Step

MIN_WORDS = 40  # below this an "article" is a stub, a gallery or an error page


@lru_cache(maxsize=64)
def _profile(site: str) -> SiteProfile | None:
    try:
        return load_profile(site)
    except ProfileError:
        return None  # generic crawls name the site by host; no profile means generic extraction


class ExtractStep(Step):
    name = "extract"

    def __init__(self, min_words: int = MIN_WORDS) -> None:
        super().__init__()
        self.min_words = min_words

    def __call__(self, doc: Document) -> Document | None:
        from cleaning.extract import extract

        page = doc.page
        self.stats["pages"] += 1
        if page.status != 200:
            return self.drop(doc, f"http_{page.status}")
        if page.kind == "listing":
            return self.drop(doc, "listing_page")
        profile = _profile(page.site) if page.site else None
        # The fetch time anchors relative dates ("3 days ago") and the future-date check, so
        # re-cleaning old pages gives the same dates as cleaning them when they were fetched.
        ex = extract(page.html, page.url, profile, content_type=page.content_type, now=page.fetched_at)
        doc.extraction = ex
        self.stats[f"body_source/{ex.body_source or 'none'}"] += 1
        for flag in ex.flags:
            self.stats[f"flag/{flag}"] += 1
        if not ex.body.strip():
            return self.drop(doc, f"no_body:{ex.reason or 'empty'}")
        if word_count(ex.body) < self.min_words and page.kind != "article":  # CJK: a character is a word
            return self.drop(doc, "too_short")
        doc.canonical_url = resolve_canonical(page.url, ex.canonical_url)
        doc.article_id = article_id(doc.canonical_url)
        doc.body_original = doc.body = ex.body
        self.stats["documents"] += 1
        return doc
