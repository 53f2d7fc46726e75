"""Keeps one copy of a paragraph said twice in a row (machine translation says things twice).

Only a paragraph identical to the one right before it goes, or a run of two or three paragraphs identical to
the run right before it ("A B A B"). A paragraph that comes back later is page
structure, not a stutter: the same heading in each section of a meal plan, the same question in each of a
series of interviews, a table's header row, a speaker's label, a source line under each quote. On the
real pages of the extraction and dates dev sets (474 pages) every repeated paragraph is of that kind: none
follows its own copy, and removing the later copies took 255 paragraphs of real text from 9 of 123
articles of a crawl of them.
"""

from __future__ import annotations

import re

from cleaning.document import Document
from cleaning.steps.base import Step
from cleaning.text import split_paragraphs

_WS = re.compile(r"\s+")
_MAX_BLOCK = 3  # paragraphs a stutter repeats at once


def drop_repeated_paragraphs(body: str) -> tuple[str, int]:
    """`(body, removed)`: of identical consecutive paragraphs (or runs of up to three), the first kept.

    "Identical" ignores leading and trailing whitespace and the amount of inner whitespace, nothing else
    (case and punctuation count). When nothing is removed the body comes back unchanged; otherwise the
    kept paragraphs are joined with one blank line.
    """
    text = body if isinstance(body, str) else ("" if body is None else str(body))
    paragraphs = split_paragraphs(text)
    kept: list[str] = []
    keys: list[str] = []
    for p in paragraphs:
        kept.append(p)
        keys.append(_WS.sub(" ", p))
        for n in range(1, _MAX_BLOCK + 1):  # the last n paragraphs repeat the n before them: drop the copy
            if len(keys) >= 2 * n and keys[-n:] == keys[-2 * n : -n]:
                del kept[-n:], keys[-n:]
                break
    removed = len(paragraphs) - len(kept)
    return (text, 0) if removed == 0 else ("\n\n".join(kept), removed)


class DropRepeatedParagraphs(Step):
    name = "repeated_paragraphs"
    parallel = True

    def process(self, doc: Document) -> Document | None:
        body, removed = drop_repeated_paragraphs(doc.body_original)
        if removed:
            self.stats["documents_changed"] += 1
            self.stats["paragraphs_removed"] += removed
            doc.body_original = doc.body = body
        return doc
