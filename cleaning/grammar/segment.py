"""Split a body into paragraphs and sentences, keeping offsets into the body."""

from __future__ import annotations

import re
from collections.abc import Iterator

# The blanks (and a closing quote or bracket) after a sentence's stop, the stop included: a pattern opening with
# one character class lets the regex engine skip to the next stop in C, where a look-behind for the stop would be
# tried at every character. The sentence ends after the stop, at m.start() + 1.
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]?\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LETTER = re.compile(r"[^\W\d_]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# every byte but the ASCII letters: deleting them from a text's ASCII bytes leaves its [A-Za-z]
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))


_FUNCTION_WORDS = frozenset(
    "the a an of and to in is are was were be been that it for on with as by at or from this "
    "these have has had not but can will do does which who they we you he she i his her their "
    "its our your there so if than then when what all more also into".split()
)
_TOKEN = re.compile(r"[^\W\d_]+")
# In ASCII, _TOKEN's words are the runs of [A-Za-z]: the bytes below lower-case those and blank the rest, and
# bytes.split() then gives the lower-cased words without a regex.
_ASCII_WORDS = bytes(b + 32 if 65 <= b <= 90 else b if 97 <= b <= 122 else 32 for b in range(256))
_FUNCTION_BYTES = frozenset(w.encode() for w in _FUNCTION_WORDS)


# Typographic punctuation of English bodies (curly quotes and apostrophe, dashes, no-break space, ellipsis): none
# is a letter, digit or "_", so a blank in its place leaves every word (a run of \w, or of letters) where it was.
_TYPOGRAPHIC = "\u2019\u2018\u201c\u201d\u2013\u2014\u00a0\u2026"


def ascii_for_words(text: str) -> str | None:
    """``text`` with its typographic punctuation blanked when that leaves it ASCII, else None: the words of the
    result, at the same offsets, are the text's, and can be found with the ASCII fast paths (bytes, translate)."""
    if text.isascii():
        return text
    for ch in _TYPOGRAPHIC:
        if ch in text:
            text = text.replace(ch, " ")
    return text if text.isascii() else None


def looks_english(paragraph: str) -> bool:
    """English prose is full of function words; another language in Latin script
    (a Portuguese caption in an English article) is not. Short lines pass."""
    plain = ascii_for_words(paragraph)
    if plain is not None:
        words = plain.encode().translate(_ASCII_WORDS).split()
        function_words = _FUNCTION_BYTES
    else:
        words = _TOKEN.findall(paragraph.lower())
        function_words = _FUNCTION_WORDS
    if len(words) < 8:
        return True
    return sum(map(function_words.__contains__, words)) / len(words) >= 0.12


def latin_ratio(text: str) -> float:
    """Latin letters (the characters of `_LATIN`) per letter; 1.0 without letters."""
    if text.isascii():
        return 1.0  # an ASCII letter is a Latin one: n / n, or no letters at all
    # Both classes hold the same ASCII characters ([A-Za-z]), counted once from the text's ASCII bytes;
    # the regexes only count the rest, the non-ASCII characters (classes of one character each: the
    # counts over those characters put together are the counts over the text).
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTER))
    rest = "".join(_NON_ASCII.findall(text))
    letters = ascii_letters + len(_LETTER.findall(rest))
    return 1.0 if letters == 0 else (ascii_letters + len(_LATIN.findall(rest))) / letters


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            yield pos, line
        pos += len(line) + 1


def sentences(paragraph: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) pairs; the blanks between sentences belong to none."""
    start = 0
    for m in _SENTENCE_END.finditer(paragraph):
        yield start, paragraph[start : m.start() + 1]
        start = m.end()
    rest = paragraph[start:]
    if rest.strip():
        yield start, rest


def units(text: str, min_latin: float, max_chars: int) -> Iterator[tuple[int, str]]:
    """The sentences to send to a backend, with their offsets in ``text``.

    Paragraphs written mostly in another script and over-long "sentences" (tables,
    lists run together) are left out.
    """
    for p_off, para in paragraphs(text):
        if latin_ratio(para) < min_latin or not looks_english(para):
            continue
        for s_off, sent in sentences(para):
            lead = len(sent) - len(sent.lstrip())
            sent = sent.strip()
            if sent and len(sent) <= max_chars:
                yield p_off + s_off + lead, sent
