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
itself canonical (``is_canonical``); earliest ``published_date`` (a stated day
before a fallback month or year, ``date_uncertain``; missing dates last); longest body (characters); smallest URL; smallest doc_id. It is
a total order on the records, so decisions do not depend on their order.

Duplicates of a record that is itself dropped point at the article finally
kept (``duplicate_of`` is always a kept or already-stored article_id) and
take its kind and similarity; a duplicate's ``Decision.version`` is the version
of the article it duplicates (the ``duplicates`` dataset does not carry it).

This module holds those decisions; `records` the records, decisions and compact batch columns,
`near` the LSH candidate pairs, their components and the match against earlier runs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache

import numpy as np

from .minhash import jaccard
from .near import components, confirmed_edges, match_state
from .options import DedupOptions
from .records import DUPLICATE, KEEP, NEW_VERSION, UNCHANGED, Batch, Decision, DedupRecord, ingest, stored_key
from .shingle_file import ShingleFile
from .state import DedupState, StateError

SHINGLE_CACHE = 512  # units whose shingles stay read (a few KB each; a 50 KB body's ~80 KB)

__all__ = ["Deduplicator"]


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
            batch = ingest(records, spool, self.options, self.stats)
            if len(batch) == 0:
                return []
            return self._decide(batch, spool)
        finally:
            spool.close()

    def _decide(self, b: Batch, spool: ShingleFile) -> list[Decision]:
        opts = self.options
        state = self.state
        n = len(b)

        @lru_cache(maxsize=SHINGLE_CACHE)
        def shingles(i: int) -> np.ndarray:
            # Candidate pairs come a unit at a time with its partners: each unit's shingles were read back
            # once per pair (~30 times a unit on a templated site, a quarter of the dedup pass).
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
                target_aid = min(stored, key=lambda a: stored_key(state, a))
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
            best = match_state(u, s, spool, b, state, opts, self.stats, self.stored_text)
            if best is not None:
                aid, sim = best
                outcome[u] = (DUPLICATE, aid, "near", round(sim, 4), state.version_of(aid))

        # -- 5. near, within the batch ------------------------------------------
        near_units = [
            u for u in units
            if sig(u) is not None and (in_state[u] or (u not in outcome and u not in follows))
        ]
        edges = confirmed_edges(near_units, in_state, sig, true_sim, opts, self.stats)
        floor = opts.effective_cluster_floor
        rank = {u: r for r, u in enumerate(near_units)}
        members = near_units
        while members:
            leftover: list[int] = []
            for comp in components(members, edges):
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

    # ------------------------------------------------------------------ commit
    def commit(self) -> int:
        """Add the kept and new-version articles of the last `decide` to the
        state (the caller then saves it). Returns how many were written."""
        for aid, h, s, ver, url, published in self._pending:
            self.state.upsert(aid, h, s, ver, url, published)
        n = len(self._pending)
        self._pending = []
        return n


def _check_compatible(a: DedupOptions, b: DedupOptions) -> None:
    for name in ("num_perm", "shingle_size", "seed", "min_exact_words", "min_shingles"):
        if getattr(a, name) != getattr(b, name):
            raise StateError(
                f"dedup state was built with {name}={getattr(a, name)!r} but the options say "
                f"{getattr(b, name)!r}: rebuild the state with these options"
            )
