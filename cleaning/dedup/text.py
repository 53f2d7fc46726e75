"""Text normalisation and content hashes: what "the same text" means for dedup.

`normalize_text` is the single definition of "the same text" used by the
exact-duplicate hash and by the MinHash shingles: Unicode NFKC, case folded,
punctuation and symbols turned into spaces, runs of whitespace collapsed.
"""

from __future__ import annotations

import re
import unicodedata

import xxhash

__all__ = [
    "normalize_text",
    "content_hash",
    "EMPTY_HASH",
    "tokens",
]

_WORD = re.compile(r"[^\W_]+")  # letters and digits; everything else separates words
# Scripts written without spaces between words: each character is a token.
_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u0e00-\u0e7f])")


def _as_text(text: object) -> str:
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text).decode("utf-8", errors="replace")
    return str(text)


def normalize_text(text: object) -> str:
    """Fold case, whitespace and punctuation: the text the hashes are taken of.

    Never raises; ``None`` and bytes are accepted (bytes decoded as UTF-8 with
    replacement). The result holds only letters, digits and single spaces.
    """
    s = _as_text(text)
    if not s:
        return ""
    s = unicodedata.normalize("NFKC", s).casefold()
    # The words joined by single spaces: what replacing each run of other characters (whitespace included)
    # with one space and stripping gives, in half the time (a substitution per gap between two words).
    return " ".join(_WORD.findall(s))


def tokens(normalized: str) -> list[str]:
    """Word tokens of a normalised text; Chinese, Japanese, Korean and Thai
    characters are one token each (those scripts put no spaces between words)."""
    if not normalized:
        return []
    if _CJK.search(normalized):
        normalized = _CJK.sub(r" \1 ", normalized)
        return normalized.split()
    return normalized.split(" ")


def content_hash(text: object) -> str:
    """xxh3-128 hex digest (32 hex chars) of `normalize_text(text)`."""
    return xxhash.xxh3_128_hexdigest(normalize_text(text).encode("utf-8"))


EMPTY_HASH = content_hash("")
