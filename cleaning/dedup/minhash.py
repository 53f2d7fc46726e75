"""Word-shingle MinHash signatures (datasketch) and a compact banded LSH index.

* Shingles are the k-word windows of `normalize_text(text)` (k =
  ``shingle_size``; in Chinese, Japanese, Korean and Thai text each
  character counts as a word), each hashed to 64 bits with xxh3. A text with fewer
  than k words has one shingle (the whole text). `shingle_hashes` returns
  the sorted unique hashes: it is what the *true* Jaccard similarity is
  computed on (64-bit hashes: a collision between two different shingles is
  a 1-in-2^64 event per pair of shingles).
* The signature is datasketch's ``MinHash`` (scheme ``affine32``, fixed
  ``seed``) of the low 32 bits of those hashes, bit for bit, computed here
  with numpy in chunks so a 1 MB body never allocates a (shingles x num_perm)
  matrix larger than a few MB. Signatures are ``uint32[num_perm]``.
* `LSHIndex` bands signatures (b bands of r rows, the pair datasketch's
  ``MinHashLSH`` would choose for the threshold) and keys each band by a 64-bit
  hash. It has a frozen part (sorted numpy arrays, ~12 bytes per band per item:
  used for the persisted state) and a small dict part for items added since
  (used for the representatives of the current batch). It stores no texts and
  no signatures, only band keys and integer ids.

Why not datasketch's own objects at run time: importing datasketch imports its
LSH module and with it scipy, half a second of CPU in every process that
fingerprints a page or deduplicates (the crawl's helpers and the crawl itself,
at its end). The arithmetic is a few lines; tests/cleaning/dedup/test_minhash.py
holds the permutations, the signatures and the (bands, rows) choice equal to
datasketch's, which stays the reference (and `MinHasher.minhash` gives its
objects for interop).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from typing import TYPE_CHECKING

import numpy as np
import xxhash

from .text import normalize_text, tokens

if TYPE_CHECKING:
    from datasketch import MinHash

__all__ = [
    "MinHasher",
    "LSHIndex",
    "lsh_params",
    "shingle_hashes",
    "jaccard",
    "estimate_jaccard",
]

_CHUNK = 8192  # shingles mixed into the signature at once (a chunk x num_perm uint32 matrix)


def shingle_hashes(text: str, shingle_size: int = 5, *, normalized: bool = False) -> np.ndarray:
    """Sorted unique 64-bit xxh3 hashes of the word shingles of a text."""
    norm = text if normalized else normalize_text(text)
    if not norm:
        return np.empty(0, dtype=np.uint64)
    words = tokens(norm)
    k = max(1, int(shingle_size))
    h = xxhash.xxh3_64_intdigest
    if len(words) <= k:
        vals = [h(" ".join(words).encode("utf-8"))]
    else:
        vals = [h(" ".join(words[i : i + k]).encode("utf-8")) for i in range(len(words) - k + 1)]
    return np.unique(np.fromiter(vals, dtype=np.uint64, count=len(vals)))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique hash arrays."""
    if a.size == 0 and b.size == 0:
        return 1.0
    # Each value is in each array at most once, so a value both hold is the one equal neighbour it has in the
    # sorted pair: a third faster than np.intersect1d (a dedup pass confirms ~16 candidate pairs a page).
    both = np.concatenate((a, b))
    both.sort()
    inter = int(np.count_nonzero(both[1:] == both[:-1]))
    return inter / (a.size + b.size - inter)


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """MinHash estimate: the fraction of equal signature positions."""
    return float(np.count_nonzero(sig_a == sig_b)) / float(len(sig_a))


@lru_cache(maxsize=16)
def _permutations(num_perm: int, seed: int) -> np.ndarray:
    """uint32[2, num_perm]: datasketch's affine32 permutations (a odd, b) for this seed, drawn the same way."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, datasketch's pre-mix of each input hash (uint32, wrapping)."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising the false positive plus false negative probability mass (equal weights):
    datasketch's ``MinHashLSH`` choice, searched in its order. Its integrands are polynomials of degree
    bands * rows <= num_perm, which Gauss-Legendre quadrature with num_perm // 2 + 1 nodes integrates
    exactly, so no adaptive quadrature (scipy) is needed."""
    t = float(threshold)
    if not 0.0 <= t <= 1.0:  # as datasketch
        raise ValueError(f"threshold must be in [0.0, 1.0], got {threshold}")
    if num_perm < 2:
        raise ValueError("too few permutation functions")
    nodes, weights = np.polynomial.legendre.leggauss(int(num_perm) // 2 + 1)
    below, above = t / 2 * (nodes + 1), (1 - t) / 2 * (nodes + 1) + t  # nodes mapped to [0, t] and [t, 1]
    best, best_error = (0, 0), float("inf")
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = t / 2 * float(weights @ (1 - (1 - below**r) ** b))
            fn = (1 - t) / 2 * float(weights @ ((1 - above**r) ** b))
            error = 0.5 * fp + 0.5 * fn
            if error < best_error:
                best, best_error = (b, r), error
    if best[0] < 2:  # as datasketch, which refuses to build such an index
        raise ValueError(f"threshold {threshold} with {num_perm} permutations gives fewer than 2 bands")
    return best


@dataclass(frozen=True)
class MinHasher:
    """Computes shingles and signatures with fixed parameters."""

    num_perm: int = 128
    shingle_size: int = 5
    seed: int = 1

    def shingles(self, text: str, *, normalized: bool = False) -> np.ndarray:
        return shingle_hashes(text, self.shingle_size, normalized=normalized)

    def signature_of_shingles(self, shingles: np.ndarray) -> np.ndarray:
        """uint32[num_perm] signature of a shingle hash array (all 0xFFFFFFFF if empty)."""
        a, b = _permutations(self.num_perm, self.seed)
        sig = np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        low = (shingles & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        for start in range(0, low.size, _CHUNK):
            hv = _fmix32(low[start : start + _CHUNK]).reshape(-1, 1)
            np.minimum(sig, (hv * a + b).min(axis=0), out=sig)
        return sig

    def signature(self, text: str, *, normalized: bool = False) -> np.ndarray:
        return self.signature_of_shingles(self.shingles(text, normalized=normalized))

    def minhash(self, signature: np.ndarray) -> "MinHash":
        """A datasketch MinHash object for a stored signature (for interop)."""
        from datasketch import MinHash

        return MinHash(
            seed=self.seed,
            scheme="affine32",
            hashvalues=signature,
            permutations=_permutations(self.num_perm, self.seed),
        )


class LSHIndex:
    """Banded LSH over uint32 signatures, keyed by caller-given integer ids.

    ``freeze(ids, signatures)`` builds the compact sorted part in one go;
    ``add(id, signature)`` appends to the dict part; ``query(signature)``
    returns the sorted ids sharing at least one band with it.
    """

    def __init__(self, threshold: float, num_perm: int, bands: int | None = None, rows: int | None = None):
        if bands is None or rows is None:
            bands, rows = lsh_params(threshold, num_perm)
        if bands * rows > num_perm:
            raise ValueError("bands * rows must not exceed num_perm")
        self.threshold = threshold
        self.num_perm = num_perm
        self.bands = bands
        self.rows = rows
        self._frozen_keys: list[np.ndarray] = [np.empty(0, np.uint64) for _ in range(bands)]
        self._frozen_ids: list[np.ndarray] = [np.empty(0, np.int64) for _ in range(bands)]
        self._tables: list[dict[int, int | list[int]]] = [{} for _ in range(bands)]
        self._frozen_count = 0
        self._added = 0

    def band_keys(self, signature: np.ndarray) -> np.ndarray:
        """uint64[bands]: xxh3 of each band's bytes, seeded by the band index."""
        sig = np.ascontiguousarray(signature, dtype=np.uint32)
        r = self.rows
        return np.fromiter(
            (xxhash.xxh3_64_intdigest(sig[i * r : (i + 1) * r].tobytes(), seed=i) for i in range(self.bands)),
            dtype=np.uint64,
            count=self.bands,
        )

    def band_keys_matrix(self, signatures: np.ndarray) -> np.ndarray:
        out = np.empty((len(signatures), self.bands), dtype=np.uint64)
        for j, sig in enumerate(signatures):
            out[j] = self.band_keys(sig)
        return out

    def freeze(self, ids: np.ndarray, signatures: np.ndarray) -> None:
        """Replace the frozen part with these items (ids int64, signatures n x num_perm)."""
        ids = np.asarray(ids, dtype=np.int64)
        keys = self.band_keys_matrix(signatures) if len(ids) else np.empty((0, self.bands), np.uint64)
        for band in range(self.bands):
            order = np.argsort(keys[:, band], kind="stable")
            self._frozen_keys[band] = keys[order, band].copy()
            self._frozen_ids[band] = ids[order].copy()
        self._frozen_count = len(ids)

    def __len__(self) -> int:
        return self._frozen_count + self._added

    def add(self, item_id: int, signature: np.ndarray, keys: np.ndarray | None = None) -> None:
        if keys is None:
            keys = self.band_keys(signature)
        for band, key in enumerate(keys.tolist()):
            table = self._tables[band]
            cur = table.get(key)
            if cur is None:
                table[key] = item_id
            elif isinstance(cur, list):
                cur.append(item_id)
            else:
                table[key] = [cur, item_id]
        self._added += 1

    def query(self, signature: np.ndarray, keys: np.ndarray | None = None) -> list[int]:
        if keys is None:
            keys = self.band_keys(signature)
        found: set[int] = set()
        for band, key in enumerate(keys.tolist()):
            fk = self._frozen_keys[band]
            if fk.size:
                k = np.uint64(key)
                lo = int(np.searchsorted(fk, k, side="left"))
                hi = int(np.searchsorted(fk, k, side="right"))
                if hi > lo:
                    found.update(self._frozen_ids[band][lo:hi].tolist())
            cur = self._tables[band].get(key)
            if cur is not None:
                if isinstance(cur, list):
                    found.update(cur)
                else:
                    found.add(cur)
        return sorted(found)
