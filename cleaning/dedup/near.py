"""Near duplicates: pairs of a batch sharing an LSH band confirmed on the true Jaccard, the connected
components they form, and the best match for a record among the articles of earlier runs."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator

import numpy as np

from .minhash import LSHIndex, estimate_jaccard, jaccard
from .options import DedupOptions, fingerprint
from .records import Batch, stored_key
from .shingle_file import ShingleFile
from .state import DedupState


def confirmed_edges(near_units: list[int], in_state: dict[int, bool], sig: Callable[[int], np.ndarray | None],
                    true_sim: Callable[[int, int], float], opts: DedupOptions, stats: Counter
                    ) -> dict[int, dict[int, float]]:
    """Pairs of units sharing an LSH band, confirmed on the true Jaccard.

    Band keys are held as one uint64 matrix; equal keys are found by
    sorting each band, so only buckets with two or more units cost
    anything. Each unit is paired with at most ``max_candidates``
    higher-priority units per band (the highest-priority ones), and with at
    most ``max_candidates`` in all (the highest-priority ones again).
    """
    thr = opts.threshold
    edges: dict[int, dict[int, float]] = defaultdict(dict)
    n = len(near_units)
    if n < 2:
        return edges
    bands, rows = opts.bands_rows
    keyer = LSHIndex(opts.effective_lsh_threshold, opts.num_perm, bands, rows)
    keys = np.empty((n, bands), dtype=np.uint64)
    for r, u in enumerate(near_units):
        keys[r] = keyer.band_keys(sig(u))
    cap = opts.max_candidates
    for pairs in candidate_pairs(keys, cap, stats):
        for r, q in zip((pairs // n).tolist(), (pairs % n).tolist()):
            u, v = near_units[r], near_units[q]
            if in_state[u] and in_state[v]:
                continue  # two stored articles are never merged
            stats["candidates"] += 1
            sim = true_sim(u, v)
            if sim >= thr:
                edges[u][v] = sim
                edges[v][u] = sim
    return edges


_BLOCK_PAIRS = 1 << 16  # candidate pairs made at once, at most (~3 MB of numpy arrays and ints)


def candidate_pairs(keys: np.ndarray, cap: int, stats: Counter) -> Iterator[np.ndarray]:
    """The candidate pairs of the rows of `keys` (rows in priority order, one uint64 column per band), as
    sorted unique codes ``row * n + partner`` (``partner < row``), a block of rows at a time, rows in
    order: in each band, a row is paired with the first ``min(its place in its bucket, cap)`` rows of its
    bucket; in all, each row keeps its ``cap`` smallest partners.

    Held while the pairs are made: per band, the rows in key order, where each row sits in it and where
    its bucket starts (int32: 12 bytes a row and band). A set of partners per row (what this replaced) held ~60 bytes a pair for the
    whole run: ~150 MB for the 1.2 million pairs of 20,000 generated articles, growing with the run.
    """
    n, bands = keys.shape
    if n < 2:
        return
    index = np.int32 if n < 2**31 else np.int64
    orders, firsts, places = [], [], []
    for band in range(bands):
        col = keys[:, band]
        order = np.argsort(col, kind="stable")  # equal keys stay in row (priority) order
        sk = col[order]
        starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
        sizes = np.diff(np.r_[starts, n])
        stats["candidates_capped"] += int(np.count_nonzero(sizes > cap))
        place = np.empty(n, dtype=index)
        place[order] = np.arange(n, dtype=index)  # where each row sits in the band's key order
        orders.append(order.astype(index))
        firsts.append(np.repeat(starts, sizes).astype(index))  # for each place, where its bucket starts
        places.append(place)
    rows_per_block = max(1, _BLOCK_PAIRS // max(1, cap * bands))
    for lo in range(0, n, rows_per_block):
        hi = min(n, lo + rows_per_block)
        codes = []
        for order, first, place in zip(orders, firsts, places):
            at = place[lo:hi].astype(np.int64)
            start = first[at].astype(np.int64)
            counts = np.minimum(at - start, cap)
            total = int(counts.sum())
            if not total:
                continue
            own = np.repeat(at, counts)
            j = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
            codes.append(order[own].astype(np.int64) * n + order[np.repeat(start, counts) + j])
        if not codes:
            continue
        pairs = np.unique(np.concatenate(codes))
        rows = pairs // n
        begins = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        within = np.arange(len(pairs)) - np.repeat(begins, np.diff(np.r_[begins, len(pairs)]))
        yield pairs[within < cap]


def match_state(u: int, s: np.ndarray, spool: ShingleFile, b: Batch, state: DedupState, opts: DedupOptions,
                stats: Counter, stored_text: Callable[[str], str | None] | None) -> tuple[str, float] | None:
    """The most similar earlier-run article at or above the threshold (true Jaccard when `stored_text`
    gives its text, else the MinHash estimate), ties to the earlier date, then the smaller id."""
    thr = opts.threshold
    cands = state.near_candidates(s)
    if not cands:
        return None
    if len(cands) > opts.max_candidates:
        stats["candidates_capped"] += 1
        cands = sorted(cands, key=lambda a: stored_key(state, a))[: opts.max_candidates]
    mine = None
    best: tuple[str, float] | None = None
    for aid in cands:
        stats["state_candidates"] += 1
        if stored_text is not None:
            try:
                text = stored_text(aid)
            except Exception:
                text = None
            if text is not None:
                if mine is None:
                    mine = spool.read(b.sh_off[u], b.sh_len[u])
                sim = jaccard(mine, fingerprint(text, opts).shingles)
            else:
                sim = estimate_jaccard(s, state.signature_of(aid))
                stats["estimated_similarity"] += 1
        else:
            sim = estimate_jaccard(s, state.signature_of(aid))
            stats["estimated_similarity"] += 1
        if sim >= thr and (best is None or sim > best[1] or (sim == best[1] and stored_key(state, aid) < stored_key(state, best[0]))):
            best = (aid, sim)
    return best


def components(members: list[int], edges: dict[int, dict[int, float]]) -> list[list[int]]:
    """Connected components of the members (edges restricted to them), each
    listed in the members' order, components ordered by their first member."""
    pos = {u: i for i, u in enumerate(members)}
    parent = list(range(len(members)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u in members:
        for v in edges.get(u, ()):
            j = pos.get(v)
            if j is not None:
                a, c = find(pos[u]), find(j)
                if a != c:
                    parent[max(a, c)] = min(a, c)
    comps: dict[int, list[int]] = defaultdict(list)
    for i, u in enumerate(members):
        comps[find(i)].append(u)
    return [comps[k] for k in sorted(comps)]
