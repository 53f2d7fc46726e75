"""The safety policy: which proposed edits may be applied automatically.

Every gate is about not damaging content, and every proposal passes the same gates, the product's
own rules included: categories outside the policy are never applied; medical terms, pinyin,
protected words and corpus words are never rewritten; proper nouns, acronyms and numbers are left
alone; a doubled word is only halved when it is a function word ("the the"), never a
reduplication ("Fang Fang", "ylang ylang", "so so"); a deleted clause or sentence must be a
repeat of text that stays; spelling suggestions are applied only to rare, lower-case words whose
replacement is a close and much more common word; capitalisation only at a real sentence start.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .candidates import BACKEND as BACKEND_RULES
from .edits import Candidate
from .options import RulePolicy
from .policy_text import (blank_in_dotted_name, digits, glues_after_punctuation, halves_a_double, is_name_like,
                          is_sentence_start, verb_of_a_name_or_a_subjunctive, word_spans)
from .vocabulary import WORD_RE, looks_medical
from .wordstats import HAVE_FREQUENCIES, distance, zipf



#: Function words whose doubling is always a slip ("the the", "to to"). Any other doubled word may
#: be a reduplicated name or word ("Fang Fang", "ylang ylang", "beri beri", "so so", "bye bye") or
#: grammatical ("had had", "that that", "is is"): it is never halved.
REMOVABLE_DOUBLES = frozenset(
    "the a an to of in on at for with by from into onto about as and or but nor if than then "
    "every each both such there when where how because "
    "it its we you they he she i me us them him my our your their his this these those "
    "are was were be been being has have will would should could shall may might must "
    "not which who whom whose some any many more most also just our".split()
)
#: Capitalised words that open a stray clause in MT ("a series of This results in a series of"):
#: sentence starters, not names.
STARTERS = frozenset(
    "this that these those it which thus so there such therefore namely what its they because hence "
    "also and but then meaning resulting as".split()
)


@lru_cache(maxsize=1)
def rule_table() -> dict:
    return json.loads(resources.files(__package__).joinpath("rules.json").read_text(encoding="utf-8"))


def harper_rules() -> dict[str, dict]:
    return rule_table()["harper"]


#: The category of a LanguageTool rule that is not on the measured map: never applied by default
#: (a rule can still be switched on by id with ``RulePolicy.enabled_rules``).
UNMEASURED = "unmeasured"


def languagetool_category(rule_id: str, lt_category: str) -> tuple[str, bool]:
    """Our category for a LanguageTool (or LingoTweaker) match, and whether the spelling gate applies.

    Only the rules on the measured map (rules.json ``languagetool_rules``) have an applied
    category; any other rule is ``unmeasured``, and its spelling-like suggestions are gated."""
    table = rule_table()
    info = table["languagetool_rules"].get(rule_id)
    if info is None:
        info = next((v for k, v in table.get("languagetool_rule_prefixes", {}).items() if rule_id.startswith(k)), None)
    if info is None:
        gated = rule_table()["languagetool_categories"].get(lt_category) == "spelling"
        return UNMEASURED, gated
    cat = info["category"]
    return cat, info.get("gated", cat == "spelling")


@dataclass
class Context:
    """What the gates need to know about the text around an edit."""

    text: str
    protected: frozenset[str]
    counts: dict[str, int] | None = None  # lower-cased word -> occurrences in the text


class WordIndex:
    """A text's words (`WORD_RE`) with their offsets, lower-cased, so the words of any stretch of it are
    had without reading the stretch again (a long paragraph full of repeats is read once, not once per
    repeat).

    `words_in(x, y)` is ``[w.lower() for w in WORD_RE.findall(text[x:y])]``: WORD_RE has no look-around,
    so a cut only changes the words it cuts through, which are read again from the cut."""

    __slots__ = ("ends", "starts", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        spans = [m.span() for m in WORD_RE.finditer(text)]
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]
        self.words = [text[a:b].lower() for a, b in spans]

    def words_in(self, x: int, y: int) -> list[str]:
        text, starts, ends = self.text, self.starts, self.ends
        if y - x < 64:  # short: reading it is as cheap
            return [w.lower() for w in WORD_RE.findall(text, x, y)]
        out: list[str] = []
        i = bisect_right(starts, x) - 1  # the last word starting at or before x
        if i >= 0 and starts[i] < x < ends[i]:  # x cuts word i: its rest is read again
            if y <= ends[i]:
                return [w.lower() for w in WORD_RE.findall(text, x, y)]
            out += [w.lower() for w in WORD_RE.findall(text, x, ends[i])]
            i += 1
        elif i < 0 or starts[i] < x:
            i += 1  # word i ends at or before x: the first word inside starts after x
        j = bisect_right(ends, y)  # words [i, j) lie whole inside [x, y)
        out += self.words[i:j]
        if j < len(starts) and starts[j] < y:  # y cuts word j
            out.append(WORD_RE.match(text, starts[j], y).group().lower())
        return out


class Policy:
    def __init__(self, rules: RulePolicy) -> None:
        self.rules = rules
        disabled = rules.disabled_rules
        self.disabled = frozenset(rule_table().get("disabled_rules", [])) if disabled is None else disabled
        # the last text whose repeats were checked: (text, repeats checked in it, its WordIndex)
        self._repeats: tuple[str, int, WordIndex | None] = ("", 0, None)

    def allowed_category(self, c: Candidate) -> bool:
        if c.rule_id in self.rules.enabled_rules:
            return True
        if c.rule_id in self.disabled:
            return False
        return c.category in self.rules.categories

    def check(
        self, c: Candidate, ctx: Context, gated: bool = False, alternatives: tuple[str, ...] = ()
    ) -> Candidate | None:
        """The candidate to apply (its replacement possibly chosen among
        ``alternatives``), or None when a gate refuses it. Backend proposals and the
        product's own rules pass the same gates."""
        if not self.allowed_category(c):
            return None
        text = ctx.text
        original = text[c.offset : c.end]
        if "\n" in original or "\n" in c.replacement:
            return None  # edits never cross a paragraph
        # an edit that touches a word must take the whole word ("a" in "3a" is no article)
        if original[:1].isalnum() and c.offset > 0 and text[c.offset - 1].isalnum():
            return None
        if original[-1:].isalnum() and c.end < len(text) and text[c.end].isalnum():
            return None
        if c.category == "spacing" and (blank_in_dotted_name(text, c) or glues_after_punctuation(text, c)):
            return None
        if c.category == "agreement" and c.backend != BACKEND_RULES and verb_of_a_name_or_a_subjunctive(text, c.offset):
            return None  # a backend's verb agreement (the product's own agreement rules edit nouns, measured apart)
        if c.length == 0:
            if 0 < c.offset < len(text) and text[c.offset - 1].isalnum() and text[c.offset].isalnum():
                return None  # an insertion never splits a word
            words = []  # nothing is removed
        else:
            words = word_spans(text, c.offset, c.end)
        repl_words = WORD_RE.findall(c.replacement)
        # a doubled word: only a slip of a function word is halved, never a reduplication
        pair = [w for _, w in words]
        if len(pair) == 2 and pair[0].lower() == pair[1].lower():  # "the the", "Fang Fang", "beri beri"
            halved = halves_a_double(pair, repl_words)
            return c if halved is not None and halved.lower() in REMOVABLE_DOUBLES else None
        doubled = self._deletes_twin(text, words[0]) if len(words) == 1 and not repl_words else None
        if doubled is not None:
            return c if doubled.lower() in REMOVABLE_DOUBLES else None
        repeat = c.category == "repetition" and not repl_words and len(words) > 1
        rest = self._rest_of_paragraph(text, c, index=self._index(text)) if repeat else []
        kept = set(rest)
        if repeat and not self._is_repeat(text, c, rest):
            return None
        if not repeat and (digits(original) or digits(c.replacement)):
            return None  # numbers are left alone (a repeat's numbers stay in the first copy)
        for start, w in words:
            if w in repl_words or w.lower() in kept:
                continue  # the word survives
            if w.lower() in ctx.protected or looks_medical(w):
                return None
            if c.category != "capitalization" and is_name_like(w, is_sentence_start(text, start)):
                if not (repeat and w.lower() in STARTERS):
                    return None
        if not repeat:
            changed = len({w.lower() for _, w in words} ^ {w.lower() for w in repl_words})
            if changed > 2 * self.rules.max_words_changed_per_edit:
                return None
        if c.category == "capitalization":
            return c if self._capitalization_ok(c, ctx) else None
        if gated:
            return self._spelling(c, ctx, alternatives or (c.replacement,))
        return c

    @staticmethod
    def _deletes_twin(text: str, span: tuple[int, str]) -> str | None:
        """The word when deleting it leaves its identical neighbour ("the [the]")."""
        start, w = span
        before = WORD_RE.findall(text[max(0, start - 40) : start])
        after = WORD_RE.findall(text[start + len(w) : start + len(w) + 40])
        if (before and before[-1].lower() == w.lower()) or (after and after[0].lower() == w.lower()):
            return w
        return None

    def _index(self, text: str) -> WordIndex | None:
        """The text's `WordIndex` from its second deleted repeat on (one repeat reads its stretch)."""
        last, n, index = self._repeats
        if last is not text:
            n, index = 0, None
        n += 1
        if n == 2:
            index = WordIndex(text)
        self._repeats = (text, n, index)
        return index

    @staticmethod
    def _rest_of_paragraph(text: str, c: Candidate, reach: int = 3000, index: WordIndex | None = None) -> list[str]:
        """The words of the edit's paragraph outside the edit, at most ``reach`` characters either
        side (a copy is near; a long paragraph must not make every check slow)."""
        a = max(text.rfind("\n", 0, c.offset) + 1, c.offset - reach)
        b = text.find("\n", c.end, c.end + reach)
        b = min(len(text), c.end + reach) if b < 0 else b
        if index is not None:
            # the same words: WORD_RE never matches across the blank that joins the two stretches
            return index.words_in(a, c.offset) + index.words_in(c.end, b)
        return list(map(str.lower, WORD_RE.findall(text[a : c.offset] + " " + text[c.end : b])))

    def _is_repeat(self, text: str, c: Candidate, rest: list[str] | None = None) -> bool:
        """A deleted run of words must repeat words that stay: its content words (all but a short
        stray clause opener) are found again in the rest of the paragraph, in order. ``rest``: the
        paragraph's other words (`_rest_of_paragraph`), when the caller has them."""
        gone = [w.lower() for w in WORD_RE.findall(text[c.offset : c.end])]
        if rest is None:
            rest = self._rest_of_paragraph(text, c)
        present = set(rest)
        missing = [w for w in gone if w not in present]
        if len(missing) > min(6, len(gone) // 2):
            return False
        content = [w for w in gone if w in present]
        # the last four of them in order, or the last three: a stray opener's word found elsewhere in the
        # paragraph ("in" of "This results in") is no part of the copy
        return bool(content) and (_is_subsequence(content[-4:], rest) or
                                  (len(content) >= 4 and _is_subsequence(content[-3:], rest)))

    def _capitalization_ok(self, c: Candidate, ctx: Context) -> bool:
        original = ctx.text[c.offset : c.end]
        if original == "i" and c.replacement == "I":
            return True
        if not (original.isalpha() and original.islower()):
            return False
        if c.replacement != original[:1].upper() + original[1:]:
            return False
        if original in ctx.protected:
            return False
        return is_sentence_start(ctx.text, c.offset)

    def _spelling(self, c: Candidate, ctx: Context, alternatives: tuple[str, ...]) -> Candidate | None:
        r = self.rules
        if not HAVE_FREQUENCIES:
            return None
        word = ctx.text[c.offset : c.end]
        if not (word.isascii() and word.isalpha()) or len(word) < r.spelling_min_length:
            return None
        capitalised = word[:1].isupper()
        if capitalised and not r.spelling_capitalised:
            return None
        if ctx.counts is not None and ctx.counts.get(word.lower(), 0) > r.spelling_max_repeats:
            return None
        if capitalised and (not word[1:].islower() or not is_sentence_start(ctx.text, c.offset)):
            return None
        if not capitalised and not word.islower():
            return None
        lw = word.lower()
        eol = ctx.text.find("\n", c.end)
        rest = ctx.text[c.end : eol if eol >= 0 else c.end + 200]
        if not rest.strip() or rest.lstrip().startswith(("...", "\u2026")):
            return None  # the last word of a cut-off teaser is truncated, not misspelt
        base = zipf(lw)
        if base > r.spelling_max_original_zipf:
            return None
        extra = 1.0 if capitalised else 0.0  # a capitalised word may be a name: be stricter
        best: tuple[float, str] | None = None
        for alt in alternatives:
            la = alt.lower()
            if not la or not la.isalpha():
                continue
            if lw.startswith(la) or (r.spelling_same_first_letter and la[:1] != lw[:1]):
                continue  # chopping the end off a word is no spelling fix
            d = distance(lw, la, r.spelling_max_distance)
            if d > r.spelling_max_distance or (d > 1 and len(lw) < 7):
                continue
            z = zipf(la)
            if z < r.spelling_min_replacement_zipf + extra or z - base < r.spelling_min_zipf_gain + extra:
                continue
            score = z - 1.5 * d
            if best is None or score > best[0]:
                best = (score, la)
        if best is None:
            return None
        alt = best[1].capitalize() if capitalised else best[1]
        return Candidate(c.offset, c.length, alt, c.rule_id, c.category, c.backend, word, c.message)


def _is_subsequence(needle: list[str], hay: list[str]) -> bool:
    it = iter(hay)
    return all(any(x == y for y in it) for x in needle)
