"""The product's own repairs of repetitions left by machine translation.

A clause repeated after a stray capital ("a series of This results in a series of") or a
restating connective, a sentence repeated (word for word or nearly) within a paragraph, and a
doubled word. `artifacts.py` runs these rules with the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import compress
from operator import eq

from .candidates import rule_candidate as _cand
from .edits import Candidate
from .gated import BLANKS, FOLDS_TO_ASCII, run_start
from .policy import REMOVABLE_DOUBLES
from .segment import ascii_for_words

_WORD = r"[A-Za-z][\w'\u2019-]*"
_LOWER_WORD = r"[a-z][\w'\u2019-]*"

# A  S  A  where A is two to twenty words (ten characters or more) starting lower-case (commas allowed) and
# S a short stray clause opening with a capitalised sentence starter in mid-sentence
# ("This results in", "That is why"): the machine translation said A twice. Keep the
# first A, drop "S A". Proper nouns do not open S, so "by the House ... by the" is safe.
_STARTERS = (
    "This|That|These|Those|It|Which|Thus|So|There|Such|Therefore|Namely|What|Its|They|"
    "Because|Hence|Also|And|But|Then|Meaning|Resulting|As"
)
_A_WORD = rf"{_LOWER_WORD}[,;]?"
_REPEATED_CLAUSE = re.compile(
    rf"(?<![\w'\u2019-])(?P<a>(?:{_A_WORD}[ \t]+){{1,19}}{_LOWER_WORD})[,;]?[ \t]+"
    rf"(?P<s>(?:{_STARTERS})(?:[ \t]+{_LOWER_WORD}){{0,5}})[ \t]+(?P=a)(?![\w'\u2019-])"
)
# The same, with a lower-case connective between the copies ("the acid flows back into the
# esophagus, this means the acid flows back into the esophagus and ..."): only connectives that
# announce a restatement, and a copy of four words or more.
_RESTATERS = "this means|which means|that is|that is to say|namely|in other words|this results in|this is"
_REPEATED_CLAUSE_LOWER = re.compile(
    rf"(?<![\w'\u2019-])(?P<a>(?:{_A_WORD}[ \t]+){{3,19}}{_LOWER_WORD})[,;]?[ \t]+"
    rf"(?P<s>(?:{_RESTATERS}))[,]?[ \t]+(?P=a)(?![\w'\u2019-])"
)
_DOUBLED_WORD = re.compile(rf"(?<![\w'\u2019-])(?P<w>{_WORD})(?P<gap>[ \t]+)(?P=w)(?![\w'\u2019-])", re.I)
# Where a sentence may end: ".", "!" or "?" (and a closing quote or bracket) before a blank or the end of the
# paragraph; or a full-width "。", "！" or "？" (MT that kept the Chinese stops), blank or not. A decimal point
# ("0.2 mg") has no blank after it. See `_sentence_spans` for the rest.
# The first character is matched alone, by one class: the regex engine then skips to the next stop in C (a
# pattern opening with an alternation is tried at every character). A look-behind on it picks the branch.
# Each match also gives, without a second search, the rest of its run of ASCII stops ("more": "" after a
# single one, None for "。") and the first non-blank after it ("next", None at the end of the paragraph).
_STOP = re.compile(
    r"[.!?\u3002\uff01\uff1f]"
    r"(?:(?<=[.!?])(?P<more>[.!?]*)[\"'\u201d\u2019)\]]*(?=\s|$)"
    r"|(?<=[\u3002\uff01\uff1f])[\u3002\uff01\uff1f]*[\"'\u201d\u2019)\]\uff09]*)"
    r"(?:(?=\s*(?P<next>\S)))?"
)
# Words a full stop ends without ending the sentence ("Dr. Li", "No. 3", "et al. found"). Unlike the
# capitalisation gate's list (policy_text._ABBREVIATIONS), no units: "... take 2.5 mg. Children ..." ends a
# sentence here, or a dose said twice would never be found.
_ABBREVIATIONS = frozenset(
    "dr mr mrs ms mx prof st no nos vs fig figs approx dept inc ltd co corp jr sr gen gov rev vol ed eds p pp ca cf "
    "al etc mt ft sq est dist ave apt assn univ hosp med".split()
)


_STARTER_AT = re.compile(rf"(?<=[a-z,;])[ \t]+(?:{_STARTERS})\b")
_RESTATER_AT = re.compile(rf"[ \t](?:{_RESTATERS})\b", re.I)
# _STARTER_AT opens with a lookbehind (tried at every character). Its matches are found from the
# starter words instead, which open with a capital (the regex engine skips to those): a starter after
# a run of blanks that follows a lower-case letter, comma or semicolon gives the anchor (that run and
# the word). A starter word found inside another word hides no anchor: an anchor's word follows a blank.
_STARTER_WORD = re.compile(rf"(?:{_STARTERS})\b")
_BEFORE_STARTER = frozenset("abcdefghijklmnopqrstuvwxyz,;")


def _starter_anchors(text: str) -> Iterator[tuple[int, int]]:
    """The spans of `_STARTER_AT`'s matches, in order."""
    for m in _STARTER_WORD.finditer(text):
        i = m.start()
        if i and text[i - 1] in BLANKS:
            r = run_start(text, i, BLANKS)
            if r and text[r - 1] in _BEFORE_STARTER:
                yield r, m.end()


# A match of _REPEATED_CLAUSE_LOWER holds its restater in lower case, as written here.
_LOWER_RESTATERS = tuple(_RESTATERS.split("|"))
# The copy after a restater opens with the copy's first two words (A has four or more), each a whole
# run of word characters, with what follows each in A: an optional comma or semicolon and a blank.
_COPY_HEAD = re.compile(r"[a-z][\w'\u2019-]*[,;]?[ \t]+[a-z][\w'\u2019-]*[,;]?[ \t]")


def _restatements(text: str) -> list[tuple[int, int]]:
    """Where a match of `_REPEATED_CLAUSE_LOWER` may lie: for each lower-case restater that has a
    blank before it and a copy's head after it (", " or " ", then two words) that also occurs before
    it, (where that earlier occurrence starts, where the head after it ends). A match around the
    restater spans both; a window holding no such pair holds no match."""
    out = []
    for r in _LOWER_RESTATERS:
        i = text.find(r)
        while i >= 0:
            k = i + len(r)
            if i and text[i - 1] in BLANKS:
                if text.startswith(",", k):
                    k += 1
                if k < len(text) and text[k] in BLANKS:
                    c = k + 1
                    while c < len(text) and text[c] in BLANKS:
                        c += 1
                    head = _COPY_HEAD.match(text, c)
                    if head is not None:
                        first = text.rfind(head.group(), 0, i)
                        if first >= 0:
                            out.append((first, head.end()))
            i = text.find(r, i + 1)
    return out


def _near(
    rx: re.Pattern, anchors: Iterator[tuple[int, int]], text: str, before: int = 400, after: int = 500,
    spans: list[tuple[int, int]] | None = None,
) -> Iterator[re.Match]:
    """Matches of a backreference pattern, searched only around its cheap anchors (a stray clause
    opener): scanning a whole body with the backreference is slow. With ``spans``, a window that
    holds none of them whole (each match of ``rx`` covers one) is not searched."""
    seen: set[tuple[int, int]] = set()
    for a_start, a_end in anchors:
        lo, hi = max(0, a_start - before), min(len(text), a_end + after)
        if spans is not None and not any(lo <= a0 and a1 <= hi for a0, a1 in spans):
            continue
        for m in rx.finditer(text, lo, hi):
            if m.span() not in seen:
                seen.add(m.span())
                yield m


def repeated_clause(text: str) -> Iterator[Candidate]:
    for m in _near(_REPEATED_CLAUSE, _starter_anchors(text), text):
        if len(m.group("a")) < 10:
            continue
        # "S A" plus the blank before S goes: "a series of This results in a series of
        # clinical" -> "a series of clinical".
        yield _cand(m.end("a"), m.end(), "", text, "MT_REPEATED_CLAUSE", "repetition")


def repeated_clause_lower(text: str) -> Iterator[Candidate]:
    spans = _restatements(text)
    if not spans:
        return
    anchors = (m.span() for m in _RESTATER_AT.finditer(text))
    for m in _near(_REPEATED_CLAUSE_LOWER, anchors, text, spans=spans):
        if len(m.group("a")) >= 15:
            yield _cand(m.end("a"), m.end(), "", text, "MT_REPEATED_CLAUSE", "repetition")


_WORD_RUN = re.compile(r"\w+")
_ASCII_WORD_RUNS = {i: chr(i).lower() if chr(i).isalnum() or chr(i) == "_" else " " for i in range(128)}
_last_sentences: tuple[str, list] = ("", [])


def _sentence_spans(para: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph; the blanks before a sentence belong to it.

    A full stop ends a sentence only where a reader would say so: not before a lower-case letter, and not
    after an abbreviation, an initial or a word with a full stop inside ("Dr.", "J. Smith", "U.S.", "e.g."). When
    unsure, two sentences stay one: the repeated-sentence rules then find fewer repeats, never a piece of a
    sentence (cutting "0.2 mg" or "Dr. Li" apart once deleted a dose's "2 mg once a day")."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _STOP.finditer(para):
        more, after = m.group("more", "next")
        if after is not None and after.islower():
            continue
        # a single "." (closers after it or not) may end an abbreviation; "!", "?", "..." and "。" never do
        if more == "" and para[m.start()] == "." and _abbreviation_before(para, m.start()):
            continue
        end = m.end()
        spans.append((start, end))
        start = end
    if para[start:].strip():
        spans.append((start, len(para)))
    return spans


_LOOK_BACK = 100  # characters before a full stop that hold its word and the one before (not the whole paragraph)


def _abbreviation_before(para: str, stop: int) -> bool:
    # the last two words are split()'s last two: rsplit stops splitting there
    words = para[max(0, stop - _LOOK_BACK) : stop].rsplit(None, 2)
    word = words[-1].lstrip("\"'\u201c\u2018([") if words else ""
    if "." in word or word.lower() in _ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():
        # an initial after a name or a title ("John J. Smith", "Dr. J. Smith"), not a letter after a word
        # ("ultraviolet B. Do not ...", "hepatitis B. It ...")
        before = words[-2].lstrip("\"'\u201c\u2018([") if len(words) > 1 else ""
        return not before or before[0].isupper() or before.rstrip(".").lower() in _ABBREVIATIONS
    return False


def _paragraph_sentences(text: str) -> list[tuple[int, str, list[tuple[int, int, list[str]]]]]:
    """Each paragraph (its offset, its text) with its sentences (start and end in the paragraph, the
    lower-cased words), for the two repeated-sentence rules, which ask in turn: the last answer is
    kept. A paragraph without a full stop, "!" or "?" is one sentence, which repeats nothing: its
    list is left empty."""
    global _last_sentences
    last = _last_sentences
    if last[0] is text:
        return last[1]
    out = []
    pos = 0
    for para in text.split("\n"):
        sents = []
        if "." in para or "!" in para or "?" in para or "\u3002" in para or "\uff01" in para or "\uff1f" in para:
            # the words of m.group().strip().lower() too: strip() takes only whitespace, which \w+ never
            # matches and which ends str.lower()'s look around a capital sigma either way
            if (plain := ascii_for_words(para)) is not None:
                # \w+ in ASCII is a run of [A-Za-z0-9_]: with every other character blanked (and lower-cased
                # where a letter), str.split() gives the words of any slice, without a regex
                blanked = plain.translate(_ASCII_WORD_RUNS)
                sents = [(a, b, blanked[a:b].split()) for a, b in _sentence_spans(para)]
            elif len(low := para.lower()) == len(para) and "\u03a3" not in para:
                # lower() maps each character alone (only U+0130 lower-cases to two characters, only a
                # capital sigma looks at its neighbours): a sentence's slice of it is its lower()
                sents = [(a, b, _WORD_RUN.findall(low, a, b)) for a, b in _sentence_spans(para)]
            else:
                sents = [(a, b, _WORD_RUN.findall(para[a:b].lower())) for a, b in _sentence_spans(para)]
        out.append((pos, para, sents))
        pos += len(para) + 1
    _last_sentences = (text, out)
    return out


# Words whose presence or absence turns a sentence around: a "twin" that differs by one of them says
# something else ("... should not take ..." after "... should take ...").
_TURNING = frozenset({"not", "no", "never", "without", "nor", "none", "neither", "cannot", "t", "non", "nothing",
                      "nobody", "nowhere", "hardly", "only", "except", "unless"})
# Words a second rendering of one sentence may add, drop or swap for each other without saying anything else.
# Not light: "and"/"or", "all"/"some", modals ("can"/"may"/"will") and prepositions ("with alcohol and sleeping
# pills" / "with alcohol or sleeping pills", "All patients with the gene ..." / "Some patients with the gene ...":
# second statements, not one said twice).
_LIGHT = frozenset({"the", "a", "an", "this", "that", "these", "those", "it", "its", "is", "are", "was", "were",
                    "be", "been", "do", "does", "did", "has", "have", "had", "very", "also", "so", "such", "of",
                    "then", "just", "really", "quite", "which", "who"})


def _same_meaning(matcher, first: list[str], second: list[str]) -> bool:
    """The words two near-identical sentences differ by change nothing the reader needs: articles,
    auxiliaries and the like added, dropped or swapped, or a word's inflection ("strengthen" and
    "strengthens"); never a number ("under 6 years" and "under 12 years"), a negation, or one content word
    for another ("before meals" and "after meals")."""
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        a, b = first[i1:i2], second[j1:j2]
        for word in (*a, *b):
            if word in _TURNING or any(ch.isdigit() for ch in word):
                return False
        if op == "replace" and len(a) == len(b) and all(_inflected(x, y) for x, y in zip(a, b)):
            continue
        if not all(word in _LIGHT for word in (*a, *b)):
            return False
    return True


def _inflected(a: str, b: str) -> bool:
    """One word in two inflections: "strengthen"/"strengthens", "leg"/"legs", "cause"/"caused"."""
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 3 and long_.startswith(short) and len(long_) - len(short) <= 3 and long_[len(short):] in (
        "s", "es", "d", "ed", "ing", "er", "ly", "ies")


def near_repeated_sentence(text: str) -> Iterator[Candidate]:
    """A sentence of eight words or more said again in other words in its paragraph (nine in ten of
    its words the same, in order), or the sentence just before it said again cut short (its first words,
    eight or more): the machine translation rendered one source sentence twice."""
    import difflib

    for pos, para, sents in _paragraph_sentences(text):
        seen: list[tuple[list[str], set[str]]] = []
        before: list[str] = []  # the words of the sentence just before
        for m_start, m_end, words in sents:
            previous, before = before, words
            if len(words) < 8:
                continue
            bag = set(words)
            n = len(words)
            # the sentence before said again, cut short ("..., destroying the ligament and the bone, and
            # finally the teeth fall off. ..., destroying the ligament and the bone."): the copy adds nothing
            twin = n < len(previous) and previous[:n] == words
            for w, b in seen[-40:] if not twin else ():  # the cheap tests first
                if (
                    -2 <= len(w) - n <= 2
                    and len(bag & b) >= 0.8 * max(len(bag), len(b))
                    and w != words
                    and (matcher := difflib.SequenceMatcher(None, w, words, autojunk=False)).ratio() >= 0.9
                    and _same_meaning(matcher, w, words)
                ):
                    twin = True
                    break
            if twin:
                start = pos + m_start
                while start > pos and para[start - pos - 1] in " \t":
                    start -= 1
                yield _cand(start, pos + m_end, "", text, "MT_NEAR_REPEATED_SENTENCE", "repetition")
            else:
                seen.append((words, bag))


# A doubled word it removes is a word of REMOVABLE_DOUBLES (ASCII once lower-cased) twice, blanks between, with no word character
# ([\w'\u2019-]) on either side. So with every character but ASCII letters, digits, "_", "'" and "-" blanked (each
# byte of a non-ASCII character too) and the letters lower-cased, that word is two equal neighbours in split().
_DOUBLE_GATE = bytes(b + 32 if 65 <= b <= 90 else b if 97 <= b <= 122 or 48 <= b <= 57 or b in b"_'-" else 32
                     for b in range(256))
_REMOVABLE_BYTES = frozenset(w.encode() for w in REMOVABLE_DOUBLES)


def _may_double(text: str) -> bool:
    """False when `doubled_word` cannot propose anything: its regex is skipped (most bodies)."""
    if not text.isascii() and any(c in text for c in FOLDS_TO_ASCII):
        return True  # a character that lower-cases to an ASCII letter (the Kelvin sign) could be in the word
    words = text.encode("utf-8", "surrogatepass").translate(_DOUBLE_GATE).split()
    return not _REMOVABLE_BYTES.isdisjoint(compress(words, map(eq, words, words[1:])))


def doubled_word(text: str) -> Iterator[Candidate]:
    if not _may_double(text):
        return
    for m in _DOUBLED_WORD.finditer(text):
        w = m.group("w")
        second = text[m.end("gap") : m.end()]
        if w.lower() not in REMOVABLE_DOUBLES or second != w and second != w.lower():
            continue  # "Fang Fang", "ylang ylang", "so so", "had had": not slips
        yield _cand(m.end("w"), m.end(), "", text, "MT_DOUBLED_WORD", "repetition")


def repeated_sentence(text: str) -> Iterator[Candidate]:
    """A sentence of four or more words said again, word for word, in its paragraph."""
    for pos, para, sents in _paragraph_sentences(text):
        seen: set[str] = set()
        for m_start, m_end, words in sents:
            if len(words) < 4:
                continue
            key = " ".join(words)
            if key in seen:
                start = pos + m_start
                # take the blank before it with it
                while start > pos and para[start - pos - 1] in " \t":
                    start -= 1
                end = pos + m_end
                yield _cand(start, end, "", text, "MT_REPEATED_SENTENCE", "repetition")
            else:
                seen.add(key)


def forget_sentences() -> None:
    """Drop the sentence split `_paragraph_sentences` keeps for the next rule."""
    global _last_sentences
    _last_sentences = ("", [])
