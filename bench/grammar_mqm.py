"""The MQM dev set (real zh->en machine translation with rater error spans) and its scores.

Shared by bench/grammar_mt_eval.py (per backend) and bench/grammar_rules_eval.py (per rule).
Reads ``<shared>/eval/mt-mqm-dev/mqm_ted_zhen.tsv`` at run time; copies nothing.

Definitions (the set's README):
- fluency pool: segments with a Fluency/Grammar, Fluency/Spelling or Fluency/Punctuation span;
  clean pool: segments marked No-error. The human references (ref, refB) are left out.
- precision: applied edits in the fluency pool that overlap a fluency span (an insertion counts
  inside or at the edge of a span), over all applied edits in the fluency pool.
- touched: fluency annotations overlapped by at least one edit, over all fluency annotations.
- harm: words changed per 1,000 words on the clean pool (difflib alignment of \\w+ words; n words
  replaced by m count max(n, m)).

The tuning split: documents are split in two halves by name (``TUNE_DOCS`` and the rest), so
rules can be chosen on one half and reported on the other.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

FLUENCY = frozenset({"Fluency/Grammar", "Fluency/Spelling", "Fluency/Punctuation"})
HUMAN_SYSTEMS = frozenset({"ref", "refB"})
#: Documents rules were tuned on; the others are held out.
TUNE_DOCS = frozenset({"talk.2", "talk.5", "talk.7"})
WORD = re.compile(r"\w+")


@dataclass
class Span:
    category: str
    severity: str
    start: int
    end: int


@dataclass
class Segment:
    system: str
    doc: str
    seg_id: str
    text: str
    spans: list[Span] = field(default_factory=list)
    clean: bool = False

    @property
    def fluency(self) -> list[Span]:
        return [s for s in self.spans if s.category in FLUENCY]

    @property
    def tune(self) -> bool:
        return self.doc in TUNE_DOCS


def _strip(target: str) -> tuple[str, int | None, int | None]:
    start = target.find("<v>")
    if start < 0:
        return target.replace("</v>", ""), None, None
    rest = target[:start] + target[start + 3 :]
    end = rest.find("</v>")
    if end < 0:  # an unclosed mark: the span runs to the end
        return rest, start, len(rest)
    return rest[:end] + rest[end + 4 :], start, end


def load(shared: Path) -> list[Segment]:
    path = shared / "eval" / "mt-mqm-dev" / "mqm_ted_zhen.tsv"
    segs: dict[tuple[str, str, str], Segment] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["system"] in HUMAN_SYSTEMS:
                continue
            text, start, end = _strip(row["target"])
            key = (row["system"], row["doc"], row["seg_id"])
            seg = segs.setdefault(key, Segment(row["system"], row["doc"], row["seg_id"], text))
            if row["category"] == "No-error":
                seg.clean = True
            elif start is not None:
                seg.spans.append(Span(row["category"], row["severity"], start, end))
    return list(segs.values())


def overlaps(offset: int, length: int, span: Span) -> bool:
    if length == 0:
        return span.start <= offset <= span.end
    if span.start == span.end:  # an omission marked by an empty span
        return offset <= span.start <= offset + length
    return offset < span.end and span.start < offset + length


def words_changed(a: str, b: str) -> tuple[int, int]:
    wa, wb = WORD.findall(a), WORD.findall(b)
    changed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if op != "equal":
            changed += max(i2 - i1, j2 - j1)
    return changed, len(wa)


@dataclass
class Scores:
    edits: int = 0  # applied edits in the fluency pool
    in_span: int = 0  # of which overlap a fluency span
    annotations: int = 0
    touched: int = 0
    clean_words: int = 0
    clean_changed: int = 0
    clean_edits: int = 0

    @property
    def precision(self) -> float:
        return self.in_span / self.edits if self.edits else float("nan")

    @property
    def touched_share(self) -> float:
        return self.touched / self.annotations if self.annotations else float("nan")

    @property
    def harm(self) -> float:
        return 1000 * self.clean_changed / self.clean_words if self.clean_words else float("nan")

    def line(self) -> str:
        return (f"precision {100 * self.precision:5.1f}% ({self.in_span}/{self.edits})  "
                f"touched {100 * self.touched_share:4.2f}% ({self.touched}/{self.annotations})  "
                f"harm {self.harm:.3f} words/1,000 ({self.clean_changed}/{self.clean_words}; "
                f"{self.clean_edits} edits on clean)")


def score(segments: Sequence[Segment], edits: Sequence[Iterable], fixed: Sequence[str]) -> Scores:
    """``edits[i]``: (offset, length) pairs applied to ``segments[i].text``; ``fixed[i]``: its result."""
    s = Scores()
    for seg, es, out in zip(segments, edits, fixed):
        es = list(es)
        flu = seg.fluency
        if flu:
            s.annotations += len(flu)
            s.touched += sum(any(overlaps(o, n, sp) for o, n in es) for sp in flu)
            s.edits += len(es)
            s.in_span += sum(any(overlaps(o, n, sp) for sp in flu) for o, n in es)
        if seg.clean:
            c, n = words_changed(seg.text, out)
            s.clean_changed += c
            s.clean_words += n
            s.clean_edits += len(es)
    return s


def pools(segments: Sequence[Segment]) -> list[Segment]:
    """The segments scored: fluency pool plus clean pool."""
    return [s for s in segments if s.clean or s.fluency]


def split(segments: Sequence[Segment], which: str) -> list[Segment]:
    if which == "tune":
        return [s for s in segments if s.tune]
    if which == "heldout":
        return [s for s in segments if not s.tune]
    return list(segments)
