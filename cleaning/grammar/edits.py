"""Candidate edits, overlap resolution and applying edits to a text.

Every backend (and the product's own rules) proposes `Candidate`s whose offsets index
the text before fixing. `resolve` picks a consistent, non-overlapping subset;
`apply_edits` turns it into the fixed text. Applying the resulting
`GrammarEdit`s to the original text reproduces the fixed text exactly.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cleaning.document import GrammarEdit

# Lower wins when two candidates overlap: the product's own repairs are the most
# specific, then grammar, then the rest.
PRIORITY = {
    "repetition": 0,
    "spacing": 1,
    "grammar": 2,
    "agreement": 2,
    "punctuation": 3,
    "capitalization": 4,
    "spelling": 5,
}


@dataclass(slots=True)
class Candidate:
    offset: int
    length: int
    replacement: str
    rule_id: str
    category: str
    backend: str
    original: str = ""
    message: str = ""

    @property
    def end(self) -> int:
        return self.offset + self.length

    def to_edit(self) -> GrammarEdit:
        return GrammarEdit(
            offset=self.offset,
            length=self.length,
            original=self.original,
            replacement=self.replacement,
            rule_id=self.rule_id,
            category=self.category,
            backend=self.backend,
        )


def _insertion_point(c: Candidate) -> int | None:
    """Where `c` only inserts text: an insertion's offset; the start of a span it only prefixes ("If" ->
    " If"); the end of a span it only suffixes. None for any other edit."""
    if len(c.replacement) <= c.length:
        return None
    if c.length == 0 or c.replacement.endswith(c.original):
        return c.offset
    if c.replacement.startswith(c.original):
        return c.end
    return None


def _overlaps(a: Candidate, b: Candidate) -> bool:
    # Two insertions at one point conflict, also when one is written as a replacement of the word beside
    # it: a rule inserting " " before "If" and a backend replacing "If" with " If" would say it twice.
    point = _insertion_point(a)
    if point is not None and point == _insertion_point(b):
        return True
    if a.length == 0 and b.length == 0:
        return False  # insertions at different points
    if a.length == 0:
        return b.offset < a.offset < b.end
    if b.length == 0:
        return a.offset < b.offset < a.end
    return a.offset < b.end and b.offset < a.end


def resolve(candidates: Iterable[Candidate]) -> list[Candidate]:
    """A non-overlapping subset, in text order.

    Identical proposals (same span, same replacement) from several rules count once.
    When proposals overlap (two that insert text at one point overlap: `_overlaps`), the one of the more
    specific category wins (`PRIORITY`),
    then the shorter span, then the earlier one; the loser is dropped whole, never
    merged. Two different proposals for exactly the same span, of the same priority,
    disagree: both are dropped.
    """
    unique: dict[tuple[int, int, str], Candidate] = {}
    for c in candidates:
        if c.length == 0 and not c.replacement:
            continue
        unique.setdefault((c.offset, c.length, c.replacement), c)
    ranked = sorted(
        unique.values(), key=lambda c: (PRIORITY.get(c.category, 9), c.length, c.offset)
    )
    disputed: set[tuple[int, int]] = set()
    by_span: dict[tuple[int, int], list[Candidate]] = {}
    for c in ranked:
        by_span.setdefault((c.offset, c.length), []).append(c)
    for span, group in by_span.items():
        if len(group) > 1:
            prios = sorted(PRIORITY.get(c.category, 9) for c in group)
            if prios[0] == prios[1]:
                disputed.add(span)
    chosen_sorted: list[Candidate] = []
    keys: list[tuple[int, int]] = []  # (offset, end) of the chosen, sorted
    for c in ranked:
        if (c.offset, c.length) in disputed:
            continue
        i = bisect.bisect_left(keys, (c.offset, c.end))
        # chosen edits never overlap, so only the neighbours in text order can
        near = chosen_sorted[max(0, i - 2) : i + 2]
        if any(_overlaps(c, k) for k in near):
            continue
        keys.insert(i, (c.offset, c.end))
        chosen_sorted.insert(i, c)
    return list(chosen_sorted)


def apply_edits(text: str, edits: Sequence[GrammarEdit | Candidate]) -> str:
    """Apply non-overlapping edits (offsets into ``text``) and return the new text."""
    out: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.offset, e.length)):
        if e.offset < pos:
            raise ValueError(f"overlapping edit at {e.offset}")
        out.append(text[pos : e.offset])
        out.append(e.replacement)
        pos = e.offset + e.length
    out.append(text[pos:])
    return "".join(out)
