"""The interface every backend implements, and the batching they share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypedDict


class RawMatch(TypedDict):
    """One suggestion of a backend for one sentence (JSON-serialisable: cached)."""

    offset: int  # into the sentence
    length: int
    replacements: list[str]  # best first; may be empty
    rule_id: str
    category: str  # ours: grammar, agreement, spelling, ...
    gated: bool  # spelling-like: pass the frequency/distance gate
    message: str


class BackendError(RuntimeError):
    """The backend failed (did not start, timed out, died); the text stays unfixed."""


class Backend(Protocol):
    name: str  # e.g. "offline-harper-0.2", "languagetool-6.6"
    cache_id: str  # name plus everything that changes its answers

    def check(self, sentences: Sequence[str]) -> list[list[RawMatch]]: ...

    def close(self) -> None: ...


SEPARATOR = "\n\n"


def check_joined(
    sentences: Sequence[str],
    check_text: Callable[[str], list[RawMatch]],
    max_chars: int,
    max_items: int = 10_000,
) -> list[list[RawMatch]]:
    """Check sentences in as few requests as possible: join them with a paragraph
    break, check each joined text once, and hand every match back to its sentence
    (matches that would cross a sentence boundary are dropped)."""
    out: list[list[RawMatch]] = [[] for _ in sentences]
    i = 0
    while i < len(sentences):
        starts: list[int] = []
        parts: list[str] = []
        size = 0
        j = i
        while j < len(sentences) and (
            j == i or (size + len(sentences[j]) <= max_chars and j - i < max_items)
        ):
            starts.append(size)
            parts.append(sentences[j])
            size += len(sentences[j]) + len(SEPARATOR)
            j += 1
        joined = SEPARATOR.join(parts)
        for m in check_text(joined):
            k = _locate(starts, m["offset"])
            local = m["offset"] - starts[k]
            if local + m["length"] <= len(parts[k]):
                out[i + k].append({**m, "offset": local})
        i = j
    return out


def _locate(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo
