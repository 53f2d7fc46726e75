"""Turns a stored page into a document: extraction, article id, and the reasons a page is no article."""

from __future__ import annotations

from cleaning.dedup.urls import article_id, resolve_canonical
from cleaning.document import Document
from cleaning.steps.base import Step
from cleaning.text import word_count


class ExtractArticle(Step):
    name = "extract"
    parallel = True

    def __init__(self, min_words: int = 40) -> None:
        super().__init__()
        self.min_words = min_words  # below this an "article" is a stub, a gallery or an error page

    def ready(self) -> None:
        from cleaning.extract import warm_up

        warm_up()  # importing it loads trafilatura already; this says so

    def process(self, doc: Document) -> Document | None:
        from cleaning.extract import extract

        page = doc.page
        self.stats["pages"] += 1
        if page.status != 200:
            return self.drop(doc, f"http_{page.status}")
        if page.kind == "listing":
            return self.drop(doc, "listing_page")
        # The fetch time anchors relative dates ("3 days ago") and the future-date check, so
        # re-cleaning old pages gives the same dates as cleaning them when they were fetched.
        ex = extract(page.body, page.url, page.profile, content_type=page.content_type, now=page.fetched_at,
                     encoding=page.declared_encoding)
        page.body = b""  # later steps need the extraction, not the raw page (it would only weigh on the spool)
        doc.extraction = ex
        self.stats[f"body_source/{ex.body_source or 'none'}"] += 1
        for flag in ex.flags:
            self.stats[f"flag/{flag}"] += 1
        if not ex.body.strip():
            return self.drop(doc, f"no_body:{ex.reason or 'empty'}")
        if word_count(ex.body) < self.min_words and page.kind != "article":  # CJK: a character is a word
            return self.drop(doc, "too_short")
        # The address the article is read at: `/slug/` stays `/slug/` (a server may answer 404 without the
        # slash); the id is made of the slash-less form, so both spellings are one article.
        doc.canonical_url = resolve_canonical(page.url, ex.canonical_url, keep_trailing_slash=True)
        doc.article_id = article_id(doc.canonical_url)
        doc.body_original = doc.body = ex.body
        self.stats["documents"] += 1
        return doc
