"""Fingerprints each body for dedup (content hash, shingles, MinHash signature), per document, in parallel.

The most expensive part of dedup that does not need the whole run; `Deduplicate` then only compares.
"""

from __future__ import annotations

from cleaning.dedup.options import DedupOptions
from cleaning.dedup.options import fingerprint
from cleaning.document import Document
from cleaning.steps.base import Step


class HashContent(Step):
    name = "hash"
    parallel = True

    def __init__(self, options: DedupOptions | None = None) -> None:
        super().__init__()
        self.options = options or DedupOptions()

    def ready(self) -> None:
        hasher = self.options.hasher  # the permutations, drawn before the first body
        hasher.signature_of_shingles(hasher.shingles("ready"))

    def process(self, doc: Document) -> Document | None:
        doc.fingerprint = fingerprint(doc.body_original, self.options)
        doc.content_hash = doc.fingerprint.content_hash
        self.stats["documents"] += 1
        return doc
