"""The bounded sample of a text that language identification reads, cut into chunks.

Work per document must not grow with its length (a body can be 50 KB), so a long
text is read through ``max_chunks`` windows spread evenly over it, each at most
``chunk_chars`` characters; a text that fits in that budget is read whole.

The sample is cut into chunks so that one language per chunk is a fair
assumption: a chunk never spans a blank line (a paragraph break, where pages
switch language) unless the paragraph before was too short to say anything on
its own (a heading), and never spans a change between Latin and non-Latin
letters ("English text 中文翻译" is two chunks). Splitting on scripts only
when both kinds of letters are there keeps the common single-script page at
a few regex calls.
"""

from __future__ import annotations

import re

__all__ = ["clean", "count_letters", "count_non_space", "chunks", "windows"]

# Control, surrogate and private-use characters carry no language, and lone
# surrogates cannot even be encoded for the detector: they become spaces.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufff0-\uffff]")
_NON_LETTER = re.compile(r"[\W\d_]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LATIN = "A-Za-z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_HAS_LATIN = re.compile(f"[{_LATIN}]")
_HAS_OTHER = re.compile(rf"[^\W\d_{_LATIN}]")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
# A run of non-Latin letters with the spaces, digits and punctuation between them.
_OTHER_RUN = re.compile(rf"([^\W\d_{_LATIN}](?:[\W\d_]*[^\W\d_{_LATIN}])*)")


def clean(text: str) -> str:
    return _CONTROL.sub(" ", text)


def count_letters(text: str) -> int:
    # the fastest count measured here: non-letters are the minority of a text
    return len(text) - len(_NON_LETTER.findall(text))


def count_non_space(text: str) -> int:
    return len("".join(text.split()))


def windows(text: str, chunk_chars: int, max_chunks: int) -> list[str]:
    """The whole text if it fits in ``chunk_chars * max_chunks``, else evenly spread windows."""
    n = len(text)
    if n <= chunk_chars * max_chunks:
        return [text]
    step = n / max_chunks
    out = []
    for i in range(max_chunks):
        start = int(i * step + (step - chunk_chars) / 2)
        out.append(_snap(text, start, start + chunk_chars))
    return out


def _snap(text: str, start: int, end: int) -> str:
    """text[start:end] without the words cut at either end (unless it has no spaces: CJK)."""
    piece = text[start:end]
    if start > 0 and not text[start - 1].isspace():
        cut = _first_space(piece)
        if cut >= 0:
            piece = piece[cut:]
    if end < len(text) and not text[end].isspace():
        cut = max(piece.rfind(" "), piece.rfind("\n"))
        if cut > 0:
            piece = piece[:cut]
    return piece


def _first_space(piece: str) -> int:
    hits = [i for i in (piece.find(" "), piece.find("\n")) if i >= 0]
    return min(hits) if hits else -1


def chunks(sample: list[str], chunk_chars: int, min_letters: int) -> tuple[list[tuple[str, int]], int]:
    """The windows of a text (``windows``) as chunks of one language each, at most ``chunk_chars``
    long, on one line, with their letter counts; chunks with fewer than ``min_letters`` letters are
    left out. Also returns the letters of the whole sample (each piece is counted once)."""
    out: list[tuple[str, int]] = []
    total = 0
    for window in sample:
        current: list[str] = []
        current_letters = 0
        one_script = _HAS_OTHER.search(window) is None or _HAS_LATIN.search(window) is None
        for paragraph in _PARAGRAPH_BREAK.split(window):
            pieces = [(paragraph, count_letters(paragraph))] if one_script else _script_pieces(paragraph, min_letters)
            for j, (piece, letters) in enumerate(pieces):
                if not letters:
                    continue
                total += letters
                # A new chunk at a script change, and at a paragraph break after enough letters.
                if current and (j > 0 or current_letters >= min_letters):
                    out.extend(_cut(" ".join(current), current_letters, chunk_chars))
                    current, current_letters = [], 0
                current.append(piece)
                current_letters += letters
        if current:
            out.extend(_cut(" ".join(current), current_letters, chunk_chars))
    return [c for c in out if c[1] >= min_letters], total


def _script_pieces(paragraph: str, min_letters: int) -> list[tuple[str, int]]:
    """The paragraph split where it changes between Latin and other letters, with letter counts;
    a run too short to identify alone (a name in Latin letters inside Chinese) stays in its
    neighbour."""
    if _HAS_OTHER.search(paragraph) is None or _HAS_LATIN.search(paragraph) is None:
        letters = count_letters(paragraph)
        return [(paragraph, letters)] if letters else []
    out: list[tuple[str, int]] = []
    for piece in _OTHER_RUN.split(paragraph):
        letters = count_letters(piece)
        if not letters:
            continue
        if out and (letters < min_letters or out[-1][1] < min_letters):
            out[-1] = (f"{out[-1][0]} {piece}", out[-1][1] + letters)
        else:
            out.append((piece, letters))
    # punctuation at a script boundary belongs to neither side: fullwidth brackets around
    # Latin words would pull them towards Chinese or Japanese
    return [(_EDGES.sub("", p), n) for p, n in out] if len(out) > 1 else out


def _cut(chunk: str, letters: int, chunk_chars: int) -> list[tuple[str, int]]:
    chunk = " ".join(chunk.split())  # the detector reads one line
    if len(chunk) <= chunk_chars:
        return [(chunk, letters)]
    out = []
    while len(chunk) > chunk_chars:
        cut = chunk.rfind(" ", chunk_chars // 2, chunk_chars + 1)
        if cut <= 0:
            cut = chunk_chars
        out.append(chunk[:cut])
        chunk = chunk[cut:].lstrip()
    if chunk:
        out.append(chunk)
    return [(c, count_letters(c)) for c in out]
