"""Deduplication of crawled articles: URL, exact and near duplicates, across runs.

See docs/dedup.md. Public interface:

* `urls`: canonicalize_url, article_id, resolve_canonical
* `text`: normalize_text, content_hash
* `minhash`: MinHasher, LSHIndex, shingle_hashes, jaccard
* `state`: DedupState
* `deduplicator`: DedupOptions, DedupRecord, Decision, Deduplicator
"""

from .deduplicator import Decision, DedupOptions, DedupRecord, Deduplicator
from .minhash import LSHIndex, MinHasher, jaccard, shingle_hashes
from .state import DedupState, StateError
from .text import content_hash, normalize_text
from .urls import article_id, canonicalize_url, resolve_canonical

__all__ = [
    "Decision",
    "DedupOptions",
    "DedupRecord",
    "DedupState",
    "Deduplicator",
    "LSHIndex",
    "MinHasher",
    "StateError",
    "article_id",
    "canonicalize_url",
    "content_hash",
    "jaccard",
    "normalize_text",
    "resolve_canonical",
    "shingle_hashes",
]
