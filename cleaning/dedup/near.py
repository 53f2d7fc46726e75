"""Near duplicates: pairs of a batch sharing an LSH band confirmed on the true Jaccard, the connected
components they form, and the best match for a record among the articles of earlier runs."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

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
    higher-priority units per band (the highest-priority ones).
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
    cand: dict[int, set[int]] = defaultdict(set)  # rank -> higher-priority ranks
    for band in range(bands):
        col = keys[:, band]
        order = np.argsort(col, kind="stable")  # equal keys stay in rank order
        sk = col[order]
        starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
        ends = np.r_[starts[1:], n]
        for st, en in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist()):
            run = order[st:en].tolist()
            if len(run) > cap:
                stats["candidates_capped"] += 1
            for p in range(1, len(run)):
                cand[run[p]].update(run[: min(p, cap)])
    for r in sorted(cand):
        u = near_units[r]
        partners = sorted(cand[r])[:cap]
        for q in partners:
            v = near_units[q]
            if in_state[u] and in_state[v]:
                continue  # two stored articles are never merged
            stats["candidates"] += 1
            sim = true_sim(u, v)
            if sim >= thr:
                edges[u][v] = sim
                edges[v][u] = sim
    return edges


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
