"""Lists each body's words that are rare in English, per document, in parallel: the half of the site vocabulary
that does not need the whole run.

`CollectSiteVocabulary` then only counts in how many kept bodies each word appears. Done here, the words are
read while the crawl still fetches (in its helpers, which hold wordfreq's table for the grammar backend anyway),
instead of every body being read again, and the table loaded, in the crawl's process after it.
"""

from __future__ import annotations

from cleaning.document import Document
from cleaning.grammar.vocabulary import rare_words
from cleaning.grammar.wordstats import zipf_from_table
from cleaning.steps.base import Step


class ListRareWords(Step):
    name = "rare_words"
    parallel = True

    def ready(self) -> None:
        zipf_from_table("ready")  # wordfreq's English table, loaded before the first body

    def process(self, doc: Document) -> Document | None:
        doc.rare_words = rare_words(doc.body_original)
        self.stats["documents"] += 1
        return doc
