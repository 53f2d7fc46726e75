"""Plain-text helpers every stage shares: what a word and a paragraph are."""

from __future__ import annotations

import re

# A CJK character is a word of its own: Chinese and Japanese do not separate words with spaces.
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W_]+(?:['’-][^\W_]+)*")
_PARAGRAPH_SPLIT = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def word_count(text: str) -> int:
    """Words of a text as the datasets count them (`word_count` column, `HEALTH_MIN_WORDS`)."""
    return len(_WORD.findall(text or ""))


def split_paragraphs(body: str) -> list[str]:
    """Paragraphs of a body: separated by a blank line, stripped, empties dropped."""
    return [p.strip() for p in _PARAGRAPH_SPLIT.split(body or "") if p.strip()]
