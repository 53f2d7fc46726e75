"""Settings of the dedup stage and the per-text fingerprint they define."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xxhash

from .minhash import MinHasher, lsh_params
from .text import normalize_text, tokens

__all__ = ["DedupOptions", "Fingerprint", "fingerprint"]


@dataclass(frozen=True)
class DedupOptions:
    """Settings of the dedup stage.

    threshold        Jaccard similarity of word shingles from which two bodies
                     are near duplicates (confirmed on the true Jaccard).
    num_perm         MinHash permutations (signature length, 4 bytes each).
    shingle_size     words per shingle.
    seed             MinHash seed; changing it (or num_perm / shingle_size)
                     invalidates a saved state, which must then be rebuilt.
    min_exact_words  bodies with fewer (normalised) words take part in no
                     content dedup at all, only in URL dedup: an empty body or
                     "Loading..." must not make unrelated pages duplicates.
    min_shingles     bodies with fewer distinct shingles are exact-matched
                     only (too little text for a meaningful similarity).
    lsh_threshold    the threshold the LSH banding is tuned for (datasketch's
                     optimiser); default ``threshold - 0.2``, so a pair right
                     at `threshold` is a candidate ~99 % of the time rather
                     than ~40 % (b=9, r=13 for 0.8); candidates are then
                     confirmed on the true Jaccard, so this only costs time.
    lsh_bands/rows   override the banding altogether.
    cluster_floor    within a run, confirmed pairs (>= threshold) are joined
                     into connected components; a member is a duplicate of
                     its component's representative if its own Jaccard with
                     it is at least this (default ``threshold - 0.15``),
                     otherwise it is clustered again among the leftovers.
                     Bounds chaining (A~B~C with A and C unrelated).
    max_candidates   at most this many LSH candidates (highest priority
                     first) are confirmed per document; bounds the work on
                     pathological inputs (thousands of near-identical pages).
    spool_dir        where the temporary shingle spool goes (default: TMPDIR).
    """

    threshold: float = 0.8
    num_perm: int = 128
    shingle_size: int = 3
    seed: int = 1
    min_exact_words: int = 3
    min_shingles: int = 10
    lsh_threshold: float | None = None
    lsh_bands: int | None = None
    lsh_rows: int | None = None
    cluster_floor: float | None = None
    max_candidates: int = 64
    spool_dir: str | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if self.num_perm < 2 or self.shingle_size < 1:
            raise ValueError("num_perm >= 2 and shingle_size >= 1 required")

    @property
    def hasher(self) -> MinHasher:
        return MinHasher(num_perm=self.num_perm, shingle_size=self.shingle_size, seed=self.seed)

    @property
    def bands_rows(self) -> tuple[int, int]:
        if self.lsh_bands and self.lsh_rows:
            return self.lsh_bands, self.lsh_rows
        return lsh_params(self.effective_lsh_threshold, self.num_perm)

    @property
    def effective_cluster_floor(self) -> float:
        if self.cluster_floor is not None:
            return self.cluster_floor
        return max(0.0, round(self.threshold - 0.15, 4))

    @property
    def effective_lsh_threshold(self) -> float:
        if self.lsh_threshold is not None:
            return self.lsh_threshold
        return max(0.3, round(self.threshold - 0.2, 4))


@dataclass(slots=True)
class Fingerprint:
    content_hash: str
    words: int
    shingles: np.ndarray  # sorted unique uint64 (empty below min_exact_words)
    signature: np.ndarray | None  # uint32[num_perm]; None below min_shingles


def fingerprint(text: object, options: DedupOptions) -> Fingerprint:
    """Hash, word count, shingles and signature of a body, as the stage sees it."""
    norm = normalize_text(text)
    words = len(tokens(norm))
    h = xxhash.xxh3_128_hexdigest(norm.encode("utf-8"))
    if words < options.min_exact_words:
        return Fingerprint(h, words, np.empty(0, dtype=np.uint64), None)
    hasher = options.hasher
    sh = hasher.shingles(norm, normalized=True)
    sig = hasher.signature_of_shingles(sh) if sh.size >= options.min_shingles else None
    return Fingerprint(h, words, sh, sig)
