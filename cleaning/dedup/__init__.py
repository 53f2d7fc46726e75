"""Deduplication of crawled articles: URL, exact and near duplicates, across runs.

See docs/dedup.md. Public interface:

* `urls`: canonicalize_url, article_id, resolve_canonical
* `text`: normalize_text, content_hash
* `minhash`: MinHasher, LSHIndex, shingle_hashes, jaccard
* `state`: DedupState
* `options`: DedupOptions
* `records`: DedupRecord, Decision
* `deduplicator`: Deduplicator

Names load on first use: the crawler needs only `urls` (canonical URLs) and must not pay for numpy at
start-up. Nothing here imports datasketch (and with it scipy) at run time: see `minhash`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "Decision": "records", "DedupOptions": "options", "DedupRecord": "records",
    "Deduplicator": "deduplicator", "LSHIndex": "minhash", "MinHasher": "minhash", "jaccard": "minhash",
    "shingle_hashes": "minhash", "DedupState": "state", "StateError": "state", "content_hash": "text",
    "normalize_text": "text", "article_id": "urls", "canonicalize_url": "urls", "resolve_canonical": "urls",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
