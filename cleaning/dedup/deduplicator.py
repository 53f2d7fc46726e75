"""Batch dedup decisions: URL, exact and near duplicates, within a run and
against the articles of earlier runs.

`Deduplicator(options, state).decide(records)` reads the records once. Of
each it keeps a compact row (ids, URL, date, length, content hash, MinHash
signature); the text itself is dropped as soon as it is fingerprinted. The
sorted 64-bit shingle hashes of each body are appended to a temporary spool
file on disk (deleted when `decide` returns) so that LSH candidates can be
confirmed on their *true* Jaccard similarity without holding any text or
shingle set in memory. Then, with everything in hand:

1. **URL**: records with the same ``article_id`` are one article; the
   representative is chosen by the rule below, the others are ``duplicate``
   / ``url`` (``duplicate_of`` = that article_id).
2. **Known articles**: a representative whose article_id is in the state is
   ``unchanged`` (same content hash) or ``new_version`` (version + 1). Such
   articles are never turned into duplicates afterwards: they are already
   written.
3. **Exact**: representatives with the same content hash (normalised text)
   form a group. If a known article of this batch is in the group, or the
   hash is stored in the state, the others are ``exact`` duplicates of it;
   otherwise the group's best record (rule below) goes on, the rest are its
   ``exact`` duplicates.
4. **Near, against earlier runs**: LSH candidates from the state whose
   signature agrees on at least ``threshold`` of positions (estimated
   Jaccard, since the state holds no text; pass ``stored_text`` to confirm
   on the true Jaccard instead) make the record a ``near`` duplicate of the
   most similar one.
5. **Near, within the batch**: every pair sharing an LSH band (banding tuned
   for ``threshold - 0.2``) is confirmed on the true Jaccard; pairs at or
   above ``threshold`` form a graph. In each connected component the best
   record by the rule is kept and a member is its ``near`` duplicate if
   their own true Jaccard is at least ``cluster_floor`` (default
   ``threshold - 0.15``); members below it are clustered again among
   themselves. This bounds chaining (A~B~C with A and C unrelated).

**Representative rule** (smallest first): already in the state; declares
itself canonical (``is_canonical``); earliest ``published_date`` (missing
dates last); longest body (characters); smallest URL; smallest doc_id. It is
a total order on the records, so decisions do not depend on their order.

Duplicates of a record that is itself dropped point at the article finally
kept (``duplicate_of`` is always a kept or already-stored article_id) and
take its kind and similarity; ``version`` of a duplicate row is the version
of the article it duplicates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .minhash import LSHIndex, estimate_jaccard, jaccard
from .options import DedupOptions, Fingerprint, fingerprint
from .shingle_file import ShingleFile
from .state import DedupState, StateError

__all__ = ["DedupOptions", "DedupRecord", "Decision", "Deduplicator"]

KEEP = "keep"
NEW_VERSION = "new_version"
UNCHANGED = "unchanged"
DUPLICATE = "duplicate"

_NO_DATE = 10**7  # after date.max.toordinal()


@dataclass(slots=True)
class DedupRecord:
    doc_id: str
    article_id: str
    url: str  # the canonical URL (what the articles row will carry)
    is_canonical: bool
    published_date: date | None
    text: str  # the body as it will be written (same text `rebuild` gets)
    fingerprint: Fingerprint | None = None  # fingerprint(text, options), if computed already (in parallel)


@dataclass(frozen=True, slots=True)
class Decision:
    doc_id: str
    action: str  # keep | new_version | unchanged | duplicate
    article_id: str
    duplicate_of: str | None = None
    kind: str | None = None  # url | exact | near (duplicates only)
    similarity: float | None = None  # Jaccard with duplicate_of (duplicates only)
    version: int = 1


@dataclass
class _Batch:
    """Compact columns of one decide() call: no texts."""

    doc_id: list[str] = field(default_factory=list)
    article_id: list[str] = field(default_factory=list)
    url: list[str] = field(default_factory=list)
    canonical: list[bool] = field(default_factory=list)
    date: list[date | None] = field(default_factory=list)
    length: list[int] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    chash: list[str] = field(default_factory=list)
    sig_row: list[int] = field(default_factory=list)  # row in `sigs` or -1
    sigs: np.ndarray | None = None  # uint32[capacity, num_perm], grown by half
    n_sigs: int = 0

    def add_signature(self, sig: np.ndarray) -> int:
        if self.sigs is None or self.n_sigs == len(self.sigs):
            cap = 1024 if self.sigs is None else len(self.sigs) + len(self.sigs) // 2
            grown = np.empty((cap, len(sig)), dtype=np.uint32)
            if self.sigs is not None:
                grown[: self.n_sigs] = self.sigs[: self.n_sigs]
            self.sigs = grown
        self.sigs[self.n_sigs] = sig
        self.n_sigs += 1
        return self.n_sigs - 1
    sh_off: list[int] = field(default_factory=list)  # byte offset in the spool
    sh_len: list[int] = field(default_factory=list)  # number of uint64 shingles

    def __len__(self) -> int:
        return len(self.doc_id)

    def key(self, i: int, in_state: bool = False) -> tuple:
        d = self.date[i]
        return (
            0 if in_state else 1,
            0 if self.canonical[i] else 1,
            d.toordinal() if d is not None else _NO_DATE,
            -self.length[i],
            self.url[i],
            self.doc_id[i],
        )



class Deduplicator:
    """Decides, per run, what is kept and what is a duplicate of what.

    ``stored_text(article_id) -> str | None``, if given, is used to confirm
    near matches against earlier runs on the true Jaccard similarity;
    without it those are confirmed on the MinHash estimate (the state holds
    no texts).
    """

    def __init__(
        self,
        options: DedupOptions | None = None,
        state: DedupState | None = None,
        stored_text: Callable[[str], str | None] | None = None,
    ):
        self.options = options or DedupOptions()
        if state is None:
            state = DedupState(self.options)
        else:
            _check_compatible(state.options, self.options)
            if state.options != self.options:
                state.options = self.options
                state._lsh = None
        self.state = state
        self.stored_text = stored_text
        self.stats: Counter = Counter()
        self._pending: list[tuple] = []

    # ------------------------------------------------------------------ decide
    def decide(self, records: Iterable[DedupRecord]) -> list[Decision]:
        self.stats = Counter()
        self._pending = []
        spool = ShingleFile(self.options.spool_dir)
        try:
            batch = self._ingest(records, spool)
            if len(batch) == 0:
                return []
            return self._decide(batch, spool)
        finally:
            spool.close()

    def _ingest(self, records: Iterable[DedupRecord], spool: ShingleFile) -> _Batch:
        b = _Batch()
        opts = self.options
        for rec in records:
            text = rec.text if isinstance(rec.text, str) else ("" if rec.text is None else str(rec.text))
            fp = rec.fingerprint if rec.fingerprint is not None else fingerprint(text, opts)
            b.doc_id.append(str(rec.doc_id))
            b.article_id.append(str(rec.article_id))
            b.url.append(rec.url or "")
            b.canonical.append(bool(rec.is_canonical))
            b.date.append(rec.published_date if isinstance(rec.published_date, date) else None)
            b.length.append(len(text))
            b.words.append(fp.words)
            b.chash.append(fp.content_hash)
            if fp.signature is not None:
                b.sig_row.append(b.add_signature(fp.signature))
            else:
                b.sig_row.append(-1)
            b.sh_off.append(spool.append(fp.shingles))
            b.sh_len.append(int(fp.shingles.size))
            self.stats["records"] += 1
        return b

    def _decide(self, b: _Batch, spool: ShingleFile) -> list[Decision]:
        opts = self.options
        state = self.state
        n = len(b)

        def shingles(i: int) -> np.ndarray:
            return spool.read(b.sh_off[i], b.sh_len[i])

        def sig(i: int) -> np.ndarray | None:
            r = b.sig_row[i]
            return None if r < 0 else b.sigs[r]

        def true_sim(i: int, j: int) -> float:
            if b.chash[i] == b.chash[j]:
                return 1.0
            if b.sh_len[i] == 0 or b.sh_len[j] == 0:
                return 0.0
            self.stats["jaccard_computed"] += 1
            return jaccard(shingles(i), shingles(j))

        # -- 1. URL groups ------------------------------------------------------
        groups: dict[str, list[int]] = defaultdict(list)
        for i in range(n):
            groups[b.article_id[i]].append(i)
        rep_of = [0] * n
        units: list[int] = []
        for aid, members in groups.items():
            rep = min(members, key=b.key)
            units.append(rep)
            for i in members:
                rep_of[i] = rep
        in_state = {u: (b.article_id[u] in state) for u in units}

        def ukey(u: int) -> tuple:
            return b.key(u, in_state[u])

        units.sort(key=ukey)

        # outcome per unit: (action, duplicate_of, kind, similarity, version)
        outcome: dict[int, tuple] = {}
        # a unit resolved as "same fate as unit v" (exact copies of a group rep)
        follows: dict[int, int] = {}

        # -- 2. known articles --------------------------------------------------
        for u in units:
            if in_state[u]:
                aid = b.article_id[u]
                entry = state.get(aid)
                if entry.content_hash == b.chash[u]:
                    outcome[u] = (UNCHANGED, None, None, None, entry.version)
                else:
                    outcome[u] = (NEW_VERSION, None, None, None, entry.version + 1)

        # -- 3. exact groups ----------------------------------------------------
        by_hash: dict[str, list[int]] = defaultdict(list)
        for u in units:  # already in rule order
            if b.words[u] >= opts.min_exact_words:
                by_hash[b.chash[u]].append(u)
        for h, members in by_hash.items():
            known = [u for u in members if in_state[u]]
            new = [u for u in members if not in_state[u]]
            if not new:
                continue
            if known:
                target = known[0]
                for u in new:
                    outcome[u] = (DUPLICATE, b.article_id[target], "exact", 1.0, outcome[target][4])
                continue
            stored = state.match_exact(h)
            if stored:
                target_aid = min(stored, key=lambda a: _stored_key(state, a))
                for u in new:
                    outcome[u] = (DUPLICATE, target_aid, "exact", 1.0, state.version_of(target_aid))
                continue
            head = new[0]
            for u in new[1:]:
                follows[u] = head

        # -- 4. near, against earlier runs --------------------------------------
        todo = [u for u in units if u not in outcome and u not in follows]
        for u in todo:
            s = sig(u)
            if s is None or len(state) == 0:
                continue
            best = self._match_state(u, s, spool, b)
            if best is not None:
                aid, sim = best
                outcome[u] = (DUPLICATE, aid, "near", round(sim, 4), state.version_of(aid))

        # -- 5. near, within the batch ------------------------------------------
        near_units = [
            u for u in units
            if sig(u) is not None and (in_state[u] or (u not in outcome and u not in follows))
        ]
        edges = self._confirmed_edges(near_units, in_state, sig, true_sim)
        floor = opts.effective_cluster_floor
        rank = {u: r for r, u in enumerate(near_units)}
        members = near_units
        while members:
            leftover: list[int] = []
            for comp in _components(members, edges):
                rep = comp[0]  # best by the rule (known articles first)
                if not in_state[rep]:
                    outcome[rep] = (KEEP, None, None, None, 1)
                for m in comp[1:]:
                    if in_state[m]:
                        leftover.append(m)
                        continue
                    sim = edges[m].get(rep)
                    if sim is None:
                        sim = true_sim(m, rep)
                    if sim >= floor:
                        outcome[m] = (DUPLICATE, b.article_id[rep], "near", round(sim, 4), None)
                    else:
                        leftover.append(m)
            if leftover:
                self.stats["near_reclustered"] += len(leftover)
            members = sorted(leftover, key=rank.__getitem__)
        for u in units:
            if u not in outcome and u not in follows:
                outcome[u] = (KEEP, None, None, None, 1)

        # -- resolve versions of in-batch targets and followers -----------------
        for u in units:
            if u in follows:
                head = follows[u]
                act, dup, kind, sim, ver = outcome[head]
                if act == DUPLICATE:
                    outcome[u] = (DUPLICATE, dup, kind, sim, ver)
                else:
                    outcome[u] = (DUPLICATE, b.article_id[head], "exact", 1.0, None)
        aid_version = {b.article_id[u]: outcome[u][4] for u in units if outcome[u][0] != DUPLICATE}
        for u in units:
            act, dup, kind, sim, ver = outcome[u]
            if act == DUPLICATE and ver is None:
                outcome[u] = (act, dup, kind, sim, aid_version.get(dup, 1))

        # -- decisions in input order -------------------------------------------
        decisions: list[Decision] = []
        for i in range(n):
            aid = b.article_id[i]
            rep = rep_of[i]
            act, dup, kind, sim, ver = outcome[rep]
            if i == rep:
                d = Decision(b.doc_id[i], act, aid, dup, kind, sim, ver)
            elif act != DUPLICATE:
                d = Decision(b.doc_id[i], DUPLICATE, aid, aid, "url", round(true_sim(i, rep), 4), ver)
            else:
                d = Decision(b.doc_id[i], DUPLICATE, aid, dup, kind, sim, ver)
            decisions.append(d)
            self.stats[d.action if d.action != DUPLICATE else f"duplicate_{d.kind}"] += 1
            if i == rep and act in (KEEP, NEW_VERSION):
                s_i = sig(i)
                self._pending.append((aid, b.chash[i], None if s_i is None else s_i.copy(), ver, b.url[i], b.date[i]))
        return decisions

    def _confirmed_edges(self, near_units, in_state, sig, true_sim) -> dict[int, dict[int, float]]:
        """Pairs of units sharing an LSH band, confirmed on the true Jaccard.

        Band keys are held as one uint64 matrix; equal keys are found by
        sorting each band, so only buckets with two or more units cost
        anything. Each unit is paired with at most ``max_candidates``
        higher-priority units per band (the highest-priority ones).
        """
        opts = self.options
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
                    self.stats["candidates_capped"] += 1
                for p in range(1, len(run)):
                    cand[run[p]].update(run[: min(p, cap)])
        for r in sorted(cand):
            u = near_units[r]
            partners = sorted(cand[r])[:cap]
            for q in partners:
                v = near_units[q]
                if in_state[u] and in_state[v]:
                    continue  # two stored articles are never merged
                self.stats["candidates"] += 1
                sim = true_sim(u, v)
                if sim >= thr:
                    edges[u][v] = sim
                    edges[v][u] = sim
        return edges

    def _match_state(self, u: int, s: np.ndarray, spool: ShingleFile, b: _Batch) -> tuple[str, float] | None:
        state = self.state
        thr = self.options.threshold
        cands = state.near_candidates(s)
        if not cands:
            return None
        if len(cands) > self.options.max_candidates:
            self.stats["candidates_capped"] += 1
            cands = sorted(cands, key=lambda a: _stored_key(state, a))[: self.options.max_candidates]
        mine = None
        best: tuple[str, float] | None = None
        for aid in cands:
            self.stats["state_candidates"] += 1
            if self.stored_text is not None:
                try:
                    text = self.stored_text(aid)
                except Exception:
                    text = None
                if text is not None:
                    if mine is None:
                        mine = spool.read(b.sh_off[u], b.sh_len[u])
                    sim = jaccard(mine, fingerprint(text, self.options).shingles)
                else:
                    sim = estimate_jaccard(s, state.signature_of(aid))
                    self.stats["estimated_similarity"] += 1
            else:
                sim = estimate_jaccard(s, state.signature_of(aid))
                self.stats["estimated_similarity"] += 1
            if sim >= thr and (best is None or sim > best[1] or (sim == best[1] and _stored_key(state, aid) < _stored_key(state, best[0]))):
                best = (aid, sim)
        return best

    # ------------------------------------------------------------------ commit
    def commit(self) -> int:
        """Add the kept and new-version articles of the last `decide` to the
        state (the caller then saves it). Returns how many were written."""
        for aid, h, s, ver, url, published in self._pending:
            self.state.upsert(aid, h, s, ver, url, published)
        n = len(self._pending)
        self._pending = []
        return n


def _components(members: list[int], edges: dict[int, dict[int, float]]) -> list[list[int]]:
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


def _stored_key(state: DedupState, aid: str) -> tuple:
    d = state.date_of(aid)
    return (d.toordinal() if d is not None else _NO_DATE, aid)


def _check_compatible(a: DedupOptions, b: DedupOptions) -> None:
    for name in ("num_perm", "shingle_size", "seed", "min_exact_words", "min_shingles"):
        if getattr(a, name) != getattr(b, name):
            raise StateError(
                f"dedup state was built with {name}={getattr(a, name)!r} but the options say "
                f"{getattr(b, name)!r}: rebuild the state with these options"
            )
